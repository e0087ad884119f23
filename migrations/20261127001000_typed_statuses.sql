-- Every status Rust code reads as an enum is CHECKed to the values the enum knows (statuses,
-- verdicts, modes and kinds elsewhere already are, or are PostgreSQL enums).
ALTER TABLE invoices DROP CONSTRAINT IF EXISTS invoices_status_check;
ALTER TABLE invoices ADD CONSTRAINT invoices_status_check CHECK (status IN (
    'created', 'waiting', 'confirming', 'confirmed', 'sending', 'partially_paid',
    'finished', 'underpaid', 'on_hold', 'failed', 'refunded', 'expired'));

ALTER TABLE subscriptions DROP CONSTRAINT IF EXISTS subscriptions_tier_level_check;
ALTER TABLE subscriptions ADD CONSTRAINT subscriptions_tier_level_check CHECK (tier_level BETWEEN 0 AND 2);
