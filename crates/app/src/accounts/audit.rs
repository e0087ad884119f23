//! Audit entries: what is recorded, and the owner's view of their own entries.

use chrono::{DateTime, Utc};
use paygate_domain::ids::UserId;
use serde::Serialize;
use sqlx::PgConnection;

use crate::{App, AppResult};

/// Every kind of audited action.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AuditAction {
    Signup,
    LoginSucceeded,
    LoginFailed,
    RefreshTokenReused,
    Logout,
    EmailVerified,
    PasswordChanged,
    PasswordReset,
    ChannelCreated,
    ChannelUpdated,
    ChannelDeleted,
    PayoutSettingsChanged,
    OperatorCreated,
    TelegramLinked,
}

impl AuditAction {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Signup => "account.signup",
            Self::LoginSucceeded => "account.login_succeeded",
            Self::LoginFailed => "account.login_failed",
            Self::RefreshTokenReused => "account.refresh_token_reused",
            Self::Logout => "account.logout",
            Self::EmailVerified => "account.email_verified",
            Self::PasswordChanged => "account.password_changed",
            Self::PasswordReset => "account.password_reset",
            Self::ChannelCreated => "channel.created",
            Self::ChannelUpdated => "channel.updated",
            Self::ChannelDeleted => "channel.deleted",
            Self::PayoutSettingsChanged => "channel.payout_settings_changed",
            Self::OperatorCreated => "operator.created",
            Self::TelegramLinked => "account.telegram_linked",
        }
    }
}

/// Writes an entry on `conn` (the caller's transaction, so it commits with the change it records).
pub async fn record(
    conn: &mut PgConnection,
    user: Option<UserId>,
    action: AuditAction,
    details: serde_json::Value,
    ip: Option<&str>,
) -> AppResult<()> {
    let entry = paygate_db::audit::NewAuditEntry {
        user_id: user.map(|u| u.as_uuid()),
        actor_id: None,
        action: action.as_str(),
        details,
        ip,
    };
    paygate_db::audit::insert(conn, &entry).await?;
    Ok(())
}

/// One entry as its owner sees it.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct AuditEntry {
    pub id: i64,
    pub action: String,
    #[schema(value_type = Object)]
    pub details: serde_json::Value,
    pub ip: Option<String>,
    pub created_at: DateTime<Utc>,
}

/// The caller's own entries, newest first (`before` pages backwards by id).
pub async fn list_own(
    app: &App,
    user: UserId,
    before: Option<i64>,
    limit: i64,
) -> AppResult<Vec<AuditEntry>> {
    let mut conn = app.pool.acquire().await?;
    let rows = paygate_db::audit::for_user(&mut conn, user.as_uuid(), before, limit.clamp(1, 200)).await?;
    Ok(rows
        .into_iter()
        .map(|r| AuditEntry {
            id: r.id,
            action: r.action,
            details: r.details,
            ip: r.ip,
            created_at: r.created_at,
        })
        .collect())
}
