//! The sandbox mailbox as its owner sees it: mails the sandbox mailer kept for the caller's own address.

use chrono::{DateTime, Utc};
use paygate_domain::ids::UserId;
use serde::Serialize;

use crate::{App, AppError, AppResult};

/// How many kept mails are searched for the caller's (the newest ones).
const SCAN: i64 = 500;
/// How many of the caller's mails are shown.
const SHOWN: usize = 20;

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct SandboxMailView {
    pub id: i64,
    pub subject: String,
    /// The plain-text body, links included.
    pub body: String,
    pub created_at: DateTime<Utc>,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct SandboxMailbox {
    pub mails: Vec<SandboxMailView>,
}

/// The caller's newest sandbox mails; `NotFound` when mail goes out through SMTP (there is no mailbox).
#[tracing::instrument(skip_all, fields(user_id = %user))]
pub async fn of_user(app: &App, user: UserId) -> AppResult<SandboxMailbox> {
    if app.mailer.is_live() {
        return Err(AppError::NotFound);
    }
    let mut conn = app.pool.acquire().await?;
    let row = paygate_db::users::by_id(&mut conn, user.as_uuid()).await?.ok_or(AppError::NotFound)?;
    let mails = paygate_db::sandbox_mails::latest(&mut conn, SCAN)
        .await?
        .into_iter()
        .filter(|mail| mail.to_address.eq_ignore_ascii_case(&row.email))
        .take(SHOWN)
        .map(|mail| SandboxMailView {
            id: mail.id,
            subject: mail.subject,
            body: mail.body,
            created_at: mail.created_at,
        })
        .collect();
    Ok(SandboxMailbox { mails })
}
