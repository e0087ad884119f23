//! Signed `finished` NOWPayments IPNs, written as the provider writes them (keys sorted, HMAC-SHA512
//! of that text with the IPN secret in `x-nowpayments-sig`).

use hmac::{Hmac, Mac};
use serde_json::{Value, json};
use sha2::Sha512;

use crate::seed::OpenInvoice;

/// The provider's `finished` notification paying `invoice` in full ($5 in ETH), as sorted-key JSON.
pub fn finished_body(invoice: &OpenInvoice, payment_id: i64) -> String {
    let body = json!({
        "payment_id": payment_id, "parent_payment_id": null, "invoice_id": invoice.provider_invoice_id,
        "payment_status": "finished", "pay_address": "0x9d6a2c1b3e4f5a6b7c8d9e0f1a2b3c4d5e6f7a8b",
        "payin_extra_id": null, "price_amount": 5, "price_currency": "usd", "pay_amount": 0.0017,
        "actually_paid": 0.0017, "actually_paid_at_fiat": 0, "pay_currency": "eth",
        "order_id": invoice.order_id, "order_description": "Bench VIP, 30 days", "purchase_id": "5312822613",
        "outcome_amount": 0.00161, "outcome_currency": "eth", "payment_extra_ids": null,
        "fee": {"currency": "eth", "depositFee": 0.00002, "withdrawalFee": 0, "serviceFee": 0.00007}
    });
    canonical(&body)
}

/// Compact JSON with object keys sorted (recursively), the text NOWPayments signs.
pub fn canonical(value: &Value) -> String {
    match value {
        Value::Object(map) => {
            let mut entries: Vec<_> = map.iter().collect();
            entries.sort_by(|a, b| a.0.cmp(b.0));
            let fields: Vec<String> = entries
                .into_iter()
                .map(|(k, v)| format!("{}:{}", Value::from(k.as_str()), canonical(v)))
                .collect();
            format!("{{{}}}", fields.join(","))
        }
        Value::Array(items) => format!("[{}]", items.iter().map(canonical).collect::<Vec<_>>().join(",")),
        other => other.to_string(),
    }
}

/// Lower-case hex HMAC-SHA512 of `body` with `secret`.
pub fn sign(secret: &str, body: &str) -> String {
    let Ok(mut mac) = Hmac::<Sha512>::new_from_slice(secret.as_bytes()) else {
        return String::new();
    };
    mac.update(body.as_bytes());
    hex::encode(mac.finalize().into_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_are_sorted_at_every_level_and_numbers_kept() {
        let value = json!({"b": 1, "a": {"d": 0.0017, "c": null}, "e": [{"z": true, "y": "x"}]});
        assert_eq!(canonical(&value), r#"{"a":{"c":null,"d":0.0017},"b":1,"e":[{"y":"x","z":true}]}"#);
    }

    #[test]
    fn the_signature_is_hmac_sha512_in_lower_case_hex() {
        // RFC 4231 test case 2.
        let signature = sign("Jefe", "what do ya want for nothing?");
        assert_eq!(
            signature,
            "164b7a7bfcf819e2e395fbe73b56e0a387bd64222e831fd610270cd7ea2505549758bf75c05a994a6d034f65f8f0e6fdcaeab1a34d4a6b4b636e070a38bce737"
        );
    }

    #[test]
    fn a_finished_body_names_the_invoice_twice() {
        let invoice = OpenInvoice {
            order_id: "0190f0c8-5f3a-7c2e-9d41-1a2b3c4d5e6f".into(),
            provider_invoice_id: 4000000001,
        };
        let body = finished_body(&invoice, 77);
        assert!(body.starts_with(r#"{"actually_paid":0.0017,"#), "{body}");
        assert!(body.contains(r#""invoice_id":4000000001"#) && body.contains(r#""order_id":"0190f0c8-"#));
        assert!(body.contains(r#""payment_status":"finished""#));
    }
}
