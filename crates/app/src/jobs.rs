//! The one place where every job kind and cron schedule of Paygate is registered.

use std::time::Duration;

use paygate_jobs::{CronSpec, Registry};

use crate::{
    App,
    accounts::mail::SendMailHandler,
    channels::offer_posts::PostOfferHandler,
    channels::offer_requests::{RepostDueHandler, RepostDueOffers},
    channels::readiness_recheck::{
        CheckChannelHandler, RECHECK_PASS_EVERY, RecheckDueHandler, RecheckProvenChannels,
    },
    housekeeping::{PurgeFinishedJobs, PurgeFinishedJobsHandler},
    messages::notify::SendMessageHandler,
    owners::notify::{ExpiryDigest, ExpiryDigestHandler, NotifyOwnerHandler},
    payouts::job::PayoutStepHandler,
    payouts::threshold::{BatchPass, BatchPassHandler, ConvertPending, ConvertPendingHandler},
    subscribers::expiry::{ReminderHandler, RemoveHandler, SweepHandler, SweepSubscriptions},
    subscribers::invite_joins::RemoveIntruderHandler,
    subscribers::invites::{IssueInviteHandler, RevokeInviteHandler},
    subscribers::reconcile::{CheckInvoiceHandler, ReconcileHandler, ReconcileInvoices},
};

/// Handlers for every job kind this build knows.
pub fn registry(app: &App) -> Registry {
    Registry::new()
        .register(PurgeFinishedJobsHandler)
        .register(SendMailHandler(app.mailer.clone()))
        .register(SendMessageHandler(app.clone()))
        .register(IssueInviteHandler(app.clone()))
        .register(RevokeInviteHandler(app.clone()))
        .register(SweepHandler)
        .register(ReminderHandler)
        .register(RemoveHandler(app.clone()))
        .register(RemoveIntruderHandler(app.clone()))
        .register(ReconcileHandler)
        .register(CheckInvoiceHandler(app.clone()))
        .register(PostOfferHandler(app.clone()))
        .register(RepostDueHandler(app.clone()))
        .register(NotifyOwnerHandler(app.clone()))
        .register(ExpiryDigestHandler)
        .register(RecheckDueHandler)
        .register(CheckChannelHandler(app.clone()))
        .register(PayoutStepHandler(app.clone()))
        .register(ConvertPendingHandler(app.clone()))
        .register(BatchPassHandler(app.clone()))
}

/// Every recurring schedule (intervals the operator configures come from `app`'s settings).
pub fn crons(app: &App) -> Vec<CronSpec> {
    vec![
        // Conversions are checked every minute: the interval and the USD minimum decide inside.
        CronSpec::new("payouts.convert_pending", Duration::from_secs(60), |tick| ConvertPending { tick })
            .max_catch_up(1),
        // Once across all instances per tick; after downtime the latest missed pass runs.
        CronSpec::new("payouts.batch_pass", app.settings.batch_interval, |tick| BatchPass { tick })
            .max_catch_up(1),
        CronSpec::new("housekeeping.purge_finished_jobs", Duration::from_secs(3600), |tick| {
            PurgeFinishedJobs { tick }
        })
        .max_catch_up(1),
        CronSpec::new("subscriptions.sweep", Duration::from_secs(60), |tick| SweepSubscriptions { tick })
            .max_catch_up(1),
        CronSpec::new("owner.expiry_digest", Duration::from_secs(24 * 3600), |tick| ExpiryDigest { tick })
            .max_catch_up(2),
        CronSpec::new("payments.reconcile", Duration::from_secs(60), |tick| ReconcileInvoices { tick })
            .max_catch_up(1),
        CronSpec::new("offers.repost_due", Duration::from_secs(600), |tick| RepostDueOffers { tick })
            .max_catch_up(1),
        CronSpec::new("channels.recheck_due", RECHECK_PASS_EVERY, |tick| RecheckProvenChannels { tick })
            .max_catch_up(1),
    ]
}
