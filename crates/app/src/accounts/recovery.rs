//! E-mail verification and password reset/change: one-time tokens, never revealing who has an account.

use chrono::Utc;
use paygate_domain::{account::Password, ids::UserId, validation::ValidationErrors};
use serde::Deserialize;
use serde_json::json;

use crate::{
    App, AppError, AppResult,
    accounts::audit::{self, AuditAction},
    accounts::auth::{password, tokens},
    accounts::mail,
    accounts::users::Client,
    rate_limit::Limit,
};

pub(crate) const VERIFY_TTL: chrono::Duration = chrono::Duration::hours(48);
const RESET_TTL: chrono::Duration = chrono::Duration::hours(1);

#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
pub struct TokenInput {
    pub token: String,
}

#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
pub struct ForgotPasswordInput {
    /// Username or e-mail address.
    pub login: String,
}

#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
pub struct ResetPasswordInput {
    pub token: String,
    pub new_password: String,
}

#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
pub struct ChangePasswordInput {
    pub current_password: String,
    pub new_password: String,
}

/// Marks the e-mail verified when the token is valid.
pub async fn verify_email(app: &App, input: &TokenInput, client: &Client) -> AppResult<()> {
    let mut tx = app.pool.begin().await?;
    let hash = tokens::hash_token(&input.token);
    let Some(user) = paygate_db::account_tokens::consume(&mut tx, &hash, "verify_email").await? else {
        return Err(AppError::field("token", "this link is invalid, already used or expired"));
    };
    paygate_db::users::mark_email_verified(&mut tx, user).await?;
    audit::record(
        &mut tx,
        Some(UserId::from_uuid(user)),
        AuditAction::EmailVerified,
        json!({}),
        client.ip.as_deref(),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Mails a new verification link to the signed-in user (at most 5 account mails per hour).
pub async fn resend_verification(app: &App, user: UserId) -> AppResult<()> {
    let mut tx = app.pool.begin().await?;
    let row = paygate_db::users::by_id(&mut tx, user.as_uuid()).await?.ok_or(AppError::NotFound)?;
    if row.email_verified_at.is_some() {
        return Ok(());
    }
    let limit = Limit::account_mail(&user.to_string());
    limit.check(&mut tx).await?;
    limit.hit(&mut tx).await?;
    paygate_db::account_tokens::expire_unused(&mut tx, user.as_uuid(), "verify_email").await?;
    let (token, hash) = tokens::new_opaque_token();
    paygate_db::account_tokens::insert(
        &mut tx,
        &hash,
        user.as_uuid(),
        "verify_email",
        Utc::now() + VERIFY_TTL,
    )
    .await?;
    mail::enqueue_verification(&mut tx, &app.settings, &row.email, &token).await?;
    tx.commit().await?;
    Ok(())
}

/// Mails a reset link when the account exists; answers the same either way.
pub async fn forgot_password(app: &App, input: &ForgotPasswordInput, client: &Client) -> AppResult<()> {
    let mut tx = app.pool.begin().await?;
    let ip_limit = Limit::forgot_ip(&client.rate_limit_key());
    ip_limit.check(&mut tx).await?;
    ip_limit.hit(&mut tx).await?;
    if let Some(row) = paygate_db::users::by_login(&mut tx, input.login.trim()).await? {
        let account_limit = Limit::account_mail(&row.id.to_string());
        // A full mail bucket is not reported: that would tell the caller the account exists.
        if account_limit.check(&mut tx).await.is_ok() {
            account_limit.hit(&mut tx).await?;
            paygate_db::account_tokens::expire_unused(&mut tx, row.id, "reset_password").await?;
            let (token, hash) = tokens::new_opaque_token();
            paygate_db::account_tokens::insert(
                &mut tx,
                &hash,
                row.id,
                "reset_password",
                Utc::now() + RESET_TTL,
            )
            .await?;
            mail::enqueue_reset(&mut tx, &app.settings, &row.email, &token).await?;
        }
    }
    tx.commit().await?;
    Ok(())
}

/// Sets a new password with a reset token and signs out every session.
pub async fn reset_password(app: &App, input: &ResetPasswordInput, client: &Client) -> AppResult<()> {
    let new_password = parse_new_password(&input.new_password)?;
    let hash = password::hash(new_password.expose().to_owned()).await?;
    let mut tx = app.pool.begin().await?;
    let token_hash = tokens::hash_token(&input.token);
    let Some(user) = paygate_db::account_tokens::consume(&mut tx, &token_hash, "reset_password").await?
    else {
        return Err(AppError::field("token", "this link is invalid, already used or expired"));
    };
    paygate_db::users::set_password_hash(&mut tx, user, &hash).await?;
    paygate_db::sessions::revoke_all_for_user(&mut tx, user, None, "password reset").await?;
    // Receiving the mail proves the address too.
    paygate_db::users::mark_email_verified(&mut tx, user).await?;
    audit::record(
        &mut tx,
        Some(UserId::from_uuid(user)),
        AuditAction::PasswordReset,
        json!({}),
        client.ip.as_deref(),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Changes the password of a signed-in user after checking the current one; other sessions end.
pub async fn change_password(
    app: &App,
    user: UserId,
    session: paygate_domain::ids::SessionId,
    input: &ChangePasswordInput,
    client: &Client,
) -> AppResult<()> {
    let new_password = parse_new_password(&input.new_password)?;
    let mut conn = app.pool.acquire().await?;
    let row = paygate_db::users::by_id(&mut conn, user.as_uuid()).await?.ok_or(AppError::NotFound)?;
    drop(conn);
    if !password::verify(Some(row.password_hash), input.current_password.clone()).await? {
        return Err(AppError::field("current_password", "the current password is wrong"));
    }
    let hash = password::hash(new_password.expose().to_owned()).await?;
    let mut tx = app.pool.begin().await?;
    paygate_db::users::set_password_hash(&mut tx, user.as_uuid(), &hash).await?;
    paygate_db::sessions::revoke_all_for_user(
        &mut tx,
        user.as_uuid(),
        Some(session.as_uuid()),
        "password changed",
    )
    .await?;
    audit::record(&mut tx, Some(user), AuditAction::PasswordChanged, json!({}), client.ip.as_deref()).await?;
    tx.commit().await?;
    Ok(())
}

fn parse_new_password(raw: &str) -> Result<Password, ValidationErrors> {
    let mut errors = ValidationErrors::new();
    let parsed = errors.check("new_password", Password::parse(raw));
    parsed.ok_or(errors)
}
