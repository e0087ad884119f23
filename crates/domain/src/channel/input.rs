//! `ChannelInput`: the owner API's channel JSON body exactly as sent, before any rule applies.

use serde::{Deserialize, Deserializer, Serialize};

/// The channel body of `POST /api/v1/channels`; a PATCH merges onto a stored one and parses again.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChannelInput {
    pub open_channel_id: i64,
    pub open_channel_title: String,
    #[serde(default, deserialize_with = "null_as_empty")]
    pub open_channel_description: String,
    pub closed_channel_id: i64,
    pub closed_channel_title: String,
    #[serde(default, deserialize_with = "null_as_empty")]
    pub closed_channel_description: String,
    pub tiers: Vec<TierInput>,
    pub payout: PayoutInput,
    /// Omitted means donations are off.
    #[serde(default)]
    pub donations: DonationsInput,
    /// Omitted means notifications are off.
    #[serde(default)]
    pub notifications: NotificationsInput,
}

/// One tier as sent: the price is a decimal string such as `"5.00"`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TierInput {
    pub price_usd: String,
    pub duration_days: i64,
}

/// Payout settings as sent; `strategy` is `"instant"` or `"threshold"`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PayoutInput {
    pub wallet_address: String,
    pub currency: String,
    pub network: String,
    #[serde(default)]
    pub extra_id: Option<String>,
    pub strategy: String,
    /// Required for `threshold`; must be null or absent for `instant`.
    #[serde(default)]
    pub threshold_usd: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct DonationsInput {
    pub enabled: bool,
    #[serde(default)]
    pub message: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct NotificationsInput {
    #[serde(default)]
    pub telegram_user_id: Option<i64>,
    pub enabled: bool,
}

/// Accepts `null` where a text may be left empty.
fn null_as_empty<'de, D: Deserializer<'de>>(deserializer: D) -> Result<String, D::Error> {
    Option::<String>::deserialize(deserializer).map(Option::unwrap_or_default)
}
