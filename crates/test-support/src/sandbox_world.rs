//! A sandbox Telegram world for tests: the app with a worker, the bot polling the sandbox Telegram,
//! the sandbox payment provider, and an owner whose sandbox channels are registered and ready.

#![allow(clippy::unwrap_used)] // a harness that cannot start should fail the test loudly

use std::time::{Duration, Instant};

use crate::{TestApp, TestAppOptions, spawn_app_with};
use paygate_sandbox::telegram::{Button, LinkOutcome, SandboxMessage, SandboxTelegram};
use reqwest::Method;
use serde_json::{Value, json};

const XMR_ADDRESS: &str =
    "44AFFq5kSiGBoZ4NMDwYtN18obc8AemS33DBLWs3H7otXft3XjrpDtQGv7SqSsaBYBb98uNbr2VBBEt7f2wfn3RVGQBEP3A";

pub struct SandboxWorld {
    pub app: TestApp,
    pub telegram: SandboxTelegram,
    /// The owner's access token and sandbox Telegram id.
    pub owner: String,
    pub owner_tg: i64,
    pub open: i64,
    pub closed: i64,
    pub channel: Value,
}

impl SandboxWorld {
    pub async fn start() -> SandboxWorld {
        Self::start_with(None).await
    }

    /// Starts the world with adjusted settings; the owner links their Telegram with `/link` in the
    /// sandbox and registers their two sandbox channels, which become ready.
    pub async fn start_with(settings: Option<fn(&mut paygate_app::Settings)>) -> SandboxWorld {
        let options =
            TestAppOptions { worker: true, sandbox_telegram: true, settings, ..TestAppOptions::default() };
        let app = spawn_app_with(options).await;
        let telegram = app.sandbox_telegram.clone().unwrap();
        let owner = app.owner_token("olga").await;
        let olga = telegram.create_user("Olga", Some("olga_owner")).await.unwrap();
        let (open, closed) = telegram.create_channels(olga.id, "Alpha").await.unwrap();

        // Owner linking through the bot, as in Telegram.
        let code: Value = app
            .send_as(Method::POST, &owner, "/api/v1/account/telegram-link", None)
            .await
            .json()
            .await
            .unwrap();
        let code = code["code"].as_str().unwrap();
        let world = SandboxWorld {
            app,
            telegram,
            owner,
            owner_tg: olga.id,
            open: open.id,
            closed: closed.id,
            channel: Value::Null,
        };
        world.say(olga.id, &format!("/link {code}")).await;
        let linked = world.last_bot_message(olga.id).await.unwrap();
        assert!(linked.text.contains("Linked"), "{}", linked.text);

        let body = json!({
            "open_channel_id": open.id, "open_channel_title": open.title,
            "closed_channel_id": closed.id, "closed_channel_title": closed.title,
            "closed_channel_description": "Everything, first.",
            "tiers": [{"price_usd": "5.00", "duration_days": 30}, {"price_usd": "12.50", "duration_days": 90}],
            "payout": {"wallet_address": XMR_ADDRESS, "currency": "xmr", "network": "xmr", "strategy": "instant"},
            "donations": {"enabled": true, "message": "Thank you for keeping Alpha going!"},
            "notifications": {"enabled": true, "telegram_user_id": olga.id}
        });
        let response = world.app.send_as(Method::POST, &world.owner, "/api/v1/channels", Some(&body)).await;
        assert_eq!(response.status(), 201);
        let channel: Value = response.json().await.unwrap();
        let path = format!("/api/v1/channels/{}/check", channel["id"].as_str().unwrap());
        let checked: Value =
            world.app.send_as(Method::POST, &world.owner, &path, None).await.json().await.unwrap();
        assert_eq!(checked["readiness"]["ready"], true, "{checked}");
        SandboxWorld { channel: checked, ..world }
    }

    pub fn channel_path(&self, tail: &str) -> String {
        format!("/api/v1/channels/{}{tail}", self.channel["id"].as_str().unwrap())
    }

    /// `user` writes `text`; returns once the bot has handled it.
    pub async fn say(&self, user: i64, text: &str) {
        let update = self.telegram.send_text(user, text).await.unwrap();
        self.handled(update).await;
    }

    /// `user` opens `url`; returns once the bot has handled what that caused.
    pub async fn open(&self, user: i64, url: &str) -> LinkOutcome {
        let outcome = self.telegram.open_link(user, url).await.unwrap();
        if let LinkOutcome::Started { update_id, .. } | LinkOutcome::Requested { update_id, .. } = &outcome {
            self.handled(*update_id).await;
        }
        outcome
    }

    /// `user` presses the button with callback data starting with `prefix` on the bot's latest message
    /// that has one; returns the data pressed.
    pub async fn press(&self, user: i64, prefix: &str) -> String {
        let messages = self.telegram.messages(user).await.unwrap();
        let (message, data) = messages
            .iter()
            .rev()
            .find_map(|m| callbacks(m).into_iter().find(|d| d.starts_with(prefix)).map(|d| (m.message_id, d)))
            .unwrap_or_else(|| panic!("no button {prefix}… in {messages:#?}"));
        let update = self.telegram.press(user, user, message, &data).await.unwrap();
        self.handled(update).await;
        data
    }

    /// Waits until the bot has handled every pending update (e.g. the `chat_member` update of a join).
    pub async fn settled(&self) {
        assert!(self.telegram.wait_idle(Duration::from_secs(30)).await.unwrap(), "the bot did not catch up");
    }

    pub async fn handled(&self, update: i64) {
        assert!(
            self.telegram.wait_handled(update, Duration::from_secs(30)).await.unwrap(),
            "update {update} not handled"
        );
    }

    pub async fn bot_messages(&self, user: i64) -> Vec<SandboxMessage> {
        self.telegram.messages(user).await.unwrap().into_iter().filter(|m| m.from_bot).collect()
    }

    pub async fn last_bot_message(&self, user: i64) -> Option<SandboxMessage> {
        self.bot_messages(user).await.pop()
    }

    /// Waits for a bot message to `chat` with a URL button satisfying `wanted`; returns that URL.
    pub async fn url_button(&self, chat: i64, wanted: impl Fn(&str) -> bool) -> String {
        eventually("a URL button", || async {
            self.telegram.messages(chat).await.unwrap().iter().rev().flat_map(urls).find(|u| wanted(u))
        })
        .await
    }

    /// Pays invoice checkout `url` (`…/sandbox/checkout/{id}`) in full on the sandbox checkout page.
    pub async fn pay(&self, checkout_url: &str) {
        let id = checkout_url.rsplit('/').next().unwrap();
        let response =
            self.app.http.post(self.app.url(&format!("/sandbox/checkout/{id}/pay"))).send().await.unwrap();
        assert!(response.status().is_success(), "{}", response.status());
    }
}

/// The callback data of a message's buttons.
pub fn callbacks(message: &SandboxMessage) -> Vec<String> {
    message
        .buttons
        .iter()
        .flatten()
        .filter_map(|b| match b {
            Button::Callback { data, .. } => Some(data.clone()),
            Button::Url { .. } => None,
        })
        .collect()
}

/// The URLs of a message's buttons.
pub fn urls(message: &SandboxMessage) -> Vec<String> {
    message
        .buttons
        .iter()
        .flatten()
        .filter_map(|b| match b {
            Button::Url { url, .. } => Some(url.clone()),
            Button::Callback { .. } => None,
        })
        .collect()
}

/// Polls `probe` until it yields a value (generous deadline: a loaded machine is slow, not wrong).
pub async fn eventually<T, F, Fut>(what: &str, probe: F) -> T
where
    F: Fn() -> Fut,
    Fut: std::future::Future<Output = Option<T>>,
{
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        if let Some(value) = probe().await {
            return value;
        }
        assert!(Instant::now() < deadline, "timed out waiting for {what}");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}
