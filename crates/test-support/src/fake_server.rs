//! Starting a fake provider server: an axum router on a free loopback port, stopped by a token.

use std::net::SocketAddr;

use axum::Router;
use tokio_util::sync::CancellationToken;

/// Serves `router` on 127.0.0.1:0 until the returned token is cancelled.
pub(crate) async fn serve(router: Router, name: &'static str) -> (SocketAddr, CancellationToken) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("cannot bind port 0");
    let addr = listener.local_addr().expect("no local address");
    let shutdown = CancellationToken::new();
    let stop = shutdown.clone();
    tokio::spawn(async move {
        axum::serve(listener, router)
            .with_graceful_shutdown(async move { stop.cancelled().await })
            .await
            .unwrap_or_else(|error| panic!("fake {name} server failed: {error}"));
    });
    (addr, shutdown)
}
