//! A throwaway PostgreSQL for one benchmark run, with production durability (fsync, synchronous
//! commit and full-page writes on), on a free loopback port; stopped and deleted when dropped.

use std::{
    path::{Path, PathBuf},
    process::Command,
};

use anyhow::{Context, bail};

/// Settings of the throwaway server. Durability is PostgreSQL's default (what production runs);
/// only the connection limit and shared buffers are raised for the load generators.
const SERVER_OPTIONS: &str = "-c listen_addresses=127.0.0.1 -c unix_socket_directories='' -c fsync=on \
     -c synchronous_commit=on -c full_page_writes=on -c max_connections=300 -c shared_buffers=256MB";

/// A running server; `url(db)` names one of its databases.
#[derive(Debug)]
pub struct Postgres {
    root: PathBuf,
    bin: PathBuf,
    port: u16,
    running: bool,
}

impl Postgres {
    /// Creates a cluster under a new directory in the temp dir and starts it.
    pub fn start() -> anyhow::Result<Self> {
        let bin = bin_dir()?;
        let nanos = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH)?.as_nanos();
        let root = std::env::temp_dir().join(format!("paygate-bench-{}-{nanos}", std::process::id()));
        let data = root.join("data");
        std::fs::create_dir_all(&data).with_context(|| format!("creating {}", data.display()))?;
        let port = free_port()?;
        let mut server = Self { root, bin, port, running: false };
        if is_root() {
            // initdb refuses root: the cluster belongs to the postgres system user.
            run(Command::new("chown").args(["-R", "postgres:"]).arg(&server.root))?;
        }
        run(server.as_pg("initdb").arg("-D").arg(&data).args([
            "-U",
            "paygate",
            "-A",
            "trust",
            "-E",
            "UTF8",
            "--locale=C.UTF-8",
        ]))?;
        run(server
            .as_pg("pg_ctl")
            .arg("-D")
            .arg(&data)
            .arg("-l")
            .arg(server.root.join("server.log"))
            .args(["-w", "-t", "60", "-o", &format!("-p {port} {SERVER_OPTIONS}"), "start"]))?;
        server.running = true;
        Ok(server)
    }

    /// The URL of database `db` on this server.
    pub fn url(&self, db: &str) -> String {
        format!("postgres://paygate@127.0.0.1:{}/{db}", self.port)
    }

    /// The postmaster's process id (first line of `postmaster.pid`).
    pub fn postmaster_pid(&self) -> Option<u32> {
        let text = std::fs::read_to_string(self.root.join("data").join("postmaster.pid")).ok()?;
        text.lines().next()?.trim().parse().ok()
    }

    /// The path of one of the PostgreSQL programs (pgbench, psql).
    pub fn program(&self, name: &str) -> PathBuf {
        self.bin.join(name)
    }

    /// The version line of the server binary.
    pub fn version(&self) -> String {
        Command::new(self.program("postgres"))
            .arg("--version")
            .output()
            .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_owned())
            .unwrap_or_default()
    }

    /// Creates an empty database.
    pub fn create_database(&self, db: &str) -> anyhow::Result<()> {
        run(Command::new(self.program("createdb")).args([
            "-h",
            "127.0.0.1",
            "-p",
            &self.port.to_string(),
            "-U",
            "paygate",
            db,
        ]))
    }

    /// Stops the server (fast shutdown) and deletes its directory.
    pub fn stop(&mut self) {
        if self.running {
            let data = self.root.join("data");
            let _ = self.as_pg("pg_ctl").arg("-D").arg(&data).args(["-m", "fast", "-w", "stop"]).output();
            self.running = false;
        }
        let _ = std::fs::remove_dir_all(&self.root);
    }

    /// A command for program `name`, run as the postgres user when we are root.
    fn as_pg(&self, name: &str) -> Command {
        let program = self.program(name);
        if is_root() {
            let mut command = Command::new("runuser");
            command.args(["-u", "postgres", "--"]).arg(program);
            command
        } else {
            Command::new(program)
        }
    }
}

impl Drop for Postgres {
    fn drop(&mut self) {
        self.stop();
    }
}

/// `PAYGATE_PG_BIN_DIR`, else the newest `/usr/lib/postgresql/*/bin` with an initdb.
fn bin_dir() -> anyhow::Result<PathBuf> {
    if let Some(dir) = std::env::var_os("PAYGATE_PG_BIN_DIR") {
        return Ok(PathBuf::from(dir));
    }
    let mut candidates: Vec<PathBuf> = std::fs::read_dir("/usr/lib/postgresql")
        .context("no PostgreSQL under /usr/lib/postgresql (set PAYGATE_PG_BIN_DIR)")?
        .filter_map(Result::ok)
        .map(|entry| entry.path().join("bin"))
        .filter(|bin| bin.join("initdb").exists() && bin.join("pgbench").exists())
        .collect();
    candidates.sort_by_key(|bin| version_of(bin));
    candidates.pop().context("no PostgreSQL with initdb and pgbench found (set PAYGATE_PG_BIN_DIR)")
}

fn version_of(bin: &Path) -> u32 {
    bin.parent()
        .and_then(Path::file_name)
        .and_then(|name| name.to_str())
        .and_then(|name| name.parse().ok())
        .unwrap_or(0)
}

fn is_root() -> bool {
    Command::new("id")
        .arg("-u")
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim() == "0")
        .unwrap_or(false)
}

/// A loopback port nobody listens on right now.
pub fn free_port() -> anyhow::Result<u16> {
    let listener = std::net::TcpListener::bind("127.0.0.1:0")?;
    Ok(listener.local_addr()?.port())
}

/// Runs `command` to completion; its stderr becomes the error.
pub fn run(command: &mut Command) -> anyhow::Result<()> {
    let output = command.output().with_context(|| format!("starting {command:?}"))?;
    if !output.status.success() {
        bail!(
            "{command:?} failed: {}{}",
            String::from_utf8_lossy(&output.stderr),
            String::from_utf8_lossy(&output.stdout)
        );
    }
    Ok(())
}
