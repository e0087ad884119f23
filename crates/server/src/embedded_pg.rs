//! Embedded PostgreSQL: a private cluster under the data dir, run from the installed binaries.

use std::{
    fs,
    io::Write,
    os::unix::fs::{MetadataExt, OpenOptionsExt, PermissionsExt},
    path::{Path, PathBuf},
    process::Stdio,
    time::Duration,
};

use nix::{
    sys::signal::{Signal, kill},
    unistd::{Pid, Uid, User},
};
use secrecy::{ExposeSecret, SecretString};
use sqlx::postgres::PgConnectOptions;
use tokio::process::{Child, Command};

use crate::{
    embedded_owner::{Owner, StartLock},
    pg_binaries,
};

const SUPERUSER: &str = "paygate";
const DATABASE: &str = "paygate";
const START_TIMEOUT: Duration = Duration::from_secs(60);
const STOP_TIMEOUT: Duration = Duration::from_secs(60);

#[derive(Debug, thiserror::Error)]
pub enum EmbeddedError {
    #[error("embedded PostgreSQL: {0}")]
    Setup(String),
    #[error("embedded PostgreSQL: {context}: {source}")]
    Io { context: String, source: std::io::Error },
}

fn io(context: impl Into<String>) -> impl FnOnce(std::io::Error) -> EmbeddedError {
    let context = context.into();
    move |source| EmbeddedError::Io { context, source }
}

/// A running embedded server; call [`EmbeddedPostgres::stop`] before exiting. When another Paygate
/// process of the same data dir already runs one (say `paygate up` while an operator runs an admin
/// command), that server is used and left running.
#[derive(Debug)]
pub struct EmbeddedPostgres {
    /// `None`: the server belongs to another Paygate process.
    child: Option<Child>,
    root: PathBuf,
    pgdata: PathBuf,
    port: u16,
    password: SecretString,
}

/// The system user the server runs as when Paygate runs as root (initdb refuses root).
struct RunAs {
    uid: u32,
    gid: u32,
}

impl EmbeddedPostgres {
    /// Uses the server another Paygate process runs for this data dir, or else initialises the cluster
    /// on first use (never again), starts it and creates the database.
    pub async fn start(data_dir: &Path) -> Result<Self, EmbeddedError> {
        let bin = pg_binaries::locate().map_err(EmbeddedError::Setup)?;
        let run_as = run_as()?;
        let root = prepare_root(data_dir, run_as.is_some())?;
        let pgdata = root.join("postgres");
        let password = load_or_create_password(&root)?;
        // One process at a time decides and starts; the others then find its server running.
        let _lock = StartLock::acquire(&root).await.map_err(io("locking the data dir"))?;
        if let Some(owner) = Owner::live(&root) {
            let mut server = Self { child: None, root, pgdata, port: owner.port, password };
            server.wait_ready().await?;
            server.ensure_database().await?;
            tracing::info!(
                kind = "db",
                port = owner.port,
                owner_pid = owner.pid,
                "using the embedded PostgreSQL that another paygate process runs for this data dir"
            );
            return Ok(server);
        }
        if run_as.is_some() {
            check_reachable(&pgdata)?;
        }
        if !pgdata.join("PG_VERSION").exists() {
            initdb(&bin, &pgdata, &password, run_as.as_ref()).await?;
        } else {
            tracing::info!(kind = "db", pgdata = %pgdata.display(), "re-using the existing embedded PostgreSQL cluster");
        }
        stop_leftover(&pgdata).await;
        let port = free_port()?;
        Owner::this_process(port).write(&root).map_err(io("recording the server's port"))?;
        let child = match spawn_postgres(&bin, &root, &pgdata, port, run_as.as_ref()) {
            Ok(child) => child,
            Err(error) => {
                Owner::remove_if_ours(&root);
                return Err(error);
            }
        };
        let mut server = Self { child: Some(child), root, pgdata, port, password };
        if let Err(error) = server.wait_ready().await {
            let _ = server.stop().await;
            return Err(error);
        }
        if let Err(error) = server.ensure_database().await {
            let _ = server.stop().await;
            return Err(error);
        }
        tracing::info!(kind = "db", port, "embedded PostgreSQL is up");
        Ok(server)
    }

    /// Connection options for Paygate's database.
    pub fn connect_options(&self) -> PgConnectOptions {
        self.options_for(DATABASE)
    }

    fn options_for(&self, database: &str) -> PgConnectOptions {
        PgConnectOptions::new()
            .host("127.0.0.1")
            .port(self.port)
            .username(SUPERUSER)
            .password(self.password.expose_secret())
            .database(database)
    }

    pub fn port(&self) -> u16 {
        self.port
    }

    async fn wait_ready(&mut self) -> Result<(), EmbeddedError> {
        let deadline = tokio::time::Instant::now() + START_TIMEOUT;
        loop {
            if let Some(Ok(Some(status))) = self.child.as_mut().map(Child::try_wait) {
                return Err(EmbeddedError::Setup(format!(
                    "the server exited at start ({status}); see {}",
                    self.pgdata.parent().unwrap_or(&self.pgdata).join("postgres.log").display()
                )));
            }
            if sqlx::ConnectOptions::connect(&self.options_for("postgres")).await.is_ok() {
                return Ok(());
            }
            if tokio::time::Instant::now() > deadline {
                return Err(EmbeddedError::Setup("the server did not accept connections within 60 s".into()));
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    async fn ensure_database(&self) -> Result<(), EmbeddedError> {
        let setup = |e: sqlx::Error| EmbeddedError::Setup(format!("could not create the database: {e}"));
        let mut conn = sqlx::ConnectOptions::connect(&self.options_for("postgres")).await.map_err(setup)?;
        let exists: bool = sqlx::query_scalar("SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = $1)")
            .bind(DATABASE)
            .fetch_one(&mut conn)
            .await
            .map_err(setup)?;
        if !exists && let Err(error) = sqlx::query("CREATE DATABASE paygate").execute(&mut conn).await {
            // Another process may have created it at the same moment.
            let code = error.as_database_error().and_then(|e| e.code()).unwrap_or_default();
            if code != "42P04" {
                return Err(setup(error));
            }
        }
        Ok(())
    }

    /// Fast shutdown (SIGINT): aborts open transactions, checkpoints, and waits for the server to exit.
    /// A server another Paygate process started is left running.
    pub async fn stop(mut self) -> Result<(), EmbeddedError> {
        let Some(child) = self.child.as_mut() else {
            tracing::info!(
                kind = "db",
                "left the embedded PostgreSQL running for the paygate process that started it"
            );
            return Ok(());
        };
        let result = stop_child(child).await;
        Owner::remove_if_ours(&self.root);
        result
    }
}

async fn stop_child(child: &mut Child) -> Result<(), EmbeddedError> {
    let Some(raw) = child.id() else { return Ok(()) };
    let pid = Pid::from_raw(i32::try_from(raw).map_err(|_| EmbeddedError::Setup("bad pid".into()))?);
    let _ = kill(pid, Signal::SIGINT);
    match tokio::time::timeout(STOP_TIMEOUT, child.wait()).await {
        Ok(status) => {
            status.map_err(io("waiting for the server to stop"))?;
            tracing::info!(kind = "db", "embedded PostgreSQL stopped");
            Ok(())
        }
        Err(_) => {
            let _ = kill(pid, Signal::SIGQUIT);
            let _ = child.wait().await;
            Err(EmbeddedError::Setup("the server did not stop within 60 s; sent SIGQUIT".into()))
        }
    }
}

fn run_as() -> Result<Option<RunAs>, EmbeddedError> {
    if !Uid::effective().is_root() {
        return Ok(None);
    }
    let user = User::from_name("postgres")
        .map_err(|e| EmbeddedError::Setup(format!("looking up the postgres user failed: {e}")))?
        .ok_or_else(|| {
            EmbeddedError::Setup("running as root needs the `postgres` system user to run the server".into())
        })?;
    Ok(Some(RunAs { uid: user.uid.as_raw(), gid: user.gid.as_raw() }))
}

fn prepare_root(data_dir: &Path, as_root: bool) -> Result<PathBuf, EmbeddedError> {
    fs::create_dir_all(data_dir).map_err(io(format!("creating {}", data_dir.display())))?;
    let root = fs::canonicalize(data_dir).map_err(io(format!("resolving {}", data_dir.display())))?;
    // As root the server runs as `postgres`, which must be able to pass through (not list) the dir.
    let mode = if as_root { 0o711 } else { 0o700 };
    fs::set_permissions(&root, fs::Permissions::from_mode(mode))
        .map_err(io("setting data dir permissions"))?;
    Ok(root)
}

fn load_or_create_password(root: &Path) -> Result<SecretString, EmbeddedError> {
    let path = root.join("postgres-password");
    if let Ok(existing) = fs::read_to_string(&path) {
        return Ok(SecretString::from(existing.trim().to_owned()));
    }
    let password = uuid::Uuid::new_v4().simple().to_string() + &uuid::Uuid::new_v4().simple().to_string();
    write_private(&path, &password)?;
    Ok(SecretString::from(password))
}

fn write_private(path: &Path, contents: &str) -> Result<(), EmbeddedError> {
    let mut file = fs::OpenOptions::new()
        .create(true)
        .write(true)
        .truncate(true)
        .mode(0o600)
        .open(path)
        .map_err(io(format!("writing {}", path.display())))?;
    file.write_all(contents.as_bytes()).map_err(io(format!("writing {}", path.display())))?;
    file.sync_all().map_err(io(format!("syncing {}", path.display())))
}

/// Every ancestor of `pgdata` must let the `postgres` user through, or the server cannot start.
fn check_reachable(pgdata: &Path) -> Result<(), EmbeddedError> {
    for dir in pgdata.ancestors().skip(1) {
        let meta = fs::metadata(dir).map_err(io(format!("inspecting {}", dir.display())))?;
        if meta.mode() & 0o001 == 0 {
            return Err(EmbeddedError::Setup(format!(
                "running as root, the server runs as the `postgres` user, which cannot enter {}; \
                 choose a PAYGATE_DATA_DIR outside it or allow traversal (chmod o+x {})",
                dir.display(),
                dir.display()
            )));
        }
    }
    Ok(())
}

async fn initdb(
    bin: &Path,
    pgdata: &Path,
    password: &SecretString,
    run_as: Option<&RunAs>,
) -> Result<(), EmbeddedError> {
    fs::create_dir_all(pgdata).map_err(io("creating the cluster directory"))?;
    fs::set_permissions(pgdata, fs::Permissions::from_mode(0o700))
        .map_err(io("setting cluster permissions"))?;
    if let Some(user) = run_as {
        nix::unistd::chown(pgdata, Some(user.uid.into()), Some(user.gid.into()))
            .map_err(|e| EmbeddedError::Setup(format!("chown of the cluster directory failed: {e}")))?;
    }
    // initdb reads the superuser password from a file the server user can read (next to the cluster,
    // which must start empty); removed right after.
    let pwfile = pgdata.with_file_name(".initdb-password");
    write_private(&pwfile, password.expose_secret())?;
    if let Some(user) = run_as {
        nix::unistd::chown(&pwfile, Some(user.uid.into()), Some(user.gid.into()))
            .map_err(|e| EmbeddedError::Setup(format!("chown of the password file failed: {e}")))?;
    }
    let mut command = Command::new(bin.join("initdb"));
    command
        .arg("-D")
        .arg(pgdata)
        .args(["-U", SUPERUSER, "-A", "scram-sha-256", "-E", "UTF8", "--locale=C"])
        .arg(format!("--pwfile={}", pwfile.display()))
        .stdin(Stdio::null());
    as_user(&mut command, run_as);
    let output = command.output().await.map_err(io("running initdb"));
    let _ = fs::remove_file(&pwfile);
    let output = output?;
    if !output.status.success() {
        return Err(EmbeddedError::Setup(format!(
            "initdb failed: {}",
            String::from_utf8_lossy(&output.stderr).trim()
        )));
    }
    tracing::info!(kind = "db", pgdata = %pgdata.display(), "initialised a new embedded PostgreSQL cluster");
    Ok(())
}

/// A server left running by a killed Paygate would hold the data dir: stop it first.
async fn stop_leftover(pgdata: &Path) {
    let Ok(contents) = fs::read_to_string(pgdata.join("postmaster.pid")) else { return };
    let Some(pid) = contents.lines().next().and_then(|l| l.trim().parse::<i32>().ok()) else { return };
    let pid = Pid::from_raw(pid);
    if kill(pid, None).is_err() {
        return; // stale file; PostgreSQL removes it itself
    }
    tracing::warn!(
        kind = "warning",
        pid = pid.as_raw(),
        "an embedded PostgreSQL from an earlier run is still running; stopping it"
    );
    let _ = kill(pid, Signal::SIGINT);
    for _ in 0..600 {
        if kill(pid, None).is_err() {
            return;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

fn free_port() -> Result<u16, EmbeddedError> {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").map_err(io("finding a free port"))?;
    Ok(listener.local_addr().map_err(io("finding a free port"))?.port())
}

fn spawn_postgres(
    bin: &Path,
    root: &Path,
    pgdata: &Path,
    port: u16,
    run_as: Option<&RunAs>,
) -> Result<Child, EmbeddedError> {
    let log_path = root.join("postgres.log");
    let log = fs::OpenOptions::new()
        .create(true)
        .append(true)
        .mode(0o600)
        .open(&log_path)
        .map_err(io("opening postgres.log"))?;
    let log_err = log.try_clone().map_err(io("opening postgres.log"))?;
    let mut command = Command::new(bin.join("postgres"));
    command
        .arg("-D")
        .arg(pgdata)
        .args(["-p", &port.to_string()])
        .args(["-c", "listen_addresses=127.0.0.1", "-c", "unix_socket_directories=", "-c", "fsync=on"])
        .args(["-c", "synchronous_commit=on", "-c", "full_page_writes=on", "-c", "max_connections=200"])
        .stdin(Stdio::null())
        .stdout(log)
        .stderr(log_err)
        // Own process group: a terminal's Ctrl-C reaches Paygate, which then stops the server in order.
        .process_group(0);
    as_user(&mut command, run_as);
    command.spawn().map_err(io("starting postgres"))
}

fn as_user(command: &mut Command, run_as: Option<&RunAs>) {
    if let Some(user) = run_as {
        command.uid(user.uid).gid(user.gid);
    }
}
