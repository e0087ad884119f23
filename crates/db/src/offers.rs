//! What the bot needs to sell a channel: titles, readiness, tiers and donation settings.

use paygate_domain::channel::TierLevel;
use rust_decimal::Decimal;
use sqlx::PgConnection;
use uuid::Uuid;

use crate::typed::{all, decoded};

#[derive(Debug, Clone)]
pub struct OfferRow {
    pub channel_id: Uuid,
    pub owner_id: Uuid,
    pub open_chat_id: i64,
    pub closed_chat_id: i64,
    pub closed_title: String,
    pub closed_description: String,
    pub ready: bool,
    pub donations_enabled: bool,
    pub donation_message: Option<String>,
}

#[derive(Debug, Clone)]
pub struct TierRow {
    pub level: TierLevel,
    pub price_usd: Decimal,
    pub duration_days: i32,
}

/// A live (not deleted) channel's offer.
pub async fn offer(conn: &mut PgConnection, channel_id: Uuid) -> Result<Option<OfferRow>, sqlx::Error> {
    sqlx::query_as!(
        OfferRow,
        r#"SELECT id AS channel_id, owner_id, open_channel_id AS open_chat_id, closed_channel_id AS closed_chat_id,
                  closed_channel_title AS closed_title, closed_channel_description AS closed_description,
                  COALESCE((readiness->>'ready')::boolean, false) AS "ready!",
                  donations_enabled, donation_message
           FROM channels WHERE id = $1 AND deleted_at IS NULL"#,
        channel_id
    )
    .fetch_optional(conn)
    .await
}

/// The channel's tiers, gold first; a level other than 0–2 is an error.
pub async fn tiers(conn: &mut PgConnection, channel_id: Uuid) -> Result<Vec<TierRow>, sqlx::Error> {
    let rows = sqlx::query!(
        "SELECT level, price_usd, duration_days FROM channel_tiers WHERE channel_id = $1 ORDER BY level",
        channel_id
    )
    .fetch_all(conn)
    .await?;
    all(rows, |r| {
        Ok(TierRow {
            level: decoded(TierLevel::from_stored(r.level))?,
            price_usd: r.price_usd,
            duration_days: r.duration_days,
        })
    })
}
