-- Open invoices of one subscriber are looked up on every "Pay" (reuse one, cap how many are open).
CREATE INDEX IF NOT EXISTS invoices_subscriber_open ON invoices (telegram_user_id, expires_at)
    WHERE status IN ('created', 'waiting', 'confirming', 'confirmed', 'sending', 'partially_paid');
