//! The PostgreSQL send pacer and the `PacedMessenger` decorator against a real database and the fake Telegram.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::{
    collections::HashMap,
    sync::{
        Arc,
        atomic::{AtomicUsize, Ordering},
    },
    time::Duration,
};

use chrono::{DateTime, Utc};
use paygate_domain::{
    messenger::{Messenger, MessengerError},
    telegram_limits::{SendSpacing, TelegramLimits},
};
use paygate_telegram::{BotApi, PacedMessenger, pacer};
use paygate_test_support::{fake_telegram::FakeTelegram, fresh_database};
use sqlx::PgPool;

const TOKEN: &str = "7000000001:AAF-secret-token_for_tests";
const CHANNEL: i64 = -1_001_234_567_890;
const ONE_SECOND: chrono::TimeDelta = chrono::TimeDelta::seconds(1);

async fn sender(pool: &PgPool) -> (FakeTelegram, PacedMessenger) {
    sender_with(pool, pacer::standard_spacing()).await
}

async fn sender_with(pool: &PgPool, spacing: SendSpacing) -> (FakeTelegram, PacedMessenger) {
    let fake = FakeTelegram::start(TOKEN).await;
    let api = BotApi::new(fake.base_url(), TOKEN.to_owned().into(), reqwest::Client::new());
    (fake, PacedMessenger::new(pool.clone(), spacing, Arc::new(api)))
}

/// Makes calls `0..calls` from `tasks` concurrent tasks: call `i` is a message to the user
/// `message_to(i)` names, or else a ban in its own channel.
async fn paced_calls(sender: &PacedMessenger, tasks: usize, calls: i64, message_to: fn(i64) -> Option<i64>) {
    let next = Arc::new(AtomicUsize::new(0));
    let mut set = tokio::task::JoinSet::new();
    for _ in 0..tasks {
        let (sender, next) = (sender.clone(), next.clone());
        set.spawn(async move {
            loop {
                let i = i64::try_from(next.fetch_add(1, Ordering::Relaxed)).unwrap();
                if i >= calls {
                    return;
                }
                match message_to(i) {
                    Some(user) => {
                        sender.send_message(user, "Your access ended", None).await.unwrap();
                    }
                    None => sender.ban_member(CHANNEL - i, 7).await.unwrap(),
                }
            }
        });
    }
    set.join_all().await;
}

/// The most instants within any window `[t, t + 1 s)`.
fn max_in_any_second(instants: &[DateTime<Utc>]) -> usize {
    let mut sorted = instants.to_vec();
    sorted.sort_unstable();
    let mut start = 0;
    (0..sorted.len())
        .map(|end| {
            while sorted[end] - sorted[start] >= ONE_SECOND {
                start += 1;
            }
            end - start + 1
        })
        .max()
        .unwrap_or(0)
}

#[tokio::test]
async fn concurrent_reservations_respect_the_global_and_per_chat_limits() {
    let pool = fresh_database().await;
    let chats = [11_111_i64, 22_222, CHANNEL];
    let next = Arc::new(AtomicUsize::new(0));
    let mut tasks = tokio::task::JoinSet::new();
    for _ in 0..4 {
        let (pool, next) = (pool.clone(), next.clone());
        tasks.spawn(async move {
            let mut schedule = Vec::new();
            loop {
                let i = next.fetch_add(1, Ordering::Relaxed);
                if i >= 90 {
                    return schedule;
                }
                let chat = chats[i % 3];
                schedule.push((chat, pacer::reserve(&pool, &pacer::standard_spacing(), chat).await.unwrap()));
            }
        });
    }
    let schedule: Vec<_> = tasks.join_all().await.into_iter().flatten().collect();

    assert_eq!(schedule.len(), 90);
    let all: Vec<DateTime<Utc>> = schedule.iter().map(|(_, r)| r.at).collect();
    assert!(max_in_any_second(&all) <= 30, "{} sends in one second", max_in_any_second(&all));
    let mut per_chat: HashMap<i64, Vec<DateTime<Utc>>> = HashMap::new();
    for (chat, reservation) in &schedule {
        per_chat.entry(*chat).or_default().push(reservation.at);
    }
    for (chat, mut times) in per_chat {
        assert_eq!(times.len(), 30);
        times.sort_unstable();
        let min_gap = if chat < 0 { chrono::TimeDelta::seconds(3) } else { ONE_SECOND };
        for pair in times.windows(2) {
            assert!(pair[1] - pair[0] >= min_gap, "chat {chat}: sends at {} and {}", pair[0], pair[1]);
        }
    }
}

#[tokio::test]
async fn a_chat_that_must_wait_does_not_delay_other_chats() {
    let pool = fresh_database().await;

    // A channel's fourth send waits about ten seconds for its own slot (3.25 s apart)...
    let first = pacer::reserve(&pool, &pacer::standard_spacing(), CHANNEL).await.unwrap();
    let mut again = first;
    for _ in 0..3 {
        again = pacer::reserve(&pool, &pacer::standard_spacing(), CHANNEL).await.unwrap();
    }
    // ...and another chat reserved afterwards is not queued behind it.
    let other = pacer::reserve(&pool, &pacer::standard_spacing(), 2).await.unwrap();

    assert!(again.at - first.at >= chrono::TimeDelta::seconds(9));
    assert!(other.at < again.at, "the other chat took a free slot before the waiting chat's");
}

/// The throttling test. A removal here is one paced call: 1,000 calls to 1,000 different chats,
/// alternating `sendMessage` to a user and `banChatMember` in a channel, from 8 concurrent tasks,
/// against a fake that answers 429 like Telegram beyond 30/s overall or 1/s per chat.
#[tokio::test]
async fn a_thousand_paced_calls_from_eight_tasks_never_exceed_telegram_limits() {
    let pool = fresh_database().await;
    let (fake, sender) = sender(&pool).await;
    fake.enforce_limits(30, 1);
    paced_calls(&sender, 8, 1000, |i| (i % 2 == 0).then_some(100_000 + i)).await;

    assert_eq!(fake.rate_limited_calls(), 0);
    assert_eq!(fake.sent_messages().len(), 500);
    assert_eq!(fake.bans().len(), 500);
    assert!(fake.max_global_in_any_second() <= 30, "global {}", fake.max_global_in_any_second());
    assert!(fake.max_per_chat_in_any_second() <= 1, "per chat {}", fake.max_per_chat_in_any_second());
}

/// Scaled limits (a bot with paid broadcasts; the benchmark's 1,000/s and 10/s per chat): the pacer
/// spaces calls by the configured limits, not by the standard ones, and still never exceeds them.
/// 1,500 calls from 32 tasks: a third are messages to 10 users (the per-chat limit binds), the rest bans.
#[tokio::test]
async fn scaled_limits_pace_by_the_configured_rates_and_stay_within_them() {
    let pool = fresh_database().await;
    let limits =
        TelegramLimits { global_per_second: 1000, private_chat_per_second: 10, group_chat_per_minute: 600 };
    let (fake, sender) = sender_with(&pool, pacer::spacing(limits, pacer::DEFAULT_NETWORK_ALLOWANCE)).await;
    fake.enforce_limits(1000, 10);
    paced_calls(&sender, 32, 1500, |i| (i % 3 == 0).then_some(100_000 + i % 10)).await;

    assert_eq!(fake.rate_limited_calls(), 0);
    assert_eq!(fake.sent_messages().len(), 500);
    assert_eq!(fake.bans().len(), 1000);
    assert!(fake.max_global_in_any_second() <= 1000, "global {}", fake.max_global_in_any_second());
    let per_chat = fake.max_per_chat_in_any_second();
    assert!(per_chat <= 10, "per chat {per_chat}");
    // Paced by the scaled per-chat rate (50 messages to each user), not by the standard 1/s.
    assert!(per_chat > 1, "per chat {per_chat}: paced by the standard limits");
}

/// A stalled process (descheduled on a loaded machine) wakes many paced calls late at once: each
/// notices its slot has passed and takes a new one instead of firing in a bunch.
#[tokio::test]
async fn calls_woken_late_by_a_stalled_process_take_new_slots_instead_of_bunching() {
    let pool = fresh_database().await;
    let (fake, sender) = sender(&pool).await;
    fake.enforce_limits(30, 1);
    let mut tasks = tokio::task::JoinSet::new();
    for user in 0..120 {
        let sender = sender.clone();
        tasks.spawn(async move { sender.ban_member(CHANNEL, 1000 + user).await });
    }
    let deadline = std::time::Instant::now() + Duration::from_secs(60);
    while fake.bans().len() < 5 {
        assert!(std::time::Instant::now() < deadline, "the first calls never came");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    // Nothing in this process runs for two seconds (the test runtime has one thread): about fifty
    // reserved slots pass meanwhile.
    std::thread::sleep(Duration::from_secs(2));

    for result in tasks.join_all().await {
        result.unwrap();
    }
    assert_eq!(fake.rate_limited_calls(), 0);
    assert_eq!(fake.bans().len(), 120);
    assert!(fake.max_global_in_any_second() <= 30, "global {}", fake.max_global_in_any_second());
}

#[tokio::test]
async fn repeated_messages_to_one_user_are_spaced_at_least_a_second_apart() {
    let pool = fresh_database().await;
    let (fake, sender) = sender(&pool).await;
    fake.enforce_limits(30, 1);

    for n in 0..4 {
        let text = format!("Reminder {n}");
        sender.send_message(7, &text, None).await.unwrap();
    }

    assert_eq!(fake.rate_limited_calls(), 0);
    assert_eq!(fake.messages_to(7).len(), 4);
    assert_eq!(fake.max_per_chat_in_any_second(), 1);
}

#[tokio::test]
async fn a_rate_limit_pushes_every_next_slot_back_by_retry_after() {
    let pool = fresh_database().await;
    let (fake, sender) = sender(&pool).await;
    fake.fail_next("sendMessage", 1, 429, Some(2));
    let before = Utc::now();

    let error = sender.send_message(7, "hi", None).await.unwrap_err();
    let next = pacer::reserve(&pool, &pacer::standard_spacing(), 8).await.unwrap();

    assert_eq!(error, MessengerError::RateLimited { retry_after: Duration::from_secs(2) });
    assert!(
        next.at >= before + chrono::TimeDelta::seconds(2),
        "next slot at {} after a 429 at {before}",
        next.at
    );
}

#[tokio::test]
async fn a_shorter_back_off_never_shortens_a_longer_one() {
    let pool = fresh_database().await;

    let before = Utc::now();
    pacer::back_off(&pool, Duration::from_secs(5)).await.unwrap();
    pacer::back_off(&pool, Duration::from_secs(1)).await.unwrap();

    let next = pacer::reserve(&pool, &pacer::standard_spacing(), 1).await.unwrap();
    assert!(next.at >= before + chrono::TimeDelta::seconds(5), "next slot at {} (before {before})", next.at);
}
