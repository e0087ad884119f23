//! The yardstick: pgbench against the benchmark's own server, the built-in TPC-B-like test and a
//! custom script shaped like one payment intake (see `intake_script.sql`).

use std::{path::PathBuf, process::Command, time::Duration};

use anyhow::{Context, bail};

use crate::postgres::{Postgres, run};

/// The custom script: one payment intake's reads, inserts, updates and NOTIFYs.
const INTAKE_SCRIPT: &str = include_str!("intake_script.sql");
/// Copies of the intake's tables with open invoices, created in Paygate's migrated database.
const SETUP: &str = include_str!("yardstick_setup.sql");

/// What one pgbench run measured.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PgbenchResult {
    pub tps: f64,
    pub latency_ms: Option<f64>,
    pub transactions: u64,
    /// PostgreSQL CPU (postmaster and backends) per transaction, in ms.
    pub server_cpu_ms: Option<f64>,
}

/// The built-in TPC-B-like test at `scale` in its own database.
pub fn tpcb(pg: &Postgres, scale: u32, clients: u32, duration: Duration) -> anyhow::Result<PgbenchResult> {
    pg.create_database("tpcb")?;
    let url = pg.url("tpcb");
    run(Command::new(pg.program("pgbench")).args(["-i", "-q", "-s", &scale.to_string(), &url]))?;
    pgbench(pg, &url, clients, duration, &[])
}

/// The custom intake script in Paygate's database `db` (already migrated), over `invoices` invoices.
pub fn intake(
    pg: &Postgres,
    db: &str,
    invoices: u32,
    clients: u32,
    duration: Duration,
) -> anyhow::Result<PgbenchResult> {
    let url = pg.url(db);
    let dir = std::env::temp_dir().join(format!("paygate-bench-script-{}", std::process::id()));
    std::fs::create_dir_all(&dir)?;
    let (setup, script) = (dir.join("setup.sql"), dir.join("intake.sql"));
    std::fs::write(&setup, SETUP)?;
    std::fs::write(&script, INTAKE_SCRIPT)?;
    let variable = format!("invoices={invoices}");
    run(Command::new(pg.program("psql"))
        .args(["-q", "-v", "ON_ERROR_STOP=1", "-v", &variable, "-f"])
        .arg(&setup)
        .arg(&url))?;
    let script_arg: PathBuf = script;
    let result = pgbench(
        pg,
        &url,
        clients,
        duration,
        &["-n".into(), "-D".into(), variable, "-f".into(), script_arg.display().to_string()],
    );
    let _ = std::fs::remove_dir_all(&dir);
    result
}

/// The tables the custom script filled, emptied again so they do not weigh on what follows.
pub fn drop_intake_tables(pg: &Postgres, db: &str) -> anyhow::Result<()> {
    run(Command::new(pg.program("psql")).args([
        "-q",
        "-c",
        "DROP TABLE IF EXISTS ys_invoices, ys_payment_events, ys_payments, ys_payouts, ys_payout_steps, ys_jobs, \
         ys_subscriptions, ys_invites",
        &pg.url(db),
    ]))
}

fn pgbench(
    pg: &Postgres,
    url: &str,
    clients: u32,
    duration: Duration,
    extra: &[String],
) -> anyhow::Result<PgbenchResult> {
    let threads = clients.min(2);
    let cpu = || pg.postmaster_pid().map(crate::cpu::tree_cpu_seconds);
    let before = cpu();
    let output = Command::new(pg.program("pgbench"))
        .args(["-M", "prepared", "-c", &clients.to_string(), "-j", &threads.to_string()])
        .args(["-T", &duration.as_secs().max(1).to_string()])
        .args(extra)
        .arg(url)
        .output()
        .context("starting pgbench")?;
    let stdout = String::from_utf8_lossy(&output.stdout);
    if !output.status.success() {
        bail!("pgbench failed: {}{stdout}", String::from_utf8_lossy(&output.stderr));
    }
    let mut result = parse(&stdout).with_context(|| format!("unexpected pgbench output:\n{stdout}"))?;
    if let (Some(before), Some(after)) = (before, cpu()) {
        result.server_cpu_ms = Some((after - before) * 1000.0 / result.transactions.max(1) as f64);
    }
    Ok(result)
}

/// Reads tps, average latency and the transaction count from pgbench's report.
pub fn parse(report: &str) -> Option<PgbenchResult> {
    let field = |prefix: &str| {
        report
            .lines()
            .find_map(|line| line.trim().strip_prefix(prefix))
            .and_then(|rest| rest.split_whitespace().next().and_then(|number| number.parse::<f64>().ok()))
    };
    Some(PgbenchResult {
        tps: field("tps = ")?,
        latency_ms: field("latency average = "),
        transactions: field("number of transactions actually processed: ")? as u64,
        server_cpu_ms: None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pgbench_reports_are_read_for_tps_latency_and_count() {
        let report = "transaction type: <builtin: TPC-B (sort of)>\nnumber of transactions actually processed: 875\n\
                      number of failed transactions: 0 (0.000%)\nlatency average = 13.802 ms\n\
                      initial connection time = 31.357 ms\ntps = 289.809951 (without initial connection time)\n";
        let parsed = parse(report).unwrap_or_else(|| panic!("not parsed"));
        assert_eq!(
            parsed,
            PgbenchResult {
                tps: 289.809951,
                latency_ms: Some(13.802),
                transactions: 875,
                server_cpu_ms: None
            }
        );
        assert_eq!(parse("pgbench: error: connection refused"), None);
    }
}
