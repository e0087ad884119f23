//! Invoices that never received a notification are looked up at the provider before they expire, so a
//! lost IPN (or a provider outage) never loses a payment.

use chrono::Utc;
use paygate_db::invoices::InvoiceRow;
use paygate_domain::payment_gateway::GatewayError;
use paygate_jobs::{JobContext, JobError};

use crate::{App, subscribers::payment_intake};

/// Asks the provider for the payments of `invoice` (which has no payment id yet) and feeds each one
/// through the normal intake; expires the invoice only when the provider answered that nothing was paid.
/// A failed look-up is retried; a look-up that cannot work (no account login, refused credentials)
/// stops polling and leaves the invoice open for the operator, never expired blind.
pub(super) async fn check_unnotified(
    app: &App,
    ctx: &JobContext,
    invoice: &InvoiceRow,
) -> Result<(), JobError> {
    let Some(provider_invoice_id) = invoice.provider_invoice_id.as_deref() else {
        // Never created at the provider: nothing can have been paid.
        return expire_if_due(ctx, invoice).await;
    };
    let found = match app.payments.payments_of_invoice(provider_invoice_id).await {
        Ok(found) => found,
        Err(error) if error.is_retryable() => {
            tracing::warn!(kind = "retry", invoice_id = %invoice.id, %error,
                "payment look-up failed; the invoice stays open and is looked up again");
            return Err(match error {
                GatewayError::RateLimited { retry_after_secs } => {
                    JobError::retry_after(error, std::time::Duration::from_secs(retry_after_secs))
                }
                other => JobError::retryable(other),
            });
        }
        Err(error) => {
            let mut conn = ctx.pool.acquire().await?;
            paygate_db::invoices::schedule_check(&mut conn, invoice.id, None).await?;
            tracing::error!(kind = "money", invoice_id = %invoice.id, %error,
                "invoice without notifications cannot be looked up; left open for the operator");
            return Err(JobError::fatal(format!(
                "invoice {} received no payment notification and could not be looked up at the provider \
                 ({error}); it was NOT expired: fix the cause, then retry this job",
                invoice.id
            )));
        }
    };
    if found.is_empty() {
        return expire_if_due(ctx, invoice).await;
    }
    for mut update in found {
        // The provider filtered by its invoice id; a payment listed without our order id is still ours.
        update.order_id.get_or_insert_with(|| invoice.id.to_string());
        let outcome = payment_intake::apply_update(app, &update, payment_intake::Source::Poll)
            .await
            .map_err(|e| JobError::retryable(e.to_string()))?;
        tracing::info!(kind = "status", invoice_id = %invoice.id, payment_id = %update.provider_payment_id,
            ?outcome, "payment found by look-up (no notification had arrived)");
    }
    Ok(())
}

async fn expire_if_due(ctx: &JobContext, invoice: &InvoiceRow) -> Result<(), JobError> {
    if invoice.expires_at <= Utc::now() {
        let mut conn = ctx.pool.acquire().await?;
        paygate_db::invoices::finalize(&mut conn, invoice.id, paygate_domain::status::InvoiceStatus::Expired)
            .await?;
        tracing::info!(kind = "status", invoice_id = %invoice.id, "unpaid invoice expired (nothing paid at the provider)");
    }
    Ok(())
}
