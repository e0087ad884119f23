//! The database's CHECK constraints accept and reject exactly what `paygate_domain::limits` does.

#![allow(clippy::unwrap_used)] // test helpers should fail loudly on an unexpected value

use paygate_domain::{
    channel::{Description, DonationMessage, DurationDays, ThresholdUsd, Title, UsdPrice},
    limits::*,
};
use paygate_test_support::fresh_database;
use rust_decimal::Decimal;
use sqlx::PgPool;
use uuid::Uuid;

const XMR_ADDRESS: &str =
    "44AFFq5kSiGBoZ4NMDwYtN18obc8AemS33DBLWs3H7otXft3XjrpDtQGv7SqSsaBYBb98uNbr2VBBEt7f2wfn3RVGQBEP3A";
const CENT: Decimal = Decimal::from_parts(1, 0, 0, false, 2);

/// One channel with one tier; every case changes one value of a valid row.
#[derive(Clone)]
struct Row {
    title: String,
    description: String,
    price: Decimal,
    duration: i32,
    threshold: Decimal,
    donation_message: String,
}

impl Default for Row {
    fn default() -> Self {
        Row {
            title: "Alpha".into(),
            description: String::new(),
            price: Decimal::new(500, 2),
            duration: 30,
            threshold: Decimal::new(10_000, 2),
            donation_message: "Thanks for the support!".into(),
        }
    }
}

/// Inserts `row` (and rolls back), returning whether PostgreSQL accepted it.
async fn accepts(pool: &PgPool, owner: Uuid, row: &Row) -> bool {
    let mut tx = pool.begin().await.unwrap();
    let channel = Uuid::new_v4();
    let inserted = sqlx::query(
        "INSERT INTO channels (id, owner_id, open_channel_id, open_channel_title, open_channel_description,
             closed_channel_id, closed_channel_title, payout_wallet_address, payout_currency, payout_network,
             payout_strategy, payout_threshold_usd, donations_enabled, donation_message)
         VALUES ($1, $2, -1001234567890, $3, $4, -1009876543210, 'VIP', $5, 'xmr', 'xmr', 'threshold', $6, true, $7)",
    )
    .bind(channel)
    .bind(owner)
    .bind(&row.title)
    .bind(&row.description)
    .bind(XMR_ADDRESS)
    .bind(row.threshold)
    .bind(&row.donation_message)
    .execute(&mut *tx)
    .await;
    let result = match inserted {
        Ok(_) => sqlx::query(
            "INSERT INTO channel_tiers (channel_id, level, price_usd, duration_days) VALUES ($1, 0, $2, $3)",
        )
        .bind(channel)
        .bind(row.price)
        .bind(row.duration)
        .execute(&mut *tx)
        .await
        .map(|_| ()),
        Err(error) => Err(error),
    };
    tx.rollback().await.unwrap();
    match result {
        Ok(()) => true,
        Err(sqlx::Error::Database(error)) if error.code().as_deref() == Some("23514") => false,
        Err(other) => panic!("unexpected database error: {other}"),
    }
}

/// What the domain says about every value of `row`.
fn domain_accepts(row: &Row) -> bool {
    Title::parse(&row.title).is_ok()
        && Description::parse(&row.description).is_ok()
        && UsdPrice::parse(&row.price.to_string(), Decimal::ZERO).is_ok()
        && DurationDays::parse(i64::from(row.duration)).is_ok()
        && ThresholdUsd::parse(&row.threshold.to_string()).is_ok()
        && DonationMessage::parse(&row.donation_message).is_ok()
}

async fn owner(pool: &PgPool) -> Uuid {
    let id = Uuid::new_v4();
    sqlx::query(
        "INSERT INTO users (id, username, email, password_hash) VALUES ($1, 'limits', 'limits@example.org', $2)",
    )
    .bind(id)
    .bind("$argon2id$v=19$m=19456,t=2,p=1$c2FsdHNhbHQ$aGFzaGhhc2hoYXNoaGFzaA")
    .execute(pool)
    .await
    .unwrap();
    id
}

fn text(length: usize) -> String {
    // A two-byte character, so a byte-counting constraint would be caught.
    "é".repeat(length)
}

fn int(days: u32) -> i32 {
    i32::try_from(days).unwrap()
}

#[tokio::test]
async fn database_checks_accept_each_limit_and_reject_just_beyond_it_like_the_domain() {
    let pool = fresh_database().await;
    let owner = owner(&pool).await;
    let max_channels: i32 = sqlx::query_scalar("SELECT max_channels FROM users WHERE id = $1")
        .bind(owner)
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(u32::try_from(max_channels).ok(), Some(MAX_CHANNELS_PER_OWNER_DEFAULT));

    let base = Row::default();
    let with = |change: &dyn Fn(&mut Row)| {
        let mut row = base.clone();
        change(&mut row);
        row
    };
    let cases: Vec<(&str, Row, bool)> = vec![
        ("title at max", with(&|r| r.title = text(TITLE_MAX)), true),
        ("title over max", with(&|r| r.title = text(TITLE_MAX + 1)), false),
        ("description at max", with(&|r| r.description = text(DESCRIPTION_MAX)), true),
        ("description over max", with(&|r| r.description = text(DESCRIPTION_MAX + 1)), false),
        ("price at max", with(&|r| r.price = PRICE_MAX_USD), true),
        ("price over max", with(&|r| r.price = PRICE_MAX_USD + CENT), false),
        ("price at min", with(&|r| r.price = PRICE_MIN_USD), true),
        ("price under min", with(&|r| r.price = PRICE_MIN_USD - CENT), false),
        ("duration at min", with(&|r| r.duration = int(DURATION_MIN_DAYS)), true),
        ("duration under min", with(&|r| r.duration = int(DURATION_MIN_DAYS) - 1), false),
        ("duration at max", with(&|r| r.duration = int(DURATION_MAX_DAYS)), true),
        ("duration over max", with(&|r| r.duration = int(DURATION_MAX_DAYS) + 1), false),
        ("lifetime duration", with(&|r| r.duration = int(LIFETIME_DAYS)), true),
        ("just under lifetime", with(&|r| r.duration = int(LIFETIME_DAYS) - 1), false),
        ("threshold at min", with(&|r| r.threshold = THRESHOLD_MIN_USD), true),
        ("threshold under min", with(&|r| r.threshold = THRESHOLD_MIN_USD - CENT), false),
        ("threshold at max", with(&|r| r.threshold = THRESHOLD_MAX_USD), true),
        ("threshold over max", with(&|r| r.threshold = THRESHOLD_MAX_USD + CENT), false),
        ("donation message at min", with(&|r| r.donation_message = text(DONATION_MESSAGE_MIN)), true),
        ("donation message under min", with(&|r| r.donation_message = text(DONATION_MESSAGE_MIN - 1)), false),
        ("donation message at max", with(&|r| r.donation_message = text(DONATION_MESSAGE_MAX)), true),
        ("donation message over max", with(&|r| r.donation_message = text(DONATION_MESSAGE_MAX + 1)), false),
    ];
    for (name, row, expected) in cases {
        assert_eq!(domain_accepts(&row), expected, "domain: {name}");
        assert_eq!(accepts(&pool, owner, &row).await, expected, "database: {name}");
    }
}

#[test]
fn the_boundary_values_are_the_documented_ones() {
    assert_eq!((TITLE_MAX, DESCRIPTION_MAX, DONATION_MESSAGE_MIN, DONATION_MESSAGE_MAX), (100, 500, 10, 256));
    assert_eq!((PRICE_MIN_USD.to_string(), PRICE_MAX_USD.to_string()), ("0.01".into(), "9999.99".into()));
    assert_eq!((DURATION_MAX_DAYS, LIFETIME_DAYS), (999, 36_500));
    assert_eq!(
        (THRESHOLD_MIN_USD.to_string(), THRESHOLD_MAX_USD.to_string()),
        ("50.00".into(), "100000.00".into())
    );
}
