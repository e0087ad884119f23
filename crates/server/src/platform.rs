//! Start-up shared by every role: data dir, database (embedded or external), migrations, secrets.

use std::{str::FromStr, sync::Arc};

use anyhow::Context;
use paygate_app::{Adapters, App, Settings};
use paygate_domain::{mailer::Mailer, messenger::Messenger, payment_gateway::PaymentGateway};
use secrecy::{ExposeSecret, SecretString};
use sha2::Digest;
use sqlx::postgres::PgConnectOptions;

use crate::{config::Config, embedded_pg::EmbeddedPostgres, secrets};

/// Keys that sign sessions and links.
#[derive(Debug, Clone)]
pub struct Keys {
    pub jwt_secret: SecretString,
    pub signing_key: SecretString,
    /// Signs the sandbox payment provider's notifications (when NOWPayments is not configured).
    pub sandbox_ipn_secret: SecretString,
}

/// A started platform: the application handle plus what must be stopped at the end.
#[derive(Debug)]
pub struct Platform {
    pub app: App,
    /// The sandbox payment provider when NOWPayments is not configured (serves the checkout page).
    pub sandbox: Option<Arc<paygate_sandbox::SandboxPayments>>,
    /// The Bot API client for the bot's front door (polling, webhook registration); `None` without a
    /// bot token. Use cases reach Telegram only through `app.messenger`.
    pub bot: Option<paygate_telegram::BotApi>,
    /// The sandbox Telegram when no bot token is configured (the bot polls it; the sandbox chat page plays
    /// its people).
    pub sandbox_telegram: Option<paygate_sandbox::SandboxTelegram>,
    pub keys: Keys,
    pub config: Config,
    embedded: Option<EmbeddedPostgres>,
}

impl Platform {
    /// Connects to (or starts) PostgreSQL and applies migrations.
    pub async fn start(config: Config) -> anyhow::Result<Self> {
        std::fs::create_dir_all(&config.data_dir)
            .with_context(|| format!("creating PAYGATE_DATA_DIR {}", config.data_dir.display()))?;
        let keys = Keys {
            jwt_secret: match &config.jwt_secret {
                Some(secret) => secret.clone(),
                None => secrets::load_or_generate(&config.data_dir, "jwt_secret")?,
            },
            signing_key: match &config.signing_key {
                Some(secret) => secret.clone(),
                None => secrets::load_or_generate(&config.data_dir, "signing_key")?,
            },
            sandbox_ipn_secret: secrets::load_or_generate(&config.data_dir, "sandbox_ipn_secret")?,
        };
        let (options, embedded) = match &config.database_url {
            Some(url) => {
                let options = PgConnectOptions::from_str(url.expose_secret())
                    .context("PAYGATE_DATABASE_URL is not a valid PostgreSQL URL")?;
                (options, None)
            }
            None => {
                tracing::info!(kind = "db", data_dir = %config.data_dir.display(), "PAYGATE_DATABASE_URL unset: starting embedded PostgreSQL");
                let server = EmbeddedPostgres::start(&config.data_dir).await?;
                (server.connect_options(), Some(server))
            }
        };
        let pool = match paygate_db::connect(options, config.db_max_connections).await {
            Ok(pool) => pool,
            Err(error) => {
                if let Some(server) = embedded {
                    let _ = server.stop().await;
                }
                return Err(error.into());
            }
        };
        if let Err(error) = paygate_db::migrate(&pool).await {
            pool.close().await;
            if let Some(server) = embedded {
                let _ = server.stop().await;
            }
            return Err(error.into());
        }
        let (app, sandbox, bot, sandbox_telegram) = match wire_app(pool.clone(), &config, &keys).await {
            Ok(wired) => wired,
            Err(error) => {
                pool.close().await;
                if let Some(server) = embedded {
                    let _ = server.stop().await;
                }
                return Err(error);
            }
        };
        Ok(Self { app, sandbox, bot, sandbox_telegram, keys, config, embedded })
    }

    /// Closes the pool and stops the embedded server, if any.
    pub async fn stop(self) -> anyhow::Result<()> {
        self.app.pool.close().await;
        if let Some(server) = self.embedded {
            server.stop().await?;
        }
        Ok(())
    }
}

/// What [`wire_app`] chose besides the app: the sandbox payment provider, the Bot API client or else
/// the sandbox Telegram.
type Wired = (
    App,
    Option<Arc<paygate_sandbox::SandboxPayments>>,
    Option<paygate_telegram::BotApi>,
    Option<paygate_sandbox::SandboxTelegram>,
);

/// Chooses every adapter: live when configured, sandbox otherwise. The only place naming them.
/// Connections of the Telegram send pacer's own pool (short reservations; they queue on one calendar).
const PACER_CONNECTIONS: u32 = 8;

async fn wire_app(pool: sqlx::PgPool, config: &Config, keys: &Keys) -> anyhow::Result<Wired> {
    let http = reqwest::Client::new();
    let mut settings = Settings::new(config.public_url.clone(), keys.jwt_secret.clone());
    settings.provider_min_price_usd = config.provider_min_price_usd;
    settings.trust_forwarded_for = config.trust_forwarded_for;
    settings.fee_percent = config.platform_fee_percent;
    settings.payment_tolerance_percent = config.payment_tolerance_percent;
    settings.invite_ttl = config.invite_ttl;
    settings.offer_repost_interval = config.offer_repost_interval;
    settings.invite_join_requests = config.invite_mode == "join_request";
    if config.telegram_webhook {
        // Derived from the signing key: identical on every instance, never configured separately.
        let digest =
            sha2::Sha256::digest(format!("telegram-webhook:{}", keys.signing_key.expose_secret()).as_bytes());
        settings.telegram_webhook_secret = Some(SecretString::from(hex::encode(digest)));
    }
    let mailer: Arc<dyn Mailer> = match &config.smtp_url {
        Some(url) => Arc::new(paygate_smtp::SmtpMailer::new(url, &config.mail_from)?),
        None => {
            tracing::warn!(
                kind = "warning",
                "PAYGATE_SMTP_URL unset: sandbox mailer (mails kept in the database)"
            );
            Arc::new(paygate_sandbox::SandboxMailer::new(pool.clone()))
        }
    };
    let bot = config.telegram_bot_token.as_ref().map(|token| {
        paygate_telegram::BotApi::new(config.telegram_api_url.clone(), token.clone(), http.clone())
    });
    // Without a token, the sandbox Telegram stands in for the Bot API (same port, same pacing, same intake).
    let sandbox_telegram = bot.is_none().then(|| {
        tracing::warn!(
            kind = "warning",
            "PAYGATE_TELEGRAM_BOT_TOKEN unset: sandbox Telegram (/sandbox/telegram)"
        );
        paygate_sandbox::SandboxTelegram::with_limits(pool.clone(), config.telegram_limits())
    });
    let telegram: Option<Arc<dyn Messenger>> = match (&bot, &sandbox_telegram) {
        (Some(api), _) => Some(Arc::new(api.clone())),
        (None, Some(sandbox)) => Some(Arc::new(sandbox.clone())),
        (None, None) => None,
    };
    // Every Bot API call of the use cases takes a slot of the PostgreSQL send pacer all instances share.
    // The pacer has a few connections of its own: a job holding one of the main pool's connections
    // while it sends (an offer post under its channel's lock) then never waits on the main pool for
    // its slot, whatever the worker concurrency.
    let messenger = match telegram {
        Some(inner) => {
            let spacing =
                paygate_telegram::pacer::spacing(config.telegram_limits(), config.telegram_network_allowance);
            let pacer_pool =
                paygate_db::connect((*pool.connect_options()).clone(), PACER_CONNECTIONS).await?;
            Some(Arc::new(paygate_telegram::PacedMessenger::new(pacer_pool, spacing, inner))
                as Arc<dyn Messenger>)
        }
        None => None,
    };
    let (payments, sandbox): (Arc<dyn PaymentGateway>, _) =
        match (&config.nowpayments_api_key, &config.nowpayments_ipn_secret) {
            (Some(key), Some(ipn_secret)) => {
                settings.ipn_secret = ipn_secret.clone();
                let live = paygate_nowpayments::NowPayments::new(
                    config.nowpayments_api_url.clone(),
                    key.clone(),
                    http.clone(),
                );
                (Arc::new(with_account_login(live, config)), None)
            }
            _ => {
                tracing::warn!(
                    kind = "warning",
                    "NOWPayments not configured: sandbox payments (checkout page, no real money)"
                );
                settings.ipn_secret = keys.sandbox_ipn_secret.clone();
                let sandbox = Arc::new(paygate_sandbox::SandboxPayments::new(
                    pool.clone(),
                    &config.public_url,
                    keys.sandbox_ipn_secret.clone(),
                    http.clone(),
                ));
                (sandbox.clone() as Arc<dyn PaymentGateway>, Some(sandbox))
            }
        };
    let swap = crate::payout_adapters::swap(&pool, config, &http);
    let wallet = crate::payout_adapters::wallet(&pool, config).await?;
    settings.payout_poll_interval = config.swap_poll_interval;
    settings.conversion_interval = config.conversion_interval;
    settings.conversion_min_usd = config.conversion_min_usd;
    settings.batch_interval = config.batch_interval;
    let adapters = Adapters { mailer, messenger, payments, swap, wallet };
    Ok((App::new(pool, settings, adapters), sandbox, bot, sandbox_telegram))
}

/// The live adapter with the account login for list look-ups, when configured (else a warning: invoices
/// that never receive a notification then wait for the operator instead of expiring).
fn with_account_login(
    live: paygate_nowpayments::NowPayments,
    config: &Config,
) -> paygate_nowpayments::NowPayments {
    match (&config.nowpayments_email, &config.nowpayments_password) {
        (Some(email), Some(password)) => live.with_account(email.clone(), password.clone()),
        _ => {
            tracing::warn!(
                kind = "warning",
                "PAYGATE_NOWPAYMENTS_EMAIL/PASSWORD unset: invoices that never receive a notification cannot \
                 be looked up and wait for the operator instead of expiring"
            );
            live
        }
    }
}
