//! `paygate demo`: the scripted story on a throwaway sandbox platform exits 0 when everything
//! happened, and non-zero naming the broken step when a fault is injected into the sandbox swap; with
//! `--url` it plays (again and again) on a running sandbox platform through that platform's database.

#![allow(clippy::unwrap_used, clippy::expect_used)] // a failing test should fail loudly

use std::{
    process::{Child, Command, Output, Stdio},
    time::{Duration, Instant},
};

const BIN: &str = env!("CARGO_BIN_EXE_paygate");

/// Runs `paygate demo` with `args`, without any `PAYGATE_*` setting of the caller.
fn demo(args: &[&str]) -> Output {
    let mut command = Command::new(BIN);
    command.arg("demo").args(args).current_dir(std::env::temp_dir());
    for (name, _) in std::env::vars_os() {
        if name.to_string_lossy().starts_with("PAYGATE_") {
            command.env_remove(name);
        }
    }
    command.output().expect("paygate runs")
}

#[test]
fn the_demo_tells_the_whole_story_on_a_fresh_data_dir_and_exits_zero() {
    let output = demo(&[]);
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(output.status.success(), "{stdout}\n{}", String::from_utf8_lossy(&output.stderr));
    assert!(stdout.contains("🎉 the whole story happened"), "{stdout}");
    assert!(!stdout.contains("❌"), "{stdout}");
    for step in [
        "🛒 Sam buys",
        "🚫 Eve tries",
        "🔁 Sam renews",
        "💝 Dana donates",
        "⚠️ Uma underpays",
        "⏰ Bea's",
        "💸",
        "🔄",
        "🏦",
        "🧮",
    ] {
        assert!(stdout.contains(step), "missing {step}: {stdout}");
    }
}

#[test]
fn a_fault_in_the_sandbox_swap_fails_the_demo_at_the_payout_step() {
    let output = demo(&["--fault-swap"]);
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert_eq!(output.status.code(), Some(1), "{stdout}");
    assert!(stdout.contains("❌ FAIL"), "{stdout}");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("demo step failed: 💸"), "{stderr}");
}

/// `paygate <args>` without any `PAYGATE_*` setting of the caller, on `database` and `data_dir`.
fn paygate(args: &[&str], database: &str, data_dir: &std::path::Path) -> Command {
    let mut command = Command::new(BIN);
    command
        .args(args)
        .env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .env("PAYGATE_DATABASE_URL", database)
        .env("PAYGATE_DATA_DIR", data_dir)
        .current_dir(data_dir);
    command
}

/// Stops the platform when the test ends, passed or not.
struct Running(Child);

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// A fresh database on the test server: its URL.
async fn fresh_database_url() -> String {
    let pool = paygate_test_support::fresh_database().await;
    let server = std::env::var("PAYGATE_TEST_DATABASE_URL").unwrap();
    let (base, _) = server.rsplit_once('/').unwrap();
    let url = format!("{base}/{}", pool.connect_options().get_database().unwrap());
    pool.close().await;
    url
}

async fn demo_at(args: &[&str], database: &str, data_dir: &std::path::Path) -> Output {
    let mut command = paygate(&[&["demo"], args].concat(), database, data_dir);
    tokio::task::spawn_blocking(move || command.output().unwrap()).await.unwrap()
}

#[tokio::test(flavor = "multi_thread")]
async fn with_url_the_demo_plays_on_a_running_sandbox_platform_and_can_play_again() {
    let database = fresh_database_url().await;
    let data_dir = tempfile::tempdir().unwrap();
    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let base = format!("http://127.0.0.1:{port}");
    let log = std::fs::File::create(data_dir.path().join("up.log")).unwrap();
    // A quick sandbox, as the CLI help suggests for --url.
    let up = paygate(&["up"], &database, data_dir.path())
        .env("PAYGATE_HTTP_ADDR", format!("127.0.0.1:{port}"))
        .env("PAYGATE_PUBLIC_URL", &base)
        .env("PAYGATE_SANDBOX_SWAP_STEP", "1s")
        .env("PAYGATE_SANDBOX_WALLET_CONFIRM", "1s")
        .env("PAYGATE_SWAP_POLL_INTERVAL", "10s")
        .stdout(Stdio::from(log.try_clone().unwrap()))
        .stderr(Stdio::from(log))
        .spawn()
        .unwrap();
    let mut up = Running(up);
    let client = reqwest::Client::new();
    let deadline = Instant::now() + Duration::from_secs(120);
    while !client.get(format!("{base}/readyz")).send().await.is_ok_and(|r| r.status().is_success()) {
        assert!(up.0.try_wait().unwrap().is_none(), "paygate up exited during start-up");
        assert!(Instant::now() < deadline, "paygate up did not become ready");
        tokio::time::sleep(Duration::from_millis(200)).await;
    }

    for run in ["first", "second"] {
        let output = demo_at(&["--url", &base], &database, data_dir.path()).await;
        let stdout = String::from_utf8_lossy(&output.stdout);
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(output.status.success(), "{run} run: {stdout}\n{stderr}");
        assert!(stdout.contains("on the running platform at"), "{stdout}");
        assert!(stdout.contains("🎉 the whole story happened"), "{stdout}");
    }
    let owners: i64 = {
        let pool = paygate_db::connect(database.parse().unwrap(), 1).await.unwrap();
        sqlx::query_scalar("SELECT count(*) FROM users WHERE username LIKE 'olga\\_%'")
            .fetch_one(&pool)
            .await
            .unwrap()
    };
    assert_eq!(owners, 2, "each run signs up its own owner on the running platform");
    assert!(up.0.try_wait().unwrap().is_none(), "the demo stopped the running platform");

    // A demo that checks another database than the platform's says so and fails.
    let elsewhere = fresh_database_url().await;
    let output = demo_at(&["--url", &base], &elsewhere, data_dir.path()).await;
    assert_eq!(output.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&output.stdout).contains("another database"), "{output:?}");
    // Nothing at the URL: said so before anything is played.
    let output = demo_at(&["--url", "http://127.0.0.1:9"], &database, data_dir.path()).await;
    assert_eq!(output.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&output.stderr).contains("no platform answers at http://127.0.0.1:9"));
}
