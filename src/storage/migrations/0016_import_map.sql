-- Moving in: which row of ours each imported source row became. A source row is named by its
-- source (`original`, `phpnuxbill`, `router`), the kind of row of ours (`client`, `plan`, …)
-- and its key in the source (the original's id, a phpNuxBill id, a router's id and secret
-- name). An import reads this first: a row already here is not imported twice, a rerun after
-- a failure continues where the last committed batch ended, and where an original id could
-- not be kept (ours was taken) scripts can look up the new one.
CREATE TABLE import_map (
    source VARCHAR(16) NOT NULL,
    entity VARCHAR(16) NOT NULL,
    source_key VARCHAR(191) NOT NULL,
    our_id BIGINT NOT NULL,
    imported_at {timestamp} NOT NULL,
    PRIMARY KEY (source, entity, source_key)
){table_options};
