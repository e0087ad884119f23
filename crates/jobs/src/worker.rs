//! The worker loop: claims jobs, runs their handlers, records outcomes, fires cron ticks.

use std::{sync::Arc, time::Duration};

use chrono::Utc;
use sqlx::{PgPool, postgres::PgListener};
use tokio::sync::{Notify, Semaphore};
use tokio_util::sync::CancellationToken;
use tracing::Instrument;

use crate::{
    CronSpec, JobContext, JobError, JobId, JobsError, NOTIFY_CHANNEL, Registry, backoff_delay,
    cron::run_cron_pass,
    store::{self, Claimed},
};

/// Tuning of one worker process.
#[derive(Debug, Clone)]
pub struct WorkerConfig {
    /// Identifies this worker in `jobs.locked_by`.
    pub id: String,
    /// Jobs run at the same time by this worker.
    pub concurrency: usize,
    /// Longest wait between polls when no NOTIFY arrives.
    pub poll_interval: Duration,
    /// How long a claimed job is leased; a handler running longer is cut off and retried.
    pub lease: Duration,
    /// How often expired leases are recovered and cron schedules checked.
    pub tick_interval: Duration,
}

impl Default for WorkerConfig {
    fn default() -> Self {
        Self {
            id: format!("worker-{}", uuid::Uuid::new_v4()),
            concurrency: 8,
            poll_interval: Duration::from_secs(2),
            lease: Duration::from_secs(300),
            tick_interval: Duration::from_secs(1),
        }
    }
}

/// Runs registered jobs from the shared queue until cancelled.
#[derive(Debug)]
pub struct Worker {
    pool: PgPool,
    registry: Arc<Registry>,
    crons: Vec<CronSpec>,
    config: WorkerConfig,
}

impl Worker {
    pub fn new(pool: PgPool, registry: Registry, config: WorkerConfig) -> Self {
        Self { pool, registry: Arc::new(registry), crons: Vec::new(), config }
    }

    /// Cron schedules this worker helps fire (every worker may carry all of them: each tick still
    /// fires once).
    pub fn with_crons(mut self, crons: Vec<CronSpec>) -> Self {
        self.crons = crons;
        self
    }

    /// Polls and runs jobs until `shutdown` is cancelled, then waits for running jobs to finish.
    pub async fn run(self, shutdown: CancellationToken) -> Result<(), JobsError> {
        let wake = Arc::new(Notify::new());
        let listener = tokio::spawn(listen(self.pool.clone(), wake.clone(), shutdown.clone()));
        let ticker = tokio::spawn(tick(
            self.pool.clone(),
            self.crons.clone(),
            self.config.tick_interval,
            shutdown.clone(),
        ));
        tracing::info!(kind = "startup", worker_id = %self.config.id, kinds = ?self.registry.kinds(), "job worker started");

        let kinds: Vec<String> = self.registry.kinds().into_iter().map(str::to_owned).collect();
        let slots = Arc::new(Semaphore::new(self.config.concurrency.max(1)));
        let result = self.claim_loop(&kinds, &slots, &wake, &shutdown).await;

        // Let running jobs finish (they hold a lease; a hard kill is recovered by the sweep).
        let all = u32::try_from(self.config.concurrency.max(1)).unwrap_or(u32::MAX);
        let _ = tokio::time::timeout(self.config.lease, slots.acquire_many(all)).await;
        listener.abort();
        ticker.abort();
        tracing::info!(kind = "status", worker_id = %self.config.id, "job worker stopped");
        result
    }

    async fn claim_loop(
        &self,
        kinds: &[String],
        slots: &Arc<Semaphore>,
        wake: &Notify,
        shutdown: &CancellationToken,
    ) -> Result<(), JobsError> {
        loop {
            let first = tokio::select! {
                _ = shutdown.cancelled() => return Ok(()),
                permit = slots.clone().acquire_owned() => match permit {
                    Ok(permit) => permit,
                    Err(_closed) => return Ok(()),
                },
            };
            // Claim as many jobs as there are free slots, in one statement: one commit (one WAL
            // flush) for all of them instead of one per job, never more than this worker can run now.
            let mut permits = vec![first];
            while let Ok(permit) = slots.clone().try_acquire_owned() {
                permits.push(permit);
            }
            let limit = i64::try_from(permits.len()).unwrap_or(1);
            let claimed =
                match store::claim(&self.pool, &self.config.id, kinds, self.config.lease, limit).await {
                    Ok(claimed) => claimed,
                    Err(error) => {
                        tracing::warn!(kind = "db", %error, "could not claim a job; retrying");
                        Vec::new()
                    }
                };
            if claimed.is_empty() {
                drop(permits);
                tokio::select! {
                    _ = shutdown.cancelled() => return Ok(()),
                    _ = wake.notified() => {},
                    _ = tokio::time::sleep(self.config.poll_interval) => {},
                }
                continue;
            }
            // Unused permits (fewer runnable jobs than free slots) go back when dropped.
            for (job, permit) in claimed.into_iter().zip(permits) {
                let runner = self.runner();
                tokio::spawn(async move {
                    runner.run(job).await;
                    drop(permit);
                });
            }
        }
    }

    fn runner(&self) -> Runner {
        Runner {
            pool: self.pool.clone(),
            registry: self.registry.clone(),
            worker_id: self.config.id.clone(),
            lease: self.config.lease,
        }
    }
}

/// Runs one claimed job and records its outcome.
struct Runner {
    pool: PgPool,
    registry: Arc<Registry>,
    worker_id: String,
    lease: Duration,
}

impl Runner {
    async fn run(self, job: Claimed) {
        let span = tracing::info_span!("job", job_id = job.id, job_kind = %job.kind, attempt = job.attempts);
        async move {
            let lag = (Utc::now() - job.run_at).to_std().unwrap_or_default();
            metrics::histogram!("paygate_job_queue_lag_seconds", "kind" => job.kind.clone()).record(lag.as_secs_f64());
            let started = std::time::Instant::now();
            let outcome = self.execute(&job).await;
            metrics::histogram!("paygate_job_duration_seconds", "kind" => job.kind.clone())
                .record(started.elapsed().as_secs_f64());
            let label = match self.record(&job, outcome).await {
                Ok(label) => label,
                Err(error) => {
                    tracing::error!(kind = "db", %error, "could not record job outcome; its lease will expire and it will be retried");
                    "unrecorded"
                }
            };
            metrics::counter!("paygate_jobs_total", "kind" => job.kind.clone(), "outcome" => label).increment(1);
        }
        .instrument(span)
        .await;
    }

    async fn execute(&self, job: &Claimed) -> Result<(), JobError> {
        let ctx = JobContext {
            pool: self.pool.clone(),
            job_id: JobId(job.id),
            attempt: job.attempts,
            max_attempts: job.max_attempts,
        };
        let registry = self.registry.clone();
        let kind = job.kind.clone();
        let payload = job.payload.clone();
        // A margin under the lease so the outcome is recorded before another worker may claim it.
        let limit = self.lease.mul_f64(0.9);
        let mut handle = tokio::spawn(async move { registry.run(&kind, &ctx, payload).await });
        match tokio::time::timeout(limit, &mut handle).await {
            Ok(Ok(result)) => result,
            Ok(Err(join)) if join.is_panic() => Err(JobError::retryable("the handler panicked")),
            Ok(Err(_)) => Err(JobError::retryable("the handler was cancelled")),
            Err(_) => {
                // Stop it, so the retry never runs next to a still-running first attempt.
                handle.abort();
                Err(JobError::retryable(format!("the handler ran longer than {limit:?}")))
            }
        }
    }

    async fn record(
        &self,
        job: &Claimed,
        outcome: Result<(), JobError>,
    ) -> Result<&'static str, sqlx::Error> {
        match outcome {
            Ok(()) => {
                store::succeed(&self.pool, job.id, &self.worker_id, job.attempts).await?;
                tracing::info!(kind = "success", "job succeeded");
                Ok("succeeded")
            }
            Err(error) => {
                let message = error.to_string();
                let exhausted = job.attempts >= job.max_attempts;
                match error {
                    JobError::Retryable { after, .. } if !exhausted => {
                        let delay = after.unwrap_or_else(|| backoff_delay(job.attempts));
                        store::reschedule(&self.pool, job.id, &self.worker_id, job.attempts, delay, &message)
                            .await?;
                        tracing::warn!(kind = "retry", error = %message, retry_in = ?delay, "job failed; will retry");
                        Ok("retried")
                    }
                    JobError::Retryable { .. } => {
                        store::park(&self.pool, job.id, &self.worker_id, job.attempts, &message).await?;
                        tracing::error!(kind = "error", error = %message, "job exhausted its attempts; needs attention");
                        Ok("exhausted")
                    }
                    JobError::Fatal { .. } => {
                        store::park(&self.pool, job.id, &self.worker_id, job.attempts, &message).await?;
                        tracing::error!(kind = "error", error = %message, "job failed fatally; needs attention");
                        Ok("fatal")
                    }
                }
            }
        }
    }
}

/// Turns NOTIFYs from enqueuers into wake-ups; reconnects after errors (polling covers the gap).
async fn listen(pool: PgPool, wake: Arc<Notify>, shutdown: CancellationToken) {
    while !shutdown.is_cancelled() {
        let mut listener = match PgListener::connect_with(&pool).await {
            Ok(listener) => listener,
            Err(error) => {
                tracing::warn!(kind = "db", %error, "job listener could not connect; polling only");
                tokio::time::sleep(Duration::from_secs(5)).await;
                continue;
            }
        };
        if let Err(error) = listener.listen(NOTIFY_CHANNEL).await {
            tracing::warn!(kind = "db", %error, "job listener could not LISTEN; polling only");
            tokio::time::sleep(Duration::from_secs(5)).await;
            continue;
        }
        loop {
            tokio::select! {
                _ = shutdown.cancelled() => return,
                received = listener.recv() => match received {
                    Ok(_) => wake.notify_one(),
                    Err(error) => {
                        tracing::warn!(kind = "db", %error, "job listener lost its connection");
                        break;
                    }
                }
            }
        }
    }
}

/// Fires cron ticks and recovers expired leases on a fixed interval.
async fn tick(pool: PgPool, crons: Vec<CronSpec>, interval: Duration, shutdown: CancellationToken) {
    let mut timer = tokio::time::interval(interval);
    timer.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tokio::select! {
            _ = shutdown.cancelled() => return,
            _ = timer.tick() => {}
        }
        match store::recover_expired_leases(&pool).await {
            Ok(0) => {}
            Ok(n) => tracing::warn!(kind = "retry", recovered = n, "recovered jobs whose worker stopped"),
            Err(error) => tracing::warn!(kind = "db", %error, "lease recovery failed"),
        }
        for spec in &crons {
            if let Err(error) = run_cron_pass(&pool, spec, Utc::now()).await {
                tracing::warn!(kind = "db", cron = spec.name(), %error, "cron pass failed; will retry next tick");
            }
        }
    }
}
