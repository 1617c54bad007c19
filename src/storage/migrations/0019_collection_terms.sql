-- How overdue invoices are collected, per plan and per client. `grace_days` overrides the
-- global setting (the client's over the plan's; NULL: the next one decides); `overdue_action`
-- is what a cut-off does: `cut_off` (the router's suspend mode) or `throttle` (the plan's
-- `throttle_profile`, a low-rate profile, with the secret left enabled). A client may be
-- exempt from automatic cut-off, and may hold a promise to pay that keeps the cut-off off
-- until `promised_until` (inclusive); who granted either and why is in client_events.
ALTER TABLE plans ADD COLUMN grace_days INTEGER NULL;
ALTER TABLE plans ADD COLUMN overdue_action VARCHAR(16) NULL;
ALTER TABLE plans ADD COLUMN throttle_profile VARCHAR(64) NULL;
ALTER TABLE clients ADD COLUMN grace_days INTEGER NULL;
ALTER TABLE clients ADD COLUMN overdue_action VARCHAR(16) NULL;
ALTER TABLE clients ADD COLUMN cutoff_exempt {bool} NOT NULL DEFAULT FALSE;
ALTER TABLE clients ADD COLUMN promised_until DATE NULL
