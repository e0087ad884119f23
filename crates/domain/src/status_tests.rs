use super::*;

fn round_trips<T>(all: &[T], parse: fn(&str) -> Result<T, UnknownValue>, as_str: fn(T) -> &'static str)
where
    T: Copy + PartialEq + fmt::Debug + serde::Serialize,
{
    for &value in all {
        assert_eq!(parse(as_str(value)), Ok(value));
        assert_eq!(serde_json::to_value(value).ok(), Some(serde_json::Value::from(as_str(value))));
    }
    for bad in ["", "unknown", "ACTIVE", " active", "Finished"] {
        assert!(parse(bad).is_err(), "{bad:?} was accepted");
    }
}

#[test]
fn every_invoice_status_round_trips_and_unknown_text_is_rejected() {
    let texts: Vec<&str> = InvoiceStatus::ALL.iter().map(|s| s.as_str()).collect();
    assert_eq!(
        texts,
        [
            "created",
            "waiting",
            "confirming",
            "confirmed",
            "sending",
            "partially_paid",
            "finished",
            "underpaid",
            "on_hold",
            "failed",
            "refunded",
            "expired"
        ]
    );
    round_trips(InvoiceStatus::ALL, InvoiceStatus::parse, InvoiceStatus::as_str);
}

#[test]
fn every_offer_kind_round_trips_and_unknown_text_is_rejected() {
    assert_eq!(OfferKind::ALL, [OfferKind::Subscription, OfferKind::Donation]);
    round_trips(OfferKind::ALL, OfferKind::parse, OfferKind::as_str);
}

#[test]
fn every_payment_verdict_round_trips_and_unknown_text_is_rejected() {
    let texts: Vec<&str> = PaymentVerdict::ALL.iter().map(|s| s.as_str()).collect();
    assert_eq!(texts, ["accepted", "underpaid", "amount_unknown", "mismatch", "extra_deposit"]);
    round_trips(PaymentVerdict::ALL, PaymentVerdict::parse, PaymentVerdict::as_str);
}

#[test]
fn every_payout_status_round_trips_and_unknown_text_is_rejected() {
    let texts: Vec<&str> = PayoutStatus::ALL.iter().map(|s| s.as_str()).collect();
    assert_eq!(texts, ["awaiting_payout", "on_hold", "in_payout", "paid_out", "accumulated"]);
    round_trips(PayoutStatus::ALL, PayoutStatus::parse, PayoutStatus::as_str);
}

#[test]
fn every_payout_state_kind_and_entry_status_round_trips_and_unknown_text_is_rejected() {
    round_trips(PayoutState::ALL, PayoutState::parse, PayoutState::as_str);
    round_trips(PayoutKind::ALL, PayoutKind::parse, PayoutKind::as_str);
    round_trips(EntryStatus::ALL, EntryStatus::parse, EntryStatus::as_str);
    round_trips(EntryReason::ALL, EntryReason::parse, EntryReason::as_str);
    round_trips(PayoutPurpose::ALL, PayoutPurpose::parse, PayoutPurpose::as_str);
    // Exactly the states in flight are neither final nor waiting for the operator.
    for state in PayoutState::ALL {
        assert_ne!(
            state.is_in_flight(),
            state.is_final() || *state == PayoutState::NeedsAttention,
            "{state}"
        );
        if state.needs_operator() {
            assert!(!state.is_in_flight(), "{state}");
        }
    }
    assert!(PayoutState::NeedsFunds.is_in_flight(), "a short wallet resumes by itself");
}

#[test]
fn every_invite_mode_and_status_round_trips_and_unknown_text_is_rejected() {
    let modes: Vec<&str> = InviteMode::ALL.iter().map(|s| s.as_str()).collect();
    assert_eq!(modes, ["member_limit", "join_request"]);
    round_trips(InviteMode::ALL, InviteMode::parse, InviteMode::as_str);
    let statuses: Vec<&str> = InviteStatus::ALL.iter().map(|s| s.as_str()).collect();
    assert_eq!(statuses, ["pending", "issued", "used", "revoked"]);
    round_trips(InviteStatus::ALL, InviteStatus::parse, InviteStatus::as_str);
}

#[test]
fn every_subscription_status_round_trips_and_unknown_text_is_rejected() {
    assert_eq!(SubscriptionStatus::ALL, [SubscriptionStatus::Active, SubscriptionStatus::Expired]);
    round_trips(SubscriptionStatus::ALL, SubscriptionStatus::parse, SubscriptionStatus::as_str);
}

#[test]
fn every_member_removal_state_round_trips_and_unknown_text_is_rejected() {
    let texts: Vec<&str> = RemovalState::ALL.iter().map(|s| s.as_str()).collect();
    assert_eq!(texts, ["pending", "banning", "banned", "unbanning", "removed", "cancelled", "readmitted"]);
    round_trips(RemovalState::ALL, RemovalState::parse, RemovalState::as_str);
    let finals: Vec<&str> = RemovalState::ALL.iter().filter(|s| s.is_final()).map(|s| s.as_str()).collect();
    assert_eq!(finals, ["removed", "cancelled", "readmitted"]);
}

#[test]
fn the_unknown_value_error_names_what_was_read() {
    let error = SubscriptionStatus::parse("paused").unwrap_err();
    assert_eq!(error.to_string(), "unknown subscription status: \"paused\"");
}

#[test]
fn every_provider_status_maps_to_the_invoice_status_of_the_same_text() {
    use crate::payment_gateway::PaymentStatus as P;
    for status in [
        P::Waiting,
        P::Confirming,
        P::Confirmed,
        P::Sending,
        P::PartiallyPaid,
        P::Finished,
        P::Failed,
        P::Refunded,
        P::Expired,
    ] {
        assert_eq!(InvoiceStatus::from(status).as_str(), status.as_str());
        assert_eq!(InvoiceStatus::from(status).is_final(), status.is_final());
    }
}

#[test]
fn paygate_decisions_are_final_and_open_statuses_are_not() {
    let finals: Vec<&str> = InvoiceStatus::ALL.iter().filter(|s| s.is_final()).map(|s| s.as_str()).collect();
    assert_eq!(finals, ["finished", "underpaid", "on_hold", "failed", "refunded", "expired"]);
}
