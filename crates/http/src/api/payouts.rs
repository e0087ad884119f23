//! Payout routes: a channel's payouts and balance (owner), the attention queue, wallet and conservation (operator).

use axum::extract::State;
use paygate_app::{
    AppError,
    payouts::{
        operator::{self, Conservation, WalletOverview},
        views::{self, ChannelBalance, PayoutList, PayoutView},
    },
};
use paygate_domain::ids::ChannelId;
use utoipa_axum::{router::OpenApiRouter, routes};
use uuid::Uuid;

use crate::{
    HttpState,
    api::{
        error::{ApiError, ErrorBody},
        extract::{ApiPath, AuthUser},
    },
};

pub fn router() -> OpenApiRouter<HttpState> {
    OpenApiRouter::new()
        .routes(routes!(channel_payouts))
        .routes(routes!(channel_balance))
        .routes(routes!(payout_now))
        .routes(routes!(attention))
        .routes(routes!(retry))
        .routes(routes!(cancel))
        .routes(routes!(wallet))
        .routes(routes!(conservation))
}

/// Operator routes answer 404 to everyone else: they do not exist for owners.
fn operator_only(user: &AuthUser) -> Result<(), ApiError> {
    if user.is_operator() { Ok(()) } else { Err(AppError::NotFound.into()) }
}

/// Every payout of one of the caller's channels, newest first, with its steps and timestamps.
#[utoipa::path(get, path = "/api/v1/channels/{id}/payouts", tag = "payouts", security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "channel id")),
    responses(
        (status = 200, description = "the channel's payouts", body = PayoutList),
        (status = 401, description = "not signed in", body = ErrorBody),
        (status = 404, description = "no such channel of the caller", body = ErrorBody),
    ))]
async fn channel_payouts(
    State(state): State<HttpState>,
    user: AuthUser,
    ApiPath(id): ApiPath<Uuid>,
) -> Result<axum::Json<PayoutList>, ApiError> {
    Ok(axum::Json(views::of_channel(&state.app, &user.caller(), ChannelId::from_uuid(id)).await?))
}

/// What one of the caller's channels holds for a later batch.
#[utoipa::path(get, path = "/api/v1/channels/{id}/balance", tag = "payouts", security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "channel id")),
    responses(
        (status = 200, description = "the channel's accumulation balance", body = ChannelBalance),
        (status = 401, description = "not signed in", body = ErrorBody),
        (status = 404, description = "no such channel of the caller", body = ErrorBody),
    ))]
async fn channel_balance(
    State(state): State<HttpState>,
    user: AuthUser,
    ApiPath(id): ApiPath<Uuid>,
) -> Result<axum::Json<ChannelBalance>, ApiError> {
    Ok(axum::Json(views::balance(&state.app, &user.caller(), ChannelId::from_uuid(id)).await?))
}

/// Pays the channel's converted balance now, below its threshold too (one batch).
#[utoipa::path(post, path = "/api/v1/channels/{id}/payout-now", tag = "payouts", security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "channel id")),
    responses(
        (status = 200, description = "the batch that pays the balance", body = PayoutView),
        (status = 401, description = "not signed in", body = ErrorBody),
        (status = 404, description = "no such channel of the caller", body = ErrorBody),
        (status = 409, description = "`batch_in_flight`, `nothing_to_pay` or `balance_below_minimum`", body = ErrorBody),
    ))]
async fn payout_now(
    State(state): State<HttpState>,
    user: AuthUser,
    ApiPath(id): ApiPath<Uuid>,
) -> Result<axum::Json<PayoutView>, ApiError> {
    Ok(axum::Json(views::payout_now(&state.app, &user.caller(), ChannelId::from_uuid(id)).await?))
}

/// Operator: payouts that need attention (fatal error, retries exhausted, failed/refunded/expired
/// exchange) or wait for funds.
#[utoipa::path(get, path = "/api/v1/operator/payouts/attention", tag = "operator", security(("bearer" = [])),
    responses(
        (status = 200, description = "the attention queue", body = PayoutList),
        (status = 401, description = "not signed in", body = ErrorBody),
        (status = 404, description = "not an operator", body = ErrorBody),
    ))]
async fn attention(
    State(state): State<HttpState>,
    user: AuthUser,
) -> Result<axum::Json<PayoutList>, ApiError> {
    operator_only(&user)?;
    Ok(axum::Json(operator::attention(&state.app).await?))
}

/// Operator: resumes a payout that needs attention from the step where it stopped.
#[utoipa::path(post, path = "/api/v1/operator/payouts/{id}/retry", tag = "operator", security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "payout id")),
    responses(
        (status = 200, description = "resumed", body = PayoutView),
        (status = 401, description = "not signed in", body = ErrorBody),
        (status = 404, description = "no such payout, or not an operator", body = ErrorBody),
        (status = 409, description = "`payout_not_retryable`: the payout does not need attention", body = ErrorBody),
    ))]
async fn retry(
    State(state): State<HttpState>,
    user: AuthUser,
    ApiPath(id): ApiPath<Uuid>,
) -> Result<axum::Json<PayoutView>, ApiError> {
    operator_only(&user)?;
    Ok(axum::Json(operator::retry(&state.app, user.id.as_uuid(), id).await?))
}

/// Operator: stops a payout for good (its share is then held); not while its transfer is in flight.
#[utoipa::path(post, path = "/api/v1/operator/payouts/{id}/cancel", tag = "operator", security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "payout id")),
    responses(
        (status = 200, description = "cancelled", body = PayoutView),
        (status = 401, description = "not signed in", body = ErrorBody),
        (status = 404, description = "no such payout, or not an operator", body = ErrorBody),
        (status = 409, description = "`payout_not_cancellable` or `transfer_in_flight`", body = ErrorBody),
    ))]
async fn cancel(
    State(state): State<HttpState>,
    user: AuthUser,
    ApiPath(id): ApiPath<Uuid>,
) -> Result<axum::Json<PayoutView>, ApiError> {
    operator_only(&user)?;
    Ok(axum::Json(operator::cancel(&state.app, user.id.as_uuid(), id).await?))
}

/// Operator: host wallet balances (ETH, USDT) and its transfers in flight.
#[utoipa::path(get, path = "/api/v1/operator/wallet", tag = "operator", security(("bearer" = [])),
    responses(
        (status = 200, description = "the host wallet", body = WalletOverview),
        (status = 401, description = "not signed in", body = ErrorBody),
        (status = 404, description = "not an operator", body = ErrorBody),
    ))]
async fn wallet(
    State(state): State<HttpState>,
    user: AuthUser,
) -> Result<axum::Json<WalletOverview>, ApiError> {
    operator_only(&user)?;
    Ok(axum::Json(operator::wallet(&state.app).await?))
}

/// Operator: the conservation check (SPEC §5.1) per owner and currency, with any broken rule.
#[utoipa::path(get, path = "/api/v1/operator/conservation", tag = "operator", security(("bearer" = [])),
    responses(
        (status = 200, description = "the check", body = Conservation),
        (status = 401, description = "not signed in", body = ErrorBody),
        (status = 404, description = "not an operator", body = ErrorBody),
    ))]
async fn conservation(
    State(state): State<HttpState>,
    user: AuthUser,
) -> Result<axum::Json<Conservation>, ApiError> {
    operator_only(&user)?;
    Ok(axum::Json(operator::conservation(&state.app).await?))
}
