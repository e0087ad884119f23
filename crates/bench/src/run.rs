//! The `all` run: yardstick first on the idle server, then the binary under load, then the job queue.

use std::{
    process::Command,
    time::{Duration, Instant},
};

use anyhow::Context;
use sqlx::postgres::PgPoolOptions;

use crate::{
    ipn_intake, job_queue, owner_api,
    paygate::{self, Paygate, Setup},
    postgres::Postgres,
    scaled, seed,
    table::{self, Row},
    yardstick,
};

/// How often one dashboard client asks in the paced API phase.
const API_PACE: Duration = Duration::from_secs(1);

/// How big and how long each phase is.
#[derive(Debug, Clone, Copy)]
pub struct Sizes {
    pub name: &'static str,
    pub tpcb_scale: u32,
    pub pgbench_clients: u32,
    pub pgbench_time: Duration,
    pub yardstick_invoices: u32,
    pub ipn_invoices: i64,
    pub ipn_senders: usize,
    pub ipn_time: Duration,
    pub drain_time: Duration,
    pub api_clients: usize,
    pub api_time: Duration,
    pub jobs: u64,
    pub pipeline_payments: i64,
    pub pipeline_time: Duration,
    pub expiries: i64,
    pub pacing_time: Duration,
    /// Expiries of the pacing run at a rate the machine can feed (150/s).
    pub feedable_expiries: i64,
}

impl Sizes {
    pub fn full() -> Self {
        Self {
            name: "full",
            tpcb_scale: 32,
            pgbench_clients: 32,
            pgbench_time: Duration::from_secs(30),
            yardstick_invoices: 100_000,
            ipn_invoices: 20_000,
            ipn_senders: 32,
            ipn_time: Duration::from_secs(60),
            drain_time: Duration::from_secs(30),
            api_clients: 200,
            api_time: Duration::from_secs(20),
            jobs: 20_000,
            pipeline_payments: 3_000,
            pipeline_time: Duration::from_secs(300),
            expiries: 20_000,
            pacing_time: Duration::from_secs(200),
            feedable_expiries: 5_000,
        }
    }

    pub fn quick() -> Self {
        Self {
            name: "quick",
            tpcb_scale: 10,
            pgbench_clients: 32,
            pgbench_time: Duration::from_secs(10),
            yardstick_invoices: 20_000,
            ipn_invoices: 3_000,
            ipn_senders: 32,
            ipn_time: Duration::from_secs(15),
            drain_time: Duration::from_secs(10),
            api_clients: 200,
            api_time: Duration::from_secs(5),
            jobs: 5_000,
            pipeline_payments: 300,
            pipeline_time: Duration::from_secs(60),
            expiries: 1_500,
            pacing_time: Duration::from_secs(40),
            feedable_expiries: 600,
        }
    }
}

pub(crate) fn step(text: &str) {
    eprintln!("==> {text}");
}

/// Runs every benchmark and prints the machine and the table.
pub async fn all(sizes: Sizes) -> anyhow::Result<()> {
    let started = Instant::now();
    let bin = paygate::binary()?;
    step("throwaway PostgreSQL (fsync on)");
    let mut pg = Postgres::start()?;
    let machine = machine(&pg);
    eprintln!("{machine}");
    pg.create_database("paygate")?;
    let dir = std::env::temp_dir().join(format!("paygate-bench-run-{}", std::process::id()));
    let setup = Setup {
        bin,
        database_url: pg.url("paygate"),
        dir: dir.clone(),
        extra: vec![("PAYGATE_SANDBOX_WALLET_ETH".into(), "1000000".into())],
    };
    setup.migrate().await?;
    if let Some(sql) = std::env::var_os("PAYGATE_BENCH_SQL") {
        // An experiment (e.g. an index) applied after the migrations; say so next to the table.
        eprintln!("PAYGATE_BENCH_SQL applied: {}", sql.to_string_lossy());
        crate::postgres::run(Command::new(pg.program("psql")).arg("-c").arg(&sql).arg(pg.url("paygate")))?;
    }
    let mut rows = Vec::new();

    step(&format!("pgbench TPC-B-like (scale {}, {} clients)", sizes.tpcb_scale, sizes.pgbench_clients));
    let tpcb = yardstick::tpcb(&pg, sizes.tpcb_scale, sizes.pgbench_clients, sizes.pgbench_time)?;
    rows.push(Row::throughput("pgbench TPC-B-like", tpcb.tps, "tx/s").with_detail(format!(
        "scale {}, {} clients, {} tx, average latency {:.1} ms",
        sizes.tpcb_scale,
        sizes.pgbench_clients,
        tpcb.transactions,
        tpcb.latency_ms.unwrap_or(f64::NAN)
    )));
    step("pgbench custom: one payment intake per transaction");
    let custom = yardstick::intake(
        &pg,
        "paygate",
        sizes.yardstick_invoices,
        sizes.pgbench_clients,
        sizes.pgbench_time,
    )?;
    yardstick::drop_intake_tables(&pg, "paygate")?;
    rows.push(Row::throughput("pgbench custom (payment intake)", custom.tps, "tx/s").with_detail(format!(
        "{} clients, {} tx, average latency {:.1} ms; 5 reads, 9 inserts, 2 updates, 3 NOTIFY each; \
         PostgreSQL CPU per tx {:.1} ms",
        sizes.pgbench_clients,
        custom.transactions,
        custom.latency_ms.unwrap_or(f64::NAN),
        custom.server_cpu_ms.unwrap_or(f64::NAN)
    )));

    let outcome = platform_phases(&pg, &setup, &sizes, &mut rows).await;
    if let Err(error) = &outcome {
        eprintln!("a platform phase failed: {error:#} (logs in {})", dir.display());
    }

    pg.create_database("scaled")?;
    let scaled_setup = Setup {
        database_url: pg.url("scaled"),
        dir: dir.join("scaled"),
        extra: setup.extra.iter().cloned().chain(scaled::settings()).collect(),
        ..setup.clone()
    };
    scaled_setup.migrate().await?;
    let scaled_outcome = scaled::phases(&pg, &scaled_setup, &sizes, &mut rows).await;
    if let Err(error) = &scaled_outcome {
        eprintln!("a scaled-limits phase failed: {error:#} (logs in {})", dir.display());
    }

    step(&format!("job queue: {} no-op jobs, 1 and 2 worker processes", sizes.jobs));
    pg.create_database("jobs")?;
    let jobs_setup = Setup { database_url: pg.url("jobs"), dir: dir.join("jobs"), ..setup.clone() };
    jobs_setup.migrate().await?;
    if let Some(sql) = std::env::var_os("PAYGATE_BENCH_JOBS_SQL") {
        // An experiment on the job queue's database (e.g. a setting), printed above the table.
        eprintln!("PAYGATE_BENCH_JOBS_SQL applied: {}", sql.to_string_lossy());
        crate::postgres::run(Command::new(pg.program("psql")).arg("-c").arg(&sql).arg(pg.url("jobs")))?;
    }
    let jobs_pool = PgPoolOptions::new().max_connections(4).connect(&pg.url("jobs")).await?;
    for workers in [1, 2] {
        let limit = Duration::from_secs(300);
        let run = job_queue::run(&jobs_pool, &pg.url("jobs"), sizes.jobs, 500, workers, 8, limit).await?;
        if workers == 1 {
            rows.push(
                Row::throughput(
                    "job queue: enqueue (500 per transaction)",
                    run.enqueued_per_second,
                    "jobs/s",
                )
                .with_detail(format!("{} jobs", run.jobs)),
            );
        }
        rows.push(
            Row::throughput(
                format!("job queue: no-op jobs, {workers} worker process(es) × 8"),
                run.executed_per_second,
                "jobs/s",
            )
            .with_detail(format!("{} jobs", run.jobs)),
        );
    }
    jobs_pool.close().await;
    pg.stop();
    if std::env::var_os("PAYGATE_BENCH_KEEP").is_some() {
        eprintln!("logs kept in {}", dir.display());
    } else {
        let _ = std::fs::remove_dir_all(&dir);
    }

    println!("\n{machine}");
    println!("Run: {} in {:.0} s\n", sizes.name, started.elapsed().as_secs_f64());
    if let Some(sql) = std::env::var_os("PAYGATE_BENCH_SQL") {
        println!("Experiment (PAYGATE_BENCH_SQL): {}\n", sql.to_string_lossy());
    }
    if let Some(sql) = std::env::var_os("PAYGATE_BENCH_JOBS_SQL") {
        println!("Experiment (PAYGATE_BENCH_JOBS_SQL): {}\n", sql.to_string_lossy());
    }
    println!("{}", table::render(&rows, Some(custom.tps)));
    outcome.and(scaled_outcome)
}

/// Only the phases at scaled Telegram limits (for working on them; no yardstick, so no ratios).
pub async fn scaled_only(sizes: Sizes) -> anyhow::Result<()> {
    let bin = paygate::binary()?;
    let mut pg = Postgres::start()?;
    let machine = machine(&pg);
    pg.create_database("scaled")?;
    let dir = std::env::temp_dir().join(format!("paygate-bench-run-{}", std::process::id()));
    let setup = Setup {
        bin,
        database_url: pg.url("scaled"),
        dir: dir.join("scaled"),
        extra: std::iter::once(("PAYGATE_SANDBOX_WALLET_ETH".to_owned(), "1000000".to_owned()))
            .chain(scaled::settings())
            .collect(),
    };
    setup.migrate().await?;
    let mut rows = Vec::new();
    let outcome = scaled::phases(&pg, &setup, &sizes, &mut rows).await;
    pg.stop();
    eprintln!("logs in {}", dir.display());
    println!("\n{machine}\n\n{}", table::render(&rows, None));
    outcome
}

/// Everything that needs `paygate up` running: intake, drain, owner API, peak RSS.
async fn platform_phases(
    pg: &Postgres,
    setup: &Setup,
    sizes: &Sizes,
    rows: &mut Vec<Row>,
) -> anyhow::Result<()> {
    let http = reqwest::Client::builder().timeout(Duration::from_secs(30)).build()?;
    step("paygate up");
    let paygate = Paygate::start(setup, "up", &http).await?;
    let pool = PgPoolOptions::new().max_connections(4).connect(&pg.url("paygate")).await?;
    let result = async {
        seed::sandbox_chats(&pool).await.context("creating the sandbox chats")?;
        let world =
            seed::owner_and_channel(&http, &paygate.base, &pool, false).await.context("seeding the owner")?;
        let invoices = seed::open_invoices(&pool, &world.channel_id, sizes.ipn_invoices).await?;

        step(&format!("IPN intake: {} invoices, {} senders", invoices.len(), sizes.ipn_senders));
        let cpu_before = cpu_now(pg, &paygate);
        let intake =
            ipn_intake::run(&http, &paygate.base, &pool, invoices, sizes.ipn_senders, sizes.ipn_time).await?;
        let cpu = cpu_now(pg, &paygate).since(cpu_before, intake.accepted);
        rows.push(
            Row::throughput(
                "IPN intake (finished, distinct invoices)",
                intake.accepted_per_second(),
                "payments/s",
            )
            .with_latency(
                intake.load.latencies.percentile_ms(50.0),
                intake.load.latencies.percentile_ms(99.0),
            )
            .with_detail(format!(
                "{} senders, {} accepted in {:.1} s; {}; CPU per payment: {cpu}",
                sizes.ipn_senders,
                intake.accepted,
                intake.load.elapsed.as_secs_f64(),
                intake.load.statuses_text()
            )),
        );

        step("invite drain (sandbox Telegram through the pacer)");
        let drain = ipn_intake::drain(&pool, sizes.drain_time).await?;
        rows.push(
            Row::throughput("invites issued after intake", drain.per_second(), "invites/s").with_detail(
                format!(
                    "{} in {:.1} s, {} still queued",
                    drain.invites_issued,
                    drain.elapsed.as_secs_f64(),
                    drain.invites_left
                ),
            ),
        );
        let calls = drain.telegram_calls_per_second();
        rows.push(
            Row::throughput("Telegram calls during the drain (pacer: 25/s)", calls, "calls/s").with_detail(
                format!(
                    "{} sends and invite links; {:.0} % of the global pace",
                    drain.telegram_calls,
                    calls / 25.0 * 100.0
                ),
            ),
        );

        // Autovacuum would analyse the burst of payments within a minute: the API phase measures that
        // steady state, after the plan of the payments page right after the burst is printed.
        explain_payments(&pool, &world.channel_id).await?;
        let payments = format!("/api/v1/channels/{}/payments", world.channel_id);
        let clients = sizes.api_clients;
        for (pace, how) in [(Some(API_PACE), "1 req/s each"), (None, "back-to-back")] {
            for (name, path, token) in [
                ("GET /healthz", "/healthz", None),
                ("GET /api/v1/channels", "/api/v1/channels", Some(world.token.as_str())),
                ("GET /api/v1/channels/{id}/payments", payments.as_str(), Some(world.token.as_str())),
            ] {
                step(&format!("{name}: {clients} clients, {how}"));
                let load =
                    owner_api::get(&http, &paygate.base, path, token, clients, sizes.api_time, pace).await;
                rows.push(
                    Row::throughput(format!("{name} ({clients} clients, {how})"), load.rate(200), "req/s")
                        .with_latency(load.latencies.percentile_ms(50.0), load.latencies.percentile_ms(99.0))
                        .with_detail(load.statuses_text()),
                );
            }
        }
        anyhow::Ok(())
    }
    .await;
    if let Some(kib) = paygate.peak_rss_kib() {
        rows.push(Row {
            figure: "peak RSS of paygate up (VmHWM)".into(),
            detail: format!("{:.1} MiB", kib as f64 / 1024.0),
            ..Row::default()
        });
    }
    pool.close().await;
    paygate.stop().await?;
    result
}

/// CPU seconds used so far by paygate, PostgreSQL (postmaster and backends) and this benchmark.
#[derive(Debug, Clone, Copy)]
struct CpuNow {
    paygate: f64,
    postgres: f64,
    bench: f64,
}

fn cpu_now(pg: &Postgres, paygate: &Paygate) -> CpuNow {
    CpuNow {
        paygate: crate::cpu::cpu_seconds(paygate.pid()),
        postgres: pg.postmaster_pid().map_or(0.0, crate::cpu::tree_cpu_seconds),
        bench: crate::cpu::cpu_seconds(std::process::id()),
    }
}

impl CpuNow {
    /// Milliseconds of CPU per item between `before` and now, as text for the detail cell.
    fn since(self, before: CpuNow, items: i64) -> String {
        let per = |now: f64, then: f64| (now - then) * 1000.0 / items.max(1) as f64;
        format!(
            "paygate {:.1} ms, PostgreSQL {:.1} ms, load generator {:.1} ms",
            per(self.paygate, before.paygate),
            per(self.postgres, before.postgres),
            per(self.bench, before.bench)
        )
    }
}

/// Prints the plan of the owner's payments page (the query of `paygate_db::payments::for_channel`) right
/// after the intake, then after a fresh ANALYZE (which the API phase then runs with).
async fn explain_payments(pool: &sqlx::PgPool, channel_id: &str) -> anyhow::Result<()> {
    let uuid: String = sqlx::query_scalar("SELECT $1::uuid::text").bind(channel_id).fetch_one(pool).await?;
    for when in ["right after the intake", "after ANALYZE"] {
        if when == "after ANALYZE" {
            sqlx::query("ANALYZE payments, payouts, subscriptions, invites").execute(pool).await?;
        }
        let plan: Vec<String> = sqlx::query_scalar(sqlx::AssertSqlSafe(format!(
            "EXPLAIN (ANALYZE, BUFFERS)
             SELECT p.id, p.invoice_id, p.telegram_user_id, p.kind::text, p.verdict, p.price_usd, p.paid_usd,
                    p.outcome_amount, p.outcome_currency, p.platform_fee, p.owner_share, p.payout_status,
                    p.hold_reason, o.id, p.created_at
             FROM (SELECT * FROM payments WHERE channel_id = '{uuid}'
                   ORDER BY created_at DESC, id DESC LIMIT 50 OFFSET 0) p
             LEFT JOIN payouts o ON o.payment_id = p.id
             ORDER BY p.created_at DESC, p.id DESC"
        )))
        .fetch_all(pool)
        .await?;
        eprintln!("plan of the payments page ({when}):\n  {}", plan.join("\n  "));
    }
    Ok(())
}

/// Cores, memory, PostgreSQL version and the load average when the run started.
fn machine(pg: &Postgres) -> String {
    let cores = std::thread::available_parallelism().map(usize::from).unwrap_or(0);
    let meminfo = std::fs::read_to_string("/proc/meminfo").unwrap_or_default();
    let memory = crate::paygate::parse_kib(&meminfo, "MemTotal:").unwrap_or(0) as f64 / 1024.0 / 1024.0;
    let load = std::fs::read_to_string("/proc/loadavg").unwrap_or_default();
    let load: Vec<&str> = load.split_whitespace().take(3).collect();
    format!(
        "Machine: {cores} cores, {memory:.1} GiB, {} (fsync on), load average at start {}",
        pg.version(),
        load.join(" ")
    )
}
