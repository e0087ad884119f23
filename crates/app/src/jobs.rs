//! The one place where every job kind and cron schedule of Paygate is registered.

use std::time::Duration;

use paygate_jobs::{CronSpec, Registry};

use crate::{
    App,
    housekeeping::{PurgeFinishedJobs, PurgeFinishedJobsHandler},
    mail::SendMailHandler,
};

/// Handlers for every job kind this build knows.
pub fn registry(app: &App) -> Registry {
    Registry::new().register(PurgeFinishedJobsHandler).register(SendMailHandler(app.mailer.clone()))
}

/// Every recurring schedule.
pub fn crons() -> Vec<CronSpec> {
    vec![
        CronSpec::new("housekeeping.purge_finished_jobs", Duration::from_secs(3600), |tick| {
            PurgeFinishedJobs { tick }
        })
        .max_catch_up(1),
    ]
}
