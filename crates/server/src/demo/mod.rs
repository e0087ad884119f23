//! `paygate demo`: starts the whole platform in sandbox mode on a temporary data dir (or uses a running
//! one with `--url`) and plays a scripted story through the sandbox Telegram, the API and the sandbox
//! checkout, checking every step against the database. Exits non-zero with the failing step.

mod driver;
mod narrate;
mod remote;
mod scenes;
mod story;

use std::{path::PathBuf, time::Duration};

use anyhow::Context;
use tokio_util::sync::CancellationToken;

use crate::{config::Config, platform::Platform, roles};

/// What `paygate demo` was asked for.
#[derive(Debug, Clone, Default)]
pub struct DemoOptions {
    /// Make the sandbox swap fail the first exchange (the demo must then fail at the payouts).
    pub fault_swap: bool,
    /// Keep the temporary data dir (its path is printed).
    pub keep: bool,
    /// A running sandbox platform to play on instead of starting one (its database is reached through
    /// the caller's PAYGATE_DATA_DIR or PAYGATE_DATABASE_URL).
    pub url: Option<url::Url>,
}

/// Runs the demo; `Err` names the failing step.
pub async fn run(config: Config, options: DemoOptions) -> anyhow::Result<()> {
    if let Some(url) = options.url.clone() {
        return remote::run(config, url, options).await;
    }
    let data_dir = temp_data_dir()?;
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.context("binding a local port")?;
    let addr = listener.local_addr()?;
    let config = sandbox_config(config, data_dir.clone(), addr)?;
    println!(
        "🧪 Paygate demo: sandbox everything (no keys), data in {}, serving {}",
        data_dir.display(),
        config.public_url
    );
    let outcome = play(config, listener, options.fault_swap).await;
    if options.keep {
        println!("📁 data kept in {}", data_dir.display());
    } else if let Err(error) = std::fs::remove_dir_all(&data_dir) {
        tracing::warn!(kind = "warning", %error, dir = %data_dir.display(), "could not remove the demo data dir");
    }
    outcome
}

async fn play(config: Config, listener: tokio::net::TcpListener, fault_swap: bool) -> anyhow::Result<()> {
    let platform = Platform::start(config).await?;
    let telegram = platform.sandbox_telegram.clone().context("the sandbox Telegram did not start")?;
    let app = platform.app.clone();
    let shutdown = CancellationToken::new();
    let mut tasks = tokio::task::JoinSet::new();
    tasks.spawn(roles::serve(
        app.clone(),
        platform.sandbox.clone(),
        Some(telegram.clone()),
        listener,
        shutdown.clone(),
    ));
    let worker = roles::worker(&app, platform.config.worker_concurrency);
    let token = shutdown.clone();
    tasks.spawn(async move { worker.run(token).await.map_err(anyhow::Error::from) });
    let (bot_app, bot_source, token) = (app.clone(), telegram.clone(), shutdown.clone());
    tasks.spawn(async move {
        paygate_bot::run_polling(bot_app, bot_source, token).await;
        Ok(())
    });
    if fault_swap {
        inject_swap_fault(&app).await?;
    }
    let driver = driver::Driver {
        app,
        telegram,
        http: reqwest::Client::new(),
        base: platform.config.public_url.as_str().trim_end_matches('/').to_owned(),
        token: String::new(),
        patience: driver::PATIENCE,
        tag: String::new(),
    };
    let outcome = tell(driver).await;
    shutdown.cancel();
    while tasks.join_next().await.is_some() {}
    platform.stop().await?;
    conclude(outcome)
}

/// Makes the sandbox swap (of the platform on this database) fail its next exchange.
async fn inject_swap_fault(app: &paygate_app::App) -> anyhow::Result<()> {
    paygate_sandbox::SandboxSwap::new(app.pool.clone(), Duration::ZERO)
        .fail_next_exchange()
        .await
        .map_err(|e| anyhow::anyhow!("injecting the swap fault: {e}"))?;
    println!("💥 fault injected: the sandbox swap fails the next exchange");
    Ok(())
}

/// Tells the story with `driver` and prints the summary table.
async fn tell(mut driver: driver::Driver) -> anyhow::Result<()> {
    let mut narrator = narrate::Narrator::default();
    let outcome = story::tell(&mut driver, &mut narrator).await;
    println!("{}", narrator.summary());
    outcome
}

/// The last line of the story.
fn conclude(outcome: anyhow::Result<()>) -> anyhow::Result<()> {
    match &outcome {
        Ok(()) => println!("🎉 the whole story happened"),
        Err(error) => println!("💔 {error:#}"),
    }
    outcome
}

/// The caller's settings with every provider unset (sandboxes), an embedded database in `data_dir`,
/// this address, and sandbox paces short enough for a demo.
fn sandbox_config(
    mut config: Config,
    data_dir: PathBuf,
    addr: std::net::SocketAddr,
) -> anyhow::Result<Config> {
    config.data_dir = data_dir;
    config.database_url = None;
    config.http_addr = addr;
    config.public_url = format!("http://{addr}").parse()?;
    config.telegram_bot_token = None;
    config.telegram_webhook = false;
    config.nowpayments_api_key = None;
    config.nowpayments_ipn_secret = None;
    config.changenow_api_key = None;
    config.eth_rpc_url = None;
    config.host_wallet_private_key = None;
    config.host_wallet_private_key_file = None;
    config.smtp_url = None;
    config.invite_mode = "join_request".to_owned();
    config.sandbox_swap_step = Duration::from_millis(200);
    config.sandbox_wallet_confirm = Duration::from_millis(500);
    config.swap_poll_interval = Duration::from_secs(1);
    Ok(config)
}

/// A fresh directory the embedded PostgreSQL (run as the `postgres` user when we are root) can enter.
fn temp_data_dir() -> anyhow::Result<PathBuf> {
    use std::os::unix::fs::PermissionsExt;
    let dir = std::env::temp_dir().join(format!("paygate-demo-{}", uuid::Uuid::new_v4().simple()));
    std::fs::create_dir_all(&dir).with_context(|| format!("creating {}", dir.display()))?;
    std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(0o755))?;
    Ok(dir)
}
