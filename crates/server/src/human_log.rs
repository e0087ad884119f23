//! The human log format: each line starts with the old system's emoji legend for its kind of event.

use std::fmt;

use tracing::{Event, Level, Subscriber, field::Field};
use tracing_subscriber::{
    fmt::{FmtContext, FormatEvent, FormatFields, FormattedFields, format::Writer},
    registry::LookupSpan,
};

/// Emoji for the `kind` field of an event, falling back to the level.
pub fn emoji(kind: Option<&str>, level: &Level) -> &'static str {
    match kind {
        Some("startup") => "🚀",
        Some("success") => "✅",
        Some("error") => "❌",
        Some("warning") => "⚠️",
        Some("db") => "💾",
        Some("user") => "👤",
        Some("money") => "💰",
        Some("wallet") => "🏦",
        Some("external") => "🌐",
        Some("endpoint") => "🎯",
        Some("status") => "📊",
        Some("ids") => "🆔",
        Some("retry") => "🔄",
        Some("telegram") => "📨",
        Some("complete") => "🎉",
        _ => match *level {
            Level::ERROR => "❌",
            Level::WARN => "⚠️",
            _ => "📊",
        },
    }
}

/// `<emoji> <time> <LEVEL> <spans>: <message> <fields>`.
pub struct HumanFormat;

#[derive(Default)]
struct KindVisitor(Option<String>);

impl tracing::field::Visit for KindVisitor {
    fn record_str(&mut self, field: &Field, value: &str) {
        if field.name() == "kind" {
            self.0 = Some(value.to_owned());
        }
    }

    fn record_debug(&mut self, field: &Field, value: &dyn fmt::Debug) {
        if field.name() == "kind" {
            self.0 = Some(format!("{value:?}").trim_matches('"').to_owned());
        }
    }
}

impl<S, N> FormatEvent<S, N> for HumanFormat
where
    S: Subscriber + for<'a> LookupSpan<'a>,
    N: for<'a> FormatFields<'a> + 'static,
{
    fn format_event(
        &self,
        ctx: &FmtContext<'_, S, N>,
        mut writer: Writer<'_>,
        event: &Event<'_>,
    ) -> fmt::Result {
        let mut kind = KindVisitor::default();
        event.record(&mut kind);
        let meta = event.metadata();
        let now = chrono::Utc::now().format("%Y-%m-%dT%H:%M:%S%.3fZ");
        write!(writer, "{} {now} {:>5} ", emoji(kind.0.as_deref(), meta.level()), meta.level())?;
        if let Some(scope) = ctx.event_scope() {
            for span in scope.from_root() {
                write!(writer, "{}", span.name())?;
                if let Some(fields) = span.extensions().get::<FormattedFields<N>>()
                    && !fields.is_empty()
                {
                    write!(writer, "{{{fields}}}")?;
                }
                write!(writer, ": ")?;
            }
        }
        ctx.field_format().format_fields(writer.by_ref(), event)?;
        writeln!(writer)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_map_to_the_legend_and_levels_are_the_fallback() {
        assert_eq!(emoji(Some("startup"), &Level::INFO), "🚀");
        assert_eq!(emoji(Some("money"), &Level::INFO), "💰");
        assert_eq!(emoji(Some("telegram"), &Level::INFO), "📨");
        assert_eq!(emoji(None, &Level::ERROR), "❌");
        assert_eq!(emoji(None, &Level::WARN), "⚠️");
        assert_eq!(emoji(Some("unknown"), &Level::INFO), "📊");
    }
}
