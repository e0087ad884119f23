//! Expiry: reminders and removal once each, Telegram's 429 honoured, failed removals retried and
//! never recorded as done.

#![allow(clippy::unwrap_used, clippy::expect_used)] // a failing test should fail loudly

mod support;

use std::time::{Duration, Instant};

use chrono::Utc;
use paygate_app::subscribers::expiry::SweepSubscriptions;
use support::{CLOSED, World, eventually, until};

async fn subscribed(world: &World, user: i64) {
    let order = world.buy(user, 'g').await;
    world.ipn(&order, &format!("p{user}"), "finished", "5.00", "0.0015").await;
    eventually("the invite", || (!world.telegram.invite_links().is_empty()).then_some(())).await;
}

async fn set_expiry(world: &World, user: i64, offset: &'static str) {
    sqlx::query("UPDATE subscriptions SET expires_at = now() + $2::interval WHERE telegram_user_id = $1")
        .bind(user)
        .bind(offset)
        .execute(&world.app.pool)
        .await
        .unwrap();
}

async fn sweep(world: &World) {
    let mut conn = world.app.pool.acquire().await.unwrap();
    paygate_jobs::enqueue(&mut conn, &SweepSubscriptions { tick: Utc::now() }).await.unwrap();
}

async fn status_of(world: &World, user: i64) -> (String, Option<String>) {
    sqlx::query_as("SELECT status, removal_error FROM subscriptions WHERE telegram_user_id = $1")
        .bind(user)
        .fetch_one(&world.app.pool)
        .await
        .unwrap()
}

async fn jobs_done(world: &World) {
    until("the queue to drain", || async {
        let open = world.count("SELECT count(*) FROM jobs WHERE state IN ('pending', 'running')").await;
        (open == 0).then_some(())
    })
    .await;
}

fn count_containing(world: &World, user: i64, needle: &str) -> usize {
    world.telegram.messages_to(user).into_iter().filter(|m| m.text.contains(needle)).count()
}

#[tokio::test]
async fn reminders_and_the_removal_are_sent_once_each() {
    let world = World::start().await;
    let user = 10_001;
    subscribed(&world, user).await;

    set_expiry(&world, user, "2 days").await;
    sweep(&world).await;
    eventually("the 3-day reminder", || (count_containing(&world, user, "ends on") == 1).then_some(())).await;
    sweep(&world).await;
    sweep(&world).await;
    jobs_done(&world).await;
    tokio::time::sleep(Duration::from_millis(1200)).await;
    assert_eq!(count_containing(&world, user, "ends on"), 1, "the 3-day reminder is sent once per expiry");

    set_expiry(&world, user, "20 hours").await;
    sweep(&world).await;
    eventually("the 1-day reminder", || (count_containing(&world, user, "ends on") == 2).then_some(())).await;

    set_expiry(&world, user, "-1 minute").await;
    sweep(&world).await;
    sweep(&world).await;
    eventually("the removal", || (world.telegram.unbans().len() == 1).then_some(())).await;
    jobs_done(&world).await;
    sweep(&world).await;
    jobs_done(&world).await;
    tokio::time::sleep(Duration::from_millis(1200)).await;
    assert_eq!(world.telegram.bans(), vec![(CLOSED, user)]);
    assert_eq!(world.telegram.unbans(), vec![(CLOSED, user)]);
    assert_eq!(status_of(&world, user).await, ("expired".to_owned(), None));
    assert_eq!(count_containing(&world, user, "has ended"), 1);
    assert!(world.app.unfinished_jobs().await.is_empty(), "{:?}", world.app.unfinished_jobs().await);
}

#[tokio::test]
async fn a_renewed_subscription_is_not_removed() {
    let world = World::start().await;
    let user = 10_051;
    subscribed(&world, user).await;
    set_expiry(&world, user, "-1 minute").await;
    // Renewed in the instant between the sweep's selection and the removal job: the job sees it.
    sqlx::query("UPDATE subscriptions SET removal_enqueued_for = NULL")
        .execute(&world.app.pool)
        .await
        .unwrap();
    sweep(&world).await;
    set_expiry(&world, user, "30 days").await;
    jobs_done(&world).await;
    assert!(world.telegram.bans().is_empty());
    assert_eq!(status_of(&world, user).await.0, "active");
}

#[tokio::test]
async fn a_telegram_429_is_honoured_and_the_removal_completes_afterwards() {
    let world = World::start().await;
    let user = 10_101;
    subscribed(&world, user).await;
    world.telegram.fail_next("banChatMember", 1, 429, Some(3));
    set_expiry(&world, user, "-1 minute").await;
    sweep(&world).await;
    let first_try = eventually("the rate-limited ban", || {
        (world.telegram.calls_of("banChatMember") >= 1).then(Instant::now)
    })
    .await;
    eventually("the removal after the pause", || (world.telegram.unbans().len() == 1).then_some(())).await;
    assert!(
        first_try.elapsed() >= Duration::from_millis(2500),
        "retried before retry_after: {:?}",
        first_try.elapsed()
    );
    assert_eq!(world.telegram.calls_of("banChatMember"), 2);
    until("expired", || async { (status_of(&world, user).await.0 == "expired").then_some(()) }).await;
}

#[tokio::test]
async fn a_failed_removal_is_retried_surfaced_and_not_marked_done() {
    let world = World::start().await;
    let user = 10_201;
    subscribed(&world, user).await;
    world.telegram.fail_next("banChatMember", 2, 400, None);
    set_expiry(&world, user, "-1 minute").await;
    sweep(&world).await;
    let (status, error) = until("the failure surfaced", || async {
        let (status, error) = status_of(&world, user).await;
        error.map(|e| (status, e))
    })
    .await;
    assert_eq!(status, "active", "a failed removal is not recorded as done");
    assert!(!error.is_empty());
    let attempts: i32 = sqlx::query_scalar("SELECT attempts FROM jobs WHERE kind = 'subscriptions.remove'")
        .fetch_one(&world.app.pool)
        .await
        .unwrap();
    assert!(attempts >= 1);
    // The retries (2 s, then 4 s) get through once Telegram accepts again.
    eventually("the removal on a retry", || (world.telegram.unbans().len() == 1).then_some(())).await;
    until("expired", || async {
        (status_of(&world, user).await == ("expired".to_owned(), None)).then_some(())
    })
    .await;
    assert_eq!(world.telegram.calls_of("banChatMember"), 3);
}
