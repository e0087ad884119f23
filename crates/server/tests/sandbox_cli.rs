//! `paygate sandbox expire` and `paygate sandbox batch-now` against a running sandbox platform's database:
//! the bot removes the expired member, a threshold batch is paid, unknown ids and platforms with the
//! real Telegram or live payouts are refused with a message and a non-zero exit.

#![allow(clippy::unwrap_used, clippy::expect_used)] // a failing test should fail loudly

use std::process::{Command, Output};

use chrono::Utc;
use paygate_app::payouts::threshold::ConvertPending;
use paygate_test_support::sandbox_world::{SandboxWorld, eventually};
use reqwest::Method;
use serde_json::{Value, json};
use sqlx::PgPool;
use uuid::Uuid;

const BIN: &str = env!("CARGO_BIN_EXE_paygate");
const TRON_WALLET: &str = "TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6t";

/// The URL of the database `pool` uses, on the test server of `PAYGATE_TEST_DATABASE_URL`.
fn database_url(pool: &PgPool) -> String {
    let server = std::env::var("PAYGATE_TEST_DATABASE_URL").unwrap();
    let (base, _) = server.rsplit_once('/').unwrap();
    format!("{base}/{}", pool.connect_options().get_database().unwrap())
}

/// Runs `paygate <args>` on `database` with only `env` besides, off the async runtime (the world's bot
/// and worker keep running meanwhile).
async fn paygate(database: &str, args: &[&str], env: &[(&str, &str)]) -> Output {
    let data_dir = tempfile::tempdir().unwrap();
    let mut command = Command::new(BIN);
    command
        .args(args)
        .env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .env("PAYGATE_DATA_DIR", data_dir.path())
        .env("PAYGATE_DATABASE_URL", database)
        .envs(env.iter().copied())
        .current_dir(data_dir.path());
    let output = tokio::task::spawn_blocking(move || command.output().unwrap()).await.unwrap();
    drop(data_dir);
    output
}

fn text(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned() + &String::from_utf8_lossy(&output.stderr)
}

/// A fresh, migrated database with nothing in it.
async fn empty_database() -> String {
    let pool = paygate_test_support::fresh_database().await;
    let url = database_url(&pool);
    pool.close().await;
    url
}

fn fast_payouts(settings: &mut paygate_app::Settings) {
    settings.payout_poll_interval = std::time::Duration::from_millis(100);
}

/// `user` buys the world's channel and joins its closed channel.
async fn buy_and_join(world: &SandboxWorld, user: i64) {
    let links: Value =
        world.app.get_as(&world.owner, &world.channel_path("/links")).await.json().await.unwrap();
    world.open(user, links["tiers"][0]["url"].as_str().unwrap()).await;
    world.press(user, "pay:").await;
    world.pay(&world.url_button(user, |u| u.contains("/sandbox/checkout/")).await).await;
    world.open(user, &world.url_button(user, |u| u.starts_with("https://t.me/+")).await).await;
    member(world, world.closed, user, "member").await;
}

async fn member(world: &SandboxWorld, chat: i64, user: i64, wanted: &str) {
    eventually(&format!("{user} {wanted} in {chat}"), || async {
        (world.telegram.member_status_text(chat, user).await.unwrap() == wanted).then_some(())
    })
    .await;
    world.settled().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn sandbox_expire_by_telegram_id_or_subscription_id_ends_it_and_the_bot_removes_the_member() {
    let world = SandboxWorld::start().await;
    let database = database_url(&world.app.pool);
    let sam = world.telegram.create_user("Sam", None).await.unwrap().id;
    let bea = world.telegram.create_user("Bea", None).await.unwrap().id;
    buy_and_join(&world, sam).await;
    buy_and_join(&world, bea).await;

    let output = paygate(&database, &["sandbox", "expire", "--subscriber", &sam.to_string()], &[]).await;
    assert!(output.status.success(), "{}", text(&output));
    assert!(text(&output).contains("1 subscription(s)"), "{}", text(&output));
    member(&world, world.closed, sam, "left").await;
    assert_eq!(world.telegram.member_status_text(world.closed, bea).await.unwrap(), "member");

    let bea_subscription: Uuid =
        sqlx::query_scalar("SELECT id FROM subscriptions WHERE telegram_user_id = $1 AND status = 'active'")
            .bind(bea)
            .fetch_one(&world.app.pool)
            .await
            .unwrap();
    let id = bea_subscription.to_string();
    let output = paygate(&database, &["sandbox", "expire", "--subscription", &id], &[]).await;
    assert!(output.status.success(), "{}", text(&output));
    member(&world, world.closed, bea, "left").await;
    eventually("the expiry message with a renew button", || async {
        let told = world.bot_messages(bea).await;
        told.iter()
            .any(|m| m.buttons.iter().flatten().any(|b| format!("{b:?}").contains("renew:")))
            .then_some(())
    })
    .await;

    // Nothing is left to expire: said so, exit 1.
    let output = paygate(&database, &["sandbox", "expire", "--subscriber", &sam.to_string()], &[]).await;
    assert_eq!(output.status.code(), Some(1), "{}", text(&output));
    assert!(text(&output).contains(&format!("Telegram user {sam} has no active subscription")));
    let output = paygate(&database, &["sandbox", "expire", "--subscription", &id], &[]).await;
    assert_eq!(output.status.code(), Some(1), "{}", text(&output));
    assert!(text(&output).contains(&format!("no active subscription {id}")), "{}", text(&output));
}

#[tokio::test(flavor = "multi_thread")]
async fn batch_now_pays_a_threshold_channel_once_its_converted_balance_reached_the_threshold() {
    let world = SandboxWorld::start_with(Some(fast_payouts)).await;
    let database = database_url(&world.app.pool);
    let (open, closed) = world.telegram.create_channels(world.owner_tg, "Beta").await.unwrap();
    let body = json!({
        "open_channel_id": open.id, "open_channel_title": open.title,
        "closed_channel_id": closed.id, "closed_channel_title": closed.title,
        "tiers": [{"price_usd": "60.00", "duration_days": 30}],
        "payout": {"wallet_address": TRON_WALLET, "currency": "usdt", "network": "trx",
                   "strategy": "threshold", "threshold_usd": "50.00"},
        "donations": {"enabled": false},
        "notifications": {"enabled": true, "telegram_user_id": world.owner_tg}
    });
    let response = world.app.send_as(Method::POST, &world.owner, "/api/v1/channels", Some(&body)).await;
    assert_eq!(response.status(), 201);
    let channel: Uuid = response.json::<Value>().await.unwrap()["id"].as_str().unwrap().parse().unwrap();
    let links: Value = world
        .app
        .get_as(&world.owner, &format!("/api/v1/channels/{channel}/links"))
        .await
        .json()
        .await
        .unwrap();
    let bea = world.telegram.create_user("Bea", None).await.unwrap().id;
    world.open(bea, links["tiers"][0]["url"].as_str().unwrap()).await;
    world.press(bea, "pay:").await;
    world.pay(&world.url_button(bea, |u| u.contains("/sandbox/checkout/")).await).await;
    let entry = || async {
        sqlx::query_as::<_, (String, Option<Uuid>)>(
            "SELECT e.status, e.batch_id FROM accumulation_entries e JOIN payments p ON p.id = e.payment_id
             WHERE p.channel_id = $1",
        )
        .bind(channel)
        .fetch_optional(&world.app.pool)
        .await
        .unwrap()
    };
    eventually("the payment accumulated", || async {
        entry().await.filter(|(s, _)| s == "pending_conversion")
    })
    .await;
    let channel_arg = channel.to_string();
    let batch_now = ["sandbox", "batch-now", "--channel", channel_arg.as_str()];

    // Not converted yet: nothing to batch, said so.
    let output = paygate(&database, &batch_now, &[]).await;
    assert_eq!(output.status.code(), Some(1), "{}", text(&output));
    assert!(text(&output).contains("holds no converted USDT yet"), "{}", text(&output));

    let mut conn = world.app.pool.acquire().await.unwrap();
    paygate_jobs::enqueue(&mut conn, &ConvertPending { tick: Utc::now() }).await.unwrap();
    drop(conn);
    eventually("the entry converted", || async { entry().await.filter(|(s, _)| s == "converted") }).await;

    let output = paygate(&database, &batch_now, &[]).await;
    assert!(output.status.success(), "{}", text(&output));
    assert!(text(&output).contains(&format!("started for channel {channel}")), "{}", text(&output));
    let (_, batch) =
        eventually("the batch paid", || async { entry().await.filter(|(s, _)| s == "paid") }).await;
    let status: String =
        sqlx::query_scalar("SELECT status::text FROM payouts WHERE id = $1 AND purpose = 'batch'")
            .bind(batch.unwrap())
            .fetch_one(&world.app.pool)
            .await
            .unwrap();
    assert_eq!(status, "completed");
    paygate_test_support::assert_payments_conserved(&world.app.pool).await;

    // Paid: nothing left for another batch.
    let output = paygate(&database, &batch_now, &[]).await;
    assert_eq!(output.status.code(), Some(1), "{}", text(&output));
}

#[tokio::test]
async fn sandbox_time_is_refused_with_the_real_telegram_or_live_payouts_and_changes_nothing() {
    let database = empty_database().await;
    let token = [("PAYGATE_TELEGRAM_BOT_TOKEN", "123456:ABCDEF-real-bot")];
    let channel = Uuid::new_v4().to_string();
    for (args, env) in [
        (&["sandbox", "expire", "--subscriber", "42"][..], &token[..]),
        (&["sandbox", "batch-now", "--channel", &channel], &token),
        (&["sandbox", "batch-now", "--channel", &channel], &[("PAYGATE_CHANGENOW_API_KEY", "live-key")]),
    ] {
        let output = paygate(&database, args, env).await;
        assert_eq!(output.status.code(), Some(1), "{}", text(&output));
        assert!(text(&output).contains("not a sandbox platform"), "{}", text(&output));
    }
    let pool = paygate_db::connect(database.parse().unwrap(), 1).await.unwrap();
    let jobs: i64 = sqlx::query_scalar("SELECT count(*) FROM jobs").fetch_one(&pool).await.unwrap();
    assert_eq!(jobs, 0, "a refused action queued work");
}

#[tokio::test]
async fn unknown_subscribers_subscriptions_and_channels_are_named_with_a_non_zero_exit() {
    let database = empty_database().await;
    let subscription = Uuid::new_v4().to_string();
    let channel = Uuid::new_v4().to_string();
    for (args, said) in [
        (
            &["sandbox", "expire", "--subscriber", "4242"][..],
            "Telegram user 4242 has no active subscription".to_owned(),
        ),
        (
            &["sandbox", "expire", "--subscription", &subscription],
            format!("no active subscription {subscription}"),
        ),
        (&["sandbox", "batch-now", "--channel", &channel], format!("no channel {channel}")),
    ] {
        let output = paygate(&database, args, &[]).await;
        assert_eq!(output.status.code(), Some(1), "{}", text(&output));
        assert!(text(&output).contains(&said), "{}", text(&output));
    }
    // Neither a subscriber nor a subscription: a usage error.
    let output = paygate(&database, &["sandbox", "expire"], &[]).await;
    assert_eq!(output.status.code(), Some(2), "{}", text(&output));
}
