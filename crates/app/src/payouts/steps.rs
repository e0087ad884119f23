//! One step of a payout per state, and the host wallet steps: send, wait for funds, confirm.

use paygate_db::payouts::PayoutRow;
use paygate_domain::{
    host_wallet::{TransferId, TransferRequest, TransferStatus, TxHash},
    money::{Amount, Asset},
    status::{PayoutKind, PayoutState},
    wallet::{Network, WalletAddress},
};

use crate::{
    App,
    owners::notify::OwnerEvent,
    payouts::{
        progress::{Effect, Outcome, StepError},
        swap_steps,
    },
};

/// Runs the step for the payout's current state.
pub async fn run(app: &App, row: &PayoutRow) -> Result<Outcome, StepError> {
    let row = row.clone();
    match row.status {
        PayoutState::Quoting => swap_steps::quote(app, row).await,
        PayoutState::CreatingExchange => swap_steps::create_exchange(app, row).await,
        PayoutState::Sending => send(app, row).await,
        PayoutState::NeedsFunds => wait_for_funds(app, row).await,
        PayoutState::Confirming => confirm(app, row).await,
        PayoutState::Exchanging => swap_steps::follow_exchange(app, row).await,
        PayoutState::Completed
        | PayoutState::Accumulated
        | PayoutState::Failed
        | PayoutState::Refunded
        | PayoutState::Expired
        | PayoutState::NeedsAttention
        | PayoutState::Cancelled => Err(StepError::Fatal(format!("no step runs in {}", row.status))),
    }
}

/// The owner share as an amount of its settlement asset.
pub(crate) fn source_amount(row: &PayoutRow) -> Result<Amount, StepError> {
    let asset = Asset::parse(&row.source_code, &row.source_network)
        .map_err(|error| StepError::Fatal(format!("source asset: {error}")))?;
    Amount::new(row.source_amount, asset).map_err(|error| StepError::Fatal(format!("source amount: {error}")))
}

/// Records the host wallet transfer (once per payout, under its reference) and broadcasts it.
async fn send(app: &App, mut row: PayoutRow) -> Result<Outcome, StepError> {
    let id = match row.transfer_id {
        Some(id) => TransferId::from_uuid(id),
        None => {
            let raw_to = match row.kind {
                PayoutKind::Direct => row.dest_address.clone(),
                PayoutKind::Swap => {
                    if row.payin_extra_id.as_deref().is_some_and(|extra| !extra.trim().is_empty()) {
                        return Err(StepError::Fatal(
                            "the exchange asks for a deposit memo, which an Ethereum transfer cannot carry"
                                .into(),
                        ));
                    }
                    row.payin_address.clone().ok_or_else(|| StepError::Fatal("no pay-in address".into()))?
                }
            };
            let to = WalletAddress::parse(Network::Eth, &raw_to).map_err(|error| {
                StepError::Fatal(format!("destination {raw_to} is not an Ethereum address: {error}"))
            })?;
            let request = TransferRequest {
                reference: format!("payout:{}:deposit", row.id),
                to,
                amount: source_amount(&row)?,
            };
            let id = app.wallet.prepare_transfer(&request).await?;
            row.transfer_id = Some(id.as_uuid());
            id
        }
    };
    let status = app.wallet.send(id).await?;
    Ok(after_transfer(app, row, status, true))
}

/// A payout short of funds checks the wallet again; once it can pay, it sends.
async fn wait_for_funds(app: &App, row: PayoutRow) -> Result<Outcome, StepError> {
    let Some(id) = row.transfer_id else {
        return Ok(Outcome::to(row, PayoutState::Sending, "no transfer recorded yet"));
    };
    let status = app.wallet.status(TransferId::from_uuid(id)).await?;
    Ok(after_transfer(app, row, status, false))
}

/// Follows the broadcast transfer until it has its confirmations.
async fn confirm(app: &App, row: PayoutRow) -> Result<Outcome, StepError> {
    let id = row.transfer_id.ok_or_else(|| StepError::Fatal("confirming without a transfer".into()))?;
    let status = app.wallet.status(TransferId::from_uuid(id)).await?;
    Ok(after_transfer(app, row, status, false))
}

fn remember(row: &mut PayoutRow, hashes: &[&TxHash]) -> bool {
    let mut new = false;
    for hash in hashes {
        if !row.deposit_hashes.iter().any(|known| known == hash.as_str()) {
            row.deposit_hashes.push(hash.as_str().to_owned());
            new = true;
        }
    }
    new
}

/// The payout's next state from what the host wallet says about its transfer.
fn after_transfer(app: &App, mut row: PayoutRow, status: TransferStatus, just_sent: bool) -> Outcome {
    let poll = app.settings.payout_poll_interval;
    match status {
        TransferStatus::Prepared => Outcome::to(row, PayoutState::Sending, "host wallet can pay: sending"),
        TransferStatus::NeedsFunds { needed, available } => {
            let first = row.status != PayoutState::NeedsFunds;
            let line = format!("host wallet short: needs {needed:?}, has {available:?}");
            let mut outcome = if first {
                tracing::error!(
                    kind = "wallet",
                    ?needed,
                    ?available,
                    "🏦 host wallet needs funds: payout waits until it is topped up (operator: fund the wallet)"
                );
                row.funds_alerted_at.get_or_insert_with(chrono::Utc::now);
                Outcome::to(row, PayoutState::NeedsFunds, line)
            } else {
                Outcome::wait(row, poll, None)
            };
            outcome.delay = Some(poll);
            outcome
        }
        TransferStatus::Signed { hash, .. } => {
            remember(&mut row, &[&hash]);
            Outcome::to(row, PayoutState::Confirming, format!("signed {hash}")).after(poll)
        }
        TransferStatus::Broadcast { hashes, .. } => {
            let refs: Vec<&TxHash> = hashes.iter().collect();
            let new = remember(&mut row, &refs);
            if just_sent || row.status != PayoutState::Confirming {
                let line = format!("broadcast {}", row.deposit_hashes.join(", "));
                Outcome::to(row, PayoutState::Confirming, line).after(poll)
            } else {
                let line = new.then(|| format!("replaced: candidates {}", row.deposit_hashes.join(", ")));
                Outcome::wait(row, poll, line)
            }
        }
        TransferStatus::Mined { hash, confirmations, .. } => {
            remember(&mut row, &[&hash]);
            let line = format!("mined {hash}, {confirmations} confirmation(s)");
            if row.status == PayoutState::Confirming {
                Outcome::wait(row, poll, None)
            } else {
                Outcome::to(row, PayoutState::Confirming, line).after(poll)
            }
        }
        TransferStatus::Confirmed { hash, block } => {
            remember(&mut row, &[&hash]);
            match row.kind {
                PayoutKind::Direct => {
                    row.received_amount = Some(row.source_amount);
                    row.payout_hash = Some(hash.as_str().to_owned());
                    row.completed_at = Some(chrono::Utc::now());
                    tracing::info!(kind = "wallet", %hash, block, "🏦 direct payout confirmed");
                    let event = OwnerEvent::PayoutCompleted {
                        amount: row.source_amount,
                        currency: row.source_code.clone(),
                        tx_hash: hash.as_str().to_owned(),
                    };
                    Outcome::to(row, PayoutState::Completed, format!("confirmed {hash} in block {block}"))
                        .with(Effect::Completed)
                        .with(Effect::Owner(event))
                }
                PayoutKind::Swap => {
                    tracing::info!(kind = "wallet", %hash, block, "🏦 deposit to the exchange confirmed");
                    Outcome::to(
                        row,
                        PayoutState::Exchanging,
                        format!("deposit {hash} confirmed in block {block}"),
                    )
                    .after(poll)
                }
            }
        }
        TransferStatus::Failed { hash, reason, .. } => {
            remember(&mut row, &[&hash]);
            // Never re-sent by itself: the operator looks first.
            let reason = format!("transfer {hash} failed on chain: {reason}");
            let mut outcome =
                Outcome::to(row.clone(), PayoutState::NeedsAttention, format!("needs attention: {reason}"));
            outcome.row.resume_status = Some(row.status);
            outcome.row.failure_reason = Some(reason.clone());
            tracing::error!(kind = "wallet", %reason, "🏦 payout transfer failed on chain (operator decides)");
            outcome.with(Effect::Owner(OwnerEvent::ActionNeeded {
                what: format!("a payout could not be completed ({reason}); the operator has been told"),
            }))
        }
    }
}
