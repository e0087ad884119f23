//! Counters read from the binary's Prometheus `/metrics` page.

/// The value of the series `name{labels}` (labels exactly as printed, e.g. `outcome="ok"`), 0 when
/// the counter has not been incremented yet.
pub fn counter(page: &str, name: &str, labels: &str) -> f64 {
    let series = if labels.is_empty() { name.to_owned() } else { format!("{name}{{{labels}}}") };
    page.lines()
        .filter_map(|line| line.strip_prefix(series.as_str()))
        .filter_map(|rest| rest.strip_prefix(' '))
        .find_map(|value| value.trim().parse().ok())
        .unwrap_or(0.0)
}

/// Telegram calls the paced messenger made so far: accepted, and refused with 429.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct TelegramCalls {
    pub ok: f64,
    pub rate_limited: f64,
}

pub async fn telegram_calls(http: &reqwest::Client, base: &str) -> anyhow::Result<TelegramCalls> {
    let page = http.get(format!("{base}/metrics")).send().await?.error_for_status()?.text().await?;
    Ok(TelegramCalls {
        ok: counter(&page, "paygate_telegram_calls_total", "outcome=\"ok\""),
        rate_limited: counter(&page, "paygate_telegram_calls_total", "outcome=\"rate_limited\""),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_labelled_counter_is_read_and_a_missing_one_is_zero() {
        let page = "# TYPE paygate_telegram_calls_total counter\n\
                    paygate_telegram_calls_total{outcome=\"ok\"} 1234\n\
                    paygate_telegram_calls_total{outcome=\"failed\"} 2\n";
        assert_eq!(counter(page, "paygate_telegram_calls_total", "outcome=\"ok\""), 1234.0);
        assert_eq!(counter(page, "paygate_telegram_calls_total", "outcome=\"failed\""), 2.0);
        assert_eq!(counter(page, "paygate_telegram_calls_total", "outcome=\"rate_limited\""), 0.0);
        assert_eq!(counter(page, "paygate_telegram_calls", "outcome=\"ok\""), 0.0);
    }
}
