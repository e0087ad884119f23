//! `/api/v1/auth/*`: sign-up, login, refresh, logout, me, e-mail verification and password flows.

use axum::{
    extract::State,
    http::{HeaderMap, StatusCode, header::SET_COOKIE},
};
use paygate_app::{
    AppError,
    accounts::recovery::{self, ChangePasswordInput, ForgotPasswordInput, ResetPasswordInput, TokenInput},
    accounts::users::{self, AuthSession, LoginInput, SignupInput, UserView},
};
use serde::Deserialize;
use utoipa_axum::{router::OpenApiRouter, routes};

use crate::{
    HttpState,
    api::{
        error::{ApiError, ErrorBody},
        extract::{ApiJson, AuthUser, ClientInfo},
        refresh_cookie,
    },
};

pub fn router() -> OpenApiRouter<HttpState> {
    OpenApiRouter::new()
        .routes(routes!(signup))
        .routes(routes!(login))
        .routes(routes!(refresh))
        .routes(routes!(logout))
        .routes(routes!(me))
        .routes(routes!(verify_email))
        .routes(routes!(resend_verification))
        .routes(routes!(forgot_password))
        .routes(routes!(reset_password))
        .routes(routes!(change_password))
}

/// The refresh token in the body, or (when absent) the `paygate_refresh` cookie the dashboard holds.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct RefreshInput {
    #[serde(default)]
    pub refresh_token: Option<String>,
}

fn https(state: &HttpState) -> bool {
    state.app.settings.public_url.scheme() == "https"
}

/// The new refresh token also as an `HttpOnly` cookie (see `refresh_cookie`).
fn session_cookie(state: &HttpState, session: &AuthSession) -> HeaderMap {
    let mut headers = HeaderMap::new();
    let ttl = state.app.settings.refresh_token_ttl;
    if let Some(cookie) = refresh_cookie::set(&session.refresh_token, ttl, https(state)) {
        headers.insert(SET_COOKIE, cookie);
    }
    headers
}

/// The refresh token of the request: the body's, else the cookie's; 422 on `refresh_token` without either.
fn presented(input: RefreshInput, headers: &HeaderMap) -> Result<String, ApiError> {
    input
        .refresh_token
        .filter(|token| !token.is_empty())
        .or_else(|| refresh_cookie::read(headers))
        .ok_or_else(|| {
            AppError::field("refresh_token", "is required (in the body, or as the paygate_refresh cookie)")
                .into()
        })
}

/// Create an owner account and sign in.
#[utoipa::path(post, path = "/api/v1/auth/signup", tag = "auth", request_body = SignupInput,
    responses(
        (status = 201, description = "account created", body = AuthSession),
        (status = 409, description = "`username_taken` or `email_taken`", body = ErrorBody),
        (status = 422, description = "invalid fields", body = ErrorBody),
        (status = 429, description = "sign-up rate limit (5 per IP per hour)", body = ErrorBody),
    ))]
async fn signup(
    State(state): State<HttpState>,
    ClientInfo(client): ClientInfo,
    ApiJson(input): ApiJson<SignupInput>,
) -> Result<(StatusCode, HeaderMap, axum::Json<AuthSession>), ApiError> {
    let session = users::signup(&state.app, input, &client).await?;
    Ok((StatusCode::CREATED, session_cookie(&state, &session), axum::Json(session)))
}

/// Sign in with username or e-mail.
#[utoipa::path(post, path = "/api/v1/auth/login", tag = "auth", request_body = LoginInput,
    responses(
        (status = 200, description = "signed in", body = AuthSession),
        (status = 401, description = "`invalid_credentials`", body = ErrorBody),
        (status = 429, description = "too many failures (5 per account, 20 per IP in 15 min)", body = ErrorBody),
    ))]
async fn login(
    State(state): State<HttpState>,
    ClientInfo(client): ClientInfo,
    ApiJson(input): ApiJson<LoginInput>,
) -> Result<(HeaderMap, axum::Json<AuthSession>), ApiError> {
    let session = users::login(&state.app, input, &client).await?;
    Ok((session_cookie(&state, &session), axum::Json(session)))
}

/// Trade a refresh token for a new pair (the old one is spent; reusing it ends the session).
///
/// The token comes from the body, or else from the `paygate_refresh` cookie (`HttpOnly`,
/// `SameSite=Strict`) that sign-up, login and refresh set for the dashboard.
#[utoipa::path(post, path = "/api/v1/auth/refresh", tag = "auth", request_body = RefreshInput,
    responses(
        (status = 200, description = "new token pair", body = AuthSession),
        (status = 401, description = "`invalid_refresh_token` or `refresh_token_reused`", body = ErrorBody),
    ))]
async fn refresh(
    State(state): State<HttpState>,
    ClientInfo(client): ClientInfo,
    headers: HeaderMap,
    ApiJson(input): ApiJson<RefreshInput>,
) -> Result<(HeaderMap, axum::Json<AuthSession>), ApiError> {
    let token = presented(input, &headers)?;
    let session = users::refresh(&state.app, &token, &client).await?;
    Ok((session_cookie(&state, &session), axum::Json(session)))
}

/// End the session of a refresh token (its access tokens stop working too).
///
/// The token comes from the body, or else from the `paygate_refresh` cookie, which is cleared.
#[utoipa::path(post, path = "/api/v1/auth/logout", tag = "auth", request_body = RefreshInput,
    responses((status = 204, description = "signed out")))]
async fn logout(
    State(state): State<HttpState>,
    ClientInfo(client): ClientInfo,
    headers: HeaderMap,
    ApiJson(input): ApiJson<RefreshInput>,
) -> Result<(StatusCode, [(axum::http::HeaderName, axum::http::HeaderValue); 1]), ApiError> {
    users::logout(&state.app, &presented(input, &headers)?, &client).await?;
    Ok((StatusCode::NO_CONTENT, [(SET_COOKIE, refresh_cookie::clear(https(&state)))]))
}

/// The signed-in account.
#[utoipa::path(get, path = "/api/v1/auth/me", tag = "auth", security(("bearer" = [])),
    responses(
        (status = 200, description = "the account", body = UserView),
        (status = 401, description = "missing, invalid or expired token", body = ErrorBody),
    ))]
async fn me(State(state): State<HttpState>, user: AuthUser) -> Result<axum::Json<UserView>, ApiError> {
    Ok(axum::Json(users::load_user(&state.app, user.id).await?))
}

/// Confirm the e-mail address with the token from the mail.
#[utoipa::path(post, path = "/api/v1/auth/verify-email", tag = "auth", request_body = TokenInput,
    responses(
        (status = 204, description = "verified"),
        (status = 422, description = "invalid, used or expired token", body = ErrorBody),
    ))]
async fn verify_email(
    State(state): State<HttpState>,
    ClientInfo(client): ClientInfo,
    ApiJson(input): ApiJson<TokenInput>,
) -> Result<StatusCode, ApiError> {
    recovery::verify_email(&state.app, &input, &client).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Mail a new verification link to the signed-in account.
#[utoipa::path(post, path = "/api/v1/auth/resend-verification", tag = "auth", security(("bearer" = [])),
    responses(
        (status = 202, description = "mail queued (or already verified)"),
        (status = 429, description = "at most 5 account mails per hour", body = ErrorBody),
    ))]
async fn resend_verification(State(state): State<HttpState>, user: AuthUser) -> Result<StatusCode, ApiError> {
    recovery::resend_verification(&state.app, user.id).await?;
    Ok(StatusCode::ACCEPTED)
}

/// Mail a password-reset link if the account exists (the answer is the same either way).
#[utoipa::path(post, path = "/api/v1/auth/forgot-password", tag = "auth", request_body = ForgotPasswordInput,
    responses(
        (status = 202, description = "if the account exists, a mail is on its way"),
        (status = 429, description = "rate limited per IP", body = ErrorBody),
    ))]
async fn forgot_password(
    State(state): State<HttpState>,
    ClientInfo(client): ClientInfo,
    ApiJson(input): ApiJson<ForgotPasswordInput>,
) -> Result<StatusCode, ApiError> {
    recovery::forgot_password(&state.app, &input, &client).await?;
    Ok(StatusCode::ACCEPTED)
}

/// Set a new password with the token from the reset mail; every session ends.
#[utoipa::path(post, path = "/api/v1/auth/reset-password", tag = "auth", request_body = ResetPasswordInput,
    responses(
        (status = 204, description = "password changed"),
        (status = 422, description = "invalid token or weak password", body = ErrorBody),
    ))]
async fn reset_password(
    State(state): State<HttpState>,
    ClientInfo(client): ClientInfo,
    ApiJson(input): ApiJson<ResetPasswordInput>,
) -> Result<StatusCode, ApiError> {
    recovery::reset_password(&state.app, &input, &client).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Change the password of the signed-in account; its other sessions end.
#[utoipa::path(post, path = "/api/v1/auth/change-password", tag = "auth", security(("bearer" = [])),
    request_body = ChangePasswordInput,
    responses(
        (status = 204, description = "password changed"),
        (status = 422, description = "wrong current password or weak new password", body = ErrorBody),
    ))]
async fn change_password(
    State(state): State<HttpState>,
    user: AuthUser,
    ClientInfo(client): ClientInfo,
    ApiJson(input): ApiJson<ChangePasswordInput>,
) -> Result<StatusCode, ApiError> {
    recovery::change_password(&state.app, user.id, user.session, &input, &client).await?;
    Ok(StatusCode::NO_CONTENT)
}
