//! Cron against a real PostgreSQL: one run per tick across instances, catch-up after downtime.

#![allow(clippy::unwrap_used, clippy::expect_used)] // a failing test should fail loudly

use std::time::Duration;

use async_trait::async_trait;
use chrono::{DateTime, TimeZone, Utc};
use paygate_jobs::{
    CronSpec, Handler, Job, JobContext, JobError, Registry, Worker, WorkerConfig, run_cron_pass,
};
use paygate_test_support::fresh_database;
use serde::{Deserialize, Serialize};
use tokio_util::sync::CancellationToken;

#[derive(Debug, Serialize, Deserialize)]
struct Tick {
    at: DateTime<Utc>,
}

impl Job for Tick {
    const KIND: &'static str = "test.tick";
}

struct TickHandler;

#[async_trait]
impl Handler for TickHandler {
    type Job = Tick;
    async fn run(&self, ctx: &JobContext, job: Tick) -> Result<(), JobError> {
        sqlx::query("INSERT INTO tick_runs (at) VALUES ($1)").bind(job.at).execute(&ctx.pool).await?;
        Ok(())
    }
}

fn every_minute() -> CronSpec {
    CronSpec::new("test.every_minute", Duration::from_secs(60), |at| Tick { at }).max_catch_up(10)
}

fn at(minute: i64, second: i64) -> DateTime<Utc> {
    Utc.timestamp_opt(1_790_000_040 + minute * 60 + second, 0).unwrap()
}

async fn tick_jobs(pool: &sqlx::PgPool) -> Vec<DateTime<Utc>> {
    sqlx::query_scalar("SELECT run_at FROM jobs WHERE kind = 'test.tick' ORDER BY run_at")
        .fetch_all(pool)
        .await
        .unwrap()
}

#[tokio::test]
async fn an_every_minute_cron_fires_each_tick_once_with_two_instances_passing_concurrently() {
    let pool = fresh_database().await;
    let spec = every_minute();
    // Two instances tick every few seconds over five minutes; each minute must fire exactly once.
    for minute in 0..5 {
        for second in [0, 7, 30, 59] {
            let now = at(minute, second);
            let (a, b) = tokio::join!(run_cron_pass(&pool, &spec, now), run_cron_pass(&pool, &spec, now));
            a.unwrap();
            b.unwrap();
        }
    }
    let ticks = tick_jobs(&pool).await;
    let expected: Vec<_> = (0..5).map(|m| at(m, 0)).collect();
    assert_eq!(ticks, expected);
}

#[tokio::test]
async fn missed_ticks_are_caught_up_after_downtime_within_the_limit() {
    let pool = fresh_database().await;
    let spec = every_minute();
    assert_eq!(run_cron_pass(&pool, &spec, at(0, 5)).await.unwrap(), 1);
    // Down for 4 minutes: the next pass fires the 4 missed ticks, each once.
    assert_eq!(run_cron_pass(&pool, &spec, at(4, 1)).await.unwrap(), 4);
    assert_eq!(run_cron_pass(&pool, &spec, at(4, 2)).await.unwrap(), 0);
    // Down for 30 minutes with a catch-up limit of 10: only the 10 latest ticks fire.
    assert_eq!(run_cron_pass(&pool, &spec, at(34, 0)).await.unwrap(), 10);
    let ticks = tick_jobs(&pool).await;
    assert_eq!(ticks.len(), 15);
    assert_eq!(ticks.last().copied(), Some(at(34, 0)));
    assert_eq!(ticks[5], at(25, 0));
}

#[tokio::test]
async fn two_running_workers_run_each_cron_tick_once() {
    let pool = fresh_database().await;
    sqlx::query("CREATE TABLE tick_runs (at TIMESTAMPTZ NOT NULL)").execute(&pool).await.unwrap();
    let spec = CronSpec::new("test.every_second", Duration::from_secs(1), |at| Tick { at });
    let token = CancellationToken::new();
    let mut workers = Vec::new();
    for id in ["w1", "w2"] {
        let config = WorkerConfig {
            id: id.into(),
            concurrency: 2,
            poll_interval: Duration::from_millis(50),
            lease: Duration::from_secs(30),
            tick_interval: Duration::from_millis(100),
        };
        let worker = Worker::new(pool.clone(), Registry::new().register(TickHandler), config)
            .with_crons(vec![spec.clone()]);
        let token = token.clone();
        workers.push(tokio::spawn(async move { worker.run(token).await.unwrap() }));
    }
    tokio::time::sleep(Duration::from_millis(4500)).await;
    token.cancel();
    for worker in workers {
        worker.await.unwrap();
    }
    let (runs, distinct): (i64, i64) =
        sqlx::query_as("SELECT count(*), count(DISTINCT at) FROM tick_runs").fetch_one(&pool).await.unwrap();
    assert!(runs >= 3, "ticks fired ({runs})");
    assert_eq!(runs, distinct, "no tick ran twice");
}
