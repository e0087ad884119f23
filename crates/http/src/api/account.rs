//! `/api/v1/account/*`: the signed-in owner's account extras (Telegram link code, sandbox mailbox).

use axum::{extract::State, http::StatusCode};
use paygate_app::{
    accounts::sandbox_mailbox::{self, SandboxMailbox},
    owners::link::{self, LinkCode, TelegramLinkStatus},
};
use utoipa_axum::{router::OpenApiRouter, routes};

use crate::{
    HttpState,
    api::{
        error::{ApiError, ErrorBody},
        extract::AuthUser,
    },
};

pub fn router() -> OpenApiRouter<HttpState> {
    OpenApiRouter::new()
        .routes(routes!(telegram_link))
        .routes(routes!(telegram_status))
        .routes(routes!(sandbox_mails))
}

/// A one-time code (10 minutes) that links the caller's Telegram account when sent to the bot as
/// `/link CODE`; owner notifications then go to that account.
#[utoipa::path(post, path = "/api/v1/account/telegram-link", tag = "account", security(("bearer" = [])),
    responses(
        (status = 201, description = "a new code", body = LinkCode),
        (status = 401, description = "not signed in", body = ErrorBody),
    ))]
async fn telegram_link(
    State(state): State<HttpState>,
    user: AuthUser,
) -> Result<(StatusCode, axum::Json<LinkCode>), ApiError> {
    Ok((StatusCode::CREATED, axum::Json(link::create_code(&state.app, user.id).await?)))
}

/// Whether the caller's Telegram account is linked (and whether it refused a notification).
#[utoipa::path(get, path = "/api/v1/account/telegram", tag = "account", security(("bearer" = [])),
    responses(
        (status = 200, description = "the caller's Telegram link", body = TelegramLinkStatus),
        (status = 401, description = "not signed in", body = ErrorBody),
    ))]
async fn telegram_status(
    State(state): State<HttpState>,
    user: AuthUser,
) -> Result<axum::Json<TelegramLinkStatus>, ApiError> {
    Ok(axum::Json(link::status(&state.app, user.id).await?))
}

/// Mails the sandbox mailer kept for the caller's address, newest first (verification and reset links
/// without SMTP). 404 when mail goes out through SMTP.
#[utoipa::path(get, path = "/api/v1/account/sandbox-mails", tag = "account", security(("bearer" = [])),
    responses(
        (status = 200, description = "the caller's sandbox mails", body = SandboxMailbox),
        (status = 401, description = "not signed in", body = ErrorBody),
        (status = 404, description = "mail is sent through SMTP: there is no sandbox mailbox", body = ErrorBody),
    ))]
async fn sandbox_mails(
    State(state): State<HttpState>,
    user: AuthUser,
) -> Result<axum::Json<SandboxMailbox>, ApiError> {
    Ok(axum::Json(sandbox_mailbox::of_user(&state.app, user.id).await?))
}
