-- Messages to clients (WhatsApp through an HTTP gateway, email over SMTP), as an outbox: a row
-- is written in the transaction of what causes it (a payment, a cut-off, the reminder run of a
-- date), one per event, client and channel (the unique key: a run repeated or a cause replayed
-- adds nothing; `subject_id` is what the event is about: the invoice, payment, subscription or
-- client, and `occasion` tells apart events of one subject: a reminder's offset, or the date,
-- as yyyymmdd, of a cut-off or reconnection), and sent by the notification worker, which renders the text when it sends so
-- a reminder for an invoice paid meanwhile is skipped rather than sent. `status` is `pending`
-- (to send at `next_attempt_at`), `sent`, `failed` (gave up after its attempts; `last_error`
-- holds the gateway's answer) or `skipped` (nothing to say any more, or nowhere to send it).
CREATE TABLE notifications (
    id {id},
    client_id BIGINT NOT NULL,
    channel VARCHAR(16) NOT NULL,
    event VARCHAR(32) NOT NULL,
    subject_id BIGINT NOT NULL,
    occasion INTEGER NOT NULL,
    invoice_id BIGINT NULL,
    payment_id BIGINT NULL,
    status VARCHAR(16) NOT NULL,
    attempts INTEGER NOT NULL,
    next_attempt_at {timestamp} NOT NULL,
    leased_until {timestamp} NULL,
    recipient VARCHAR(254) NULL,
    last_error VARCHAR(1000) NULL,
    created_at {timestamp} NOT NULL,
    sent_at {timestamp} NULL,
    CONSTRAINT uq_notifications_event UNIQUE (client_id, channel, event, subject_id, occasion),
    CONSTRAINT fk_notifications_client FOREIGN KEY (client_id) REFERENCES clients (id) ON DELETE CASCADE,
    CONSTRAINT ck_notifications_channel CHECK (channel IN ('whatsapp', 'email')),
    CONSTRAINT ck_notifications_status CHECK (status IN ('pending', 'sent', 'failed', 'skipped'))
){table_options};

CREATE INDEX ix_notifications_due ON notifications (status, next_attempt_at);
CREATE INDEX ix_notifications_client ON notifications (client_id, id);

-- How a client is reached: an email address (WhatsApp goes to phone_number), the language of
-- their messages (NULL: the provider's default), and a per-channel opt-out.
ALTER TABLE clients ADD COLUMN email VARCHAR(254) NULL;
ALTER TABLE clients ADD COLUMN language VARCHAR(8) NULL;
ALTER TABLE clients ADD COLUMN whatsapp_opt_out {bool} NOT NULL DEFAULT FALSE;
ALTER TABLE clients ADD COLUMN email_opt_out {bool} NOT NULL DEFAULT FALSE;

-- A plan's own reminder schedule (days from the due date, e.g. `-3,0,1,3`); NULL: the global one.
ALTER TABLE plans ADD COLUMN reminder_offsets VARCHAR(64) NULL
