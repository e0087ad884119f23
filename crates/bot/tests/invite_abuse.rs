//! Invite abuse: "New link" is rate-limited per subscription, and whoever joins with a subscriber's
//! link without being a paying member is removed.

#![allow(clippy::unwrap_used, clippy::expect_used)] // a failing test should fail loudly

mod support;

use paygate_test_support::fake_telegram::FakeTelegram;
use support::{CLOSED, World, eventually, until};
use uuid::Uuid;

/// An active subscription of `user` to the world's channel for 30 days.
async fn subscription(world: &World, user: i64) -> Uuid {
    let channel: Uuid = world.channel["id"].as_str().unwrap().parse().unwrap();
    sqlx::query("INSERT INTO subscribers (telegram_user_id, first_name) VALUES ($1, 'Sub')")
        .bind(user)
        .execute(&world.app.pool)
        .await
        .unwrap();
    sqlx::query_scalar(
        "INSERT INTO subscriptions (id, channel_id, telegram_user_id, status, tier_level, expires_at)
         VALUES (gen_random_uuid(), $1, $2, 'active', 0, now() + interval '30 days') RETURNING id",
    )
    .bind(channel)
    .bind(user)
    .fetch_one(&world.app.pool)
    .await
    .unwrap()
}

/// Waits for the answer to the `n`-th button press (1-based) and returns its toast.
async fn toast(world: &World, n: usize) -> String {
    eventually("the button answered", || world.telegram.answered_callbacks().get(n - 1).cloned())
        .await
        .1
        .unwrap_or_default()
}

fn links_in_closed(world: &World) -> usize {
    world.telegram.invite_links().iter().filter(|link| link["chat_id"] == CLOSED).count()
}

#[tokio::test]
async fn a_second_new_link_within_a_minute_is_refused_with_a_clear_answer() {
    let world = World::start().await;
    let user = 30_001;
    let sub = subscription(&world, user).await;
    let press = format!("invite:{}", sub.simple());

    world.press(user, &press);
    eventually("the first new link", || (links_in_closed(&world) == 1).then_some(())).await;
    assert_eq!(toast(&world, 1).await, "");
    world.press(user, &press);
    let answer = toast(&world, 2).await;

    assert!(answer.contains("less than a minute ago"), "{answer}");
    let requested = world.count("SELECT count(*) FROM invites WHERE requested").await;
    assert_eq!(requested, 1);
    assert_eq!(links_in_closed(&world), 1, "no second link was created");
}

#[tokio::test]
async fn the_daily_cap_of_new_links_is_enforced() {
    let world = World::start().await;
    let user = 30_101;
    let sub = subscription(&world, user).await;
    // Ten re-issues over the last day, the latest two minutes ago.
    sqlx::query(
        "INSERT INTO invites (id, subscription_id, chat_id, telegram_user_id, mode, status, requested, created_at)
         SELECT gen_random_uuid(), $1, $2, $3, 'join_request', 'revoked', true, now() - make_interval(mins => 2 + n * 60)
         FROM generate_series(0, 9) n",
    )
    .bind(sub)
    .bind(CLOSED)
    .bind(user)
    .execute(&world.app.pool)
    .await
    .unwrap();

    world.press(user, &format!("invite:{}", sub.simple()));
    let answer = toast(&world, 1).await;

    assert!(answer.contains("10 new links today"), "{answer}");
    assert_eq!(links_in_closed(&world), 0);
    assert_eq!(world.count("SELECT count(*) FROM invites").await, 10);
}

#[tokio::test]
async fn someone_who_joins_with_a_subscribers_link_without_paying_is_removed() {
    let world = World::start().await;
    let (subscriber, paying_friend, stranger) = (30_201, 30_202, 30_203);
    let sub = subscription(&world, subscriber).await;
    subscription(&world, paying_friend).await;
    let link = "https://t.me/+sharedlink000001";
    sqlx::query(
        "INSERT INTO invites (id, subscription_id, chat_id, telegram_user_id, mode, status, invite_link)
         VALUES (gen_random_uuid(), $1, $2, $3, 'member_limit', 'issued', $4)",
    )
    .bind(sub)
    .bind(CLOSED)
    .bind(subscriber)
    .bind(link)
    .execute(&world.app.pool)
    .await
    .unwrap();

    for user in [subscriber, paying_friend, stranger] {
        world.telegram.push_update(FakeTelegram::chat_member_update(
            CLOSED,
            user,
            "left",
            "member",
            Some(link),
        ));
    }
    // Someone joining without any of Paygate's links is none of Paygate's business.
    world.telegram.push_update(FakeTelegram::chat_member_update(CLOSED, 30_204, "left", "member", None));

    eventually("the stranger removed", || (!world.telegram.unbans().is_empty()).then_some(())).await;
    until("every join recorded", || async {
        (world.count("SELECT count(*) FROM invite_joins").await == 3).then_some(())
    })
    .await;
    until("the queue to drain", || async {
        let open = world.count("SELECT count(*) FROM jobs WHERE state IN ('pending', 'running')").await;
        (open == 0).then_some(())
    })
    .await;

    assert_eq!(world.telegram.bans(), vec![(CLOSED, stranger)]);
    assert_eq!(world.telegram.unbans(), vec![(CLOSED, stranger)]);
    let unpaid = world.count("SELECT count(*) FROM invite_joins WHERE NOT paying").await;
    assert_eq!(unpaid, 1);
    let used = world.count("SELECT count(*) FROM invites WHERE status = 'used'").await;
    assert_eq!(used, 1, "the subscriber's own join uses the link");
}
