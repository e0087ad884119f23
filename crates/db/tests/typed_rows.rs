//! A stored status, kind, mode or tier level the domain does not know is a read error, never a default.

#![allow(clippy::unwrap_used, clippy::expect_used)] // test helpers should fail loudly on an unexpected value

use paygate_domain::{
    channel::TierLevel,
    status::{InviteMode, InviteStatus, InvoiceStatus, OfferKind, SubscriptionStatus},
};
use paygate_test_support::fresh_database;
use sqlx::PgPool;
use uuid::Uuid;

/// A database whose constraints no longer guard the rows read here, as if a bad row had slipped in
/// (a manual fix, an older release): the reader itself must refuse it.
async fn unguarded_database() -> PgPool {
    let pool = fresh_database().await;
    for statement in [
        "ALTER TABLE subscriptions DROP CONSTRAINT subscriptions_channel_id_fkey,
             DROP CONSTRAINT subscriptions_telegram_user_id_fkey,
             DROP CONSTRAINT subscriptions_status_check, DROP CONSTRAINT subscriptions_tier_level_check",
        "ALTER TABLE invoices DROP CONSTRAINT invoices_channel_id_fkey,
             DROP CONSTRAINT invoices_telegram_user_id_fkey, DROP CONSTRAINT invoices_status_check,
             DROP CONSTRAINT invoices_tier_level_check",
        "ALTER TABLE invites DROP CONSTRAINT invites_subscription_id_fkey,
             DROP CONSTRAINT invites_mode_check, DROP CONSTRAINT invites_status_check",
        "ALTER TABLE channel_tiers DROP CONSTRAINT channel_tiers_channel_id_fkey,
             DROP CONSTRAINT channel_tiers_level_check",
    ] {
        sqlx::query(statement).execute(&pool).await.unwrap();
    }
    pool
}

async fn subscription(pool: &PgPool, status: &str, tier_level: i16) -> (Uuid, Uuid) {
    let (id, channel) = (Uuid::now_v7(), Uuid::now_v7());
    sqlx::query(
        "INSERT INTO subscriptions (id, channel_id, telegram_user_id, status, tier_level, expires_at)
         VALUES ($1, $2, 42, $3, $4, now() + interval '1 day')",
    )
    .bind(id)
    .bind(channel)
    .bind(status)
    .bind(tier_level)
    .execute(pool)
    .await
    .unwrap();
    (id, channel)
}

async fn invoice(pool: &PgPool, status: &str, tier_level: i16) -> Uuid {
    let id = Uuid::now_v7();
    sqlx::query(
        "INSERT INTO invoices (id, channel_id, telegram_user_id, kind, tier_level, duration_days, price_usd,
                               provider, status, expires_at)
         VALUES ($1, $2, 42, 'subscription', $3, 30, 5, 'sandbox', $4, now() + interval '1 day')",
    )
    .bind(id)
    .bind(Uuid::now_v7())
    .bind(tier_level)
    .bind(status)
    .execute(pool)
    .await
    .unwrap();
    id
}

fn assert_decode_error<T: std::fmt::Debug>(read: Result<T, sqlx::Error>, says: &str) {
    match read {
        Err(sqlx::Error::Decode(error)) => assert_eq!(error.to_string(), says),
        other => panic!("expected a decode error saying {says:?}, got {other:?}"),
    }
}

#[tokio::test]
async fn a_known_subscription_row_reads_as_typed_values() {
    let pool = unguarded_database().await;
    let (id, _) = subscription(&pool, "active", 1).await;
    let mut conn = pool.acquire().await.unwrap();
    let row = paygate_db::subscriptions::get(&mut conn, id).await.unwrap().unwrap();
    assert_eq!((row.status, row.tier_level), (SubscriptionStatus::Active, TierLevel::Silver));
}

#[tokio::test]
async fn a_subscription_with_an_unknown_tier_level_is_an_error_not_gold() {
    let pool = unguarded_database().await;
    let (id, channel) = subscription(&pool, "active", 7).await;
    let mut conn = pool.acquire().await.unwrap();
    assert_decode_error(paygate_db::subscriptions::get(&mut conn, id).await, "unknown tier level: \"7\"");
    assert_decode_error(
        paygate_db::subscriptions::lock_by_id(&mut conn, id).await,
        "unknown tier level: \"7\"",
    );
    let listed = paygate_db::subscriptions::for_channel(&mut conn, channel, None, 50, 0).await;
    assert!(listed.is_err(), "a list with a corrupt row is an error, not a shorter list: {listed:?}");
}

#[tokio::test]
async fn a_subscription_with_an_unknown_status_is_an_error() {
    let pool = unguarded_database().await;
    let (id, _) = subscription(&pool, "paused", 0).await;
    let mut conn = pool.acquire().await.unwrap();
    assert_decode_error(
        paygate_db::subscriptions::get(&mut conn, id).await,
        "unknown subscription status: \"paused\"",
    );
}

#[tokio::test]
async fn an_invoice_with_an_unknown_status_or_tier_level_is_an_error() {
    let pool = unguarded_database().await;
    let known = invoice(&pool, "partially_paid", 2).await;
    let unknown_status = invoice(&pool, "paid", 0).await;
    let unknown_level = invoice(&pool, "waiting", -1).await;
    let mut conn = pool.acquire().await.unwrap();
    let row = paygate_db::invoices::get(&mut conn, known).await.unwrap().unwrap();
    assert_eq!(
        (row.status, row.kind, row.tier_level),
        (InvoiceStatus::PartiallyPaid, OfferKind::Subscription, Some(TierLevel::Bronze))
    );
    assert_decode_error(
        paygate_db::invoices::get(&mut conn, unknown_status).await,
        "unknown invoice status: \"paid\"",
    );
    assert_decode_error(
        paygate_db::invoices::lock(&mut conn, unknown_level).await,
        "unknown tier level: \"-1\"",
    );
    // The open-invoice list reads the tier level too: one corrupt row fails the read.
    assert!(paygate_db::open_invoices::of_subscriber(&mut conn, 42).await.is_err());
}

#[tokio::test]
async fn a_channel_tier_with_an_unknown_level_is_an_error_not_skipped() {
    let pool = unguarded_database().await;
    let channel = Uuid::now_v7();
    for level in [0_i16, 3] {
        sqlx::query(
            "INSERT INTO channel_tiers (channel_id, level, price_usd, duration_days) VALUES ($1, $2, 5, 30)",
        )
        .bind(channel)
        .bind(level)
        .execute(&pool)
        .await
        .unwrap();
    }
    let mut conn = pool.acquire().await.unwrap();
    assert_decode_error(paygate_db::offers::tiers(&mut conn, channel).await, "unknown tier level: \"3\"");
}

#[tokio::test]
async fn an_invite_with_an_unknown_mode_or_status_is_an_error() {
    let pool = unguarded_database().await;
    let (subscription, _) = subscription(&pool, "active", 0).await;
    let mut ids = Vec::new();
    for (mode, status) in [("member_limit", "issued"), ("open", "issued"), ("join_request", "lost")] {
        let id = Uuid::now_v7();
        sqlx::query(
            "INSERT INTO invites (id, subscription_id, chat_id, telegram_user_id, mode, status)
             VALUES ($1, $2, -100, 42, $3, $4)",
        )
        .bind(id)
        .bind(subscription)
        .bind(mode)
        .bind(status)
        .execute(&pool)
        .await
        .unwrap();
        ids.push(id);
    }
    let mut conn = pool.acquire().await.unwrap();
    let row = paygate_db::invites::lock(&mut conn, ids[0]).await.unwrap().unwrap();
    assert_eq!((row.mode, row.status), (InviteMode::MemberLimit, InviteStatus::Issued));
    assert_decode_error(paygate_db::invites::lock(&mut conn, ids[1]).await, "unknown invite mode: \"open\"");
    assert_decode_error(
        paygate_db::invites::lock(&mut conn, ids[2]).await,
        "unknown invite status: \"lost\"",
    );
}

#[tokio::test]
async fn the_database_checks_invoice_statuses_and_subscription_tier_levels_against_the_enums() {
    let pool = fresh_database().await;
    let checks: Vec<String> = sqlx::query_scalar(
        "SELECT pg_get_constraintdef(oid) FROM pg_constraint
         WHERE conname IN ('invoices_status_check', 'subscriptions_tier_level_check') ORDER BY conname",
    )
    .fetch_all(&pool)
    .await
    .unwrap();
    assert_eq!(checks.len(), 2, "{checks:?}");
    let listed = checks[0].matches("'::text").count();
    assert_eq!(
        listed,
        InvoiceStatus::ALL.len(),
        "the check lists exactly the enum's statuses: {}",
        checks[0]
    );
    for status in InvoiceStatus::ALL {
        assert!(checks[0].contains(&format!("'{}'", status.as_str())), "{status} missing from {}", checks[0]);
    }
    assert!(checks[1].contains("tier_level >= 0") && checks[1].contains("tier_level <= 2"), "{}", checks[1]);
}
