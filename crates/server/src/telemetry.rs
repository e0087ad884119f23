//! Tracing set-up: JSON lines or the human format with the emoji legend.

use std::io::IsTerminal;

use tracing_subscriber::{EnvFilter, fmt, layer::SubscriberExt, util::SubscriberInitExt};

use crate::{config::LogFormat, human_log::HumanFormat};

/// Installs the global subscriber; a second call (tests) is a no-op.
pub fn init(format: LogFormat, filter: &str) {
    let filter = EnvFilter::try_new(filter).unwrap_or_else(|_| EnvFilter::new("info"));
    let registry = tracing_subscriber::registry().with(filter);
    let _ = match format {
        LogFormat::Json => registry
            .with(fmt::layer().json().with_current_span(true).with_span_list(true).flatten_event(true))
            .try_init(),
        LogFormat::Human => {
            let ansi = std::io::stdout().is_terminal();
            registry.with(fmt::layer().with_ansi(ansi).event_format(HumanFormat)).try_init()
        }
    };
}
