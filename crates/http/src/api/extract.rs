//! Extractors of the API: JSON bodies, paths and queries with our error shape, the caller's IP, the
//! signed-in user.

use std::net::{IpAddr, SocketAddr};

use axum::{
    extract::{ConnectInfo, FromRequestParts},
    http::{header::AUTHORIZATION, request::Parts},
};
use paygate_app::{AppError, accounts::users::Client};
use paygate_domain::{
    account::UserRole,
    ids::{SessionId, UserId},
};

pub use crate::api::json_body::ApiJson;
use crate::{HttpState, api::error::ApiError};

/// `axum::extract::Path` answering malformed ids with 404.
#[derive(Debug, FromRequestParts)]
#[from_request(via(axum::extract::Path), rejection(ApiError))]
pub struct ApiPath<T>(pub T);

/// `axum::extract::Query` answering bad parameters with 422.
#[derive(Debug, FromRequestParts)]
#[from_request(via(axum::extract::Query), rejection(ApiError))]
pub struct ApiQuery<T>(pub T);

/// The client's address: the socket peer, or the last `X-Forwarded-For` hop behind a trusted proxy.
pub fn client_ip(parts: &Parts, trust_forwarded_for: bool) -> Option<IpAddr> {
    if trust_forwarded_for
        && let Some(ip) = parts
            .headers
            .get("x-forwarded-for")
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.rsplit(',').next())
            .and_then(|hop| hop.trim().parse().ok())
    {
        return Some(ip);
    }
    parts.extensions.get::<ConnectInfo<SocketAddr>>().map(|info| info.0.ip())
}

/// Request origin for rate limits and audit entries.
#[derive(Debug, Clone)]
pub struct ClientInfo(pub Client);

impl FromRequestParts<HttpState> for ClientInfo {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &HttpState) -> Result<Self, Self::Rejection> {
        let ip = client_ip(parts, state.app.settings.trust_forwarded_for).map(|ip| ip.to_string());
        Ok(Self(Client { ip }))
    }
}

/// The signed-in caller, from a valid bearer access token of an active session.
#[derive(Debug, Clone, Copy)]
pub struct AuthUser {
    pub id: UserId,
    pub session: SessionId,
    pub role: UserRole,
}

impl AuthUser {
    pub fn is_operator(&self) -> bool {
        self.role == UserRole::Operator
    }

    /// The caller as the channel use cases see it.
    pub fn caller(&self) -> paygate_app::channels::manage::Caller {
        paygate_app::channels::manage::Caller { id: self.id, role: self.role }
    }
}

impl FromRequestParts<HttpState> for AuthUser {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &HttpState) -> Result<Self, Self::Rejection> {
        let header = parts.headers.get(AUTHORIZATION).and_then(|v| v.to_str().ok());
        let Some(token) =
            header.and_then(|h| h.strip_prefix("Bearer ")).map(str::trim).filter(|t| !t.is_empty())
        else {
            return Err(AppError::Unauthorized("missing_token").into());
        };
        let claims = paygate_app::accounts::auth::verify_access_token(&state.app.settings, token)?;
        if !paygate_app::accounts::users::session_is_active(&state.app, claims.sid).await? {
            return Err(AppError::Unauthorized("invalid_token").into());
        }
        Ok(Self { id: claims.sub, session: claims.sid, role: claims.role() })
    }
}
