//! Unit tests of IPN verification, with signatures computed by Node's `JSON.stringify` of a key-sorted body.

use std::str::FromStr;

use paygate_domain::payment_gateway::PaymentStatus;
use rust_decimal::Decimal;
use serde_json::json;

use super::*;

const SECRET: &str = "ipn-secret-for-tests";

/// A `finished` IPN with every documented field, as NOWPayments sends it.
const FINISHED: &str = r#"{"payment_id":5077125051,"invoice_id":4953441534,"payment_status":"finished","pay_address":"TNDFkiSmBQorNFacb3735q8MnT29sn8BLn","payin_extra_id":null,"price_amount":5,"price_currency":"usd","pay_amount":5.05164,"actually_paid":5.05164,"actually_paid_at_fiat":5,"pay_currency":"usdttrc20","order_id":"0195f1c2-7a3b-7c41-9d2e-4b5a6c7d8e9f","order_description":"Gold tier, 30 days","purchase_id":"5837122679","outcome_amount":4.1824,"outcome_currency":"usdttrc20","payment_extra_ids":null,"fee":{"currency":"usdttrc20","depositFee":0,"withdrawalFee":0.8,"serviceFee":0.06924},"created_at":"2025-03-01T10:00:00.000Z","updated_at":"2025-03-01T10:12:31.000Z"}"#;
/// `crypto.createHmac('sha512', SECRET).update(JSON.stringify(sortObject(JSON.parse(FINISHED))))`.
const FINISHED_SIG: &str = "2a84ce37d714618ed8e876cf7e2c72117eb1e723e96f40c530107d9782795439e6af0fbe5c15f05aa101dfb4ec50df795f06e9d7647be44d14628bbc9abe85be";

/// Unicode, escapes, an exponent and a nested array, signed the same way by Node.
const ESCAPES: &str = r#"{"payment_id":1,"payment_status":"waiting","price_amount":1e-7,"price_currency":"usd","order_description":"Канал «Gold» \"VIP\" ☕\n\u0001 / \u2028 🚀","fee":{"b":[2,1],"a":null}}"#;
const ESCAPES_SIG: &str = "2bdd5a5764b1dede6ec3cd3012a86c187d64fdda0f03da0af5d361ea2a4f05aba9f1fa0356ec100f9b26f52f9e8ccf5e44ad88dfd3ffba9bac845d9bb0d309f1";

fn secret() -> SecretString {
    SECRET.to_owned().into()
}

fn verify(body: &str, signature: Option<&str>) -> Result<VerifiedIpn, IpnError> {
    verify_ipn(&secret(), body.as_bytes(), signature)
}

/// A body that must verify and parse as a payment.
fn payment(body: &str, signature: &str) -> PaymentUpdate {
    match verify(body, Some(signature)) {
        Ok(VerifiedIpn::Payment(update)) => update,
        other => panic!("not a payment: {other:?}"),
    }
}

fn dec(text: &str) -> Decimal {
    Decimal::from_str(text).unwrap_or_else(|error| panic!("{text}: {error}"))
}

fn hex_hmac(message: &[u8]) -> String {
    hex::encode(mac(&secret(), message))
}

#[test]
fn a_realistic_finished_ipn_signed_like_nowpayments_parses_with_exact_amounts() {
    let update = payment(FINISHED, FINISHED_SIG);

    assert_eq!(update.provider_payment_id, "5077125051");
    assert_eq!(update.provider_invoice_id.as_deref(), Some("4953441534"));
    assert_eq!(update.order_id.as_deref(), Some("0195f1c2-7a3b-7c41-9d2e-4b5a6c7d8e9f"));
    assert_eq!(update.status, PaymentStatus::Finished);
    assert_eq!(update.price_amount, dec("5"));
    assert_eq!(update.price_currency, "usd");
    assert_eq!(update.pay_amount, Some(dec("5.05164")));
    assert_eq!(update.actually_paid, Some(dec("5.05164")));
    assert_eq!(update.actually_paid_at_fiat, Some(dec("5")));
    assert_eq!(update.pay_currency.as_deref(), Some("usdttrc20"));
    assert_eq!(update.outcome_amount, Some(dec("4.1824")));
    assert_eq!(update.outcome_currency.as_deref(), Some("usdttrc20"));
    assert_eq!(update.parent_payment_id, None);
    assert_eq!(update.raw, FINISHED, "kept exactly as received");
}

#[test]
fn unicode_escapes_and_exponents_are_signed_like_javascript_does() {
    let update = payment(ESCAPES, ESCAPES_SIG);
    assert_eq!(update.status, PaymentStatus::Waiting);
    assert_eq!(update.price_amount.to_string(), "0.0000001");
    assert_eq!(update.provider_invoice_id, None);
    assert_eq!(update.outcome_amount, None);
}

#[test]
fn upper_case_hex_and_surrounding_spaces_are_accepted() {
    let signature = format!(" {} ", FINISHED_SIG.to_ascii_uppercase());
    assert!(verify(FINISHED, Some(&signature)).is_ok());
}

#[test]
fn a_signature_over_the_raw_body_bytes_is_accepted() {
    let signature = hex_hmac(FINISHED.as_bytes());
    assert_ne!(signature, FINISHED_SIG);
    assert!(verify(FINISHED, Some(&signature)).is_ok());
}

#[test]
fn a_missing_or_empty_signature_is_refused() {
    assert_eq!(verify(FINISHED, None), Err(IpnError::MissingSignature));
    assert_eq!(verify(FINISHED, Some("  ")), Err(IpnError::MissingSignature));
}

#[test]
fn a_wrong_signature_is_refused_whatever_its_shape() {
    let other_secret = hex::encode(mac(&"other".to_owned().into(), FINISHED.as_bytes()));
    for signature in [other_secret.as_str(), "zz", "abc", "00", &FINISHED_SIG[..64], &FINISHED_SIG[2..]] {
        assert_eq!(verify(FINISHED, Some(signature)), Err(IpnError::BadSignature), "{signature}");
    }
}

#[test]
fn a_changed_amount_breaks_the_signature() {
    let tampered = FINISHED.replace(r#""outcome_amount":4.1824"#, r#""outcome_amount":4.18240"#);
    assert_eq!(verify(&tampered, Some(FINISHED_SIG)), Err(IpnError::BadSignature));
}

#[test]
fn reordering_keys_and_adding_whitespace_keeps_the_signature_valid() {
    let reordered = r#"{ "price_currency": "usd", "price_amount": 1e-7, "payment_status": "waiting",
        "order_description": "Канал «Gold» \"VIP\" ☕\n\u0001 \/ \u2028 \ud83d\ude80",
        "fee": { "a": null, "b": [2, 1] }, "payment_id": 1 }"#;
    assert!(verify(reordered, Some(ESCAPES_SIG)).is_ok());
}

#[test]
fn garbage_with_a_wrong_signature_says_only_bad_signature() {
    assert_eq!(verify("not json", Some(FINISHED_SIG)), Err(IpnError::BadSignature));
}

#[test]
fn a_signed_body_that_is_not_a_payment_is_verified_but_unreadable_never_a_signature_error() {
    let cases = [
        ("not json", None, None),
        (r#"{"payment_id":1}"#, Some("1"), None),
        (
            r#"{"payment_id":1,"payment_status":"lost","price_amount":1,"price_currency":"usd"}"#,
            Some("1"),
            Some("lost"),
        ),
        (
            r#"{"payment_id":"7","payment_status":"finished","price_amount":null,"price_currency":"usd","order_id":"o-1"}"#,
            Some("7"),
            Some("finished"),
        ),
        (
            r#"{"id":"5000000713","status":"FINISHED","batch_withdrawal_id":"5000000000","amount":0.5}"#,
            None,
            Some("FINISHED"),
        ),
    ];
    for (body, payment_id, status) in cases {
        let signature = hex_hmac(body.as_bytes());
        let Ok(VerifiedIpn::Unreadable(report)) = verify(body, Some(&signature)) else {
            panic!("{body} should be unreadable");
        };
        assert_eq!(report.raw, body);
        assert_eq!((report.provider_payment_id.as_deref(), report.status.as_deref()), (payment_id, status));
        assert!(!report.error.is_empty());
    }
}

#[test]
fn a_real_shaped_finished_ipn_keeps_fiat_zero_as_reported_and_reads_the_parent_payment() {
    let body = json!({"payment_id":5077125051u64,"parent_payment_id":null,"invoice_id":4591254910u64,
        "payment_status":"finished","pay_address":"0xabc","payin_extra_id":null,"price_amount":5,
        "price_currency":"usd","pay_amount":0.0017,"actually_paid":0.0017,"actually_paid_at_fiat":0,
        "pay_currency":"eth","order_id":"o-1","order_description":"d","purchase_id":"5312822613",
        "outcome_amount":0.00161,"outcome_currency":"eth","payment_extra_ids":null,
        "fee":{"currency":"eth","depositFee":0.00002,"withdrawalFee":0,"serviceFee":0.00007}});
    let update = payment(&body.to_string(), &sign_ipn(&secret(), &body));
    assert_eq!(update.actually_paid_at_fiat, Some(Decimal::ZERO));
    assert_eq!((update.pay_amount, update.actually_paid), (Some(dec("0.0017")), Some(dec("0.0017"))));
    assert_eq!(update.provider_invoice_id.as_deref(), Some("4591254910"));
    assert_eq!(update.parent_payment_id, None);

    let mut child = body.clone();
    child["parent_payment_id"] = json!(5077125051u64);
    child["payment_id"] = json!(5077125052u64);
    child["invoice_id"] = json!(null);
    let update = payment(&child.to_string(), &sign_ipn(&secret(), &child));
    assert_eq!(update.parent_payment_id.as_deref(), Some("5077125051"));
    assert_eq!(update.provider_invoice_id, None);
}

#[test]
fn outcome_currency_may_be_missing() {
    let body = json!({
        "payment_id": 7, "invoice_id": "8", "payment_status": "partially_paid", "price_amount": "10.00",
        "price_currency": "usd", "pay_amount": 0.00021, "actually_paid": 0.0001, "pay_currency": "btc",
        "outcome_amount": 0.000095, "order_id": "inv-7",
    });
    let update = payment(&body.to_string(), &sign_ipn(&secret(), &body));
    assert_eq!(update.status, PaymentStatus::PartiallyPaid);
    assert_eq!(update.price_amount.to_string(), "10.00");
    assert_eq!(update.actually_paid, Some(dec("0.0001")));
    assert_eq!(update.outcome_amount, Some(dec("0.000095")));
    assert_eq!((update.outcome_currency, update.pay_currency.as_deref()), (None, Some("btc")));
}

#[test]
fn sign_ipn_matches_node_for_the_same_body() {
    let body: serde_json::Value = serde_json::from_str(FINISHED).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(sign_ipn(&secret(), &body), FINISHED_SIG);
}

#[test]
fn errors_never_show_the_secret_or_the_expected_signature() {
    for error in [verify(FINISHED, Some("00")), verify(FINISHED, None)] {
        let text = format!("{error:?}");
        assert!(!text.contains(SECRET) && !text.contains(&FINISHED_SIG[..16]), "{text}");
    }
}

#[test]
fn a_signed_body_with_raw_nul_bytes_is_kept_as_text_the_database_can_store() {
    let body = b"{\"payment_id\":1}\0";
    let Ok(VerifiedIpn::Unreadable(report)) = verify_ipn(&secret(), body, Some(&hex_hmac(body))) else {
        panic!("should be unreadable");
    };
    assert_eq!(report.raw, "{\"payment_id\":1}\u{FFFD}");
}
