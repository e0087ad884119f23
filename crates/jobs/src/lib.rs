//! Durable jobs on PostgreSQL: enqueue inside the caller's transaction, typed handlers, bounded retries,
//! a "needs attention" state, and cron ticks that run once across all instances.

mod admin;
mod backoff;
mod cron;
mod error;
mod job;
mod registry;
mod store;
mod worker;

pub use admin::{
    JobRecord, JobState, UnfinishedCounts, cancel, count_by_state, count_unfinished_capped, get,
    list_needing_attention, purge_finished, retry,
};
pub use backoff::backoff_delay;
pub use cron::{CronSpec, run_cron_pass};
pub use error::{BoxError, JobError, JobsError};
pub use job::{EnqueueOptions, Job, JobId, enqueue, enqueue_with};
pub use registry::{Handler, JobContext, Registry};
pub use worker::{Worker, WorkerConfig};

/// PostgreSQL channel that enqueues notify so idle workers wake at once.
pub const NOTIFY_CHANNEL: &str = "paygate_jobs";
