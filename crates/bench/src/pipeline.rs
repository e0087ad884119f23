//! The full pipeline: signed `finished` IPNs for open invoices, then everything they set off (invite
//! issued and sent, owner told, payout sent through the sandbox wallet and confirmed, owner told
//! again) until nothing is left, as completed payments per second and the time each stage drained.

use std::time::{Duration, Instant};

use sqlx::PgPool;

use crate::{ipn_intake, seed::OpenInvoice};

/// When each stage of the pipeline had done all of its work, counted from the first IPN.
#[derive(Debug, Clone, Copy, Default)]
pub struct Stages {
    pub accepted: Option<Duration>,
    pub invites: Option<Duration>,
    pub payouts: Option<Duration>,
    pub messages: Option<Duration>,
}

/// What the pipeline phase measured.
#[derive(Debug, Clone, Copy)]
pub struct Pipeline {
    pub payments: i64,
    pub invites: i64,
    pub payouts_completed: i64,
    /// Jobs of the pipeline still pending or running when the phase ended (0 when it drained).
    pub left: i64,
    pub stages: Stages,
    pub elapsed: Duration,
}

impl Pipeline {
    /// Completed payments (payout confirmed, nothing left to do) per second of the whole drain.
    pub fn completed_per_second(&self) -> f64 {
        self.payouts_completed as f64 / self.elapsed.as_secs_f64().max(1e-9)
    }
}

#[derive(Debug, Clone, Copy)]
struct Counts {
    accepted: i64,
    invites: i64,
    payouts: i64,
    messages_left: i64,
    left: i64,
}

async fn counts(pool: &PgPool) -> anyhow::Result<Counts> {
    let (accepted, invites, payouts, messages_left, left): (i64, i64, i64, i64, i64) = sqlx::query_as(
        "SELECT (SELECT count(*) FROM payments WHERE verdict = 'accepted'),
                (SELECT count(*) FROM jobs WHERE kind = 'invite.issue' AND state = 'succeeded'),
                (SELECT count(*) FROM payouts WHERE purpose = 'payment' AND status = 'completed'),
                (SELECT count(*) FROM jobs WHERE kind IN ('telegram.send_message', 'owner.notify')
                   AND state IN ('pending', 'running')),
                (SELECT count(*) FROM jobs WHERE kind IN ('invite.issue', 'telegram.send_message', 'owner.notify',
                   'payout.step') AND state IN ('pending', 'running'))",
    )
    .fetch_one(pool)
    .await?;
    Ok(Counts { accepted, invites, payouts, messages_left, left })
}

/// Sends one IPN per invoice from `senders` concurrent senders, then waits until every payment's
/// invite, payout and messages are done, or `limit` (from the first IPN) has passed.
pub async fn run(
    http: &reqwest::Client,
    base: &str,
    pool: &PgPool,
    invoices: Vec<OpenInvoice>,
    senders: usize,
    limit: Duration,
) -> anyhow::Result<Pipeline> {
    let payments = i64::try_from(invoices.len())?;
    let started = Instant::now();
    let watch = async {
        let mut stages = Stages::default();
        loop {
            let now = counts(pool).await?;
            let at = started.elapsed();
            if now.accepted >= payments {
                stages.accepted.get_or_insert(at);
            }
            if now.invites >= payments {
                stages.invites.get_or_insert(at);
            }
            if now.payouts >= payments {
                stages.payouts.get_or_insert(at);
            }
            if stages.invites.is_some() && now.messages_left == 0 {
                stages.messages.get_or_insert(at);
            }
            let done = stages.payouts.is_some() && stages.invites.is_some() && now.left == 0;
            if done || at >= limit {
                return anyhow::Ok(Pipeline {
                    payments,
                    invites: now.invites,
                    payouts_completed: now.payouts,
                    left: now.left,
                    stages,
                    elapsed: at,
                });
            }
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
    };
    let (intake, pipeline) = tokio::join!(ipn_intake::run(http, base, pool, invoices, senders, limit), watch);
    let intake = intake?;
    if intake.accepted < payments {
        eprintln!("    {} of {payments} IPNs accepted; {}", intake.accepted, intake.load.statuses_text());
    }
    pipeline
}
