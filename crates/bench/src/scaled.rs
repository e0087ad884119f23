//! The phases run at scaled Telegram flood limits (1,000 calls/s overall, 10/s per person, 600/min
//! per channel) so that Paygate, not Telegram's standard 30/s, bounds them: the full pipeline and the
//! pacing of an expiry backlog. The sandbox Telegram refuses anything beyond those limits with 429.

use std::time::Duration;

use anyhow::Context;
use sqlx::postgres::PgPoolOptions;

use crate::{
    pacing::{self, CALLS_PER_EXPIRY},
    paygate::{Paygate, Setup},
    pipeline,
    postgres::Postgres,
    run::{Sizes, step},
    seed,
    table::Row,
};

/// The allowed overall rate of the scaled limits.
pub const GLOBAL_PER_SECOND: f64 = 1000.0;

/// The binary's settings for these phases: scaled limits, a loopback-sized network allowance (the
/// sandbox Telegram is in the same process), enough worker slots to keep 1,000 calls/s in flight, and
/// the sandbox wallet confirming after its shortest delay.
pub fn settings() -> Vec<(String, String)> {
    [
        ("PAYGATE_TELEGRAM_GLOBAL_PER_SECOND", "1000"),
        ("PAYGATE_TELEGRAM_PRIVATE_CHAT_PER_SECOND", "10"),
        ("PAYGATE_TELEGRAM_GROUP_CHAT_PER_MINUTE", "600"),
        ("PAYGATE_TELEGRAM_NETWORK_ALLOWANCE", "20ms"),
        ("PAYGATE_WORKER_CONCURRENCY", "64"),
        ("PAYGATE_DB_MAX_CONNECTIONS", "32"),
        ("PAYGATE_SANDBOX_WALLET_CONFIRM", "1s"),
    ]
    .into_iter()
    .map(|(name, value)| (name.to_owned(), value.to_owned()))
    .collect()
}

/// Full pipeline, then the expiry backlog, on a fresh database with its own `paygate up`.
pub async fn phases(pg: &Postgres, setup: &Setup, sizes: &Sizes, rows: &mut Vec<Row>) -> anyhow::Result<()> {
    let http = reqwest::Client::builder().timeout(Duration::from_secs(30)).build()?;
    step("paygate up at scaled Telegram limits (1,000/s, 10/s per person)");
    let paygate = Paygate::start(setup, "up", &http).await?;
    let pool = PgPoolOptions::new().max_connections(4).connect(&pg.url("scaled")).await?;
    let result = async {
        seed::sandbox_chats(&pool).await.context("creating the sandbox chats")?;
        let world =
            seed::owner_and_channel(&http, &paygate.base, &pool, true).await.context("seeding the owner")?;
        let invoices = seed::open_invoices(&pool, &world.channel_id, sizes.pipeline_payments).await?;

        step(&format!("full pipeline: {} payments, IPN to payout confirmed", invoices.len()));
        let run =
            pipeline::run(&http, &paygate.base, &pool, invoices, sizes.ipn_senders, sizes.pipeline_time).await?;
        let secs = |at: Option<Duration>| at.map_or_else(|| "not done".to_owned(), |d| format!("{:.1} s", d.as_secs_f64()));
        rows.push(
            Row::throughput("full pipeline (IPN → invite, messages, payout confirmed)", run.completed_per_second(), "payments/s")
                .with_detail(format!(
                    "{} payments: {} payouts completed and {} invites issued in {:.1} s, {} jobs left; all accepted {}, \
                     invites {}, payouts {}, messages {}; owner told of each payment and payout",
                    run.payments,
                    run.payouts_completed,
                    run.invites,
                    run.elapsed.as_secs_f64(),
                    run.left,
                    secs(run.stages.accepted),
                    secs(run.stages.invites),
                    secs(run.stages.payouts),
                    secs(run.stages.messages),
                )),
        );

        step(&format!("Telegram pacing: {} expired subscriptions", sizes.expiries));
        pacing::seed_expired(&pool, &world.channel_id, sizes.expiries).await?;
        let pacing =
            pacing::run(&http, &paygate.base, &pool, &world.channel_id, sizes.expiries, sizes.pacing_time).await?;
        let rate = pacing.calls_per_second();
        rows.push(
            Row::throughput("Telegram pacing: expiry backlog (limit 1,000 calls/s)", rate, "calls/s").with_detail(
                format!(
                    "{:.0} % of the allowed rate, {} × 429; {} of {} removed ({:.0} calls of {:.0}) in {:.1} s",
                    rate / GLOBAL_PER_SECOND * 100.0,
                    pacing.rate_limited,
                    pacing.removed,
                    pacing.expiries,
                    pacing.calls,
                    pacing.expiries as f64 * CALLS_PER_EXPIRY,
                    pacing.elapsed.as_secs_f64()
                ),
            ),
        );
        anyhow::Ok(())
    }
    .await;
    pool.close().await;
    paygate.stop().await?;
    result
}
