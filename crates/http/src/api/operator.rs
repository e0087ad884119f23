//! Operator routes beyond payouts: the job queue's attention list with retry and cancel, and every
//! payment and payout of the platform (404 for everyone else).

use axum::extract::State;
use paygate_app::{
    AppError,
    channels::activity::Page,
    operator::{
        jobs::{self, JobList, JobView},
        lists::{self, OperatorPaymentPage, OperatorPayoutPage},
    },
};
use serde::Deserialize;
use utoipa_axum::{router::OpenApiRouter, routes};

use crate::{
    HttpState,
    api::{
        error::{ApiError, ErrorBody},
        extract::{ApiPath, ApiQuery, AuthUser},
    },
};

pub fn router() -> OpenApiRouter<HttpState> {
    OpenApiRouter::new()
        .routes(routes!(jobs_attention))
        .routes(routes!(job_retry))
        .routes(routes!(job_cancel))
        .routes(routes!(all_payments))
        .routes(routes!(all_payouts))
}

/// Operator routes answer 404 to everyone else: they do not exist for owners.
fn operator_only(user: &AuthUser) -> Result<(), ApiError> {
    if user.is_operator() { Ok(()) } else { Err(AppError::NotFound.into()) }
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PageParams {
    /// Page size, 1–200 (default 50).
    pub limit: Option<i64>,
    /// Rows to skip (default 0).
    pub offset: Option<i64>,
}

/// Operator: jobs that failed fatally or ran out of retries, most recent first.
#[utoipa::path(get, path = "/api/v1/operator/jobs/attention", tag = "operator", security(("bearer" = [])),
    responses(
        (status = 200, description = "the jobs needing attention", body = JobList),
        (status = 401, description = "not signed in", body = ErrorBody),
        (status = 404, description = "not an operator", body = ErrorBody),
    ))]
async fn jobs_attention(
    State(state): State<HttpState>,
    user: AuthUser,
) -> Result<axum::Json<JobList>, ApiError> {
    operator_only(&user)?;
    Ok(axum::Json(jobs::attention(&state.app).await?))
}

/// Operator: puts a job that needs attention back in the queue with a fresh attempt budget.
#[utoipa::path(post, path = "/api/v1/operator/jobs/{id}/retry", tag = "operator", security(("bearer" = [])),
    params(("id" = i64, Path, description = "job id")),
    responses(
        (status = 200, description = "queued again", body = JobView),
        (status = 401, description = "not signed in", body = ErrorBody),
        (status = 404, description = "no such job, or not an operator", body = ErrorBody),
        (status = 409, description = "`job_not_retryable`: the job does not need attention", body = ErrorBody),
    ))]
async fn job_retry(
    State(state): State<HttpState>,
    user: AuthUser,
    ApiPath(id): ApiPath<i64>,
) -> Result<axum::Json<JobView>, ApiError> {
    operator_only(&user)?;
    Ok(axum::Json(jobs::retry(&state.app, user.id.as_uuid(), id).await?))
}

/// Operator: gives up on a pending job or one that needs attention; it will not run again.
#[utoipa::path(post, path = "/api/v1/operator/jobs/{id}/cancel", tag = "operator", security(("bearer" = [])),
    params(("id" = i64, Path, description = "job id")),
    responses(
        (status = 200, description = "cancelled", body = JobView),
        (status = 401, description = "not signed in", body = ErrorBody),
        (status = 404, description = "no such job, or not an operator", body = ErrorBody),
        (status = 409, description = "`job_not_cancellable`: the job is running or finished", body = ErrorBody),
    ))]
async fn job_cancel(
    State(state): State<HttpState>,
    user: AuthUser,
    ApiPath(id): ApiPath<i64>,
) -> Result<axum::Json<JobView>, ApiError> {
    operator_only(&user)?;
    Ok(axum::Json(jobs::cancel(&state.app, user.id.as_uuid(), id).await?))
}

/// Operator: every payment of the platform with its channel and owner, newest first.
#[utoipa::path(get, path = "/api/v1/operator/payments", tag = "operator", security(("bearer" = [])),
    params(PageParams),
    responses(
        (status = 200, description = "one page", body = OperatorPaymentPage),
        (status = 401, description = "not signed in", body = ErrorBody),
        (status = 404, description = "not an operator", body = ErrorBody),
        (status = 422, description = "`limit` or `offset` is not a number", body = ErrorBody),
    ))]
async fn all_payments(
    State(state): State<HttpState>,
    user: AuthUser,
    ApiQuery(query): ApiQuery<PageParams>,
) -> Result<axum::Json<OperatorPaymentPage>, ApiError> {
    operator_only(&user)?;
    Ok(axum::Json(lists::payments(&state.app, Page::new(query.limit, query.offset)).await?))
}

/// Operator: every payout of the platform (payments, conversions, batches) with its steps, newest first.
#[utoipa::path(get, path = "/api/v1/operator/payouts", tag = "operator", security(("bearer" = [])),
    params(PageParams),
    responses(
        (status = 200, description = "one page", body = OperatorPayoutPage),
        (status = 401, description = "not signed in", body = ErrorBody),
        (status = 404, description = "not an operator", body = ErrorBody),
        (status = 422, description = "`limit` or `offset` is not a number", body = ErrorBody),
    ))]
async fn all_payouts(
    State(state): State<HttpState>,
    user: AuthUser,
    ApiQuery(query): ApiQuery<PageParams>,
) -> Result<axum::Json<OperatorPayoutPage>, ApiError> {
    operator_only(&user)?;
    Ok(axum::Json(lists::payouts(&state.app, Page::new(query.limit, query.offset)).await?))
}
