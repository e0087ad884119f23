//! The owner API under many concurrent dashboard clients, each from its own address (as behind a
//! proxy that sets X-Forwarded-For), next to `/healthz` under the same load.

use std::{sync::Arc, time::Duration};

use crate::load::{LoadResult, closed_loop};

/// `clients` clients GET `path` (with `token` when given) for `duration`: one request after the other,
/// or one per `pace` each.
pub async fn get(
    http: &reqwest::Client,
    base: &str,
    path: &str,
    token: Option<&str>,
    clients: usize,
    duration: Duration,
    pace: Option<Duration>,
) -> LoadResult {
    let url = Arc::new(format!("{base}{path}"));
    let token = Arc::new(token.map(str::to_owned));
    let http = http.clone();
    closed_loop(clients, u64::MAX, duration, pace, move |client, _seq| {
        let (http, url, token) = (http.clone(), url.clone(), token.clone());
        async move {
            let mut request = http.get(url.as_str()).header("x-forwarded-for", client_address(client));
            if let Some(token) = token.as_deref() {
                request = request.bearer_auth(token);
            }
            match request.send().await {
                Ok(response) => {
                    let status = response.status().as_u16();
                    // Read the body: a client waits for the whole answer.
                    let _ = response.bytes().await;
                    status
                }
                Err(_) => 0,
            }
        }
    })
    .await
}

/// A distinct private address per client.
pub fn client_address(client: usize) -> String {
    format!("10.1.{}.{}", (client / 256) % 256, client % 256)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_client_has_its_own_address() {
        assert_eq!(client_address(0), "10.1.0.0");
        assert_eq!(client_address(257), "10.1.1.1");
        let all: std::collections::HashSet<_> = (0..200).map(client_address).collect();
        assert_eq!(all.len(), 200);
    }
}
