//! How channels look in the API, and the conversions between stored rows, bodies and drafts.

use chrono::{DateTime, Utc};
use paygate_db::channels::{ChannelFields, StoredChannel, TierRow};
use paygate_domain::channel::{
    ChannelDraft, ChannelInput, DonationsInput, NotificationsInput, PayoutInput, TierInput,
};
use rust_decimal::Decimal;
use serde::Serialize;
use uuid::Uuid;

use crate::channels::readiness::Readiness;

/// A channel as the API shows it: the channel body plus id, readiness and timestamps.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct ChannelView {
    /// Paygate's channel id (the one key of a channel).
    pub id: Uuid,
    /// Telegram chat id of the public channel where offers are posted.
    #[schema(example = -1001234567890_i64)]
    pub open_channel_id: i64,
    #[schema(example = "Alpha Signals (free)")]
    pub open_channel_title: String,
    #[schema(example = "Daily market notes.")]
    pub open_channel_description: String,
    /// Telegram chat id of the paid channel subscribers are invited to.
    #[schema(example = -1009876543210_i64)]
    pub closed_channel_id: i64,
    #[schema(example = "Alpha Signals VIP")]
    pub closed_channel_title: String,
    #[schema(example = "Everything, first.")]
    pub closed_channel_description: String,
    /// 1–3 tiers: gold, silver, bronze in this order.
    pub tiers: Vec<TierView>,
    pub payout: PayoutView,
    pub donations: DonationsView,
    pub notifications: NotificationsView,
    pub notification_delivery: NotificationDeliveryView,
    pub readiness: Readiness,
    /// Whether the owner proved they administer both chats (required before anything is sold).
    pub control: ControlView,
    /// The offer message the bot keeps posted in the open channel.
    pub offer: OfferView,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct TierView {
    /// USD price as a decimal string with two places.
    #[schema(value_type = String, example = "5.00")]
    pub price_usd: Decimal,
    /// 1–999 days, or 36500 for lifetime access.
    #[schema(example = 30)]
    pub duration_days: i32,
}

/// Named `PayoutSettingsView` in OpenAPI: `PayoutView` is a payout (`payouts::views`).
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
#[schema(as = PayoutSettingsView)]
pub struct PayoutView {
    pub wallet_address: String,
    /// Currency ticker, upper-case.
    #[schema(example = "XMR")]
    pub currency: String,
    /// Network code, upper-case.
    #[schema(example = "XMR")]
    pub network: String,
    /// Memo or destination tag, for networks that use one.
    pub extra_id: Option<String>,
    /// `instant` or `threshold`.
    #[schema(example = "threshold")]
    pub strategy: String,
    /// Set for the `threshold` strategy only.
    #[schema(value_type = Option<String>, example = "100.00")]
    pub threshold_usd: Option<Decimal>,
}

/// Proof that the owner's linked Telegram account is the creator or an administrator of both chats.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct ControlView {
    /// When the last check showed the owner's linked account administering both chats; null while
    /// unproven (link your Telegram account with /link, then check the channel).
    pub proven_at: Option<DateTime<Utc>>,
    /// Set when another owner proved control of these chats: this channel cannot become ready until
    /// its chat ids change (or that owner's proof lapses).
    pub detached_at: Option<DateTime<Utc>>,
}

/// The current offer post and the last failure to post one.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct OfferView {
    /// Telegram message id of the offer in the open channel; null before the first post.
    pub message_id: Option<i64>,
    pub posted_at: Option<DateTime<Utc>>,
    /// Why the last post failed, e.g. "channel not ready"; null after a successful post.
    pub error: Option<String>,
    pub error_at: Option<DateTime<Utc>>,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct DonationsView {
    pub enabled: bool,
    pub message: Option<String>,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct NotificationsView {
    #[schema(example = 123456789_i64)]
    pub telegram_user_id: Option<i64>,
    pub enabled: bool,
}

/// Whether owner notifications reach the owner.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct NotificationDeliveryView {
    /// Set when the owner's chat refused a notification (bot blocked); notifications pause until
    /// the owner links their Telegram account again.
    pub blocked_at: Option<DateTime<Utc>>,
    pub blocked_reason: Option<String>,
}

/// The channels a caller may see, with the owner's limit.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct ChannelList {
    pub channels: Vec<ChannelView>,
    /// Number of channels listed.
    pub count: usize,
    /// How many live channels the caller may register.
    pub max_channels: i32,
}

impl From<StoredChannel> for ChannelView {
    fn from(stored: StoredChannel) -> Self {
        let row = stored.row;
        ChannelView {
            id: row.id,
            open_channel_id: row.open_channel_id,
            open_channel_title: row.open_channel_title,
            open_channel_description: row.open_channel_description,
            closed_channel_id: row.closed_channel_id,
            closed_channel_title: row.closed_channel_title,
            closed_channel_description: row.closed_channel_description,
            tiers: stored
                .tiers
                .into_iter()
                .map(|t| TierView { price_usd: t.price_usd, duration_days: t.duration_days })
                .collect(),
            payout: PayoutView {
                wallet_address: row.payout_wallet_address,
                currency: row.payout_currency.to_ascii_uppercase(),
                network: row.payout_network.to_ascii_uppercase(),
                extra_id: row.payout_extra_id,
                strategy: row.payout_strategy,
                threshold_usd: row.payout_threshold_usd,
            },
            donations: DonationsView { enabled: row.donations_enabled, message: row.donation_message },
            notifications: NotificationsView {
                telegram_user_id: row.notify_telegram_user_id,
                enabled: row.notifications_enabled,
            },
            notification_delivery: NotificationDeliveryView {
                blocked_at: row.notify_blocked_at,
                blocked_reason: row.notify_blocked_reason,
            },
            readiness: Readiness::from_stored(row.readiness),
            control: ControlView { proven_at: row.proven_at, detached_at: row.detached_at },
            offer: OfferView {
                message_id: row.offer_message_id,
                posted_at: row.offer_posted_at,
                error: row.offer_error,
                error_at: row.offer_error_at,
            },
            created_at: row.created_at,
            updated_at: row.updated_at,
        }
    }
}

/// The stored channel as an API body (what a PATCH is merged onto); codes stay lower-case.
pub(crate) fn stored_input(stored: &StoredChannel) -> ChannelInput {
    let row = &stored.row;
    ChannelInput {
        open_channel_id: row.open_channel_id,
        open_channel_title: row.open_channel_title.clone(),
        open_channel_description: row.open_channel_description.clone(),
        closed_channel_id: row.closed_channel_id,
        closed_channel_title: row.closed_channel_title.clone(),
        closed_channel_description: row.closed_channel_description.clone(),
        tiers: stored
            .tiers
            .iter()
            .map(|t| TierInput {
                price_usd: t.price_usd.to_string(),
                duration_days: i64::from(t.duration_days),
            })
            .collect(),
        payout: PayoutInput {
            wallet_address: row.payout_wallet_address.clone(),
            currency: row.payout_currency.clone(),
            network: row.payout_network.clone(),
            extra_id: row.payout_extra_id.clone(),
            strategy: row.payout_strategy.clone(),
            threshold_usd: row.payout_threshold_usd.map(|t| t.to_string()),
        },
        donations: DonationsInput { enabled: row.donations_enabled, message: row.donation_message.clone() },
        notifications: NotificationsInput {
            telegram_user_id: row.notify_telegram_user_id,
            enabled: row.notifications_enabled,
        },
    }
}

/// The tier rows of a draft, gold first.
pub(crate) fn tier_rows(draft: &ChannelDraft) -> Vec<TierRow> {
    draft
        .tiers()
        .iter()
        .map(|(level, tier)| TierRow {
            level,
            price_usd: tier.price.get(),
            duration_days: i32::try_from(tier.duration.get()).unwrap_or(i32::MAX),
        })
        .collect()
}

/// The columns of a draft, to insert or update.
pub(crate) fn fields<'a>(draft: &'a ChannelDraft, tiers: &'a [TierRow]) -> ChannelFields<'a> {
    let payout = draft.payout();
    ChannelFields {
        open_channel_id: draft.open_channel_id().get(),
        open_channel_title: draft.open_channel_title().as_str(),
        open_channel_description: draft.open_channel_description().as_str(),
        closed_channel_id: draft.closed_channel_id().get(),
        closed_channel_title: draft.closed_channel_title().as_str(),
        closed_channel_description: draft.closed_channel_description().as_str(),
        payout_wallet_address: payout.wallet().as_str(),
        payout_currency: payout.currency().as_str(),
        payout_network: payout.network().code(),
        payout_extra_id: payout.extra_id().map(|e| e.as_str()),
        payout_strategy: payout.strategy().kind(),
        payout_threshold_usd: payout.strategy().threshold().map(|t| t.get()),
        donations_enabled: draft.donations().enabled(),
        donation_message: draft.donations().message().map(|m| m.as_str()),
        notifications_enabled: draft.notifications().enabled(),
        notify_telegram_user_id: draft.notifications().telegram_user_id().map(|u| u.get()),
        tiers,
    }
}
