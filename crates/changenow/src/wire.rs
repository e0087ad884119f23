//! Private ChangeNOW v2 wire types, the exhaustive status mapping, and lenient field readers.

use paygate_domain::swap::{ExchangeStatus, RateFlow};
pub(crate) use paygate_provider_http::amounts::parse_decimal;
use paygate_provider_http::amounts::{decimal, optional_decimal};
use rust_decimal::Decimal;
use serde::{Deserialize, Deserializer, Serialize, de::Error as _};
use serde_json::value::RawValue;

/// Longest unknown status text kept (it ends up in logs and alerts).
const MAX_STATUS_CHARS: usize = 64;

/// The `flow` parameter value.
pub(crate) fn flow(flow: RateFlow) -> &'static str {
    match flow {
        RateFlow::Standard => "standard",
        RateFlow::FixedRate => "fixed-rate",
    }
}

/// An error body: `{"error":"out_of_range","message":"Amount is less then minimal: 0.0223925 XMR"}`.
#[derive(Debug, Deserialize)]
pub(crate) struct ApiError {
    pub error: Option<String>,
    pub message: Option<String>,
}

/// `GET /exchange/min-amount` answer; only the field Paygate reads.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct MinAmountAnswer {
    #[serde(deserialize_with = "decimal")]
    pub min_amount: Decimal,
}

/// `GET /exchange/estimated-amount` answer.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct EstimateAnswer {
    #[serde(deserialize_with = "decimal")]
    pub to_amount: Decimal,
    #[serde(default, deserialize_with = "text")]
    pub rate_id: Option<String>,
    #[serde(default, deserialize_with = "text")]
    pub valid_until: Option<String>,
    #[serde(default, deserialize_with = "optional_decimal")]
    pub deposit_fee: Option<Decimal>,
    #[serde(default, deserialize_with = "optional_decimal")]
    pub withdrawal_fee: Option<Decimal>,
    #[serde(default, deserialize_with = "text")]
    pub warning_message: Option<String>,
}

/// `POST /exchange` body. Tickers and networks are lower-case; the amount is a JSON number with
/// exactly the decimal's digits.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct CreateExchange<'a> {
    pub from_currency: &'static str,
    pub from_network: &'static str,
    pub to_currency: &'static str,
    pub to_network: &'static str,
    pub from_amount: Box<RawValue>,
    pub address: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub extra_id: Option<&'a str>,
    pub refund_address: &'a str,
    pub flow: &'static str,
    #[serde(rename = "type")]
    pub kind: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rate_id: Option<&'a str>,
}

/// `POST /exchange` answer.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct CreatedAnswer {
    #[serde(deserialize_with = "text")]
    pub id: Option<String>,
    #[serde(default, deserialize_with = "optional_decimal")]
    pub from_amount: Option<Decimal>,
    #[serde(default, deserialize_with = "optional_decimal")]
    pub to_amount: Option<Decimal>,
    #[serde(default, deserialize_with = "text")]
    pub payin_address: Option<String>,
    #[serde(default, deserialize_with = "text")]
    pub payin_extra_id: Option<String>,
    #[serde(default, deserialize_with = "text")]
    pub payout_address: Option<String>,
    #[serde(default, deserialize_with = "text")]
    pub payout_extra_id: Option<String>,
    #[serde(default, deserialize_with = "text")]
    pub valid_until: Option<String>,
}

/// Every exchange status ChangeNOW documents (`expired` only in some versions of the list).
#[derive(Debug, Clone, Copy, Deserialize)]
#[serde(rename_all = "lowercase")]
pub(crate) enum Status {
    New,
    Waiting,
    Confirming,
    Exchanging,
    Sending,
    Finished,
    Failed,
    Refunded,
    Verifying,
    Expired,
}

impl From<Status> for ExchangeStatus {
    fn from(status: Status) -> Self {
        match status {
            Status::New => Self::New,
            Status::Waiting => Self::Waiting,
            Status::Confirming => Self::Confirming,
            Status::Exchanging => Self::Exchanging,
            Status::Sending => Self::Sending,
            Status::Finished => Self::Finished,
            Status::Failed => Self::Failed,
            Status::Refunded => Self::Refunded,
            Status::Verifying => Self::Verifying,
            Status::Expired => Self::Expired,
        }
    }
}

/// A status as sent: a documented one, or any other text, kept (shortened) to alert on.
#[derive(Debug, Clone, Deserialize)]
#[serde(untagged)]
pub(crate) enum WireStatus {
    Known(Status),
    Unknown(String),
}

impl From<WireStatus> for ExchangeStatus {
    fn from(status: WireStatus) -> Self {
        match status {
            WireStatus::Known(status) => status.into(),
            WireStatus::Unknown(raw) => Self::Unknown(raw.chars().take(MAX_STATUS_CHARS).collect()),
        }
    }
}

/// One side (`payin`, `payout`, `refund`) of an exchange in the documented list shape.
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct Side {
    #[serde(default, deserialize_with = "text")]
    pub currency: Option<String>,
    #[serde(default, deserialize_with = "text")]
    pub network: Option<String>,
    #[serde(default, deserialize_with = "text")]
    pub address: Option<String>,
    #[serde(default, alias = "extra_id", deserialize_with = "text")]
    pub extra_id: Option<String>,
    #[serde(default, deserialize_with = "optional_decimal")]
    pub amount: Option<Decimal>,
    #[serde(default, deserialize_with = "optional_decimal")]
    pub expected_amount: Option<Decimal>,
    #[serde(default, deserialize_with = "text")]
    pub hash: Option<String>,
}

/// An exchange: the flat `GET /exchange/by-id` shape, or a list item with nested `payin`/`payout`/
/// `refund` objects. Every field is optional here; `convert` decides what is required.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct WireExchange {
    #[serde(default, deserialize_with = "text")]
    pub id: Option<String>,
    #[serde(default, deserialize_with = "text")]
    pub request_id: Option<String>,
    #[serde(default, deserialize_with = "text")]
    pub exchange_id: Option<String>,
    pub status: WireStatus,
    #[serde(default, deserialize_with = "text")]
    pub from_currency: Option<String>,
    #[serde(default, deserialize_with = "text")]
    pub from_network: Option<String>,
    #[serde(default, deserialize_with = "text")]
    pub to_currency: Option<String>,
    #[serde(default, deserialize_with = "text")]
    pub to_network: Option<String>,
    #[serde(default, deserialize_with = "optional_decimal")]
    pub expected_amount_from: Option<Decimal>,
    #[serde(default, deserialize_with = "optional_decimal")]
    pub expected_amount_to: Option<Decimal>,
    #[serde(default, deserialize_with = "optional_decimal")]
    pub amount_from: Option<Decimal>,
    #[serde(default, deserialize_with = "optional_decimal")]
    pub amount_to: Option<Decimal>,
    #[serde(default, deserialize_with = "text")]
    pub payin_address: Option<String>,
    #[serde(default, deserialize_with = "text")]
    pub payout_address: Option<String>,
    #[serde(default, deserialize_with = "text")]
    pub payin_extra_id: Option<String>,
    #[serde(default, deserialize_with = "text")]
    pub payout_extra_id: Option<String>,
    #[serde(default, deserialize_with = "text")]
    pub refund_address: Option<String>,
    #[serde(default, deserialize_with = "text")]
    pub payin_hash: Option<String>,
    #[serde(default, deserialize_with = "text")]
    pub payout_hash: Option<String>,
    #[serde(default, deserialize_with = "text")]
    pub refund_hash: Option<String>,
    #[serde(default, deserialize_with = "optional_decimal")]
    pub refund_amount: Option<Decimal>,
    #[serde(default, deserialize_with = "text")]
    pub created_at: Option<String>,
    #[serde(default, deserialize_with = "text")]
    pub updated_at: Option<String>,
    #[serde(default, deserialize_with = "text")]
    pub valid_until: Option<String>,
    #[serde(default)]
    pub payin: Option<Side>,
    #[serde(default)]
    pub payout: Option<Side>,
    #[serde(default)]
    pub refund: Option<Side>,
}

/// Text sent as a string or a number (an extra id may be numeric); `null` and blank are `None`.
fn text<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Option<String>, D::Error> {
    let raw = Box::<RawValue>::deserialize(deserializer)?;
    let text = raw.get();
    let value = if text == "null" {
        None
    } else if text.starts_with('"') {
        Some(serde_json::from_str::<String>(text).map_err(D::Error::custom)?)
    } else if parse_decimal(text).is_some() {
        Some(text.to_owned())
    } else {
        return Err(D::Error::custom(format!("expected text, found {text}")));
    };
    Ok(value.map(|value| value.trim().to_owned()).filter(|value| !value.is_empty()))
}

#[cfg(test)]
#[path = "wire_tests.rs"]
mod tests;
