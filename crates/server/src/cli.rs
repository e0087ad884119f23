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
    /// Manage operator accounts.
    Operator {
        #[command(subcommand)]
        action: OperatorAction,
    },
    /// Sandbox time, on a sandbox platform only (no bot token, sandbox swap and wallet): let
    /// subscriptions expire now, or run a threshold channel's batch pass now. Works beside a running
    /// `paygate up` (same PAYGATE_DATA_DIR or PAYGATE_DATABASE_URL); its worker and bot do the rest.
    Sandbox {
        #[command(subcommand)]
        action: SandboxAction,
    },
    /// Play a scripted story on a throwaway sandbox platform (temporary data dir, no keys): an owner,
    /// channels, subscribers who buy, renew, donate and underpay, invites, an expiry, payouts. Checks
    /// every step against the database and exits non-zero with the step that failed.
    ///
    /// With --url it plays on a running sandbox platform instead (e.g. your `paygate up`, to watch the
    /// story in its dashboard and /sandbox/telegram). The demo checks every step in that platform's
    /// database, so give it the same PAYGATE_DATA_DIR (its embedded PostgreSQL, while `up` runs) or
    /// PAYGATE_DATABASE_URL. Every adapter must be a sandbox and PAYGATE_INVITE_MODE join_request. The
    /// platform's own paces apply: the default sandbox swap takes minutes (start `up` with
    /// PAYGATE_SANDBOX_SWAP_STEP=1s PAYGATE_SANDBOX_WALLET_CONFIRM=1s PAYGATE_SWAP_POLL_INTERVAL=10s
    /// for a run of a few minutes). Each run uses fresh names, so it can run again on one platform.
    #[command(verbatim_doc_comment)]
    Demo {
        /// Make the sandbox swap fail the first exchange (to see the demo catch a broken step).
        #[arg(long)]
        fault_swap: bool,
        /// Keep the temporary data dir afterwards (not with --url).
        #[arg(long, conflicts_with = "url")]
        keep: bool,
        /// Base URL of a running sandbox platform to play on, e.g. http://127.0.0.1:8080.
        #[arg(long, value_name = "BASE_URL")]
        url: Option<url::Url>,
    },
}

#[derive(Debug, Subcommand)]
pub enum SandboxAction {
    /// End a subscriber's active subscriptions (or one subscription) now: the bot removes them from the
    /// closed channel and sends the expiry message with a renew button.
    Expire {
        /// The subscriber's (sandbox) Telegram user id: all their active subscriptions.
        #[arg(long, value_name = "TELEGRAM_ID", required_unless_present = "subscription")]
        subscriber: Option<i64>,
        /// One subscription, by its id.
        #[arg(long, value_name = "SUBSCRIPTION_ID", conflicts_with = "subscriber")]
        subscription: Option<uuid::Uuid>,
    },
    /// Run a channel's batch pass now instead of at the next PAYGATE_BATCH_INTERVAL tick: a batch pays
    /// its converted balance if it reached the channel's threshold; otherwise says why not (exit 1).
    BatchNow {
        /// The channel's id (as in the dashboard and the API).
        #[arg(long, value_name = "CHANNEL_ID")]
        channel: uuid::Uuid,
    },
}

#[derive(Debug, Subcommand)]
pub enum OperatorAction {
    /// Create an operator account. The password is read from a prompt on a terminal, otherwise
    /// from the first line of standard input (never from the command line).
    Create {
        #[arg(long)]
        username: String,
        #[arg(long)]
        email: String,
    },
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

/// Parses the command line and environment; a bad value is reported with the variable it came
/// from and never echoes a secret.
pub fn parse() -> Result<Cli, String> {
    use clap::Parser as _;
    Cli::try_parse().map_err(|error| match explain(&error) {
        Some(message) => format!("error: {message}"),
        None => error.render().to_string(),
    })
}

/// Rewrites a bad-value error to name the `PAYGATE_*` variable, with the parser's reason only.
fn explain(error: &clap::Error) -> Option<String> {
    use clap::{
        CommandFactory,
        error::{ContextKind, ContextValue, ErrorKind},
    };
    if !matches!(error.kind(), ErrorKind::ValueValidation | ErrorKind::InvalidValue) {
        return None;
    }
    let Some(ContextValue::String(arg)) = error.get(ContextKind::InvalidArg) else { return None };
    let long = arg.split_whitespace().next()?.trim_start_matches("--").to_owned();
    let command = Cli::command();
    let argument = command.get_arguments().find(|a| a.get_long() == Some(long.as_str()))?;
    let variable = argument.get_env()?.to_string_lossy().into_owned();
    let reason = match std::error::Error::source(error) {
        Some(source) => source.to_string(),
        None => match error.get(ContextKind::ValidValue) {
            Some(ContextValue::Strings(values)) => format!("must be one of: {}", values.join(", ")),
            _ => "invalid value".to_owned(),
        },
    };
    Some(format!("{variable} (--{long}) is invalid: {reason}"))
}
