//! The result table: one row per figure, printed as Markdown so it pastes into docs/BENCHMARKS.md.

use crate::stats::ratio;

/// One measured figure.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Row {
    pub figure: String,
    /// A throughput (per second) when the figure has one.
    pub per_second: Option<f64>,
    pub unit: &'static str,
    pub p50_ms: Option<f64>,
    pub p99_ms: Option<f64>,
    /// Anything else worth one cell: counts, errors, memory.
    pub detail: String,
}

impl Row {
    pub fn throughput(figure: impl Into<String>, per_second: f64, unit: &'static str) -> Self {
        Self { figure: figure.into(), per_second: Some(per_second), unit, ..Self::default() }
    }

    pub fn with_latency(mut self, p50_ms: Option<f64>, p99_ms: Option<f64>) -> Self {
        self.p50_ms = p50_ms;
        self.p99_ms = p99_ms;
        self
    }

    pub fn with_detail(mut self, detail: impl Into<String>) -> Self {
        self.detail = detail.into();
        self
    }
}

/// Renders `rows` as a Markdown table; throughputs get their ratio to `yardstick_tps` (the custom
/// pgbench script), when it was measured.
pub fn render(rows: &[Row], yardstick_tps: Option<f64>) -> String {
    let mut out = String::from(
        "| figure | per second | × custom pgbench | p50 (ms) | p99 (ms) | detail |\n|---|---:|---:|---:|---:|---|\n",
    );
    for row in rows {
        let per_second = row.per_second.map_or_else(String::new, |v| format!("{} {}", number(v), row.unit));
        let times = match (row.per_second, yardstick_tps) {
            (Some(value), Some(yardstick)) => {
                ratio(value, yardstick).map_or_else(String::new, |r| format!("{r:.2}"))
            }
            _ => String::new(),
        };
        let ms = |v: Option<f64>| v.map_or_else(String::new, |v| format!("{v:.1}"));
        out.push_str(&format!(
            "| {} | {} | {} | {} | {} | {} |\n",
            row.figure,
            per_second,
            times,
            ms(row.p50_ms),
            ms(row.p99_ms),
            row.detail
        ));
    }
    out
}

/// A throughput with sensible precision: 1234, 56.7, 0.89.
fn number(value: f64) -> String {
    if value >= 100.0 {
        format!("{value:.0}")
    } else if value >= 10.0 {
        format!("{value:.1}")
    } else {
        format!("{value:.2}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_throughput_is_printed_with_its_ratio_to_the_yardstick() {
        let rows = vec![
            Row::throughput("IPN intake", 250.0, "payments/s").with_latency(Some(12.34), Some(80.0)),
            Row::throughput("pgbench custom", 500.0, "tx/s"),
            Row { figure: "peak RSS".into(), detail: "42 MiB".into(), ..Row::default() },
        ];
        let table = render(&rows, Some(500.0));
        let lines: Vec<&str> = table.lines().collect();
        assert_eq!(lines.len(), 5);
        assert_eq!(lines[2], "| IPN intake | 250 payments/s | 0.50 | 12.3 | 80.0 |  |");
        assert_eq!(lines[3], "| pgbench custom | 500 tx/s | 1.00 |  |  |  |");
        assert_eq!(lines[4], "| peak RSS |  |  |  |  | 42 MiB |");
    }

    #[test]
    fn without_a_yardstick_the_ratio_cell_stays_empty() {
        let table = render(&[Row::throughput("jobs", 12.5, "jobs/s")], None);
        assert!(table.ends_with("| jobs | 12.5 jobs/s |  |  |  |  |\n"), "{table}");
    }
}
