-- Copies of the tables a payment intake writes (columns, checks, indexes; no foreign keys), for the
-- custom pgbench script; `ys_invoices` holds :invoices open invoices with ids md5(n)::uuid.
DROP TABLE IF EXISTS ys_invoices, ys_payment_events, ys_payments, ys_payouts, ys_payout_steps, ys_jobs,
    ys_subscriptions, ys_invites;
CREATE TABLE ys_invoices (LIKE invoices INCLUDING ALL);
CREATE TABLE ys_payment_events (LIKE payment_events INCLUDING ALL);
CREATE TABLE ys_payments (LIKE payments INCLUDING ALL);
CREATE TABLE ys_payouts (LIKE payouts INCLUDING ALL);
CREATE TABLE ys_payout_steps (LIKE payout_steps INCLUDING ALL);
CREATE TABLE ys_jobs (LIKE jobs INCLUDING ALL);
CREATE TABLE ys_subscriptions (LIKE subscriptions INCLUDING ALL);
CREATE TABLE ys_invites (LIKE invites INCLUDING ALL);
INSERT INTO ys_invoices (id, channel_id, telegram_user_id, kind, tier_level, duration_days, price_usd, provider,
                         provider_invoice_id, status, next_check_at, expires_at)
SELECT md5(n::text)::uuid, md5('channel')::uuid, n, 'subscription', 0, 30, 5.00, 'nowpayments', n::text, 'waiting',
       now() + interval '1 day', now() + interval '1 day'
FROM generate_series(1, :invoices) AS n;
VACUUM ANALYZE ys_invoices;
