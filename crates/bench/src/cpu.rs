//! CPU time of processes from `/proc/<pid>/stat`, to tell what a throughput spent its cores on.

use std::path::Path;

/// Clock ticks per second of `/proc` times (`getconf CLK_TCK`; 100 on Linux unless configured).
fn ticks_per_second() -> f64 {
    std::process::Command::new("getconf")
        .arg("CLK_TCK")
        .output()
        .ok()
        .and_then(|o| String::from_utf8_lossy(&o.stdout).trim().parse().ok())
        .unwrap_or(100.0)
}

/// User + system CPU seconds of `pid` (0 when it is gone).
pub fn cpu_seconds(pid: u32) -> f64 {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap_or_default();
    parse_stat(&stat).map_or(0.0, |stat| stat.own as f64 / ticks_per_second())
}

/// CPU seconds of `root`, of its live children and of the children it has reaped (PostgreSQL: the
/// postmaster and its backends, including those of connections already closed).
pub fn tree_cpu_seconds(root: u32) -> f64 {
    let mut ticks = 0;
    let Ok(entries) = std::fs::read_dir("/proc") else { return 0.0 };
    for entry in entries.filter_map(Result::ok) {
        let name = entry.file_name();
        let Some(pid) = name.to_str().and_then(|n| n.parse::<u32>().ok()) else { continue };
        let stat = std::fs::read_to_string(Path::new("/proc").join(name).join("stat")).unwrap_or_default();
        match parse_stat(&stat) {
            Some(stat) if pid == root => ticks += stat.own + stat.reaped,
            Some(stat) if stat.parent == root => ticks += stat.own,
            _ => {}
        }
    }
    ticks as f64 / ticks_per_second()
}

/// What one `/proc/<pid>/stat` line says about CPU, in clock ticks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Stat {
    pub parent: u32,
    /// utime + stime.
    pub own: u64,
    /// cutime + cstime: children waited for.
    pub reaped: u64,
}

/// Parses one `/proc/<pid>/stat` line (the command name may hold spaces and parentheses).
pub fn parse_stat(stat: &str) -> Option<Stat> {
    let after = stat.get(stat.rfind(')')? + 1..)?;
    let fields: Vec<&str> = after.split_whitespace().collect();
    let number = |i: usize| fields.get(i).and_then(|f| f.parse::<u64>().ok());
    Some(Stat {
        parent: u32::try_from(number(1)?).ok()?,
        own: number(11)? + number(12)?,
        reaped: number(13)? + number(14)?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_stat_line_gives_the_parent_and_the_user_plus_system_ticks() {
        let stat = "4242 (postgres: (x) y) S 4000 4242 4242 0 -1 4194560 100 0 0 0 150 25 7 3 20 0 1 0 1 2 3";
        assert_eq!(parse_stat(stat), Some(Stat { parent: 4000, own: 175, reaped: 10 }));
        assert_eq!(parse_stat("garbage"), None);
    }
}
