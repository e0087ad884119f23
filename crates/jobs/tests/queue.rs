//! The job queue against a real PostgreSQL: transactional enqueue, exactly-once, retries, needs-attention.

#![allow(clippy::unwrap_used, clippy::expect_used)] // a failing test should fail loudly

use std::{
    sync::{
        Arc,
        atomic::{AtomicU32, AtomicUsize, Ordering},
    },
    time::Duration,
};

use async_trait::async_trait;
use paygate_jobs::{
    EnqueueOptions, Handler, Job, JobContext, JobError, JobId, JobState, Registry, Worker, WorkerConfig,
};
use paygate_test_support::fresh_database;
use serde::{Deserialize, Serialize};
use sqlx::PgPool;
use tokio_util::sync::CancellationToken;

#[derive(Debug, Serialize, Deserialize)]
struct Record {
    label: String,
}

impl Job for Record {
    const KIND: &'static str = "test.record";
}

/// Writes one row per run so the test can count executions in the database.
struct RecordHandler;

#[async_trait]
impl Handler for RecordHandler {
    type Job = Record;
    async fn run(&self, ctx: &JobContext, job: Record) -> Result<(), JobError> {
        sqlx::query("INSERT INTO test_runs (label, job_id) VALUES ($1, $2)")
            .bind(&job.label)
            .bind(ctx.job_id.0)
            .execute(&ctx.pool)
            .await?;
        Ok(())
    }
}

#[derive(Debug, Serialize, Deserialize)]
struct Busy {
    label: String,
}

impl Job for Busy {
    const KIND: &'static str = "test.busy";
}

/// Counts how many of its jobs run at the same moment (and the most ever), and records each run.
struct BusyHandler {
    running: Arc<AtomicUsize>,
    most: Arc<AtomicUsize>,
}

#[async_trait]
impl Handler for BusyHandler {
    type Job = Busy;
    async fn run(&self, ctx: &JobContext, job: Busy) -> Result<(), JobError> {
        let now = self.running.fetch_add(1, Ordering::SeqCst) + 1;
        self.most.fetch_max(now, Ordering::SeqCst);
        tokio::time::sleep(Duration::from_millis(20)).await;
        let recorded = sqlx::query("INSERT INTO test_runs (label, job_id) VALUES ($1, $2)")
            .bind(&job.label)
            .bind(ctx.job_id.0)
            .execute(&ctx.pool)
            .await;
        self.running.fetch_sub(1, Ordering::SeqCst);
        recorded?;
        Ok(())
    }
}

#[derive(Debug, Serialize, Deserialize)]
struct Flaky {
    fail_times: u32,
    fatal: bool,
}

impl Job for Flaky {
    const KIND: &'static str = "test.flaky";
    const MAX_ATTEMPTS: i32 = 3;
}

struct FlakyHandler(Arc<AtomicU32>);

#[async_trait]
impl Handler for FlakyHandler {
    type Job = Flaky;
    async fn run(&self, _ctx: &JobContext, job: Flaky) -> Result<(), JobError> {
        let calls = self.0.fetch_add(1, Ordering::SeqCst) + 1;
        if job.fatal {
            return Err(JobError::fatal("the wallet address was rejected"));
        }
        if calls <= job.fail_times {
            // Immediate retry keeps the test fast while exercising the retry path.
            return Err(JobError::retry_after("provider answered 503", Duration::from_millis(10)));
        }
        Ok(())
    }
}

async fn setup() -> PgPool {
    let pool = fresh_database().await;
    sqlx::query("CREATE TABLE test_runs (label TEXT NOT NULL, job_id BIGINT NOT NULL)")
        .execute(&pool)
        .await
        .unwrap();
    pool
}

fn fast_config(id: &str) -> WorkerConfig {
    WorkerConfig {
        id: id.to_owned(),
        concurrency: 4,
        poll_interval: Duration::from_millis(50),
        lease: Duration::from_secs(30),
        tick_interval: Duration::from_millis(200),
    }
}

fn start_worker(
    pool: &PgPool,
    registry: Registry,
    id: &str,
    token: &CancellationToken,
) -> tokio::task::JoinHandle<()> {
    let worker = Worker::new(pool.clone(), registry, fast_config(id));
    let token = token.clone();
    tokio::spawn(async move { worker.run(token).await.unwrap() })
}

async fn wait_until<F, Fut>(what: &str, mut check: F)
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = bool>,
{
    for _ in 0..1200 {
        // up to a minute: a loaded machine is slow, not wrong
        if check().await {
            return;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("timed out waiting until {what}");
}

async fn state_of(pool: &PgPool, id: JobId) -> JobState {
    paygate_jobs::get(pool, id).await.unwrap().unwrap().state
}

async fn runs(pool: &PgPool, label: &str) -> i64 {
    sqlx::query_scalar("SELECT count(*) FROM test_runs WHERE label = $1")
        .bind(label)
        .fetch_one(pool)
        .await
        .unwrap()
}

#[tokio::test]
async fn a_job_enqueued_in_a_rolled_back_transaction_never_runs() {
    let pool = setup().await;
    let mut tx = pool.begin().await.unwrap();
    paygate_jobs::enqueue(&mut tx, &Record { label: "rolled-back".into() }).await.unwrap();
    tx.rollback().await.unwrap();

    let token = CancellationToken::new();
    let worker = start_worker(&pool, Registry::new().register(RecordHandler), "w1", &token);
    // A committed marker job proves the worker was polling while the rolled-back one would have run.
    let mut tx = pool.begin().await.unwrap();
    let marker = paygate_jobs::enqueue(&mut tx, &Record { label: "marker".into() }).await.unwrap();
    tx.commit().await.unwrap();
    wait_until("the marker job ran", || async { state_of(&pool, marker).await == JobState::Succeeded }).await;
    token.cancel();
    worker.await.unwrap();

    assert_eq!(runs(&pool, "rolled-back").await, 0);
    let rows: i64 = sqlx::query_scalar("SELECT count(*) FROM jobs").fetch_one(&pool).await.unwrap();
    assert_eq!(rows, 1, "only the marker job exists");
}

#[tokio::test]
async fn committed_jobs_run_exactly_once_with_two_workers_polling() {
    let pool = setup().await;
    let token = CancellationToken::new();
    let first = start_worker(&pool, Registry::new().register(RecordHandler), "w1", &token);
    let second = start_worker(&pool, Registry::new().register(RecordHandler), "w2", &token);

    let mut ids = Vec::new();
    for n in 0..200 {
        let mut tx = pool.begin().await.unwrap();
        ids.push(paygate_jobs::enqueue(&mut tx, &Record { label: format!("job-{n}") }).await.unwrap());
        tx.commit().await.unwrap();
    }
    wait_until("all 200 jobs succeeded", || async {
        let done: i64 = sqlx::query_scalar("SELECT count(*) FROM jobs WHERE state = 'succeeded'")
            .fetch_one(&pool)
            .await
            .unwrap();
        done == 200
    })
    .await;
    token.cancel();
    first.await.unwrap();
    second.await.unwrap();

    let duplicates: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM (SELECT label FROM test_runs GROUP BY label HAVING count(*) > 1) d",
    )
    .fetch_one(&pool)
    .await
    .unwrap();
    let total: i64 = sqlx::query_scalar("SELECT count(*) FROM test_runs").fetch_one(&pool).await.unwrap();
    assert_eq!((total, duplicates), (200, 0));
    let by_worker: Vec<String> =
        sqlx::query_scalar("SELECT DISTINCT locked_by FROM jobs WHERE locked_by IS NOT NULL")
            .fetch_all(&pool)
            .await
            .unwrap();
    assert!(by_worker.is_empty(), "finished jobs release their lease");
}

#[tokio::test]
async fn a_worker_claims_a_backlog_several_at_a_time_but_never_runs_more_than_its_slots() {
    let pool = setup().await;
    // The backlog exists before any worker polls: each claim may take every free slot at once.
    let mut tx = pool.begin().await.unwrap();
    for n in 0..120 {
        paygate_jobs::enqueue(&mut tx, &Busy { label: format!("busy-{n}") }).await.unwrap();
    }
    tx.commit().await.unwrap();
    let most = [Arc::new(AtomicUsize::new(0)), Arc::new(AtomicUsize::new(0))];
    let token = CancellationToken::new();
    let handler = |most: &Arc<AtomicUsize>| BusyHandler { running: Arc::default(), most: most.clone() };
    let first = start_worker(&pool, Registry::new().register(handler(&most[0])), "w1", &token);
    let second = start_worker(&pool, Registry::new().register(handler(&most[1])), "w2", &token);
    wait_until("all 120 jobs succeeded", || async {
        let done: i64 = sqlx::query_scalar("SELECT count(*) FROM jobs WHERE state = 'succeeded'")
            .fetch_one(&pool)
            .await
            .unwrap();
        done == 120
    })
    .await;
    token.cancel();
    first.await.unwrap();
    second.await.unwrap();

    let (total, distinct): (i64, i64) =
        sqlx::query_as("SELECT count(*), count(DISTINCT label) FROM test_runs")
            .fetch_one(&pool)
            .await
            .unwrap();
    assert_eq!((total, distinct), (120, 120), "each job ran exactly once");
    let attempts: i64 =
        sqlx::query_scalar("SELECT count(*) FROM jobs WHERE attempts <> 1").fetch_one(&pool).await.unwrap();
    assert_eq!(attempts, 0, "no job was claimed twice");
    // Each worker has 4 slots: it never ran more than 4 jobs at once, however many it claimed together.
    for (worker, most) in most.iter().enumerate() {
        let most = most.load(Ordering::SeqCst);
        assert!((1..=4).contains(&most), "worker {worker} ran {most} at once");
    }
}

#[tokio::test]
async fn a_job_that_keeps_failing_needs_attention_after_its_bounded_retries_and_can_be_retried() {
    let pool = setup().await;
    let calls = Arc::new(AtomicU32::new(0));
    let token = CancellationToken::new();
    let worker = start_worker(&pool, Registry::new().register(FlakyHandler(calls.clone())), "w1", &token);

    let mut tx = pool.begin().await.unwrap();
    let id = paygate_jobs::enqueue(&mut tx, &Flaky { fail_times: 4, fatal: false }).await.unwrap();
    tx.commit().await.unwrap();
    wait_until("the job needs attention", || async { state_of(&pool, id).await == JobState::NeedsAttention })
        .await;
    assert_eq!(calls.load(Ordering::SeqCst), 3, "exactly MAX_ATTEMPTS attempts");
    let parked = paygate_jobs::list_needing_attention(&pool, 10).await.unwrap();
    assert_eq!(parked.len(), 1);
    assert_eq!(parked[0].attempts, 3);
    assert!(parked[0].last_error.as_deref().unwrap_or("").contains("503"));

    // The operator retries: a fresh budget of 3, and the 5th call overall succeeds.
    paygate_jobs::retry(&pool, id).await.unwrap();
    wait_until("the retried job succeeded", || async { state_of(&pool, id).await == JobState::Succeeded })
        .await;
    assert_eq!(calls.load(Ordering::SeqCst), 5);
    assert!(paygate_jobs::retry(&pool, id).await.is_err(), "a succeeded job cannot be retried");
    token.cancel();
    worker.await.unwrap();
}

#[tokio::test]
async fn a_fatal_failure_needs_attention_at_once_and_can_be_cancelled() {
    let pool = setup().await;
    let calls = Arc::new(AtomicU32::new(0));
    let token = CancellationToken::new();
    let worker = start_worker(&pool, Registry::new().register(FlakyHandler(calls.clone())), "w1", &token);

    let mut tx = pool.begin().await.unwrap();
    let id = paygate_jobs::enqueue(&mut tx, &Flaky { fail_times: 0, fatal: true }).await.unwrap();
    tx.commit().await.unwrap();
    wait_until("the job needs attention", || async { state_of(&pool, id).await == JobState::NeedsAttention })
        .await;
    assert_eq!(calls.load(Ordering::SeqCst), 1, "fatal errors are not retried");
    paygate_jobs::cancel(&pool, id).await.unwrap();
    assert_eq!(state_of(&pool, id).await, JobState::Cancelled);
    token.cancel();
    worker.await.unwrap();
}

#[tokio::test]
async fn a_job_of_an_unknown_kind_or_with_a_bad_payload_needs_attention() {
    let pool = setup().await;
    sqlx::query("INSERT INTO jobs (kind, payload, max_attempts) VALUES ('test.record', '{\"nope\": 1}', 5)")
        .execute(&pool)
        .await
        .unwrap();
    let token = CancellationToken::new();
    let worker = start_worker(&pool, Registry::new().register(RecordHandler), "w1", &token);
    wait_until("the malformed job needs attention", || async {
        paygate_jobs::list_needing_attention(&pool, 10).await.unwrap().len() == 1
    })
    .await;
    token.cancel();
    worker.await.unwrap();
    let parked = paygate_jobs::list_needing_attention(&pool, 10).await.unwrap();
    assert_eq!(parked[0].attempts, 1);
    assert!(parked[0].last_error.as_deref().unwrap_or("").contains("payload"));
}

#[tokio::test]
async fn a_dedupe_key_enqueues_a_job_only_once() {
    let pool = setup().await;
    let options =
        || EnqueueOptions { dedupe_key: Some("payment:42:invite".into()), ..EnqueueOptions::default() };
    let mut conn = pool.acquire().await.unwrap();
    let first =
        paygate_jobs::enqueue_with(&mut conn, &Record { label: "a".into() }, options()).await.unwrap();
    let second =
        paygate_jobs::enqueue_with(&mut conn, &Record { label: "b".into() }, options()).await.unwrap();
    assert!(first.is_some());
    assert_eq!(second, None);
}

#[tokio::test]
async fn a_job_whose_worker_died_is_recovered_after_its_lease_expires() {
    let pool = setup().await;
    let mut conn = pool.acquire().await.unwrap();
    let id = paygate_jobs::enqueue(&mut conn, &Record { label: "orphan".into() }).await.unwrap();
    drop(conn);
    // Simulate a worker killed mid-job: claimed, lease already expired.
    sqlx::query(
        "UPDATE jobs SET state = 'running', attempts = 1, locked_by = 'dead', locked_until = now() - interval '1 s' WHERE id = $1",
    )
    .bind(id.0)
    .execute(&pool)
    .await
    .unwrap();
    let token = CancellationToken::new();
    let worker = start_worker(&pool, Registry::new().register(RecordHandler), "w1", &token);
    wait_until("the orphaned job ran", || async { state_of(&pool, id).await == JobState::Succeeded }).await;
    token.cancel();
    worker.await.unwrap();
    assert_eq!(runs(&pool, "orphan").await, 1);
}

#[derive(Debug, Serialize, Deserialize)]
struct Slow;

impl Job for Slow {
    const KIND: &'static str = "test.slow";
    const MAX_ATTEMPTS: i32 = 1;
}

/// Sleeps past its lease, then would record a run.
struct SlowHandler;

#[async_trait]
impl Handler for SlowHandler {
    type Job = Slow;
    async fn run(&self, ctx: &JobContext, _job: Slow) -> Result<(), JobError> {
        tokio::time::sleep(Duration::from_secs(3)).await;
        sqlx::query("INSERT INTO test_runs (label, job_id) VALUES ('slow', $1)")
            .bind(ctx.job_id.0)
            .execute(&ctx.pool)
            .await?;
        Ok(())
    }
}

#[tokio::test]
async fn a_handler_that_outlives_its_lease_is_stopped_and_never_finishes_behind_the_retry() {
    let pool = setup().await;
    let token = CancellationToken::new();
    let config = WorkerConfig { lease: Duration::from_secs(1), ..fast_config("w1") };
    let worker = Worker::new(pool.clone(), Registry::new().register(SlowHandler), config);
    let running = tokio::spawn({
        let token = token.clone();
        async move { worker.run(token).await.unwrap() }
    });
    let mut conn = pool.acquire().await.unwrap();
    let id = paygate_jobs::enqueue(&mut conn, &Slow).await.unwrap();
    drop(conn);
    wait_until("the job is parked", || async { state_of(&pool, id).await == JobState::NeedsAttention }).await;
    let job = paygate_jobs::get(&pool, id).await.unwrap().unwrap();
    assert!(job.last_error.unwrap_or_default().contains("ran longer"));
    tokio::time::sleep(Duration::from_secs(4)).await;
    assert_eq!(runs(&pool, "slow").await, 0, "the timed-out handler was aborted");
    token.cancel();
    running.await.unwrap();
}

#[derive(Debug, Serialize, Deserialize)]
struct Overtaken;

impl Job for Overtaken {
    const KIND: &'static str = "test.overtaken";
    const MAX_ATTEMPTS: i32 = 5;
}

/// The first attempt finds its job claimed again meanwhile (as after its lease expired on a stalled
/// process: same worker, a newer attempt, a fresh lease) and then fails; later attempts succeed.
struct OvertakenHandler;

#[async_trait]
impl Handler for OvertakenHandler {
    type Job = Overtaken;
    async fn run(&self, ctx: &JobContext, _job: Overtaken) -> Result<(), JobError> {
        sqlx::query("INSERT INTO test_runs (label, job_id) VALUES ('overtaken', $1)")
            .bind(ctx.job_id.0)
            .execute(&ctx.pool)
            .await?;
        if ctx.attempt > 1 {
            return Ok(());
        }
        sqlx::query(
            "UPDATE jobs SET attempts = attempts + 1, locked_until = now() + interval '1 s' WHERE id = $1",
        )
        .bind(ctx.job_id.0)
        .execute(&ctx.pool)
        .await?;
        Err(JobError::fatal("the stale attempt failed"))
    }
}

#[tokio::test]
async fn a_stale_attempt_never_records_its_outcome_over_a_newer_attempt() {
    let pool = setup().await;
    let mut conn = pool.acquire().await.unwrap();
    let id = paygate_jobs::enqueue(&mut conn, &Overtaken).await.unwrap();
    drop(conn);
    let token = CancellationToken::new();
    let worker = start_worker(&pool, Registry::new().register(OvertakenHandler), "w1", &token);

    // The stale attempt's fatal failure must not park the job the newer attempt holds: once that
    // lease lapses the job runs again and succeeds.
    wait_until("the job to succeed", || async { state_of(&pool, id).await == JobState::Succeeded }).await;
    token.cancel();
    worker.await.unwrap();
    assert_eq!(runs(&pool, "overtaken").await, 2);
}
