//! A payout world: the app with a worker, the live ChangeNOW client against the fake, the live host
//! wallet on anvil (with the test token), an owner and one channel; payments are fed as provider reports.

#![allow(dead_code)]

use std::{
    sync::{
        Arc,
        atomic::{AtomicU64, Ordering},
    },
    time::{Duration, Instant},
};

use paygate_app::{
    Settings,
    subscribers::payment_intake::{self, Outcome, Source},
};
use paygate_domain::{
    host_wallet::HostWallet,
    payment_gateway::{PaymentStatus, PaymentUpdate},
    swap::SwapProvider,
};
use paygate_eth::{EthWallet, EthWalletConfig, HostWalletKey};
use paygate_test_support::{
    TestApp, TestAppOptions,
    anvil::{ANVIL_CHAIN_ID, Anvil, WALLET_ADDRESS, WALLET_KEY, spawn_anvil},
    fake_changenow::FakeChangeNow,
    spawn_app_with,
};
use reqwest::Method;
use rust_decimal::Decimal;
use secrecy::SecretString;
use serde_json::{Value, json};
use tokio_util::sync::CancellationToken;
use uuid::Uuid;

pub const CN_KEY: &str = "cn-test-key";
pub const ETHER: u128 = 1_000_000_000_000_000_000;
pub const ETH_OWNER: &str = "0x3333333333333333333333333333333333333333";
pub const XMR_OWNER: &str =
    "44AFFq5kSiGBoZ4NMDwYtN18obc8AemS33DBLWs3H7otXft3XjrpDtQGv7SqSsaBYBb98uNbr2VBBEt7f2wfn3RVGQBEP3A";
pub const TRX_OWNER: &str = "TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6t";

/// The owner's payout choice for the world's channel.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Payout {
    Eth,
    Xmr,
    UsdtTrx,
    /// `threshold` $50, paid in USDT on Tron.
    ThresholdUsdtTrx,
}

impl Payout {
    fn body(self) -> Value {
        match self {
            Self::Eth => {
                json!({"wallet_address": ETH_OWNER, "currency": "eth", "network": "eth", "strategy": "instant"})
            }
            Self::Xmr => {
                json!({"wallet_address": XMR_OWNER, "currency": "xmr", "network": "xmr", "strategy": "instant"})
            }
            Self::UsdtTrx => {
                json!({"wallet_address": TRX_OWNER, "currency": "usdt", "network": "trx", "strategy": "instant"})
            }
            Self::ThresholdUsdtTrx => {
                json!({"wallet_address": TRX_OWNER, "currency": "usdt", "network": "trx",
                "strategy": "threshold", "threshold_usd": "50"})
            }
        }
    }
}

pub struct PayoutWorld {
    pub anvil: Arc<Anvil>,
    pub changenow: FakeChangeNow,
    pub app: TestApp,
    pub token: String,
    pub owner: String,
    pub channel_id: Uuid,
    next_payment: AtomicU64,
    miner: CancellationToken,
    /// While false the chain mines no blocks (transactions stay in the mempool).
    pub mining: Arc<std::sync::atomic::AtomicBool>,
}

impl Drop for PayoutWorld {
    fn drop(&mut self) {
        self.miner.cancel();
    }
}

fn fast(settings: &mut Settings) {
    settings.payout_poll_interval = Duration::from_millis(200);
}

pub fn wallet_config(anvil: &Anvil, token: &str) -> EthWalletConfig {
    let key = HostWalletKey::parse(&SecretString::from(WALLET_KEY)).unwrap();
    let mut config =
        EthWalletConfig::new(anvil.url.parse().unwrap(), key, ANVIL_CHAIN_ID, token.parse().unwrap());
    config.confirmations = 2;
    config.replace_after = Duration::from_secs(3600);
    config
}

impl PayoutWorld {
    pub async fn start(payout: Payout) -> PayoutWorld {
        Self::start_with(payout, |_| {}, |wallet| wallet).await
    }

    /// Like [`PayoutWorld::start`], with the host wallet configuration adjusted by `tune` and the
    /// wallet the app uses built by `wrap` (e.g. a decorator that "crashes" at a chosen point).
    pub async fn start_with(
        payout: Payout,
        tune: impl FnOnce(&mut EthWalletConfig),
        wrap: impl FnOnce(Arc<EthWallet>) -> Arc<dyn HostWallet>,
    ) -> PayoutWorld {
        let anvil = Arc::new(spawn_anvil().await);
        let token = anvil.deploy_test_usdt().await;
        anvil.mint(&token, WALLET_ADDRESS, 1_000_000 * 1_000_000).await;
        // Only the world's miner makes blocks: a broadcast transaction waits in the mempool for it.
        anvil.set_automine(false).await;
        let changenow = FakeChangeNow::start(CN_KEY).await;
        changenow.watch_chain(anvil.url.parse().unwrap(), Some(token.clone()));
        let pool = paygate_test_support::fresh_database().await;
        let mut config = wallet_config(&anvil, &token);
        tune(&mut config);
        let wallet = wrap(Arc::new(EthWallet::connect(pool.clone(), config).await.unwrap()));
        let swap: Arc<dyn SwapProvider> = Arc::new(
            paygate_changenow::ChangeNow::new(
                changenow.base_url(),
                SecretString::from(CN_KEY),
                reqwest::Client::new(),
            )
            .with_timeout(Duration::from_secs(2)),
        );
        let options = TestAppOptions {
            worker: true,
            settings: Some(fast),
            swap: Some(swap),
            wallet: Some(wallet),
            pool: Some(pool),
            ..TestAppOptions::default()
        };
        let app = spawn_app_with(options).await;
        let owner = app.owner_token("owner").await;
        let channel_id = create_channel(&app, &owner, payout).await;
        let miner = CancellationToken::new();
        let chain = anvil.clone();
        let stop = miner.clone();
        let mining = Arc::new(std::sync::atomic::AtomicBool::new(true));
        let on = mining.clone();
        // Blocks keep coming, as on a real chain: confirmations arrive without a test mining them.
        tokio::spawn(async move {
            while !stop.is_cancelled() {
                tokio::time::sleep(Duration::from_millis(250)).await;
                if on.load(Ordering::SeqCst) {
                    chain.mine(1).await;
                }
            }
        });
        PayoutWorld {
            anvil,
            changenow,
            app,
            token,
            owner,
            channel_id,
            next_payment: AtomicU64::new(1),
            miner,
            mining,
        }
    }

    /// A donation invoice and its `finished` report settling `settled` in `currency` (`eth` or
    /// `usdterc20`); the report is not applied yet.
    pub async fn finished_report(&self, settled: Decimal, currency: &str) -> PaymentUpdate {
        let n = self.next_payment.fetch_add(1, Ordering::SeqCst);
        finished_report_in(&self.app, self.channel_id, n, settled, currency).await
    }

    /// Feeds one report as the IPN endpoint would.
    pub async fn report(&self, update: &PaymentUpdate) -> Outcome {
        payment_intake::apply_update(&self.app.app, update, Source::Ipn).await.unwrap()
    }

    /// A settled payment, reported once; returns its payment id.
    pub async fn pay(&self, settled: Decimal, currency: &str) -> Uuid {
        let report = self.finished_report(settled, currency).await;
        assert_eq!(self.report(&report).await, Outcome::Accepted);
        self.payment_id(&report.provider_payment_id).await
    }

    pub async fn payment_id(&self, provider_payment_id: &str) -> Uuid {
        sqlx::query_scalar("SELECT id FROM payments WHERE provider_payment_id = $1")
            .bind(provider_payment_id)
            .fetch_one(&self.app.pool)
            .await
            .unwrap()
    }

    /// The owner share recorded for the payment.
    pub async fn share(&self, payment: Uuid) -> Decimal {
        sqlx::query_scalar("SELECT owner_share FROM payments WHERE id = $1")
            .bind(payment)
            .fetch_one(&self.app.pool)
            .await
            .unwrap()
    }

    /// The payout of `payment` as the owner's API shows it.
    pub async fn payout_of(&self, payment: Uuid) -> Option<Value> {
        let path = format!("/api/v1/channels/{}/payouts", self.channel_id);
        let list: Value = self.app.get_as(&self.owner, &path).await.json().await.unwrap();
        list["payouts"].as_array().unwrap().iter().find(|p| p["payment_id"] == payment.to_string()).cloned()
    }

    /// Waits (up to 90 s) until the payout of `payment` reaches a status in `statuses`.
    pub async fn payout_reaches(&self, payment: Uuid, statuses: &[&str]) -> Value {
        let deadline = Instant::now() + Duration::from_secs(90);
        loop {
            let payout = self.payout_of(payment).await;
            if let Some(payout) = &payout
                && statuses.contains(&payout["status"].as_str().unwrap_or_default())
            {
                return payout.clone();
            }
            assert!(Instant::now() < deadline, "payout never reached {statuses:?}: {payout:#?}");
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// Waits (up to 90 s) until payout `id` (any purpose) reaches a status in `statuses`.
    pub async fn payout_id_reaches(&self, id: Uuid, statuses: &[&str]) -> String {
        let deadline = Instant::now() + Duration::from_secs(90);
        loop {
            let status: String = sqlx::query_scalar("SELECT status FROM payouts WHERE id = $1")
                .bind(id)
                .fetch_one(&self.app.pool)
                .await
                .unwrap();
            if statuses.contains(&status.as_str()) {
                return status;
            }
            if Instant::now() >= deadline {
                let steps: Vec<(String, String)> = sqlx::query_as(
                    "SELECT status, detail FROM payout_steps WHERE payout_id = $1 ORDER BY id",
                )
                .bind(id)
                .fetch_all(&self.app.pool)
                .await
                .unwrap();
                panic!(
                    "payout {id} never reached {statuses:?}: {status}; steps {steps:#?}; exchanges {:#?}",
                    self.changenow.exchanges()
                );
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// Waits until the fake holds exchange `id` at `status` (its deposit seen on the chain and its
    /// walk stopped there): only then does moving it on by hand stick.
    pub async fn exchange_held_at(&self, id: &str, status: &str) {
        let deadline = Instant::now() + Duration::from_secs(120);
        loop {
            let exchanges = self.changenow.exchanges();
            let exchange = exchanges.iter().find(|e| e["id"] == id);
            if exchange.is_some_and(|e| e["status"] == status) {
                return;
            }
            assert!(Instant::now() < deadline, "exchange {id} never held at {status}: {exchange:#?}");
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// The channel's balance as its owner's API shows it.
    pub async fn balance(&self) -> Value {
        let path = format!("/api/v1/channels/{}/balance", self.channel_id);
        self.app.get_as(&self.owner, &path).await.json().await.unwrap()
    }

    /// How many host wallet transfers were signed for `payout` (every candidate counted once per nonce).
    pub async fn transfers_of(&self, payout: &str) -> i64 {
        sqlx::query_scalar(
            "SELECT count(*) FROM wallet_transfers WHERE reference LIKE 'payout:' || $1 || ':%'",
        )
        .bind(payout)
        .fetch_one(&self.app.pool)
        .await
        .unwrap()
    }

    pub async fn count(&self, query: &str) -> i64 {
        sqlx::query_scalar(sqlx::AssertSqlSafe(query.to_owned())).fetch_one(&self.app.pool).await.unwrap()
    }

    /// Payouts still moving by themselves (neither final nor stopped for the operator).
    pub async fn open_payouts(&self) -> i64 {
        self.count(
            "SELECT count(*) FROM payouts WHERE status IN
             ('quoting', 'creating_exchange', 'sending', 'needs_funds', 'confirming', 'exchanging')",
        )
        .await
    }

    /// Every exchange the fake saw funded belongs to exactly one payout and received exactly its amount.
    pub async fn assert_each_funded_exchange_is_one_payouts_amount(&self) {
        for exchange in &self.changenow.funded_exchanges() {
            let (payouts, amount): (i64, Option<Decimal>) =
                sqlx::query_as("SELECT count(*), max(source_amount) FROM payouts WHERE exchange_id = $1")
                    .bind(exchange)
                    .fetch_one(&self.app.pool)
                    .await
                    .unwrap();
            assert_eq!(payouts, 1, "exchange {exchange} belongs to one payout");
            assert_eq!(
                self.changenow.deposit_received(exchange),
                amount,
                "deposit of {exchange} is its amount"
            );
        }
    }

    /// An operator's access token.
    pub async fn operator_token(&self) -> String {
        let n = self.next_payment.fetch_add(1, Ordering::SeqCst);
        self.app.operator_token(&format!("operator{n}")).await
    }

    /// Asserts the conservation check holds, through the operator API.
    pub async fn assert_conserved(&self) {
        let operator = self.operator_token().await;
        let check: Value =
            self.app.get_as(&operator, "/api/v1/operator/conservation").await.json().await.unwrap();
        assert_eq!(check["holds"], true, "conservation broken: {check:#}");
        paygate_test_support::assert_payments_conserved(&self.app.pool).await;
    }
}

/// A donation invoice of `channel_id` and its `finished` report settling `settled` in `currency`
/// (`eth` or `usdterc20`); the report is not applied yet. `n` makes the provider payment id unique.
pub async fn finished_report_in(
    app: &TestApp,
    channel_id: Uuid,
    n: u64,
    settled: Decimal,
    currency: &str,
) -> PaymentUpdate {
    let invoice = Uuid::now_v7();
    let provider_invoice = format!("inv-{invoice}");
    sqlx::query(
        "INSERT INTO invoices (id, channel_id, telegram_user_id, kind, price_usd, provider, provider_invoice_id,
                               status, expires_at)
         VALUES ($1, $2, 777, 'donation', 10, 'sandbox', $3, 'waiting', now() + interval '1 day')",
    )
    .bind(invoice)
    .bind(channel_id)
    .bind(&provider_invoice)
    .execute(&app.pool)
    .await
    .unwrap();
    PaymentUpdate {
        provider_payment_id: format!("{}{n}", invoice.simple()),
        provider_invoice_id: Some(provider_invoice),
        order_id: Some(invoice.to_string()),
        status: PaymentStatus::Finished,
        price_amount: Decimal::from(10),
        price_currency: "usd".into(),
        pay_amount: Some(Decimal::new(4, 3)),
        actually_paid: Some(Decimal::new(4, 3)),
        actually_paid_at_fiat: None,
        pay_currency: Some("eth".into()),
        outcome_amount: Some(settled),
        outcome_currency: Some(currency.into()),
        parent_payment_id: None,
        raw: "{}".into(),
    }
}

/// Registers the world's channel for `owner` (paying out as `payout`) and the subscriber who pays.
pub async fn create_channel(app: &TestApp, owner: &str, payout: Payout) -> Uuid {
    // Distinct chats per channel: one owner may register several.
    let open_id = -1_001_000_000_000i64 - i64::from(rand::random::<u32>() % 1_000_000) * 2;
    let body = json!({
        "open_channel_id": open_id, "open_channel_title": "Alpha (free)",
        "closed_channel_id": open_id - 1, "closed_channel_title": "Alpha VIP",
        "tiers": [{"price_usd": "5.00", "duration_days": 30}],
        "payout": payout.body(),
        "donations": {"enabled": true, "message": "Thanks for the support!"},
        "notifications": {"enabled": false}
    });
    let response = app.send_as(Method::POST, owner, "/api/v1/channels", Some(&body)).await;
    let status = response.status();
    let channel: Value = response.json().await.unwrap();
    assert_eq!(status, 201, "{channel:#}");
    let channel_id = channel["id"].as_str().unwrap().parse().unwrap();
    sqlx::query(
        "INSERT INTO subscribers (telegram_user_id, first_name) VALUES (777, 'Sam') ON CONFLICT DO NOTHING",
    )
    .execute(&app.pool)
    .await
    .unwrap();
    channel_id
}

/// Waits (up to 60 s) for `check` to hold.
pub async fn eventually<F, Fut>(what: &str, mut check: F)
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = bool>,
{
    let deadline = Instant::now() + Duration::from_secs(60);
    while !check().await {
        assert!(Instant::now() < deadline, "never happened: {what}");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}
