//! The phases run at scaled Telegram flood limits (1,000 calls/s overall, 10/s per person, 600/min
//! per channel) so that Paygate, not Telegram's standard 30/s, bounds them: the full pipeline and the
//! pacing of an expiry backlog. The sandbox Telegram refuses anything beyond those limits with 429.

use std::time::Duration;

use anyhow::Context;
use sqlx::postgres::PgPoolOptions;

use crate::{
    pacing,
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
/// sandbox Telegram is in the same process), twice the default worker slots, the
/// sandbox wallet confirming after its shortest delay and payouts looking again after their shortest.
pub fn settings() -> Vec<(String, String)> {
    [
        ("PAYGATE_TELEGRAM_GLOBAL_PER_SECOND", "1000"),
        ("PAYGATE_TELEGRAM_PRIVATE_CHAT_PER_SECOND", "10"),
        ("PAYGATE_TELEGRAM_GROUP_CHAT_PER_MINUTE", "600"),
        ("PAYGATE_TELEGRAM_NETWORK_ALLOWANCE", "20ms"),
        // 16 jobs at once: on 2 cores, 64 made late wake-ups re-reserve their send slots and load the
        // machine further (pipeline 31.7 against 48.8 payments/s, pacing 77 against 261 calls/s).
        ("PAYGATE_WORKER_CONCURRENCY", "16"),
        ("PAYGATE_DB_MAX_CONNECTIONS", "32"),
        ("PAYGATE_SANDBOX_WALLET_CONFIRM", "1s"),
        ("PAYGATE_SWAP_POLL_INTERVAL", "10s"),
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

        let limit = GLOBAL_PER_SECOND;
        step(&format!("Telegram pacing: {} expired subscriptions, limit {limit}/s", sizes.expiries));
        pacing::seed_expired(&pool, &world.channel_id, 8_000_000_000, sizes.expiries).await?;
        let pacing =
            pacing::run(&http, &paygate.base, &pool, &world.channel_id, sizes.expiries, sizes.pacing_time).await?;
        rows.push(pacing_row(&pacing, limit));
        anyhow::Ok(world)
    }
    .await;
    paygate.stop().await?;
    let result = match result {
        Ok(world) => efficiency(setup, sizes, &http, &pool, &world, rows).await,
        Err(error) => Err(error),
    };
    pool.close().await;
    result
}

/// The allowed overall rate of the efficiency run: one this machine can feed with removals.
const FEEDABLE_PER_SECOND: f64 = 150.0;

/// The pacer's efficiency where Paygate is not the bound: a second `paygate up` on the same database
/// at 150 calls/s overall removes another backlog of the same size.
async fn efficiency(
    setup: &Setup,
    sizes: &Sizes,
    http: &reqwest::Client,
    pool: &sqlx::PgPool,
    world: &seed::World,
    rows: &mut Vec<Row>,
) -> anyhow::Result<()> {
    let limit = FEEDABLE_PER_SECOND;
    let setup = Setup {
        extra: setup
            .extra
            .iter()
            .cloned()
            .chain(std::iter::once(("PAYGATE_TELEGRAM_GLOBAL_PER_SECOND".to_owned(), format!("{limit}"))))
            .collect(),
        ..setup.clone()
    };
    step(&format!("Telegram pacing: {} expired subscriptions, limit {limit}/s", sizes.feedable_expiries));
    let paygate = Paygate::start(&setup, "up", http).await?;
    let result = async {
        // What the run at 1,000/s left pending is cancelled first.
        pacing::settle(pool, sizes.pacing_time).await?;
        pacing::seed_expired(pool, &world.channel_id, 9_000_000_000, sizes.feedable_expiries).await?;
        let pacing = pacing::run(
            http,
            &paygate.base,
            pool,
            &world.channel_id,
            sizes.feedable_expiries,
            sizes.pacing_time,
        )
        .await?;
        rows.push(pacing_row(&pacing, limit));
        anyhow::Ok(())
    }
    .await;
    paygate.stop().await?;
    result
}

fn pacing_row(pacing: &pacing::Pacing, limit: f64) -> Row {
    let rate = pacing.calls_per_second();
    Row::throughput(format!("Telegram pacing: expiry backlog (limit {limit:.0} calls/s)"), rate, "calls/s")
        .with_detail(format!(
            "{:.0} % of the allowed rate, {} × 429; {} expired, {} removed ({:.0} calls) in {:.1} s",
            rate / limit * 100.0,
            pacing.rate_limited,
            pacing.expiries,
            pacing.removed,
            pacing.calls,
            pacing.elapsed.as_secs_f64()
        ))
}
