//! The sandbox payment provider: a Paygate-hosted checkout page stands in for NOWPayments, and a
//! click there sends correctly signed notifications to the same webhook the live provider uses.

use std::str::FromStr;

use async_trait::async_trait;
use paygate_domain::payment_gateway::{
    CreatedInvoice, GatewayError, InvoiceRequest, PaymentGateway, PaymentStatus, PaymentUpdate,
};
use rust_decimal::{Decimal, RoundingStrategy};
use secrecy::SecretString;
use serde_json::{Value, json};
use sqlx::PgPool;
use uuid::Uuid;

/// Sandbox ETH price used to compute what the "provider" settles.
const ETH_USD: Decimal = Decimal::from_parts(3000, 0, 0, false, 0);
/// Share the sandbox keeps as its own fee (NOWPayments settles after its fees too).
const PROVIDER_FEE: Decimal = Decimal::from_parts(5, 0, 0, false, 3);

/// What the payer does on the checkout page.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CheckoutAction {
    PayInFull,
    Underpay,
    Expire,
}

impl CheckoutAction {
    pub fn parse(raw: &str) -> Option<Self> {
        match raw {
            "pay" => Some(Self::PayInFull),
            "underpay" => Some(Self::Underpay),
            "expire" => Some(Self::Expire),
            _ => None,
        }
    }
}

#[derive(Debug, Clone)]
pub struct SandboxPayments {
    pool: PgPool,
    public_url: String,
    ipn_secret: SecretString,
    http: reqwest::Client,
}

impl SandboxPayments {
    pub fn new(pool: PgPool, public_url: &url::Url, ipn_secret: SecretString, http: reqwest::Client) -> Self {
        Self { pool, public_url: public_url.as_str().trim_end_matches('/').to_owned(), ipn_secret, http }
    }

    /// Plays the payer's choice: records a sandbox payment and delivers its signed notifications
    /// (`waiting`, then the final status) to Paygate's own webhook over HTTP.
    pub async fn checkout(&self, invoice_id: Uuid, action: CheckoutAction) -> Result<(), GatewayError> {
        let unavailable = |e: sqlx::Error| GatewayError::Unavailable(e.to_string());
        let invoice: Option<(Decimal, Option<String>)> = sqlx::query_as(
            "SELECT price_usd, provider_invoice_id FROM invoices WHERE id = $1 AND provider = 'sandbox'",
        )
        .bind(invoice_id)
        .fetch_optional(&self.pool)
        .await
        .map_err(unavailable)?;
        let (price, provider_invoice_id) = invoice.ok_or(GatewayError::NotFound)?;
        let invoice = Invoice { id: invoice_id, provider_id: provider_invoice_id.as_deref(), price };
        let payment_id: i64 = sqlx::query_scalar(
            "INSERT INTO sandbox_payments (invoice_id, body) VALUES ($1, '{}') RETURNING id",
        )
        .bind(invoice_id)
        .fetch_one(&self.pool)
        .await
        .map_err(unavailable)?;
        let (status, paid_fraction) = match action {
            CheckoutAction::PayInFull => ("finished", Decimal::ONE),
            CheckoutAction::Underpay => ("finished", Decimal::new(5, 1)),
            CheckoutAction::Expire => ("expired", Decimal::ZERO),
        };
        self.deliver(&ipn_body(&invoice, payment_id, "waiting", Decimal::ZERO)).await?;
        let last = ipn_body(&invoice, payment_id, status, paid_fraction);
        sqlx::query("UPDATE sandbox_payments SET body = $2 WHERE id = $1")
            .bind(payment_id)
            .bind(&last)
            .execute(&self.pool)
            .await
            .map_err(unavailable)?;
        self.deliver(&last).await
    }

    async fn deliver(&self, body: &Value) -> Result<(), GatewayError> {
        let signature = paygate_nowpayments::sign_ipn(&self.ipn_secret, body);
        let response = self
            .http
            .post(format!("{}/webhooks/nowpayments", self.public_url))
            .header(paygate_nowpayments::IPN_SIGNATURE_HEADER, signature)
            .json(body)
            .send()
            .await
            .map_err(|e| GatewayError::Unavailable(e.without_url().to_string()))?;
        if !response.status().is_success() {
            return Err(GatewayError::Rejected(format!("the webhook answered {}", response.status())));
        }
        tracing::info!(kind = "external", status = %body["payment_status"], "sandbox notification delivered");
        Ok(())
    }
}

/// The invoice a sandbox payment pays.
struct Invoice<'a> {
    id: Uuid,
    provider_id: Option<&'a str>,
    price: Decimal,
}

/// A notification shaped like a real NOWPayments one: JSON numbers, no fiat value
/// (`actually_paid_at_fiat: 0`), `parent_payment_id`/`payin_extra_id`/`payment_extra_ids` null, a
/// `fee` object, `purchase_id` as a string. `invoice_id` is the invoice's provider id (a number when
/// it is digits; the sandbox's own ids are `sandbox-{order}` strings, which the wire format accepts).
fn ipn_body(invoice: &Invoice<'_>, payment_id: i64, status: &str, paid_fraction: Decimal) -> Value {
    let eth = |usd: Decimal| (usd / ETH_USD).round_dp_with_strategy(18, RoundingStrategy::ToZero);
    let pay_amount = eth(invoice.price);
    let paid = (pay_amount * paid_fraction).round_dp_with_strategy(18, RoundingStrategy::ToZero);
    let service_fee = (paid * PROVIDER_FEE).round_dp_with_strategy(18, RoundingStrategy::ToZero);
    let number = |d: Decimal| {
        Value::Number(serde_json::Number::from_str(&d.normalize().to_string()).unwrap_or(0.into()))
    };
    let invoice_id = match invoice.provider_id {
        Some(id) => id.parse::<u64>().map_or_else(|_| json!(id), |number| json!(number)),
        None => Value::Null,
    };
    json!({
        "payment_id": payment_id,
        "parent_payment_id": null,
        "invoice_id": invoice_id,
        "payment_status": status,
        "pay_address": "0x0000000000000000000000000000000000sandbox",
        "payin_extra_id": null,
        "price_amount": number(invoice.price),
        "price_currency": "usd",
        "pay_amount": number(pay_amount),
        "actually_paid": number(paid),
        "actually_paid_at_fiat": 0,
        "pay_currency": "eth",
        "order_id": invoice.id.to_string(),
        "order_description": "sandbox payment",
        "purchase_id": payment_id.to_string(),
        "outcome_amount": number(paid - service_fee),
        "outcome_currency": "eth",
        "payment_extra_ids": null,
        "fee": {"currency": "eth", "depositFee": 0, "withdrawalFee": 0, "serviceFee": number(service_fee)},
        "created_at": chrono::Utc::now().to_rfc3339(),
        "updated_at": chrono::Utc::now().to_rfc3339(),
    })
}

fn decimal(value: &Value) -> Option<Decimal> {
    match value {
        Value::Number(n) => {
            Decimal::from_str(&n.to_string()).or_else(|_| Decimal::from_scientific(&n.to_string())).ok()
        }
        Value::String(s) => Decimal::from_str(s).ok(),
        _ => None,
    }
}

#[async_trait]
impl PaymentGateway for SandboxPayments {
    async fn create_invoice(&self, request: &InvoiceRequest) -> Result<CreatedInvoice, GatewayError> {
        Ok(CreatedInvoice {
            provider_invoice_id: format!("sandbox-{}", request.order_id),
            invoice_url: format!("{}/sandbox/checkout/{}", self.public_url, request.order_id),
        })
    }

    async fn payment_status(&self, provider_payment_id: &str) -> Result<PaymentUpdate, GatewayError> {
        let id: i64 = provider_payment_id.parse().map_err(|_| GatewayError::NotFound)?;
        let body: Option<Value> = sqlx::query_scalar("SELECT body FROM sandbox_payments WHERE id = $1")
            .bind(id)
            .fetch_optional(&self.pool)
            .await
            .map_err(|e| GatewayError::Unavailable(e.to_string()))?;
        let body = body.filter(|b| b.get("payment_status").is_some()).ok_or(GatewayError::NotFound)?;
        let text = |key: &str| body[key].as_str().map(str::to_owned);
        let id = |key: &str| match &body[key] {
            Value::Number(number) => Some(number.to_string()),
            Value::String(text) => Some(text.clone()),
            _ => None,
        };
        let status = text("payment_status")
            .and_then(|s| PaymentStatus::parse(&s))
            .ok_or_else(|| GatewayError::BadResponse("status".into()))?;
        Ok(PaymentUpdate {
            provider_payment_id: provider_payment_id.to_owned(),
            provider_invoice_id: id("invoice_id"),
            order_id: text("order_id"),
            status,
            price_amount: decimal(&body["price_amount"]).unwrap_or_default(),
            price_currency: text("price_currency").unwrap_or_default(),
            pay_amount: decimal(&body["pay_amount"]),
            actually_paid: decimal(&body["actually_paid"]),
            actually_paid_at_fiat: decimal(&body["actually_paid_at_fiat"]),
            pay_currency: text("pay_currency"),
            outcome_amount: decimal(&body["outcome_amount"]),
            outcome_currency: text("outcome_currency"),
            parent_payment_id: id("parent_payment_id"),
            raw: body.to_string(),
        })
    }

    async fn payments_of_invoice(
        &self,
        provider_invoice_id: &str,
    ) -> Result<Vec<PaymentUpdate>, GatewayError> {
        sandbox_payments_of_invoice(self, provider_invoice_id).await
    }

    fn is_live(&self) -> bool {
        false
    }
}

/// Every sandbox payment made on the checkout page of `sandbox-{invoice}` that reached a status.
async fn sandbox_payments_of_invoice(
    sandbox: &SandboxPayments,
    provider_invoice_id: &str,
) -> Result<Vec<PaymentUpdate>, GatewayError> {
    let Some(invoice_id) =
        provider_invoice_id.strip_prefix("sandbox-").and_then(|id| Uuid::parse_str(id).ok())
    else {
        return Err(GatewayError::NotFound);
    };
    let ids: Vec<i64> = sqlx::query_scalar(
        "SELECT id FROM sandbox_payments WHERE invoice_id = $1 AND body ? 'payment_status' ORDER BY id",
    )
    .bind(invoice_id)
    .fetch_all(&sandbox.pool)
    .await
    .map_err(|e| GatewayError::Unavailable(e.to_string()))?;
    let mut updates = Vec::with_capacity(ids.len());
    for id in ids {
        updates.push(sandbox.payment_status(&id.to_string()).await?);
    }
    Ok(updates)
}
