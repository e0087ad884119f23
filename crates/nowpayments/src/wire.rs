//! Private NOWPayments wire types (invoice request/response, payment/IPN body) and their mapping.

use paygate_domain::payment_gateway::{InvoiceRequest, PaymentStatus, PaymentUpdate};
use paygate_provider_http::amounts::{decimal, optional_decimal};
use rust_decimal::Decimal;
use serde::{Deserialize, Deserializer, Serialize, de::Error as _};
use serde_json::value::RawValue;

/// `POST /invoice` body. The payer chooses the coin, so `pay_currency` is not sent.
#[derive(Debug, Serialize)]
pub(crate) struct CreateInvoice<'a> {
    /// A JSON number with exactly the decimal's digits (`5.00`), never via `f64`.
    pub price_amount: Box<RawValue>,
    pub price_currency: &'static str,
    pub order_id: &'a str,
    pub order_description: &'a str,
    pub ipn_callback_url: &'a str,
    pub success_url: &'a str,
    pub cancel_url: &'a str,
    pub is_fixed_rate: bool,
    pub is_fee_paid_by_user: bool,
}

impl<'a> CreateInvoice<'a> {
    pub fn new(request: &'a InvoiceRequest) -> Result<Self, serde_json::Error> {
        Ok(Self {
            price_amount: RawValue::from_string(request.price_usd.to_string())?,
            price_currency: "usd",
            order_id: &request.order_id,
            order_description: &request.description,
            ipn_callback_url: &request.ipn_callback_url,
            success_url: &request.success_url,
            cancel_url: &request.cancel_url,
            is_fixed_rate: true,
            is_fee_paid_by_user: false,
        })
    }
}

/// `POST /invoice` response; only the fields Paygate reads.
#[derive(Debug, Deserialize)]
pub(crate) struct Invoice {
    #[serde(deserialize_with = "id")]
    pub id: String,
    pub invoice_url: String,
}

/// An error body: `{"status":false,"statusCode":400,"code":"INVALID_REQUEST_PARAMS","message":"..."}`.
#[derive(Debug, Deserialize)]
pub(crate) struct ApiError {
    pub code: Option<String>,
    pub message: Option<serde_json::Value>,
}

/// Every payment status NOWPayments sends; an unknown one fails to parse instead of being guessed.
#[derive(Debug, Clone, Copy, Deserialize)]
#[serde(rename_all = "snake_case")]
pub(crate) enum Status {
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

impl From<Status> for PaymentStatus {
    fn from(status: Status) -> Self {
        match status {
            Status::Waiting => Self::Waiting,
            Status::Confirming => Self::Confirming,
            Status::Confirmed => Self::Confirmed,
            Status::Sending => Self::Sending,
            Status::PartiallyPaid => Self::PartiallyPaid,
            Status::Finished => Self::Finished,
            Status::Failed => Self::Failed,
            Status::Refunded => Self::Refunded,
            Status::Expired => Self::Expired,
        }
    }
}

/// A payment as `GET /payment/{id}` returns it and as the IPN body carries it.
///
/// Must be parsed with `serde_json::from_slice`/`from_str` (not `from_value`): amounts are read
/// from the number text through `RawValue`, so they never pass through `f64`.
#[derive(Debug, Deserialize)]
pub(crate) struct Payment {
    #[serde(deserialize_with = "id")]
    pub payment_id: String,
    #[serde(default, deserialize_with = "optional_id")]
    pub invoice_id: Option<String>,
    /// Set on a child payment (a repeated or extra deposit to the same pay address), else `null`.
    #[serde(default, deserialize_with = "optional_id")]
    pub parent_payment_id: Option<String>,
    #[serde(default, deserialize_with = "optional_id")]
    pub order_id: Option<String>,
    pub payment_status: Status,
    #[serde(deserialize_with = "decimal")]
    pub price_amount: Decimal,
    pub price_currency: String,
    #[serde(default, deserialize_with = "optional_decimal")]
    pub pay_amount: Option<Decimal>,
    #[serde(default, deserialize_with = "optional_decimal")]
    pub actually_paid: Option<Decimal>,
    #[serde(default, deserialize_with = "optional_decimal")]
    pub actually_paid_at_fiat: Option<Decimal>,
    #[serde(default)]
    pub pay_currency: Option<String>,
    #[serde(default, deserialize_with = "optional_decimal")]
    pub outcome_amount: Option<Decimal>,
    #[serde(default)]
    pub outcome_currency: Option<String>,
}

impl Payment {
    /// The port's view of this payment; `raw` is the body it was parsed from, kept as received.
    pub fn into_update(self, raw: &[u8]) -> PaymentUpdate {
        PaymentUpdate {
            provider_payment_id: self.payment_id,
            provider_invoice_id: self.invoice_id,
            order_id: self.order_id,
            status: self.payment_status.into(),
            price_amount: self.price_amount,
            price_currency: self.price_currency,
            pay_amount: self.pay_amount,
            actually_paid: self.actually_paid,
            actually_paid_at_fiat: self.actually_paid_at_fiat,
            pay_currency: self.pay_currency.filter(|currency| !currency.is_empty()),
            outcome_amount: self.outcome_amount,
            outcome_currency: self.outcome_currency.filter(|currency| !currency.is_empty()),
            parent_payment_id: self.parent_payment_id,
            raw: String::from_utf8_lossy(raw).into_owned(),
        }
    }
}

/// An id sent as a JSON string or as a JSON integer (kept as its digits).
fn id<'de, D: Deserializer<'de>>(deserializer: D) -> Result<String, D::Error> {
    optional_id(deserializer)?.ok_or_else(|| D::Error::custom("id is null"))
}

fn optional_id<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Option<String>, D::Error> {
    let raw = Box::<RawValue>::deserialize(deserializer)?;
    let text = raw.get();
    if text == "null" {
        Ok(None)
    } else if text.starts_with('"') {
        serde_json::from_str(text).map(Some).map_err(D::Error::custom)
    } else if !text.is_empty() && text.bytes().all(|byte| byte.is_ascii_digit()) {
        Ok(Some(text.to_owned()))
    } else {
        Err(D::Error::custom(format!("expected an id, found {text}")))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_unknown_status_does_not_parse() {
        let body = r#"{"payment_id":1,"payment_status":"paid","price_amount":5,"price_currency":"usd"}"#;
        let error = serde_json::from_str::<Payment>(body).map(|_| ()).err();
        assert!(error.is_some_and(|error| error.to_string().contains("unknown variant")));
    }

    #[test]
    fn ids_may_be_strings_or_integers_but_not_fractions() {
        let invoice: Invoice = serde_json::from_str(r#"{"id":4522625843,"invoice_url":"u"}"#)
            .unwrap_or_else(|error| panic!("{error}"));
        assert_eq!(invoice.id, "4522625843");
        let invoice: Invoice = serde_json::from_str(r#"{"id":"4522625843","invoice_url":"u"}"#)
            .unwrap_or_else(|error| panic!("{error}"));
        assert_eq!(invoice.id, "4522625843");
        assert!(serde_json::from_str::<Invoice>(r#"{"id":1.5,"invoice_url":"u"}"#).is_err());
        assert!(serde_json::from_str::<Invoice>(r#"{"id":null,"invoice_url":"u"}"#).is_err());
    }

    #[test]
    fn the_invoice_body_carries_the_price_with_the_decimals_digits() {
        let request = InvoiceRequest {
            order_id: "inv-1".into(),
            price_usd: Decimal::new(500, 2),
            description: "Gold, 30 days".into(),
            ipn_callback_url: "https://pay.example/webhooks/nowpayments".into(),
            success_url: "https://pay.example/paid?i=inv-1".into(),
            cancel_url: "https://pay.example/cancel".into(),
        };
        let body = CreateInvoice::new(&request).and_then(|body| serde_json::to_string(&body));
        assert_eq!(
            body.unwrap_or_else(|error| panic!("{error}")),
            r#"{"price_amount":5.00,"price_currency":"usd","order_id":"inv-1","order_description":"Gold, 30 days","ipn_callback_url":"https://pay.example/webhooks/nowpayments","success_url":"https://pay.example/paid?i=inv-1","cancel_url":"https://pay.example/cancel","is_fixed_rate":true,"is_fee_paid_by_user":false}"#
        );
    }
}
