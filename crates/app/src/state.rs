//! The application handle shared by every front door: database pool, settings and adapters.

use std::{sync::Arc, time::Duration};

use paygate_domain::{mailer::Mailer, messenger::Messenger};
use rust_decimal::Decimal;
use secrecy::SecretString;
use sqlx::PgPool;
use url::Url;

/// Whether an external provider is reached for real or simulated.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum AdapterMode {
    Live,
    Sandbox,
    Disabled,
}

/// One configured adapter as `/readyz` and the dashboard show it.
#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct AdapterStatus {
    pub name: &'static str,
    pub mode: AdapterMode,
}

/// Settings the use cases read.
#[derive(Debug, Clone)]
pub struct Settings {
    pub public_url: Url,
    pub jwt_secret: SecretString,
    pub access_token_ttl: Duration,
    pub refresh_token_ttl: Duration,
    /// Lowest tier price the payment provider accepts.
    pub provider_min_price_usd: Decimal,
    /// Use the last `X-Forwarded-For` hop as the client address (behind a trusted proxy).
    pub trust_forwarded_for: bool,
}

impl Settings {
    /// Defaults for everything but the secret (tests and local runs).
    pub fn new(public_url: Url, jwt_secret: SecretString) -> Self {
        Self {
            public_url,
            jwt_secret,
            access_token_ttl: Duration::from_secs(15 * 60),
            refresh_token_ttl: Duration::from_secs(30 * 24 * 3600),
            provider_min_price_usd: paygate_domain::limits::DEFAULT_PROVIDER_MIN_PRICE_USD,
            trust_forwarded_for: false,
        }
    }
}

/// Everything a use case needs; cheap to clone.
#[derive(Clone)]
pub struct App {
    pub pool: PgPool,
    pub settings: Arc<Settings>,
    pub mailer: Arc<dyn Mailer>,
    /// `None` when no bot token is configured.
    pub messenger: Option<Arc<dyn Messenger>>,
    /// Adapters wired by the server binary, for `/readyz` and the dashboard.
    pub adapters: Vec<AdapterStatus>,
}

impl std::fmt::Debug for App {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("App").field("adapters", &self.adapters).finish_non_exhaustive()
    }
}

impl App {
    pub fn new(pool: PgPool, settings: Settings, mailer: Arc<dyn Mailer>, messenger: Option<Arc<dyn Messenger>>) -> Self {
        let adapters = vec![
            AdapterStatus {
                name: "mailer",
                mode: if mailer.is_live() { AdapterMode::Live } else { AdapterMode::Sandbox },
            },
            AdapterStatus {
                name: "telegram",
                mode: if messenger.is_some() { AdapterMode::Live } else { AdapterMode::Disabled },
            },
        ];
        Self { pool, settings: Arc::new(settings), mailer, messenger, adapters }
    }
}
