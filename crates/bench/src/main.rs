//! `paygate-bench all [--quick]`: benchmarks of the real paygate binary with a pgbench yardstick.

mod cpu;
mod ipn;
mod ipn_intake;
mod job_queue;
mod load;
mod metrics;
mod owner_api;
mod pacing;
mod paygate;
mod pipeline;
mod postgres;
mod run;
mod scaled;
mod seed;
mod stats;
mod table;
mod yardstick;

const USAGE: &str = "usage: paygate-bench all|scaled [--quick]

Starts its own PostgreSQL (fsync on) and the release `paygate` binary next to this executable (build it
with `cargo build --release -p paygate-server`, or set PAYGATE_BIN), measures pgbench (TPC-B-like and a
custom payment-intake script), IPN intake, the invite drain, the owner API, peak RSS, then at scaled
Telegram limits the full pipeline and the pacing of an expiry backlog, and the job queue; prints a
Markdown table. scaled: only the phases at scaled Telegram limits (no yardstick). --quick: smaller and
shorter.";

#[tokio::main]
async fn main() -> std::process::ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let words: Vec<&str> = args.iter().map(String::as_str).collect();
    let result = match words.as_slice() {
        ["all"] => run::all(run::Sizes::full()).await,
        ["all", "--quick"] | ["--quick", "all"] => run::all(run::Sizes::quick()).await,
        ["scaled"] => run::scaled_only(run::Sizes::full()).await,
        ["scaled", "--quick"] | ["--quick", "scaled"] => run::scaled_only(run::Sizes::quick()).await,
        ["job-worker", url, concurrency] => match concurrency.parse() {
            Ok(concurrency) => job_queue::worker_process(url, concurrency).await,
            Err(_) => Err(anyhow::anyhow!("concurrency must be a number")),
        },
        _ => {
            eprintln!("{USAGE}");
            return std::process::ExitCode::from(2);
        }
    };
    match result {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("error: {error:#}");
            std::process::ExitCode::FAILURE
        }
    }
}
