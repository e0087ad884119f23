//! Donations through the bot, linking an owner's Telegram account with a one-time code, owner
//! notifications (only when enabled, only to the linked owner), and `/mychannels`.

#![allow(clippy::unwrap_used, clippy::expect_used)] // a failing test should fail loudly

mod support;

use std::time::Duration;

use reqwest::Method;
use rust_decimal::Decimal;
use serde_json::{Value, json};
use support::{World, eventually, until};

const OWNER_TG: i64 = 424_242;

impl World {
    async fn patch_channel(&self, body: Value) {
        let path = format!("/api/v1/channels/{}", self.channel["id"].as_str().unwrap());
        let response = self.app.send_as(Method::PATCH, &self.owner, &path, Some(&body)).await;
        assert_eq!(response.status(), 200, "{}", response.text().await.unwrap());
    }

    async fn link_code(&self) -> String {
        let response =
            self.app.send_as(Method::POST, &self.owner, "/api/v1/account/telegram-link", None).await;
        assert_eq!(response.status(), 201);
        let body: Value = response.json().await.unwrap();
        body["code"].as_str().unwrap().to_owned()
    }

    async fn link_owner(&self) {
        let code = self.link_code().await;
        self.say(OWNER_TG, &format!("/link {code}"));
        let reply = eventually("the link reply", || self.telegram.messages_to(OWNER_TG).pop()).await;
        assert!(reply.text.contains("Linked"), "{}", reply.text);
    }

    async fn telegram_status(&self, token: &str) -> Value {
        let response = self.app.get_as(token, "/api/v1/account/telegram").await;
        assert_eq!(response.status(), 200);
        response.json().await.unwrap()
    }

    fn owner_messages(&self, needle: &str) -> usize {
        self.telegram.messages_to(OWNER_TG).iter().filter(|m| m.text.contains(needle)).count()
    }
}

#[tokio::test]
async fn a_typed_donation_is_paid_like_a_purchase_without_access_and_the_owner_is_told() {
    let world = World::start().await;
    world
        .patch_channel(json!({"donations": {"enabled": true, "message": "Every dollar keeps us going!"},
                                "notifications": {"enabled": true, "telegram_user_id": OWNER_TG}}))
        .await;
    world.link_owner().await;
    let donor = 52_001;
    let payload = format!("{}_d", world.channel_hex());
    world.say(donor, &format!("/start {payload}"));
    let prompt = world.messages_to(donor, 1).await.pop().unwrap();
    assert!(prompt.text.contains("Every dollar keeps us going!"), "{}", prompt.text);
    assert_eq!(support::callback_data(&prompt.reply_markup).len(), 4, "preset buttons");

    for bad in ["abc", "0.50", "10000", "7.505", "-3"] {
        let before = world.telegram.messages_to(donor).len();
        world.say(donor, bad);
        let hint = world.messages_to(donor, before + 1).await.pop().unwrap();
        assert!(hint.text.contains("$1.00 to $9,999.99"), "{bad}: {}", hint.text);
    }
    assert!(world.nowpayments.invoices().is_empty());
    world.say(donor, "$7.50");
    let invoice = eventually("the donation invoice", || world.nowpayments.invoices().first().cloned()).await;
    assert_eq!(invoice["price_amount"].to_string().parse::<Decimal>().unwrap(), Decimal::new(750, 2));
    let order = invoice["order_id"].as_str().unwrap().to_owned();
    world.ipn(&order, "d-1", "finished", "7.50", "0.0024").await;

    let thanks = eventually("the thank-you", || {
        world.telegram.messages_to(donor).into_iter().find(|m| m.text.contains("Thank you"))
    })
    .await;
    assert!(thanks.text.contains("$7.50"));
    eventually("the owner notification", || (world.owner_messages("💰") == 1).then_some(())).await;
    assert!(
        world
            .telegram
            .messages_to(OWNER_TG)
            .iter()
            .any(|m| m.text.contains("donation") && m.text.contains("@user52001"))
    );
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert_eq!(world.count("SELECT count(*) FROM subscriptions").await, 0);
    assert!(world.telegram.invite_links().is_empty());
    assert_eq!(
        world
            .count(
                "SELECT count(*) FROM payments WHERE kind = 'donation' AND payout_status IN ('in_payout', 'accumulated')"
            )
            .await,
        1
    );
}

#[tokio::test]
async fn a_link_code_works_once_and_expired_codes_are_refused() {
    let world = World::start().await;
    let code = world.link_code().await;
    assert_eq!(code.len(), 8);
    world.say(OWNER_TG, &format!("/link {code}"));
    eventually("linked", || (world.owner_messages("Linked") == 1).then_some(())).await;
    world.say(OWNER_TG + 1, &format!("/link {code}"));
    let reused = eventually("reuse refused", || world.telegram.messages_to(OWNER_TG + 1).pop()).await;
    assert!(reused.text.contains("invalid"), "{}", reused.text);

    let stale = world.link_code().await;
    sqlx::query(
        "UPDATE telegram_link_codes SET expires_at = now() - interval '1 second' WHERE used_at IS NULL",
    )
    .execute(&world.app.pool)
    .await
    .unwrap();
    world.say(OWNER_TG + 2, &format!("/link {stale}"));
    let expired = eventually("expired refused", || world.telegram.messages_to(OWNER_TG + 2).pop()).await;
    assert!(expired.text.contains("invalid"), "{}", expired.text);
    let linked: Option<i64> =
        sqlx::query_scalar("SELECT telegram_user_id FROM users WHERE username = 'owner'")
            .fetch_one(&world.app.pool)
            .await
            .unwrap();
    assert_eq!(linked, Some(OWNER_TG));
    let status = world.telegram_status(&world.owner).await;
    assert_eq!(status, json!({"linked": true, "telegram_user_id": OWNER_TG, "notifications_blocked": false}));
    let stranger = world.app.owner_token("stranger").await;
    let status = world.telegram_status(&stranger).await;
    assert_eq!(status, json!({"linked": false, "telegram_user_id": null, "notifications_blocked": false}));
    let anonymous = reqwest::get(format!("http://{}/api/v1/account/telegram", world.app.addr)).await.unwrap();
    assert_eq!(anonymous.status(), 401);
}

#[tokio::test]
async fn notifications_go_only_to_the_linked_owner_and_only_when_enabled() {
    let world = World::start().await;
    // Enabled, but aimed at a Telegram user who is not the linked owner: nothing is sent.
    world.patch_channel(json!({"notifications": {"enabled": true, "telegram_user_id": 777_777}})).await;
    world.link_owner().await;
    let first = world.buy(53_001, 'g').await;
    world.ipn(&first, "n-1", "finished", "5.00", "0.0015").await;
    until("the payment's jobs", || async {
        (world.count("SELECT count(*) FROM jobs WHERE kind = 'owner.notify' AND state = 'succeeded'").await
            == 1)
            .then_some(())
    })
    .await;
    assert!(world.telegram.messages_to(777_777).is_empty());
    assert_eq!(world.owner_messages("💰"), 0);

    // Disabled: nothing either.
    world.patch_channel(json!({"notifications": {"enabled": false, "telegram_user_id": OWNER_TG}})).await;
    let second = world.buy(53_002, 'g').await;
    world.ipn(&second, "n-2", "finished", "5.00", "0.0015").await;
    until("the second payment's jobs", || async {
        (world.count("SELECT count(*) FROM jobs WHERE kind = 'owner.notify' AND state = 'succeeded'").await
            == 2)
            .then_some(())
    })
    .await;
    assert_eq!(world.owner_messages("💰"), 0);

    // Enabled for the linked owner: told, with the tier and amount.
    world.patch_channel(json!({"notifications": {"enabled": true, "telegram_user_id": OWNER_TG}})).await;
    let third = world.buy(53_003, 'g').await;
    world.ipn(&third, "n-3", "finished", "5.00", "0.0015").await;
    eventually("the owner notification", || (world.owner_messages("💰") == 1).then_some(())).await;
    assert!(
        world
            .telegram
            .messages_to(OWNER_TG)
            .iter()
            .any(|m| m.text.contains("$5.00") && m.text.contains("30 days"))
    );

    // /mychannels: readiness, active subscribers, today's revenue.
    world.say(OWNER_TG, "/mychannels");
    let summary = eventually("the channel summary", || {
        world.telegram.messages_to(OWNER_TG).into_iter().find(|m| m.text.contains("Your channels"))
    })
    .await;
    assert!(summary.text.contains("3 active") && summary.text.contains("$15.00"), "{}", summary.text);
}

#[tokio::test]
async fn an_owner_who_blocked_the_bot_is_recorded_and_not_retried() {
    let world = World::start().await;
    world.patch_channel(json!({"notifications": {"enabled": true, "telegram_user_id": OWNER_TG}})).await;
    world.link_owner().await;
    world.telegram.block_user(OWNER_TG);
    let order = world.buy(54_001, 'g').await;
    world.ipn(&order, "b-1", "finished", "5.00", "0.0015").await;
    until("the block recorded", || async {
        (world.count("SELECT count(*) FROM channels WHERE notify_blocked_at IS NOT NULL").await == 1)
            .then_some(())
    })
    .await;
    let (state, attempts): (String, i32) =
        sqlx::query_as("SELECT state::text, attempts FROM jobs WHERE kind = 'owner.notify'")
            .fetch_one(&world.app.pool)
            .await
            .unwrap();
    assert_eq!((state.as_str(), attempts), ("succeeded", 1));
    let path = format!("/api/v1/channels/{}", world.channel["id"].as_str().unwrap());
    let channel: Value = world.app.get_as(&world.owner, &path).await.json().await.unwrap();
    assert!(channel["notification_delivery"]["blocked_at"].is_string(), "{channel}");
    assert_eq!(world.telegram_status(&world.owner).await["notifications_blocked"], true);
    // Linking again (e.g. after unblocking the bot) clears the mark.
}

#[tokio::test]
async fn the_daily_digest_counts_yesterdays_expiries_in_one_message() {
    let world = World::start().await;
    world.patch_channel(json!({"notifications": {"enabled": true, "telegram_user_id": OWNER_TG}})).await;
    world.link_owner().await;
    let channel: uuid::Uuid = world.channel["id"].as_str().unwrap().parse().unwrap();
    sqlx::query("INSERT INTO subscribers (telegram_user_id, first_name) SELECT 61000 + n, 'x' FROM generate_series(1, 4) n")
        .execute(&world.app.pool)
        .await
        .unwrap();
    // Three removed yesterday (UTC), one today.
    sqlx::query(
        "INSERT INTO subscriptions (id, channel_id, telegram_user_id, status, tier_level, expires_at, removed_at)
         SELECT gen_random_uuid(), $1, 61000 + n, 'expired', 0, now() - interval '2 days',
                CASE WHEN n < 4 THEN date_trunc('day', now() AT TIME ZONE 'UTC') AT TIME ZONE 'UTC' - interval '12 hours'
                     ELSE now() END
         FROM generate_series(1, 4) n",
    )
    .bind(channel)
    .execute(&world.app.pool)
    .await
    .unwrap();
    let midnight = chrono::Utc::now().date_naive().and_hms_opt(0, 0, 0).unwrap().and_utc();
    let mut conn = world.app.pool.acquire().await.unwrap();
    paygate_jobs::enqueue(&mut conn, &paygate_app::owners::notify::ExpiryDigest { tick: midnight })
        .await
        .unwrap();
    // The same tick twice (e.g. two instances catching up) still sends one digest.
    paygate_jobs::enqueue(&mut conn, &paygate_app::owners::notify::ExpiryDigest { tick: midnight })
        .await
        .unwrap();
    drop(conn);
    let digest = eventually("the digest", || {
        world.telegram.messages_to(OWNER_TG).into_iter().find(|m| m.text.contains("expired on"))
    })
    .await;
    assert!(digest.text.contains("3 subscription(s)"), "{}", digest.text);
    until("both digest jobs done", || async {
        (world
            .count("SELECT count(*) FROM jobs WHERE kind LIKE 'owner.%' AND state IN ('pending', 'running')")
            .await
            == 0)
            .then_some(())
    })
    .await;
    tokio::time::sleep(Duration::from_millis(1500)).await;
    assert_eq!(world.owner_messages("expired on"), 1);
}

/// Telegram lets the bot write one message a second to a person: 30 notifications at once reach the
/// owner in a few combined messages, each notification exactly once (in order within a message), instead of 30
/// messages queued a second apart (each holding a worker slot while it waits).
#[tokio::test]
async fn a_burst_of_notifications_reaches_the_owner_in_a_few_combined_messages() {
    let world = World::start().await;
    world.patch_channel(json!({"notifications": {"enabled": true, "telegram_user_id": OWNER_TG}})).await;
    world.link_owner().await;
    let channel_id: uuid::Uuid = world.channel["id"].as_str().unwrap().parse().unwrap();
    let mut tx = world.app.pool.begin().await.unwrap();
    for i in 0..30 {
        let event =
            paygate_app::owners::notify::OwnerEvent::ActionNeeded { what: format!("item-{i:02}-end") };
        paygate_app::owners::notify::enqueue(&mut tx, channel_id, event).await.unwrap();
    }
    tx.commit().await.unwrap();

    until("every notification job", || async {
        (world.count("SELECT count(*) FROM jobs WHERE kind = 'owner.notify' AND state = 'succeeded'").await
            == 30)
            .then_some(())
    })
    .await;
    let messages: Vec<String> = world
        .telegram
        .messages_to(OWNER_TG)
        .into_iter()
        .map(|m| m.text)
        .filter(|text| text.contains("item-"))
        .collect();
    let all = messages.join("\n");
    for i in 0..30 {
        assert_eq!(all.matches(&format!("item-{i:02}-end")).count(), 1, "item {i} in {messages:?}");
    }
    for message in &messages {
        let items: Vec<usize> = (0..30).filter_map(|i| message.find(&format!("item-{i:02}-end"))).collect();
        assert!(items.windows(2).all(|pair| pair[0] < pair[1]), "in the order they happened: {message}");
    }
    assert!(messages.len() <= 10, "{} messages for 30 notifications", messages.len());
    assert_eq!(world.count("SELECT count(*) FROM owner_outbox WHERE done_at IS NULL").await, 0);
}
