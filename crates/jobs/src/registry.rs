//! Typed job handlers, registered in one place and looked up by job kind.

use std::{collections::HashMap, sync::Arc};

use async_trait::async_trait;
use sqlx::PgPool;

use crate::{Job, JobError, JobId};

/// What a handler knows about the attempt it is running.
#[derive(Debug, Clone)]
pub struct JobContext {
    pub pool: PgPool,
    pub job_id: JobId,
    /// 1 for the first try.
    pub attempt: i32,
    pub max_attempts: i32,
}

impl JobContext {
    /// True when a failure now would move the job to needs-attention.
    pub fn is_last_attempt(&self) -> bool {
        self.attempt >= self.max_attempts
    }
}

/// Runs one kind of job. Handlers must be idempotent: a crash after the work but before the
/// job is marked done runs it again.
#[async_trait]
pub trait Handler: Send + Sync + 'static {
    type Job: Job;
    async fn run(&self, ctx: &JobContext, job: Self::Job) -> Result<(), JobError>;
}

#[async_trait]
trait ErasedHandler: Send + Sync {
    async fn run_json(&self, ctx: &JobContext, payload: serde_json::Value) -> Result<(), JobError>;
}

struct Typed<H>(H);

#[async_trait]
impl<H: Handler> ErasedHandler for Typed<H> {
    async fn run_json(&self, ctx: &JobContext, payload: serde_json::Value) -> Result<(), JobError> {
        let job: H::Job = serde_json::from_value(payload)
            .map_err(|e| JobError::fatal(format!("payload does not match {}: {e}", H::Job::KIND)))?;
        self.0.run(ctx, job).await
    }
}

/// Every job kind this process can run.
#[derive(Clone, Default)]
pub struct Registry {
    handlers: HashMap<&'static str, Arc<dyn ErasedHandler>>,
}

impl std::fmt::Debug for Registry {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Registry").field("kinds", &self.kinds()).finish()
    }
}

impl Registry {
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds `handler` for its job kind; a second handler for the same kind replaces the first.
    pub fn register<H: Handler>(mut self, handler: H) -> Self {
        self.handlers.insert(H::Job::KIND, Arc::new(Typed(handler)));
        self
    }

    pub fn kinds(&self) -> Vec<&'static str> {
        let mut kinds: Vec<_> = self.handlers.keys().copied().collect();
        kinds.sort_unstable();
        kinds
    }

    pub(crate) async fn run(
        &self,
        kind: &str,
        ctx: &JobContext,
        payload: serde_json::Value,
    ) -> Result<(), JobError> {
        match self.handlers.get(kind) {
            Some(handler) => handler.run_json(ctx, payload).await,
            None => Err(JobError::fatal(format!("no handler registered for job kind {kind}"))),
        }
    }
}
