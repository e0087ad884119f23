//! The swap steps of a payout: quote and pair minimum, create (or find) the one exchange, follow it.

use chrono::Utc;
use paygate_db::payouts::PayoutRow;
use paygate_domain::{
    money::Asset,
    status::{PayoutPurpose, PayoutState},
    swap::{Exchange, ExchangeQuery, ExchangeStatus, NewExchange, RateFlow, SwapPair},
    wallet::{ExtraId, Network, WalletAddress},
};

use crate::{
    App,
    owners::notify::OwnerEvent,
    payouts::{
        progress::{Effect, Outcome, StepError},
        steps::source_amount,
    },
};

fn dest_asset(row: &PayoutRow) -> Result<Asset, StepError> {
    Asset::parse(&row.dest_code, &row.dest_network)
        .map_err(|error| StepError::Fatal(format!("payout asset: {error}")))
}

fn pair(row: &PayoutRow) -> Result<SwapPair, StepError> {
    let from = source_amount(row)?.asset();
    SwapPair::new(from, dest_asset(row)?).ok_or_else(|| StepError::Fatal("a swap to the same asset".into()))
}

fn dest_wallet(row: &PayoutRow) -> Result<(WalletAddress, Option<ExtraId>), StepError> {
    let network = Network::from_code(&row.dest_network)
        .ok_or_else(|| StepError::Fatal(format!("unknown payout network {}", row.dest_network)))?;
    let address = WalletAddress::parse(network, &row.dest_address)
        .map_err(|error| StepError::Fatal(format!("owner wallet: {error}")))?;
    let extra = ExtraId::parse_optional(network, row.dest_extra_id.as_deref())
        .map_err(|error| StepError::Fatal(format!("owner extra id: {error}")))?;
    Ok((address, extra))
}

/// Pair minimum first: below it the share goes to the owner's accumulation (never to a swap that
/// would swallow it); otherwise a quote, then the exchange.
pub async fn quote(app: &App, mut row: PayoutRow) -> Result<Outcome, StepError> {
    let pair = pair(&row)?;
    let share = source_amount(&row)?;
    let minimum = app.swap.min_amount(pair, RateFlow::Standard).await?;
    row.min_amount = Some(minimum.min.value());
    if share.value() < minimum.min.value() && row.purpose != PayoutPurpose::Payment {
        return Err(StepError::Fatal(format!(
            "{} {} is below the pair minimum {}",
            share.value(),
            row.source_code,
            minimum.min.value()
        )));
    }
    if share.value() < minimum.min.value() {
        let line = format!(
            "share {} below the pair minimum {}: held for the next batch",
            share.value(),
            minimum.min.value()
        );
        tracing::info!(kind = "money", share = ?share, min = ?minimum.min, "💰 payout below the pair minimum: accumulated");
        return Ok(Outcome::to(row, PayoutState::Accumulated, line).with(Effect::Accumulate));
    }
    let quote = app.swap.estimate(share, pair.to(), RateFlow::Standard).await?;
    row.quoted_amount = Some(quote.to.value());
    let line = format!("quoted {} {} (minimum {})", quote.to.value(), row.dest_code, minimum.min.value());
    Ok(Outcome::to(row, PayoutState::CreatingExchange, line))
}

/// Creates the exchange, recording the intent first. After a call whose outcome is unknown, the
/// provider's list is searched before another create; only the exchange recorded here is funded.
pub async fn create_exchange(app: &App, mut row: PayoutRow) -> Result<Outcome, StepError> {
    if row.exchange_id.is_some() {
        return Ok(Outcome::to(row, PayoutState::Sending, "exchange already recorded"));
    }
    let pair = pair(&row)?;
    let share = source_amount(&row)?;
    let (payout_address, payout_extra_id) = dest_wallet(&row)?;
    if let Some(attempted) = row.create_attempted_at
        && let Some(found) = find_created(app, &row, pair, &payout_address, attempted).await?
    {
        let line = format!("found exchange {} created by an earlier attempt", found.id);
        tracing::warn!(kind = "ids", exchange_id = %found.id, "adopting the exchange a timed-out create made");
        adopt(&mut row, found.id.as_str(), &found.payin_address, found.payin_extra_id.as_deref());
        return Ok(Outcome::to(row, PayoutState::Sending, line));
    }
    let request =
        NewExchange::new(share, pair.to(), payout_address, payout_extra_id, app.wallet.address(), None)?;
    {
        let mut conn = app.pool.acquire().await?;
        if !paygate_db::payouts::record_create_attempt(&mut conn, row.id, row.step_seq).await? {
            return Err(StepError::retry("payout moved on before the exchange was created"));
        }
    }
    row.create_attempted_at = row.create_attempted_at.or_else(|| Some(Utc::now()));
    row.create_attempts += 1;
    let created = app.swap.create_exchange(&request).await?;
    // Fund only what was asked for: the owner's wallet, exactly the share.
    let same_address = created.payout_address.eq_ignore_ascii_case(request.payout_address().as_str());
    if !same_address || created.from_amount != share {
        return Err(StepError::Fatal(format!(
            "exchange {} reports payout address {} and amount {}, not what was asked: not funded",
            created.id,
            created.payout_address,
            created.from_amount.value()
        )));
    }
    tracing::info!(kind = "ids", exchange_id = %created.id, payin = %created.payin_address, "exchange created");
    let line = format!("exchange {} created; deposit to {}", created.id, created.payin_address);
    adopt(&mut row, created.id.as_str(), &created.payin_address, created.payin_extra_id.as_deref());
    Ok(Outcome::to(row, PayoutState::Sending, line))
}

fn adopt(row: &mut PayoutRow, id: &str, payin: &str, payin_extra: Option<&str>) {
    row.exchange_id = Some(id.to_owned());
    row.exchange_status = Some("new".to_owned());
    row.payin_address = Some(payin.to_owned());
    row.payin_extra_id = payin_extra.filter(|extra| !extra.trim().is_empty()).map(str::to_owned);
}

/// An exchange for this payout that an earlier create call made: same pair, same payout address
/// and extra id, exactly the share, created around the attempt, and held by no other payout.
async fn find_created(
    app: &App,
    row: &PayoutRow,
    pair: SwapPair,
    payout_address: &WalletAddress,
    attempted: chrono::DateTime<Utc>,
) -> Result<Option<Exchange>, StepError> {
    let pad = chrono::Duration::minutes(10);
    let query = ExchangeQuery {
        pair,
        payout_address: payout_address.clone(),
        created_after: attempted - pad,
        created_before: Utc::now() + pad,
    };
    let mut found = app.swap.find_exchanges(&query).await?;
    found.sort_by_key(|exchange| exchange.created_at);
    let share = row.source_amount;
    let mut conn = app.pool.acquire().await?;
    for exchange in found {
        let amount = exchange.expected_from.map(|amount| amount.value());
        let extra_matches = exchange.payout_extra_id.as_deref().filter(|e| !e.is_empty())
            == row.dest_extra_id.as_deref().filter(|e| !e.is_empty());
        if amount == Some(share)
            && extra_matches
            && exchange.payout_address.eq_ignore_ascii_case(payout_address.as_str())
            && !paygate_db::payouts::exchange_taken(&mut conn, exchange.id.as_str()).await?
        {
            return Ok(Some(exchange));
        }
    }
    Ok(None)
}

/// Polls the exchange until it is final: finished pays the owner; failed, refunded and expired stop
/// for the operator (never re-sent by themselves); an unknown status is kept and alerted.
pub async fn follow_exchange(app: &App, mut row: PayoutRow) -> Result<Outcome, StepError> {
    let poll = app.settings.payout_poll_interval;
    let id = row.exchange_id.as_deref().and_then(paygate_domain::swap::ExchangeId::parse);
    let id = id.ok_or_else(|| StepError::Fatal("exchanging without an exchange id".into()))?;
    let exchange = app.swap.exchange_by_id(&id).await?;
    let text = status_text(&exchange.status);
    let changed = row.exchange_status.as_deref() != Some(text.as_str());
    row.exchange_status = Some(text.clone());
    let title = row.dest_code.clone();
    let stop = |mut row: PayoutRow, state: PayoutState, reason: String| {
        tracing::error!(kind = "money", exchange_id = %id, status = %text, "💰 exchange ended without paying the owner (operator decides)");
        row.failure_reason = Some(reason.clone());
        let what =
            format!("the exchange of a payout ended as {text}; the operator has been told and will decide");
        Outcome::to(row, state, reason)
            .with(Effect::Stopped)
            .with(Effect::Owner(OwnerEvent::ActionNeeded { what }))
    };
    match &exchange.status {
        ExchangeStatus::Finished => {
            let Some(received) = exchange.amount_to else {
                return Err(StepError::retry("exchange finished without the amount paid out yet"));
            };
            row.received_amount = Some(received.value());
            row.payout_hash = exchange.payout_hash.clone();
            row.completed_at = Some(Utc::now());
            let hash = exchange.payout_hash.clone().unwrap_or_default();
            tracing::info!(kind = "money", exchange_id = %id, received = ?received, "💰 swap payout completed");
            let event = OwnerEvent::PayoutCompleted {
                amount: received.value(),
                currency: title,
                tx_hash: hash.clone(),
            };
            let line = format!("exchange finished: {} {} paid out ({hash})", received.value(), row.dest_code);
            Ok(Outcome::to(row, PayoutState::Completed, line)
                .with(Effect::Completed)
                .with(Effect::Owner(event)))
        }
        ExchangeStatus::Failed => Ok(stop(row, PayoutState::Failed, "exchange failed".into())),
        ExchangeStatus::Refunded => {
            let refund = exchange.refund_hash.clone().unwrap_or_default();
            Ok(stop(row, PayoutState::Refunded, format!("exchange refunded to the host wallet ({refund})")))
        }
        ExchangeStatus::Expired => Ok(stop(row, PayoutState::Expired, "exchange expired".into())),
        ExchangeStatus::Unknown(status) => {
            tracing::error!(kind = "money", exchange_id = %id, %status, "💰 unknown exchange status; still following (operator: check the provider)");
            Ok(Outcome::wait(
                row,
                poll,
                changed.then(|| format!("exchange status {status} (unknown to Paygate)")),
            ))
        }
        ExchangeStatus::New
        | ExchangeStatus::Waiting
        | ExchangeStatus::Confirming
        | ExchangeStatus::Exchanging
        | ExchangeStatus::Sending
        | ExchangeStatus::Verifying => {
            Ok(Outcome::wait(row, poll, changed.then(|| format!("exchange status {text}"))))
        }
    }
}

fn status_text(status: &ExchangeStatus) -> String {
    match status {
        ExchangeStatus::New => "new".into(),
        ExchangeStatus::Waiting => "waiting".into(),
        ExchangeStatus::Confirming => "confirming".into(),
        ExchangeStatus::Exchanging => "exchanging".into(),
        ExchangeStatus::Sending => "sending".into(),
        ExchangeStatus::Finished => "finished".into(),
        ExchangeStatus::Failed => "failed".into(),
        ExchangeStatus::Refunded => "refunded".into(),
        ExchangeStatus::Verifying => "verifying".into(),
        ExchangeStatus::Expired => "expired".into(),
        ExchangeStatus::Unknown(other) => other.clone(),
    }
}
