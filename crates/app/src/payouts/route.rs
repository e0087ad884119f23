//! Routing a recorded owner share: a payout for an instant channel, an accumulation entry for a threshold one.

use paygate_domain::{
    money::{Amount, Asset},
    status::{EntryReason, EntryStatus, PayoutKind, PayoutPurpose, PayoutState, PayoutStatus},
};
use sqlx::PgConnection;
use uuid::Uuid;

use crate::{AppError, AppResult, payouts::job};

/// Where a share went.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Routed {
    Payout(Uuid),
    Accumulated(Uuid),
}

/// Routes the owner share of payment `payment_id` in the caller's transaction (the one that records
/// the payment): the payout settings are snapshotted now; a later wallet change does not apply.
pub async fn route_share(
    conn: &mut PgConnection,
    payment_id: Uuid,
    channel_id: Uuid,
    share: Amount,
) -> AppResult<Option<Routed>> {
    if share.is_zero() {
        return Ok(None);
    }
    let settings = paygate_db::payouts::channel_settings(conn, channel_id)
        .await?
        .ok_or_else(|| AppError::Internal(anyhow::anyhow!("payment {payment_id} names no channel")))?;
    let source = share.asset();
    let routed = if settings.strategy == "threshold" {
        let id = Uuid::now_v7();
        // A USDT settlement is locked at once; anything else waits for a grouped conversion.
        let locked = source == Asset::USDT_ERC20;
        let entry = paygate_db::accumulation::NewEntry {
            id,
            channel_id,
            owner_id: settings.owner_id,
            payment_id,
            payout_id: None,
            reason: EntryReason::Threshold,
            source_amount: share.value(),
            source_code: source.code(),
            source_network: source.network(),
            status: if locked { EntryStatus::Converted } else { EntryStatus::PendingConversion },
            usdt_amount: locked.then(|| share.value()),
        };
        paygate_db::accumulation::insert_once(conn, &entry).await?;
        paygate_db::payments::set_payout_status(conn, payment_id, PayoutStatus::Accumulated).await?;
        tracing::info!(kind = "money", %payment_id, entry_id = %id, share = ?share, "💰 owner share held for the threshold batch");
        Routed::Accumulated(id)
    } else {
        let dest = Asset::parse(&settings.currency, &settings.network).map_err(|error| {
            AppError::Internal(anyhow::anyhow!("channel {channel_id} pays out in an unknown asset: {error}"))
        })?;
        let kind = if dest == source { PayoutKind::Direct } else { PayoutKind::Swap };
        let id = Uuid::now_v7();
        let status = match kind {
            PayoutKind::Direct => PayoutState::Sending,
            PayoutKind::Swap => PayoutState::Quoting,
        };
        let new = paygate_db::payouts::NewPayout {
            id,
            purpose: PayoutPurpose::Payment,
            payment_id: Some(payment_id),
            channel_id: Some(channel_id),
            owner_id: Some(settings.owner_id),
            kind,
            status,
            source_amount: share.value(),
            source_code: source.code(),
            source_network: source.network(),
            dest_address: &settings.wallet_address,
            dest_extra_id: settings.extra_id.as_deref(),
            dest_code: dest.code(),
            dest_network: dest.network(),
        };
        if !paygate_db::payouts::insert_once(conn, &new).await? {
            return Ok(None);
        }
        paygate_db::payouts::insert_step(conn, id, status, "payout created").await?;
        paygate_db::payments::set_payout_status(conn, payment_id, PayoutStatus::InPayout).await?;
        job::enqueue_step(conn, id, 0, None).await?;
        tracing::info!(kind = "money", %payment_id, payout_id = %id, share = ?share, dest = ?dest,
            kind_of_payout = kind.as_str(), "💰 payout created");
        Routed::Payout(id)
    };
    Ok(Some(routed))
}
