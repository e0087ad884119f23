//! Linking an owner's Telegram account with a one-time code, and the owner's view in the bot.

use chrono::{DateTime, Utc};
use paygate_domain::ids::{ChannelId, UserId};
use rand::Rng;
use serde::Serialize;
use serde_json::json;

use sqlx::PgConnection;
use uuid::Uuid;

use crate::{
    App, AppError, AppResult,
    accounts::audit::{self, AuditAction},
    accounts::auth::tokens,
    channels::control_proof,
    channels::readiness::{self, Readiness},
    owners::notify::{self, OwnerEvent},
    rate_limit::Limit,
};

const CODE_TTL: chrono::Duration = chrono::Duration::minutes(10);
/// No 0/O, 1/I/L: codes are typed by people.
const ALPHABET: &[u8] = b"ABCDEFGHJKMNPQRSTUVWXYZ23456789";
const CODE_LEN: usize = 8;

/// A code to send to the bot as `/link CODE`.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct LinkCode {
    #[schema(example = "K7P2QX9M")]
    pub code: String,
    pub expires_at: DateTime<Utc>,
    /// What to do with it.
    pub instructions: String,
}

/// Whether the owner's Telegram account is linked (notifications and proofs of control go to it).
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct TelegramLinkStatus {
    pub linked: bool,
    /// The linked account's Telegram user id.
    pub telegram_user_id: Option<i64>,
    /// The linked chat refused a notification (the bot was blocked); cleared by the next delivery.
    pub notifications_blocked: bool,
}

/// The signed-in owner's Telegram link.
pub async fn status(app: &App, user: UserId) -> AppResult<TelegramLinkStatus> {
    let mut conn = app.pool.acquire().await?;
    let (telegram_user_id, blocked) =
        paygate_db::owner_contacts::link_status(&mut conn, user.as_uuid()).await?;
    Ok(TelegramLinkStatus {
        linked: telegram_user_id.is_some(),
        telegram_user_id,
        notifications_blocked: telegram_user_id.is_some() && blocked,
    })
}

/// Issues a fresh one-time code for the signed-in owner (valid 10 minutes).
pub async fn create_code(app: &App, user: UserId) -> AppResult<LinkCode> {
    let code: String = {
        let mut rng = rand::rng();
        (0..CODE_LEN).map(|_| char::from(ALPHABET[rng.random_range(0..ALPHABET.len())])).collect()
    };
    let expires_at = Utc::now() + CODE_TTL;
    let mut conn = app.pool.acquire().await?;
    paygate_db::owner_contacts::insert_link_code(
        &mut conn,
        &tokens::hash_token(&code),
        user.as_uuid(),
        expires_at,
    )
    .await?;
    let instructions = format!("Send /link {code} to the Paygate bot in Telegram within 10 minutes.");
    Ok(LinkCode { code, expires_at, instructions })
}

/// Links `telegram_user_id` to the owner whose code it is; returns the owner's username.
/// A used, expired or unknown code is refused; at most 5 attempts per Telegram user per 15 minutes.
pub async fn link(app: &App, telegram_user_id: i64, code: &str) -> AppResult<String> {
    let mut tx = app.pool.begin().await?;
    let limit = Limit::telegram_link(telegram_user_id);
    limit.check(&mut tx).await?;
    let normalized = code.trim().to_uppercase();
    let Some(user_id) =
        paygate_db::owner_contacts::consume_link_code(&mut tx, &tokens::hash_token(&normalized)).await?
    else {
        limit.hit(&mut tx).await?;
        tx.commit().await?;
        return Err(AppError::field("code", "this code is invalid, already used or expired"));
    };
    paygate_db::owner_contacts::link_telegram(&mut tx, user_id, telegram_user_id).await?;
    paygate_db::owner_contacts::clear_blocked(&mut tx, user_id).await?;
    revoke_stale_proofs(&mut tx, user_id, telegram_user_id).await?;
    let user = UserId::from_uuid(user_id);
    audit::record(
        &mut tx,
        Some(user),
        AuditAction::TelegramLinked,
        json!({"telegram_user_id": telegram_user_id}),
        None,
    )
    .await?;
    let username = paygate_db::users::by_id(&mut tx, user_id).await?.map(|u| u.username).unwrap_or_default();
    tx.commit().await?;
    tracing::info!(kind = "user", user_id = %user, telegram_user_id, "owner linked a Telegram account");
    recheck_channels(app, user_id).await;
    Ok(username)
}

/// Proofs of control belong to the Telegram account that gave them: once an account moves (to this
/// owner, or away from its previous owner), channels proven by an account their owner no longer has
/// stop being ready until checked again; owners of channels that were ready are told.
async fn revoke_stale_proofs(conn: &mut PgConnection, owner: Uuid, telegram_user_id: i64) -> AppResult<()> {
    let unproven = Readiness::unproven_json();
    let revoked =
        paygate_db::channel_control::revoke_stale_proofs(conn, owner, telegram_user_id, &unproven).await?;
    for channel in revoked {
        let missing = vec![control_proof::NOT_ADMIN.to_owned()];
        notify::enqueue(conn, channel, OwnerEvent::ChannelNotReady { missing }).await?;
        tracing::info!(kind = "channel", channel_id = %channel, "proof of control revoked by a new link");
    }
    Ok(())
}

/// Checks the owner's channels right after a link, so they become ready without another click.
async fn recheck_channels(app: &App, owner: Uuid) {
    let channels = match app.pool.acquire().await {
        Ok(mut conn) => paygate_db::channels::list_by_owner(&mut conn, owner).await,
        Err(error) => Err(error),
    };
    match channels {
        Ok(channels) => {
            for channel in channels {
                readiness::refresh_best_effort(app, ChannelId::from_uuid(channel.row.id)).await;
            }
        }
        Err(error) => tracing::warn!(kind = "channel", error = %error, "readiness after /link skipped"),
    }
}

/// The linked owner's channels (readiness, active subscribers, today's revenue); `None` if not linked.
pub async fn my_channels(
    app: &App,
    telegram_user_id: i64,
) -> AppResult<Option<Vec<paygate_db::owner_contacts::ChannelSummary>>> {
    let mut conn = app.pool.acquire().await?;
    let Some(owner) = paygate_db::owner_contacts::owner_by_telegram(&mut conn, telegram_user_id).await?
    else {
        return Ok(None);
    };
    Ok(Some(paygate_db::owner_contacts::summaries(&mut conn, owner).await?))
}
