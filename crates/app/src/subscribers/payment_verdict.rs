//! Judging a `finished` payment against its invoice: identity, repeated deposits, then the amount.

use paygate_domain::{
    payment_gateway::PaymentUpdate,
    payment_identity::{InvoiceIdentity, check_identity},
    payment_rules::{AmountVerdict, check_amount},
    status::PaymentVerdict,
};
use rust_decimal::Decimal;
use sqlx::PgConnection;

use crate::{App, AppResult};

/// Why a payment grants nothing until an operator decides (`payments.verdict`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HoldKind {
    /// The provider reported nothing usable to judge the amount.
    AmountUnknown,
    /// The notification does not match the invoice its `order_id` names.
    Mismatch,
    /// A further payment of an invoice that was already paid, or a child payment (repeated deposit).
    ExtraDeposit,
}

impl HoldKind {
    /// The verdict stored for a payment held for this reason.
    pub fn stored(self) -> PaymentVerdict {
        match self {
            Self::AmountUnknown => PaymentVerdict::AmountUnknown,
            Self::Mismatch => PaymentVerdict::Mismatch,
            Self::ExtraDeposit => PaymentVerdict::ExtraDeposit,
        }
    }

    pub fn as_str(self) -> &'static str {
        self.stored().as_str()
    }
}

/// What a `finished` payment is worth to its invoice.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verdict {
    /// Paid in full: access is granted.
    Accepted { paid_usd: Decimal },
    /// Short by more than the tolerance: no access, the subscriber is told.
    Underpaid { paid_usd: Decimal, shortfall_usd: Decimal },
    /// Recorded and held for the operator with a reason; no access.
    Held { kind: HoldKind, reason: String },
}

impl Verdict {
    /// The verdict as stored (`payments.verdict`).
    pub fn stored(&self) -> PaymentVerdict {
        match self {
            Self::Accepted { .. } => PaymentVerdict::Accepted,
            Self::Underpaid { .. } => PaymentVerdict::Underpaid,
            Self::Held { kind, .. } => kind.stored(),
        }
    }

    pub fn as_str(&self) -> &'static str {
        self.stored().as_str()
    }

    /// The USD value of what arrived, when it could be judged.
    pub fn paid_usd(&self) -> Option<Decimal> {
        match self {
            Self::Accepted { paid_usd } | Self::Underpaid { paid_usd, .. } => Some(*paid_usd),
            Self::Held { .. } => None,
        }
    }

    /// Why the payment is on hold, in words for the operator (`None` when accepted).
    pub fn hold_reason(&self) -> Option<String> {
        match self {
            Self::Accepted { .. } => None,
            Self::Underpaid { paid_usd, shortfall_usd } => {
                Some(format!("underpaid: {paid_usd} USD arrived, {shortfall_usd} USD short"))
            }
            Self::Held { reason, .. } => Some(reason.clone()),
        }
    }
}

/// Judges the first `finished` report of a payment, under the invoice lock.
///
/// 1. It must match its invoice (provider invoice id and USD price where reported), else `mismatch`.
/// 2. An invoice pays once: a payment under another id for an invoice that already has one, or a
///    child payment (`parent_payment_id`), is an `extra_deposit` for the operator to decide.
/// 3. The amount: `actually_paid` against `pay_amount`, else a non-zero fiat value, else
///    `amount_unknown` (never accepted blindly).
pub async fn judge(
    app: &App,
    tx: &mut PgConnection,
    invoice: &paygate_db::invoices::InvoiceRow,
    update: &PaymentUpdate,
) -> AppResult<Verdict> {
    let tolerance = app.settings.payment_tolerance_percent;
    let identity = InvoiceIdentity {
        provider_invoice_id: invoice.provider_invoice_id.as_deref(),
        price_usd: invoice.price_usd,
    };
    if let Err(mismatch) = check_identity(identity, update, tolerance) {
        return Ok(Verdict::Held { kind: HoldKind::Mismatch, reason: format!("mismatch: {mismatch}") });
    }
    let payment_id = &update.provider_payment_id;
    if let Some(first) = paygate_db::payments::other_payment_of_invoice(tx, invoice.id, payment_id).await? {
        let reason = format!(
            "extra deposit: this invoice was already paid by payment {first}; payment {payment_id} grants nothing until an operator decides"
        );
        return Ok(Verdict::Held { kind: HoldKind::ExtraDeposit, reason });
    }
    if let Some(parent) = &update.parent_payment_id {
        let reason = format!(
            "extra deposit: payment {payment_id} is a repeated deposit (child of payment {parent}); it grants nothing until an operator decides"
        );
        return Ok(Verdict::Held { kind: HoldKind::ExtraDeposit, reason });
    }
    Ok(match check_amount(invoice.price_usd, update, tolerance) {
        AmountVerdict::Accepted { paid_usd } => Verdict::Accepted { paid_usd },
        AmountVerdict::Underpaid { paid_usd, shortfall_usd } => Verdict::Underpaid { paid_usd, shortfall_usd },
        AmountVerdict::Unknown => Verdict::Held {
            kind: HoldKind::AmountUnknown,
            reason: "amount unknown: the provider reported neither the paid amount against the asked amount nor a fiat value"
                .to_owned(),
        },
    })
}
