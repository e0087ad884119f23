//! Database-backed sliding-window rate limits (shared by every instance): login, sign-up, mails.

use std::time::Duration;

use chrono::Utc;
use sqlx::PgConnection;

use crate::{AppError, AppResult};

/// One limit: at most `max` events per `window` in `bucket`.
#[derive(Debug, Clone)]
pub struct Limit {
    pub bucket: String,
    pub max: i64,
    pub window: Duration,
}

const FIFTEEN_MINUTES: Duration = Duration::from_secs(15 * 60);
const HOUR: Duration = Duration::from_secs(3600);

impl Limit {
    /// 5 failed logins per account per 15 minutes. `account` is the account id once the login
    /// resolved to one (so its username and e-mail share the bucket), the lower-cased login otherwise.
    pub fn login_account(account: &str) -> Self {
        Self {
            bucket: format!("login:account:{}", account.trim().to_lowercase()),
            max: 5,
            window: FIFTEEN_MINUTES,
        }
    }

    /// 20 failed logins per IP (IPv6: per /64, see [`crate::ip_key`]) per 15 minutes.
    pub fn login_ip(ip: &str) -> Self {
        Self { bucket: format!("login:ip:{ip}"), max: 20, window: FIFTEEN_MINUTES }
    }

    /// 5 sign-ups per IP per hour.
    pub fn signup_ip(ip: &str) -> Self {
        Self { bucket: format!("signup:ip:{ip}"), max: 5, window: HOUR }
    }

    /// 5 account mails (reset, verification) per account per hour, so nobody can mail-bomb an owner.
    pub fn account_mail(user: &str) -> Self {
        Self { bucket: format!("mail:account:{user}"), max: 5, window: HOUR }
    }

    /// 5 wrong `/link` codes per Telegram user per 15 minutes (codes are 8 of 31 characters).
    pub fn telegram_link(telegram_user_id: i64) -> Self {
        Self { bucket: format!("telegram-link:{telegram_user_id}"), max: 5, window: FIFTEEN_MINUTES }
    }

    /// 20 forgot-password requests per IP per hour.
    pub fn forgot_ip(ip: &str) -> Self {
        Self { bucket: format!("forgot:ip:{ip}"), max: 20, window: HOUR }
    }

    /// Fails with 429 when the bucket is full, with the time until its oldest event leaves the window.
    pub async fn check(&self, conn: &mut PgConnection) -> AppResult<()> {
        let (count, oldest) =
            paygate_db::rate_limits::window(conn, &self.bucket, self.window.as_secs_f64()).await?;
        if count < self.max {
            return Ok(());
        }
        Err(self.exceeded(oldest))
    }

    /// Takes one slot in every limit at once, or in none and fails with 429 (check and record are
    /// one atomic step, so parallel requests cannot all slip past the check).
    pub async fn acquire_all(conn: &mut PgConnection, limits: &[&Limit]) -> AppResult<()> {
        let slots: Vec<paygate_db::rate_limits::Slot<'_>> = limits
            .iter()
            .map(|limit| paygate_db::rate_limits::Slot {
                bucket: &limit.bucket,
                max: limit.max,
                window_secs: limit.window.as_secs_f64(),
            })
            .collect();
        match paygate_db::rate_limits::try_record(conn, &slots).await? {
            None => Ok(()),
            Some((index, oldest)) => Err(limits.get(index).map_or_else(
                || AppError::RateLimited { retry_after: Duration::from_secs(1) },
                |limit| limit.exceeded(oldest),
            )),
        }
    }

    /// [`Limit::acquire_all`] of this one limit.
    pub async fn acquire(&self, conn: &mut PgConnection) -> AppResult<()> {
        Self::acquire_all(conn, &[self]).await
    }

    /// Gives back a slot taken by [`Limit::acquire`] (the attempt turned out not to count).
    pub async fn release_one(&self, conn: &mut PgConnection) -> AppResult<()> {
        Ok(paygate_db::rate_limits::release_one(conn, &self.bucket).await?)
    }

    fn exceeded(&self, oldest: Option<chrono::DateTime<Utc>>) -> AppError {
        let frees_at = oldest.unwrap_or_else(Utc::now) + self.window;
        let wait = (frees_at - Utc::now()).to_std().unwrap_or_default().max(Duration::from_secs(1));
        tracing::warn!(kind = "warning", bucket = %self.bucket, "rate limit reached");
        AppError::RateLimited { retry_after: Duration::from_secs(wait.as_secs() + 1) }
    }

    pub async fn hit(&self, conn: &mut PgConnection) -> AppResult<()> {
        Ok(paygate_db::rate_limits::record(conn, &self.bucket).await?)
    }

    pub async fn clear(&self, conn: &mut PgConnection) -> AppResult<()> {
        Ok(paygate_db::rate_limits::clear(conn, &self.bucket).await?)
    }
}
