//! IPN intake: signed `finished` notifications for distinct invoices from concurrent senders, then
//! the drain of the work they enqueued (invites and owner notices through the paced sandbox Telegram).

use std::{
    sync::Arc,
    time::{Duration, Instant},
};

use sqlx::PgPool;

use crate::{
    ipn,
    load::{LoadResult, closed_loop},
    paygate::IPN_SECRET,
    seed::OpenInvoice,
};

/// What the intake phase measured.
#[derive(Debug, Clone)]
pub struct Intake {
    pub load: LoadResult,
    /// Payments recorded as accepted (from the database, not from the answers).
    pub accepted: i64,
}

impl Intake {
    pub fn accepted_per_second(&self) -> f64 {
        self.accepted as f64 / self.load.elapsed.as_secs_f64().max(1e-9)
    }
}

/// `senders` concurrent senders post one signed `finished` IPN per invoice, until all are sent or
/// `max_time` has passed.
pub async fn run(
    http: &reqwest::Client,
    base: &str,
    pool: &PgPool,
    invoices: Vec<OpenInvoice>,
    senders: usize,
    max_time: Duration,
) -> anyhow::Result<Intake> {
    let url = Arc::new(format!("{base}/webhooks/nowpayments"));
    let count = invoices.len() as u64;
    let invoices = Arc::new(invoices);
    let http = http.clone();
    let load = closed_loop(senders, count, max_time, None, move |_client, seq| {
        let (http, url, invoices) = (http.clone(), url.clone(), invoices.clone());
        async move {
            let Some(invoice) = usize::try_from(seq).ok().and_then(|i| invoices.get(i)) else { return 0 };
            let body = ipn::finished_body(invoice, 5_000_000_000 + i64::try_from(seq).unwrap_or(0));
            let signature = ipn::sign(IPN_SECRET, &body);
            let sent = http
                .post(url.as_str())
                .header("x-nowpayments-sig", signature)
                .header("content-type", "application/json")
                .body(body)
                .send()
                .await;
            sent.map(|r| r.status().as_u16()).unwrap_or(0)
        }
    })
    .await;
    let accepted: i64 = sqlx::query_scalar("SELECT count(*) FROM payments WHERE verdict = 'accepted'")
        .fetch_one(pool)
        .await?;
    Ok(Intake { load, accepted })
}

/// The drain of the follow-up work of the accepted payments over at most `limit`.
#[derive(Debug, Clone, Copy)]
pub struct Drain {
    /// Bot API calls the sandbox Telegram received in the window (messages sent, invite links made).
    pub telegram_calls: i64,
    pub invites_issued: i64,
    pub invites_left: i64,
    pub elapsed: Duration,
}

impl Drain {
    pub fn per_second(&self) -> f64 {
        self.invites_issued as f64 / self.elapsed.as_secs_f64().max(1e-9)
    }

    pub fn telegram_calls_per_second(&self) -> f64 {
        self.telegram_calls as f64 / self.elapsed.as_secs_f64().max(1e-9)
    }
}

/// Waits until every `invite.issue` job has succeeded or `limit` has passed.
pub async fn drain(pool: &PgPool, limit: Duration) -> anyhow::Result<Drain> {
    let started = Instant::now();
    let done_before = invites_done(pool).await?;
    let calls_before = telegram_calls(pool).await?;
    loop {
        let left: i64 = sqlx::query_scalar(
            "SELECT count(*) FROM jobs WHERE kind = 'invite.issue' AND state IN ('pending', 'running')",
        )
        .fetch_one(pool)
        .await?;
        if left == 0 || started.elapsed() >= limit {
            let issued = invites_done(pool).await? - done_before;
            let errors: Vec<(Option<String>, i64)> = sqlx::query_as(
                "SELECT last_error, count(*) FROM jobs WHERE kind = 'invite.issue' AND state <> 'succeeded'
                 GROUP BY 1 ORDER BY 2 DESC LIMIT 3",
            )
            .fetch_all(pool)
            .await?;
            for (error, count) in errors {
                eprintln!("    {count} invite jobs not done, last error: {}", error.unwrap_or_default());
            }
            let telegram_calls = telegram_calls(pool).await? - calls_before;
            let elapsed = started.elapsed();
            return Ok(Drain { telegram_calls, invites_issued: issued, invites_left: left, elapsed });
        }
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
}

async fn invites_done(pool: &PgPool) -> anyhow::Result<i64> {
    Ok(sqlx::query_scalar("SELECT count(*) FROM jobs WHERE kind = 'invite.issue' AND state = 'succeeded'")
        .fetch_one(pool)
        .await?)
}

/// Messages the bot sent and invite links it created in the sandbox Telegram so far.
async fn telegram_calls(pool: &PgPool) -> anyhow::Result<i64> {
    Ok(sqlx::query_scalar(
        "SELECT (SELECT count(*) FROM sandbox_telegram_messages WHERE from_bot)
              + (SELECT count(*) FROM sandbox_telegram_invite_links)",
    )
    .fetch_one(pool)
    .await?)
}
