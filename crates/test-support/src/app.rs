//! `spawn_app()`: the real router (and optionally a job worker) on port 0 over a fresh database.

use std::{net::SocketAddr, sync::Arc, time::Duration};

use paygate_app::{Adapters, App, Settings};
use paygate_domain::{
    host_wallet::{HostWallet, WalletBalances},
    messenger::Messenger,
    money::{Amount, Asset},
    payment_gateway::PaymentGateway,
    swap::SwapProvider,
};
use paygate_http::HttpState;
use paygate_jobs::{Worker, WorkerConfig};
use secrecy::SecretString;
use serde_json::Value;
use sqlx::PgPool;
use tokio_util::sync::CancellationToken;

use crate::{fake_nowpayments::FakeNowPayments, fake_telegram::FakeTelegram, fresh_database};

/// The JWT secret of every test app (tests may mint tokens with it).
pub const TEST_JWT_SECRET: &str = "test-jwt-secret-that-is-long-enough-0123456789";

/// A running Paygate for one test; stops when dropped.
pub struct TestApp {
    pub addr: SocketAddr,
    pub http: reqwest::Client,
    pub pool: PgPool,
    pub app: App,
    /// The Bot API client of the bot's front door (polling), when the app talks to a fake Telegram.
    pub bot: Option<paygate_telegram::BotApi>,
    /// The sandbox Telegram the bot polls, when the app was started with it.
    pub sandbox_telegram: Option<paygate_sandbox::SandboxTelegram>,
    shutdown: CancellationToken,
}

/// How to start a [`TestApp`].
#[derive(Default)]
pub struct TestAppOptions<'a> {
    /// Run a job worker with every registered job and cron.
    pub worker: bool,
    /// Point the Telegram adapter at this fake Bot API.
    pub telegram: Option<&'a FakeTelegram>,
    /// Use the live NOWPayments adapter against this fake: (fake, API key, IPN secret). Without it,
    /// the sandbox payment provider runs (checkout page on the app itself).
    pub nowpayments: Option<(&'a FakeNowPayments, &'a str, &'a str)>,
    /// Adjust settings before the app starts.
    pub settings: Option<fn(&mut Settings)>,
    /// The swap provider (e.g. the live ChangeNOW adapter against a fake); the sandbox simulator otherwise.
    pub swap: Option<Arc<dyn SwapProvider>>,
    /// The host wallet (e.g. the live Ethereum wallet on anvil); a well-funded sandbox wallet otherwise.
    pub wallet: Option<Arc<dyn HostWallet>>,
    /// The database to run on (one the test already built adapters on); a fresh one otherwise.
    pub pool: Option<PgPool>,
    /// Use the sandbox Telegram (as the server does without a bot token): the bot polls it with the same
    /// loop as Telegram, and its chat page is served. Ignored when `telegram` is set.
    pub sandbox_telegram: bool,
}

/// The IPN secret of the sandbox payment provider in tests.
pub const SANDBOX_IPN_SECRET: &str = "sandbox-ipn-secret-for-tests";

impl TestApp {
    /// Absolute URL of `path` on this app.
    pub fn url(&self, path: &str) -> String {
        format!("http://{}{}", self.addr, path)
    }

    pub async fn get(&self, path: &str) -> reqwest::Response {
        self.http.get(self.url(path)).send().await.expect("request failed")
    }

    /// `GET` with a bearer token.
    pub async fn get_as(&self, token: &str, path: &str) -> reqwest::Response {
        self.http.get(self.url(path)).bearer_auth(token).send().await.expect("request failed")
    }

    /// `POST` a JSON body, without authentication.
    pub async fn post(&self, path: &str, body: &Value) -> reqwest::Response {
        self.http.post(self.url(path)).json(body).send().await.expect("request failed")
    }

    /// `method` with a JSON body and a bearer token.
    pub async fn send_as(
        &self,
        method: reqwest::Method,
        token: &str,
        path: &str,
        body: Option<&Value>,
    ) -> reqwest::Response {
        let mut request = self.http.request(method, self.url(path)).bearer_auth(token);
        if let Some(body) = body {
            request = request.json(body);
        }
        request.send().await.expect("request failed")
    }

    /// Signs up an owner `name` (password `correct-horse-9`) and returns the session body.
    pub async fn signup(&self, name: &str) -> Value {
        let body = serde_json::json!({"username": name, "email": format!("{name}@example.org"), "password": "correct-horse-9"});
        let response = self.post("/api/v1/auth/signup", &body).await;
        assert_eq!(response.status(), 201, "sign-up of {name} failed");
        response.json().await.expect("sign-up body")
    }

    /// Signs up an owner and returns their access token.
    pub async fn owner_token(&self, name: &str) -> String {
        self.signup(name).await["access_token"].as_str().expect("access token").to_owned()
    }

    /// Creates an operator account (as `paygate operator create` does), signs in and returns its access token.
    pub async fn operator_token(&self, name: &str) -> String {
        let email = format!("{name}@example.org");
        paygate_app::accounts::users::create_operator(&self.app, name, &email, "correct-horse-9")
            .await
            .expect("operator created");
        let body = serde_json::json!({"login": name, "password": "correct-horse-9"});
        let response = self.post("/api/v1/auth/login", &body).await;
        assert_eq!(response.status(), 200, "login of operator {name} failed");
        let session: Value = response.json().await.expect("login body");
        session["access_token"].as_str().expect("access token").to_owned()
    }

    /// Links Telegram account `telegram_user_id` to owner `username`, as a finished `/link` would (the
    /// `/link` flow itself has its own tests): readiness proves control with this account.
    pub async fn link_telegram(&self, username: &str, telegram_user_id: i64) {
        let linked = sqlx::query("UPDATE users SET telegram_user_id = $2 WHERE username = $1")
            .bind(username)
            .bind(telegram_user_id)
            .execute(&self.pool)
            .await
            .expect("link query");
        assert_eq!(linked.rows_affected(), 1, "no user {username} to link");
    }

    /// Jobs that are neither succeeded nor cancelled (a test fails if it leaves any it does not expect).
    ///
    /// Jobs that are due or running are waited for first (up to a minute: a loaded machine is slow,
    /// not wrong), so a job that just did its work but has not yet recorded its success is not
    /// reported; what is still pending, failed or parked after that is returned.
    pub async fn unfinished_jobs(&self) -> Vec<(String, String)> {
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
        loop {
            let busy: i64 = sqlx::query_scalar(
                "SELECT count(*) FROM jobs WHERE state = 'running' OR (state = 'pending' AND run_at <= now())",
            )
            .fetch_one(&self.pool)
            .await
            .expect("jobs query");
            if busy == 0 || std::time::Instant::now() >= deadline {
                break;
            }
            tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        }
        sqlx::query_as(
            "SELECT kind, state::text FROM jobs WHERE state NOT IN ('succeeded', 'cancelled') ORDER BY id",
        )
        .fetch_all(&self.pool)
        .await
        .expect("jobs query")
    }

    /// Mails the sandbox mailer kept, newest first: (to, subject, body).
    pub async fn sandbox_mails(&self) -> Vec<(String, String, String)> {
        sqlx::query_as("SELECT to_address, subject, body FROM sandbox_mails ORDER BY id DESC")
            .fetch_all(&self.pool)
            .await
            .expect("mail query")
    }

    /// The Bot API client for `paygate_bot::run_polling` (the app must have been started with a fake
    /// Telegram).
    pub fn bot(&self) -> paygate_telegram::BotApi {
        self.bot.clone().expect("the test app was started without a fake Telegram")
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

/// The HTTP front door on port 0 over a fresh database (no worker, no Telegram).
pub async fn spawn_app() -> TestApp {
    spawn_app_with(TestAppOptions::default()).await
}

/// Like [`spawn_app`], with a job worker (every registered job and cron) running too.
pub async fn spawn_app_with_worker() -> TestApp {
    spawn_app_with(TestAppOptions { worker: true, ..TestAppOptions::default() }).await
}

pub async fn spawn_app_with(options: TestAppOptions<'_>) -> TestApp {
    spawn(options, None).await
}

/// Like [`spawn_app_with_worker`], with `messenger` (e.g. an
/// [`InMemoryMessenger`](crate::in_memory_messenger::InMemoryMessenger)) as the Telegram adapter.
pub async fn spawn_app_with_messenger(messenger: Arc<dyn Messenger>) -> TestApp {
    spawn(TestAppOptions { worker: true, ..TestAppOptions::default() }, Some(messenger)).await
}

async fn spawn(options: TestAppOptions<'_>, messenger: Option<Arc<dyn Messenger>>) -> TestApp {
    let pool = match options.pool.clone() {
        Some(pool) => pool,
        None => fresh_database().await,
    };
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("cannot bind port 0");
    let addr = listener.local_addr().expect("no local address");
    let public_url: url::Url = format!("http://{addr}").parse().expect("url");
    let mut settings = Settings::new(public_url.clone(), SecretString::from(TEST_JWT_SECRET));
    let http = reqwest::Client::new();
    let mailer = Arc::new(paygate_sandbox::SandboxMailer::new(pool.clone()));
    let bot = options.telegram.map(|fake| {
        paygate_telegram::BotApi::new(fake.base_url(), SecretString::from(fake.token()), http.clone())
    });
    let sandbox_telegram = (options.sandbox_telegram && bot.is_none())
        .then(|| paygate_sandbox::SandboxTelegram::new(pool.clone()));
    let messenger = messenger.or_else(|| sandbox_telegram.clone().map(|s| Arc::new(s) as Arc<dyn Messenger>));
    // Paced like the server's: every Bot API call takes a slot of the PostgreSQL send pacer.
    let messenger = bot.clone().map(|api| Arc::new(api) as Arc<dyn Messenger>).or(messenger).map(|inner| {
        Arc::new(paygate_telegram::PacedMessenger::new(
            pool.clone(),
            paygate_telegram::pacer::standard_spacing(),
            inner,
        )) as Arc<dyn Messenger>
    });
    let (payments, sandbox): (Arc<dyn PaymentGateway>, _) = match options.nowpayments {
        Some((fake, key, ipn_secret)) => {
            settings.ipn_secret = SecretString::from(ipn_secret.to_owned());
            let mut live = paygate_nowpayments::NowPayments::new(
                fake.base_url(),
                SecretString::from(key.to_owned()),
                http.clone(),
            );
            // The account login for list look-ups, unless the test removed it from the fake first.
            if let Some((email, password)) = fake.account() {
                live = live.with_account(email, SecretString::from(password));
            }
            (Arc::new(live), None)
        }
        None => {
            settings.ipn_secret = SecretString::from(SANDBOX_IPN_SECRET);
            let secret = SecretString::from(SANDBOX_IPN_SECRET);
            let sandbox = Arc::new(paygate_sandbox::SandboxPayments::new(
                pool.clone(),
                &public_url,
                secret,
                http.clone(),
            ));
            (sandbox.clone() as Arc<dyn PaymentGateway>, Some(sandbox))
        }
    };
    if let Some(adjust) = options.settings {
        adjust(&mut settings);
    }
    let swap = match options.swap {
        Some(swap) => swap,
        None => Arc::new(paygate_sandbox::SandboxSwap::new(pool.clone(), Duration::from_millis(50))),
    };
    let wallet = match options.wallet {
        Some(wallet) => wallet,
        None => Arc::new(sandbox_wallet(&pool).await),
    };
    let app = App::new(pool.clone(), settings, Adapters { mailer, messenger, payments, swap, wallet });
    let shutdown = CancellationToken::new();
    let state = HttpState::new(app.clone(), sandbox).with_sandbox_telegram(sandbox_telegram.clone());
    let token = shutdown.clone();
    tokio::spawn(async move {
        let _ = paygate_http::serve(listener, state, token).await;
    });
    if options.worker {
        let config = WorkerConfig { poll_interval: Duration::from_millis(100), ..WorkerConfig::default() };
        let worker = Worker::new(pool.clone(), paygate_app::jobs::registry(&app), config)
            .with_crons(paygate_app::jobs::crons(&app));
        tokio::spawn(worker.run(shutdown.clone()));
    }
    if let Some(source) = sandbox_telegram.clone() {
        tokio::spawn(paygate_bot::run_polling(app.clone(), source, shutdown.clone()));
    }
    TestApp { addr, http: reqwest::Client::new(), pool, app, bot, sandbox_telegram, shutdown }
}

/// A sandbox host wallet holding 100 ETH and 1,000,000 USDT that confirms at once.
async fn sandbox_wallet(pool: &sqlx::PgPool) -> paygate_sandbox::SandboxWallet {
    let balances = WalletBalances {
        eth: Amount::new(rust_decimal::Decimal::from(100), Asset::ETH).expect("valid amount"),
        usdt: Amount::new(rust_decimal::Decimal::from(1_000_000), Asset::USDT_ERC20).expect("valid amount"),
    };
    let address = paygate_sandbox::SandboxWallet::default_address();
    paygate_sandbox::SandboxWallet::new(pool.clone(), address, balances, Duration::ZERO)
        .await
        .expect("the sandbox wallet starts")
}
