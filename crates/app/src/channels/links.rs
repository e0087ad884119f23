//! Bot deep links of a channel: one `t.me/<bot>?start=<payload>` per tier and one for donations.

use std::time::Duration;

use paygate_domain::{channel::offer::OfferRef, ids::ChannelId};
use rust_decimal::Decimal;
use serde::Serialize;
use uuid::Uuid;

use crate::{
    App, AppError, AppResult,
    channels::manage::{Caller, load_readable},
};

/// Longest wait for Telegram to tell the bot's username.
const USERNAME_TIMEOUT: Duration = Duration::from_secs(5);

/// Every deep link of a channel.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct ChannelLinks {
    pub channel_id: Uuid,
    /// The bot's username without `@`; null when no bot token is configured.
    #[schema(example = "paygate_bot")]
    pub bot_username: Option<String>,
    /// One link per tier, gold first.
    pub tiers: Vec<TierLink>,
    /// The donation link; null when donations are off.
    pub donation: Option<OfferLink>,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct TierLink {
    /// `gold`, `silver` or `bronze`.
    #[schema(example = "gold")]
    pub tier: String,
    #[schema(value_type = String, example = "5.00")]
    pub price_usd: Decimal,
    #[schema(example = 30)]
    pub duration_days: i32,
    /// The `/start` payload: names the offer only, never a price.
    #[schema(example = "0192f3a4b5c67d8e9fa0b1c2d3e4f5a6_g")]
    pub payload: String,
    /// Null when no bot token is configured.
    #[schema(example = "https://t.me/paygate_bot?start=0192f3a4b5c67d8e9fa0b1c2d3e4f5a6_g")]
    pub url: Option<String>,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct OfferLink {
    #[schema(example = "0192f3a4b5c67d8e9fa0b1c2d3e4f5a6_d")]
    pub payload: String,
    /// Null when no bot token is configured.
    pub url: Option<String>,
}

/// The bot's username, or `None` without a bot; Telegram failures are a 503.
async fn bot_username(app: &App) -> AppResult<Option<String>> {
    let messenger = app.messenger.as_ref();
    if !messenger.is_configured() {
        return Ok(None);
    }
    let unavailable = || AppError::Unavailable("Telegram could not be reached for the bot's username".into());
    match tokio::time::timeout(USERNAME_TIMEOUT, messenger.bot_username()).await {
        Ok(Ok(username)) => Ok(Some(username)),
        Ok(Err(error)) => {
            tracing::warn!(kind = "telegram", error = %error, "could not read the bot's username");
            Err(unavailable())
        }
        Err(_) => Err(unavailable()),
    }
}

/// The deep link `https://t.me/<bot>?start=<payload>` of an offer.
pub(crate) fn deep_link(bot: &str, offer: OfferRef) -> String {
    format!("https://t.me/{bot}?start={}", offer.to_payload())
}

fn link(bot: Option<&str>, offer: OfferRef) -> (String, Option<String>) {
    (offer.to_payload(), bot.map(|bot| deep_link(bot, offer)))
}

/// The deep links of a channel the caller may read.
#[tracing::instrument(skip_all, fields(user_id = %caller.id, channel_id = %id))]
pub async fn links(app: &App, caller: &Caller, id: ChannelId) -> AppResult<ChannelLinks> {
    let stored = load_readable(app, caller, id).await?;
    let bot = bot_username(app).await?;
    let tiers = stored
        .tiers
        .iter()
        .map(|tier| {
            let level = tier.level;
            let (payload, url) = link(bot.as_deref(), OfferRef::tier(id, level));
            TierLink {
                tier: level.as_str().to_owned(),
                price_usd: tier.price_usd,
                duration_days: tier.duration_days,
                payload,
                url,
            }
        })
        .collect();
    let donation = stored.row.donations_enabled.then(|| {
        let (payload, url) = link(bot.as_deref(), OfferRef::donation(id));
        OfferLink { payload, url }
    });
    Ok(ChannelLinks { channel_id: id.as_uuid(), bot_username: bot, tiers, donation })
}
