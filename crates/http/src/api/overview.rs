//! `/api/v1/overview`: the owner's home page numbers (all their channels, or one).

use axum::extract::State;
use paygate_app::channels::overview::{self, Overview};
use paygate_domain::ids::ChannelId;
use serde::Deserialize;
use utoipa_axum::{router::OpenApiRouter, routes};
use uuid::Uuid;

use crate::{
    HttpState,
    api::{
        error::{ApiError, ErrorBody},
        extract::{ApiQuery, AuthUser},
    },
};

pub fn router() -> OpenApiRouter<HttpState> {
    OpenApiRouter::new().routes(routes!(get_overview))
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct OverviewQuery {
    /// Only this channel of the caller (all the caller's channels when absent).
    pub channel_id: Option<Uuid>,
}

/// Revenue of the last 30 days and the 30 before (in USD and per settlement asset; accepted payments
/// only), revenue per day, active subscribers, held balances with threshold progress, payouts needing
/// attention, and the newest payments and payouts of the caller's channels.
#[utoipa::path(get, path = "/api/v1/overview", tag = "channels", security(("bearer" = [])),
    params(OverviewQuery),
    responses(
        (status = 200, description = "the numbers", body = Overview),
        (status = 401, description = "not signed in", body = ErrorBody),
        (status = 404, description = "`channel_id` names no channel of the caller", body = ErrorBody),
        (status = 422, description = "`channel_id` is not a UUID", body = ErrorBody),
    ))]
async fn get_overview(
    State(state): State<HttpState>,
    user: AuthUser,
    ApiQuery(query): ApiQuery<OverviewQuery>,
) -> Result<axum::Json<Overview>, ApiError> {
    let channel = query.channel_id.map(ChannelId::from_uuid);
    Ok(axum::Json(overview::overview(&state.app, &user.caller(), channel).await?))
}
