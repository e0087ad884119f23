//! The fake's JSON: numbers written with exactly a decimal's digits (as ChangeNOW's JSON numbers
//! arrive), the by-id and list shapes, and ChangeNOW's error body.

use axum::{
    http::StatusCode,
    response::{IntoResponse, Response},
};
use chrono::{DateTime, SecondsFormat, Utc};
use rust_decimal::Decimal;
use serde_json::{Value, json};

use super::FakeExchange;

/// Marks a string that `render` turns into a bare JSON number (serde_json without
/// `arbitrary_precision` cannot hold an exact decimal in a `Value`).
const NUMBER_MARK: &str = "\u{1}number:";

/// A JSON number with exactly `value`'s digits.
pub(super) fn num(value: Decimal) -> Value {
    Value::String(format!("{NUMBER_MARK}{value}"))
}

pub(super) fn optional_num(value: Option<Decimal>) -> Value {
    value.map_or(Value::Null, num)
}

pub(super) fn time(value: DateTime<Utc>) -> Value {
    json!(value.to_rfc3339_opts(SecondsFormat::Millis, true))
}

/// `value` as JSON text with every marked string replaced by its bare number.
pub(super) fn render(value: &Value) -> String {
    let text = value.to_string();
    let escaped_mark = "\"\\u0001number:";
    let mut out = String::with_capacity(text.len());
    let mut rest = text.as_str();
    while let Some(at) = rest.find(escaped_mark) {
        out.push_str(&rest[..at]);
        let after = &rest[at + escaped_mark.len()..];
        let end = after.find('"').unwrap_or(after.len());
        out.push_str(&after[..end]);
        rest = after.get(end + 1..).unwrap_or_default();
    }
    out.push_str(rest);
    out
}

/// A JSON answer with `status`.
pub(super) fn respond(status: u16, value: &Value) -> Response {
    let status = StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    (status, [("content-type", "application/json")], render(value)).into_response()
}

/// ChangeNOW's error body: `{"error":"out_of_range","message":"..."}`.
pub(super) fn error(status: u16, code: &str, message: &str) -> Response {
    respond(status, &json!({"error": code, "message": message}))
}

/// The flat `GET /exchange/by-id` shape.
pub(super) fn by_id(exchange: &FakeExchange) -> Value {
    json!({
        "id": exchange.id, "status": exchange.status, "actionsAvailable": false,
        "fromCurrency": exchange.from.code(), "fromNetwork": exchange.from.network(),
        "toCurrency": exchange.to.code(), "toNetwork": exchange.to.network(),
        "expectedAmountFrom": num(exchange.expected_from), "expectedAmountTo": num(exchange.expected_to),
        "amountFrom": optional_num(exchange.amount_from), "amountTo": optional_num(exchange.amount_to),
        "payinAddress": exchange.payin_address, "payoutAddress": exchange.payout_address,
        "payinExtraId": null, "payoutExtraId": exchange.payout_extra_id,
        "refundAddress": exchange.refund_address, "refundExtraId": null,
        "createdAt": time(exchange.created_at), "updatedAt": time(exchange.updated_at),
        "depositReceivedAt": exchange.amount_from.map(|_| time(exchange.updated_at)),
        "payinHash": exchange.payin_hash, "payoutHash": exchange.payout_hash,
        "refundHash": exchange.refund_hash, "refundAmount": optional_num(exchange.refund_amount),
        "validUntil": exchange.valid_until.map(time),
    })
}

/// One item of `GET /exchanges`, in the documented nested shape (no network fields).
pub(super) fn list_item(exchange: &FakeExchange) -> Value {
    json!({
        "createdAt": time(exchange.created_at), "updatedAt": time(exchange.updated_at),
        "exchangeId": format!("x{}", exchange.id), "requestId": exchange.id, "status": exchange.status,
        "validUntil": exchange.valid_until.map(time), "flow": exchange.flow,
        "payin": {
            "currency": exchange.from.code(), "address": exchange.payin_address, "extraId": null,
            "amount": optional_num(exchange.amount_from), "expectedAmount": num(exchange.expected_from),
            "hash": exchange.payin_hash,
        },
        "payout": {
            "currency": exchange.to.code(), "address": exchange.payout_address,
            "extraId": exchange.payout_extra_id, "amount": optional_num(exchange.amount_to),
            "expectedAmount": num(exchange.expected_to), "hash": exchange.payout_hash,
        },
        "refund": {
            "currency": exchange.from.code(), "address": exchange.refund_address, "extra_id": null,
            "hash": exchange.refund_hash,
        },
        "partnerInfo": null, "userId": null, "payload": null,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn marked_numbers_render_as_bare_numbers_with_their_digits() {
        let value = json!({"a": num("0.123456789012345678".parse().unwrap_or_default()), "b": "text", "c": [num(Decimal::TEN)]});
        assert_eq!(render(&value), r#"{"a":0.123456789012345678,"b":"text","c":[10]}"#);
    }
}
