//! A closed-loop load generator: N clients each send one request after the other until a request
//! budget or a time budget is spent; every latency and status is recorded.

use std::{
    collections::BTreeMap,
    future::Future,
    sync::{
        Arc,
        atomic::{AtomicU64, Ordering},
    },
    time::{Duration, Instant},
};

use crate::stats::Latencies;

/// What one load phase saw.
#[derive(Debug, Clone, Default)]
pub struct LoadResult {
    pub latencies: Latencies,
    /// Answers by HTTP status (0: no answer, e.g. a connection error).
    pub statuses: BTreeMap<u16, u64>,
    pub elapsed: Duration,
}

impl LoadResult {
    pub fn count(&self, status: u16) -> u64 {
        self.statuses.get(&status).copied().unwrap_or(0)
    }

    /// Requests answered with `status` per second of the phase.
    pub fn rate(&self, status: u16) -> f64 {
        self.count(status) as f64 / self.elapsed.as_secs_f64().max(1e-9)
    }

    /// `200×n, 429×m` for the detail cell.
    pub fn statuses_text(&self) -> String {
        self.statuses.iter().map(|(status, n)| format!("{status}×{n}")).collect::<Vec<_>>().join(", ")
    }
}

/// Runs `clients` loops; request number `seq` (0-based, below `max_requests`) is `send(client, seq)`,
/// which answers an HTTP status. Stops issuing new requests after `max_time`. With `pace`, each client
/// starts one request per `pace` (staggered across clients) instead of one right after the other.
pub async fn closed_loop<F, Fut>(
    clients: usize,
    max_requests: u64,
    max_time: Duration,
    pace: Option<Duration>,
    send: F,
) -> LoadResult
where
    F: Fn(usize, u64) -> Fut + Send + Sync + 'static,
    Fut: Future<Output = u16> + Send + 'static,
{
    let send = Arc::new(send);
    let next = Arc::new(AtomicU64::new(0));
    let started = Instant::now();
    let mut tasks = tokio::task::JoinSet::new();
    for client in 0..clients {
        let (send, next) = (send.clone(), next.clone());
        tasks.spawn(async move {
            let mut seen = Vec::new();
            let mut due = pace.map(|pace| started + pace.mul_f64(client as f64 / clients.max(1) as f64));
            loop {
                if let (Some(at), Some(pace)) = (due, pace) {
                    tokio::time::sleep_until(at.into()).await;
                    due = Some(at + pace);
                }
                let seq = next.fetch_add(1, Ordering::Relaxed);
                if seq >= max_requests || started.elapsed() >= max_time {
                    break;
                }
                let begun = Instant::now();
                let status = send(client, seq).await;
                seen.push((begun.elapsed(), status));
            }
            seen
        });
    }
    let mut durations = Vec::new();
    let mut statuses = BTreeMap::new();
    while let Some(joined) = tasks.join_next().await {
        for (duration, status) in joined.unwrap_or_default() {
            durations.push(duration);
            *statuses.entry(status).or_insert(0) += 1;
        }
    }
    LoadResult { latencies: Latencies::new(durations), statuses, elapsed: started.elapsed() }
}
