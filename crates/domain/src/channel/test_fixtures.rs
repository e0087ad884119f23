//! Test fixtures for channel parsing: platform rules, the SPEC body, error-path helpers.

use rust_decimal_macros::dec;
use serde_json::{Value, json};

use crate::validation::ValidationErrors;
use crate::wallet::Network;

use super::{ChannelDraft, ChannelInput, ChannelRules};

pub(super) const XMR_ADDRESS: &str =
    "44AFFq5kSiGBoZ4NMDwYtN18obc8AemS33DBLWs3H7otXft3XjrpDtQGv7SqSsaBYBb98uNbr2VBBEt7f2wfn3RVGQBEP3A";
pub(super) const ETH_ADDRESS: &str = "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed";
pub(super) const XRP_ADDRESS: &str = "rHb9CJAWyB4rj91VRWn96DkukG4bwdtyTh";

pub(super) fn rules() -> ChannelRules {
    let pairs = [
        ("BTC", Network::Btc),
        ("ETH", Network::Eth),
        ("USDT", Network::Eth),
        ("USDT", Network::Trx),
        ("USDT", Network::Bsc),
        ("XMR", Network::Xmr),
        ("XRP", Network::Xrp),
    ];
    ChannelRules {
        provider_min_price_usd: dec!(1.00),
        supported_pairs: pairs.into_iter().map(|(code, network)| (code.to_owned(), network)).collect(),
    }
}

/// The channel body of SPEC §3.3 with real values.
pub(super) fn spec_body() -> Value {
    json!({
        "open_channel_id": -1001234567890_i64, "open_channel_title": "Alpha Signals (free)",
        "open_channel_description": "Daily market notes.\nJoin the paid channel for more.",
        "closed_channel_id": -1009876543210_i64, "closed_channel_title": "Alpha Signals VIP",
        "closed_channel_description": "Everything, first.",
        "tiers": [{"price_usd": "5.00", "duration_days": 30}],
        "payout": {"wallet_address": XMR_ADDRESS, "currency": "XMR", "network": "XMR", "extra_id": null,
                   "strategy": "threshold", "threshold_usd": "100.00"},
        "donations": {"enabled": true, "message": "Thanks for supporting the channel!"},
        "notifications": {"telegram_user_id": 123456789, "enabled": true}
    })
}

pub(super) fn parse_json(body: Value) -> Result<ChannelDraft, ValidationErrors> {
    match serde_json::from_value::<ChannelInput>(body) {
        Ok(input) => ChannelDraft::parse(&input, &rules()),
        Err(error) => panic!("the body does not deserialize: {error}"),
    }
}

pub(super) fn valid(body: Value) -> ChannelDraft {
    match parse_json(body) {
        Ok(draft) => draft,
        Err(errors) => panic!("the body was rejected: {errors}"),
    }
}

/// Applies `change` to the SPEC body and returns the field paths of the errors.
pub(super) fn error_fields(change: impl FnOnce(&mut Value)) -> Vec<String> {
    let mut body = spec_body();
    change(&mut body);
    match parse_json(body) {
        Ok(_) => Vec::new(),
        Err(errors) => errors.into_fields().into_iter().map(|e| e.field).collect(),
    }
}

pub(super) fn error_messages(change: impl FnOnce(&mut Value)) -> Vec<(String, String)> {
    let mut body = spec_body();
    change(&mut body);
    let errors = parse_json(body).err().map(ValidationErrors::into_fields).unwrap_or_default();
    errors.into_iter().map(|e| (e.field, e.message)).collect()
}
