//! Payment intake: every provider status report (IPN or poll) lands here; `finished` acts exactly once.

use chrono::Utc;
use paygate_domain::{
    channel::TierLevel,
    payment_gateway::{PaymentStatus, PaymentUpdate, UnreadableReport},
    payment_rules::settle,
    status::{InvoiceStatus, OfferKind, PayoutStatus},
};
use sqlx::PgConnection;
use uuid::Uuid;

use crate::{
    App, AppResult,
    messages::notify,
    messages::texts,
    owners::notify::{self as owner_notify, OwnerEvent},
    subscribers::invites::{IssueInvite, invite_mode},
    subscribers::payment_verdict::{HoldKind, Verdict, judge},
};

/// Where a status report came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Source {
    Ipn,
    Poll,
}

impl Source {
    fn as_str(self) -> &'static str {
        match self {
            Self::Ipn => "ipn",
            Self::Poll => "poll",
        }
    }
}

/// What a report changed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// Not for one of our invoices (kept in the event log only).
    UnknownInvoice,
    /// A non-final or non-`finished` status was stored.
    StatusRecorded,
    /// This payment was recorded before: nothing changed.
    Duplicate,
    /// First `finished` report: payment recorded, access granted, follow-up work enqueued.
    Accepted,
    /// First `finished` report, but short of the price: no access, subscriber told.
    Underpaid,
    /// First `finished` report, held for the operator with a reason (amount unknown, mismatch with
    /// the invoice, extra deposit): no access.
    Held,
    /// Correctly signed but unreadable: stored as received, nothing else changed.
    Unreadable,
}

/// Applies one report in one transaction: the event is stored, the invoice status updated, and on
/// the first `finished` the payment, subscription, invite and messages are recorded together.
#[tracing::instrument(skip(app, update), fields(payment_id = %update.provider_payment_id, status = update.status.as_str()))]
pub async fn apply_update(app: &App, update: &PaymentUpdate, source: Source) -> AppResult<Outcome> {
    let invoice_id = update.order_id.as_deref().and_then(|id| Uuid::parse_str(id).ok());
    let mut tx = app.pool.begin().await?;
    // Locking the invoice serialises concurrent deliveries of the same payment.
    let invoice = match invoice_id {
        Some(id) => paygate_db::invoices::lock(&mut tx, id).await?,
        None => None,
    };
    let status = update.status.as_str();
    paygate_db::invoices::insert_event(
        &mut tx,
        invoice.as_ref().map(|i| i.id),
        &update.provider_payment_id,
        status,
        source.as_str(),
        &update.raw,
    )
    .await?;
    let Some(invoice) = invoice else {
        tx.commit().await?;
        tracing::warn!(kind = "warning", order_id = ?update.order_id, "payment report for an unknown invoice");
        return Ok(Outcome::UnknownInvoice);
    };
    if update.status != PaymentStatus::Finished {
        let next_check = (!update.status.is_final()).then(|| Utc::now() + chrono::Duration::minutes(2));
        paygate_db::invoices::set_status(
            &mut tx,
            invoice.id,
            InvoiceStatus::from(update.status),
            &update.provider_payment_id,
            next_check,
        )
        .await?;
        tx.commit().await?;
        tracing::info!(kind = "status", invoice_id = %invoice.id, "payment status recorded");
        return Ok(Outcome::StatusRecorded);
    }
    let outcome = record_finished(app, &mut tx, &invoice, update).await?;
    tx.commit().await?;
    Ok(outcome)
}

/// Stores a correctly signed notification that could not be read (linked to its invoice when its
/// `order_id` names one), for the operator; nothing else changes.
#[tracing::instrument(skip_all, fields(payment_id = ?report.provider_payment_id, status = ?report.status))]
pub async fn record_unreadable(app: &App, report: &UnreadableReport) -> AppResult<Outcome> {
    let mut conn = app.pool.acquire().await?;
    let invoice = match report.order_id.as_deref().and_then(|id| Uuid::parse_str(id).ok()) {
        Some(id) => paygate_db::invoices::get(&mut conn, id).await?.map(|invoice| invoice.id),
        None => None,
    };
    paygate_db::invoices::insert_unreadable_event(
        &mut conn,
        invoice,
        report.provider_payment_id.as_deref().unwrap_or_default(),
        report.status.as_deref().unwrap_or("unreadable"),
        &report.raw,
        &report.error,
    )
    .await?;
    tracing::warn!(kind = "warning", invoice_id = ?invoice, error = %report.error,
        "signed payment notification could not be read; stored for the operator");
    Ok(Outcome::Unreadable)
}

async fn record_finished(
    app: &App,
    tx: &mut PgConnection,
    invoice: &paygate_db::invoices::InvoiceRow,
    update: &PaymentUpdate,
) -> AppResult<Outcome> {
    let verdict = judge(app, tx, invoice, update).await?;
    let settlement = settle(update, app.settings.fee_percent);
    let mut hold_reason = verdict.hold_reason();
    if let (Err(problem), None) = (&settlement, &hold_reason) {
        // Without an exact settled amount there is nothing to pay out: an operator must look.
        tracing::error!(kind = "money", invoice_id = %invoice.id, %problem, "finished payment without a usable settlement; payout on hold");
        hold_reason = Some(format!("settlement unusable: {problem}"));
    }
    let split = settlement.as_ref().ok();
    let settled_currency = split.map(|s| s.owner_share.asset().code());
    let payout_status =
        if hold_reason.is_some() { PayoutStatus::OnHold } else { PayoutStatus::AwaitingPayout };
    let payment_id = Uuid::now_v7();
    let new = paygate_db::payments::NewPayment {
        id: payment_id,
        invoice_id: invoice.id,
        provider_payment_id: &update.provider_payment_id,
        channel_id: invoice.channel_id,
        telegram_user_id: invoice.telegram_user_id,
        kind: invoice.kind,
        verdict: verdict.stored(),
        price_usd: invoice.price_usd,
        paid_usd: verdict.paid_usd(),
        outcome_amount: split.map(|s| s.fee.value() + s.owner_share.value()),
        outcome_currency: split.map(|_| {
            update.outcome_currency.as_deref().or(update.pay_currency.as_deref()).unwrap_or_default()
        }),
        fee_percent: app.settings.fee_percent,
        platform_fee: split.map(|s| s.fee.value()),
        owner_share: split.map(|s| s.owner_share.value()),
        payout_status,
        hold_reason: hold_reason.as_deref(),
        parent_payment_id: update.parent_payment_id.as_deref(),
    };
    if !paygate_db::payments::insert_once(tx, &new).await? {
        tracing::info!(kind = "ids", invoice_id = %invoice.id, "duplicate finished report ignored");
        return Ok(Outcome::Duplicate);
    }
    tracing::info!(kind = "money", invoice_id = %invoice.id, %payment_id, owner_share = ?split.map(|s| s.owner_share),
        fee = ?split.map(|s| s.fee), currency = ?settled_currency, verdict = verdict.as_str(), "payment recorded");
    let user = invoice.telegram_user_id;
    match &verdict {
        Verdict::Accepted { .. } => {
            // The owner share is routed in this same transaction: a payout or an accumulation entry.
            if let (Some(split), PayoutStatus::AwaitingPayout) = (split, payout_status) {
                crate::payouts::route::route_share(tx, payment_id, invoice.channel_id, split.owner_share)
                    .await?;
            }
        }
        Verdict::Underpaid { paid_usd, shortfall_usd } => {
            paygate_db::invoices::finalize(tx, invoice.id, InvoiceStatus::Underpaid).await?;
            let text = texts::underpaid(invoice.price_usd, *paid_usd, *shortfall_usd);
            notify::enqueue(tx, user, &text, vec![]).await?;
            return Ok(Outcome::Underpaid);
        }
        Verdict::Held { kind, reason } => {
            tracing::error!(kind = "money", invoice_id = %invoice.id, %payment_id, %reason, "payment on hold for the operator");
            match kind {
                HoldKind::AmountUnknown => {
                    paygate_db::invoices::finalize(tx, invoice.id, InvoiceStatus::OnHold).await?;
                    notify::enqueue(tx, user, &texts::payment_on_hold(), vec![]).await?;
                }
                HoldKind::ExtraDeposit => {
                    notify::enqueue(tx, user, &texts::extra_deposit_on_hold(), vec![]).await?;
                }
                // The genuine notification of this invoice may still come: the invoice stays open.
                HoldKind::Mismatch => {}
            }
            return Ok(Outcome::Held);
        }
    }
    paygate_db::invoices::finalize(tx, invoice.id, InvoiceStatus::Finished).await?;
    let offer = match invoice.kind {
        OfferKind::Subscription => {
            let (tier, days) = subscription_terms(invoice)?;
            grant_access(app, tx, invoice, tier, days, payment_id).await?;
            format!("{} {}", tier.emoji(), texts::duration(i64::from(days)))
        }
        OfferKind::Donation => {
            notify::enqueue(tx, user, &texts::donation_thanks(invoice.price_usd), vec![]).await?;
            OfferKind::Donation.as_str().to_owned()
        }
    };
    let username = paygate_db::subscribers::username(tx, user).await?;
    let event = OwnerEvent::PaymentReceived { offer, amount_usd: invoice.price_usd, username };
    owner_notify::enqueue(tx, invoice.channel_id, event).await?;
    Ok(Outcome::Accepted)
}

/// The tier and days a subscription invoice sells; a subscription invoice without them is an
/// error (the database forbids it), never a gold tier or zero days.
fn subscription_terms(invoice: &paygate_db::invoices::InvoiceRow) -> AppResult<(TierLevel, i32)> {
    match (invoice.tier_level, invoice.duration_days) {
        (Some(tier), Some(days)) => Ok((tier, days)),
        _ => Err(anyhow::anyhow!("subscription invoice {} has no tier level or duration", invoice.id).into()),
    }
}

/// Creates or extends the subscription from its current expiry and records the invite to issue.
async fn grant_access(
    app: &App,
    tx: &mut PgConnection,
    invoice: &paygate_db::invoices::InvoiceRow,
    tier: TierLevel,
    days: i32,
    payment_id: Uuid,
) -> AppResult<()> {
    let Some(offer) = paygate_db::offers::offer(tx, invoice.channel_id).await? else {
        // The channel was deleted after the invoice: the money is recorded; the operator must act.
        tracing::error!(kind = "error", invoice_id = %invoice.id, "paid invoice of a deleted channel");
        return Ok(());
    };
    // One statement extends from the current expiry (or now): concurrent purchases all count.
    let (subscription, expires_at) =
        paygate_db::subscriptions::extend(tx, invoice.channel_id, invoice.telegram_user_id, tier, days)
            .await?;
    let invite_id = Uuid::now_v7();
    let invite = paygate_db::invites::NewInvite {
        id: invite_id,
        subscription_id: subscription,
        payment_id: Some(payment_id),
        chat_id: offer.closed_chat_id,
        telegram_user_id: invoice.telegram_user_id,
        mode: invite_mode(app),
    };
    paygate_db::invites::insert(tx, &invite).await?;
    // The invite job sends the one message of this payment: link, channel, tier and expiry.
    paygate_jobs::enqueue(tx, &IssueInvite { invite_id }).await?;
    tracing::info!(kind = "user", %subscription, expires_at = %expires_at, "access granted");
    Ok(())
}
