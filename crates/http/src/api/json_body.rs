//! `ApiJson`: the API's JSON body extractor. Nesting is bounded by a linear pre-scan before serde sees
//! the body; unreadable bodies answer 400/413/415 and bodies of the wrong shape 422, never 500.

use axum::{
    body::Bytes,
    extract::{FromRequest, Request, rejection::JsonRejection},
    http::{HeaderMap, StatusCode, header::CONTENT_TYPE},
    response::{IntoResponse, Response},
};
use paygate_provider_http::{MAX_JSON_DEPTH, check_depth};
use serde::de::DeserializeOwned;

use crate::api::error::{ApiError, error_response};

/// A JSON request body of type `T`.
#[derive(Debug)]
pub struct ApiJson<T>(pub T);

/// Why a body was refused, in the API's error envelope.
#[derive(Debug)]
pub enum BodyRejection {
    /// 415 `unsupported_media_type`: no `application/json` (or `+json`) content type.
    UnsupportedMediaType,
    /// 413 `payload_too_large`: over the body limit.
    TooLarge,
    /// 400 `malformed_body`: not JSON, invalid UTF-8, or nested too deeply.
    Malformed(String),
    /// 422 `validation_failed` on field `body`: JSON of the wrong shape.
    Invalid(ApiError),
}

impl IntoResponse for BodyRejection {
    fn into_response(self) -> Response {
        match self {
            Self::UnsupportedMediaType => error_response(
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                "unsupported_media_type",
                "expected a JSON body with Content-Type: application/json",
            ),
            Self::TooLarge => {
                error_response(StatusCode::PAYLOAD_TOO_LARGE, "payload_too_large", "the body is too large")
            }
            Self::Malformed(message) => error_response(StatusCode::BAD_REQUEST, "malformed_body", message),
            Self::Invalid(error) => error.into_response(),
        }
    }
}

impl<T, S> FromRequest<S> for ApiJson<T>
where
    T: DeserializeOwned,
    S: Send + Sync,
{
    type Rejection = BodyRejection;

    async fn from_request(request: Request, state: &S) -> Result<Self, Self::Rejection> {
        if !is_json(request.headers()) {
            return Err(BodyRejection::UnsupportedMediaType);
        }
        let bytes = Bytes::from_request(request, state).await.map_err(|rejection| {
            if rejection.status() == StatusCode::PAYLOAD_TOO_LARGE {
                BodyRejection::TooLarge
            } else {
                BodyRejection::Malformed(rejection.body_text())
            }
        })?;
        parse(&bytes).map(ApiJson)
    }
}

/// Body refusals of [`ApiJson`], documented on every operation that takes a request body (a body
/// over 1 MiB is usually refused with a plain 413 before it reaches the extractor, so not listed).
const BODY_ERRORS: [(&str, &str); 3] = [
    ("400", "`malformed_body`: not JSON, invalid UTF-8, or nested deeper than 32 levels"),
    ("415", "`unsupported_media_type`: no `Content-Type: application/json`"),
    ("422", "`validation_failed`: the body or a field is invalid"),
];

/// Adds the [`BODY_ERRORS`] an operation does not document yet to every operation with a body.
pub fn document_body_errors(openapi: &mut utoipa::openapi::OpenApi) {
    use utoipa::openapi::{ContentBuilder, Ref, ResponseBuilder};
    for item in openapi.paths.paths.values_mut() {
        for operation in [&mut item.post, &mut item.put, &mut item.patch].into_iter().flatten() {
            if operation.request_body.is_none() {
                continue;
            }
            for (code, description) in BODY_ERRORS {
                operation.responses.responses.entry(code.to_owned()).or_insert_with(|| {
                    let schema =
                        ContentBuilder::new().schema(Some(Ref::from_schema_name("ErrorBody"))).build();
                    ResponseBuilder::new()
                        .description(description)
                        .content("application/json", schema)
                        .build()
                        .into()
                });
            }
        }
    }
}

/// Bounds the nesting, then parses; syntax errors are 400, shape errors 422.
fn parse<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, BodyRejection> {
    check_depth(bytes, MAX_JSON_DEPTH).map_err(|error| BodyRejection::Malformed(error.to_string()))?;
    match axum::Json::<T>::from_bytes(bytes) {
        Ok(axum::Json(value)) => Ok(value),
        Err(rejection @ JsonRejection::JsonDataError(_)) => Err(BodyRejection::Invalid(rejection.into())),
        Err(other) => Err(BodyRejection::Malformed(other.body_text())),
    }
}

/// `application/json` or any `application/…+json`, parameters (charset) ignored.
fn is_json(headers: &HeaderMap) -> bool {
    let Some(value) = headers.get(CONTENT_TYPE).and_then(|v| v.to_str().ok()) else {
        return false;
    };
    let essence = value.split(';').next().unwrap_or_default().trim().to_ascii_lowercase();
    essence == "application/json" || (essence.starts_with("application/") && essence.ends_with("+json"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, serde::Deserialize)]
    struct Input {
        #[allow(dead_code)]
        a: Option<serde_json::Value>,
    }

    fn status(bytes: &[u8]) -> StatusCode {
        match parse::<Input>(bytes) {
            Ok(_) => StatusCode::OK,
            Err(rejection) => rejection.into_response().status(),
        }
    }

    #[test]
    fn deep_bodies_and_broken_syntax_are_400_and_wrong_shapes_422() {
        assert_eq!(status(br#"{"a": [[[1]]]}"#), StatusCode::OK);
        let deep = format!(r#"{{"a":{}1{}}}"#, "[".repeat(100_000), "]".repeat(100_000));
        assert_eq!(status(deep.as_bytes()), StatusCode::BAD_REQUEST);
        assert_eq!(status(b"{\"a\": \"\xff\xfe\"}"), StatusCode::BAD_REQUEST);
        assert_eq!(status(b"{\"a\": "), StatusCode::BAD_REQUEST);
        assert_eq!(status(br#""not an object""#), StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(status(br#"{"a": 1} trailing"#), StatusCode::BAD_REQUEST);
    }

    #[test]
    fn json_content_types_are_recognised_with_parameters_and_suffixes() {
        let accepts = |value: &str| {
            let mut headers = HeaderMap::new();
            headers.insert(CONTENT_TYPE, value.parse().unwrap_or_else(|_| panic!("{value}")));
            is_json(&headers)
        };
        assert!(accepts("application/json"));
        assert!(accepts("Application/JSON; charset=utf-8"));
        assert!(accepts("application/merge-patch+json"));
        assert!(!accepts("text/plain"));
        assert!(!accepts("application/x-www-form-urlencoded"));
        assert!(!is_json(&HeaderMap::new()));
    }
}
