//! Login and sign-up limits hold under parallel attempts, across a login's names and across an IPv6
//! /64, and the password check never holds a database connection.

#![allow(clippy::unwrap_used, clippy::expect_used)] // a failing test should fail loudly

use std::time::{Duration, Instant};

use paygate_app::{
    App, AppError,
    accounts::users::{self, Client, LoginInput},
};
use paygate_test_support::{TestApp, TestAppOptions, spawn_app, spawn_app_with};
use serde_json::json;

/// Only a hang detector: a healthy run needs a small fraction of it.
const HANG: Duration = Duration::from_secs(60);

async fn login_from(app: &TestApp, ip: Option<&str>, login: &str, password: &str) -> u16 {
    let mut request =
        app.http.post(app.url("/api/v1/auth/login")).json(&json!({"login": login, "password": password}));
    if let Some(ip) = ip {
        request = request.header("x-forwarded-for", ip);
    }
    request.send().await.unwrap().status().as_u16()
}

async fn signup_from(app: &TestApp, ip: &str, name: &str) -> u16 {
    let body =
        json!({"username": name, "email": format!("{name}@example.org"), "password": "correct-horse-9"});
    let request = app.http.post(app.url("/api/v1/auth/signup")).header("x-forwarded-for", ip).json(&body);
    request.send().await.unwrap().status().as_u16()
}

async fn behind_a_proxy() -> TestApp {
    spawn_app_with(TestAppOptions {
        settings: Some(|settings| settings.trust_forwarded_for = true),
        ..TestAppOptions::default()
    })
    .await
}

#[tokio::test]
async fn thirty_parallel_wrong_logins_for_one_account_get_five_401s_and_the_rest_429() {
    let app = spawn_app().await;
    app.signup("kate").await;
    let mut attempts = tokio::task::JoinSet::new();
    for _ in 0..30 {
        let request = app
            .http
            .post(app.url("/api/v1/auth/login"))
            .json(&json!({"login": "kate", "password": "wrong-horse-99"}));
        attempts.spawn(async move { request.send().await.unwrap().status().as_u16() });
    }
    let statuses = attempts.join_all().await;
    let unauthorized = statuses.iter().filter(|&&s| s == 401).count();
    let limited = statuses.iter().filter(|&&s| s == 429).count();
    assert_eq!((unauthorized, limited), (5, 25), "{statuses:?}");
    assert_eq!(login_from(&app, None, "kate", "correct-horse-9").await, 429);
}

#[tokio::test]
async fn the_username_and_the_email_of_one_account_share_one_failure_bucket() {
    let app = spawn_app().await;
    app.signup("liam").await;
    for login in ["liam", "liam@example.org", "LIAM", "Liam@Example.org", "liam"] {
        assert_eq!(login_from(&app, None, login, "wrong-horse-99").await, 401, "{login}");
    }
    assert_eq!(login_from(&app, None, "liam@example.org", "correct-horse-9").await, 429);
    assert_eq!(login_from(&app, None, "liam", "correct-horse-9").await, 429);
}

#[tokio::test]
async fn a_successful_login_gives_back_its_slot_in_the_address_bucket() {
    let app = spawn_app().await;
    app.signup("nora").await;
    for _ in 0..25 {
        assert_eq!(login_from(&app, None, "nora", "correct-horse-9").await, 200);
    }
    for n in 0..20 {
        assert_eq!(login_from(&app, None, &format!("nobody{n}"), "wrong-horse-99").await, 401);
    }
    assert_eq!(login_from(&app, None, "nobody-more", "wrong-horse-99").await, 429);
}

#[tokio::test]
async fn ipv6_clients_are_limited_per_64_network() {
    let app = behind_a_proxy().await;
    for n in 0..5 {
        assert_eq!(signup_from(&app, &format!("2001:db8:1:2::{n:x}"), &format!("six{n}")).await, 201);
    }
    assert_eq!(signup_from(&app, "2001:db8:1:2:ffff::1", "six_more").await, 429);
    assert_eq!(signup_from(&app, "2001:db8:1:3::1", "next_net").await, 201, "another /64 is not limited");

    for n in 0..20 {
        let ip = format!("2001:db8:9:9:{n:x}::1");
        assert_eq!(login_from(&app, Some(&ip), &format!("ghost{n}"), "wrong-horse-99").await, 401);
    }
    assert_eq!(login_from(&app, Some("2001:db8:9:9:abcd::7"), "ghost-more", "wrong-horse-99").await, 429);
    assert_eq!(login_from(&app, Some("203.0.113.9"), "ghost-v4", "wrong-horse-99").await, 401);
}

/// Runs the password check while the only blocking thread is busy, so the login waits right there:
/// the single connection of its pool must be free meanwhile.
#[test]
fn the_password_is_checked_with_no_database_connection_held() {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .max_blocking_threads(1)
        .enable_all()
        .build()
        .unwrap();
    runtime.block_on(async {
        let app = spawn_app().await;
        app.signup("mona").await;
        let options = app.pool.connect_options().as_ref().clone();
        let single = sqlx::postgres::PgPoolOptions::new()
            .max_connections(1)
            .acquire_timeout(HANG)
            .connect_with(options)
            .await
            .unwrap();
        let small = App { pool: single.clone(), ..app.app.clone() };

        let (release, gate) = std::sync::mpsc::channel::<()>();
        let blocker = tokio::task::spawn_blocking(move || {
            let _ = gate.recv();
        });
        let login = tokio::spawn(async move {
            let input = LoginInput { login: "mona".into(), password: "wrong-horse-99".into() };
            users::login(&small, input, &Client::default()).await
        });
        // The login has done its database work before the check once its attempt is counted.
        let deadline = Instant::now() + HANG;
        loop {
            let counted: i64 = sqlx::query_scalar(
                "SELECT count(*) FROM rate_limit_events WHERE bucket LIKE 'login:account:%'",
            )
            .fetch_one(&app.pool)
            .await
            .unwrap();
            if counted == 1 {
                break;
            }
            assert!(Instant::now() < deadline, "the attempt was never counted before the password check");
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        let free = tokio::time::timeout(HANG, single.acquire()).await;
        release.send(()).unwrap();
        assert!(
            matches!(free, Ok(Ok(_))),
            "the login held its connection while waiting for the password check"
        );
        drop(free);
        let outcome = login.await.unwrap();
        assert!(matches!(outcome, Err(AppError::Unauthorized("invalid_credentials"))), "{outcome:?}");
        blocker.await.unwrap();
    });
}

#[tokio::test]
async fn ipv6_clients_rotating_through_one_64_share_the_generic_per_ip_limit() {
    use futures::StreamExt;
    let app = behind_a_proxy().await;
    // 30 requests per second with bursts of 120 per client: rotating through one /64 must not escape
    // it, so a limit is reached long before 5,000 requests from distinct addresses of that network.
    let mut limited = false;
    for round in 0..50_u32 {
        let statuses: Vec<u16> = futures::stream::iter(0..100_u32)
            .map(|n| {
                let app = &app;
                async move {
                    let ip = format!("2001:db8:7:7:{:x}::{:x}", round, n + 1);
                    let request = app.http.get(app.url("/api/v1/currencies")).header("x-forwarded-for", ip);
                    request.send().await.unwrap().status().as_u16()
                }
            })
            .buffer_unordered(20)
            .collect()
            .await;
        assert!(statuses.iter().all(|s| matches!(s, 200 | 429)), "{statuses:?}");
        if statuses.contains(&429) {
            limited = true;
            break;
        }
    }
    assert!(limited, "addresses of one IPv6 /64 dodged the per-IP limit");
}
