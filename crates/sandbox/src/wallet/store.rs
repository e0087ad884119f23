//! The sandbox wallet's PostgreSQL rows: balances (locked per wallet while debiting) and transfers.

use rust_decimal::Decimal;
use sqlx::{PgConnection, PgPool};
use uuid::Uuid;

/// `sandbox_transfer_status`: a sent transfer never returns to `prepared`/`needs_funds`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, sqlx::Type)]
#[sqlx(type_name = "sandbox_transfer_status", rename_all = "snake_case")]
pub(crate) enum TransferState {
    Prepared,
    NeedsFunds,
    Broadcast,
    Confirmed,
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub(crate) struct TransferRow {
    pub id: Uuid,
    pub wallet_address: String,
    pub asset_code: String,
    pub asset_network: String,
    pub to_address: String,
    pub amount: Decimal,
    pub status: TransferState,
    pub nonce: Option<i64>,
    pub tx_hash: Option<String>,
    pub block: Option<i64>,
}

#[derive(Debug, Clone, Copy, sqlx::FromRow)]
pub(crate) struct BalanceRow {
    pub eth: Decimal,
    pub usdt: Decimal,
    pub next_nonce: i64,
}

/// A transfer to record under its reference.
pub(crate) struct NewTransfer<'a> {
    pub id: Uuid,
    pub wallet_address: &'a str,
    pub reference: &'a str,
    pub asset_code: &'a str,
    pub asset_network: &'a str,
    pub to_address: &'a str,
    pub amount: Decimal,
}

/// Creates the wallet's balance row with `eth` and `usdt` unless it exists (a restart keeps balances).
pub(crate) async fn seed(
    pool: &PgPool,
    address: &str,
    eth: Decimal,
    usdt: Decimal,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO sandbox_wallet (address, eth, usdt) VALUES ($1, $2, $3) ON CONFLICT (address) DO NOTHING",
    )
    .bind(address)
    .bind(eth)
    .bind(usdt)
    .execute(pool)
    .await
    .map(drop)
}

pub(crate) async fn balances(pool: &PgPool, address: &str) -> Result<Option<BalanceRow>, sqlx::Error> {
    sqlx::query_as("SELECT eth, usdt, next_nonce FROM sandbox_wallet WHERE address = $1")
        .bind(address)
        .fetch_optional(pool)
        .await
}

/// The balances, locked until the caller's transaction ends (one debit at a time per wallet).
pub(crate) async fn lock_balances(
    conn: &mut PgConnection,
    address: &str,
) -> Result<Option<BalanceRow>, sqlx::Error> {
    sqlx::query_as("SELECT eth, usdt, next_nonce FROM sandbox_wallet WHERE address = $1 FOR UPDATE")
        .bind(address)
        .fetch_optional(conn)
        .await
}

/// Adds `eth` and `usdt` (a negative value debits; the table's CHECK refuses a negative balance).
pub(crate) async fn add_balances(
    conn: &mut PgConnection,
    address: &str,
    eth: Decimal,
    usdt: Decimal,
) -> Result<Option<BalanceRow>, sqlx::Error> {
    sqlx::query_as(
        "UPDATE sandbox_wallet SET eth = eth + $2, usdt = usdt + $3, updated_at = now()
         WHERE address = $1 RETURNING eth, usdt, next_nonce",
    )
    .bind(address)
    .bind(eth)
    .bind(usdt)
    .fetch_optional(conn)
    .await
}

pub(crate) async fn set_balances(
    pool: &PgPool,
    address: &str,
    eth: Decimal,
    usdt: Decimal,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO sandbox_wallet (address, eth, usdt) VALUES ($1, $2, $3)
         ON CONFLICT (address) DO UPDATE SET eth = $2, usdt = $3, updated_at = now()",
    )
    .bind(address)
    .bind(eth)
    .bind(usdt)
    .execute(pool)
    .await
    .map(drop)
}

/// Records the transfer unless its reference is taken, and returns the row holding the reference.
pub(crate) async fn insert_transfer(
    pool: &PgPool,
    new: &NewTransfer<'_>,
) -> Result<TransferRow, sqlx::Error> {
    sqlx::query(
        "INSERT INTO sandbox_transfers (id, wallet_address, reference, asset_code, asset_network, to_address, amount)
         VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (reference) DO NOTHING",
    )
    .bind(new.id)
    .bind(new.wallet_address)
    .bind(new.reference)
    .bind(new.asset_code)
    .bind(new.asset_network)
    .bind(new.to_address)
    .bind(new.amount)
    .execute(pool)
    .await?;
    sqlx::query_as(
        "SELECT id, wallet_address, asset_code, asset_network, to_address, amount, status, nonce, tx_hash, block
         FROM sandbox_transfers WHERE reference = $1",
    )
    .bind(new.reference)
    .fetch_one(pool)
    .await
}

pub(crate) async fn transfer(pool: &PgPool, id: Uuid) -> Result<Option<TransferRow>, sqlx::Error> {
    sqlx::query_as(
        "SELECT id, wallet_address, asset_code, asset_network, to_address, amount, status, nonce, tx_hash, block
         FROM sandbox_transfers WHERE id = $1",
    )
    .bind(id)
    .fetch_optional(pool)
    .await
}

/// The transfer, locked until the caller's transaction ends (one send at a time per transfer).
pub(crate) async fn lock_transfer(
    conn: &mut PgConnection,
    id: Uuid,
) -> Result<Option<TransferRow>, sqlx::Error> {
    sqlx::query_as(
        "SELECT id, wallet_address, asset_code, asset_network, to_address, amount, status, nonce, tx_hash, block
         FROM sandbox_transfers WHERE id = $1 FOR UPDATE",
    )
    .bind(id)
    .fetch_optional(conn)
    .await
}

pub(crate) async fn mark_needs_funds(
    conn: &mut PgConnection,
    id: Uuid,
    detail: &str,
) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE sandbox_transfers SET status = 'needs_funds', detail = $2 WHERE id = $1")
        .bind(id)
        .bind(detail)
        .execute(conn)
        .await
        .map(drop)
}

/// What a send stores: the nonce taken, the fake hash and the gas charged.
pub(crate) struct Sent<'a> {
    pub nonce: i64,
    pub tx_hash: &'a str,
    pub gas_fee: Decimal,
}

/// Marks the transfer broadcast and takes its nonce from the wallet (both under the caller's locks).
pub(crate) async fn mark_sent(
    conn: &mut PgConnection,
    id: Uuid,
    wallet_address: &str,
    sent: &Sent<'_>,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "UPDATE sandbox_transfers SET status = 'broadcast', detail = NULL, nonce = $2, tx_hash = $3,
                gas_fee = $4, sent_at = now()
         WHERE id = $1",
    )
    .bind(id)
    .bind(sent.nonce)
    .bind(sent.tx_hash)
    .bind(sent.gas_fee)
    .execute(&mut *conn)
    .await?;
    sqlx::query("UPDATE sandbox_wallet SET next_nonce = $2 + 1, updated_at = now() WHERE address = $1")
        .bind(wallet_address)
        .bind(sent.nonce)
        .execute(conn)
        .await
        .map(drop)
}

/// Confirms a broadcast transfer once `delay_ms` passed since it was sent (by the database's clock, so
/// every instance agrees), in a block numbered from that clock. Returns `(hash, block)` when confirmed.
pub(crate) async fn confirm_if_due(
    pool: &PgPool,
    id: Uuid,
    delay_ms: i64,
) -> Result<Option<(String, i64)>, sqlx::Error> {
    sqlx::query_as(
        "UPDATE sandbox_transfers
            SET status = 'confirmed', confirmed_at = now(), block = (extract(epoch FROM now()) / 12)::bigint
          WHERE id = $1 AND status = 'broadcast' AND sent_at + $2 * interval '1 millisecond' <= now()
          RETURNING tx_hash, block",
    )
    .bind(id)
    .bind(delay_ms)
    .fetch_optional(pool)
    .await
}
