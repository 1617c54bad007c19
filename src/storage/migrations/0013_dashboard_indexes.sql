-- The console's dashboard reads its figures from indexes alone (no table row is visited):
-- open invoices by due date with their amounts (ix_invoices_overdue, 0012), invoices by date
-- with their totals, payments by date with their amounts, and the status changes of
-- subscriptions by time. The payments index starts with the columns of the one it replaces,
-- which is dropped.
CREATE INDEX ix_invoices_date_amounts ON invoices (invoice_date, status, total_minor);
CREATE INDEX ix_payments_date_amounts ON payments (payment_date, status, amount_minor);
@mysql DROP INDEX ix_payments_date ON payments;
@sqlite DROP INDEX ix_payments_date;
@postgres DROP INDEX ix_payments_date;
CREATE INDEX ix_subscription_events_kind_at ON subscription_events (kind, created_at, from_status, to_status);
