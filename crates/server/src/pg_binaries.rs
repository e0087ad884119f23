//! Finds the installed PostgreSQL server binaries (no download).

use std::path::{Path, PathBuf};

/// `PAYGATE_PG_BIN_DIR`, else `pg_config --bindir`, else the newest `/usr/lib/postgresql/*/bin`.
pub fn locate() -> Result<PathBuf, String> {
    if let Ok(dir) = std::env::var("PAYGATE_PG_BIN_DIR") {
        let dir = PathBuf::from(dir.trim());
        return if has_server(&dir) {
            Ok(dir)
        } else {
            Err(format!("PAYGATE_PG_BIN_DIR={} holds no initdb/postgres binaries", dir.display()))
        };
    }
    if let Ok(output) = std::process::Command::new("pg_config").arg("--bindir").output() {
        let dir = PathBuf::from(String::from_utf8_lossy(&output.stdout).trim());
        if output.status.success() && has_server(&dir) {
            return Ok(dir);
        }
    }
    let mut candidates: Vec<(u32, PathBuf)> = std::fs::read_dir("/usr/lib/postgresql")
        .into_iter()
        .flatten()
        .flatten()
        .filter_map(|entry| {
            let version = entry.file_name().to_string_lossy().parse::<u32>().ok()?;
            let bin = entry.path().join("bin");
            has_server(&bin).then_some((version, bin))
        })
        .collect();
    candidates.sort();
    candidates.pop().map(|(_, dir)| dir).ok_or_else(|| {
        "no PostgreSQL server binaries found: install PostgreSQL (e.g. apt-get install postgresql) \
         or set PAYGATE_DATABASE_URL"
            .to_owned()
    })
}

fn has_server(dir: &Path) -> bool {
    dir.join("initdb").is_file() && dir.join("postgres").is_file()
}
