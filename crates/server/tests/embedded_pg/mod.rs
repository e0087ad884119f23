//! Test helpers for the embedded PostgreSQL of a data dir: its postmaster, liveness, a connection.

use std::path::Path;

use nix::{sys::signal::kill, unistd::Pid};
use sqlx::{ConnectOptions, postgres::PgConnectOptions};

/// `(pid, port)` of the server running on `data_dir`, from its `postmaster.pid`.
pub fn postmaster(data_dir: &Path) -> Option<(i32, u16)> {
    let contents = std::fs::read_to_string(data_dir.join("postgres/postmaster.pid")).ok()?;
    let mut lines = contents.lines();
    let pid = lines.next()?.trim().parse().ok()?;
    let port = lines.nth(2)?.trim().parse().ok()?;
    Some((pid, port))
}

pub fn alive(pid: i32) -> bool {
    kill(Pid::from_raw(pid), None).is_ok()
}

/// A connection to the `paygate` database of the server running on `data_dir`.
pub async fn connect(data_dir: &Path) -> sqlx::PgConnection {
    let (_, port) = postmaster(data_dir).expect("server running");
    let password = std::fs::read_to_string(data_dir.join("postgres-password")).unwrap();
    PgConnectOptions::new()
        .host("127.0.0.1")
        .port(port)
        .username("paygate")
        .password(password.trim())
        .database("paygate")
        .connect()
        .await
        .unwrap()
}
