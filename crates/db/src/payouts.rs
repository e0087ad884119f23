//! Payouts: one per payment of an instant channel, saved step by step under a sequence number.

use chrono::{DateTime, Utc};
use paygate_domain::status::{PayoutKind, PayoutPurpose, PayoutState};
use rust_decimal::Decimal;
use sqlx::PgConnection;
use uuid::Uuid;

use crate::typed::{all, decoded};

/// One payout as stored. `step_seq` is the version the row was read at.
#[derive(Debug, Clone, PartialEq)]
pub struct PayoutRow {
    pub id: Uuid,
    pub purpose: PayoutPurpose,
    /// The payment it pays (purpose `payment` only).
    pub payment_id: Option<Uuid>,
    /// The channel and owner it pays (none for a conversion, which pools entries).
    pub channel_id: Option<Uuid>,
    pub owner_id: Option<Uuid>,
    pub kind: PayoutKind,
    pub status: PayoutState,
    pub resume_status: Option<PayoutState>,
    pub step_seq: i32,
    pub source_amount: Decimal,
    pub source_code: String,
    pub source_network: String,
    pub dest_address: String,
    pub dest_extra_id: Option<String>,
    pub dest_code: String,
    pub dest_network: String,
    pub quoted_amount: Option<Decimal>,
    pub min_amount: Option<Decimal>,
    pub create_attempted_at: Option<DateTime<Utc>>,
    pub create_attempts: i32,
    pub exchange_id: Option<String>,
    pub exchange_status: Option<String>,
    pub payin_address: Option<String>,
    pub payin_extra_id: Option<String>,
    pub transfer_id: Option<Uuid>,
    pub deposit_hashes: Vec<String>,
    pub received_amount: Option<Decimal>,
    pub payout_hash: Option<String>,
    pub failure_reason: Option<String>,
    pub funds_alerted_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub completed_at: Option<DateTime<Utc>>,
}

/// A payout row before its kind and statuses are parsed.
struct RawPayout {
    id: Uuid,
    purpose: String,
    payment_id: Option<Uuid>,
    channel_id: Option<Uuid>,
    owner_id: Option<Uuid>,
    kind: String,
    status: String,
    resume_status: Option<String>,
    step_seq: i32,
    source_amount: Decimal,
    source_code: String,
    source_network: String,
    dest_address: String,
    dest_extra_id: Option<String>,
    dest_code: String,
    dest_network: String,
    quoted_amount: Option<Decimal>,
    min_amount: Option<Decimal>,
    create_attempted_at: Option<DateTime<Utc>>,
    create_attempts: i32,
    exchange_id: Option<String>,
    exchange_status: Option<String>,
    payin_address: Option<String>,
    payin_extra_id: Option<String>,
    transfer_id: Option<Uuid>,
    deposit_hashes: Vec<String>,
    received_amount: Option<Decimal>,
    payout_hash: Option<String>,
    failure_reason: Option<String>,
    funds_alerted_at: Option<DateTime<Utc>>,
    created_at: DateTime<Utc>,
    updated_at: DateTime<Utc>,
    completed_at: Option<DateTime<Utc>>,
}

impl TryFrom<RawPayout> for PayoutRow {
    type Error = sqlx::Error;

    fn try_from(raw: RawPayout) -> Result<Self, sqlx::Error> {
        Ok(Self {
            id: raw.id,
            purpose: decoded(PayoutPurpose::parse(&raw.purpose))?,
            payment_id: raw.payment_id,
            channel_id: raw.channel_id,
            owner_id: raw.owner_id,
            kind: decoded(PayoutKind::parse(&raw.kind))?,
            status: decoded(PayoutState::parse(&raw.status))?,
            resume_status: raw
                .resume_status
                .as_deref()
                .map(PayoutState::parse)
                .transpose()
                .map_err(|error| sqlx::Error::Decode(Box::new(error)))?,
            step_seq: raw.step_seq,
            source_amount: raw.source_amount,
            source_code: raw.source_code,
            source_network: raw.source_network,
            dest_address: raw.dest_address,
            dest_extra_id: raw.dest_extra_id,
            dest_code: raw.dest_code,
            dest_network: raw.dest_network,
            quoted_amount: raw.quoted_amount,
            min_amount: raw.min_amount,
            create_attempted_at: raw.create_attempted_at,
            create_attempts: raw.create_attempts,
            exchange_id: raw.exchange_id,
            exchange_status: raw.exchange_status,
            payin_address: raw.payin_address,
            payin_extra_id: raw.payin_extra_id,
            transfer_id: raw.transfer_id,
            deposit_hashes: raw.deposit_hashes,
            received_amount: raw.received_amount,
            payout_hash: raw.payout_hash,
            failure_reason: raw.failure_reason,
            funds_alerted_at: raw.funds_alerted_at,
            created_at: raw.created_at,
            updated_at: raw.updated_at,
            completed_at: raw.completed_at,
        })
    }
}

/// What a new payout starts with: the owner share and a snapshot of the payout settings.
#[derive(Debug, Clone)]
pub struct NewPayout<'a> {
    pub id: Uuid,
    pub purpose: PayoutPurpose,
    pub payment_id: Option<Uuid>,
    pub channel_id: Option<Uuid>,
    pub owner_id: Option<Uuid>,
    pub kind: PayoutKind,
    pub status: PayoutState,
    pub source_amount: Decimal,
    pub source_code: &'a str,
    pub source_network: &'a str,
    pub dest_address: &'a str,
    pub dest_extra_id: Option<&'a str>,
    pub dest_code: &'a str,
    pub dest_network: &'a str,
}

/// Inserts the payout unless its payment has one already; `false` for a duplicate.
pub async fn insert_once(conn: &mut PgConnection, p: &NewPayout<'_>) -> Result<bool, sqlx::Error> {
    let inserted = sqlx::query_scalar!(
        "INSERT INTO payouts (id, payment_id, channel_id, owner_id, kind, status, source_amount, source_code,
                              source_network, dest_address, dest_extra_id, dest_code, dest_network, purpose)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)
         ON CONFLICT (payment_id) DO NOTHING
         RETURNING id",
        p.id,
        p.payment_id,
        p.channel_id,
        p.owner_id,
        p.kind.as_str(),
        p.status.as_str(),
        p.source_amount,
        p.source_code,
        p.source_network,
        p.dest_address,
        p.dest_extra_id,
        p.dest_code,
        p.dest_network,
        p.purpose.as_str(),
    )
    .fetch_optional(conn)
    .await?;
    Ok(inserted.is_some())
}

/// The payout `id`, if any.
pub async fn get(conn: &mut PgConnection, id: Uuid) -> Result<Option<PayoutRow>, sqlx::Error> {
    let raw =
        sqlx::query_as!(RawPayout, "SELECT * FROM payouts WHERE id = $1", id).fetch_optional(conn).await?;
    raw.map(PayoutRow::try_from).transpose()
}

/// The payout `id`, locked until the caller's transaction ends.
pub async fn lock(conn: &mut PgConnection, id: Uuid) -> Result<Option<PayoutRow>, sqlx::Error> {
    let raw = sqlx::query_as!(RawPayout, "SELECT * FROM payouts WHERE id = $1 FOR UPDATE", id)
        .fetch_optional(conn)
        .await?;
    raw.map(PayoutRow::try_from).transpose()
}

/// The payout of payment `payment_id`, if any.
pub async fn of_payment(conn: &mut PgConnection, payment_id: Uuid) -> Result<Option<PayoutRow>, sqlx::Error> {
    let raw = sqlx::query_as!(RawPayout, "SELECT * FROM payouts WHERE payment_id = $1", payment_id)
        .fetch_optional(conn)
        .await?;
    raw.map(PayoutRow::try_from).transpose()
}

/// Writes every mutable field of `row` and bumps its sequence, only if nobody saved since `row`
/// was read (its `step_seq`); `false` when the row moved on (a stale step: do nothing more).
pub async fn save(conn: &mut PgConnection, row: &PayoutRow) -> Result<bool, sqlx::Error> {
    let done = sqlx::query!(
        "UPDATE payouts SET status = $3, resume_status = $4, step_seq = step_seq + 1, quoted_amount = $5,
                min_amount = $6, create_attempted_at = $7, create_attempts = $8, exchange_id = $9,
                exchange_status = $10, payin_address = $11, payin_extra_id = $12, transfer_id = $13,
                deposit_hashes = $14, received_amount = $15, payout_hash = $16, failure_reason = $17,
                funds_alerted_at = $18, completed_at = $19, updated_at = now()
         WHERE id = $1 AND step_seq = $2",
        row.id,
        row.step_seq,
        row.status.as_str(),
        row.resume_status.map(PayoutState::as_str),
        row.quoted_amount,
        row.min_amount,
        row.create_attempted_at,
        row.create_attempts,
        row.exchange_id,
        row.exchange_status,
        row.payin_address,
        row.payin_extra_id,
        row.transfer_id,
        &row.deposit_hashes,
        row.received_amount,
        row.payout_hash,
        row.failure_reason,
        row.funds_alerted_at,
        row.completed_at,
    )
    .execute(conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Appends to the payout's history.
pub async fn insert_step(
    conn: &mut PgConnection,
    payout_id: Uuid,
    status: PayoutState,
    detail: &str,
) -> Result<(), sqlx::Error> {
    sqlx::query!(
        "INSERT INTO payout_steps (payout_id, status, detail) VALUES ($1, $2, $3)",
        payout_id,
        status.as_str(),
        detail
    )
    .execute(conn)
    .await?;
    Ok(())
}

/// One entry of a payout's history.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StepRow {
    pub payout_id: Uuid,
    pub status: PayoutState,
    pub detail: String,
    pub at: DateTime<Utc>,
}

/// The history of every payout in `ids`, oldest first.
pub async fn steps_of(conn: &mut PgConnection, ids: &[Uuid]) -> Result<Vec<StepRow>, sqlx::Error> {
    let rows = sqlx::query!(
        "SELECT payout_id, status, detail, at FROM payout_steps WHERE payout_id = ANY($1) ORDER BY id",
        ids
    )
    .fetch_all(conn)
    .await?;
    crate::typed::all(rows, |row| {
        Ok(StepRow {
            payout_id: row.payout_id,
            status: crate::typed::decoded(PayoutState::parse(&row.status))?,
            detail: row.detail,
            at: row.at,
        })
    })
}

/// The newest payouts of a channel, at most `limit`.
pub async fn of_channel(
    conn: &mut PgConnection,
    channel_id: Uuid,
    limit: i64,
) -> Result<Vec<PayoutRow>, sqlx::Error> {
    let rows = sqlx::query_as!(
        RawPayout,
        "SELECT * FROM payouts WHERE channel_id = $1 ORDER BY created_at DESC, id DESC LIMIT $2",
        channel_id,
        limit
    )
    .fetch_all(conn)
    .await?;
    all(rows, PayoutRow::try_from)
}

/// One page of every payout of the platform (conversions too), newest first.
pub async fn page(conn: &mut PgConnection, limit: i64, offset: i64) -> Result<Vec<PayoutRow>, sqlx::Error> {
    let rows = sqlx::query_as!(
        RawPayout,
        "SELECT * FROM payouts ORDER BY created_at DESC, id DESC LIMIT $1 OFFSET $2",
        limit,
        offset
    )
    .fetch_all(conn)
    .await?;
    all(rows, PayoutRow::try_from)
}

/// Payouts the operator must look at or that wait for funds, oldest first, at most `limit`.
pub async fn needing_operator(conn: &mut PgConnection, limit: i64) -> Result<Vec<PayoutRow>, sqlx::Error> {
    let rows = sqlx::query_as!(
        RawPayout,
        "SELECT * FROM payouts
         WHERE status IN ('needs_attention', 'failed', 'refunded', 'expired', 'needs_funds')
         ORDER BY updated_at LIMIT $1",
        limit
    )
    .fetch_all(conn)
    .await?;
    all(rows, PayoutRow::try_from)
}

/// How many payouts are in each state (for metrics).
pub async fn count_by_state(conn: &mut PgConnection) -> Result<Vec<(String, i64)>, sqlx::Error> {
    let rows = sqlx::query!(r#"SELECT status, count(*) AS "count!" FROM payouts GROUP BY status"#)
        .fetch_all(conn)
        .await?;
    Ok(rows.into_iter().map(|row| (row.status, row.count)).collect())
}

/// Open payouts whose step job is gone (a lost chain after an operator cancelled the job, say).
pub async fn open_ids(conn: &mut PgConnection) -> Result<Vec<(Uuid, i32)>, sqlx::Error> {
    let rows = sqlx::query!(
        "SELECT id, step_seq FROM payouts
         WHERE status IN ('quoting', 'creating_exchange', 'sending', 'needs_funds', 'confirming', 'exchanging')"
    )
    .fetch_all(conn)
    .await?;
    Ok(rows.into_iter().map(|row| (row.id, row.step_seq)).collect())
}

/// A channel's owner and payout settings as they are now (snapshotted onto each new payout).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChannelPayoutSettings {
    pub channel_id: Uuid,
    pub owner_id: Uuid,
    pub wallet_address: String,
    pub currency: String,
    pub network: String,
    pub extra_id: Option<String>,
    /// `instant` or `threshold`.
    pub strategy: String,
    pub threshold_usd: Option<Decimal>,
}

/// The payout settings of channel `channel_id` (deleted channels too: their payments still pay out).
pub async fn channel_settings(
    conn: &mut PgConnection,
    channel_id: Uuid,
) -> Result<Option<ChannelPayoutSettings>, sqlx::Error> {
    sqlx::query_as!(
        ChannelPayoutSettings,
        r#"SELECT id AS channel_id, owner_id, payout_wallet_address AS wallet_address,
                  payout_currency AS currency, payout_network AS network, payout_extra_id AS extra_id,
                  payout_strategy::text AS "strategy!", payout_threshold_usd AS threshold_usd
           FROM channels WHERE id = $1"#,
        channel_id
    )
    .fetch_optional(conn)
    .await
}

/// Records that a create-exchange call is about to be made (the intent), without moving the step
/// sequence: a crash after the call finds it and looks the exchange up before creating another.
pub async fn record_create_attempt(
    conn: &mut PgConnection,
    id: Uuid,
    step_seq: i32,
) -> Result<bool, sqlx::Error> {
    let done = sqlx::query!(
        "UPDATE payouts SET create_attempted_at = COALESCE(create_attempted_at, now()),
                create_attempts = create_attempts + 1, updated_at = now()
         WHERE id = $1 AND step_seq = $2",
        id,
        step_seq
    )
    .execute(conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Exchange ids already recorded by any payout (an exchange found by lookup is adopted only if no
/// payout holds it).
pub async fn exchange_taken(conn: &mut PgConnection, exchange_id: &str) -> Result<bool, sqlx::Error> {
    let taken = sqlx::query_scalar!(
        r#"SELECT EXISTS (SELECT 1 FROM payouts WHERE exchange_id = $1) AS "taken!""#,
        exchange_id
    )
    .fetch_one(conn)
    .await?;
    Ok(taken)
}

/// Payouts whose host wallet transfer is being sent, confirmed, or waits for funds, oldest first.
pub async fn with_transfer_in_flight(conn: &mut PgConnection) -> Result<Vec<PayoutRow>, sqlx::Error> {
    let rows = sqlx::query_as!(
        RawPayout,
        "SELECT * FROM payouts WHERE status IN ('sending', 'needs_funds', 'confirming') ORDER BY updated_at LIMIT 500"
    )
    .fetch_all(conn)
    .await?;
    all(rows, PayoutRow::try_from)
}

/// The channel's batch that is under way or stopped for the operator (at most one at a time).
pub async fn open_batch(conn: &mut PgConnection, channel_id: Uuid) -> Result<Option<PayoutRow>, sqlx::Error> {
    let raw = sqlx::query_as!(
        RawPayout,
        "SELECT * FROM payouts
         WHERE purpose = 'batch' AND channel_id = $1
           AND status IN ('quoting', 'creating_exchange', 'sending', 'needs_funds', 'confirming', 'exchanging',
                          'needs_attention')
         ORDER BY created_at DESC LIMIT 1",
        channel_id
    )
    .fetch_optional(conn)
    .await?;
    raw.map(PayoutRow::try_from).transpose()
}

/// The channel's newest finished batch (completed, failed, refunded, expired or cancelled).
pub async fn last_batch(conn: &mut PgConnection, channel_id: Uuid) -> Result<Option<PayoutRow>, sqlx::Error> {
    let raw = sqlx::query_as!(
        RawPayout,
        "SELECT * FROM payouts
         WHERE purpose = 'batch' AND channel_id = $1
           AND status IN ('completed', 'failed', 'refunded', 'expired', 'cancelled')
         ORDER BY created_at DESC LIMIT 1",
        channel_id
    )
    .fetch_optional(conn)
    .await?;
    raw.map(PayoutRow::try_from).transpose()
}

/// The payments whose entries batch `batch_id` paid are paid out.
pub async fn mark_batch_payments_paid(conn: &mut PgConnection, batch_id: Uuid) -> Result<(), sqlx::Error> {
    sqlx::query!(
        "UPDATE payments SET payout_status = 'paid_out'
         WHERE id IN (SELECT payment_id FROM accumulation_entries WHERE batch_id = $1)",
        batch_id
    )
    .execute(conn)
    .await?;
    Ok(())
}
