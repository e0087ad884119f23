//! Invoices for subscribers: recorded first, then created at the payment provider.

use chrono::Utc;
use paygate_domain::{
    channel::{DonationAmount, TierLevel},
    ids::ChannelId,
    payment_gateway::InvoiceRequest,
    status::{InvoiceStatus, OfferKind},
};
use rust_decimal::Decimal;
use uuid::Uuid;

use crate::{App, AppError, AppResult, messages::texts, subscribers::dialogue::AfterInvoice};

/// Most invoices one subscriber may have open at once (across channels and tiers).
pub const MAX_OPEN_INVOICES: usize = 5;

/// An open invoice is handed out again only while this much of its life is left (at most half its TTL).
const REUSE_MIN_REMAINING: std::time::Duration = std::time::Duration::from_secs(3600);

/// What the subscriber chose.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Choice {
    Tier(TierLevel),
    Donation(DonationAmount),
}

/// An invoice ready to pay.
#[derive(Debug, Clone)]
pub struct PayableInvoice {
    pub id: Uuid,
    pub price_usd: Decimal,
    pub url: String,
}

/// Records an invoice for `user` and creates it at the provider. Prices always come from the
/// database, never from the deep link or the button.
pub async fn create(app: &App, user: i64, channel: ChannelId, choice: Choice) -> AppResult<PayableInvoice> {
    create_in_dialogue(app, user, channel, choice, AfterInvoice::Keep).await
}

/// Like [`create`]; `after` changes the subscriber's bot dialogue in the transaction that records the
/// invoice (or hands an open one out again), so a refused invoice leaves the dialogue as it was.
#[tracing::instrument(skip(app))]
pub async fn create_in_dialogue(
    app: &App,
    user: i64,
    channel: ChannelId,
    choice: Choice,
    after: AfterInvoice,
) -> AppResult<PayableInvoice> {
    let mut tx = app.pool.begin().await?;
    let offer = paygate_db::offers::offer(&mut tx, channel.as_uuid()).await?.ok_or(AppError::NotFound)?;
    if !offer.ready {
        return Err(AppError::conflict(
            "channel_not_ready",
            "this channel is not accepting payments right now",
        ));
    }
    let (kind, tier_level, duration_days, price, description) = match choice {
        Choice::Tier(level) => {
            let tiers = paygate_db::offers::tiers(&mut tx, offer.channel_id).await?;
            let tier = tiers.into_iter().find(|t| t.level == level).ok_or(AppError::NotFound)?;
            let description =
                format!("{} — {}", offer.closed_title, texts::duration(i64::from(tier.duration_days)));
            (OfferKind::Subscription, Some(level), Some(tier.duration_days), tier.price_usd, description)
        }
        Choice::Donation(amount) => {
            if !offer.donations_enabled {
                return Err(AppError::conflict("donations_disabled", "this channel does not take donations"));
            }
            (OfferKind::Donation, None, None, amount.get(), format!("Donation to {}", offer.closed_title))
        }
    };
    if let Some(open) =
        open_invoice(app, &mut tx, user, offer.channel_id, kind, tier_level, duration_days, price).await?
    {
        after.write(&mut tx, user, open.id).await?;
        tx.commit().await?;
        return Ok(open);
    }
    let id = Uuid::now_v7();
    let expires_at = Utc::now()
        + chrono::Duration::from_std(app.settings.invoice_ttl).unwrap_or(chrono::Duration::days(1));
    let provider = if app.payments.is_live() { "nowpayments" } else { "sandbox" };
    let new = paygate_db::invoices::NewInvoice {
        id,
        channel_id: offer.channel_id,
        telegram_user_id: user,
        kind,
        tier_level,
        duration_days,
        price_usd: price,
        provider,
        expires_at,
    };
    paygate_db::invoices::insert(&mut tx, &new).await?;
    after.write(&mut tx, user, id).await?;
    tx.commit().await?;

    let base = app.settings.public_url.as_str().trim_end_matches('/');
    let request = InvoiceRequest {
        order_id: id.to_string(),
        price_usd: price,
        description,
        ipn_callback_url: format!("{base}/webhooks/nowpayments"),
        success_url: format!("{base}/pay/{id}"),
        cancel_url: format!("{base}/pay/{id}?cancelled=1"),
    };
    let created = match app.payments.create_invoice(&request).await {
        Ok(created) => created,
        Err(error) => {
            tracing::warn!(kind = "external", invoice_id = %id, %error, "invoice creation failed at the provider");
            let mut conn = app.pool.acquire().await?;
            paygate_db::invoices::finalize(&mut conn, id, InvoiceStatus::Failed).await?;
            return Err(AppError::Unavailable(
                "the payment provider is not reachable right now; please try again in a minute".into(),
            ));
        }
    };
    let mut conn = app.pool.acquire().await?;
    paygate_db::invoices::set_provider_invoice(
        &mut conn,
        id,
        &created.provider_invoice_id,
        &created.invoice_url,
    )
    .await?;
    // Until a payment shows up there is nothing to poll; reconciliation expires it when due.
    paygate_db::invoices::schedule_check(&mut conn, id, Some(expires_at)).await?;
    tracing::info!(kind = "money", invoice_id = %id, price_usd = %price, "invoice created");
    Ok(PayableInvoice { id, price_usd: price, url: created.invoice_url })
}

/// The subscriber's open invoice for exactly this offer, when one can be handed out again; refuses a
/// new invoice while one is being created or when too many are open. Locks the subscriber's invoice
/// creation until `tx` ends.
#[allow(clippy::too_many_arguments)]
async fn open_invoice(
    app: &App,
    tx: &mut sqlx::PgConnection,
    user: i64,
    channel_id: Uuid,
    kind: OfferKind,
    tier_level: Option<TierLevel>,
    duration_days: Option<i32>,
    price: Decimal,
) -> AppResult<Option<PayableInvoice>> {
    paygate_db::open_invoices::lock_subscriber(tx, user).await?;
    let open = paygate_db::open_invoices::of_subscriber(tx, user).await?;
    let ttl = chrono::Duration::from_std(app.settings.invoice_ttl).unwrap_or(chrono::Duration::days(1));
    let min_remaining =
        chrono::Duration::from_std(REUSE_MIN_REMAINING).unwrap_or(chrono::Duration::hours(1)).min(ttl / 2);
    let same = open.iter().find(|i| {
        (i.channel_id, i.kind, i.tier_level, i.duration_days, i.price_usd)
            == (channel_id, kind, tier_level, duration_days, price)
    });
    if let Some(existing) = same {
        match &existing.invoice_url {
            Some(url) if existing.expires_at - Utc::now() >= min_remaining => {
                tracing::info!(kind = "money", invoice_id = %existing.id, "open invoice handed out again");
                return Ok(Some(PayableInvoice { id: existing.id, price_usd: price, url: url.clone() }));
            }
            Some(_) => {} // about to expire: a fresh one below
            None => {
                return Err(AppError::conflict(
                    "invoice_pending",
                    "Your invoice is being prepared; press Pay again in a moment.",
                ));
            }
        }
    }
    if open.len() >= MAX_OPEN_INVOICES {
        return Err(AppError::conflict(
            "too_many_open_invoices",
            format!(
                "You already have {} unpaid invoices. Pay one of them, or wait until they expire, \
                 before asking for another.",
                open.len()
            ),
        ));
    }
    Ok(None)
}

/// Public status of an invoice (for the "payment processing" page): only its status.
pub async fn status(app: &App, id: Uuid) -> AppResult<InvoiceStatus> {
    let mut conn = app.pool.acquire().await?;
    let invoice = paygate_db::invoices::get(&mut conn, id).await?.ok_or(AppError::NotFound)?;
    Ok(invoice.status)
}
