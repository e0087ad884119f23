//! The OpenAPI document is a contract (the dashboard's client is generated from it): it may only
//! change on purpose. Regenerate with `UPDATE_OPENAPI_SNAPSHOT=1 cargo test -p paygate-http --test openapi_snapshot`.

#![allow(clippy::unwrap_used, clippy::expect_used)] // a failing test should fail loudly

use std::path::PathBuf;

fn snapshot_path() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../docs/openapi.json")
}

#[test]
fn the_openapi_document_matches_the_committed_snapshot() {
    let current = serde_json::to_string_pretty(&paygate_http::openapi()).unwrap() + "\n";
    let path = snapshot_path();
    if std::env::var_os("UPDATE_OPENAPI_SNAPSHOT").is_some() {
        std::fs::write(&path, &current).unwrap();
        return;
    }
    let committed = std::fs::read_to_string(&path)
        .expect("docs/openapi.json is missing: run with UPDATE_OPENAPI_SNAPSHOT=1");
    assert!(
        committed == current,
        "the OpenAPI document changed; if on purpose, run with UPDATE_OPENAPI_SNAPSHOT=1 and commit docs/openapi.json"
    );
}

#[test]
fn every_operation_documents_its_error_shape_and_every_path_is_versioned() {
    let doc = serde_json::to_value(paygate_http::openapi()).unwrap();
    let paths = doc["paths"].as_object().unwrap();
    assert!(paths.len() >= 20, "{}", paths.len());
    for (path, item) in paths {
        assert!(path.starts_with("/api/v1/"), "{path}");
        for (method, operation) in item.as_object().unwrap() {
            let responses = operation["responses"].as_object().unwrap();
            let documents_errors = responses.iter().any(|(code, response)| {
                code.starts_with('4')
                    && response["content"]["application/json"]["schema"]["$ref"]
                        .as_str()
                        .is_some_and(|r| r.ends_with("/ErrorBody"))
            });
            let public_without_errors = path == "/api/v1/currencies" || path == "/api/v1/auth/logout";
            assert!(documents_errors || public_without_errors, "{method} {path} documents no error body");
        }
    }
}
