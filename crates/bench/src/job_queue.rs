//! Job queue throughput: no-op jobs enqueued in batches through `paygate_jobs`, then executed by 1
//! or 2 worker processes (this executable's `job-worker` role, the real `paygate_jobs::Worker`).

use std::{
    process::Stdio,
    time::{Duration, Instant},
};

use anyhow::{Context, bail};
use async_trait::async_trait;
use paygate_jobs::{Handler, Job, JobContext, JobError, Registry, Worker, WorkerConfig};
use serde::{Deserialize, Serialize};
use sqlx::{PgPool, postgres::PgPoolOptions};
use tokio::io::{AsyncBufReadExt, BufReader};
use tokio_util::sync::CancellationToken;

/// A job that does nothing: what is measured is the queue itself.
#[derive(Debug, Serialize, Deserialize)]
pub struct NoOp {
    pub n: u64,
}

impl Job for NoOp {
    const KIND: &'static str = "bench.noop";
}

struct NoOpHandler;

#[async_trait]
impl Handler for NoOpHandler {
    type Job = NoOp;

    async fn run(&self, _ctx: &JobContext, _job: NoOp) -> Result<(), JobError> {
        Ok(())
    }
}

/// Connections of one worker process (as PAYGATE_DB_MAX_CONNECTIONS would give it).
const WORKER_POOL: u32 = 10;

/// The `job-worker <database url> <concurrency>` role: runs no-op jobs until killed.
pub async fn worker_process(url: &str, concurrency: usize) -> anyhow::Result<()> {
    let pool = PgPoolOptions::new().max_connections(WORKER_POOL).connect(url).await?;
    let config = WorkerConfig { concurrency, ..WorkerConfig::default() };
    let worker = Worker::new(pool, Registry::new().register(NoOpHandler), config);
    println!("ready");
    worker.run(CancellationToken::new()).await?;
    Ok(())
}

/// What one run measured.
#[derive(Debug, Clone, Copy)]
pub struct QueueRun {
    pub enqueued_per_second: f64,
    pub executed_per_second: f64,
    pub jobs: u64,
}

/// Enqueues `jobs` no-op jobs (batches of `batch` per transaction), then runs them with `workers`
/// processes of `concurrency` each and times until every one has succeeded (at most `limit`).
pub async fn run(
    pool: &PgPool,
    url: &str,
    jobs: u64,
    batch: u64,
    workers: usize,
    concurrency: usize,
    limit: Duration,
) -> anyhow::Result<QueueRun> {
    sqlx::query("DELETE FROM jobs").execute(pool).await?;
    let started = Instant::now();
    let mut n = 0;
    while n < jobs {
        let mut tx = pool.begin().await?;
        for _ in 0..batch.min(jobs - n) {
            paygate_jobs::enqueue(&mut tx, &NoOp { n }).await?;
            n += 1;
        }
        tx.commit().await?;
    }
    let enqueued_per_second = jobs as f64 / started.elapsed().as_secs_f64();
    sqlx::raw_sql("VACUUM ANALYZE jobs").execute(pool).await?;

    let exe = std::env::current_exe()?;
    let mut children = Vec::new();
    for _ in 0..workers {
        children.push(
            tokio::process::Command::new(&exe)
                .args(["job-worker", url, &concurrency.to_string()])
                .stdout(Stdio::piped())
                .stderr(Stdio::null())
                .kill_on_drop(true)
                .spawn()?,
        );
    }
    // The clock starts when the first worker can claim.
    let mut begun = None;
    for child in &mut children {
        let stdout = child.stdout.take().context("worker stdout")?;
        let mut lines = BufReader::new(stdout).lines();
        match tokio::time::timeout(Duration::from_secs(30), lines.next_line()).await {
            Ok(Ok(Some(line))) if line == "ready" => {
                begun.get_or_insert_with(Instant::now);
            }
            other => bail!("job worker did not start: {other:?}"),
        }
    }
    let begun = begun.unwrap_or_else(Instant::now);
    let done = loop {
        let succeeded: i64 =
            sqlx::query_scalar("SELECT count(*) FROM jobs WHERE state = 'succeeded'").fetch_one(pool).await?;
        if u64::try_from(succeeded).unwrap_or(0) >= jobs {
            break begun.elapsed();
        }
        if begun.elapsed() > limit {
            bail!("only {succeeded} of {jobs} no-op jobs ran within {limit:?}");
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    };
    for mut child in children {
        let _ = child.kill().await;
    }
    Ok(QueueRun { enqueued_per_second, executed_per_second: jobs as f64 / done.as_secs_f64(), jobs })
}
