//! Reconciliation: invoices without a final status are polled at the provider on a backoff schedule,
//! so a lost notification never loses a payment; invoices with no payment at the provider expire.

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use paygate_domain::status::InvoiceStatus;
use paygate_jobs::{EnqueueOptions, Handler, Job, JobContext, JobError};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::{App, subscribers::payment_intake};

mod lookup;

/// Polling of a payment that never reaches a final status stops after this many days (needs attention).
const STOP_POLLING_AFTER_DAYS: i64 = 7;

/// One pass over due invoices, fired by cron.
#[derive(Debug, Serialize, Deserialize)]
pub struct ReconcileInvoices {
    pub tick: DateTime<Utc>,
}

impl Job for ReconcileInvoices {
    const KIND: &'static str = "payments.reconcile";
    const MAX_ATTEMPTS: i32 = 3;
}

pub struct ReconcileHandler;

/// Delay before poll number `attempt` (1-based): 2, 4, 8 … minutes, at most an hour.
pub fn poll_delay(attempt: i32) -> chrono::Duration {
    let minutes = 2i64.saturating_pow(u32::try_from(attempt.clamp(1, 6)).unwrap_or(6));
    chrono::Duration::minutes(minutes.min(60))
}

#[async_trait]
impl Handler for ReconcileHandler {
    type Job = ReconcileInvoices;

    async fn run(&self, ctx: &JobContext, _job: ReconcileInvoices) -> Result<(), JobError> {
        let mut tx = ctx.pool.begin().await?;
        let due = paygate_db::invoices::due_for_check(&mut tx, 500).await?;
        for id in &due {
            let invoice = paygate_db::invoices::get(&mut tx, *id).await?;
            let attempt = invoice.map_or(1, |i| i.check_attempts + 1);
            paygate_db::invoices::schedule_check(&mut tx, *id, Some(Utc::now() + poll_delay(attempt)))
                .await?;
            let options = EnqueueOptions {
                dedupe_key: Some(format!("check:{id}:{attempt}")),
                ..EnqueueOptions::default()
            };
            paygate_jobs::enqueue_with(&mut tx, &CheckInvoice { invoice_id: *id }, options)
                .await
                .map_err(JobError::retryable)?;
        }
        tx.commit().await?;
        if !due.is_empty() {
            tracing::info!(kind = "status", invoices = due.len(), "reconciliation checks queued");
        }
        Ok(())
    }
}

/// Polls one invoice's payment at the provider and applies what it reports.
#[derive(Debug, Serialize, Deserialize)]
pub struct CheckInvoice {
    pub invoice_id: Uuid,
}

impl Job for CheckInvoice {
    const KIND: &'static str = "payments.check_invoice";
    const MAX_ATTEMPTS: i32 = 10;
}

pub struct CheckInvoiceHandler(pub App);

#[async_trait]
impl Handler for CheckInvoiceHandler {
    type Job = CheckInvoice;

    async fn run(&self, ctx: &JobContext, job: CheckInvoice) -> Result<(), JobError> {
        let mut conn = ctx.pool.acquire().await?;
        let Some(invoice) = paygate_db::invoices::get(&mut conn, job.invoice_id).await? else {
            return Ok(());
        };
        // `on_hold` is left out as before: its payment is looked up again and found a duplicate.
        if matches!(
            invoice.status,
            InvoiceStatus::Finished
                | InvoiceStatus::Underpaid
                | InvoiceStatus::Failed
                | InvoiceStatus::Refunded
                | InvoiceStatus::Expired
        ) {
            paygate_db::invoices::schedule_check(&mut conn, invoice.id, None).await?;
            return Ok(());
        }
        let Some(payment_id) = invoice.provider_payment_id.clone() else {
            // No notification arrived: ask the provider for the invoice's payments before expiring it.
            drop(conn);
            return lookup::check_unnotified(&self.0, ctx, &invoice).await;
        };
        drop(conn);
        let update = self.0.payments.payment_status(&payment_id).await.map_err(|error| {
            if error.is_retryable() { JobError::retryable(error) } else { JobError::fatal(error) }
        })?;
        let outcome = payment_intake::apply_update(&self.0, &update, payment_intake::Source::Poll)
            .await
            .map_err(|e| JobError::retryable(e.to_string()))?;
        tracing::info!(kind = "status", invoice_id = %invoice.id, ?outcome, "invoice reconciled");
        if !update.status.is_final()
            && invoice.created_at < Utc::now() - chrono::Duration::days(STOP_POLLING_AFTER_DAYS)
        {
            // A payment stuck this long at the provider needs a person, not more polling.
            let mut conn = ctx.pool.acquire().await?;
            paygate_db::invoices::schedule_check(&mut conn, invoice.id, None).await?;
            return Err(JobError::fatal(format!(
                "payment {payment_id} is still {} after {STOP_POLLING_AFTER_DAYS} days; polling stopped",
                update.status.as_str()
            )));
        }
        Ok(())
    }
}
