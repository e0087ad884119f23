//! Offer posts: the message with one buy button per tier that the bot keeps in each open channel.

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use paygate_db::{offer_posts::OfferContent, offers::TierRow};
use paygate_domain::{
    channel::{TierLevel, offer::OfferRef},
    ids::ChannelId,
};
use paygate_jobs::{Handler, Job, JobContext, JobError};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::{
    App,
    channels::links::deep_link,
    messages::notify::{self, Button},
    messages::texts,
    telegram_errors::job_error,
};

/// Posts a fresh offer in a channel's open channel, then deletes the one it replaces.
#[derive(Debug, Serialize, Deserialize)]
pub struct PostOffer {
    pub channel_id: Uuid,
    /// A post started at or after this time already does what was asked, so this one is skipped (the
    /// readiness hook, the schedule and the owner may ask at the same moment). The owner and the
    /// readiness hook ask at the time they ask; the schedule asks for a post newer than its cutoff.
    #[serde(default)]
    pub queued_at: Option<DateTime<Utc>>,
}

impl PostOffer {
    /// A post asked for now.
    pub fn now(channel_id: Uuid) -> Self {
        Self { channel_id, queued_at: Some(Utc::now()) }
    }
}

impl Job for PostOffer {
    const KIND: &'static str = "offers.post";
    const MAX_ATTEMPTS: i32 = 20;
}

/// The text and buttons of an offer post.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OfferMessage {
    pub text: String,
    pub buttons: Vec<Vec<Button>>,
}

/// "🥇 $5.00 for 30 days": the line and button text of a tier.
pub fn tier_label(level: TierLevel, tier: &TierRow) -> String {
    let duration = texts::duration(i64::from(tier.duration_days));
    format!("{} {} for {duration}", level.emoji(), texts::usd(tier.price_usd))
}

fn heading(title: &str, description: &str) -> String {
    if description.trim().is_empty() {
        format!("<b>{}</b>", texts::escape(title))
    } else {
        format!("<b>{}</b>\n{}", texts::escape(title), texts::escape(description))
    }
}

/// Builds the post: both channels' titles and descriptions, a line and a button per tier (gold first),
/// and a donate button when donations are on.
pub fn offer_message(content: &OfferContent, tiers: &[TierRow], bot: &str) -> OfferMessage {
    let channel = ChannelId::from_uuid(content.channel_id);
    let mut lines = Vec::new();
    let mut buttons = Vec::new();
    for tier in tiers {
        let level = tier.level;
        let label = tier_label(level, tier);
        buttons.push(vec![Button::url(&label, &deep_link(bot, OfferRef::tier(channel, level)))]);
        lines.push(label);
    }
    if content.donations_enabled {
        buttons.push(vec![Button::url("💝 Donate", &deep_link(bot, OfferRef::donation(channel)))]);
    }
    let text = format!(
        "{}\n\n{}\n\n{}",
        heading(&content.open_title, &content.open_description),
        heading(&content.closed_title, &content.closed_description),
        lines.join("\n")
    );
    OfferMessage { text, buttons }
}

pub struct PostOfferHandler(pub App);

impl PostOfferHandler {
    async fn failed(&self, channel_id: Uuid, error: &str) -> Result<(), JobError> {
        let mut conn = self.0.pool.acquire().await?;
        paygate_db::offer_posts::record_failure(&mut conn, channel_id, error).await?;
        tracing::warn!(kind = "telegram", channel_id = %channel_id, error, "offer post failed");
        Ok(())
    }
}

#[async_trait]
impl Handler for PostOfferHandler {
    type Job = PostOffer;

    #[tracing::instrument(skip_all, fields(channel_id = %job.channel_id))]
    async fn run(&self, _ctx: &JobContext, job: PostOffer) -> Result<(), JobError> {
        let app = &self.0;
        let id = job.channel_id;
        // Held until the post is recorded: a second job for this channel waits, then sees this post.
        let mut tx = app.pool.begin().await?;
        paygate_db::offer_posts::lock_posting(&mut tx, id).await?;
        let started = Utc::now();
        let Some(content) = paygate_db::offer_posts::content(&mut tx, id).await? else {
            return Ok(()); // deleted meanwhile
        };
        if !content.ready {
            drop(tx);
            return self.failed(id, "channel not ready").await;
        }
        if let (Some(queued), Some(posted)) = (job.queued_at, content.offer_posted_at)
            && posted >= queued
        {
            tracing::info!(kind = "status", channel_id = %id, "offer already re-posted since asked");
            return Ok(());
        }
        let tiers = paygate_db::offers::tiers(&mut tx, id).await?;
        let messenger = app.messenger.as_ref();
        let bot = match messenger.bot_username().await {
            Ok(bot) => bot,
            Err(error) => {
                drop(tx);
                self.failed(id, &error.to_string()).await?;
                return Err(job_error(error));
            }
        };
        let message = offer_message(&content, &tiers, &bot);
        let keyboard = notify::keyboard(&message.buttons).map_err(JobError::fatal)?;
        let chat = content.open_chat_id;
        let sent = messenger.send_message(chat, &message.text, keyboard.as_ref()).await;
        let message_id = match sent {
            Ok(message_id) => message_id,
            Err(error) => {
                drop(tx);
                self.failed(id, &error.to_string()).await?;
                return Err(job_error(error));
            }
        };
        let previous = paygate_db::offer_posts::record_posted(&mut tx, id, message_id, started).await?;
        tx.commit().await?;
        tracing::info!(kind = "telegram", channel_id = %id, chat_id = chat, message_id, "offer posted");
        if let Some(previous) = previous.filter(|p| *p != message_id) {
            // Best effort: Telegram refuses to delete channel posts older than 48 hours.
            if let Err(error) = messenger.delete_message(chat, previous).await {
                tracing::warn!(kind = "telegram", channel_id = %id, message_id = previous, %error,
                    "could not delete the previous offer post");
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use rust_decimal::Decimal;

    use super::*;

    fn tier(level: usize, cents: i64, days: i32) -> TierRow {
        TierRow { level: TierLevel::ALL[level], price_usd: Decimal::new(cents, 2), duration_days: days }
    }

    fn content(donations: bool) -> OfferContent {
        OfferContent {
            channel_id: Uuid::nil(),
            open_chat_id: -1001,
            open_title: "Free & <open>".into(),
            open_description: String::new(),
            closed_title: "VIP".into(),
            closed_description: "All of it.".into(),
            ready: true,
            donations_enabled: donations,
            offer_posted_at: None,
        }
    }

    #[test]
    fn tier_labels_show_the_medal_the_price_and_the_duration() {
        assert_eq!(tier_label(TierLevel::Gold, &tier(0, 500, 30)), "🥇 $5.00 for 30 days");
        assert_eq!(tier_label(TierLevel::Silver, &tier(1, 1250, 1)), "🥈 $12.50 for 1 day");
        assert_eq!(tier_label(TierLevel::Bronze, &tier(2, 9900, 36_500)), "🥉 $99.00 for lifetime");
    }

    #[test]
    fn the_post_escapes_titles_and_has_a_button_per_tier_and_a_donate_button_when_on() {
        let message = offer_message(&content(true), &[tier(0, 500, 30), tier(1, 1250, 90)], "bot");
        assert_eq!(
            message.text,
            "<b>Free &amp; &lt;open&gt;</b>\n\n<b>VIP</b>\nAll of it.\n\n🥇 $5.00 for 30 days\n🥈 $12.50 for 90 days"
        );
        let hex = Uuid::nil().simple().to_string();
        assert_eq!(
            message.buttons,
            vec![
                vec![Button::url("🥇 $5.00 for 30 days", &format!("https://t.me/bot?start={hex}_g"))],
                vec![Button::url("🥈 $12.50 for 90 days", &format!("https://t.me/bot?start={hex}_s"))],
                vec![Button::url("💝 Donate", &format!("https://t.me/bot?start={hex}_d"))],
            ]
        );
        let without = offer_message(&content(false), &[tier(0, 500, 30)], "bot");
        assert_eq!(without.buttons.len(), 1);
    }
}
