-- Issue 11: threshold payouts. A payout is now one of three purposes: a payment's instant payout, a
-- grouped conversion of pending entries to USDT (into the host wallet), or a channel's batch.

ALTER TABLE payouts ALTER COLUMN payment_id DROP NOT NULL;
ALTER TABLE payouts ADD COLUMN purpose TEXT NOT NULL DEFAULT 'payment'
    CHECK (purpose IN ('payment', 'conversion', 'batch'));
ALTER TABLE payouts ADD CONSTRAINT payouts_payment_purpose CHECK ((purpose = 'payment') = (payment_id IS NOT NULL));
ALTER TABLE payouts ALTER COLUMN channel_id DROP NOT NULL;
ALTER TABLE payouts ALTER COLUMN owner_id DROP NOT NULL;
-- A conversion belongs to no channel or owner (it pools entries); payments and batches do.
ALTER TABLE payouts ADD CONSTRAINT payouts_channel_purpose
    CHECK ((purpose = 'conversion') = (channel_id IS NULL) AND (channel_id IS NULL) = (owner_id IS NULL));
CREATE INDEX payouts_purpose_open ON payouts (purpose, channel_id)
    WHERE status IN ('quoting', 'creating_exchange', 'sending', 'needs_funds', 'confirming', 'exchanging',
                     'needs_attention', 'failed', 'refunded', 'expired');

-- Entries: which conversion locked them into USDT, which batch pays them. `held`: its batch failed;
-- no pass batches it again until the operator releases it.
ALTER TABLE accumulation_entries DROP CONSTRAINT IF EXISTS accumulation_entries_status_check;
ALTER TABLE accumulation_entries ADD CONSTRAINT accumulation_entries_status_check
    CHECK (status IN ('pending_conversion', 'converting', 'converted', 'in_batch', 'held', 'paid'));
ALTER TABLE accumulation_entries DROP CONSTRAINT IF EXISTS accumulation_entries_check;
ALTER TABLE accumulation_entries ADD CONSTRAINT accumulation_entries_usdt_when_converted
    CHECK ((status IN ('pending_conversion', 'converting')) = (usdt_amount IS NULL));
ALTER TABLE accumulation_entries ADD COLUMN conversion_id UUID REFERENCES payouts (id);
ALTER TABLE accumulation_entries ADD COLUMN batch_id UUID REFERENCES payouts (id);
ALTER TABLE accumulation_entries ADD CONSTRAINT accumulation_entries_batch_when_batched
    CHECK ((status IN ('in_batch', 'held', 'paid')) = (batch_id IS NOT NULL));
CREATE INDEX accumulation_entries_pending ON accumulation_entries (source_code, source_network, created_at)
    WHERE status = 'pending_conversion';
CREATE INDEX accumulation_entries_batch ON accumulation_entries (batch_id) WHERE batch_id IS NOT NULL;
CREATE INDEX accumulation_entries_conversion ON accumulation_entries (conversion_id) WHERE conversion_id IS NOT NULL;

-- Each channel's converted, unbatched USDT, kept by a trigger in the same transaction as every entry
-- change: a batch pass reads only channels that hold something, never the entries of all channels.
CREATE TABLE channel_balances (
    channel_id      UUID PRIMARY KEY REFERENCES channels (id),
    converted_usdt  NUMERIC(38, 6) NOT NULL DEFAULT 0 CHECK (converted_usdt >= 0),
    pending_entries BIGINT NOT NULL DEFAULT 0 CHECK (pending_entries >= 0),
    updated_at      TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE INDEX channel_balances_holding ON channel_balances (channel_id) WHERE converted_usdt > 0;

-- Statement-level with transition tables: one balance update per channel and statement, however
-- many entries the statement changed (a batch of 100 entries costs one update, not 100).
CREATE OR REPLACE FUNCTION accumulation_balance() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        -- New entries only add: an upsert is safe (its values are never negative).
        INSERT INTO channel_balances AS b (channel_id, converted_usdt, pending_entries)
        SELECT channel_id,
               COALESCE(sum(usdt_amount) FILTER (WHERE status = 'converted'), 0),
               count(*) FILTER (WHERE status IN ('pending_conversion', 'converting'))
        FROM new_rows GROUP BY channel_id
        ON CONFLICT (channel_id) DO UPDATE
            SET converted_usdt = b.converted_usdt + EXCLUDED.converted_usdt,
                pending_entries = b.pending_entries + EXCLUDED.pending_entries,
                updated_at = now();
    ELSIF TG_OP = 'UPDATE' THEN
        -- Changed entries were inserted before, so their channels' rows exist.
        UPDATE channel_balances b
        SET converted_usdt = b.converted_usdt + d.usdt, pending_entries = b.pending_entries + d.pending,
            updated_at = now()
        FROM (SELECT channel_id, sum(usdt) AS usdt, sum(pending) AS pending
              FROM (SELECT channel_id,
                           COALESCE(sum(usdt_amount) FILTER (WHERE status = 'converted'), 0) AS usdt,
                           count(*) FILTER (WHERE status IN ('pending_conversion', 'converting')) AS pending
                    FROM new_rows GROUP BY channel_id
                    UNION ALL
                    SELECT channel_id,
                           -COALESCE(sum(usdt_amount) FILTER (WHERE status = 'converted'), 0),
                           -count(*) FILTER (WHERE status IN ('pending_conversion', 'converting'))
                    FROM old_rows GROUP BY channel_id) deltas
              GROUP BY channel_id HAVING sum(usdt) <> 0 OR sum(pending) <> 0) d
        WHERE b.channel_id = d.channel_id;
    ELSE
        UPDATE channel_balances b
        SET converted_usdt = b.converted_usdt - d.usdt, pending_entries = b.pending_entries - d.pending,
            updated_at = now()
        FROM (SELECT channel_id,
                     COALESCE(sum(usdt_amount) FILTER (WHERE status = 'converted'), 0) AS usdt,
                     count(*) FILTER (WHERE status IN ('pending_conversion', 'converting')) AS pending
              FROM old_rows GROUP BY channel_id) d
        WHERE b.channel_id = d.channel_id;
    END IF;
    RETURN NULL;
END $$;

CREATE TRIGGER accumulation_entries_balance_insert
    AFTER INSERT ON accumulation_entries REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION accumulation_balance();
CREATE TRIGGER accumulation_entries_balance_update
    AFTER UPDATE ON accumulation_entries REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION accumulation_balance();
CREATE TRIGGER accumulation_entries_balance_delete
    AFTER DELETE ON accumulation_entries REFERENCING OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION accumulation_balance();

INSERT INTO channel_balances (channel_id, converted_usdt, pending_entries)
SELECT channel_id,
       COALESCE(sum(usdt_amount) FILTER (WHERE status = 'converted'), 0),
       count(*) FILTER (WHERE status IN ('pending_conversion', 'converting'))
FROM accumulation_entries GROUP BY channel_id
ON CONFLICT (channel_id) DO NOTHING;

-- Conservation: entries are paid out once their batch completed, in flight while converting or in a
-- batch, accumulated otherwise (held entries count as held). Payouts of conversions and batches move
-- entries' value, not payments', so only payment payouts are matched to payments.
CREATE OR REPLACE VIEW payout_conservation AS
WITH shares AS (
    SELECT c.owner_id, p.id AS payment_id, p.owner_share AS amount,
           lower(p.outcome_currency) AS currency
    FROM payments p JOIN channels c ON c.id = p.channel_id
    WHERE p.owner_share IS NOT NULL AND p.owner_share > 0
),
buckets AS (
    SELECT s.owner_id, s.currency, s.amount AS share,
        CASE
            WHEN e.id IS NOT NULL AND e.status = 'paid' THEN 'paid_out'
            WHEN e.id IS NOT NULL AND e.status IN ('converting', 'in_batch') THEN 'in_flight'
            WHEN e.id IS NOT NULL AND e.status = 'held' THEN 'held'
            WHEN e.id IS NOT NULL THEN 'accumulated'
            WHEN o.status = 'completed' THEN 'paid_out'
            WHEN o.status IN ('quoting', 'creating_exchange', 'sending', 'needs_funds', 'confirming', 'exchanging')
                THEN 'in_flight'
            WHEN o.id IS NULL AND pm.payout_status = 'awaiting_payout' THEN 'awaiting'
            ELSE 'held'
        END AS bucket,
        COALESCE(e.source_amount, o.source_amount, s.amount) AS routed
    FROM shares s
    JOIN payments pm ON pm.id = s.payment_id
    LEFT JOIN payouts o ON o.payment_id = s.payment_id
    LEFT JOIN accumulation_entries e ON e.payment_id = s.payment_id
)
SELECT owner_id, currency,
       sum(share) AS owner_shares,
       COALESCE(sum(routed) FILTER (WHERE bucket = 'paid_out'), 0) AS paid_out,
       COALESCE(sum(routed) FILTER (WHERE bucket = 'accumulated'), 0) AS accumulated,
       COALESCE(sum(routed) FILTER (WHERE bucket = 'in_flight'), 0) AS in_flight,
       COALESCE(sum(routed) FILTER (WHERE bucket IN ('held', 'awaiting')), 0) AS held,
       sum(share) - sum(routed) AS unaccounted
FROM buckets
GROUP BY owner_id, currency;
