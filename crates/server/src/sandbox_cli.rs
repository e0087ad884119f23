//! `paygate sandbox …`: sandbox time from the command line (expire subscriptions, run a batch pass now),
//! refused with a clear message unless the platform runs on sandboxes.

use anyhow::bail;
use paygate_app::{
    AppError,
    payouts::{sandbox_time::payouts_are_sandbox, threshold::BatchStart},
    subscribers::sandbox_time::telegram_is_sandbox,
};

use crate::{cli::SandboxAction, platform::Platform};

/// Runs one sandbox-time action; `Err` (exit 1) when refused or when nothing happened.
pub async fn run(platform: &Platform, action: SandboxAction) -> anyhow::Result<()> {
    let app = &platform.app;
    match action {
        SandboxAction::Expire { subscriber, subscription } => {
            if !telegram_is_sandbox(app) {
                bail!(
                    "not a sandbox platform: PAYGATE_TELEGRAM_BOT_TOKEN is set, so subscriptions follow real \
                     time (sandbox time works only with the sandbox Telegram)"
                );
            }
            if let Some(id) = subscription {
                match paygate_app::subscribers::sandbox_time::expire_subscription_now(app, id).await {
                    Ok(()) => {
                        println!("⏩ subscription {id} expires now: the bot removes the member in a moment")
                    }
                    Err(AppError::NotFound) => bail!("no active subscription {id}"),
                    Err(error) => return Err(error.into()),
                }
            } else if let Some(user) = subscriber {
                match paygate_app::subscribers::sandbox_time::expire_now(app, user).await? {
                    0 => bail!("Telegram user {user} has no active subscription"),
                    n => println!(
                        "⏩ {n} subscription(s) of Telegram user {user} expire now: the bot removes them in a moment"
                    ),
                }
            }
        }
        SandboxAction::BatchNow { channel } => {
            if !payouts_are_sandbox(app) {
                bail!(
                    "not a sandbox platform: a bot token, a swap provider key or a host wallet is configured, \
                     so batches follow PAYGATE_BATCH_INTERVAL (an owner can still use \"pay out now\")"
                );
            }
            let done = match paygate_app::payouts::sandbox_time::batch_now(app, channel).await {
                Ok(done) => done,
                Err(AppError::NotFound) => bail!("no channel {channel}"),
                Err(error) => return Err(error.into()),
            };
            let balance = done.converted_usdt;
            match (done.outcome, done.threshold_usd) {
                (BatchStart::Started(id), _) => {
                    println!("🏦 batch {id} started for channel {channel}: the worker pays it out now")
                }
                (BatchStart::BelowThreshold, Some(threshold)) => bail!(
                    "channel {channel} holds {balance} USDT converted, below its {threshold} USD threshold: \
                     no batch (payments count once converted to USDT)"
                ),
                (BatchStart::BelowThreshold, None) => {
                    bail!("channel {channel} is below its threshold: no batch")
                }
                (BatchStart::Empty, _) => bail!(
                    "channel {channel} holds no converted USDT yet: no batch (payments count once the \
                     conversion pass has converted them)"
                ),
                (BatchStart::InFlight, _) => {
                    bail!("a batch of channel {channel} is under way or needs attention")
                }
                (BatchStart::BelowMinimum, _) => bail!(
                    "channel {channel} holds {balance} USDT, below the smallest amount the exchange accepts"
                ),
            }
        }
    }
    Ok(())
}
