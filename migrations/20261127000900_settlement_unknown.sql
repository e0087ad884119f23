-- Issue 9: a `finished` payment without a settled amount, or settled in an asset Paygate does not
-- know, is never recorded as a zero share: its settlement columns stay NULL and it is held.
ALTER TABLE payments ALTER COLUMN outcome_amount DROP NOT NULL;
ALTER TABLE payments ALTER COLUMN outcome_currency DROP NOT NULL;
ALTER TABLE payments ALTER COLUMN platform_fee DROP NOT NULL;
ALTER TABLE payments ALTER COLUMN owner_share DROP NOT NULL;
ALTER TABLE payments ADD CONSTRAINT payments_settlement_all_or_none
    CHECK ((outcome_amount IS NULL) = (platform_fee IS NULL) AND (outcome_amount IS NULL) = (owner_share IS NULL));
ALTER TABLE payments ADD CONSTRAINT payments_unsettled_is_held
    CHECK (owner_share IS NOT NULL OR payout_status = 'on_hold');
