//! Start-up configuration errors from the real binary: named variable, no secret echoed.

#![allow(clippy::unwrap_used, clippy::expect_used)] // a failing test should fail loudly

use std::process::{Command, Output};

const BIN: &str = env!("CARGO_BIN_EXE_paygate");

fn run(vars: &[(&str, &str)]) -> Output {
    let dir = tempfile::tempdir().unwrap();
    let mut command = Command::new(BIN);
    command
        .arg("migrate")
        .env_clear()
        .current_dir(dir.path())
        .env("PAYGATE_DATA_DIR", dir.path().join("data"));
    for (key, value) in vars {
        command.env(key, value);
    }
    command.output().unwrap()
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

#[test]
fn a_malformed_value_stops_start_up_naming_the_variable() {
    for (var, value) in [
        ("PAYGATE_PLATFORM_FEE_PERCENT", "three"),
        ("PAYGATE_HTTP_ADDR", "localhost"),
        ("PAYGATE_PUBLIC_URL", "ftp://example.org"),
        ("PAYGATE_ETH_CONFIRMATIONS", "-1"),
        ("PAYGATE_SETTLEMENT_ASSET", "btc"),
        ("PAYGATE_BATCH_INTERVAL", "soon"),
        ("PAYGATE_LOG_FORMAT", "xml"),
    ] {
        let output = run(&[(var, value)]);
        assert_eq!(output.status.code(), Some(2), "{var}={value} was accepted");
        assert!(stderr(&output).contains(var), "{var} not named in: {}", stderr(&output));
    }
}

#[test]
fn a_malformed_secret_is_reported_without_echoing_it() {
    let output = run(&[("PAYGATE_HOST_WALLET_PRIVATE_KEY", "0xthis-is-the-secret-key-material")]);
    assert_eq!(output.status.code(), Some(2));
    let text = stderr(&output);
    assert!(text.contains("PAYGATE_HOST_WALLET_PRIVATE_KEY"), "{text}");
    assert!(!text.contains("secret-key-material"), "the secret leaked: {text}");
}

#[test]
fn partial_provider_credentials_are_a_start_up_error() {
    let output = run(&[("PAYGATE_NOWPAYMENTS_API_KEY", "key")]);
    assert_eq!(output.status.code(), Some(2));
    assert!(stderr(&output).contains("PAYGATE_NOWPAYMENTS_IPN_SECRET"), "{}", stderr(&output));
    let output = run(&[("PAYGATE_ETH_RPC_URL", "http://127.0.0.1:8545")]);
    assert_eq!(output.status.code(), Some(2));
    assert!(stderr(&output).contains("PAYGATE_HOST_WALLET_PRIVATE_KEY"), "{}", stderr(&output));
}

#[test]
fn half_of_the_nowpayments_account_login_is_a_start_up_error_naming_the_missing_half() {
    let output = run(&[("PAYGATE_NOWPAYMENTS_EMAIL", "merchant@example.org")]);
    assert_eq!(output.status.code(), Some(2));
    assert!(stderr(&output).contains("PAYGATE_NOWPAYMENTS_PASSWORD"), "{}", stderr(&output));
    let output = run(&[("PAYGATE_NOWPAYMENTS_PASSWORD", "the-account-password-123")]);
    assert_eq!(output.status.code(), Some(2));
    let text = stderr(&output);
    assert!(text.contains("PAYGATE_NOWPAYMENTS_EMAIL"), "{text}");
    assert!(!text.contains("the-account-password-123"), "the password leaked: {text}");
}

#[test]
fn values_with_surrounding_whitespace_are_trimmed() {
    let output = run(&[
        ("PAYGATE_PLATFORM_FEE_PERCENT", " 2.5\n"),
        ("PAYGATE_DATABASE_URL", "postgres://x@127.0.0.1:1/none\n"),
    ]);
    // The fee parses; start-up then fails only because that database does not exist.
    let text = stderr(&output);
    assert!(!text.contains("PAYGATE_PLATFORM_FEE_PERCENT"), "{text}");
    assert!(text.contains("could not connect to PostgreSQL"), "{text}");
}

#[test]
fn help_documents_every_paygate_variable() {
    let output = Command::new(BIN).arg("--help").output().unwrap();
    let help = String::from_utf8_lossy(&output.stdout);
    for var in [
        "PAYGATE_DATABASE_URL",
        "PAYGATE_DATA_DIR",
        "PAYGATE_HTTP_ADDR",
        "PAYGATE_PUBLIC_URL",
        "PAYGATE_JWT_SECRET",
        "PAYGATE_SIGNING_KEY",
        "PAYGATE_PLATFORM_FEE_PERCENT",
        "PAYGATE_TELEGRAM_BOT_TOKEN",
        "PAYGATE_TELEGRAM_API_URL",
        "PAYGATE_NOWPAYMENTS_API_KEY",
        "PAYGATE_NOWPAYMENTS_IPN_SECRET",
        "PAYGATE_NOWPAYMENTS_API_URL",
        "PAYGATE_NOWPAYMENTS_EMAIL",
        "PAYGATE_NOWPAYMENTS_PASSWORD",
        "PAYGATE_CHANGENOW_API_KEY",
        "PAYGATE_CHANGENOW_API_URL",
        "PAYGATE_ETH_RPC_URL",
        "PAYGATE_HOST_WALLET_PRIVATE_KEY",
        "PAYGATE_HOST_WALLET_PRIVATE_KEY_FILE",
        "PAYGATE_ETH_CHAIN_ID",
        "PAYGATE_USDT_CONTRACT",
        "PAYGATE_ETH_CONFIRMATIONS",
        "PAYGATE_SETTLEMENT_ASSET",
        "PAYGATE_BATCH_INTERVAL",
        "PAYGATE_LOG_FORMAT",
    ] {
        assert!(help.contains(var), "{var} missing from --help");
    }
}

#[test]
fn the_config_command_never_prints_secrets() {
    let dir = tempfile::tempdir().unwrap();
    let output = Command::new(BIN)
        .arg("config")
        .env_clear()
        .current_dir(dir.path())
        .env("PAYGATE_TELEGRAM_BOT_TOKEN", "123:very-secret-token")
        .env("PAYGATE_JWT_SECRET", "a-jwt-secret-that-is-long-enough-1234567890")
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&output.stdout);
    assert!(output.status.success());
    assert!(text.contains("telegram_bot_token"));
    assert!(!text.contains("very-secret-token") && !text.contains("long-enough"), "{text}");
}

#[test]
fn operator_create_reads_the_password_from_stdin_and_validates_it() {
    use std::io::Write;
    let Ok(url) = std::env::var("PAYGATE_TEST_DATABASE_URL") else {
        panic!("PAYGATE_TEST_DATABASE_URL is unset: run through scripts/test");
    };
    // A database of its own on the test server.
    let name = format!("operator_cli_{}", std::process::id());
    let admin = std::process::Command::new("psql")
        .arg(&url)
        .args(["-qc", &format!("CREATE DATABASE {name}")])
        .status();
    assert!(admin.unwrap().success());
    let db_url = format!("{}/{name}", url.rsplit_once('/').unwrap().0);
    let run = |password: &str, username: &str| {
        let dir = tempfile::tempdir().unwrap();
        let mut child = Command::new(BIN)
            .args([
                "operator",
                "create",
                "--username",
                username,
                "--email",
                &format!("{username}@example.org"),
            ])
            .env_clear()
            .current_dir(dir.path())
            .env("PAYGATE_DATABASE_URL", &db_url)
            .env("PAYGATE_DATA_DIR", dir.path().join("data"))
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        writeln!(child.stdin.take().unwrap(), "{password}").unwrap();
        child.wait_with_output().unwrap()
    };
    let weak = run("short", "root_op");
    assert!(!weak.status.success());
    assert!(
        String::from_utf8_lossy(&weak.stderr).contains("password"),
        "{}",
        String::from_utf8_lossy(&weak.stderr)
    );
    let created = run("operator-horse-42", "root_op");
    assert!(created.status.success(), "{}", String::from_utf8_lossy(&created.stderr));
    assert!(String::from_utf8_lossy(&created.stdout).contains("operator root_op created"));
    let logs =
        String::from_utf8_lossy(&created.stdout).to_string() + &String::from_utf8_lossy(&created.stderr);
    assert!(!logs.contains("operator-horse-42"), "the password leaked into the output");
    let role = std::process::Command::new("psql")
        .arg(&db_url)
        .args(["-tAc", "SELECT role FROM users WHERE username = 'root_op'"])
        .output()
        .unwrap();
    assert_eq!(String::from_utf8_lossy(&role.stdout).trim(), "operator");
}

fn test_database() -> String {
    let url = std::env::var("PAYGATE_TEST_DATABASE_URL").expect("run through scripts/test");
    let name = format!("logs_{}_{}", std::process::id(), rand_suffix());
    let created = std::process::Command::new("psql")
        .arg(&url)
        .args(["-qc", &format!("CREATE DATABASE {name}")])
        .status();
    assert!(created.unwrap().success());
    format!("{}/{name}", url.rsplit_once('/').unwrap().0)
}

fn rand_suffix() -> u128 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_nanos()
}

fn migrate_with_format(format: &str) -> String {
    let dir = tempfile::tempdir().unwrap();
    let output = Command::new(BIN)
        .arg("migrate")
        .env_clear()
        .current_dir(dir.path())
        .env("PAYGATE_DATABASE_URL", test_database())
        .env("PAYGATE_DATA_DIR", dir.path().join("data"))
        .env("PAYGATE_LOG_FORMAT", format)
        .output()
        .unwrap();
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    String::from_utf8_lossy(&output.stdout).into_owned()
}

#[test]
fn json_logs_are_one_object_per_line() {
    let out = migrate_with_format("json");
    let lines: Vec<&str> = out.lines().filter(|l| !l.trim().is_empty()).collect();
    assert!(!lines.is_empty());
    for line in lines {
        let value: serde_json::Value = serde_json::from_str(line).unwrap_or_else(|e| panic!("{e}: {line}"));
        assert!(
            value["level"].is_string() && value["fields"].is_object() || value["message"].is_string(),
            "{line}"
        );
    }
    assert!(out.contains("database migrations applied"));
}

#[test]
fn human_logs_start_with_the_emoji_legend() {
    let out = migrate_with_format("human");
    let line = out.lines().find(|l| l.contains("database migrations applied")).expect("migration line");
    assert!(line.starts_with("💾 "), "{line}");
    assert!(out.lines().filter(|l| !l.is_empty()).all(|l| !l.starts_with(char::is_alphanumeric)), "{out}");
}

#[tokio::test]
async fn a_worker_serves_health_and_job_metrics_on_its_metrics_address() {
    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let dir = tempfile::tempdir().unwrap();
    let mut child = Command::new(BIN)
        .arg("worker")
        .env_clear()
        .current_dir(dir.path())
        .env("PAYGATE_DATABASE_URL", test_database())
        .env("PAYGATE_DATA_DIR", dir.path().join("data"))
        .env("PAYGATE_METRICS_ADDR", format!("127.0.0.1:{port}"))
        .stdout(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let client = reqwest::Client::new();
    let housekeeping_done =
        r#"paygate_jobs_total{kind="housekeeping.purge_finished_jobs",outcome="succeeded"}"#;
    let mut metrics = String::new();
    // The hourly housekeeping cron fires its first tick at start; other cron jobs may finish first,
    // and a loaded machine may take long: wait for this job's own line (deadline, not a timing claim).
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(120);
    while std::time::Instant::now() < deadline {
        if let Ok(response) = client.get(format!("http://127.0.0.1:{port}/metrics")).send().await {
            metrics = response.text().await.unwrap();
            if metrics.contains(housekeeping_done) {
                break;
            }
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    let ready = client.get(format!("http://127.0.0.1:{port}/readyz")).send().await.unwrap().status();
    nix::sys::signal::kill(nix::unistd::Pid::from_raw(child.id() as i32), nix::sys::signal::Signal::SIGTERM)
        .unwrap();
    assert!(child.wait().unwrap().success());
    assert!(metrics.contains(housekeeping_done), "{metrics}");
    assert_eq!(ready, 200);
}
