//! Proof of control through the whole bot: a hijacker's channel naming someone else's chats never
//! sells or posts; the chats' real administrator registers them afterwards and sells; an owner who is
//! no longer an administrator stops selling at the next check.

#![allow(clippy::unwrap_used, clippy::expect_used)] // a failing test should fail loudly

mod support;

use reqwest::Method;
use serde_json::{Value, json};
use support::{CLOSED, World, eventually, until};

/// Chats where the bot is a fully privileged administrator, administered by `VICTIM_TG`.
const VICTIM_OPEN: i64 = -1004000000001;
const VICTIM_CLOSED: i64 = -1004000000002;
const VICTIM_TG: i64 = 8_000_001;
const MALLORY_TG: i64 = 6_660_001;
const XMR_ADDRESS: &str =
    "44AFFq5kSiGBoZ4NMDwYtN18obc8AemS33DBLWs3H7otXft3XjrpDtQGv7SqSsaBYBb98uNbr2VBBEt7f2wfn3RVGQBEP3A";

fn body() -> Value {
    json!({
        "open_channel_id": VICTIM_OPEN, "open_channel_title": "Victim (free)",
        "closed_channel_id": VICTIM_CLOSED, "closed_channel_title": "Victim VIP",
        "tiers": [{"price_usd": "5.00", "duration_days": 30}],
        "payout": {"wallet_address": XMR_ADDRESS, "currency": "xmr", "network": "xmr", "strategy": "instant"},
        "donations": {"enabled": false},
        "notifications": {"enabled": false}
    })
}

impl World {
    /// An owner `name` linked to `telegram_user_id` registers the victim's chats; returns the channel.
    async fn register_victim_chats(&self, name: &str, telegram_user_id: i64) -> Value {
        let token = self.app.owner_token(name).await;
        self.app.link_telegram(name, telegram_user_id).await;
        let response = self.app.send_as(Method::POST, &token, "/api/v1/channels", Some(&body())).await;
        assert_eq!(response.status(), 201);
        response.json().await.unwrap()
    }

    /// `/start` on tier gold of `channel`, then its pay button; returns every message the user got.
    async fn try_to_buy(&self, user: i64, channel: &Value) -> Vec<String> {
        let payload = format!("{}_g", channel["id"].as_str().unwrap().replace('-', ""));
        self.say(user, &format!("/start {payload}"));
        self.messages_to(user, 1).await;
        self.press(user, &format!("pay:{payload}"));
        self.messages_to(user, 2).await.into_iter().map(|m| m.text).collect()
    }

    async fn jobs_settled(&self) {
        until("queued jobs to finish", || async {
            let open = self.count("SELECT count(*) FROM jobs WHERE state IN ('pending', 'running')").await;
            (open == 0).then_some(())
        })
        .await;
    }
}

fn hex(channel: &Value) -> uuid::Uuid {
    channel["id"].as_str().unwrap().parse().unwrap()
}

#[tokio::test]
async fn a_hijacker_cannot_sell_someone_elses_chats_and_their_real_administrator_can_afterwards() {
    let world = World::start().await;
    for chat in [VICTIM_OPEN, VICTIM_CLOSED] {
        world.telegram.bot_is_admin(chat, true, true, true);
        world.telegram.user_is_admin(chat, VICTIM_TG);
    }
    let hijacked = world.register_victim_chats("mallory", MALLORY_TG).await;
    assert_eq!(hijacked["readiness"]["ready"], false, "{hijacked}");

    let texts = world.try_to_buy(71_001, &hijacked).await;
    assert!(texts.iter().all(|t| !t.contains("Your invoice")), "{texts:?}");
    assert!(texts[0].contains("not accepting"), "{texts:?}");
    world.jobs_settled().await;
    assert!(world.nowpayments.invoices().is_empty(), "an invoice was created for a hijacked channel");
    assert_eq!(world.count("SELECT count(*) FROM invoices").await, 0);
    assert!(world.telegram.messages_to(VICTIM_OPEN).is_empty(), "an offer was posted for a hijacker");

    let real = world.register_victim_chats("victim", VICTIM_TG).await;
    assert_eq!(real["readiness"]["ready"], true, "{real}");
    eventually("the real administrator's offer post", || {
        (!world.telegram.messages_to(VICTIM_OPEN).is_empty()).then_some(())
    })
    .await;
    let texts = world.try_to_buy(71_002, &real).await;
    assert!(texts[1].contains("Your invoice"), "{texts:?}");
    let invoiced: Vec<uuid::Uuid> =
        sqlx::query_scalar("SELECT channel_id FROM invoices").fetch_all(&world.app.pool).await.unwrap();
    assert_eq!(invoiced, [hex(&real)]);
    let detached: bool = sqlx::query_scalar("SELECT detached_at IS NOT NULL FROM channels WHERE id = $1")
        .bind(hex(&hijacked))
        .fetch_one(&world.app.pool)
        .await
        .unwrap();
    assert!(detached, "the hijacker's registration is detached");
    // And the hijacker's deep link still sells nothing.
    let texts = world.try_to_buy(71_003, &hijacked).await;
    assert!(texts[0].contains("not accepting"), "{texts:?}");
}

#[tokio::test]
async fn an_owner_who_is_no_longer_an_administrator_stops_selling_at_the_next_check() {
    let world = World::start().await;
    world.telegram.set_member(CLOSED, support::WORLD_OWNER_TG, json!({"status": "left"}));
    let token = world.owner_token().await;
    let checked = world.app.send_as(Method::POST, &token, &world.channel_path("/check"), None).await;
    let checked: Value = checked.json().await.unwrap();
    assert_eq!(checked["readiness"]["ready"], false, "{checked}");
    let texts = world.try_to_buy(72_001, &world.channel).await;
    assert!(texts[0].contains("not accepting"), "{texts:?}");
    assert!(world.nowpayments.invoices().is_empty());
}

impl World {
    /// Ages the stored check past the re-check interval and runs one scheduled pass; waits for its checks.
    async fn scheduled_recheck(&self) {
        sqlx::query(
            "UPDATE channels SET readiness = jsonb_set(readiness, '{checked_at}', to_jsonb(now() - interval '7 hours'))",
        )
        .execute(&self.app.pool)
        .await
        .unwrap();
        let mut conn = self.app.pool.acquire().await.unwrap();
        let pass =
            paygate_app::channels::readiness_recheck::RecheckProvenChannels { tick: chrono::Utc::now() };
        paygate_jobs::enqueue(&mut conn, &pass).await.unwrap();
        drop(conn);
        until("the scheduled check", || async {
            let done = self
                .count("SELECT count(*) FROM jobs WHERE kind = 'channels.check' AND state = 'succeeded'")
                .await;
            (done >= 1).then_some(())
        })
        .await;
    }

    async fn stored_ready(&self) -> bool {
        sqlx::query_scalar("SELECT (readiness->>'ready')::boolean FROM channels WHERE id = $1")
            .bind(hex(&self.channel))
            .fetch_one(&self.app.pool)
            .await
            .unwrap()
    }
}

#[tokio::test]
async fn the_schedule_stops_a_channel_whose_owner_left_without_anyone_pressing_check() {
    let world = World::start().await;
    world.telegram.set_member(CLOSED, support::WORLD_OWNER_TG, json!({"status": "left"}));
    world.scheduled_recheck().await;
    assert!(!world.stored_ready().await, "still selling after its owner left the chat");
    let texts = world.try_to_buy(73_001, &world.channel).await;
    assert!(texts[0].contains("not accepting"), "{texts:?}");
}

#[tokio::test]
async fn a_scheduled_check_telegram_cannot_answer_leaves_a_ready_channel_selling() {
    let world = World::start().await;
    world.telegram.fail_next("getChatMember", 2, 502, None);
    world.scheduled_recheck().await;
    assert!(world.stored_ready().await, "a Telegram outage stopped a proven channel");
    let texts = world.try_to_buy(74_001, &world.channel).await;
    assert!(texts[1].contains("Your invoice"), "{texts:?}");
}
