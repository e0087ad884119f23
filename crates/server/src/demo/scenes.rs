//! Scenes the demo story repeats: registering channels, buying through the bot and the sandbox
//! checkout, waiting for memberships, moving an expiry, following payouts, checking conservation.

use anyhow::{Context, bail, ensure};
use chrono::Utc;
use paygate_app::payouts::threshold::{BatchStart, ConvertPending};
use paygate_sandbox::telegram::{ChatKind, SandboxChat};
use reqwest::Method;
use serde_json::json;
use uuid::Uuid;

use super::driver::Driver;

/// A valid Monero address (Alpha's payouts) and TRON address (Beta's).
const XMR_WALLET: &str =
    "44AFFq5kSiGBoZ4NMDwYtN18obc8AemS33DBLWs3H7otXft3XjrpDtQGv7SqSsaBYBb98uNbr2VBBEt7f2wfn3RVGQBEP3A";
const TRON_WALLET: &str = "TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6t";

/// Olga's two registered channels and their sandbox chats.
#[derive(Debug, Clone, Copy)]
pub struct Channels {
    pub alpha: Uuid,
    pub alpha_open: i64,
    pub alpha_closed: i64,
    pub beta: Uuid,
    pub beta_closed: i64,
}

/// Registers Alpha and Beta on Olga's sandbox chats (Alpha's open and closed, then Beta's) and checks
/// that both are ready.
pub async fn register(d: &Driver, chats: &[SandboxChat; 4], olga: i64) -> anyhow::Result<Channels> {
    for (chat, kind) in chats.iter().zip([ChatKind::Open, ChatKind::Closed, ChatKind::Open, ChatKind::Closed])
    {
        ensure!(chat.kind == kind, "sandbox chat {} is not {kind:?}", chat.id);
    }
    let [alpha_open, alpha_closed, beta_open, beta_closed] = chats.each_ref().map(|chat| chat.id);
    let alpha = json!({
        "open_channel_id": alpha_open, "open_channel_title": "Alpha",
        "closed_channel_id": alpha_closed, "closed_channel_title": "Alpha VIP",
        "closed_channel_description": "Daily market notes, first.",
        "tiers": [{"price_usd": "25.00", "duration_days": 30}, {"price_usd": "12.50", "duration_days": 7}],
        "payout": {"wallet_address": XMR_WALLET, "currency": "xmr", "network": "xmr", "strategy": "instant"},
        "donations": {"enabled": true, "message": "Thank you for keeping Alpha going!"},
        "notifications": {"enabled": true, "telegram_user_id": olga}
    });
    let beta = json!({
        "open_channel_id": beta_open, "open_channel_title": "Beta",
        "closed_channel_id": beta_closed, "closed_channel_title": "Beta VIP",
        "tiers": [{"price_usd": "60.00", "duration_days": 30}],
        "payout": {"wallet_address": TRON_WALLET, "currency": "usdt", "network": "trx",
                   "strategy": "threshold", "threshold_usd": "50.00"},
        "donations": {"enabled": false},
        "notifications": {"enabled": true, "telegram_user_id": olga}
    });
    let mut ids = Vec::new();
    for body in [alpha, beta] {
        let channel = d.api(Method::POST, "/api/v1/channels", Some(&body)).await?;
        let id: Uuid = channel["id"].as_str().context("no channel id")?.parse()?;
        let checked = d.api(Method::POST, &format!("/api/v1/channels/{id}/check"), None).await?;
        ensure!(checked["readiness"]["ready"] == true, "channel {id} is not ready: {}", checked["readiness"]);
        ids.push(id);
    }
    Ok(Channels { alpha: ids[0], alpha_open, alpha_closed, beta: ids[1], beta_closed })
}

/// `user` opens `link`, then pays the offer (see [`pay_offer`]); returns (invoice, payment).
pub async fn buy(
    d: &Driver,
    user: i64,
    link: &str,
    button: impl Fn(&str) -> bool,
    action: &str,
) -> anyhow::Result<(Uuid, Uuid)> {
    d.open(user, link).await?;
    pay_offer(d, user, button, action).await
}

/// `user` presses the offer's `button`, plays `action` on the checkout page it leads to, and waits for
/// the payment; returns (invoice, payment).
pub async fn pay_offer(
    d: &Driver,
    user: i64,
    button: impl Fn(&str) -> bool,
    action: &str,
) -> anyhow::Result<(Uuid, Uuid)> {
    let seen: Vec<String> = d.telegram.messages(user).await?.iter().flat_map(super::driver::urls).collect();
    d.press(user, button).await?;
    let checkout =
        d.url_button(user, |u| u.contains("/sandbox/checkout/") && !seen.iter().any(|s| s == u)).await?;
    let invoice: Uuid = d.checkout(&checkout, action).await?.parse()?;
    let payment = d
        .eventually("the payment recorded", || async {
            let id: Option<Uuid> = sqlx::query_scalar("SELECT id FROM payments WHERE invoice_id = $1")
                .bind(invoice)
                .fetch_optional(&d.app.pool)
                .await?;
            Ok(id)
        })
        .await?;
    Ok((invoice, payment))
}

/// Waits until `user`'s status in `chat` is `wanted` and the bot has seen every update about it.
pub async fn member_status(d: &Driver, chat: i64, user: i64, wanted: &str) -> anyhow::Result<()> {
    d.eventually(&format!("status {wanted} in {chat}"), || async {
        Ok((d.telegram.member_status_text(chat, user).await? == wanted).then_some(()))
    })
    .await?;
    d.settle().await
}

/// Sandbox time: `user`'s subscriptions expire now (the sandbox operator action; the sweep runs at once).
pub async fn expire_now(d: &Driver, user: i64) -> anyhow::Result<()> {
    let moved = paygate_app::subscribers::sandbox_time::expire_now(&d.app, user).await?;
    ensure!(moved == 1, "{moved} subscriptions expired instead of one");
    Ok(())
}

/// Waits for `payment`'s payout to complete; fails at once when it stops short. Returns what it did.
pub async fn paid_out(d: &Driver, payment: Uuid) -> anyhow::Result<String> {
    let row = d
        .eventually("the payout to complete", || async {
            let row: Option<(Uuid, String, Option<String>)> =
                sqlx::query_as("SELECT id, status, exchange_id FROM payouts WHERE payment_id = $1")
                    .bind(payment)
                    .fetch_optional(&d.app.pool)
                    .await?;
            match row {
                Some((id, status, _))
                    if ["failed", "refunded", "expired", "needs_attention", "cancelled"]
                        .contains(&status.as_str()) =>
                {
                    bail!("payout {id} of payment {payment} stopped: {status}")
                }
                Some((_, ref status, _)) if status == "completed" => Ok(row),
                _ => Ok(None),
            }
        })
        .await?;
    let (id, _, exchange) = row;
    Ok(format!("payout {id} completed (exchange {})", exchange.unwrap_or_else(|| "none".into())))
}

/// Conservation: every owner share is paid out, in flight, accumulated or held, nothing unaccounted;
/// every payment of the story's `channels` was routed.
pub async fn conservation(d: &Driver, channels: &[Uuid]) -> anyhow::Result<((), String)> {
    let rows: Vec<(String, rust_decimal::Decimal, rust_decimal::Decimal, rust_decimal::Decimal)> =
        sqlx::query_as(
            "SELECT currency, owner_shares, paid_out, unaccounted FROM payout_conservation ORDER BY currency",
        )
        .fetch_all(&d.app.pool)
        .await?;
    ensure!(!rows.is_empty(), "no owner shares at all");
    for (currency, _, _, unaccounted) in &rows {
        ensure!(unaccounted.is_zero(), "{unaccounted} {currency} of owner shares are unaccounted for");
    }
    let unrouted: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM payments WHERE payout_status = 'awaiting_payout' AND channel_id = ANY($1)",
    )
    .bind(channels)
    .fetch_one(&d.app.pool)
    .await?;
    ensure!(unrouted == 0, "{unrouted} payments were never routed");
    let detail: Vec<String> =
        rows.iter().map(|(c, shares, paid, _)| format!("{c}: shares {shares}, paid out {paid}")).collect();
    Ok(((), format!("nothing unaccounted — {}", detail.join("; "))))
}

/// The accumulation entry of `payment`: (status, USDT amount, conversion, batch).
type Entry = (String, Option<rust_decimal::Decimal>, Option<Uuid>, Option<Uuid>);

async fn entry(d: &Driver, payment: Uuid) -> anyhow::Result<Option<Entry>> {
    Ok(sqlx::query_as(
        "SELECT status, usdt_amount, conversion_id, batch_id FROM accumulation_entries WHERE payment_id = $1",
    )
    .bind(payment)
    .fetch_optional(&d.app.pool)
    .await?)
}

/// Runs the conversion pass now and waits for `payment`'s entry to be converted.
pub async fn convert(d: &Driver, payment: Uuid) -> anyhow::Result<((), String)> {
    let mut conn = d.app.pool.acquire().await?;
    paygate_jobs::enqueue(&mut conn, &ConvertPending { tick: Utc::now() }).await?;
    let (_, usdt, conversion, _) = d
        .eventually("the entry converted", || async {
            Ok(entry(d, payment).await?.filter(|(status, ..)| status == "converted"))
        })
        .await?;
    let conversion = conversion.context("no conversion recorded")?;
    let usdt = usdt.context("no USDT amount")?;
    Ok(((), format!("conversion {conversion}: payment {payment} is now {usdt} USDT")))
}

/// Sandbox time: runs `channel`'s batch pass now (the operator action of `paygate sandbox batch-now`)
/// and waits for `payment`'s entry to be paid by the completed batch.
pub async fn batch(d: &Driver, channel: Uuid, payment: Uuid) -> anyhow::Result<((), String)> {
    let done = paygate_app::payouts::sandbox_time::batch_now(&d.app, channel).await?;
    // A scheduled pass may have got there first (in flight, or already paid): the entry tells.
    if let BatchStart::BelowThreshold | BatchStart::BelowMinimum = done.outcome {
        bail!("no batch: {:?} with {} USDT converted", done.outcome, done.converted_usdt);
    }
    let (_, _, _, batch) = d
        .eventually("the batch to pay the entry", || async {
            match entry(d, payment).await? {
                Some((status, ..)) if status == "held" => bail!("the batch failed: the entry is held"),
                found => Ok(found.filter(|(status, ..)| status == "paid")),
            }
        })
        .await?;
    let batch = batch.context("no batch recorded")?;
    let (status, exchange): (String, Option<String>) =
        sqlx::query_as("SELECT status, exchange_id FROM payouts WHERE id = $1")
            .bind(batch)
            .fetch_one(&d.app.pool)
            .await?;
    ensure!(status == "completed", "batch {batch} is {status}");
    Ok(((), format!("batch {batch} completed (exchange {})", exchange.unwrap_or_else(|| "none".into()))))
}
