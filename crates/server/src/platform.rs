//! Start-up shared by every role: data dir, database (embedded or external), migrations, secrets.

use std::{str::FromStr, sync::Arc};

use anyhow::Context;
use paygate_app::{App, Settings};
use paygate_domain::{mailer::Mailer, messenger::Messenger};
use secrecy::{ExposeSecret, SecretString};
use sqlx::postgres::PgConnectOptions;

use crate::{config::Config, embedded_pg::EmbeddedPostgres, secrets};

/// Keys that sign sessions and links.
#[derive(Debug, Clone)]
pub struct Keys {
    pub jwt_secret: SecretString,
    pub signing_key: SecretString,
}

/// A started platform: the application handle plus what must be stopped at the end.
#[derive(Debug)]
pub struct Platform {
    pub app: App,
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
        let app = match wire_app(pool.clone(), &config, &keys) {
            Ok(app) => app,
            Err(error) => {
                pool.close().await;
                if let Some(server) = embedded {
                    let _ = server.stop().await;
                }
                return Err(error);
            }
        };
        Ok(Self { app, keys, config, embedded })
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

/// Chooses every adapter: live when configured, sandbox otherwise. The only place naming them.
fn wire_app(pool: sqlx::PgPool, config: &Config, keys: &Keys) -> anyhow::Result<App> {
    let mut settings = Settings::new(config.public_url.clone(), keys.jwt_secret.clone());
    settings.provider_min_price_usd = config.provider_min_price_usd;
    settings.trust_forwarded_for = config.trust_forwarded_for;
    let mailer: Arc<dyn Mailer> = match &config.smtp_url {
        Some(url) => Arc::new(paygate_smtp::SmtpMailer::new(url, &config.mail_from)?),
        None => {
            tracing::warn!(kind = "warning", "PAYGATE_SMTP_URL unset: sandbox mailer (mails kept in the database)");
            Arc::new(paygate_sandbox::SandboxMailer::new(pool.clone()))
        }
    };
    let messenger: Option<Arc<dyn Messenger>> = config.telegram_bot_token.as_ref().map(|token| {
        let http = reqwest::Client::new();
        Arc::new(paygate_telegram::BotApi::new(config.telegram_api_url.clone(), token.clone(), http)) as Arc<dyn Messenger>
    });
    Ok(App::new(pool, settings, mailer, messenger))
}
