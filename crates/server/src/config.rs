//! Typed configuration from `PAYGATE_*` variables (and `.env`), validated at start-up.

use std::{net::SocketAddr, path::PathBuf, time::Duration};

use clap::{Args, ValueEnum};
use rust_decimal::Decimal;
use secrecy::SecretString;
use url::Url;

use crate::{parse, secret_url::SecretUrl};

const MAINNET_USDT: &str = "0xdAC17F958D2ee523a2206206994597C13D831ec7";

/// Log line format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum LogFormat {
    /// One line per event, starting with the emoji legend.
    Human,
    /// One JSON object per line.
    Json,
}

/// What the payment provider settles in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum SettlementAsset {
    Eth,
    Usdt,
}

/// Every setting of Paygate. Each is read from its `PAYGATE_*` variable (or the flag of the same
/// name); values are trimmed; secrets never appear in `Debug` output.
#[derive(Debug, Clone, Args)]
pub struct Config {
    /// PostgreSQL URL. Unset: an embedded PostgreSQL is started under PAYGATE_DATA_DIR.
    #[arg(long, env = "PAYGATE_DATABASE_URL", value_parser = parse::secret, hide_env_values = true)]
    pub database_url: Option<SecretString>,

    /// Directory for the embedded database and generated secrets.
    #[arg(long, env = "PAYGATE_DATA_DIR", default_value = "./data", value_parser = parse::path)]
    pub data_dir: PathBuf,

    /// HTTP listen address.
    #[arg(long, env = "PAYGATE_HTTP_ADDR", default_value = "127.0.0.1:8080", value_parser = parse::socket_addr)]
    pub http_addr: SocketAddr,

    /// External base URL used in links and provider callbacks.
    #[arg(long, env = "PAYGATE_PUBLIC_URL", default_value = "http://127.0.0.1:8080", value_parser = parse::http_url)]
    pub public_url: Url,

    /// Session (JWT) signing secret, at least 32 characters. Unset: generated once into the data dir.
    #[arg(long, env = "PAYGATE_JWT_SECRET", value_parser = parse::long_secret, hide_env_values = true)]
    pub jwt_secret: Option<SecretString>,

    /// Link signing key, at least 32 characters. Unset: generated once into the data dir.
    #[arg(long, env = "PAYGATE_SIGNING_KEY", value_parser = parse::long_secret, hide_env_values = true)]
    pub signing_key: Option<SecretString>,

    /// Platform fee taken from every payment, in percent (0–50).
    #[arg(long, env = "PAYGATE_PLATFORM_FEE_PERCENT", default_value = "3", value_parser = parse::fee_percent)]
    pub platform_fee_percent: Decimal,

    /// Telegram bot token. Unset: the bot is disabled (with a warning).
    #[arg(long, env = "PAYGATE_TELEGRAM_BOT_TOKEN", value_parser = parse::secret, hide_env_values = true)]
    pub telegram_bot_token: Option<SecretString>,

    /// Telegram Bot API base URL.
    #[arg(long, env = "PAYGATE_TELEGRAM_API_URL", default_value = "https://api.telegram.org", value_parser = parse::http_url)]
    pub telegram_api_url: Url,

    /// Receive Telegram updates through a webhook at PAYGATE_PUBLIC_URL/webhooks/telegram (for several
    /// `serve` instances) instead of long polling.
    #[arg(long, env = "PAYGATE_TELEGRAM_WEBHOOK", default_value = "false", value_parser = parse::boolean)]
    pub telegram_webhook: bool,

    /// Telegram's limit on the bot's calls per second overall (30; up to 1000 with paid broadcasts).
    /// Every instance must use the same limits: they share one send calendar.
    #[arg(long, env = "PAYGATE_TELEGRAM_GLOBAL_PER_SECOND", default_value = "30", value_parser = parse::telegram_rate)]
    pub telegram_global_per_second: u32,

    /// Telegram's limit on messages per second to one private chat.
    #[arg(long, env = "PAYGATE_TELEGRAM_PRIVATE_CHAT_PER_SECOND", default_value = "1", value_parser = parse::telegram_rate)]
    pub telegram_private_chat_per_second: u32,

    /// Telegram's limit on messages per minute to one group or channel.
    #[arg(long, env = "PAYGATE_TELEGRAM_GROUP_CHAT_PER_MINUTE", default_value = "20", value_parser = parse::telegram_rate)]
    pub telegram_group_chat_per_minute: u32,

    /// How late a call may reach Telegram after leaving on time (network jitter); the send pacing
    /// keeps this much room under the limits. 140ms with the standard limits: 25 calls/s overall.
    #[arg(long, env = "PAYGATE_TELEGRAM_NETWORK_ALLOWANCE", default_value = "140ms", value_parser = parse::network_allowance)]
    pub telegram_network_allowance: Duration,

    /// Invite links: `join_request` (the bot approves only the payer) or `member_limit` (one-person link).
    #[arg(long, env = "PAYGATE_INVITE_MODE", default_value = "join_request", value_parser = ["join_request", "member_limit"])]
    pub invite_mode: String,

    /// How long an invite link stays valid (e.g. 1h).
    #[arg(long, env = "PAYGATE_INVITE_TTL", default_value = "1h", value_parser = parse::interval)]
    pub invite_ttl: Duration,

    /// How far below the price a payment may fall and still count as paid, in percent (0–20).
    #[arg(long, env = "PAYGATE_PAYMENT_TOLERANCE_PERCENT", default_value = "2", value_parser = parse::tolerance)]
    pub payment_tolerance_percent: Decimal,

    /// NOWPayments API key (set together with the IPN secret). Unset: sandbox payments.
    #[arg(long, env = "PAYGATE_NOWPAYMENTS_API_KEY", value_parser = parse::secret, hide_env_values = true)]
    pub nowpayments_api_key: Option<SecretString>,

    /// NOWPayments IPN secret (set together with the API key).
    #[arg(long, env = "PAYGATE_NOWPAYMENTS_IPN_SECRET", value_parser = parse::secret, hide_env_values = true)]
    pub nowpayments_ipn_secret: Option<SecretString>,

    /// NOWPayments API base URL.
    #[arg(long, env = "PAYGATE_NOWPAYMENTS_API_URL", default_value = "https://api.nowpayments.io/v1", value_parser = parse::http_url)]
    pub nowpayments_api_url: Url,

    /// NOWPayments account e-mail (set together with PAYGATE_NOWPAYMENTS_PASSWORD): reconciliation logs in
    /// with it to list the payments of an invoice that never received a notification. Unset: such
    /// invoices are not expired but wait for the operator (`paygate jobs attention`).
    #[arg(long, env = "PAYGATE_NOWPAYMENTS_EMAIL", value_parser = parse::trimmed)]
    pub nowpayments_email: Option<String>,

    /// NOWPayments account password (set together with PAYGATE_NOWPAYMENTS_EMAIL).
    #[arg(long, env = "PAYGATE_NOWPAYMENTS_PASSWORD", value_parser = parse::secret, hide_env_values = true)]
    pub nowpayments_password: Option<SecretString>,

    /// ChangeNOW API key. Unset: sandbox swaps.
    #[arg(long, env = "PAYGATE_CHANGENOW_API_KEY", value_parser = parse::secret, hide_env_values = true)]
    pub changenow_api_key: Option<SecretString>,

    /// ChangeNOW API base URL.
    #[arg(long, env = "PAYGATE_CHANGENOW_API_URL", default_value = "https://api.changenow.io/v2", value_parser = parse::http_url)]
    pub changenow_api_url: Url,

    /// Ethereum JSON-RPC URL (set together with the host wallet key). Unset: sandbox wallet. It often
    /// embeds a key: shown redacted everywhere.
    #[arg(long, env = "PAYGATE_ETH_RPC_URL", value_parser = parse::secret_http_url, hide_env_values = true)]
    pub eth_rpc_url: Option<SecretUrl>,

    /// Host wallet private key, 0x + 64 hex (or use PAYGATE_HOST_WALLET_PRIVATE_KEY_FILE).
    #[arg(long, env = "PAYGATE_HOST_WALLET_PRIVATE_KEY", value_parser = parse::private_key, hide_env_values = true)]
    pub host_wallet_private_key: Option<SecretString>,

    /// File holding the host wallet private key.
    #[arg(long, env = "PAYGATE_HOST_WALLET_PRIVATE_KEY_FILE", value_parser = parse::path)]
    pub host_wallet_private_key_file: Option<PathBuf>,

    /// Ethereum chain id (1 mainnet, 11155111 Sepolia, 31337 anvil).
    #[arg(long, env = "PAYGATE_ETH_CHAIN_ID", default_value = "1", value_parser = parse::positive_u64)]
    pub eth_chain_id: u64,

    /// USDT (ERC-20) contract address.
    #[arg(long, env = "PAYGATE_USDT_CONTRACT", default_value = MAINNET_USDT, value_parser = parse::evm_address)]
    pub usdt_contract: String,

    /// Confirmations before a host-wallet transfer counts as done.
    #[arg(long, env = "PAYGATE_ETH_CONFIRMATIONS", default_value = "3", value_parser = parse::confirmations)]
    pub eth_confirmations: u32,

    /// What the payment provider settles in.
    #[arg(long, env = "PAYGATE_SETTLEMENT_ASSET", default_value = "eth", value_enum, ignore_case = true)]
    pub settlement_asset: SettlementAsset,

    /// Cap on the EIP-1559 max fee per gas of host wallet transactions, in gwei.
    #[arg(long, env = "PAYGATE_ETH_MAX_FEE_GWEI", default_value = "200", value_parser = parse::positive_u64)]
    pub eth_max_fee_gwei: u64,

    /// How long a host wallet transaction may stay unmined before it is replaced at the same nonce
    /// with fees raised by at least 12.5 % (e.g. 3m).
    #[arg(long, env = "PAYGATE_ETH_REPLACE_AFTER", default_value = "3m", value_parser = parse::interval)]
    pub eth_replace_after: Duration,

    /// How often an open payout looks at its exchange and its host wallet transfer again.
    #[arg(long, env = "PAYGATE_SWAP_POLL_INTERVAL", default_value = "15s", value_parser = parse::interval)]
    pub swap_poll_interval: Duration,

    /// Sandbox swaps: time between two exchange statuses (e.g. 20s).
    #[arg(long, env = "PAYGATE_SANDBOX_SWAP_STEP", default_value = "20s", value_parser = parse::pace)]
    pub sandbox_swap_step: Duration,

    /// Sandbox wallet: ETH it starts with (first start only).
    #[arg(long, env = "PAYGATE_SANDBOX_WALLET_ETH", default_value = "10", value_parser = parse::balance)]
    pub sandbox_wallet_eth: Decimal,

    /// Sandbox wallet: USDT it starts with (first start only).
    #[arg(long, env = "PAYGATE_SANDBOX_WALLET_USDT", default_value = "10000", value_parser = parse::balance)]
    pub sandbox_wallet_usdt: Decimal,

    /// Sandbox wallet: how long a transfer takes to confirm (e.g. 10s).
    #[arg(long, env = "PAYGATE_SANDBOX_WALLET_CONFIRM", default_value = "10s", value_parser = parse::pace)]
    pub sandbox_wallet_confirm: Duration,

    /// Pending threshold entries are converted to USDT once the oldest waited this long (e.g. 15m) ...
    #[arg(long, env = "PAYGATE_CONVERSION_INTERVAL", default_value = "15m", value_parser = parse::interval)]
    pub conversion_interval: Duration,

    /// ... or as soon as they are worth this many USD.
    #[arg(long, env = "PAYGATE_CONVERSION_MIN_USD", default_value = "20", value_parser = parse::balance)]
    pub conversion_min_usd: Decimal,

    /// How often threshold payouts are checked (e.g. 5m, 1h).
    #[arg(long, env = "PAYGATE_BATCH_INTERVAL", default_value = "5m", value_parser = parse::interval)]
    pub batch_interval: Duration,

    /// How often the bot renews the offer post in each open channel (e.g. 24h, 12h).
    #[arg(long, env = "PAYGATE_OFFER_REPOST_INTERVAL", default_value = "24h", value_parser = parse::interval)]
    pub offer_repost_interval: Duration,

    /// SMTP relay for account mails, e.g. smtps://user:password@mail.example.org:465. Unset: sandbox
    /// mailer (mails kept in the database and shown to the operator).
    #[arg(long, env = "PAYGATE_SMTP_URL", value_parser = parse::secret, hide_env_values = true)]
    pub smtp_url: Option<SecretString>,

    /// Sender of account mails.
    #[arg(long, env = "PAYGATE_MAIL_FROM", default_value = "Paygate <no-reply@localhost>", value_parser = parse::trimmed)]
    pub mail_from: String,

    /// Lowest tier price in USD the payment provider accepts.
    #[arg(long, env = "PAYGATE_PROVIDER_MIN_PRICE_USD", default_value = "1.00", value_parser = parse::min_price)]
    pub provider_min_price_usd: Decimal,

    /// Behind a trusted reverse proxy: take the client address from the last X-Forwarded-For hop.
    #[arg(long, env = "PAYGATE_TRUST_FORWARDED_FOR", default_value = "false", value_parser = parse::boolean)]
    pub trust_forwarded_for: bool,

    /// Log format.
    #[arg(long, env = "PAYGATE_LOG_FORMAT", default_value = "human", value_enum, ignore_case = true)]
    pub log_format: LogFormat,

    /// Log filter (tracing EnvFilter syntax, e.g. `info,paygate_jobs=debug`).
    #[arg(long, env = "PAYGATE_LOG", default_value = "info", value_parser = parse::trimmed)]
    pub log: String,

    /// Maximum PostgreSQL connections of this process.
    #[arg(long, env = "PAYGATE_DB_MAX_CONNECTIONS", default_value = "20", value_parser = parse::pool_size)]
    pub db_max_connections: u32,

    /// Jobs one worker process runs at the same time.
    #[arg(long, env = "PAYGATE_WORKER_CONCURRENCY", default_value = "8", value_parser = parse::concurrency)]
    pub worker_concurrency: usize,

    /// `worker` and `bot` roles only: serve /healthz, /readyz and /metrics on this address (the
    /// `serve` and `up` roles expose them on PAYGATE_HTTP_ADDR).
    #[arg(long, env = "PAYGATE_METRICS_ADDR", value_parser = parse::socket_addr)]
    pub metrics_addr: Option<SocketAddr>,
}

/// A cross-field rule of the configuration was broken.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum ConfigError {
    #[error(
        "{set} is set but {missing} is not: configure both for the live {provider} adapter, or neither for the sandbox"
    )]
    Partial { provider: &'static str, set: &'static str, missing: &'static str },
    #[error("{set} is set but {missing} is not: set both for the NOWPayments account login, or neither")]
    PartialLogin { set: &'static str, missing: &'static str },
    #[error("PAYGATE_HOST_WALLET_PRIVATE_KEY and PAYGATE_HOST_WALLET_PRIVATE_KEY_FILE are both set: use one")]
    TwoWalletKeys,
}

impl Config {
    /// Telegram's flood limits as configured.
    pub fn telegram_limits(&self) -> paygate_domain::telegram_limits::TelegramLimits {
        paygate_domain::telegram_limits::TelegramLimits {
            global_per_second: self.telegram_global_per_second,
            private_chat_per_second: self.telegram_private_chat_per_second,
            group_chat_per_minute: self.telegram_group_chat_per_minute,
        }
    }

    /// Checks the rules that involve several variables.
    pub fn validate(&self) -> Result<(), ConfigError> {
        pair(
            "NOWPayments",
            ("PAYGATE_NOWPAYMENTS_API_KEY", self.nowpayments_api_key.is_some()),
            ("PAYGATE_NOWPAYMENTS_IPN_SECRET", self.nowpayments_ipn_secret.is_some()),
        )?;
        match (self.nowpayments_email.is_some(), self.nowpayments_password.is_some()) {
            (true, false) => {
                let (set, missing) = ("PAYGATE_NOWPAYMENTS_EMAIL", "PAYGATE_NOWPAYMENTS_PASSWORD");
                return Err(ConfigError::PartialLogin { set, missing });
            }
            (false, true) => {
                let (set, missing) = ("PAYGATE_NOWPAYMENTS_PASSWORD", "PAYGATE_NOWPAYMENTS_EMAIL");
                return Err(ConfigError::PartialLogin { set, missing });
            }
            _ => {}
        }
        if self.host_wallet_private_key.is_some() && self.host_wallet_private_key_file.is_some() {
            return Err(ConfigError::TwoWalletKeys);
        }
        let has_key = self.host_wallet_private_key.is_some() || self.host_wallet_private_key_file.is_some();
        pair(
            "Ethereum wallet",
            ("PAYGATE_ETH_RPC_URL", self.eth_rpc_url.is_some()),
            ("PAYGATE_HOST_WALLET_PRIVATE_KEY", has_key),
        )
    }
}

fn pair(provider: &'static str, a: (&'static str, bool), b: (&'static str, bool)) -> Result<(), ConfigError> {
    match (a.1, b.1) {
        (true, false) => Err(ConfigError::Partial { provider, set: a.0, missing: b.0 }),
        (false, true) => Err(ConfigError::Partial { provider, set: b.0, missing: a.0 }),
        _ => Ok(()),
    }
}
