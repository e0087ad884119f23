//! Who runs the embedded PostgreSQL of a data dir: a record of the owning Paygate and a start lock,
//! so admin commands use a running server instead of starting (or stopping) one.

use std::{
    fs,
    path::{Path, PathBuf},
};

use nix::{fcntl::Flock, sys::signal::kill, unistd::Pid};

/// `<data dir>/postgres.owner`: the Paygate process that started the server, and its port.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Owner {
    pub pid: i32,
    /// The process start time (from `/proc`), so a recycled pid is not mistaken for the owner.
    pub started: u64,
    pub port: u16,
}

impl Owner {
    /// This process, serving on `port`.
    pub fn this_process(port: u16) -> Self {
        let pid = i32::try_from(std::process::id()).unwrap_or(i32::MAX);
        Self { pid, started: start_time(pid).unwrap_or(0), port }
    }

    fn path(root: &Path) -> PathBuf {
        root.join("postgres.owner")
    }

    /// The recorded owner, when there is one and that very process still runs (and is not us).
    pub fn live(root: &Path) -> Option<Self> {
        let contents = fs::read_to_string(Self::path(root)).ok()?;
        let mut fields = contents.split_whitespace().map(str::parse::<u64>);
        let (Some(Ok(pid)), Some(Ok(started)), Some(Ok(port))) =
            (fields.next(), fields.next(), fields.next())
        else {
            return None;
        };
        let owner = Self { pid: i32::try_from(pid).ok()?, started, port: u16::try_from(port).ok()? };
        let us = i32::try_from(std::process::id()).ok()?;
        // EPERM: the process exists but runs as another user.
        let alive = owner.pid != us
            && matches!(kill(Pid::from_raw(owner.pid), None), Ok(()) | Err(nix::errno::Errno::EPERM));
        (alive && start_time(owner.pid) == Some(owner.started)).then_some(owner)
    }

    pub fn write(&self, root: &Path) -> std::io::Result<()> {
        fs::write(Self::path(root), format!("{} {} {}\n", self.pid, self.started, self.port))
    }

    /// Removes the record if it is still ours.
    pub fn remove_if_ours(root: &Path) {
        let ours = Self::this_process(0);
        if let Ok(contents) = fs::read_to_string(Self::path(root))
            && contents.split_whitespace().next() == Some(ours.pid.to_string().as_str())
        {
            let _ = fs::remove_file(Self::path(root));
        }
    }
}

/// Start time of `pid` in clock ticks since boot (field 22 of `/proc/<pid>/stat`).
fn start_time(pid: i32) -> Option<u64> {
    let stat = fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    let after_name = &stat[stat.rfind(')')? + 1..];
    after_name.split_whitespace().nth(19)?.parse().ok()
}

/// Held while one process decides whether to start the server and starts it; released on drop.
pub struct StartLock(#[allow(dead_code)] Flock<fs::File>);

impl StartLock {
    /// Waits (on the blocking pool) for the data dir's start lock.
    pub async fn acquire(root: &Path) -> std::io::Result<Self> {
        let path = root.join("postgres.lock");
        tokio::task::spawn_blocking(move || {
            let file = fs::OpenOptions::new().create(true).truncate(false).write(true).open(&path)?;
            Flock::lock(file, nix::fcntl::FlockArg::LockExclusive)
                .map(Self)
                .map_err(|(_, errno)| std::io::Error::from(errno))
        })
        .await
        .map_err(std::io::Error::other)?
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_record_of_another_live_process_is_live_and_ours_or_a_dead_ones_is_not() {
        let dir = tempfile::tempdir().unwrap();
        assert_eq!(Owner::live(dir.path()), None);
        Owner::this_process(5432).write(dir.path()).unwrap();
        assert_eq!(Owner::live(dir.path()), None, "our own record is not another owner");
        let parent = i32::try_from(std::os::unix::process::parent_id()).unwrap();
        let other = Owner { pid: parent, started: start_time(parent).unwrap(), port: 5433 };
        other.write(dir.path()).unwrap();
        assert_eq!(Owner::live(dir.path()), Some(other));
        Owner { started: other.started + 1, ..other }.write(dir.path()).unwrap();
        assert_eq!(Owner::live(dir.path()), None, "a recycled pid is not the owner");
        Owner::remove_if_ours(dir.path());
        assert!(dir.path().join("postgres.owner").exists(), "another owner's record stays");
    }
}
