//! Command-line interface: roles and admin subcommands, with every `PAYGATE_*` variable documented.

use clap::{Parser, Subcommand};

use crate::config::Config;

/// Paygate sells paid access to private Telegram channels for cryptocurrency.
///
/// Every option can be given as a flag or as the environment variable shown next to it (a `.env`
/// file in the working directory is read too). Unset provider credentials select the built-in sandbox
/// adapters; secrets are never printed.
#[derive(Debug, Parser)]
#[command(name = "paygate", version, about, long_about, max_term_width = 110)]
pub struct Cli {
    #[command(flatten)]
    pub config: Config,

    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Everything in one process: HTTP API and dashboard, webhooks, job workers, scheduler, bot.
    Up,
    /// HTTP API, dashboard and webhooks only (run any number behind a load balancer).
    Serve,
    /// Job workers and the scheduler only (run any number).
    Worker,
    /// The Telegram bot in long-polling mode (run exactly one).
    Bot,
    /// Apply database migrations and exit.
    Migrate,
    /// Inspect and act on background jobs.
    Jobs {
        #[command(subcommand)]
        action: JobsAction,
    },
    /// Print the effective configuration (secrets redacted).
    Config,
}

#[derive(Debug, Subcommand)]
pub enum JobsAction {
    /// List jobs that need attention (failed fatally or ran out of retries).
    Attention {
        #[arg(long, default_value_t = 50)]
        limit: i64,
    },
    /// Put a job that needs attention back in the queue with a fresh attempt budget.
    Retry { id: i64 },
    /// Cancel a pending or needs-attention job.
    Cancel { id: i64 },
}
