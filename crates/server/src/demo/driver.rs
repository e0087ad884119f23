//! What the demo does with its hands: owner calls to the HTTP API, people in the sandbox Telegram,
//! the payer's choice on the sandbox checkout page, and patient waits for what follows.

use std::time::{Duration, Instant};

use anyhow::{Context, bail};
use paygate_app::App;
use paygate_sandbox::telegram::{Button, LinkOutcome, SandboxMessage, SandboxTelegram};
use serde_json::Value;

/// How long one thing may take before the step fails on the demo's own platform (a loaded machine is
/// slow, not wrong); a running platform keeps its own paces, so `--url` waits longer.
pub const PATIENCE: Duration = Duration::from_secs(45);
pub const PATIENCE_OF_A_RUNNING_PLATFORM: Duration = Duration::from_secs(600);

/// The running platform as the demo reaches it.
pub struct Driver {
    pub app: App,
    pub telegram: SandboxTelegram,
    pub http: reqwest::Client,
    /// `http://127.0.0.1:<port>`.
    pub base: String,
    /// The owner's access token, once signed up.
    pub token: String,
    /// How long one thing may take before the step fails.
    pub patience: Duration,
    /// Appended to the story's account and Telegram usernames, so the story can run again on a platform
    /// that already holds an earlier run (empty on a fresh one).
    pub tag: String,
}

impl Driver {
    /// Calls the owner API; a non-success answer is an error with its body.
    pub async fn api(
        &self,
        method: reqwest::Method,
        path: &str,
        body: Option<&Value>,
    ) -> anyhow::Result<Value> {
        let mut request = self.http.request(method, format!("{}{path}", self.base));
        if !self.token.is_empty() {
            request = request.bearer_auth(&self.token);
        }
        if let Some(body) = body {
            request = request.json(body);
        }
        let response = request.send().await.with_context(|| format!("calling {path}"))?;
        let status = response.status();
        let text = response.text().await?;
        if !status.is_success() {
            bail!("{path} answered {status}: {text}");
        }
        Ok(if text.is_empty() { Value::Null } else { serde_json::from_str(&text)? })
    }

    /// `user` writes to the bot and the bot handles it.
    pub async fn say(&self, user: i64, text: &str) -> anyhow::Result<()> {
        let update = self.telegram.send_text(user, text).await?;
        self.handled(update).await
    }

    /// `user` opens `url` (deep link or invite link) and the bot handles what that caused.
    pub async fn open(&self, user: i64, url: &str) -> anyhow::Result<LinkOutcome> {
        let outcome = self.telegram.open_link(user, url).await?;
        if let LinkOutcome::Started { update_id, .. } | LinkOutcome::Requested { update_id, .. } = &outcome {
            self.handled(*update_id).await?;
        }
        Ok(outcome)
    }

    /// `user` presses the newest button of their chat whose callback data satisfies `wanted`.
    pub async fn press(&self, user: i64, wanted: impl Fn(&str) -> bool) -> anyhow::Result<String> {
        let messages = self.telegram.messages(user).await?;
        let Some((message, data)) = messages
            .iter()
            .rev()
            .find_map(|m| callbacks(m).into_iter().find(|d| wanted(d)).map(|d| (m.message_id, d)))
        else {
            bail!("the bot showed no such button");
        };
        let update = self.telegram.press(user, user, message, &data).await?;
        self.handled(update).await?;
        Ok(data)
    }

    /// Waits until the bot has handled every pending update (e.g. the `chat_member` update of a join).
    pub async fn settle(&self) -> anyhow::Result<()> {
        if !self.telegram.wait_idle(self.patience).await? {
            bail!("the bot did not catch up with its updates");
        }
        Ok(())
    }

    async fn handled(&self, update: i64) -> anyhow::Result<()> {
        if !self.telegram.wait_handled(update, self.patience).await? {
            bail!("the bot did not handle update {update}");
        }
        Ok(())
    }

    /// Waits for a URL button satisfying `wanted` in `chat`, newest first; returns its URL.
    pub async fn url_button(&self, chat: i64, wanted: impl Fn(&str) -> bool) -> anyhow::Result<String> {
        self.eventually("a button from the bot", || async {
            let messages = self.telegram.messages(chat).await?;
            Ok(messages.iter().rev().flat_map(urls).find(|u| wanted(u)))
        })
        .await
    }

    /// Plays the payer on the sandbox checkout page of `checkout_url` (`pay`, `underpay`, `expire`).
    pub async fn checkout(&self, checkout_url: &str, action: &str) -> anyhow::Result<String> {
        let invoice = checkout_url.rsplit('/').next().unwrap_or_default().to_owned();
        let url = format!("{}/sandbox/checkout/{invoice}/{action}", self.base);
        let response = self.http.post(url).send().await?;
        if !response.status().is_success() {
            bail!("the sandbox checkout answered {}", response.status());
        }
        Ok(invoice)
    }

    /// Polls `probe` until it yields a value, or fails after the demo's patience.
    pub async fn eventually<T, F, Fut>(&self, what: &str, probe: F) -> anyhow::Result<T>
    where
        F: Fn() -> Fut,
        Fut: std::future::Future<Output = anyhow::Result<Option<T>>>,
    {
        let deadline = Instant::now() + self.patience;
        loop {
            if let Some(value) = probe().await? {
                return Ok(value);
            }
            if Instant::now() >= deadline {
                bail!("timed out waiting for {what}");
            }
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
    }

    /// `name` with this run's tag (unique on a platform that holds earlier runs).
    pub fn tagged(&self, name: &str) -> String {
        format!("{name}{}", self.tag)
    }

    /// A text column of one row, for checks against the database.
    pub async fn scalar(&self, sql: &'static str, id: uuid::Uuid) -> anyhow::Result<Option<String>> {
        Ok(sqlx::query_scalar(sql).bind(id).fetch_optional(&self.app.pool).await?)
    }
}

/// The callback data of a message's buttons.
pub fn callbacks(message: &SandboxMessage) -> Vec<String> {
    let data = message.buttons.iter().flatten().filter_map(|b| match b {
        Button::Callback { data, .. } => Some(data.clone()),
        Button::Url { .. } => None,
    });
    data.collect()
}

/// The URLs of a message's buttons.
pub fn urls(message: &SandboxMessage) -> Vec<String> {
    let urls = message.buttons.iter().flatten().filter_map(|b| match b {
        Button::Url { url, .. } => Some(url.clone()),
        Button::Callback { .. } => None,
    });
    urls.collect()
}
