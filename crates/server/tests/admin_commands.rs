//! Admin subcommands beside a running `paygate up` use its embedded PostgreSQL and leave it running;
//! with no server running they start their own and stop it again.

#![allow(clippy::unwrap_used, clippy::expect_used)] // a failing test should fail loudly

use std::{
    io::Write,
    net::TcpListener,
    path::Path,
    process::{Child, Command, Output, Stdio},
    time::{Duration, Instant},
};

use nix::{
    sys::signal::{Signal, kill},
    unistd::Pid,
};
use sqlx::Connection;

mod embedded_pg;

use embedded_pg::{alive, connect, postmaster};

const BIN: &str = env!("CARGO_BIN_EXE_paygate");
/// Only a hang detector: a healthy admin command needs a small fraction of it.
const HANG: Duration = Duration::from_secs(60);

fn reachable_tempdir() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::set_permissions(dir.path(), std::os::unix::fs::PermissionsExt::from_mode(0o755)).unwrap();
    dir
}

fn paygate(data_dir: &Path, args: &[&str]) -> Command {
    let mut command = Command::new(BIN);
    command
        .args(args)
        .env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .env("PAYGATE_DATA_DIR", data_dir)
        .current_dir(data_dir.parent().unwrap());
    command
}

/// Runs an admin command with `stdin` as its input; fails the test if it does not finish within [`HANG`].
fn admin(data_dir: &Path, args: &[&str], stdin: &str) -> Output {
    let mut child = paygate(data_dir, args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    writeln!(child.stdin.take().unwrap(), "{stdin}").unwrap();
    let deadline = Instant::now() + HANG;
    while child.try_wait().unwrap().is_none() {
        if Instant::now() > deadline {
            child.kill().unwrap();
            let output = child.wait_with_output().unwrap();
            panic!("`paygate {}` hung: {}", args.join(" "), String::from_utf8_lossy(&output.stderr));
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    child.wait_with_output().unwrap()
}

fn text(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned() + &String::from_utf8_lossy(&output.stderr)
}

fn create_operator(data_dir: &Path, username: &str) -> Output {
    let email = format!("{username}@example.org");
    admin(data_dir, &["operator", "create", "--username", username, "--email", &email], "operator-horse-42")
}

async fn ready(client: &reqwest::Client, port: u16) -> bool {
    let url = format!("http://127.0.0.1:{port}/readyz");
    matches!(client.get(url).send().await, Ok(response) if response.status().is_success())
}

async fn start_up(data_dir: &Path, port: u16, log: &Path) -> Child {
    let log = std::fs::OpenOptions::new().create(true).append(true).open(log).unwrap();
    let mut child = paygate(data_dir, &["up"])
        .env("PAYGATE_HTTP_ADDR", format!("127.0.0.1:{port}"))
        .stdout(Stdio::from(log.try_clone().unwrap()))
        .stderr(Stdio::from(log))
        .spawn()
        .unwrap();
    let client = reqwest::Client::new();
    let deadline = Instant::now() + Duration::from_secs(90);
    while !ready(&client, port).await {
        assert!(child.try_wait().unwrap().is_none(), "paygate up exited during start-up");
        assert!(Instant::now() < deadline, "paygate up did not become ready");
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    child
}

async fn role_of(data_dir: &Path, username: &str) -> Option<String> {
    let mut conn = connect(data_dir).await;
    let role = sqlx::query_scalar("SELECT role::text FROM users WHERE username = $1")
        .bind(username)
        .fetch_optional(&mut conn)
        .await
        .unwrap();
    conn.close().await.unwrap();
    role
}

#[tokio::test]
async fn admin_commands_beside_a_running_up_use_its_database_and_leave_it_serving() {
    let tmp = reachable_tempdir();
    let data_dir = tmp.path().join("data");
    let log = tmp.path().join("up.log");
    let port = TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let mut up = start_up(&data_dir, port, &log).await;
    let (postgres, _) = postmaster(&data_dir).unwrap();

    let created = create_operator(&data_dir, "live_op");
    assert!(created.status.success(), "{}", text(&created));
    assert!(text(&created).contains("operator live_op created"), "{}", text(&created));
    for args in [&["jobs", "attention"][..], &["migrate"], &["jobs", "retry", "999999"]] {
        let output = admin(&data_dir, args, "");
        // Retrying an unknown job may fail, but never by touching the running server.
        if args[0] != "jobs" || args[1] != "retry" {
            assert!(output.status.success(), "`paygate {}`: {}", args.join(" "), text(&output));
        }
    }

    assert_eq!(postmaster(&data_dir).map(|(pid, _)| pid), Some(postgres), "the running server was replaced");
    assert!(alive(postgres), "the admin command stopped the running platform's PostgreSQL");
    assert!(up.try_wait().unwrap().is_none(), "paygate up exited");
    assert!(ready(&reqwest::Client::new(), port).await, "paygate up no longer ready");
    assert_eq!(role_of(&data_dir, "live_op").await.as_deref(), Some("operator"));

    kill(Pid::from_raw(up.id() as i32), Signal::SIGTERM).unwrap();
    assert!(up.wait().unwrap().success());
    assert!(!alive(postgres), "paygate up stops the server it started");
}

#[tokio::test]
async fn an_admin_command_with_no_server_running_starts_its_own_and_stops_it() {
    let tmp = reachable_tempdir();
    let data_dir = tmp.path().join("data");

    let created = create_operator(&data_dir, "solo_op");
    assert!(created.status.success(), "{}", text(&created));
    assert!(postmaster(&data_dir).is_none(), "its own server was not stopped: {}", text(&created));
    assert!(!data_dir.join("postgres.owner").exists(), "the owner record was left behind");

    // It starts one again, over the same data: the operator is there.
    let again = create_operator(&data_dir, "solo_op");
    assert!(!again.status.success());
    assert!(text(&again).contains("already registered"), "{}", text(&again));
    assert!(postmaster(&data_dir).is_none(), "{}", text(&again));
}
