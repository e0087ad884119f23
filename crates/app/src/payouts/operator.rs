//! Operator payout controls: the attention queue with retry and cancel, the host wallet, conservation.

use paygate_db::conservation::ConservationLine;
use paygate_domain::status::PayoutState;
use rust_decimal::Decimal;
use serde::Serialize;
use uuid::Uuid;

use crate::{
    App, AppError, AppResult,
    payouts::{
        job,
        views::{MoneyView, PayoutList, PayoutView, load},
    },
};

/// Payouts that need the operator (needs attention, failed, refunded, expired) or wait for funds.
pub async fn attention(app: &App) -> AppResult<PayoutList> {
    let mut conn = app.pool.acquire().await?;
    let rows = paygate_db::payouts::needing_operator(&mut conn, 500).await?;
    Ok(PayoutList { payouts: load(&mut conn, rows).await? })
}

async fn one(app: &App, id: Uuid) -> AppResult<PayoutView> {
    let mut conn = app.pool.acquire().await?;
    let row = paygate_db::payouts::get(&mut conn, id).await?.ok_or(AppError::NotFound)?;
    load(&mut conn, vec![row]).await?.pop().ok_or(AppError::NotFound)
}

/// Resumes a payout that needs attention from the step where it stopped. Completed or idempotent
/// steps are not repeated: the resumed step looks up what exists before doing anything.
pub async fn retry(app: &App, operator: Uuid, id: Uuid) -> AppResult<PayoutView> {
    let mut tx = app.pool.begin().await?;
    let mut row = paygate_db::payouts::lock(&mut tx, id).await?.ok_or(AppError::NotFound)?;
    let (PayoutState::NeedsAttention, Some(resume)) = (row.status, row.resume_status) else {
        return Err(AppError::conflict(
            "payout_not_retryable",
            format!("only a payout that needs attention can be retried; this one is {}", row.status),
        ));
    };
    row.status = resume;
    row.resume_status = None;
    let seq = row.step_seq;
    if !paygate_db::payouts::save(&mut tx, &row).await? {
        return Err(AppError::conflict("payout_busy", "the payout changed meanwhile; try again"));
    }
    let line =
        format!("retried by operator {operator} (was: {})", row.failure_reason.as_deref().unwrap_or("-"));
    paygate_db::payouts::insert_step(&mut tx, id, resume, &line).await?;
    job::enqueue_step(&mut tx, id, seq + 1, None).await?;
    tx.commit().await?;
    tracing::warn!(kind = "money", payout_id = %id, %operator, resume = resume.as_str(), "💰 payout retried by the operator");
    one(app, id).await
}

/// Stops a payout for good; its share is then held for the operator. A payout whose transfer is on
/// its way (broadcast, not yet confirmed) cannot be cancelled: the chain decides first.
pub async fn cancel(app: &App, operator: Uuid, id: Uuid) -> AppResult<PayoutView> {
    let mut tx = app.pool.begin().await?;
    let mut row = paygate_db::payouts::lock(&mut tx, id).await?.ok_or(AppError::NotFound)?;
    let stopped = row.status.needs_operator() || row.status == PayoutState::NeedsFunds;
    if !stopped {
        return Err(AppError::conflict(
            "payout_not_cancellable",
            format!(
                "only a payout that needs attention or funds can be cancelled; this one is {}",
                row.status
            ),
        ));
    }
    let in_flight = row.resume_status == Some(PayoutState::Confirming)
        || (row.status == PayoutState::NeedsAttention
            && row.resume_status == Some(PayoutState::Sending)
            && !row.deposit_hashes.is_empty());
    if in_flight {
        return Err(AppError::conflict(
            "transfer_in_flight",
            "the host wallet transfer of this payout is broadcast and not final; wait for the chain",
        ));
    }
    row.status = PayoutState::Cancelled;
    row.resume_status = None;
    if !paygate_db::payouts::save(&mut tx, &row).await? {
        return Err(AppError::conflict("payout_busy", "the payout changed meanwhile; try again"));
    }
    paygate_db::payouts::insert_step(
        &mut tx,
        id,
        PayoutState::Cancelled,
        &format!("cancelled by operator {operator}"),
    )
    .await?;
    let reason = format!("payout {id} cancelled by operator {operator}");
    crate::payouts::threshold::cancelled(&mut tx, &row, &reason).await?;
    tx.commit().await?;
    tracing::warn!(kind = "money", payout_id = %id, %operator, "💰 payout cancelled by the operator; share on hold");
    one(app, id).await
}

/// The host wallet as the operator sees it.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct WalletOverview {
    pub address: String,
    /// `live` (a real chain) or `sandbox`.
    pub mode: String,
    pub balances: Vec<MoneyView>,
    /// Set when the node could not be asked.
    pub balance_error: Option<String>,
    /// Payouts whose transfer is being sent or confirmed, or waits for funds.
    pub in_flight: Vec<InFlightTransfer>,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct InFlightTransfer {
    pub payout_id: Uuid,
    pub status: PayoutState,
    pub amount: MoneyView,
    pub to: String,
    pub hashes: Vec<String>,
    pub since: chrono::DateTime<chrono::Utc>,
}

pub async fn wallet(app: &App) -> AppResult<WalletOverview> {
    let (balances, balance_error) = match app.wallet.balances().await {
        Ok(b) => (
            [b.eth, b.usdt]
                .iter()
                .map(|amount| MoneyView {
                    amount: amount.value().normalize(),
                    currency: amount.asset().code().to_owned(),
                    network: amount.asset().network().to_owned(),
                })
                .collect(),
            None,
        ),
        Err(error) => (Vec::new(), Some(error.to_string())),
    };
    let mut conn = app.pool.acquire().await?;
    let rows = paygate_db::payouts::with_transfer_in_flight(&mut conn).await?;
    let in_flight = rows
        .into_iter()
        .map(|row| InFlightTransfer {
            payout_id: row.id,
            status: row.status,
            amount: MoneyView {
                amount: row.source_amount.normalize(),
                currency: row.source_code.clone(),
                network: row.source_network.clone(),
            },
            to: row.payin_address.clone().unwrap_or_else(|| row.dest_address.clone()),
            hashes: row.deposit_hashes.clone(),
            since: row.updated_at,
        })
        .collect();
    Ok(WalletOverview {
        address: app.wallet.address().as_str().to_owned(),
        mode: if app.wallet.is_live() { "live" } else { "sandbox" }.to_owned(),
        balances,
        balance_error,
        in_flight,
    })
}

/// The conservation check: per owner and currency, and every routing rule broken.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Conservation {
    /// True when every line balances and no rule is broken.
    pub holds: bool,
    pub lines: Vec<ConservationView>,
    pub violations: Vec<Violation>,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct ConservationView {
    pub owner_id: Uuid,
    pub currency: String,
    #[schema(value_type = String)]
    pub owner_shares: Decimal,
    #[schema(value_type = String)]
    pub paid_out: Decimal,
    #[schema(value_type = String)]
    pub accumulated: Decimal,
    #[schema(value_type = String)]
    pub in_flight: Decimal,
    #[schema(value_type = String)]
    pub held: Decimal,
    #[schema(value_type = String)]
    pub unaccounted: Decimal,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Violation {
    pub rule: String,
    pub id: String,
}

pub async fn conservation(app: &App) -> AppResult<Conservation> {
    let mut conn = app.pool.acquire().await?;
    let lines = paygate_db::conservation::lines(&mut conn).await?;
    let violations: Vec<Violation> = paygate_db::conservation::routing_violations(&mut conn)
        .await?
        .into_iter()
        .map(|(rule, id)| Violation { rule, id })
        .collect();
    let holds = violations.is_empty() && lines.iter().all(|line| line.unaccounted.is_zero());
    let lines = lines
        .into_iter()
        .map(|l: ConservationLine| ConservationView {
            owner_id: l.owner_id,
            currency: l.currency,
            owner_shares: l.owner_shares.normalize(),
            paid_out: l.paid_out.normalize(),
            accumulated: l.accumulated.normalize(),
            in_flight: l.in_flight.normalize(),
            held: l.held.normalize(),
            unaccounted: l.unaccounted.normalize(),
        })
        .collect();
    Ok(Conservation { holds, lines, violations })
}

/// Refreshes the payout gauges before a metrics scrape: `paygate_payouts{state}` and
/// `paygate_host_wallet_balance{asset}` (skipped when the node does not answer).
pub async fn refresh_gauges(app: &App) {
    if let Ok(mut conn) = app.pool.acquire().await
        && let Ok(counts) = paygate_db::payouts::count_by_state(&mut conn).await
    {
        for state in paygate_domain::status::PayoutState::ALL {
            let count = counts.iter().find(|(name, _)| name == state.as_str()).map_or(0, |(_, n)| *n);
            metrics::gauge!("paygate_payouts", "state" => state.as_str()).set(count as f64);
        }
    }
    let balances = tokio::time::timeout(std::time::Duration::from_secs(2), app.wallet.balances()).await;
    if let Ok(Ok(balances)) = balances {
        for amount in [balances.eth, balances.usdt] {
            let asset = format!("{}/{}", amount.asset().code(), amount.asset().network());
            let value = amount.value().to_string().parse::<f64>().unwrap_or(f64::NAN);
            metrics::gauge!("paygate_host_wallet_balance", "asset" => asset).set(value);
        }
    }
}
