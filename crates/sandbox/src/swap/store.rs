//! The swap simulator's PostgreSQL rows: exchanges with the first deposit seen at their pay-in address, and requested faults.

use chrono::{DateTime, Utc};
use rust_decimal::Decimal;
use sqlx::{PgConnection, PgPool};

/// One exchange as stored, with the first sandbox-wallet deposit to its pay-in address (in its `from`
/// asset, sent before the exchange expired) and the database's clock, which drives the status walk.
#[derive(Debug, Clone, sqlx::FromRow)]
pub(crate) struct ExchangeRow {
    pub id: String,
    pub from_code: String,
    pub from_network: String,
    pub to_code: String,
    pub to_network: String,
    pub fixed_rate: bool,
    pub expected_from: Decimal,
    pub rate: Decimal,
    pub expected_to: Decimal,
    pub min_from: Decimal,
    pub payin_address: String,
    pub payout_address: String,
    pub payout_extra_id: Option<String>,
    pub refund_address: String,
    pub fail_after_deposit: bool,
    pub created_at: DateTime<Utc>,
    pub valid_until: DateTime<Utc>,
    pub deposit_hash: Option<String>,
    pub deposit_amount: Option<Decimal>,
    pub deposit_at: Option<DateTime<Utc>>,
    pub db_now: DateTime<Utc>,
}

/// The exchange columns, the deposit and the clock; `$where` filters `e` (sandbox_exchanges).
macro_rules! select_exchanges {
    ($where:literal) => {
        concat!(
            "SELECT e.id, e.from_code, e.from_network, e.to_code, e.to_network, e.fixed_rate, e.expected_from,
                    e.rate, e.expected_to, e.min_from, e.payin_address, e.payout_address, e.payout_extra_id,
                    e.refund_address, e.fail_after_deposit, e.created_at, e.valid_until,
                    d.tx_hash AS deposit_hash, d.amount AS deposit_amount, d.sent_at AS deposit_at,
                    now() AS db_now
               FROM sandbox_exchanges e
               LEFT JOIN LATERAL (
                    SELECT t.tx_hash, t.amount, t.sent_at
                      FROM sandbox_transfers t
                     WHERE lower(t.to_address) = lower(e.payin_address) AND t.sent_at IS NOT NULL
                       AND t.asset_code = e.from_code AND t.asset_network = e.from_network
                       AND t.sent_at <= e.valid_until
                     ORDER BY t.sent_at, t.id
                     LIMIT 1) d ON true ",
            $where
        )
    };
}

/// A new exchange to store.
pub(crate) struct NewExchange<'a> {
    pub id: &'a str,
    pub from_code: &'a str,
    pub from_network: &'a str,
    pub to_code: &'a str,
    pub to_network: &'a str,
    pub fixed_rate: bool,
    pub expected_from: Decimal,
    pub rate: Decimal,
    pub expected_to: Decimal,
    pub min_from: Decimal,
    pub payin_address: &'a str,
    pub payout_address: &'a str,
    pub payout_extra_id: Option<&'a str>,
    pub refund_address: &'a str,
    /// How long the deposit is awaited, in milliseconds.
    pub valid_for_ms: i64,
}

/// Stores the exchange and returns its creation time and deadline (the database's clock).
pub(crate) async fn insert_exchange(
    conn: &mut PgConnection,
    new: &NewExchange<'_>,
) -> Result<(DateTime<Utc>, DateTime<Utc>), sqlx::Error> {
    sqlx::query_as(
        "INSERT INTO sandbox_exchanges (id, from_code, from_network, to_code, to_network, fixed_rate,
                expected_from, rate, expected_to, min_from, payin_address, payout_address, payout_extra_id,
                refund_address, valid_until)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14,
                 now() + $15 * interval '1 millisecond')
         RETURNING created_at, valid_until",
    )
    .bind(new.id)
    .bind(new.from_code)
    .bind(new.from_network)
    .bind(new.to_code)
    .bind(new.to_network)
    .bind(new.fixed_rate)
    .bind(new.expected_from)
    .bind(new.rate)
    .bind(new.expected_to)
    .bind(new.min_from)
    .bind(new.payin_address)
    .bind(new.payout_address)
    .bind(new.payout_extra_id)
    .bind(new.refund_address)
    .bind(new.valid_for_ms)
    .fetch_one(conn)
    .await
}

/// Gives the oldest requested fault, if any, to exchange `id`. Returns whether it got one.
pub(crate) async fn take_fault(conn: &mut PgConnection, id: &str) -> Result<bool, sqlx::Error> {
    let fault: Option<i64> = sqlx::query_scalar(
        "UPDATE sandbox_swap_faults SET exchange_id = $1
          WHERE id = (SELECT id FROM sandbox_swap_faults WHERE exchange_id IS NULL
                       ORDER BY id LIMIT 1 FOR UPDATE SKIP LOCKED)
          RETURNING id",
    )
    .bind(id)
    .fetch_optional(&mut *conn)
    .await?;
    if fault.is_some() {
        sqlx::query("UPDATE sandbox_exchanges SET fail_after_deposit = true WHERE id = $1")
            .bind(id)
            .execute(conn)
            .await?;
    }
    Ok(fault.is_some())
}

pub(crate) async fn request_fault(pool: &PgPool) -> Result<(), sqlx::Error> {
    sqlx::query("INSERT INTO sandbox_swap_faults DEFAULT VALUES").execute(pool).await.map(drop)
}

pub(crate) async fn exchange(pool: &PgPool, id: &str) -> Result<Option<ExchangeRow>, sqlx::Error> {
    sqlx::query_as(select_exchanges!("WHERE e.id = $1")).bind(id).fetch_optional(pool).await
}

/// Which exchanges `find` looks for.
pub(crate) struct Filter<'a> {
    pub from_code: &'a str,
    pub from_network: &'a str,
    pub to_code: &'a str,
    pub to_network: &'a str,
    pub payout_address: &'a str,
    pub created_after: DateTime<Utc>,
    pub created_before: DateTime<Utc>,
}

pub(crate) async fn find(pool: &PgPool, filter: &Filter<'_>) -> Result<Vec<ExchangeRow>, sqlx::Error> {
    sqlx::query_as(select_exchanges!(
        "WHERE e.from_code = $1 AND e.from_network = $2 AND e.to_code = $3 AND e.to_network = $4
           AND e.payout_address = $5 AND e.created_at BETWEEN $6 AND $7
         ORDER BY e.created_at, e.id"
    ))
    .bind(filter.from_code)
    .bind(filter.from_network)
    .bind(filter.to_code)
    .bind(filter.to_network)
    .bind(filter.payout_address)
    .bind(filter.created_after)
    .bind(filter.created_before)
    .fetch_all(pool)
    .await
}
