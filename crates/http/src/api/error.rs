//! The one place where use-case errors become HTTP responses with stable `snake_case` codes.

use axum::{
    Json,
    extract::rejection::{JsonRejection, PathRejection, QueryRejection},
    http::{HeaderValue, StatusCode, header::RETRY_AFTER},
    response::{IntoResponse, Response},
};
use paygate_app::AppError;
use paygate_domain::validation::FieldError;
use serde::Serialize;

/// The error envelope of every API error.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ErrorBody {
    pub error: ErrorDetail,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ErrorDetail {
    /// Stable machine-readable code, e.g. `validation_failed`, `not_found`, `rate_limited`.
    pub code: String,
    /// Human-readable explanation.
    pub message: String,
    /// Per-field problems (validation errors only).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub fields: Vec<FieldErrorBody>,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct FieldErrorBody {
    /// Path of the field, e.g. `tiers[0].price_usd`.
    pub field: String,
    pub message: String,
}

impl From<&FieldError> for FieldErrorBody {
    fn from(e: &FieldError) -> Self {
        Self { field: e.field.clone(), message: e.message.clone() }
    }
}

/// An error answered by the API.
#[derive(Debug)]
pub struct ApiError(pub AppError);

impl From<AppError> for ApiError {
    fn from(error: AppError) -> Self {
        Self(error)
    }
}

/// An error envelope without field details.
pub(crate) fn error_response(status: StatusCode, code: &str, message: impl Into<String>) -> Response {
    body(status, code, message, vec![])
}

fn body(status: StatusCode, code: &str, message: impl Into<String>, fields: Vec<FieldErrorBody>) -> Response {
    let body = ErrorBody { error: ErrorDetail { code: code.to_owned(), message: message.into(), fields } };
    (status, Json(body)).into_response()
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        match self.0 {
            AppError::Validation(errors) => body(
                StatusCode::UNPROCESSABLE_ENTITY,
                "validation_failed",
                "some fields are invalid",
                errors.fields().iter().map(FieldErrorBody::from).collect(),
            ),
            AppError::Unauthorized(code) => {
                body(StatusCode::UNAUTHORIZED, code, unauthorized_message(code), vec![])
            }
            AppError::NotFound => body(StatusCode::NOT_FOUND, "not_found", "not found", vec![]),
            AppError::Conflict { code, message } => body(StatusCode::CONFLICT, code, message, vec![]),
            AppError::RateLimited { retry_after } => {
                let mut response = body(
                    StatusCode::TOO_MANY_REQUESTS,
                    "rate_limited",
                    "too many requests; try again later",
                    vec![],
                );
                if let Ok(value) = HeaderValue::from_str(&retry_after.as_secs().max(1).to_string()) {
                    response.headers_mut().insert(RETRY_AFTER, value);
                }
                response
            }
            AppError::Unavailable(message) => {
                body(StatusCode::SERVICE_UNAVAILABLE, "unavailable", message, vec![])
            }
            AppError::Internal(error) => {
                tracing::error!(kind = "error", error = %format!("{error:#}"), "internal error");
                body(
                    StatusCode::INTERNAL_SERVER_ERROR,
                    "internal_error",
                    "something went wrong on our side",
                    vec![],
                )
            }
        }
    }
}

fn unauthorized_message(code: &str) -> &'static str {
    match code {
        "invalid_credentials" => "wrong login or password",
        "token_expired" => "the access token has expired; refresh it",
        "refresh_token_reused" => "this refresh token was already used; the session was ended for safety",
        "invalid_refresh_token" => "the refresh token is invalid or expired",
        "missing_token" => "an Authorization: Bearer token is required",
        _ => "the access token is invalid",
    }
}

impl From<JsonRejection> for ApiError {
    fn from(rejection: JsonRejection) -> Self {
        let message = match &rejection {
            JsonRejection::MissingJsonContentType(_) => {
                "expected a JSON body with Content-Type: application/json".into()
            }
            other => other.body_text(),
        };
        Self(AppError::field("body", message))
    }
}

impl From<PathRejection> for ApiError {
    fn from(_: PathRejection) -> Self {
        // A malformed id cannot name anything that exists.
        Self(AppError::NotFound)
    }
}

impl From<QueryRejection> for ApiError {
    fn from(rejection: QueryRejection) -> Self {
        Self(AppError::field("query", rejection.body_text()))
    }
}
