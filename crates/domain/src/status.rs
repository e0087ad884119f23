//! Typed statuses, kinds and modes of stored rows, each with its exact database text.

use std::fmt;

use crate::payment_gateway::PaymentStatus;

/// A stored text that names no variant of the enum it is read as (a corrupt or unknown row).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown {what}: {value:?}")]
pub struct UnknownValue {
    pub what: &'static str,
    pub value: String,
}

/// Defines a status enum, its database text (`as_str`, exhaustive) and the strict `parse` back; with
/// the `openapi` feature also its OpenAPI schema (a string with exactly these values).
macro_rules! text_enum {
    ($(#[$meta:meta])* $name:ident, $what:literal { $($(#[$vmeta:meta])* $variant:ident => $text:literal,)+ }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
        #[serde(rename_all = "snake_case")]
        #[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
        pub enum $name {
            $($(#[$vmeta])* $variant,)+
        }

        impl $name {
            /// Every variant, in declaration order.
            pub const ALL: &'static [$name] = &[$($name::$variant,)+];

            /// The text stored in the database and shown in the JSON API.
            pub fn as_str(self) -> &'static str {
                match self {
                    $($name::$variant => $text,)+
                }
            }

            /// Reads the stored text; anything else is an error, never a default.
            pub fn parse(raw: &str) -> Result<$name, UnknownValue> {
                $(if raw == $text {
                    return Ok($name::$variant);
                })+
                Err(UnknownValue { what: $what, value: raw.to_owned() })
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl std::str::FromStr for $name {
            type Err = UnknownValue;

            fn from_str(raw: &str) -> Result<$name, UnknownValue> {
                $name::parse(raw)
            }
        }
    };
}

text_enum! {
    /// Where an invoice stands (`invoices.status`): the provider's last status, or Paygate's decision.
    InvoiceStatus, "invoice status" {
        /// Stored, not yet created at the provider.
        Created => "created",
        Waiting => "waiting",
        Confirming => "confirming",
        Confirmed => "confirmed",
        Sending => "sending",
        PartiallyPaid => "partially_paid",
        /// Paid in full and accepted.
        Finished => "finished",
        /// Paid short of the tolerance: no access.
        Underpaid => "underpaid",
        /// Paid, held for the operator.
        OnHold => "on_hold",
        Failed => "failed",
        Refunded => "refunded",
        Expired => "expired",
    }
}

impl InvoiceStatus {
    /// A final outcome: no later report changes it and it is not reconciled any more.
    pub fn is_final(self) -> bool {
        match self {
            Self::Finished
            | Self::Underpaid
            | Self::OnHold
            | Self::Failed
            | Self::Refunded
            | Self::Expired => true,
            Self::Created
            | Self::Waiting
            | Self::Confirming
            | Self::Confirmed
            | Self::Sending
            | Self::PartiallyPaid => false,
        }
    }
}

impl From<PaymentStatus> for InvoiceStatus {
    fn from(status: PaymentStatus) -> InvoiceStatus {
        match status {
            PaymentStatus::Waiting => Self::Waiting,
            PaymentStatus::Confirming => Self::Confirming,
            PaymentStatus::Confirmed => Self::Confirmed,
            PaymentStatus::Sending => Self::Sending,
            PaymentStatus::PartiallyPaid => Self::PartiallyPaid,
            PaymentStatus::Finished => Self::Finished,
            PaymentStatus::Failed => Self::Failed,
            PaymentStatus::Refunded => Self::Refunded,
            PaymentStatus::Expired => Self::Expired,
        }
    }
}

text_enum! {
    /// What an invoice sells (`offer_kind`): a tier's subscription or a donation.
    OfferKind, "offer kind" {
        Subscription => "subscription",
        Donation => "donation",
    }
}

text_enum! {
    /// How a payment was judged (`payments.verdict`).
    PaymentVerdict, "payment verdict" {
        Accepted => "accepted",
        Underpaid => "underpaid",
        /// The provider reported nothing usable to judge the amount.
        AmountUnknown => "amount_unknown",
        /// The notification does not match the invoice it names.
        Mismatch => "mismatch",
        /// A further payment of an invoice that was already paid.
        ExtraDeposit => "extra_deposit",
    }
}

text_enum! {
    /// What happens to a payment's owner share (`payments.payout_status`).
    PayoutStatus, "payout status" {
        /// Not yet routed (the payout engine picks it up).
        AwaitingPayout => "awaiting_payout",
        /// Held for the operator (with a reason).
        OnHold => "on_hold",
        /// A payout for it is under way (or needs attention).
        InPayout => "in_payout",
        /// Its payout completed.
        PaidOut => "paid_out",
        /// Held in the owner's accumulation for a later batch.
        Accumulated => "accumulated",
    }
}

text_enum! {
    /// How a payout reaches the owner (`payouts.kind`).
    PayoutKind, "payout kind" {
        /// The owner takes the settlement asset: one host wallet transfer to the owner's wallet.
        Direct => "direct",
        /// Swapped through the swap provider: one deposit to the exchange's pay-in address.
        Swap => "swap",
    }
}

text_enum! {
    /// Where a payout stands (`payouts.status`); see docs/payouts.md for the diagram.
    PayoutState, "payout state" {
        /// Asking the swap provider for the pair minimum and a quote.
        Quoting => "quoting",
        /// The create intent is recorded; creating (or finding) the exchange.
        CreatingExchange => "creating_exchange",
        /// The host wallet transfer is recorded; signing and broadcasting it.
        Sending => "sending",
        /// The host wallet is short; resumes by itself once topped up.
        NeedsFunds => "needs_funds",
        /// Broadcast; waiting for confirmations.
        Confirming => "confirming",
        /// Deposit confirmed; following the exchange until it is final.
        Exchanging => "exchanging",
        /// The owner was paid.
        Completed => "completed",
        /// Below the pair minimum: the share went to the owner's accumulation.
        Accumulated => "accumulated",
        /// The exchange failed after the deposit: the operator decides.
        Failed => "failed",
        /// The exchange refunded the deposit to the host wallet: the operator decides.
        Refunded => "refunded",
        /// The exchange expired: the operator decides.
        Expired => "expired",
        /// Stopped by a fatal error or exhausted retries; resumes only when the operator retries.
        NeedsAttention => "needs_attention",
        /// Stopped by the operator.
        Cancelled => "cancelled",
    }
}

impl PayoutState {
    /// Work is still going on by itself (money is in flight).
    pub fn is_in_flight(self) -> bool {
        matches!(
            self,
            Self::Quoting
                | Self::CreatingExchange
                | Self::Sending
                | Self::NeedsFunds
                | Self::Confirming
                | Self::Exchanging
        )
    }

    /// The operator must look (retry or cancel where possible).
    pub fn needs_operator(self) -> bool {
        matches!(self, Self::NeedsAttention | Self::Failed | Self::Refunded | Self::Expired)
    }

    /// Nothing will change by itself any more.
    pub fn is_final(self) -> bool {
        !self.is_in_flight() && self != Self::NeedsAttention
    }
}

text_enum! {
    /// Where an accumulation entry stands (`accumulation_entries.status`).
    EntryStatus, "accumulation entry status" {
        /// Held in its source asset, waiting for a conversion to USDT.
        PendingConversion => "pending_conversion",
        /// Part of a conversion under way.
        Converting => "converting",
        /// Locked in USDT, counted in the balance.
        Converted => "converted",
        /// Locked into a batch being paid.
        InBatch => "in_batch",
        /// Its batch failed: no pass batches it again until the operator releases it.
        Held => "held",
        Paid => "paid",
    }
}

text_enum! {
    /// What a payout pays (`payouts.purpose`).
    PayoutPurpose, "payout purpose" {
        /// One payment's owner share (instant).
        Payment => "payment",
        /// Pending accumulation entries, swapped to USDT into the host wallet.
        Conversion => "conversion",
        /// A channel's converted balance (threshold batch).
        Batch => "batch",
    }
}

text_enum! {
    /// Why a share went to accumulation (`accumulation_entries.reason`).
    EntryReason, "accumulation reason" {
        /// An instant payout below its pair minimum.
        BelowPairMinimum => "below_pair_minimum",
        /// Every share of a threshold channel.
        Threshold => "threshold",
    }
}

text_enum! {
    /// How an invite link admits its subscriber (`invites.mode`).
    InviteMode, "invite mode" {
        /// A one-member link.
        MemberLimit => "member_limit",
        /// A join-request link approved for the subscriber only.
        JoinRequest => "join_request",
    }
}

text_enum! {
    /// Where an invite link stands (`invites.status`).
    InviteStatus, "invite status" {
        /// Recorded, link not yet created at Telegram.
        Pending => "pending",
        Issued => "issued",
        Used => "used",
        Revoked => "revoked",
    }
}

text_enum! {
    /// Whether a subscription grants access (`subscriptions.status`).
    SubscriptionStatus, "subscription status" {
        Active => "active",
        Expired => "expired",
    }
}

text_enum! {
    /// Where a member removal stands (`member_removals.state`); `banning`/`unbanning` mean Telegram
    /// was asked and the answer is unknown.
    RemovalState, "member removal state" {
        Pending => "pending",
        Banning => "banning",
        Banned => "banned",
        Unbanning => "unbanning",
        /// Banned and unbanned: the person is out of the chat and may rejoin with a new link.
        Removed => "removed",
        /// Not needed any more before anything was done (renewed, or became a paying member).
        Cancelled => "cancelled",
        /// Renewed while the removal was under way: unbanned and sent a fresh invite.
        Readmitted => "readmitted",
    }
}

impl RemovalState {
    /// Whether nothing is left to do.
    pub fn is_final(self) -> bool {
        match self {
            Self::Removed | Self::Cancelled | Self::Readmitted => true,
            Self::Pending | Self::Banning | Self::Banned | Self::Unbanning => false,
        }
    }
}

#[cfg(test)]
#[path = "status_tests.rs"]
mod tests;
