//! The pages behind the links in account mails: confirm an e-mail address, choose a new password.
//! Tokens are spent only by a POST (mail scanners that prefetch links cannot use them up).

use axum::{
    Form,
    extract::{Query, State},
    response::Html,
};
use paygate_app::{
    AppError,
    accounts::recovery::{self, ResetPasswordInput, TokenInput},
};
use serde::Deserialize;

use crate::{HttpState, api::extract::ClientInfo, pages::page};

#[derive(Debug, Deserialize)]
pub struct TokenQuery {
    #[serde(default)]
    token: String,
}

#[derive(Debug, Deserialize)]
pub struct ResetForm {
    #[serde(default)]
    token: String,
    #[serde(default)]
    new_password: String,
}

fn hidden_token(token: &str) -> String {
    format!("<input type=\"hidden\" name=\"token\" value=\"{}\">", crate::pages::escape(token))
}

/// `GET /verify-email?token=…`: a button that confirms the address.
pub async fn verify_form(Query(query): Query<TokenQuery>) -> Html<String> {
    page(
        "Confirm your e-mail",
        &format!(
            "<form method=\"post\" action=\"/verify-email\">{}<button>Confirm my e-mail address</button></form>",
            hidden_token(&query.token)
        ),
    )
}

/// `POST /verify-email`: spends the token.
pub async fn verify(
    State(state): State<HttpState>,
    ClientInfo(client): ClientInfo,
    Form(form): Form<TokenQuery>,
) -> Html<String> {
    let input = TokenInput { token: form.token };
    match recovery::verify_email(&state.app, &input, &client).await {
        Ok(()) => {
            page("E-mail confirmed", "<p>✅ Your e-mail address is confirmed. You can close this page.</p>")
        }
        Err(error) => failure("E-mail not confirmed", error),
    }
}

/// `GET /reset-password?token=…`: the new-password form.
pub async fn reset_form(Query(query): Query<TokenQuery>) -> Html<String> {
    page(
        "Choose a new password",
        &format!(
            "<form method=\"post\" action=\"/reset-password\">{}<p><label>New password (at least 10 characters)<br>\
             <input type=\"password\" name=\"new_password\" autocomplete=\"new-password\" minlength=\"10\" required></label></p>\
             <button>Set the new password</button></form>",
            hidden_token(&query.token)
        ),
    )
}

/// `POST /reset-password`: spends the token and sets the password (every session ends).
pub async fn reset(
    State(state): State<HttpState>,
    ClientInfo(client): ClientInfo,
    Form(form): Form<ResetForm>,
) -> Html<String> {
    let input = ResetPasswordInput { token: form.token, new_password: form.new_password };
    match recovery::reset_password(&state.app, &input, &client).await {
        Ok(()) => {
            page("Password changed", "<p>✅ Your password is changed. Sign in again with the new one.</p>")
        }
        Err(error) => failure("Password not changed", error),
    }
}

fn failure(title: &str, error: AppError) -> Html<String> {
    let message = match error {
        AppError::Validation(errors) => {
            errors.fields().iter().map(|f| crate::pages::escape(&f.message)).collect::<Vec<_>>().join("<br>")
        }
        AppError::RateLimited { .. } => "Too many attempts; please wait a little.".to_owned(),
        other => {
            tracing::error!(kind = "error", error = %other, "account page failed");
            "Something went wrong on our side; please try again.".to_owned()
        }
    };
    page(title, &format!("<p>⚠️ {message}</p>"))
}
