-- The chasing list (clients with open invoices past their due date, the longest overdue
-- first) groups the open invoices due before a date by client, and the dashboard sums what is
-- due and overdue: with the client and the amounts in the index, those ranges are read from
-- the index alone, however many invoices the table holds. It starts with the columns of the
-- index it replaces, which is dropped (one index more on invoices costs every generation run).
CREATE INDEX ix_invoices_overdue ON invoices (status, due_date, client_id, total_minor, paid_minor);
@mysql DROP INDEX ix_invoices_status_due ON invoices;
@sqlite DROP INDEX ix_invoices_status_due;
@postgres DROP INDEX ix_invoices_status_due;
