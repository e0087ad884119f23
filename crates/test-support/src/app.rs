//! `spawn_app()`: the real router (and optionally a job worker) on port 0 over a fresh database.

use std::net::SocketAddr;

use paygate_app::App;
use paygate_http::HttpState;
use paygate_jobs::{Worker, WorkerConfig};
use sqlx::PgPool;
use tokio_util::sync::CancellationToken;

use crate::fresh_database;

/// A running Paygate for one test; stops when dropped.
pub struct TestApp {
    pub addr: SocketAddr,
    pub http: reqwest::Client,
    pub pool: PgPool,
    pub app: App,
    shutdown: CancellationToken,
}

impl TestApp {
    /// Absolute URL of `path` on this app.
    pub fn url(&self, path: &str) -> String {
        format!("http://{}{}", self.addr, path)
    }

    pub async fn get(&self, path: &str) -> reqwest::Response {
        self.http.get(self.url(path)).send().await.expect("request failed")
    }

    /// A token that stops the app's server and worker.
    pub fn shutdown_token(&self) -> CancellationToken {
        self.shutdown.clone()
    }
}

impl Drop for TestApp {
    fn drop(&mut self) {
        self.shutdown.cancel();
    }
}

/// The HTTP front door on port 0 over a fresh database (no worker).
pub async fn spawn_app() -> TestApp {
    start(false).await
}

/// Like [`spawn_app`], with a job worker (every registered job and cron) running too.
pub async fn spawn_app_with_worker() -> TestApp {
    start(true).await
}

async fn start(with_worker: bool) -> TestApp {
    let pool = fresh_database().await;
    let app = App::new(pool.clone());
    let shutdown = CancellationToken::new();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("cannot bind port 0");
    let addr = listener.local_addr().expect("no local address");
    let state = HttpState { app: app.clone(), metrics: paygate_http::metrics_recorder::install() };
    let token = shutdown.clone();
    tokio::spawn(async move {
        let _ = paygate_http::serve(listener, state, token).await;
    });
    if with_worker {
        let config =
            WorkerConfig { poll_interval: std::time::Duration::from_millis(200), ..WorkerConfig::default() };
        let worker = Worker::new(pool.clone(), paygate_app::jobs::registry(&app), config)
            .with_crons(paygate_app::jobs::crons());
        tokio::spawn(worker.run(shutdown.clone()));
    }
    TestApp { addr, http: reqwest::Client::new(), pool, app, shutdown }
}
