//! The sandbox Telegram: a Bot API stand-in kept in PostgreSQL. The bot reaches it through the
//! `Messenger` port and polls it through `UpdateSource`, exactly like Telegram; its client side
//! plays the people (subscribers and owners) for the sandbox chat page, `paygate demo` and tests.

mod bot_side;
mod client_side;
mod limits;
mod membership;
pub mod rules;
mod updates;
mod world;

use std::sync::Arc;

use paygate_domain::{messenger::MessengerError, telegram_limits::TelegramLimits};
use sqlx::PgPool;
use tokio::sync::Notify;

pub use client_side::{ClientError, LinkOutcome};
pub use world::{Button, ChatKind, JoinRequestView, Member, SandboxChat, SandboxMessage, SandboxUser};

/// The sandbox bot's username (deep links are `https://t.me/paygate_sandbox_bot?start=…`).
pub const SANDBOX_BOT_USERNAME: &str = "paygate_sandbox_bot";
/// The sandbox bot's user id.
pub const SANDBOX_BOT_ID: i64 = 7_000_000_001;

/// The sandbox Telegram; cheap to clone. One instance per process; several processes on one database
/// see the same world (an idle long poll looks at the queue a few times a second).
#[derive(Clone)]
pub struct SandboxTelegram {
    pool: PgPool,
    wake: Arc<Notify>,
    limits: Arc<limits::FloodLimits>,
}

impl std::fmt::Debug for SandboxTelegram {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SandboxTelegram").finish_non_exhaustive()
    }
}

impl SandboxTelegram {
    /// The sandbox Telegram with Telegram's standard flood limits.
    pub fn new(pool: PgPool) -> Self {
        Self::with_limits(pool, TelegramLimits::STANDARD)
    }

    /// The sandbox Telegram refusing calls beyond `limits` (a bot with paid broadcasts, a benchmark).
    pub fn with_limits(pool: PgPool, limits: TelegramLimits) -> Self {
        Self { pool, wake: Arc::new(Notify::new()), limits: Arc::new(limits::FloodLimits::new(limits)) }
    }

    /// How many of the bot's calls Telegram's flood limits refused with 429 (0 when pacing works).
    pub fn flood_refusals(&self) -> u64 {
        self.limits.refused()
    }
}

/// A database failure as the bot sees it: Telegram unreachable (retryable).
fn unavailable(error: sqlx::Error) -> MessengerError {
    MessengerError::Unavailable(format!("sandbox Telegram: {error}"))
}

/// A `400 Bad Request` with Telegram's wording.
fn bad_request(description: impl Into<String>) -> MessengerError {
    MessengerError::Rejected { code: 400, description: description.into() }
}
