//! `paygate demo --url`: the story on a running sandbox platform. The demo plays the sandbox Telegram's
//! people and checks every step in the platform's database, so it reaches that database the way the
//! admin commands do (the same PAYGATE_DATA_DIR beside a running `paygate up`, or PAYGATE_DATABASE_URL);
//! the running platform's server, worker and bot do everything else, at their own paces.

use anyhow::{Context, ensure};
use serde_json::Value;

use super::{DemoOptions, conclude, driver, inject_swap_fault, tell};
use crate::{config::Config, platform::Platform};

/// Plays the story on the platform at `url`; `Err` names the failing step (or why it cannot start).
pub async fn run(config: Config, url: url::Url, options: DemoOptions) -> anyhow::Result<()> {
    let base = url.as_str().trim_end_matches('/').to_owned();
    let http = reqwest::Client::new();
    check_sandbox(&http, &base).await?;
    let platform = Platform::start(config).await?;
    let outcome = play(&platform, http, base, options.fault_swap).await;
    platform.stop().await?;
    conclude(outcome)
}

async fn play(
    platform: &Platform,
    http: reqwest::Client,
    base: String,
    fault_swap: bool,
) -> anyhow::Result<()> {
    let telegram = platform.sandbox_telegram.clone().context(
        "PAYGATE_TELEGRAM_BOT_TOKEN is set here: the demo plays the sandbox Telegram, which runs only without a bot token",
    )?;
    // A fresh tag per run: the platform may hold earlier runs' accounts and Telegram usernames.
    let tag = format!("_{}", &uuid::Uuid::new_v4().simple().to_string()[..6]);
    println!(
        "🧪 Paygate demo on the running platform at {base} (its data and its paces; this run's names end in {tag})"
    );
    if fault_swap {
        inject_swap_fault(&platform.app).await?;
    }
    let driver = driver::Driver {
        app: platform.app.clone(),
        telegram,
        http,
        base,
        token: String::new(),
        patience: driver::PATIENCE_OF_A_RUNNING_PLATFORM,
        tag,
    };
    tell(driver).await
}

/// The platform at `base` is ready and every adapter of it is a sandbox (no mail, Telegram message or
/// money leaves it because of the demo).
async fn check_sandbox(http: &reqwest::Client, base: &str) -> anyhow::Result<()> {
    let response = http
        .get(format!("{base}/readyz"))
        .send()
        .await
        .with_context(|| format!("no platform answers at {base}"))?;
    ensure!(response.status().is_success(), "the platform at {base} is not ready ({})", response.status());
    let ready: Value = response.json().await.with_context(|| format!("{base}/readyz is not Paygate's"))?;
    let adapters =
        ready["adapters"].as_array().with_context(|| format!("{base}/readyz lists no adapters"))?;
    let live: Vec<String> = adapters
        .iter()
        .filter(|adapter| adapter["mode"] != "sandbox")
        .map(|adapter| format!("{} is {}", adapter["name"], adapter["mode"]))
        .collect();
    ensure!(
        live.is_empty(),
        "the platform at {base} is not in sandbox mode ({}): the demo plays only on sandboxes",
        live.join(", ")
    );
    Ok(())
}
