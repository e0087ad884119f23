//! `GET /api/v1/audit`: the caller's own audit entries.

use axum::extract::State;
use paygate_app::accounts::audit::{self, AuditEntry};
use serde::{Deserialize, Serialize};
use utoipa_axum::{router::OpenApiRouter, routes};

use crate::{
    HttpState,
    api::{
        error::{ApiError, ErrorBody},
        extract::{ApiQuery, AuthUser},
    },
};

pub fn router() -> OpenApiRouter<HttpState> {
    OpenApiRouter::new().routes(routes!(list_audit))
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct AuditQuery {
    /// Return entries older than this id (paging).
    pub before: Option<i64>,
    /// Page size, 1–200 (default 50).
    pub limit: Option<i64>,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct AuditPage {
    pub entries: Vec<AuditEntry>,
    /// Pass as `before` for the next page; absent on the last page.
    pub next_before: Option<i64>,
}

/// The caller's audit entries, newest first.
#[utoipa::path(get, path = "/api/v1/audit", tag = "account", security(("bearer" = [])), params(AuditQuery),
    responses(
        (status = 200, description = "entries", body = AuditPage),
        (status = 401, description = "not signed in", body = ErrorBody),
    ))]
async fn list_audit(
    State(state): State<HttpState>,
    user: AuthUser,
    ApiQuery(query): ApiQuery<AuditQuery>,
) -> Result<axum::Json<AuditPage>, ApiError> {
    let limit = query.limit.unwrap_or(50).clamp(1, 200);
    let entries = audit::list_own(&state.app, user.id, query.before, limit).await?;
    let next_before = if entries.len() as i64 == limit { entries.last().map(|e| e.id) } else { None };
    Ok(axum::Json(AuditPage { entries, next_before }))
}
