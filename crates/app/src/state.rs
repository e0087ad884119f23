//! The application handle shared by every front door: database pool, settings and adapters.

use std::{sync::Arc, time::Duration};

use paygate_domain::{
    host_wallet::HostWallet,
    mailer::Mailer,
    messenger::{DisabledMessenger, Messenger},
    payment_gateway::PaymentGateway,
    swap::SwapProvider,
};
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
    /// Platform fee in percent of what the provider settled.
    pub fee_percent: Decimal,
    /// How far below the price a payment may fall and still count as paid, in percent.
    pub payment_tolerance_percent: Decimal,
    /// Secret that signs payment notifications (the live IPN secret, or the sandbox's own).
    pub ipn_secret: SecretString,
    /// How long an invite link stays valid.
    pub invite_ttl: Duration,
    /// Join-request links (the bot approves only the payer) instead of one-member links.
    pub invite_join_requests: bool,
    /// How long a created invoice may be paid.
    pub invoice_ttl: Duration,
    /// Secret Telegram must echo in `X-Telegram-Bot-Api-Secret-Token` (webhook mode only).
    pub telegram_webhook_secret: Option<SecretString>,
    /// How often the offer post in each open channel is renewed.
    pub offer_repost_interval: Duration,
    /// How often an open payout looks at its exchange and its host wallet transfer again.
    pub payout_poll_interval: Duration,
    /// Pending entries are converted to USDT once the oldest waited this long ...
    pub conversion_interval: Duration,
    /// ... or once they are worth this many USD.
    pub conversion_min_usd: Decimal,
    /// How often the threshold batch pass runs.
    pub batch_interval: Duration,
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
            fee_percent: Decimal::from(3),
            payment_tolerance_percent: paygate_domain::payment_rules::DEFAULT_TOLERANCE_PERCENT,
            ipn_secret: SecretString::from(String::new()),
            invite_ttl: Duration::from_secs(3600),
            invite_join_requests: true,
            invoice_ttl: Duration::from_secs(24 * 3600),
            telegram_webhook_secret: None,
            offer_repost_interval: Duration::from_secs(24 * 3600),
            payout_poll_interval: Duration::from_secs(15),
            conversion_interval: Duration::from_secs(15 * 60),
            conversion_min_usd: Decimal::from(20),
            batch_interval: Duration::from_secs(5 * 60),
        }
    }
}

/// The adapters the server binary (or a test) chose; the app never names concrete ones.
#[derive(Clone)]
pub struct Adapters {
    pub mailer: Arc<dyn Mailer>,
    /// The Telegram adapter as the server wired it (paced by `paygate_telegram::PacedMessenger`): the
    /// Bot API client, or the sandbox Telegram without a bot token; `None` only where no bot is wanted.
    pub messenger: Option<Arc<dyn Messenger>>,
    pub payments: Arc<dyn PaymentGateway>,
    /// The swap provider (ChangeNOW, or the sandbox simulator).
    pub swap: Arc<dyn SwapProvider>,
    /// The operator's host wallet (Ethereum, or the sandbox wallet).
    pub wallet: Arc<dyn HostWallet>,
}

/// Everything a use case needs; cheap to clone.
#[derive(Clone)]
pub struct App {
    pub pool: PgPool,
    pub settings: Arc<Settings>,
    pub mailer: Arc<dyn Mailer>,
    /// Telegram as the server wired it (paced by `paygate_telegram::PacedMessenger`); without a bot
    /// token a [`DisabledMessenger`] whose every call answers `NotConfigured` (the one place deciding that).
    pub messenger: Arc<dyn Messenger>,
    pub payments: Arc<dyn PaymentGateway>,
    pub swap: Arc<dyn SwapProvider>,
    pub wallet: Arc<dyn HostWallet>,
    /// Adapters wired by the server binary, for `/readyz` and the dashboard.
    pub adapters: Vec<AdapterStatus>,
}

impl std::fmt::Debug for App {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("App").field("adapters", &self.adapters).finish_non_exhaustive()
    }
}

impl App {
    pub fn new(pool: PgPool, settings: Settings, adapters: Adapters) -> Self {
        let mode = |live: bool| if live { AdapterMode::Live } else { AdapterMode::Sandbox };
        let statuses = vec![
            AdapterStatus { name: "mailer", mode: mode(adapters.mailer.is_live()) },
            AdapterStatus {
                name: "telegram",
                mode: match &adapters.messenger {
                    Some(messenger) => mode(messenger.is_live()),
                    None => AdapterMode::Disabled,
                },
            },
            AdapterStatus { name: "payments", mode: mode(adapters.payments.is_live()) },
            AdapterStatus { name: "swap", mode: mode(adapters.swap.is_live()) },
            AdapterStatus { name: "wallet", mode: mode(adapters.wallet.is_live()) },
        ];
        let messenger: Arc<dyn Messenger> = match adapters.messenger {
            Some(messenger) => messenger,
            None => Arc::new(DisabledMessenger),
        };
        Self {
            pool,
            settings: Arc::new(settings),
            mailer: adapters.mailer,
            messenger,
            payments: adapters.payments,
            // Every swap call is timed and its errors counted, whichever provider it is.
            swap: Arc::new(crate::payouts::metered_swap::MeteredSwap(adapters.swap)),
            wallet: adapters.wallet,
            adapters: statuses,
        }
    }
}
