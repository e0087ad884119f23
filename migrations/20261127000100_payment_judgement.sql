-- Issue 8: payments that are not plainly accepted are held with a reason for the operator, and
-- provider notifications are kept exactly as received (text, not re-serialised JSONB).

-- Verdicts: `amount_unknown` (the provider reported nothing usable to judge the amount),
-- `mismatch` (the notification does not match its invoice), `extra_deposit` (a further payment of an
-- invoice that was already paid). All three are held (`payout_status = 'on_hold'`) and grant nothing.
ALTER TABLE payments DROP CONSTRAINT IF EXISTS payments_verdict_check;
ALTER TABLE payments ADD CONSTRAINT payments_verdict_check
    CHECK (verdict IN ('accepted', 'underpaid', 'amount_unknown', 'mismatch', 'extra_deposit'));
-- Why the payment is on hold, in words for the operator.
ALTER TABLE payments ADD COLUMN IF NOT EXISTS hold_reason TEXT;
-- NOWPayments' `parent_payment_id` of a child payment (a repeated deposit to the same address).
ALTER TABLE payments ADD COLUMN IF NOT EXISTS parent_payment_id TEXT;
UPDATE payments SET hold_reason = 'held before reasons were recorded'
    WHERE payout_status = 'on_hold' AND hold_reason IS NULL;
ALTER TABLE payments DROP CONSTRAINT IF EXISTS payments_hold_reason_check;
ALTER TABLE payments ADD CONSTRAINT payments_hold_reason_check
    CHECK (payout_status <> 'on_hold' OR hold_reason IS NOT NULL);
CREATE INDEX IF NOT EXISTS payments_invoice ON payments (invoice_id);

-- The body as received (UTF-8 text); `parse_error` is set for a correctly signed notification
-- Paygate could not read (unknown status, missing amounts, payout notifications ...).
ALTER TABLE payment_events ALTER COLUMN raw TYPE TEXT USING raw::text;
ALTER TABLE payment_events ADD COLUMN IF NOT EXISTS parse_error TEXT;
