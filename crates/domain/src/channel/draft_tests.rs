//! Tests of `ChannelDraft::parse`: a whole SPEC body, every rejected field and its path.

use rust_decimal_macros::dec;
use serde_json::{Value, json};

use super::*;
use crate::channel::TierLevel;
use crate::channel::test_fixtures::*;

#[test]
fn the_full_spec_body_parses_into_typed_values() {
    let draft = valid(spec_body());
    assert_eq!(draft.open_channel_id().get(), -1001234567890);
    assert_eq!(draft.closed_channel_id().get(), -1009876543210);
    assert_eq!(draft.open_channel_title().as_str(), "Alpha Signals (free)");
    assert_eq!(draft.tiers().len(), 1);
    let Some((level, tier)) = draft.tiers().iter().next() else { panic!("no tier") };
    assert_eq!(
        (level, tier.price.to_string(), tier.duration.get()),
        (TierLevel::Gold, "5.00".to_owned(), 30)
    );
    assert_eq!(draft.payout().network(), Network::Xmr);
    assert_eq!(draft.payout().currency().as_str(), "xmr");
    assert_eq!(draft.payout().wallet().as_str(), XMR_ADDRESS);
    assert_eq!(draft.payout().extra_id(), None);
    assert_eq!(draft.payout().strategy().threshold().map(|t| t.get()), Some(dec!(100.00)));
    assert_eq!(draft.donations().message().map(|m| m.as_str()), Some("Thanks for supporting the channel!"));
    assert_eq!(draft.notifications().recipient().map(|u| u.get()), Some(123456789));
}

#[test]
fn a_body_with_many_mistakes_reports_every_field_path() {
    let body = json!({
        "open_channel_id": 1234, "open_channel_title": "", "open_channel_description": "ok",
        "closed_channel_id": -1234, "closed_channel_title": "x".repeat(101),
        "closed_channel_description": "a\u{7}b",
        "tiers": [{"price_usd": "5.00", "duration_days": 0}, {"price_usd": "1e3", "duration_days": 30},
                  {"price_usd": "0.999", "duration_days": 1000}, {"price_usd": "5", "duration_days": 7}],
        "payout": {"wallet_address": "0xnot-an-address", "currency": "USDT", "network": "ETH", "extra_id": "123",
                   "strategy": "threshold", "threshold_usd": "49.99"},
        "donations": {"enabled": true, "message": "short"},
        "notifications": {"telegram_user_id": 0, "enabled": true}
    });
    let Err(errors) = parse_json(body) else { panic!("the body was accepted") };
    let fields: Vec<&str> = errors.fields().iter().map(|e| e.field.as_str()).collect();
    assert_eq!(
        fields,
        [
            "open_channel_id",
            "closed_channel_id",
            "open_channel_title",
            "closed_channel_title",
            "closed_channel_description",
            "tiers",
            "tiers[0].duration_days",
            "tiers[1].price_usd",
            "tiers[2].price_usd",
            "tiers[2].duration_days",
            "payout.wallet_address",
            "payout.extra_id",
            "payout.threshold_usd",
            "donations.message",
            "notifications.telegram_user_id",
        ]
    );
}

#[test]
fn channel_ids_that_are_not_minus_100_ids_are_rejected() {
    assert_eq!(error_fields(|b| b["open_channel_id"] = json!(1234)), ["open_channel_id"]);
    assert_eq!(error_fields(|b| b["closed_channel_id"] = json!(-1234)), ["closed_channel_id"]);
}

#[test]
fn the_same_id_for_open_and_closed_channel_is_rejected() {
    let errors = error_messages(|b| b["closed_channel_id"] = json!(-1001234567890_i64));
    assert_eq!(errors, [("closed_channel_id".to_owned(), "must differ from open_channel_id".to_owned())]);
}

#[test]
fn zero_or_four_tiers_are_rejected() {
    assert_eq!(error_fields(|b| b["tiers"] = json!([])), ["tiers"]);
    let tier = json!({"price_usd": "5.00", "duration_days": 30});
    assert_eq!(error_fields(|b| b["tiers"] = json!([tier, tier, tier, tier])), ["tiers"]);
    assert!(error_fields(|b| b["tiers"] = json!([tier, tier, tier])).is_empty());
}

#[test]
fn tier_prices_below_the_provider_minimum_are_rejected() {
    let errors = error_messages(|b| b["tiers"][0]["price_usd"] = json!("0.50"));
    assert_eq!(errors, [("tiers[0].price_usd".to_owned(), "must be between 1.00 and 9999.99".to_owned())]);
}

#[test]
fn enabled_donations_without_a_message_are_rejected() {
    let errors = error_messages(|b| b["donations"] = json!({"enabled": true, "message": null}));
    let message = "is required when donations are enabled".to_owned();
    assert_eq!(errors, [("donations.message".to_owned(), message)]);
    assert!(error_fields(|b| b["donations"] = json!({"enabled": false})).is_empty());
}

#[test]
fn enabled_notifications_without_a_user_id_are_rejected() {
    let errors = error_fields(|b| b["notifications"] = json!({"telegram_user_id": null, "enabled": true}));
    assert_eq!(errors, ["notifications.telegram_user_id"]);
}

#[test]
fn descriptions_donations_and_notifications_may_be_omitted_or_null() {
    let mut body = spec_body();
    let Some(object) = body.as_object_mut() else { panic!("the body is an object") };
    object.remove("open_channel_description");
    object.remove("donations");
    object.remove("notifications");
    object.insert("closed_channel_description".to_owned(), Value::Null);
    let draft = valid(body);
    assert!(draft.open_channel_description().is_empty() && draft.closed_channel_description().is_empty());
    assert!(!draft.donations().enabled() && !draft.notifications().enabled());
}

#[test]
fn a_draft_turns_back_into_an_input_that_parses_to_the_same_draft() {
    let draft = valid(spec_body());
    let input = draft.to_input();
    assert_eq!(input.payout.currency, "xmr");
    assert_eq!(input.tiers[0].price_usd, "5.00");
    assert_eq!(ChannelDraft::parse(&input, &rules()), Ok(draft));
}

#[test]
fn a_patch_merged_onto_a_stored_input_is_parsed_again() {
    let stored = valid(spec_body()).to_input();
    let Ok(mut merged) = serde_json::to_value(&stored) else { panic!("the input serializes") };
    merged["tiers"] =
        json!([{"price_usd": "9.99", "duration_days": 36500}, {"price_usd": "3", "duration_days": 7}]);
    let patched = valid(merged);
    let prices: Vec<String> = patched.tiers().iter().map(|(_, t)| t.price.to_string()).collect();
    assert_eq!(prices, ["9.99", "3.00"]);
    assert!(patched.tiers().as_slice()[0].duration.is_lifetime());
}
