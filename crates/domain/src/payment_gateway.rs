//! The `PaymentGateway` port: creating crypto invoices and reading payment status (NOWPayments or sandbox).

use async_trait::async_trait;
use rust_decimal::Decimal;

/// What Paygate asks the provider to bill.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InvoiceRequest {
    /// Paygate's invoice id, echoed back as `order_id` in every notification.
    pub order_id: String,
    /// Price in USD, 2 decimals.
    pub price_usd: Decimal,
    pub description: String,
    pub ipn_callback_url: String,
    pub success_url: String,
    pub cancel_url: String,
}

/// The provider's invoice.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CreatedInvoice {
    pub provider_invoice_id: String,
    /// The hosted page the payer is sent to.
    pub invoice_url: String,
}

/// Every payment status the provider reports. Only `Finished` means the money arrived in full.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PaymentStatus {
    Waiting,
    Confirming,
    Confirmed,
    Sending,
    PartiallyPaid,
    Finished,
    Failed,
    Refunded,
    Expired,
}

impl PaymentStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Waiting => "waiting",
            Self::Confirming => "confirming",
            Self::Confirmed => "confirmed",
            Self::Sending => "sending",
            Self::PartiallyPaid => "partially_paid",
            Self::Finished => "finished",
            Self::Failed => "failed",
            Self::Refunded => "refunded",
            Self::Expired => "expired",
        }
    }

    pub fn parse(raw: &str) -> Option<Self> {
        Some(match raw {
            "waiting" => Self::Waiting,
            "confirming" => Self::Confirming,
            "confirmed" => Self::Confirmed,
            "sending" => Self::Sending,
            "partially_paid" => Self::PartiallyPaid,
            "finished" => Self::Finished,
            "failed" => Self::Failed,
            "refunded" => Self::Refunded,
            "expired" => Self::Expired,
            _ => return None,
        })
    }

    /// No further change is expected.
    pub fn is_final(self) -> bool {
        matches!(self, Self::Finished | Self::Failed | Self::Refunded | Self::Expired)
    }
}

/// One status report of one payment (from an IPN or a status look-up). Amounts are exact decimals.
#[derive(Debug, Clone, PartialEq)]
pub struct PaymentUpdate {
    pub provider_payment_id: String,
    pub provider_invoice_id: Option<String>,
    /// Paygate's invoice id.
    pub order_id: Option<String>,
    pub status: PaymentStatus,
    pub price_amount: Decimal,
    pub price_currency: String,
    pub pay_amount: Option<Decimal>,
    pub actually_paid: Option<Decimal>,
    /// USD value of what was actually paid, when the provider reports it.
    pub actually_paid_at_fiat: Option<Decimal>,
    pub pay_currency: Option<String>,
    /// What the provider settled to the merchant (after its fees), in `outcome_currency`.
    pub outcome_amount: Option<Decimal>,
    /// Missing on some notifications: then it equals `pay_currency`.
    pub outcome_currency: Option<String>,
    /// Set on a child payment: a repeated or extra deposit to the pay address of `parent_payment_id`.
    pub parent_payment_id: Option<String>,
    /// The notification or look-up answer exactly as received (UTF-8 text), kept for the record.
    pub raw: String,
}

/// A correctly signed notification Paygate cannot read (an unknown status, missing amounts, a payout
/// notification without an order id ...): stored as received for the operator, never acted on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnreadableReport {
    /// What could be picked out of the body, best effort (each field as received, shortened).
    pub provider_payment_id: Option<String>,
    pub order_id: Option<String>,
    pub status: Option<String>,
    /// Why it could not be read.
    pub error: String,
    /// The body exactly as received (UTF-8 text).
    pub raw: String,
}

/// Provider failures, classified where they happen.
#[derive(Debug, Clone, thiserror::Error, PartialEq, Eq)]
pub enum GatewayError {
    #[error("payment provider unavailable: {0}")]
    Unavailable(String),
    #[error("payment provider rate limit")]
    RateLimited { retry_after_secs: u64 },
    #[error("payment provider rejected the API key")]
    Unauthorized,
    #[error("payment provider refused the request: {0}")]
    Rejected(String),
    #[error("no such payment at the provider")]
    NotFound,
    #[error("unexpected answer from the payment provider: {0}")]
    BadResponse(String),
    /// The call needs configuration Paygate does not have (e.g. the account login for list look-ups).
    #[error("payment provider look-up not configured: {0}")]
    NotConfigured(String),
}

impl GatewayError {
    pub fn is_retryable(&self) -> bool {
        matches!(self, Self::Unavailable(_) | Self::RateLimited { .. } | Self::BadResponse(_))
    }
}

#[async_trait]
pub trait PaymentGateway: Send + Sync {
    async fn create_invoice(&self, request: &InvoiceRequest) -> Result<CreatedInvoice, GatewayError>;
    async fn payment_status(&self, provider_payment_id: &str) -> Result<PaymentUpdate, GatewayError>;
    /// Every payment the provider knows for one invoice (by the provider's invoice id), newest state
    /// of each. Reconciliation asks before expiring an invoice that never received a notification.
    async fn payments_of_invoice(
        &self,
        provider_invoice_id: &str,
    ) -> Result<Vec<PaymentUpdate>, GatewayError>;
    /// `true` for the real provider, `false` for the sandbox.
    fn is_live(&self) -> bool;
}
