//! Accounts over the real HTTP API: sign-up, login, refresh rotation and reuse, logout, rate limits.

#![allow(clippy::unwrap_used, clippy::expect_used)] // a failing test should fail loudly

use paygate_test_support::{TEST_JWT_SECRET, spawn_app, spawn_app_with_worker};
use reqwest::Method;
use serde_json::{Value, json};

async fn login(app: &paygate_test_support::TestApp, login: &str, password: &str) -> reqwest::Response {
    app.post("/api/v1/auth/login", &json!({"login": login, "password": password})).await
}

async fn error_of(response: reqwest::Response) -> Value {
    let body: Value = response.json().await.unwrap();
    body["error"].clone()
}

#[tokio::test]
async fn signup_returns_the_user_and_a_token_pair_and_me_answers_with_it() {
    let app = spawn_app().await;
    let session = app.signup("alice").await;
    assert_eq!(session["user"]["username"], "alice");
    assert_eq!(session["user"]["role"], "owner");
    assert_eq!(session["user"]["email_verified"], false);
    assert_eq!(session["expires_in"], 900);
    let token = session["access_token"].as_str().unwrap();
    let me: Value = app.get_as(token, "/api/v1/auth/me").await.json().await.unwrap();
    assert_eq!(me["email"], "alice@example.org");
}

#[tokio::test]
async fn signup_rejects_each_bad_field_with_its_path() {
    let app = spawn_app().await;
    let response = app
        .post(
            "/api/v1/auth/signup",
            &json!({"username": "a!", "email": "not-an-email", "password": "password123"}),
        )
        .await;
    assert_eq!(response.status(), 422);
    let error = error_of(response).await;
    assert_eq!(error["code"], "validation_failed");
    let fields: Vec<&str> =
        error["fields"].as_array().unwrap().iter().map(|f| f["field"].as_str().unwrap()).collect();
    assert_eq!(fields, ["username", "email", "password"]);
    let missing = app.post("/api/v1/auth/signup", &json!({"username": "bob"})).await;
    assert_eq!(missing.status(), 422);
    assert_eq!(error_of(missing).await["fields"][0]["field"], "body");
}

#[tokio::test]
async fn usernames_and_emails_are_unique_case_insensitively() {
    let app = spawn_app().await;
    app.signup("carol").await;
    let same_name = app
        .post(
            "/api/v1/auth/signup",
            &json!({"username": "CAROL", "email": "x@example.org", "password": "correct-horse-9"}),
        )
        .await;
    assert_eq!(same_name.status(), 409);
    assert_eq!(error_of(same_name).await["code"], "username_taken");
    let same_mail = app
        .post(
            "/api/v1/auth/signup",
            &json!({"username": "carol2", "email": "Carol@Example.org", "password": "correct-horse-9"}),
        )
        .await;
    assert_eq!(same_mail.status(), 409);
    assert_eq!(error_of(same_mail).await["code"], "email_taken");
}

#[tokio::test]
async fn login_works_with_username_or_email_and_wrong_passwords_get_401() {
    let app = spawn_app().await;
    app.signup("dave").await;
    assert_eq!(login(&app, "dave", "correct-horse-9").await.status(), 200);
    assert_eq!(login(&app, "DAVE@example.org", "correct-horse-9").await.status(), 200);
    let wrong = login(&app, "dave", "wrong-horse-99").await;
    assert_eq!(wrong.status(), 401);
    assert_eq!(error_of(wrong).await["code"], "invalid_credentials");
    // An unknown account answers exactly like a wrong password.
    let unknown = login(&app, "nobody", "wrong-horse-99").await;
    assert_eq!(unknown.status(), 401);
    assert_eq!(error_of(unknown).await["code"], "invalid_credentials");
}

#[tokio::test]
async fn refresh_rotates_and_a_reused_refresh_token_revokes_the_whole_family() {
    let app = spawn_app().await;
    let session = app.signup("erin").await;
    let first = session["refresh_token"].as_str().unwrap().to_owned();
    let rotated: Value =
        app.post("/api/v1/auth/refresh", &json!({"refresh_token": first})).await.json().await.unwrap();
    let second = rotated["refresh_token"].as_str().unwrap().to_owned();
    assert_ne!(first, second);
    let access = rotated["access_token"].as_str().unwrap().to_owned();
    assert_eq!(app.get_as(&access, "/api/v1/auth/me").await.status(), 200);

    // The spent token comes back: a thief has it. Everything of that session dies.
    let reuse = app.post("/api/v1/auth/refresh", &json!({"refresh_token": first})).await;
    assert_eq!(reuse.status(), 401);
    assert_eq!(error_of(reuse).await["code"], "refresh_token_reused");
    assert_eq!(app.post("/api/v1/auth/refresh", &json!({"refresh_token": second})).await.status(), 401);
    assert_eq!(app.get_as(&access, "/api/v1/auth/me").await.status(), 401);

    let audit: Value = {
        let token =
            login(&app, "erin", "correct-horse-9").await.json::<Value>().await.unwrap()["access_token"]
                .clone();
        app.get_as(token.as_str().unwrap(), "/api/v1/audit").await.json().await.unwrap()
    };
    let actions: Vec<&str> =
        audit["entries"].as_array().unwrap().iter().map(|e| e["action"].as_str().unwrap()).collect();
    assert!(actions.contains(&"account.refresh_token_reused"), "{actions:?}");
}

#[tokio::test]
async fn logout_revokes_the_refresh_token_and_the_access_token() {
    let app = spawn_app().await;
    let session = app.signup("frank").await;
    let refresh = session["refresh_token"].as_str().unwrap();
    let access = session["access_token"].as_str().unwrap();
    assert_eq!(app.post("/api/v1/auth/logout", &json!({"refresh_token": refresh})).await.status(), 204);
    assert_eq!(app.post("/api/v1/auth/refresh", &json!({"refresh_token": refresh})).await.status(), 401);
    assert_eq!(app.get_as(access, "/api/v1/auth/me").await.status(), 401);
}

#[tokio::test]
async fn missing_malformed_and_expired_access_tokens_get_401() {
    let app = spawn_app().await;
    let session = app.signup("gina").await;
    assert_eq!(app.get("/api/v1/auth/me").await.status(), 401);
    assert_eq!(app.get_as("garbage", "/api/v1/auth/me").await.status(), 401);

    // A token signed with the right key for a real session, expired a minute ago.
    let user =
        paygate_domain::ids::UserId::from_uuid(session["user"]["id"].as_str().unwrap().parse().unwrap());
    let claims = jsonwebtoken::decode::<paygate_app::accounts::auth::AccessClaims>(
        session["access_token"].as_str().unwrap(),
        &jsonwebtoken::DecodingKey::from_secret(TEST_JWT_SECRET.as_bytes()),
        &jsonwebtoken::Validation::new(jsonwebtoken::Algorithm::HS256),
    )
    .unwrap()
    .claims;
    let settings = paygate_app::Settings::new("http://x".parse().unwrap(), TEST_JWT_SECRET.to_owned().into());
    let past = chrono::Utc::now() - chrono::Duration::minutes(16);
    let (expired, _) =
        paygate_app::accounts::auth::issue_access_token(&settings, user, claims.sid, claims.role(), past)
            .unwrap();
    let response = app.get_as(&expired, "/api/v1/auth/me").await;
    assert_eq!(response.status(), 401);
    assert_eq!(error_of(response).await["code"], "token_expired");
}

#[tokio::test]
async fn login_is_limited_per_account_and_the_right_password_still_gets_429_during_lockout() {
    let app = spawn_app().await;
    app.signup("hank").await;
    for _ in 0..5 {
        assert_eq!(login(&app, "hank", "wrong-horse-99").await.status(), 401);
    }
    let locked = login(&app, "hank", "correct-horse-9").await;
    assert_eq!(locked.status(), 429);
    let retry_after: u64 = locked.headers()["retry-after"].to_str().unwrap().parse().unwrap();
    assert!((1..=901).contains(&retry_after), "{retry_after}");
    assert_eq!(error_of(locked).await["code"], "rate_limited");
    // Another account from the same IP is not locked by hank's failures.
    app.signup("ivy").await;
    assert_eq!(login(&app, "ivy", "correct-horse-9").await.status(), 200);
}

#[tokio::test]
async fn login_is_limited_per_ip_across_accounts() {
    let app = spawn_app().await;
    for n in 0..20 {
        assert_eq!(login(&app, &format!("ghost{n}"), "wrong-horse-99").await.status(), 401);
    }
    assert_eq!(login(&app, "ghost-next", "wrong-horse-99").await.status(), 429);
}

#[tokio::test]
async fn signup_is_limited_to_five_per_ip_per_hour() {
    let app = spawn_app().await;
    for n in 0..5 {
        app.signup(&format!("user{n}")).await;
    }
    let sixth = app
        .post(
            "/api/v1/auth/signup",
            &json!({"username": "user6", "email": "u6@example.org", "password": "correct-horse-9"}),
        )
        .await;
    assert_eq!(sixth.status(), 429);
    assert!(sixth.headers().contains_key("retry-after"));
}

#[tokio::test]
async fn passwords_are_stored_as_argon2id_phc_strings() {
    let app = spawn_app().await;
    app.signup("judy").await;
    let hash: String = sqlx::query_scalar("SELECT password_hash FROM users WHERE username = 'judy'")
        .fetch_one(&app.pool)
        .await
        .unwrap();
    assert!(hash.starts_with("$argon2id$v=19$m="), "{hash}");
    assert!(!hash.contains("correct-horse-9"));
}

async fn mail_token(app: &paygate_test_support::TestApp, subject_part: &str) -> String {
    for _ in 0..1200 {
        // up to a minute: a loaded machine is slow, not wrong
        let mails = app.sandbox_mails().await;
        if let Some((_, _, body)) = mails.iter().find(|(_, subject, _)| subject.contains(subject_part)) {
            let token = body.split("token=").nth(1).unwrap().split_whitespace().next().unwrap();
            return token.to_owned();
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    panic!("no mail about {subject_part}");
}

#[tokio::test]
async fn email_verification_works_once_through_the_mailed_link() {
    let app = spawn_app_with_worker().await;
    let session = app.signup("kate").await;
    let access = session["access_token"].as_str().unwrap();
    let token = mail_token(&app, "Confirm").await;
    assert_eq!(app.post("/api/v1/auth/verify-email", &json!({"token": token})).await.status(), 204);
    let me: Value = app.get_as(access, "/api/v1/auth/me").await.json().await.unwrap();
    assert_eq!(me["email_verified"], true);
    let again = app.post("/api/v1/auth/verify-email", &json!({"token": token})).await;
    assert_eq!(again.status(), 422);
    assert!(app.unfinished_jobs().await.is_empty());
}

#[tokio::test]
async fn password_reset_answers_alike_for_unknown_accounts_and_ends_every_session() {
    let app = spawn_app_with_worker().await;
    let session = app.signup("liam").await;
    let unknown = app.post("/api/v1/auth/forgot-password", &json!({"login": "nobody@example.org"})).await;
    let known = app.post("/api/v1/auth/forgot-password", &json!({"login": "liam@example.org"})).await;
    assert_eq!(unknown.status(), 202);
    assert_eq!(known.status(), 202);
    assert_eq!(unknown.text().await.unwrap(), known.text().await.unwrap());

    let token = mail_token(&app, "Reset").await;
    let weak =
        app.post("/api/v1/auth/reset-password", &json!({"token": token, "new_password": "short"})).await;
    assert_eq!(weak.status(), 422);
    let reset = app
        .post("/api/v1/auth/reset-password", &json!({"token": token, "new_password": "brand-new-horse-7"}))
        .await;
    assert_eq!(reset.status(), 204);
    assert_eq!(app.get_as(session["access_token"].as_str().unwrap(), "/api/v1/auth/me").await.status(), 401);
    assert_eq!(login(&app, "liam", "correct-horse-9").await.status(), 401);
    assert_eq!(login(&app, "liam", "brand-new-horse-7").await.status(), 200);
    let reused = app
        .post("/api/v1/auth/reset-password", &json!({"token": token, "new_password": "another-horse-8"}))
        .await;
    assert_eq!(reused.status(), 422);
}

#[tokio::test]
async fn change_password_needs_the_current_one_and_keeps_only_this_session() {
    let app = spawn_app().await;
    let first = app.signup("mona").await;
    let second: Value = login(&app, "mona", "correct-horse-9").await.json().await.unwrap();
    let token = first["access_token"].as_str().unwrap();
    let body = json!({"current_password": "wrong-horse-99", "new_password": "brand-new-horse-7"});
    let wrong = app.send_as(Method::POST, token, "/api/v1/auth/change-password", Some(&body)).await;
    assert_eq!(wrong.status(), 422);
    assert_eq!(error_of(wrong).await["fields"][0]["field"], "current_password");
    let body = json!({"current_password": "correct-horse-9", "new_password": "brand-new-horse-7"});
    assert_eq!(
        app.send_as(Method::POST, token, "/api/v1/auth/change-password", Some(&body)).await.status(),
        204
    );
    assert_eq!(app.get_as(token, "/api/v1/auth/me").await.status(), 200);
    assert_eq!(app.get_as(second["access_token"].as_str().unwrap(), "/api/v1/auth/me").await.status(), 401);
}

#[tokio::test]
async fn the_audit_log_shows_only_the_callers_own_entries() {
    let app = spawn_app().await;
    let nina = app.owner_token("nina").await;
    let _ = login(&app, "nina", "wrong-horse-99").await;
    let omar = app.owner_token("omar").await;
    let page: Value = app.get_as(&nina, "/api/v1/audit").await.json().await.unwrap();
    let actions: Vec<&str> =
        page["entries"].as_array().unwrap().iter().map(|e| e["action"].as_str().unwrap()).collect();
    assert_eq!(actions, ["account.login_failed", "account.signup"]);
    let page: Value = app.get_as(&omar, "/api/v1/audit").await.json().await.unwrap();
    assert_eq!(page["entries"].as_array().unwrap().len(), 1);
}

#[tokio::test]
async fn the_mailed_links_open_pages_that_spend_the_token_only_on_submit() {
    let app = spawn_app_with_worker().await;
    let session = app.signup("pat").await;
    let token = mail_token(&app, "Confirm").await;
    // Opening the link (or a mail scanner prefetching it) does not use the token up.
    let form = app.get(&format!("/verify-email?token={token}")).await;
    assert_eq!(form.status(), 200);
    assert!(form.text().await.unwrap().contains("Confirm my e-mail address"));
    let confirmed = form_post(&app, "/verify-email", &[("token", &token)]).await;
    assert!(confirmed.text().await.unwrap().contains("is confirmed"));
    let me: Value =
        app.get_as(session["access_token"].as_str().unwrap(), "/api/v1/auth/me").await.json().await.unwrap();
    assert_eq!(me["email_verified"], true);
    let again = form_post(&app, "/verify-email", &[("token", &token)]).await;
    assert!(again.text().await.unwrap().contains("invalid, already used or expired"));

    app.post("/api/v1/auth/forgot-password", &json!({"login": "pat"})).await;
    let reset = mail_token(&app, "Reset").await;
    let form = app.get(&format!("/reset-password?token={reset}")).await.text().await.unwrap();
    assert!(form.contains("new_password"));
    let weak = form_post(&app, "/reset-password", &[("token", &reset), ("new_password", "short")]).await;
    assert!(weak.text().await.unwrap().contains("at least 10"));
    let done =
        form_post(&app, "/reset-password", &[("token", &reset), ("new_password", "brand-new-horse-7")]).await;
    assert!(done.text().await.unwrap().contains("password is changed"));
    assert_eq!(login(&app, "pat", "brand-new-horse-7").await.status(), 200);
}

/// Submits an HTML form (values here are URL-safe: base64url tokens and plain passwords).
async fn form_post(
    app: &paygate_test_support::TestApp,
    path: &str,
    fields: &[(&str, &str)],
) -> reqwest::Response {
    let body = fields.iter().map(|(k, v)| format!("{k}={v}")).collect::<Vec<_>>().join("&");
    app.http
        .post(app.url(path))
        .header("content-type", "application/x-www-form-urlencoded")
        .body(body)
        .send()
        .await
        .unwrap()
}
