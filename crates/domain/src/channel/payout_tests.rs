//! Tests of payout settings: currency codes, strategies, supported pairs, wallets and extra ids.

use serde_json::{Value, json};

use super::*;
use crate::channel::test_fixtures::*;

#[test]
fn currency_codes_are_lower_cased_tickers_of_two_to_ten_characters() {
    for (raw, code) in
        [("USDT", "usdt"), (" eth ", "eth"), ("op", "op"), ("1inch", "1inch"), ("abcdefghij", "abcdefghij")]
    {
        assert_eq!(CurrencyCode::parse(raw).map(|c| c.to_string()), Ok(code.to_owned()));
    }
}

#[test]
fn currency_codes_that_are_too_short_too_long_or_not_alphanumeric_are_rejected() {
    for raw in ["", "u", "abcdefghijk", "us-dt", "usdt.e", "ü$d", "us dt"] {
        assert_eq!(CurrencyCode::parse(raw), Err(CurrencyCodeError), "{raw}");
    }
}

#[test]
fn payout_settings_parse_on_their_own_with_payout_paths() {
    let input = PayoutInput {
        wallet_address: ETH_ADDRESS.to_owned(),
        currency: "usdt".to_owned(),
        network: "eth".to_owned(),
        extra_id: None,
        strategy: "instant".to_owned(),
        threshold_usd: None,
    };
    let settings = PayoutSettings::parse(&input, &rules());
    assert_eq!(settings.as_ref().map(|s| s.strategy().kind()), Ok("instant"));
    assert_eq!(settings.map(|s| s.to_input()), Ok(input.clone()));
    let bad = PayoutInput { network: "xmr".to_owned(), ..input };
    let fields: Vec<String> = PayoutSettings::parse(&bad, &rules())
        .err()
        .map(|e| e.into_fields().into_iter().map(|f| f.field).collect())
        .unwrap_or_default();
    assert_eq!(fields, ["payout.currency", "payout.wallet_address"]);
}

#[test]
fn a_threshold_strategy_without_threshold_is_rejected() {
    let missing = |b: &mut Value| b["payout"]["threshold_usd"] = Value::Null;
    let errors = error_messages(missing);
    let message = "is required for the threshold strategy".to_owned();
    assert_eq!(errors, [("payout.threshold_usd".to_owned(), message)]);
    let absent = |b: &mut Value| drop(b["payout"].as_object_mut().map(|p| p.remove("threshold_usd")));
    assert_eq!(error_fields(absent), ["payout.threshold_usd"]);
    assert_eq!(error_fields(|b| b["payout"]["threshold_usd"] = json!("100000.01")), ["payout.threshold_usd"]);
}

#[test]
fn an_instant_strategy_with_a_threshold_is_rejected_and_without_one_accepted() {
    let instant = |b: &mut Value| b["payout"]["strategy"] = json!("instant");
    assert_eq!(error_fields(instant), ["payout.threshold_usd"]);
    let mut body = spec_body();
    body["payout"]["strategy"] = json!("instant");
    body["payout"]["threshold_usd"] = Value::Null;
    let draft = valid(body);
    assert_eq!(draft.payout().strategy(), PayoutStrategy::Instant);
}

#[test]
fn an_unknown_strategy_network_or_currency_is_rejected() {
    assert_eq!(error_fields(|b| b["payout"]["strategy"] = json!("weekly")), ["payout.strategy"]);
    assert_eq!(error_fields(|b| b["payout"]["network"] = json!("dogechain")), ["payout.network"]);
    assert_eq!(error_fields(|b| b["payout"]["currency"] = json!("x$")), ["payout.currency"]);
}

#[test]
fn a_currency_network_pair_that_is_not_supported_is_rejected() {
    let errors = error_messages(|b| {
        b["payout"]["currency"] = json!("USDT");
        b["payout"]["network"] = json!("XMR");
    });
    let message = "USDT is not a supported payout currency on network XMR".to_owned();
    assert_eq!(errors, [("payout.currency".to_owned(), message)]);
}

#[test]
fn a_wallet_address_of_another_network_is_rejected() {
    let errors = error_fields(|b| b["payout"]["wallet_address"] = json!(ETH_ADDRESS));
    assert_eq!(errors, ["payout.wallet_address"]);
    assert_eq!(error_fields(|b| b["payout"]["wallet_address"] = json!("")), ["payout.wallet_address"]);
}

#[test]
fn an_extra_id_is_checked_for_the_network_and_an_empty_one_is_ignored() {
    assert_eq!(error_fields(|b| b["payout"]["extra_id"] = json!("memo")), ["payout.extra_id"]);
    assert!(error_fields(|b| b["payout"]["extra_id"] = json!("  ")).is_empty());
    let mut body = spec_body();
    body["payout"] = json!({"wallet_address": XRP_ADDRESS, "currency": "xrp", "network": "xrp",
                            "extra_id": "12345", "strategy": "instant"});
    let draft = valid(body);
    assert_eq!(draft.payout().extra_id().map(|id| id.as_str()), Some("12345"));
}
