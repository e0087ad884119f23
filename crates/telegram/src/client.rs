//! `BotApi`: calls `POST {base}/bot{token}/{method}` with a JSON body and unwraps the response envelope.

use std::{fmt, sync::Arc, time::Duration};

use paygate_domain::messenger::{ChatRights, MessengerError};
use secrecy::{ExposeSecret, SecretString};
use serde::{Serialize, de::DeserializeOwned};
use tokio::sync::OnceCell;
use url::Url;

use crate::{
    error::{classify, redact, transport},
    wire::{ChatMember, Envelope, GetChatMember, NoParams, User},
};

/// Longest wait for one Bot API call, connection included.
const REQUEST_TIMEOUT: Duration = Duration::from_secs(10);

/// The bot's own account, as `getMe` reports it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BotIdentity {
    pub id: i64,
    /// Without the leading `@`.
    pub username: String,
}

/// A Telegram Bot API client; cheap to clone. `Debug` never prints the token.
#[derive(Clone)]
pub struct BotApi {
    inner: Arc<Inner>,
}

struct Inner {
    base_url: Url,
    token: SecretString,
    http: reqwest::Client,
    /// Filled by the first successful `getMe`; failures are not cached.
    me: OnceCell<BotIdentity>,
}

impl fmt::Debug for BotApi {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("BotApi")
            .field("base_url", &self.inner.base_url.as_str())
            .field("token", &"[REDACTED]")
            .finish_non_exhaustive()
    }
}

impl BotApi {
    /// A client for the Bot API at `base_url` (`https://api.telegram.org` in production).
    pub fn new(base_url: Url, token: SecretString, http: reqwest::Client) -> Self {
        Self { inner: Arc::new(Inner { base_url, token, http, me: OnceCell::new() }) }
    }

    /// The bot's own id and username; cached after the first success.
    #[tracing::instrument(skip(self))]
    pub async fn get_me(&self) -> Result<BotIdentity, MessengerError> {
        let me = self
            .inner
            .me
            .get_or_try_init(|| async {
                let user: User = self.call("getMe", &NoParams {}).await?;
                let username = user.username.ok_or_else(|| MessengerError::Rejected {
                    code: 200,
                    description: "getMe returned a user without a username".to_owned(),
                })?;
                Ok::<_, MessengerError>(BotIdentity { id: user.id, username })
            })
            .await?;
        Ok(me.clone())
    }

    /// The status and rights of `user_id` in `chat_id`.
    #[tracing::instrument(skip(self))]
    pub async fn get_chat_member(&self, chat_id: i64, user_id: i64) -> Result<ChatRights, MessengerError> {
        let member: ChatMember = self.call("getChatMember", &GetChatMember { chat_id, user_id }).await?;
        Ok(member.into())
    }

    /// Calls one Bot API method and parses its `result` as `R`.
    pub(crate) async fn call<P, R>(&self, method: &'static str, params: &P) -> Result<R, MessengerError>
    where
        P: Serialize + Sync,
        R: DeserializeOwned,
    {
        self.call_with_timeout(method, params, REQUEST_TIMEOUT).await
    }

    /// `call` with a longer HTTP timeout, for long polling.
    pub(crate) async fn call_with_timeout<P, R>(
        &self,
        method: &'static str,
        params: &P,
        timeout: Duration,
    ) -> Result<R, MessengerError>
    where
        P: Serialize + Sync,
        R: DeserializeOwned,
    {
        let token = self.inner.token.expose_secret();
        let result = self.send(method, params, timeout).await.map_err(|error| redact(error, token));
        match &result {
            Ok(_) => tracing::debug!(kind = "external", method, "telegram call succeeded"),
            Err(error) => tracing::warn!(kind = "external", method, %error, "telegram call failed"),
        }
        result
    }

    async fn send<P, R>(
        &self,
        method: &'static str,
        params: &P,
        timeout: Duration,
    ) -> Result<R, MessengerError>
    where
        P: Serialize + Sync,
        R: DeserializeOwned,
    {
        let url = format!(
            "{}/bot{}/{method}",
            self.inner.base_url.as_str().trim_end_matches('/'),
            self.inner.token.expose_secret()
        );
        let response =
            self.inner.http.post(url).timeout(timeout).json(params).send().await.map_err(transport)?;
        let status = response.status().as_u16();
        let body = response.bytes().await.map_err(transport)?;
        let envelope: Envelope = match serde_json::from_slice(&body) {
            Ok(envelope) => envelope,
            Err(error) => {
                let description = format!("unreadable response body: {error}");
                return Err(if (400..500).contains(&status) {
                    classify(status, description, None)
                } else {
                    MessengerError::Unavailable(format!("HTTP {status}: {description}"))
                });
            }
        };
        if !envelope.ok {
            let code = envelope.error_code.unwrap_or(status);
            let description = envelope.description.unwrap_or_default();
            let retry_after = envelope.parameters.and_then(|p| p.retry_after);
            return Err(classify(code, description, retry_after));
        }
        let result = envelope.result.ok_or_else(|| MessengerError::Rejected {
            code: status,
            description: format!("{method} returned no result"),
        })?;
        serde_json::from_value(result).map_err(|error| MessengerError::Rejected {
            code: status,
            description: format!("unexpected {method} result: {error}"),
        })
    }
}
