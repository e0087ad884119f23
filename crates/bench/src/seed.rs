//! The world the load runs against: an owner signed up and a channel registered through the API on
//! two sandbox Telegram chats, then subscribers (sandbox Telegram people who started the bot) with one
//! open NOWPayments invoice each, inserted in bulk through SQL.

use anyhow::{Context, bail};
use serde_json::{Value, json};
use sqlx::PgPool;

/// The signed-in owner and their channel.
#[derive(Debug, Clone)]
pub struct World {
    pub token: String,
    pub channel_id: String,
}

/// One open invoice: our id (the IPN's `order_id`) and the provider's numeric invoice id.
#[derive(Debug, Clone)]
pub struct OpenInvoice {
    pub order_id: String,
    pub provider_invoice_id: i64,
}

/// The sandbox Telegram chats of the channel (the bot administers every sandbox chat).
const OPEN_CHAT: i64 = -1001000000001;
pub const CLOSED_CHAT: i64 = -1001000000002;
/// The owner's sandbox Telegram account, creator of both chats.
const OWNER_TG: i64 = 100_000_001;

/// Creates the channel's two chats in the sandbox Telegram (as its chat page would).
pub async fn sandbox_chats(pool: &PgPool) -> anyhow::Result<()> {
    sqlx::query("INSERT INTO sandbox_telegram_users (id, first_name, started) VALUES ($1, 'Owner', true)")
        .bind(OWNER_TG)
        .execute(pool)
        .await?;
    sqlx::query(
        "INSERT INTO sandbox_telegram_chats (id, title, kind, creator_id)
         VALUES ($1, 'Bench', 'open', $3), ($2, 'Bench VIP', 'closed', $3)",
    )
    .bind(OPEN_CHAT)
    .bind(CLOSED_CHAT)
    .bind(OWNER_TG)
    .execute(pool)
    .await?;
    sqlx::query(
        "INSERT INTO sandbox_telegram_members (chat_id, user_id, status) VALUES ($1, $3, 'creator'), ($2, $3, 'creator')",
    )
    .bind(OPEN_CHAT)
    .bind(CLOSED_CHAT)
    .bind(OWNER_TG)
    .execute(pool)
    .await?;
    Ok(())
}

/// Signs up the owner and registers one channel (instant ETH payouts) through the API. With
/// `notify_owner`, the channel's owner notifications are on and the owner's Telegram account is
/// linked (as `/link` would), so every payment and payout also sends the owner a message.
pub async fn owner_and_channel(
    http: &reqwest::Client,
    base: &str,
    pool: &PgPool,
    notify_owner: bool,
) -> anyhow::Result<World> {
    let signup =
        json!({"username": "benchowner", "email": "bench@example.org", "password": "a-long-password-1"});
    let session: Value =
        expect_json(http.post(format!("{base}/api/v1/auth/signup")).json(&signup), 201).await?;
    let token = session["access_token"].as_str().context("no access token after sign-up")?.to_owned();
    let channel = json!({
        "open_channel_id": OPEN_CHAT, "open_channel_title": "Bench",
        "closed_channel_id": CLOSED_CHAT, "closed_channel_title": "Bench VIP",
        "tiers": [{"price_usd": "5.00", "duration_days": 30}],
        "payout": {"wallet_address": "0x9d6a2c1b3e4f5a6b7c8d9e0f1a2b3c4d5e6f7a8b", "currency": "eth",
                   "network": "eth", "strategy": "instant"},
        "donations": {"enabled": false},
        "notifications": if notify_owner {
            json!({"enabled": true, "telegram_user_id": OWNER_TG})
        } else {
            json!({"enabled": false})
        }
    });
    let created: Value =
        expect_json(http.post(format!("{base}/api/v1/channels")).bearer_auth(&token).json(&channel), 201)
            .await?;
    let channel_id = created["id"].as_str().context("no channel id")?.to_owned();
    if notify_owner {
        sqlx::query("UPDATE users SET telegram_user_id = $1 WHERE username = 'benchowner'")
            .bind(OWNER_TG)
            .execute(pool)
            .await?;
    }
    Ok(World { token, channel_id })
}

async fn expect_json(request: reqwest::RequestBuilder, status: u16) -> anyhow::Result<Value> {
    let response = request.header("x-forwarded-for", "10.255.0.1").send().await?;
    let got = response.status().as_u16();
    let body = response.text().await?;
    if got != status {
        bail!("expected {status}, got {got}: {body}");
    }
    Ok(serde_json::from_str(&body)?)
}

/// Subscribers `first_user + 1 ..= first_user + count`, the same people in the sandbox Telegram having
/// started the bot (so it may write to them).
pub async fn subscribers(conn: &mut sqlx::PgConnection, first_user: i64, count: i64) -> anyhow::Result<()> {
    sqlx::query(
        "INSERT INTO subscribers (telegram_user_id, username, first_name)
         SELECT $1 + n, 'sub' || n, 'Sub' FROM generate_series(1, $2::bigint) AS n",
    )
    .bind(first_user)
    .bind(count)
    .execute(&mut *conn)
    .await?;
    sqlx::query(
        "INSERT INTO sandbox_telegram_users (id, first_name, started)
         SELECT $1 + n, 'Sub', true FROM generate_series(1, $2::bigint) AS n",
    )
    .bind(first_user)
    .bind(count)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// Inserts `count` subscribers, each with one open $5 / 30-day invoice of the channel (as the bot
/// records them: provider invoice id set, reconciliation due later), and returns the invoices.
pub async fn open_invoices(pool: &PgPool, channel_id: &str, count: i64) -> anyhow::Result<Vec<OpenInvoice>> {
    let first_user: i64 = 7_000_000_000;
    subscribers(pool.acquire().await?.as_mut(), first_user, count).await?;
    sqlx::query(
        "INSERT INTO invoices (id, channel_id, telegram_user_id, kind, tier_level, duration_days, price_usd, provider,
                               provider_invoice_id, invoice_url, status, next_check_at, expires_at)
         SELECT gen_random_uuid(), $1::uuid, $2 + n, 'subscription', 0, 30, 5.00, 'nowpayments',
                (4000000000 + n)::text, 'https://nowpayments.io/payment/?iid=' || (4000000000 + n), 'waiting',
                now() + interval '1 day', now() + interval '1 day'
         FROM generate_series(1, $3::bigint) AS n",
    )
    .bind(channel_id)
    .bind(first_user)
    .bind(count)
    .execute(pool)
    .await?;
    sqlx::query("ANALYZE subscribers, sandbox_telegram_users, invoices").execute(pool).await?;
    let rows: Vec<(String, String)> = sqlx::query_as(
        "SELECT id::text, provider_invoice_id FROM invoices WHERE channel_id = $1::uuid AND status = 'waiting'
         ORDER BY provider_invoice_id",
    )
    .bind(channel_id)
    .fetch_all(pool)
    .await?;
    rows.into_iter()
        .map(|(order_id, provider)| Ok(OpenInvoice { order_id, provider_invoice_id: provider.parse()? }))
        .collect()
}
