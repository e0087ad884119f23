//! The application handle shared by every front door: database pool and configured adapters.

use sqlx::PgPool;

/// Whether an external provider is reached for real or simulated.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum AdapterMode {
    Live,
    Sandbox,
}

/// One configured adapter as `/readyz` and the dashboard show it.
#[derive(Debug, Clone, serde::Serialize)]
pub struct AdapterStatus {
    pub name: &'static str,
    pub mode: AdapterMode,
}

/// Everything a use case needs; cheap to clone.
#[derive(Debug, Clone)]
pub struct App {
    pub pool: PgPool,
    /// Adapters wired by the server binary (providers register here as they are added).
    pub adapters: Vec<AdapterStatus>,
}

impl App {
    pub fn new(pool: PgPool) -> Self {
        Self { pool, adapters: Vec::new() }
    }
}
