//! Removals are effectively once: a retried, re-run or doubled removal job bans once; a renewal that
//! lands while a removal is under way readmits the subscriber with a fresh invite.

#![allow(clippy::unwrap_used, clippy::expect_used)] // a failing test should fail loudly

mod support;

use chrono::{DateTime, Utc};
use paygate_app::subscribers::expiry::{RemoveHandler, RemoveSubscriber, SweepSubscriptions};
use paygate_jobs::{Handler, JobContext, JobId};
use support::{CLOSED, World, eventually, until};
use uuid::Uuid;

/// An active subscription of `user` to the world's channel, expiring `offset` from now.
async fn seed(world: &World, user: i64, offset: &str) -> (Uuid, DateTime<Utc>) {
    let channel: Uuid = world.channel["id"].as_str().unwrap().parse().unwrap();
    sqlx::query("INSERT INTO subscribers (telegram_user_id, first_name) VALUES ($1, 'Sub')")
        .bind(user)
        .execute(&world.app.pool)
        .await
        .unwrap();
    sqlx::query_as(
        "INSERT INTO subscriptions (id, channel_id, telegram_user_id, status, tier_level, expires_at)
         VALUES (gen_random_uuid(), $1, $2, 'active', 0, now() + $3::interval) RETURNING id, expires_at",
    )
    .bind(channel)
    .bind(user)
    .bind(offset)
    .fetch_one(&world.app.pool)
    .await
    .unwrap()
}

async fn sweep(world: &World) {
    let mut conn = world.app.pool.acquire().await.unwrap();
    paygate_jobs::enqueue(&mut conn, &SweepSubscriptions { tick: Utc::now() }).await.unwrap();
}

async fn status_of(world: &World, user: i64) -> String {
    sqlx::query_scalar("SELECT status FROM subscriptions WHERE telegram_user_id = $1")
        .bind(user)
        .fetch_one(&world.app.pool)
        .await
        .unwrap()
}

async fn removal_state(world: &World, user: i64) -> String {
    sqlx::query_scalar("SELECT state::text FROM member_removals WHERE telegram_user_id = $1")
        .bind(user)
        .fetch_one(&world.app.pool)
        .await
        .unwrap()
}

async fn expired(world: &World, user: i64) {
    until("the removal recorded", || async { (status_of(world, user).await == "expired").then_some(()) })
        .await;
}

async fn queue_drained(world: &World) {
    until("the queue to drain", || async {
        let open = world.count("SELECT count(*) FROM jobs WHERE state IN ('pending', 'running')").await;
        (open == 0).then_some(())
    })
    .await;
}

#[tokio::test]
async fn an_unban_refused_after_the_ban_is_retried_without_banning_again() {
    let world = World::start().await;
    let user = 20_001;
    seed(&world, user, "-1 minute").await;
    world.telegram.fail_next("unbanChatMember", 1, 429, Some(1));

    sweep(&world).await;
    expired(&world, user).await;

    assert_eq!(world.telegram.bans(), vec![(CLOSED, user)]);
    assert_eq!(world.telegram.unbans(), vec![(CLOSED, user)]);
    assert_eq!(removal_state(&world, user).await, "removed");
}

#[tokio::test]
async fn a_ban_whose_answer_was_lost_is_checked_with_telegram_not_repeated() {
    let world = World::start().await;
    let user = 20_101;
    seed(&world, user, "-1 minute").await;
    world.telegram.lose_answer_next("banChatMember", 1);

    sweep(&world).await;
    expired(&world, user).await;

    assert_eq!(world.telegram.calls_of("banChatMember"), 1, "the lost ban was not sent again");
    assert!(world.telegram.calls_of("getChatMember") >= 1, "the retry asked Telegram instead");
    assert_eq!(world.telegram.unbans(), vec![(CLOSED, user)]);
}

#[tokio::test]
async fn two_attempts_of_one_removal_running_side_by_side_ban_once() {
    let world = World::start().await;
    let user = 20_201;
    let (subscription_id, expires_at) = seed(&world, user, "-1 minute").await;
    let handler = RemoveHandler(world.app.app.clone());
    // The same job twice at once, as after a lease expired under a still-running first attempt.
    let context =
        |attempt| JobContext { pool: world.app.pool.clone(), job_id: JobId(4242), attempt, max_attempts: 20 };
    let (first, second) = (context(1), context(2));
    let job = || RemoveSubscriber { subscription_id, expires_at };

    let (a, b) = tokio::join!(handler.run(&first, job()), handler.run(&second, job()));
    assert!(a.is_ok() || b.is_ok(), "{a:?} {b:?}");
    // A later re-run (the other attempt retried) finds the removal done.
    handler.run(&context(3), job()).await.unwrap();

    assert_eq!(world.telegram.bans(), vec![(CLOSED, user)]);
    assert_eq!(world.telegram.unbans(), vec![(CLOSED, user)]);
    assert_eq!(status_of(&world, user).await, "expired");
}

#[tokio::test]
async fn a_renewal_landing_between_the_ban_and_the_unban_readmits_the_subscriber() {
    let world = World::start().await;
    let user = 20_301;
    seed(&world, user, "-1 minute").await;
    world.telegram.fail_next("unbanChatMember", 1000, 400, None);

    sweep(&world).await;
    eventually("the ban, then a refused unban", || {
        (world.telegram.calls_of("unbanChatMember") >= 1).then_some(())
    })
    .await;
    // The renewal lands while the removal is under way (between its ban and its unban).
    sqlx::query(
        "UPDATE subscriptions SET expires_at = now() + interval '30 days' WHERE telegram_user_id = $1",
    )
    .bind(user)
    .execute(&world.app.pool)
    .await
    .unwrap();
    world.telegram.clear_faults("unbanChatMember");

    let invite = until("a fresh invite", || async {
        let links = world.telegram.invite_links();
        links.into_iter().find(|link| link["chat_id"] == CLOSED)
    })
    .await;
    let link = invite["invite_link"].as_str().unwrap().to_owned();
    eventually("the invite message", || {
        let sent = world.telegram.messages_to(user);
        sent.iter().any(|m| support::urls(&m.reply_markup).contains(&link)).then_some(())
    })
    .await;
    queue_drained(&world).await;

    assert_eq!(world.telegram.bans(), vec![(CLOSED, user)]);
    assert_eq!(world.telegram.unbans(), vec![(CLOSED, user)], "the renewed subscriber is not left banned");
    assert_eq!(status_of(&world, user).await, "active");
    assert_eq!(removal_state(&world, user).await, "readmitted");
    assert!(world.telegram.messages_to(user).iter().all(|m| !m.text.contains("has ended")));
}
