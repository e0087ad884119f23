-- One payment-intake transaction as Paygate's `finished` path runs it (payment_intake.rs,
-- instant direct payout): 5 reads, 9 inserts, 2 updates and 3 NOTIFYs, on copies of
-- the real tables (same columns, checks and indexes, no foreign keys). Reads of `channels` and
-- `subscribers` are stood in for by primary-key reads of the invoice table.
\set n random(1, :invoices)
\set usr random(1, 1000000000)
BEGIN;
SELECT id, channel_id, telegram_user_id, kind::text, tier_level, duration_days, price_usd, provider, provider_invoice_id, invoice_url, provider_payment_id, status, check_attempts, expires_at, created_at FROM ys_invoices WHERE id = md5(:n::text)::uuid FOR UPDATE;
INSERT INTO ys_payment_events (invoice_id, provider_payment_id, status, source, raw) VALUES (md5(:n::text)::uuid, :usr::text, 'finished', 'ipn', '{"actually_paid":0.0017,"actually_paid_at_fiat":0,"fee":{"currency":"eth","depositFee":0.00002,"serviceFee":0.00007,"withdrawalFee":0},"invoice_id":4567123401,"order_description":"Alpha VIP, 30 days","order_id":"0190f0c8-5f3a-7c2e-9d41-1a2b3c4d5e6f","outcome_amount":0.00161,"outcome_currency":"eth","parent_payment_id": null,"pay_address":"0x9d6a2c1b3e4f5a6b7c8d9e0f1a2b3c4d5e6f7a8b","pay_amount":0.0017,"pay_currency":"eth","payin_extra_id": null,"payment_extra_ids": null,"payment_id":5077125051,"payment_status":"finished","price_amount":5,"price_currency":"usd","purchase_id":"5312822613"}');
SELECT provider_payment_id FROM ys_payments WHERE invoice_id = md5(:n::text)::uuid AND provider_payment_id <> :usr::text AND verdict <> 'mismatch' ORDER BY created_at LIMIT 1;
INSERT INTO ys_payments (id, invoice_id, provider_payment_id, channel_id, telegram_user_id, kind, verdict, price_usd, paid_usd, outcome_amount, outcome_currency, fee_percent, platform_fee, owner_share, payout_status) VALUES (gen_random_uuid(), md5(:n::text)::uuid, gen_random_uuid()::text, md5('channel')::uuid, :usr, 'subscription', 'accepted', 5.00, 5.00, 0.00161, 'eth', 3, 0.0000483, 0.0015617, 'awaiting_payout') ON CONFLICT (provider_payment_id) DO NOTHING RETURNING id AS payment_id \gset
SELECT id, status FROM ys_invoices WHERE id = md5(:n::text)::uuid;
INSERT INTO ys_payouts (id, payment_id, channel_id, owner_id, kind, status, source_amount, source_code, source_network, dest_address, dest_code, dest_network, purpose) VALUES (gen_random_uuid(), :payment_id::uuid, md5('channel')::uuid, md5('owner')::uuid, 'direct', 'sending', 0.0015617, 'eth', 'eth', '0x9d6a2c1b3e4f5a6b7c8d9e0f1a2b3c4d5e6f7a8b', 'eth', 'eth', 'payment') ON CONFLICT (payment_id) DO NOTHING RETURNING id AS payout_id \gset
INSERT INTO ys_payout_steps (payout_id, status, detail) VALUES (:payout_id::uuid, 'sending', 'payout created');
UPDATE ys_payments SET payout_status = 'in_payout' WHERE id = :payment_id::uuid;
INSERT INTO ys_jobs (kind, payload, run_at, max_attempts, dedupe_key) VALUES ('payout.step', jsonb_build_object('payout_id', :payout_id::text, 'seq', 0), now(), 25, 'payout:' || :payout_id::text || ':0') ON CONFLICT (dedupe_key) DO NOTHING RETURNING id;
SELECT pg_notify('ys_jobs', 'payout.step');
UPDATE ys_invoices SET status = 'finished', next_check_at = NULL, updated_at = now() WHERE id = md5(:n::text)::uuid;
SELECT id, status FROM ys_invoices WHERE id = md5(:n::text)::uuid;
INSERT INTO ys_subscriptions (id, channel_id, telegram_user_id, status, tier_level, expires_at) VALUES (gen_random_uuid(), md5('channel')::uuid, :usr, 'active', 0, now() + make_interval(days => 30)) ON CONFLICT (channel_id, telegram_user_id) DO UPDATE SET status = 'active', tier_level = EXCLUDED.tier_level, expires_at = CASE WHEN ys_subscriptions.status = 'active' THEN GREATEST(ys_subscriptions.expires_at, now()) ELSE now() END + make_interval(days => 30), removal_error = NULL, removed_at = NULL, updated_at = now() RETURNING id AS subscription_id \gset
INSERT INTO ys_invites (id, subscription_id, payment_id, chat_id, telegram_user_id, mode, status) VALUES (gen_random_uuid(), :subscription_id::uuid, :payment_id::uuid, -1009876543210, :usr, 'join_request', 'pending');
INSERT INTO ys_jobs (kind, payload, run_at, max_attempts) VALUES ('invite.issue', jsonb_build_object('invite_id', gen_random_uuid()), now(), 25) RETURNING id;
SELECT pg_notify('ys_jobs', 'invite.issue');
SELECT id, status FROM ys_invoices WHERE id = md5(:n::text)::uuid;
INSERT INTO ys_jobs (kind, payload, run_at, max_attempts) VALUES ('owner.notify', '{"channel_id":"0190f0c8-5f3a-7c2e-9d41-1a2b3c4d5e6f","event":{"event":"payment_received","offer":"🥇 30 days","amount_usd":"5.00","username":"user42"}}', now(), 12) RETURNING id;
SELECT pg_notify('ys_jobs', 'owner.notify');
END;
