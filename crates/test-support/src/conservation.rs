//! `assert_payments_conserved`: money and access invariants that must hold after any sequence of requests.

use sqlx::PgPool;

/// The invariants [`assert_payments_conserved`] checks, each as a query listing its violations.
///
/// 1. Every payment splits exactly: `platform_fee + owner_share = outcome_amount`.
/// 2. No amount is negative (`outcome_amount`, `platform_fee`, `owner_share`, `price_usd`, `paid_usd`).
/// 3. A payment belongs to its invoice: same channel, same subscriber, same kind.
/// 4. No invoice has more than one granting (`accepted`) payment: a repeat never grants twice.
/// 5. Every accepted subscription payment has exactly one invite, for the invoice's subscriber.
/// 6. Payments that grant nothing (not accepted, or donations) have no invite.
/// 7. Every owner share is in exactly one payout bucket (paid out, accumulated, in flight, held).
/// 8. At most one payout and one accumulation entry per payment, a payout's amount is its share,
///    and no payout has more than one host wallet transfer.
/// 9. Each channel's kept balance (`channel_balances`) equals what its entries hold.
const CHECKS: &[(&str, &str)] = &[
    (
        "every owner share is paid out, accumulated, in flight or held",
        "SELECT owner_id::text || ' ' || currency FROM payout_conservation WHERE unaccounted <> 0",
    ),
    (
        "a payout moves exactly its payment's owner share",
        "SELECT o.id::text FROM payouts o JOIN payments p ON p.id = o.payment_id
         WHERE p.owner_share IS DISTINCT FROM o.source_amount",
    ),
    (
        "a payment is not both in a payout and in accumulation (unless below the pair minimum)",
        "SELECT o.payment_id::text FROM payouts o JOIN accumulation_entries e ON e.payment_id = o.payment_id
         WHERE o.status <> 'accumulated'",
    ),
    (
        "each channel's kept balance equals its converted entries",
        "SELECT b.channel_id::text FROM channel_balances b
         WHERE b.converted_usdt <> (SELECT COALESCE(sum(e.usdt_amount), 0) FROM accumulation_entries e
                                    WHERE e.channel_id = b.channel_id AND e.status = 'converted')
            OR b.pending_entries <> (SELECT count(*) FROM accumulation_entries e
                                     WHERE e.channel_id = b.channel_id
                                       AND e.status IN ('pending_conversion', 'converting'))",
    ),
    (
        "at most one host wallet transfer per payout",
        "SELECT o.id::text FROM payouts o
         WHERE (SELECT count(*) FROM wallet_transfers t WHERE t.reference LIKE 'payout:' || o.id::text || ':%') > 1",
    ),
    (
        "fee and owner share add up to the outcome amount",
        "SELECT id::text FROM payments WHERE platform_fee + owner_share <> outcome_amount",
    ),
    (
        "no negative amount",
        "SELECT id::text FROM payments
         WHERE outcome_amount < 0 OR platform_fee < 0 OR owner_share < 0 OR price_usd < 0
            OR COALESCE(paid_usd, 0) < 0",
    ),
    (
        "a payment matches its invoice's channel, subscriber and kind",
        "SELECT p.id::text FROM payments p JOIN invoices i ON i.id = p.invoice_id
         WHERE p.channel_id <> i.channel_id OR p.telegram_user_id <> i.telegram_user_id OR p.kind <> i.kind",
    ),
    (
        "at most one granting payment per invoice",
        "SELECT invoice_id::text FROM payments WHERE verdict = 'accepted'
         GROUP BY invoice_id HAVING count(*) > 1",
    ),
    (
        "each accepted subscription payment has exactly one invite for its subscriber",
        "SELECT p.id::text FROM payments p
         WHERE p.verdict = 'accepted' AND p.kind = 'subscription'
           AND (SELECT count(*) FROM invites v
                WHERE v.payment_id = p.id AND v.telegram_user_id = p.telegram_user_id) <> 1",
    ),
    (
        "payments that grant nothing have no invite",
        "SELECT p.id::text FROM payments p JOIN invites v ON v.payment_id = p.id
         WHERE p.verdict <> 'accepted' OR p.kind <> 'subscription'",
    ),
];

/// Panics with every violated invariant (see [`CHECKS`] for the list) and the offending ids.
pub async fn assert_payments_conserved(pool: &PgPool) {
    let violations = payment_violations(pool).await;
    assert!(violations.is_empty(), "payments are not conserved: {violations:#?}");
}

/// Each violated invariant with the ids that break it (empty when all hold).
pub async fn payment_violations(pool: &PgPool) -> Vec<(&'static str, Vec<String>)> {
    let mut violations = Vec::new();
    for (name, query) in CHECKS {
        let ids: Vec<String> = sqlx::query_scalar(sqlx::AssertSqlSafe(*query))
            .fetch_all(pool)
            .await
            .unwrap_or_else(|error| panic!("conservation check '{name}' failed to run: {error}"));
        if !ids.is_empty() {
            violations.push((*name, ids));
        }
    }
    violations
}
