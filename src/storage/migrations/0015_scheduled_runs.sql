-- The daily jobs of `serve` (the billing run), claimed once per date across every server
-- process on the database: the first to insert the row runs it, the others skip. A claim is
-- a lease renewed while its holder works, so a process that dies mid-run does not block the
-- day: once `lease_until` has passed another process takes the row over. `done_at` is set
-- when the run finished.
CREATE TABLE scheduled_runs (
    job VARCHAR(32) NOT NULL,
    run_date DATE NOT NULL,
    holder VARCHAR(64) NOT NULL,
    claimed_at {timestamp} NOT NULL,
    lease_until {timestamp} NOT NULL,
    done_at {timestamp} NULL,
    PRIMARY KEY (job, run_date)
){table_options};
