//! The real `paygate` binary with embedded PostgreSQL: persistence, clean stop, no second initdb.

#![allow(clippy::unwrap_used, clippy::expect_used)] // a failing test should fail loudly

use std::{
    net::TcpListener,
    path::Path,
    process::{Child, Command, Stdio},
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

/// A temporary directory the `postgres` system user can pass through (the server runs as it when we are root).
fn reachable_tempdir() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::set_permissions(dir.path(), std::os::unix::fs::PermissionsExt::from_mode(0o755)).unwrap();
    dir
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

/// Starts `paygate serve` on an embedded database under `data_dir`, logging to `log`.
fn start(data_dir: &Path, port: u16, log: &Path) -> Child {
    start_as(None, data_dir, port, log)
}

/// Like [`start`], run as `user` when given (`setpriv` execs in place, so signals reach paygate).
fn start_as(user: Option<&str>, data_dir: &Path, port: u16, log: &Path) -> Child {
    let log = std::fs::OpenOptions::new().create(true).append(true).open(log).unwrap();
    let mut command = match user {
        Some(user) => {
            // The build dir may not be reachable by that user: run a copy placed next to its data.
            let binary = data_dir.parent().unwrap().join("paygate");
            if !binary.exists() {
                std::fs::copy(BIN, &binary).unwrap();
                std::fs::set_permissions(&binary, std::os::unix::fs::PermissionsExt::from_mode(0o755))
                    .unwrap();
            }
            let mut command = Command::new("setpriv");
            command
                .args([&format!("--reuid={user}"), &format!("--regid={user}"), "--clear-groups"])
                .arg(&binary);
            command
        }
        None => Command::new(BIN),
    };
    command
        .arg("serve")
        .env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .env("PAYGATE_DATA_DIR", data_dir)
        .env("PAYGATE_HTTP_ADDR", format!("127.0.0.1:{port}"))
        .current_dir(data_dir.parent().unwrap())
        .stdout(Stdio::from(log.try_clone().unwrap()))
        .stderr(Stdio::from(log))
        .spawn()
        .unwrap()
}

async fn wait_ready(port: u16, child: &mut Child) {
    let deadline = Instant::now() + Duration::from_secs(90);
    let client = reqwest::Client::new();
    while Instant::now() < deadline {
        assert!(child.try_wait().unwrap().is_none(), "paygate exited during start-up");
        if let Ok(response) = client.get(format!("http://127.0.0.1:{port}/readyz")).send().await
            && response.status().is_success()
        {
            return;
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    panic!("paygate did not become ready");
}

fn terminate(mut child: Child) {
    kill(Pid::from_raw(child.id() as i32), Signal::SIGTERM).unwrap();
    let status = child.wait().unwrap();
    assert!(status.success(), "paygate exited with {status} after SIGTERM");
}

#[tokio::test]
async fn embedded_database_persists_across_restarts_without_reinitialising_and_leaves_no_process() {
    let tmp = reachable_tempdir();
    let data_dir = tmp.path().join("data");
    let log = tmp.path().join("paygate.log");
    let port = free_port();

    let mut child = start(&data_dir, port, &log);
    wait_ready(port, &mut child).await;
    let mut conn = connect(&data_dir).await;
    sqlx::query("CREATE TABLE survivor (note TEXT)").execute(&mut conn).await.unwrap();
    sqlx::query("INSERT INTO survivor VALUES ('written before the restart')")
        .execute(&mut conn)
        .await
        .unwrap();
    conn.close().await.unwrap();
    let (first_pid, _) = postmaster(&data_dir).unwrap();
    terminate(child);
    assert!(!alive(first_pid), "PostgreSQL still running after paygate stopped");
    assert!(postmaster(&data_dir).is_none(), "postmaster.pid left behind: not a clean stop");

    let mut child = start(&data_dir, port, &log);
    wait_ready(port, &mut child).await;
    let mut conn = connect(&data_dir).await;
    let note: String = sqlx::query_scalar("SELECT note FROM survivor").fetch_one(&mut conn).await.unwrap();
    assert_eq!(note, "written before the restart");
    conn.close().await.unwrap();
    let (second_pid, _) = postmaster(&data_dir).unwrap();
    terminate(child);
    assert!(!alive(second_pid));

    let output = std::fs::read_to_string(&log).unwrap();
    assert_eq!(output.matches("initialised a new embedded PostgreSQL cluster").count(), 1, "{output}");
    assert_eq!(output.matches("re-using the existing embedded PostgreSQL cluster").count(), 1, "{output}");
    let mode = std::os::unix::fs::PermissionsExt::mode(
        &std::fs::metadata(data_dir.join("postgres-password")).unwrap().permissions(),
    );
    assert_eq!(mode & 0o777, 0o600);
}

#[tokio::test]
async fn a_postgres_left_behind_by_a_killed_paygate_is_stopped_and_reused_on_the_next_start() {
    let tmp = reachable_tempdir();
    let data_dir = tmp.path().join("data");
    let log = tmp.path().join("paygate.log");
    let port = free_port();

    let mut child = start(&data_dir, port, &log);
    wait_ready(port, &mut child).await;
    let (orphan, _) = postmaster(&data_dir).unwrap();
    child.kill().unwrap(); // SIGKILL: no chance to stop PostgreSQL
    child.wait().unwrap();
    assert!(alive(orphan), "PostgreSQL runs in its own process group and survives a SIGKILL of paygate");

    let mut child = start(&data_dir, port, &log);
    wait_ready(port, &mut child).await;
    assert!(!alive(orphan), "the leftover server was stopped");
    let (pid, _) = postmaster(&data_dir).unwrap();
    terminate(child);
    assert!(!alive(pid));
}

#[tokio::test]
async fn fsync_is_on_in_the_running_embedded_server() {
    let tmp = reachable_tempdir();
    let data_dir = tmp.path().join("data");
    let log = tmp.path().join("paygate.log");
    let port = free_port();
    let mut child = start(&data_dir, port, &log);
    wait_ready(port, &mut child).await;
    let mut conn = connect(&data_dir).await;
    let fsync: String = sqlx::query_scalar("SHOW fsync").fetch_one(&mut conn).await.unwrap();
    let sync: String = sqlx::query_scalar("SHOW synchronous_commit").fetch_one(&mut conn).await.unwrap();
    conn.close().await.unwrap();
    terminate(child);
    assert_eq!((fsync.as_str(), sync.as_str()), ("on", "on"));
}

#[tokio::test]
async fn embedded_mode_works_for_an_ordinary_user_too() {
    if !nix::unistd::Uid::effective().is_root() {
        return; // the other tests already run as an ordinary user
    }
    // As root, run the binary as the unprivileged `postgres` account, which owns its data dir.
    let tmp = reachable_tempdir();
    let home = tmp.path().join("user");
    std::fs::create_dir(&home).unwrap();
    let data_dir = home.join("data");
    let log = tmp.path().join("paygate.log");
    std::fs::write(&log, "").unwrap();
    let postgres = nix::unistd::User::from_name("postgres").unwrap().expect("postgres user");
    for path in [&home, &log] {
        nix::unistd::chown(path.as_path(), Some(postgres.uid), Some(postgres.gid)).unwrap();
    }
    let port = free_port();
    let mut child = start_as(Some("postgres"), &data_dir, port, &log);
    wait_ready(port, &mut child).await;
    let (pid, _) = postmaster(&data_dir).unwrap();
    let mut conn = connect(&data_dir).await;
    let user: String = sqlx::query_scalar("SELECT current_user::text").fetch_one(&mut conn).await.unwrap();
    conn.close().await.unwrap();
    terminate(child);
    assert_eq!(user, "paygate");
    assert!(!alive(pid));
}
