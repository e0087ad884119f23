//! The real `paygate` release binary as a child process: configured for the benchmark's database,
//! live NOWPayments mode with a known IPN secret (its API pointed at a closed loopback port), sandbox
//! everything else, logs to a file; peak RSS read from `/proc`.

use std::{
    path::{Path, PathBuf},
    process::Stdio,
    time::{Duration, Instant},
};

use anyhow::{Context, bail};
use tokio::process::{Child, Command};

/// The IPN secret the benchmark signs with (the binary runs with it as PAYGATE_NOWPAYMENTS_IPN_SECRET).
pub const IPN_SECRET: &str = "bench-ipn-secret-bench-ipn-secret";

/// Where the binary is: `PAYGATE_BIN`, else `paygate` next to this benchmark's own executable (the
/// same `target/release`).
pub fn binary() -> anyhow::Result<PathBuf> {
    if let Some(path) = std::env::var_os("PAYGATE_BIN") {
        return Ok(PathBuf::from(path));
    }
    let own = std::env::current_exe().context("locating the benchmark executable")?;
    let path = own.with_file_name("paygate");
    if !path.exists() {
        bail!(
            "{} not found: build it first with `cargo build --release -p paygate-server` (or set PAYGATE_BIN)",
            path.display()
        );
    }
    Ok(path)
}

/// How to run the binary against one database.
#[derive(Debug, Clone)]
pub struct Setup {
    pub bin: PathBuf,
    pub database_url: String,
    /// Working and data directory (logs, generated secrets).
    pub dir: PathBuf,
    /// Extra `PAYGATE_*` settings.
    pub extra: Vec<(String, String)>,
}

impl Setup {
    fn command(&self, role: &str, http_port: u16) -> Command {
        let mut command = Command::new(&self.bin);
        command.arg(role).current_dir(&self.dir).env_clear();
        for name in ["PATH", "HOME", "LANG"] {
            if let Some(value) = std::env::var_os(name) {
                command.env(name, value);
            }
        }
        let base = format!("http://127.0.0.1:{http_port}");
        command
            .env("PAYGATE_DATABASE_URL", &self.database_url)
            .env("PAYGATE_DATA_DIR", self.dir.join("data"))
            .env("PAYGATE_HTTP_ADDR", format!("127.0.0.1:{http_port}"))
            .env("PAYGATE_PUBLIC_URL", &base)
            .env("PAYGATE_JWT_SECRET", "bench-jwt-secret-bench-jwt-secret-0123")
            .env("PAYGATE_SIGNING_KEY", "bench-signing-key-bench-signing-key-01")
            .env("PAYGATE_NOWPAYMENTS_API_KEY", "bench-api-key")
            .env("PAYGATE_NOWPAYMENTS_IPN_SECRET", IPN_SECRET)
            // Nothing listens there: the provider is never needed for intake; a look-up fails fast.
            .env("PAYGATE_NOWPAYMENTS_API_URL", "http://127.0.0.1:9/v1")
            // Each load client sends its own X-Forwarded-For, as clients behind a proxy would.
            .env("PAYGATE_TRUST_FORWARDED_FOR", "true")
            .env("PAYGATE_LOG_FORMAT", "json")
            .env("PAYGATE_LOG", "info");
        for (name, value) in &self.extra {
            command.env(name, value);
        }
        // PAYGATE_* settings of the benchmark's own environment override the above (experiments such
        // as PAYGATE_DB_MAX_CONNECTIONS=40); the benchmark's own variables are not passed on.
        for (name, value) in std::env::vars_os() {
            let text = name.to_string_lossy();
            if text.starts_with("PAYGATE_") && !text.starts_with("PAYGATE_BENCH_") && text != "PAYGATE_BIN" {
                command.env(&name, value);
            }
        }
        command
    }

    /// Runs `paygate migrate` to completion.
    pub async fn migrate(&self) -> anyhow::Result<()> {
        std::fs::create_dir_all(&self.dir)?;
        let log = std::fs::File::create(self.dir.join("migrate.log"))?;
        let status = self
            .command("migrate", 9)
            .stdout(log.try_clone()?)
            .stderr(log)
            .status()
            .await
            .context("running paygate migrate")?;
        if !status.success() {
            bail!("paygate migrate failed; see {}", self.dir.join("migrate.log").display());
        }
        Ok(())
    }
}

/// A running `paygate <role>`.
#[derive(Debug)]
pub struct Paygate {
    child: Child,
    pid: u32,
    pub base: String,
    log: PathBuf,
}

impl Paygate {
    /// Starts `paygate <role>` on a free port and waits (up to a minute) until `/healthz` answers.
    pub async fn start(setup: &Setup, role: &str, http: &reqwest::Client) -> anyhow::Result<Self> {
        std::fs::create_dir_all(&setup.dir)?;
        let port = crate::postgres::free_port()?;
        let log = setup.dir.join(format!("paygate-{role}-{port}.log"));
        let file = std::fs::File::create(&log)?;
        let child = setup
            .command(role, port)
            .stdin(Stdio::null())
            .stdout(file.try_clone()?)
            .stderr(file)
            .kill_on_drop(true)
            .spawn()
            .with_context(|| format!("starting {}", setup.bin.display()))?;
        let pid = child.id().context("paygate exited at once")?;
        let mut paygate = Self { child, pid, base: format!("http://127.0.0.1:{port}"), log };
        let deadline = Instant::now() + Duration::from_secs(60);
        loop {
            if let Some(status) = paygate.child.try_wait()? {
                bail!("paygate {role} exited with {status}; see {}", paygate.log.display());
            }
            let healthy = http.get(format!("{}/healthz", paygate.base)).send().await;
            if healthy.is_ok_and(|r| r.status().is_success()) {
                return Ok(paygate);
            }
            if Instant::now() > deadline {
                bail!(
                    "paygate {role} did not answer /healthz within a minute; see {}",
                    paygate.log.display()
                );
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    pub fn pid(&self) -> u32 {
        self.pid
    }

    /// Peak resident memory so far (`VmHWM`), in KiB.
    pub fn peak_rss_kib(&self) -> Option<u64> {
        read_kib(Path::new(&format!("/proc/{}/status", self.pid)), "VmHWM:")
    }

    /// SIGTERM, then waits up to 30 s for the graceful stop (killed after that).
    pub async fn stop(mut self) -> anyhow::Result<()> {
        let _ = Command::new("kill").args(["-TERM", &self.pid.to_string()]).status().await;
        match tokio::time::timeout(Duration::from_secs(30), self.child.wait()).await {
            Ok(status) => {
                status?;
            }
            Err(_) => {
                self.child.kill().await?;
            }
        }
        Ok(())
    }
}

/// A `Name:   1234 kB` line of a `/proc/<pid>/status` file.
fn read_kib(path: &Path, field: &str) -> Option<u64> {
    let text = std::fs::read_to_string(path).ok()?;
    parse_kib(&text, field)
}

pub fn parse_kib(status: &str, field: &str) -> Option<u64> {
    status
        .lines()
        .find_map(|line| line.strip_prefix(field))
        .and_then(|rest| rest.split_whitespace().next()?.parse().ok())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn peak_rss_is_read_from_the_vmhwm_line() {
        let status = "Name:\tpaygate\nVmPeak:\t  900000 kB\nVmHWM:\t   51234 kB\nVmRSS:\t   40000 kB\n";
        assert_eq!(parse_kib(status, "VmHWM:"), Some(51234));
        assert_eq!(parse_kib(status, "VmSwap:"), None);
    }
}
