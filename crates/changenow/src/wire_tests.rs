//! Tests of the wire types: exact amounts, every documented status, unknown ones kept, lenient text.

#![allow(clippy::unwrap_used)]

use super::*;

fn exchange(json: &str) -> WireExchange {
    serde_json::from_str(json).unwrap_or_else(|error| panic!("{error}: {json}"))
}

#[test]
fn every_documented_status_maps_to_the_port_status_of_the_same_name() {
    let cases = [
        ("new", ExchangeStatus::New),
        ("waiting", ExchangeStatus::Waiting),
        ("confirming", ExchangeStatus::Confirming),
        ("exchanging", ExchangeStatus::Exchanging),
        ("sending", ExchangeStatus::Sending),
        ("finished", ExchangeStatus::Finished),
        ("failed", ExchangeStatus::Failed),
        ("refunded", ExchangeStatus::Refunded),
        ("verifying", ExchangeStatus::Verifying),
        ("expired", ExchangeStatus::Expired),
    ];
    for (raw, expected) in cases {
        let status = exchange(&format!(r#"{{"status":"{raw}"}}"#)).status;
        assert_eq!(ExchangeStatus::from(status), expected, "{raw}");
    }
}

#[test]
fn an_unknown_status_is_kept_as_received_and_shortened() {
    let status = exchange(r#"{"status":"hold_for_kyc"}"#).status;
    assert_eq!(ExchangeStatus::from(status), ExchangeStatus::Unknown("hold_for_kyc".into()));
    let long = "x".repeat(500);
    let status = exchange(&format!(r#"{{"status":"{long}"}}"#)).status;
    assert_eq!(ExchangeStatus::from(status), ExchangeStatus::Unknown("x".repeat(64)));
    assert!(serde_json::from_str::<WireExchange>(r#"{"status":null}"#).is_err());
}

#[test]
fn amounts_are_read_exactly_from_numbers_and_numeric_strings() {
    let wire = exchange(
        r#"{"status":"finished","amountFrom":0.123456789012345678,"amountTo":"1e-8",
            "expectedAmountFrom":5,"expectedAmountTo":null}"#,
    );
    assert_eq!(wire.amount_from.unwrap().to_string(), "0.123456789012345678");
    assert_eq!(wire.amount_to.unwrap().to_string(), "0.00000001");
    assert_eq!(wire.expected_amount_from.unwrap().to_string(), "5");
    assert_eq!(wire.expected_amount_to, None);
    assert!(serde_json::from_str::<WireExchange>(r#"{"status":"new","amountFrom":"lots"}"#).is_err());
}

#[test]
fn blank_text_is_absent_and_numeric_extra_ids_are_kept_as_digits() {
    let wire = exchange(r#"{"status":"new","payinExtraId":"","payoutExtraId":123456,"payinHash":null}"#);
    assert_eq!((wire.payin_extra_id, wire.payout_extra_id.as_deref()), (None, Some("123456")));
    assert_eq!(wire.payin_hash, None);
}

#[test]
fn the_create_body_carries_lower_case_names_and_the_amounts_digits() {
    let body = CreateExchange {
        from_currency: "eth",
        from_network: "eth",
        to_currency: "xmr",
        to_network: "xmr",
        from_amount: RawValue::from_string("0.050000000000000001".into()).unwrap(),
        address: "4xmr",
        extra_id: None,
        refund_address: "0xabc",
        flow: flow(RateFlow::Standard),
        kind: "direct",
        rate_id: None,
    };
    assert_eq!(
        serde_json::to_string(&body).unwrap(),
        r#"{"fromCurrency":"eth","fromNetwork":"eth","toCurrency":"xmr","toNetwork":"xmr","fromAmount":0.050000000000000001,"address":"4xmr","refundAddress":"0xabc","flow":"standard","type":"direct"}"#
    );
}

#[test]
fn number_text_that_is_not_exact_is_refused() {
    for text in ["", "abc", "1_000", "1e", "0x10", "NaN", "1e400", "1.00000000000000000000000000000001"] {
        assert_eq!(parse_decimal(text), None, "{text}");
    }
    assert_eq!(parse_decimal("1.5E+3").map(|d| d.to_string()).as_deref(), Some("1500"));
}
