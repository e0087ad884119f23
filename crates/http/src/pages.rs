//! Server-rendered pages outside the dashboard: "payment processing" and the sandbox checkout.

use axum::{
    Json,
    extract::State,
    response::{Html, IntoResponse, Redirect, Response},
};
use paygate_app::AppError;
use paygate_domain::status::InvoiceStatus;
use paygate_sandbox::CheckoutAction;
use uuid::Uuid;

use crate::{
    HttpState,
    api::{error::ApiError, extract::ApiPath},
};

/// Escapes `&`, `<`, `>` and `"` for the pages' HTML (text and attribute values). The pages' own
/// presentation: Telegram texts are escaped in `paygate_app::messages::texts`.
pub(crate) fn escape(text: &str) -> String {
    text.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;")
}

const STYLE: &str = "body{font-family:system-ui,sans-serif;max-width:36rem;margin:3rem auto;padding:0 1rem;color:#222}\
    .box{border:1px solid #ddd;border-radius:8px;padding:1.5rem}.sandbox{background:#fff3cd;padding:.5rem 1rem;border-radius:6px}\
    button{font-size:1rem;padding:.6rem 1rem;margin:.3rem .3rem 0 0;border-radius:6px;border:1px solid #888;cursor:pointer}";

/// A small standalone page with `title` and an HTML `body`.
pub(crate) fn page(title: &str, body: &str) -> Html<String> {
    page_with_head(title, "", body)
}

/// Like [`page`], with extra `<head>` markup (e.g. a refresh).
fn page_with_head(title: &str, head: &str, body: &str) -> Html<String> {
    Html(format!(
        "<!doctype html><html><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width\">{head}\
         <title>{0} — Paygate</title><style>{STYLE}</style></head><body><div class=\"box\"><h1>{0}</h1>{body}</div></body></html>",
        escape(title)
    ))
}

/// `GET /pay/{invoice}`: where the provider sends the payer back; shows the status, refreshing itself.
pub async fn payment_page(
    State(state): State<HttpState>,
    ApiPath(id): ApiPath<Uuid>,
) -> Result<Html<String>, ApiError> {
    let status = paygate_app::subscribers::invoicing::status(&state.app, id).await?;
    let message = match status {
        InvoiceStatus::Finished => "✅ Payment received. Your invite is on its way in Telegram.",
        InvoiceStatus::Underpaid => "⚠️ The payment arrived short. Check the bot for details.",
        InvoiceStatus::OnHold => {
            "⏳ The payment arrived and is being checked by hand. The bot will message you."
        }
        InvoiceStatus::Expired | InvoiceStatus::Failed | InvoiceStatus::Refunded => {
            "This invoice is closed. Start again from the bot."
        }
        InvoiceStatus::Created
        | InvoiceStatus::Waiting
        | InvoiceStatus::Confirming
        | InvoiceStatus::Confirmed
        | InvoiceStatus::Sending
        | InvoiceStatus::PartiallyPaid => {
            "⏳ Payment processing… this page refreshes by itself. You can close it: the bot will message you."
        }
    };
    let refresh = if status.is_final() { "" } else { "<meta http-equiv=\"refresh\" content=\"5\">" };
    let body = format!("<p id=\"status\" data-status=\"{}\">{message}</p>", status.as_str());
    Ok(page_with_head("Payment", refresh, &body))
}

/// `GET /pay/{invoice}/status`: the status alone, for scripts.
pub async fn payment_status(
    State(state): State<HttpState>,
    ApiPath(id): ApiPath<Uuid>,
) -> Result<Json<serde_json::Value>, ApiError> {
    let status = paygate_app::subscribers::invoicing::status(&state.app, id).await?;
    Ok(Json(serde_json::json!({ "status": status })))
}

/// `GET /sandbox/checkout/{invoice}`: the sandbox provider's hosted page (404 unless the sandbox runs).
pub async fn checkout_page(
    State(state): State<HttpState>,
    ApiPath(id): ApiPath<Uuid>,
) -> Result<Response, ApiError> {
    if state.sandbox.is_none() {
        return Err(AppError::NotFound.into());
    }
    let mut conn = state.app.pool.acquire().await.map_err(AppError::from)?;
    let invoice =
        paygate_db::invoices::get(&mut conn, id).await.map_err(AppError::from)?.ok_or(AppError::NotFound)?;
    let form = |action: &str, label: &str| {
        format!(
            "<form method=\"post\" action=\"/sandbox/checkout/{id}/{action}\" style=\"display:inline\"><button>{label}</button></form>"
        )
    };
    let body = format!(
        "<p class=\"sandbox\">🧪 Sandbox payment provider — no real money moves.</p>\
         <p>Invoice {id}<br>Status: <b>{}</b></p>{}{}{}",
        invoice.status.as_str(),
        form("pay", "Pay in full"),
        form("underpay", "Underpay (50 %)"),
        form("expire", "Let it expire"),
    );
    Ok(page(&format!("Pay ${}", invoice.price_usd), &body).into_response())
}

/// `POST /sandbox/checkout/{invoice}/{action}`: plays the payer's choice, then shows the result page.
pub async fn checkout_action(
    State(state): State<HttpState>,
    ApiPath((id, action)): ApiPath<(Uuid, String)>,
) -> Result<Redirect, ApiError> {
    let sandbox = state.sandbox.as_ref().ok_or(AppError::NotFound)?;
    let action = CheckoutAction::parse(&action).ok_or(AppError::NotFound)?;
    sandbox.checkout(id, action).await.map_err(|error| match error {
        paygate_domain::payment_gateway::GatewayError::NotFound => AppError::NotFound,
        other => AppError::Unavailable(other.to_string()),
    })?;
    Ok(Redirect::to(&format!("/pay/{id}")))
}

#[cfg(test)]
mod tests {
    #[test]
    fn page_text_is_escaped_for_html_text_and_attributes() {
        assert_eq!(
            super::escape(r#"<a href="x">Tom & Jerry</a>"#),
            "&lt;a href=&quot;x&quot;&gt;Tom &amp; Jerry&lt;/a&gt;"
        );
    }
}
