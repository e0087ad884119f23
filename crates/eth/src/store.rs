//! The wallet's PostgreSQL rows: nonces (locked per wallet), transfers, and every signed candidate stored before broadcast.

use chrono::{DateTime, Utc};
use sqlx::{PgConnection, PgPool};
use uuid::Uuid;

/// `wallet_transfer_status`: a signed transfer never returns to `prepared`/`needs_funds`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, sqlx::Type)]
#[sqlx(type_name = "wallet_transfer_status", rename_all = "snake_case")]
pub enum TransferState {
    Prepared,
    NeedsFunds,
    Signed,
    Broadcast,
    Mined,
    Confirmed,
    Failed,
}

#[derive(Debug, Clone)]
pub struct TransferRow {
    pub id: Uuid,
    pub wallet_address: String,
    pub reference: String,
    pub asset_code: String,
    pub asset_network: String,
    pub to_address: String,
    /// Base units as decimal digits.
    pub amount_base: String,
    pub nonce: Option<i64>,
    pub status: TransferState,
    pub mined_hash: Option<String>,
    pub mined_block: Option<i64>,
    pub detail: Option<String>,
}

/// One signed transaction for a transfer; all candidates of a transfer share its nonce.
#[derive(Debug, Clone)]
pub struct CandidateRow {
    pub id: i64,
    pub nonce: i64,
    pub raw_tx: Vec<u8>,
    pub tx_hash: String,
    pub gas_limit: i64,
    pub max_fee_per_gas: String,
    pub max_priority_fee_per_gas: String,
    pub broadcast_at: Option<DateTime<Utc>>,
}

pub struct NewTransfer<'a> {
    pub id: Uuid,
    pub wallet_address: &'a str,
    pub reference: &'a str,
    pub asset_code: &'a str,
    pub asset_network: &'a str,
    pub to_address: &'a str,
    pub amount_base: &'a str,
}

/// Inserts the intent unless the reference exists; returns the row stored under the reference.
pub async fn insert_transfer(pool: &PgPool, new: &NewTransfer<'_>) -> Result<TransferRow, sqlx::Error> {
    sqlx::query!(
        "INSERT INTO wallet_transfers (id, wallet_address, reference, asset_code, asset_network, to_address, amount_base)
         VALUES ($1, $2, $3, $4, $5, $6, $7::text::numeric)
         ON CONFLICT (reference) DO NOTHING",
        new.id,
        new.wallet_address,
        new.reference,
        new.asset_code,
        new.asset_network,
        new.to_address,
        new.amount_base,
    )
    .execute(pool)
    .await?;
    sqlx::query_as!(
        TransferRow,
        r#"SELECT id, wallet_address, reference, asset_code, asset_network, to_address,
                  amount_base::text AS "amount_base!", nonce, status AS "status: TransferState",
                  mined_hash, mined_block, detail
           FROM wallet_transfers WHERE reference = $1"#,
        new.reference,
    )
    .fetch_one(pool)
    .await
}

pub async fn transfer(conn: &mut PgConnection, id: Uuid) -> Result<Option<TransferRow>, sqlx::Error> {
    sqlx::query_as!(
        TransferRow,
        r#"SELECT id, wallet_address, reference, asset_code, asset_network, to_address,
                  amount_base::text AS "amount_base!", nonce, status AS "status: TransferState",
                  mined_hash, mined_block, detail
           FROM wallet_transfers WHERE id = $1"#,
        id,
    )
    .fetch_optional(conn)
    .await
}

/// The transfer, locked until the caller's transaction ends (one signer or replacer at a time).
pub async fn lock_transfer(conn: &mut PgConnection, id: Uuid) -> Result<Option<TransferRow>, sqlx::Error> {
    sqlx::query_as!(
        TransferRow,
        r#"SELECT id, wallet_address, reference, asset_code, asset_network, to_address,
                  amount_base::text AS "amount_base!", nonce, status AS "status: TransferState",
                  mined_hash, mined_block, detail
           FROM wallet_transfers WHERE id = $1 FOR UPDATE"#,
        id,
    )
    .fetch_optional(conn)
    .await
}

/// Locks the wallet's nonce row (created on first use) and returns the next nonce: the stored one,
/// or the chain's pending count when that is higher (the wallet was used elsewhere).
pub async fn lock_next_nonce(
    conn: &mut PgConnection,
    wallet: &str,
    chain_id: i64,
    chain_pending: i64,
) -> Result<i64, sqlx::Error> {
    sqlx::query!(
        "INSERT INTO wallet_nonces (wallet_address, chain_id, next_nonce) VALUES ($1, $2, $3)
         ON CONFLICT (wallet_address) DO NOTHING",
        wallet,
        chain_id,
        chain_pending,
    )
    .execute(&mut *conn)
    .await?;
    let stored = sqlx::query_scalar!(
        "SELECT next_nonce FROM wallet_nonces WHERE wallet_address = $1 FOR UPDATE",
        wallet
    )
    .fetch_one(&mut *conn)
    .await?;
    Ok(stored.max(chain_pending))
}

pub async fn set_next_nonce(conn: &mut PgConnection, wallet: &str, next: i64) -> Result<(), sqlx::Error> {
    sqlx::query!(
        "UPDATE wallet_nonces SET next_nonce = $2, updated_at = now() WHERE wallet_address = $1",
        wallet,
        next
    )
    .execute(conn)
    .await?;
    Ok(())
}

pub struct NewCandidate<'a> {
    pub transfer_id: Uuid,
    pub nonce: i64,
    pub raw_tx: &'a [u8],
    pub tx_hash: &'a str,
    pub gas_limit: i64,
    pub max_fee_per_gas: &'a str,
    pub max_priority_fee_per_gas: &'a str,
}

pub async fn insert_candidate(conn: &mut PgConnection, new: &NewCandidate<'_>) -> Result<(), sqlx::Error> {
    sqlx::query!(
        "INSERT INTO wallet_tx_candidates
             (transfer_id, nonce, raw_tx, tx_hash, gas_limit, max_fee_per_gas, max_priority_fee_per_gas)
         VALUES ($1, $2, $3, $4, $5, $6::text::numeric, $7::text::numeric)",
        new.transfer_id,
        new.nonce,
        new.raw_tx,
        new.tx_hash,
        new.gas_limit,
        new.max_fee_per_gas,
        new.max_priority_fee_per_gas,
    )
    .execute(conn)
    .await?;
    Ok(())
}

/// Every candidate of a transfer, oldest first.
pub async fn candidates(
    conn: &mut PgConnection,
    transfer_id: Uuid,
) -> Result<Vec<CandidateRow>, sqlx::Error> {
    sqlx::query_as!(
        CandidateRow,
        r#"SELECT id, nonce, raw_tx, tx_hash, gas_limit,
                  max_fee_per_gas::text AS "max_fee_per_gas!", max_priority_fee_per_gas::text AS "max_priority_fee_per_gas!",
                  broadcast_at
           FROM wallet_tx_candidates WHERE transfer_id = $1 ORDER BY id"#,
        transfer_id,
    )
    .fetch_all(conn)
    .await
}

/// A node accepted the candidate; the transfer moves from `signed` to `broadcast`.
pub async fn mark_broadcast(pool: &PgPool, transfer_id: Uuid, candidate_id: i64) -> Result<(), sqlx::Error> {
    let mut tx = pool.begin().await?;
    sqlx::query!(
        "UPDATE wallet_tx_candidates SET broadcast_at = COALESCE(broadcast_at, now()) WHERE id = $1",
        candidate_id
    )
    .execute(&mut *tx)
    .await?;
    sqlx::query!(
        "UPDATE wallet_transfers SET status = 'broadcast', updated_at = now() WHERE id = $1 AND status = 'signed'",
        transfer_id
    )
    .execute(&mut *tx)
    .await?;
    tx.commit().await
}

/// Moves a transfer that is not final to `status` (a final transfer never changes again).
pub async fn set_status(
    conn: &mut PgConnection,
    id: Uuid,
    status: TransferState,
    mined: Option<(&str, i64)>,
    detail: Option<&str>,
) -> Result<(), sqlx::Error> {
    sqlx::query!(
        "UPDATE wallet_transfers
         SET status = $2, mined_hash = $3, mined_block = $4, detail = COALESCE($5, detail), updated_at = now()
         WHERE id = $1 AND status NOT IN ('confirmed', 'failed')",
        id,
        status as TransferState,
        mined.map(|(hash, _)| hash),
        mined.map(|(_, block)| block),
        detail,
    )
    .execute(conn)
    .await?;
    Ok(())
}

/// What the wallet's unmined transfers (nonce ≥ `from_nonce`) will still spend: their asset and
/// amount, and the most their latest candidate can burn in gas (wei).
pub struct Reservation {
    pub asset_code: String,
    pub amount_base: String,
    pub max_gas_cost: String,
}

pub async fn reservations(
    conn: &mut PgConnection,
    wallet: &str,
    from_nonce: i64,
) -> Result<Vec<Reservation>, sqlx::Error> {
    sqlx::query_as!(
        Reservation,
        r#"SELECT t.asset_code, t.amount_base::text AS "amount_base!",
                  (c.gas_limit * c.max_fee_per_gas)::text AS "max_gas_cost!"
           FROM wallet_transfers t
           JOIN LATERAL (SELECT gas_limit, max_fee_per_gas FROM wallet_tx_candidates
                         WHERE transfer_id = t.id ORDER BY id DESC LIMIT 1) c ON true
           WHERE t.wallet_address = $1 AND t.nonce >= $2 AND t.status IN ('signed', 'broadcast', 'mined')"#,
        wallet,
        from_nonce,
    )
    .fetch_all(conn)
    .await
}

/// The transfer's nonce is taken: it is `signed` from now on, never back to unsent.
pub async fn assign_nonce(conn: &mut PgConnection, id: Uuid, nonce: i64) -> Result<(), sqlx::Error> {
    sqlx::query!(
        "UPDATE wallet_transfers SET nonce = $2, status = 'signed', detail = NULL, updated_at = now()
         WHERE id = $1 AND nonce IS NULL",
        id,
        nonce
    )
    .execute(conn)
    .await?;
    Ok(())
}
