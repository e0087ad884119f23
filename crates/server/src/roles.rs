//! The roles of the binary: HTTP server, job worker, or everything in one process.

use anyhow::Context;
use paygate_app::App;
use paygate_http::HttpState;
use paygate_jobs::{Worker, WorkerConfig};
use tokio::net::TcpListener;
use tokio_util::sync::CancellationToken;

use crate::platform::Platform;

/// Serves HTTP on `listener` until `shutdown`, finishing in-flight requests.
pub async fn serve(
    app: App,
    sandbox: Option<std::sync::Arc<paygate_sandbox::SandboxPayments>>,
    sandbox_telegram: Option<paygate_sandbox::SandboxTelegram>,
    listener: TcpListener,
    shutdown: CancellationToken,
) -> anyhow::Result<()> {
    let addr = listener.local_addr()?;
    let state = HttpState::new(app, sandbox).with_sandbox_telegram(sandbox_telegram);
    tracing::info!(kind = "startup", %addr, "HTTP server listening");
    paygate_http::serve(listener, state, shutdown).await.context("HTTP server failed")
}

/// A worker running every registered job kind and cron schedule.
pub fn worker(app: &App, concurrency: usize) -> Worker {
    let config = WorkerConfig { concurrency, ..WorkerConfig::default() };
    Worker::new(app.pool.clone(), paygate_app::jobs::registry(app), config)
        .with_crons(paygate_app::jobs::crons(app))
}

/// What one process runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    All,
    Serve,
    Worker,
    Bot,
}

/// Starts the platform, runs `role` until a signal, then stops everything in order.
pub async fn run(platform: Platform, role: Role, shutdown: CancellationToken) -> anyhow::Result<()> {
    paygate_http::metrics_recorder::install();
    let app = platform.app.clone();
    let mut tasks = tokio::task::JoinSet::new();
    if matches!(role, Role::All | Role::Serve) {
        let addr = platform.config.http_addr;
        let listener =
            TcpListener::bind(addr).await.with_context(|| format!("binding PAYGATE_HTTP_ADDR {addr}"))?;
        let sandbox_telegram = platform.sandbox_telegram.clone();
        tasks.spawn(serve(
            app.clone(),
            platform.sandbox.clone(),
            sandbox_telegram,
            listener,
            shutdown.clone(),
        ));
    }
    if let (Role::Worker | Role::Bot, Some(addr)) = (role, platform.config.metrics_addr) {
        let listener =
            TcpListener::bind(addr).await.with_context(|| format!("binding PAYGATE_METRICS_ADDR {addr}"))?;
        let router = paygate_http::ops_router(HttpState::new(app.clone(), None));
        let token = shutdown.clone();
        tracing::info!(kind = "startup", %addr, "health and metrics listening");
        tasks.spawn(async move {
            axum::serve(listener, router)
                .with_graceful_shutdown(token.cancelled_owned())
                .await
                .context("metrics server failed")
        });
    }
    if matches!(role, Role::All | Role::Worker) {
        let worker = worker(&app, platform.config.worker_concurrency);
        let token = shutdown.clone();
        tasks.spawn(async move { worker.run(token).await.map_err(anyhow::Error::from) });
    }
    if matches!(role, Role::All | Role::Bot) {
        if let Some(api) = platform.bot.clone() {
            if platform.config.telegram_webhook {
                register_webhook(&app, &api).await?;
            } else {
                let (app, token) = (app.clone(), shutdown.clone());
                tasks.spawn(async move {
                    paygate_bot::run_polling(app, api, token).await;
                    Ok(())
                });
            }
        } else if let Some(sandbox) = platform.sandbox_telegram.clone() {
            // The same polling loop and handlers as with Telegram, fed by the sandbox Telegram.
            let (app, token) = (app.clone(), shutdown.clone());
            tasks.spawn(async move {
                paygate_bot::run_polling(app, sandbox, token).await;
                Ok(())
            });
        }
    }
    tracing::info!(kind = "complete", ?role, public_url = %platform.config.public_url, "Paygate is running");
    let mut first_error = None;
    while let Some(result) = tasks.join_next().await {
        let outcome = result.map_err(anyhow::Error::from).and_then(|r| r);
        if let Err(error) = outcome {
            tracing::error!(kind = "error", error = %format!("{error:#}"), "a role stopped with an error; shutting down");
            shutdown.cancel();
            first_error.get_or_insert(error);
        }
    }
    platform.stop().await?;
    match first_error {
        Some(error) => Err(error),
        None => Ok(()),
    }
}

/// Webhook mode: Telegram posts updates to `/webhooks/telegram` of any `serve` instance.
async fn register_webhook(app: &App, api: &paygate_telegram::BotApi) -> anyhow::Result<()> {
    let Some(secret) = &app.settings.telegram_webhook_secret else {
        return Ok(());
    };
    let url = format!("{}/webhooks/telegram", app.settings.public_url.as_str().trim_end_matches('/'));
    api.set_webhook(&url, secrecy::ExposeSecret::expose_secret(secret))
        .await
        .map_err(|e| anyhow::anyhow!("setWebhook failed: {e}"))?;
    tracing::info!(kind = "telegram", %url, "Telegram webhook registered");
    Ok(())
}
