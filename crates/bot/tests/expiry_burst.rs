//! A burst of 1,000 expiries goes through the real removal jobs at the rate Telegram allows: the fake
//! Bot API enforces 30 calls/s overall and 1/s per chat (answering 429 beyond), and counts rates.

#![allow(clippy::unwrap_used, clippy::expect_used)] // a failing test should fail loudly

mod support;

use std::time::{Duration, Instant};

use chrono::Utc;
use paygate_app::subscribers::expiry::SweepSubscriptions;
use support::{CLOSED, World};

const BURST: i64 = 1000;

#[tokio::test]
async fn a_thousand_expiries_are_removed_within_telegrams_limits_without_a_single_429() {
    let world = World::start().await;
    let channel: uuid::Uuid = world.channel["id"].as_str().unwrap().parse().unwrap();
    sqlx::query(
        "INSERT INTO subscribers (telegram_user_id, first_name) SELECT 900000 + n, 'bulk' FROM generate_series(1, $1) n",
    )
    .bind(BURST)
    .execute(&world.app.pool)
    .await
    .unwrap();
    sqlx::query(
        "INSERT INTO subscriptions (id, channel_id, telegram_user_id, status, tier_level, expires_at)
         SELECT gen_random_uuid(), $1, 900000 + n, 'active', 0, now() - interval '1 minute'
         FROM generate_series(1, $2) n",
    )
    .bind(channel)
    .bind(BURST)
    .execute(&world.app.pool)
    .await
    .unwrap();
    world.telegram.enforce_limits(30, 1);
    let mut conn = world.app.pool.acquire().await.unwrap();
    paygate_jobs::enqueue(&mut conn, &SweepSubscriptions { tick: Utc::now() }).await.unwrap();
    drop(conn);

    // Generous: 2,000 paced calls take about 80 s on an idle machine, longer on a loaded one.
    let deadline = Instant::now() + Duration::from_secs(280);
    loop {
        let expired = world.count("SELECT count(*) FROM subscriptions WHERE status = 'expired'").await;
        if expired == BURST {
            break;
        }
        if Instant::now() > deadline {
            let errors: Vec<(String, i64)> = sqlx::query_as(
                "SELECT COALESCE(last_error, '-'), count(*) FROM jobs WHERE kind = 'subscriptions.remove' GROUP BY 1",
            )
            .fetch_all(&world.app.pool)
            .await
            .unwrap();
            panic!(
                "only {expired} of {BURST} removed in time; 429s: {}; job errors: {errors:?}",
                world.telegram.rate_limited_calls()
            );
        }
        tokio::time::sleep(Duration::from_millis(500)).await;
    }
    let bans = world.telegram.bans();
    assert_eq!(bans.len() as i64, BURST, "each expiry banned exactly once");
    let distinct: std::collections::HashSet<_> = bans.iter().collect();
    assert_eq!(distinct.len() as i64, BURST);
    assert!(bans.iter().all(|(chat, _)| *chat == CLOSED));
    assert_eq!(world.telegram.unbans().len() as i64, BURST);
    assert_eq!(world.telegram.rate_limited_calls(), 0, "Telegram never had to say 429");
    assert!(world.telegram.max_global_in_any_second() <= 30, "{}", world.telegram.max_global_in_any_second());
    assert!(
        world.telegram.max_per_chat_in_any_second() <= 1,
        "{}",
        world.telegram.max_per_chat_in_any_second()
    );
    let needing_attention = world.count("SELECT count(*) FROM jobs WHERE state = 'needs_attention'").await;
    assert_eq!(needing_attention, 0);
}
