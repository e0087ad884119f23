//! `/api/v1/channels/{id}/subscriptions` and `/payments`: the owner's read API (paged).

use axum::extract::State;
use paygate_app::channels::activity::{self, Page, PaymentPage, SubscriptionPage};
use paygate_domain::{ids::ChannelId, status::SubscriptionStatus};
use serde::Deserialize;
use utoipa_axum::{router::OpenApiRouter, routes};
use uuid::Uuid;

use crate::{
    HttpState,
    api::{
        error::{ApiError, ErrorBody},
        extract::{ApiPath, ApiQuery, AuthUser},
    },
};

pub fn router() -> OpenApiRouter<HttpState> {
    OpenApiRouter::new().routes(routes!(list_subscriptions)).routes(routes!(list_payments))
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PageQuery {
    /// Page size, 1–200 (default 50).
    pub limit: Option<i64>,
    /// Rows to skip (default 0).
    pub offset: Option<i64>,
    /// Subscriptions only: `active` or `expired` (any other value lists every subscription).
    #[param(value_type = Option<SubscriptionStatus>)]
    pub status: Option<String>,
}

/// Subscribers of one of the caller's channels, with status and expiry.
#[utoipa::path(get, path = "/api/v1/channels/{id}/subscriptions", tag = "channels", security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "channel id"), PageQuery),
    responses(
        (status = 200, description = "one page", body = SubscriptionPage),
        (status = 401, description = "not signed in", body = ErrorBody),
        (status = 404, description = "no such channel of the caller", body = ErrorBody),
    ))]
async fn list_subscriptions(
    State(state): State<HttpState>,
    user: AuthUser,
    ApiPath(id): ApiPath<Uuid>,
    ApiQuery(query): ApiQuery<PageQuery>,
) -> Result<axum::Json<SubscriptionPage>, ApiError> {
    let caller = user.caller();
    // An unknown status filter lists every subscription, as it always did.
    let status = query.status.as_deref().and_then(|s| SubscriptionStatus::parse(s).ok());
    let page = Page::new(query.limit, query.offset);
    Ok(axum::Json(
        activity::subscriptions(&state.app, &caller, ChannelId::from_uuid(id), status, page).await?,
    ))
}

/// Payments of one of the caller's channels: price, settled amount, fee, owner share, payout status.
#[utoipa::path(get, path = "/api/v1/channels/{id}/payments", tag = "channels", security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "channel id"), PageQuery),
    responses(
        (status = 200, description = "one page", body = PaymentPage),
        (status = 401, description = "not signed in", body = ErrorBody),
        (status = 404, description = "no such channel of the caller", body = ErrorBody),
    ))]
async fn list_payments(
    State(state): State<HttpState>,
    user: AuthUser,
    ApiPath(id): ApiPath<Uuid>,
    ApiQuery(query): ApiQuery<PageQuery>,
) -> Result<axum::Json<PaymentPage>, ApiError> {
    let caller = user.caller();
    let page = Page::new(query.limit, query.offset);
    Ok(axum::Json(activity::payments(&state.app, &caller, ChannelId::from_uuid(id), page).await?))
}
