-- The chasing list (clients with open invoices past their due date, the longest overdue
-- first) groups the open invoices due before a date by client: with the client and the
-- amounts in the index, that range is read from the index alone, however many invoices the
-- table holds.
CREATE INDEX ix_invoices_overdue ON invoices (status, due_date, client_id, total_minor, paid_minor);
