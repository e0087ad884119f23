//! A world for bot tests: the app with a worker and the bot polling a fake Bot API, a fake
//! NOWPayments, and one ready channel with two tiers.

#![allow(dead_code)]

use std::time::{Duration, Instant};

use paygate_test_support::{
    TestApp, TestAppOptions, fake_nowpayments::FakeNowPayments, fake_telegram::FakeTelegram, spawn_app_with,
};
use reqwest::Method;
use serde_json::{Value, json};

pub const OPEN: i64 = -1001234567890;
pub const CLOSED: i64 = -1009876543210;
/// The world's channel owner's linked Telegram account (the one `owners.rs` links with `/link`), which
/// administers both chats: the proof of control a ready channel needs.
pub const WORLD_OWNER_TG: i64 = 424_242;
pub const NP_KEY: &str = "np-test-key";
pub const NP_SECRET: &str = "np-test-ipn-secret";
const XMR_ADDRESS: &str =
    "44AFFq5kSiGBoZ4NMDwYtN18obc8AemS33DBLWs3H7otXft3XjrpDtQGv7SqSsaBYBb98uNbr2VBBEt7f2wfn3RVGQBEP3A";

pub struct World {
    pub telegram: FakeTelegram,
    pub nowpayments: FakeNowPayments,
    pub app: TestApp,
    pub channel: Value,
    /// The channel owner's access token.
    pub owner: String,
}

impl World {
    pub async fn start() -> World {
        Self::start_with(FakeNowPayments::start(NP_KEY, NP_SECRET).await).await
    }

    /// Like [`World::start`], with a NOWPayments fake the test prepared (e.g. without an account login).
    pub async fn start_with(nowpayments: FakeNowPayments) -> World {
        let telegram = FakeTelegram::start("4242:test-token").await;
        telegram.bot_is_admin(OPEN, false, false, true);
        telegram.bot_is_admin(CLOSED, true, true, false);
        let options = TestAppOptions {
            worker: true,
            telegram: Some(&telegram),
            nowpayments: Some((&nowpayments, NP_KEY, NP_SECRET)),
            settings: None,
            ..TestAppOptions::default()
        };
        let app = spawn_app_with(options).await;
        let token = app.owner_token("owner").await;
        app.link_telegram("owner", WORLD_OWNER_TG).await;
        telegram.user_is_creator(OPEN, WORLD_OWNER_TG);
        telegram.user_is_admin(CLOSED, WORLD_OWNER_TG);
        let body = json!({
            "open_channel_id": OPEN, "open_channel_title": "Alpha (free)",
            "closed_channel_id": CLOSED, "closed_channel_title": "Alpha VIP",
            "closed_channel_description": "Everything, first.",
            "tiers": [{"price_usd": "5.00", "duration_days": 30}, {"price_usd": "12.50", "duration_days": 90}],
            "payout": {"wallet_address": XMR_ADDRESS, "currency": "xmr", "network": "xmr", "strategy": "instant"},
            "donations": {"enabled": false},
            "notifications": {"enabled": false}
        });
        let response = app.send_as(Method::POST, &token, "/api/v1/channels", Some(&body)).await;
        assert_eq!(response.status(), 201);
        let channel: Value = response.json().await.unwrap();
        let path = format!("/api/v1/channels/{}/check", channel["id"].as_str().unwrap());
        let checked: Value = app.send_as(Method::POST, &token, &path, None).await.json().await.unwrap();
        assert_eq!(checked["readiness"]["ready"], true, "{checked}");
        tokio::spawn(paygate_bot::run_polling(app.app.clone(), app.bot(), app.shutdown_token()));
        World { telegram, nowpayments, app, channel: checked, owner: token }
    }

    pub fn channel_hex(&self) -> String {
        self.channel["id"].as_str().unwrap().replace('-', "")
    }

    /// The deep-link payload of tier `letter` (g, s, b).
    pub fn payload(&self, letter: char) -> String {
        format!("{}_{letter}", self.channel_hex())
    }

    /// A subscriber writes to the bot.
    pub fn say(&self, user: i64, text: &str) {
        self.telegram.push_update(FakeTelegram::text_message_update(user, &format!("user{user}"), text));
    }

    /// A subscriber presses a button.
    pub fn press(&self, user: i64, data: &str) {
        self.telegram.push_update(FakeTelegram::callback_update(user, data, 1));
    }

    /// Waits until `user` has received at least `count` messages; returns them.
    pub async fn messages_to(
        &self,
        user: i64,
        count: usize,
    ) -> Vec<paygate_test_support::fake_telegram::SentMessage> {
        eventually(&format!("{count} messages to {user}"), || {
            let got = self.telegram.messages_to(user);
            (got.len() >= count).then_some(got)
        })
        .await
    }

    /// `/start` with tier `letter`, then the pay button of the first tier shown; returns our invoice id.
    pub async fn buy(&self, user: i64, letter: char) -> String {
        let before = self.telegram.messages_to(user).len();
        self.say(user, &format!("/start {}", self.payload(letter)));
        let wanted = format!("pay:{}", self.payload(letter));
        // Wait for the offer itself: a DM of an earlier purchase (its invite) may land meanwhile.
        eventually(&format!("the offer with button {wanted}"), || {
            let sent = self.telegram.messages_to(user);
            sent.get(before..)?.iter().any(|m| callback_data(&m.reply_markup).contains(&wanted)).then_some(())
        })
        .await;
        let invoices_before = self.nowpayments.invoices().len();
        self.press(user, &wanted);
        eventually("an invoice at the provider", || {
            let invoices = self.nowpayments.invoices();
            (invoices.len() > invoices_before).then_some(())
        })
        .await;
        let order: String = eventually("the invoice recorded", || {
            self.nowpayments.invoices()[invoices_before..]
                .iter()
                .find_map(|i| i["order_id"].as_str().map(str::to_owned))
        })
        .await;
        self.messages_to(user, before + 2).await;
        order
    }

    /// Posts a correctly signed IPN for our invoice `order_id`.
    pub async fn ipn(
        &self,
        order_id: &str,
        payment_id: &str,
        status: &str,
        price: &str,
        outcome: &str,
    ) -> reqwest::Response {
        let status = paygate_domain::payment_gateway::PaymentStatus::parse(status).unwrap();
        let body = self.nowpayments.ipn_body(
            &self.provider_invoice_id(order_id).await,
            order_id,
            payment_id,
            status,
            price.parse().unwrap(),
            outcome.parse().unwrap(),
            Some("eth"),
        );
        let (bytes, signature) = self.nowpayments.signed(&body);
        self.app
            .http
            .post(self.app.url("/webhooks/nowpayments"))
            .header("x-nowpayments-sig", signature)
            .header("content-type", "application/json")
            .body(bytes)
            .send()
            .await
            .unwrap()
    }

    /// The provider's invoice id of our invoice `order_id` (what its IPNs carry as `invoice_id`). Waits
    /// for it: the provider (and so the fake's list) knows the invoice before our row records its id.
    pub async fn provider_invoice_id(&self, order_id: &str) -> String {
        until("the provider's invoice id recorded", || async {
            sqlx::query_scalar::<_, Option<String>>(
                "SELECT provider_invoice_id FROM invoices WHERE id = $1::uuid",
            )
            .bind(order_id)
            .fetch_one(&self.app.pool)
            .await
            .unwrap()
        })
        .await
    }

    /// Posts `body` signed as NOWPayments would sign it.
    pub async fn post_ipn(&self, body: &Value) -> reqwest::Response {
        let (bytes, signature) = self.nowpayments.signed(body);
        self.post_signed_text(bytes, &signature).await
    }

    /// Posts `body` bytes exactly as given with `signature`.
    pub async fn post_signed_text(
        &self,
        body: impl Into<reqwest::Body>,
        signature: &str,
    ) -> reqwest::Response {
        self.app
            .http
            .post(self.app.url("/webhooks/nowpayments"))
            .header("x-nowpayments-sig", signature)
            .header("content-type", "application/json")
            .body(body)
            .send()
            .await
            .unwrap()
    }

    pub async fn count(&self, sql: &'static str) -> i64 {
        sqlx::query_scalar(sql).fetch_one(&self.app.pool).await.unwrap()
    }
}

/// Every callback_data of an inline keyboard.
pub fn callback_data(markup: &Value) -> Vec<String> {
    markup["inline_keyboard"]
        .as_array()
        .into_iter()
        .flatten()
        .flat_map(|row| row.as_array().into_iter().flatten())
        .filter_map(|b| b["callback_data"].as_str().map(str::to_owned))
        .collect()
}

/// Every URL of an inline keyboard.
pub fn urls(markup: &Value) -> Vec<String> {
    markup["inline_keyboard"]
        .as_array()
        .into_iter()
        .flatten()
        .flat_map(|row| row.as_array().into_iter().flatten())
        .filter_map(|b| b["url"].as_str().map(str::to_owned))
        .collect()
}

/// Polls `check` until it yields, for up to 20 s.
pub async fn eventually<T>(what: &str, mut check: impl FnMut() -> Option<T>) -> T {
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        if let Some(value) = check() {
            return value;
        }
        assert!(Instant::now() < deadline, "timed out waiting for {what}");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// Like [`eventually`], for checks that need to await (database queries).
pub async fn until<T, F, Fut>(what: &str, mut check: F) -> T
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = Option<T>>,
{
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        if let Some(value) = check().await {
            return value;
        }
        assert!(Instant::now() < deadline, "timed out waiting for {what}");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

impl World {
    /// A fresh access token of the world's channel owner (`owner`), by logging in.
    pub async fn owner_token(&self) -> String {
        let body = json!({"login": "owner", "password": "correct-horse-9"});
        let response = self.app.post("/api/v1/auth/login", &body).await;
        assert_eq!(response.status(), 200, "login of the world's owner failed");
        let session: Value = response.json().await.unwrap();
        session["access_token"].as_str().unwrap().to_owned()
    }

    /// `/api/v1/channels/{id}` of the world's channel, plus `suffix`.
    pub fn channel_path(&self, suffix: &str) -> String {
        format!("/api/v1/channels/{}{suffix}", self.channel["id"].as_str().unwrap())
    }
}
