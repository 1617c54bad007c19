-- Client search without a full scan: an index of every three-character sequence of the name,
-- phone number and PPP secret name, kept in step with `clients` by the database itself
-- (triggers, or an expression index), so every write path, in the writer's own transaction,
-- keeps it current. Queries shorter than three characters fall back to the scan they always
-- were (see `storage/repo/clients.rs`).

-- SQLite: an FTS5 index with the trigram tokenizer over the rows of `clients` (external
-- content: the text itself stays in `clients`). Case is folded by the tokenizer.
@sqlite CREATE VIRTUAL TABLE client_search USING fts5(
    name, phone_number, ppp_secret_name,
    content = 'clients', content_rowid = 'id', tokenize = 'trigram'
);
@sqlite INSERT INTO client_search (client_search) VALUES ('rebuild');
@sqlite CREATE TRIGGER clients_search_insert AFTER INSERT ON clients BEGIN
    INSERT INTO client_search (rowid, name, phone_number, ppp_secret_name)
    VALUES (new.id, new.name, new.phone_number, new.ppp_secret_name);
END;
@sqlite CREATE TRIGGER clients_search_delete AFTER DELETE ON clients BEGIN
    INSERT INTO client_search (client_search, rowid, name, phone_number, ppp_secret_name)
    VALUES ('delete', old.id, old.name, old.phone_number, old.ppp_secret_name);
END;
@sqlite CREATE TRIGGER clients_search_update AFTER UPDATE OF name, phone_number, ppp_secret_name
ON clients BEGIN
    INSERT INTO client_search (client_search, rowid, name, phone_number, ppp_secret_name)
    VALUES ('delete', old.id, old.name, old.phone_number, old.ppp_secret_name);
    INSERT INTO client_search (rowid, name, phone_number, ppp_secret_name)
    VALUES (new.id, new.name, new.phone_number, new.ppp_secret_name);
END;

-- PostgreSQL: pg_trgm GIN indexes on exactly the expressions the search compares; without the
-- pending list (fastupdate), so a search never scans unmerged entries between vacuums.
@postgres CREATE EXTENSION IF NOT EXISTS pg_trgm;
@postgres CREATE INDEX ix_clients_name_trgm ON clients USING gin (LOWER(name) gin_trgm_ops)
    WITH (fastupdate = off);
@postgres CREATE INDEX ix_clients_phone_trgm ON clients
    USING gin (LOWER(phone_number) gin_trgm_ops) WITH (fastupdate = off);
@postgres CREATE INDEX ix_clients_ppp_trgm ON clients
    USING gin (LOWER(ppp_secret_name) gin_trgm_ops) WITH (fastupdate = off);

-- MariaDB/MySQL have no n-gram index of their own (MariaDB has no ngram FULLTEXT parser): a
-- table of (trigram, client) pairs, written by triggers. The trigram column compares in the
-- table's case-insensitive collation, as the search's LIKE does; the search narrows to the
-- clients holding all of the query's trigrams and then checks the LIKE itself.
@mysql CREATE TABLE search_positions (i INT NOT NULL PRIMARY KEY){table_options};
@mysql INSERT INTO search_positions (i)
SELECT t.d * 10 + u.d + 1 FROM
    (SELECT 0 AS d UNION ALL SELECT 1 UNION ALL SELECT 2 UNION ALL SELECT 3 UNION ALL SELECT 4
     UNION ALL SELECT 5 UNION ALL SELECT 6 UNION ALL SELECT 7 UNION ALL SELECT 8
     UNION ALL SELECT 9) t
CROSS JOIN
    (SELECT 0 AS d UNION ALL SELECT 1 UNION ALL SELECT 2 UNION ALL SELECT 3 UNION ALL SELECT 4
     UNION ALL SELECT 5 UNION ALL SELECT 6 UNION ALL SELECT 7 UNION ALL SELECT 8
     UNION ALL SELECT 9) u;
@mysql CREATE TABLE client_trigrams (
    trigram VARCHAR(3) NOT NULL,
    client_id BIGINT NOT NULL,
    PRIMARY KEY (trigram, client_id),
    KEY ix_client_trigrams_client (client_id)
){table_options};
@mysql INSERT IGNORE INTO client_trigrams (trigram, client_id)
SELECT LOWER(SUBSTRING(v.t, p.i, 3)), v.id FROM
    (SELECT id, name AS t FROM clients
     UNION ALL SELECT id, phone_number FROM clients
     UNION ALL SELECT id, ppp_secret_name COLLATE utf8mb4_unicode_ci FROM clients) v
JOIN search_positions p ON p.i <= CHAR_LENGTH(v.t) - 2;
@mysql CREATE TRIGGER clients_search_insert AFTER INSERT ON clients FOR EACH ROW
INSERT IGNORE INTO client_trigrams (trigram, client_id)
SELECT LOWER(SUBSTRING(v.t, p.i, 3)), NEW.id FROM
    (SELECT NEW.name AS t UNION ALL SELECT NEW.phone_number
     UNION ALL SELECT NEW.ppp_secret_name COLLATE utf8mb4_unicode_ci) v
JOIN search_positions p ON p.i <= CHAR_LENGTH(v.t) - 2;
@mysql CREATE TRIGGER clients_search_forget AFTER UPDATE ON clients FOR EACH ROW
DELETE FROM client_trigrams WHERE client_id = OLD.id
    AND (CAST(OLD.name AS BINARY) <> CAST(NEW.name AS BINARY)
        OR CAST(OLD.phone_number AS BINARY) <> CAST(NEW.phone_number AS BINARY)
        OR CAST(OLD.ppp_secret_name AS BINARY) <> CAST(NEW.ppp_secret_name AS BINARY));
@mysql CREATE TRIGGER clients_search_learn AFTER UPDATE ON clients FOR EACH ROW
FOLLOWS clients_search_forget
INSERT IGNORE INTO client_trigrams (trigram, client_id)
SELECT LOWER(SUBSTRING(v.t, p.i, 3)), NEW.id FROM
    (SELECT NEW.name AS t UNION ALL SELECT NEW.phone_number
     UNION ALL SELECT NEW.ppp_secret_name COLLATE utf8mb4_unicode_ci) v
JOIN search_positions p ON p.i <= CHAR_LENGTH(v.t) - 2
WHERE CAST(OLD.name AS BINARY) <> CAST(NEW.name AS BINARY)
    OR CAST(OLD.phone_number AS BINARY) <> CAST(NEW.phone_number AS BINARY)
    OR CAST(OLD.ppp_secret_name AS BINARY) <> CAST(NEW.ppp_secret_name AS BINARY);
@mysql CREATE TRIGGER clients_search_delete AFTER DELETE ON clients FOR EACH ROW
DELETE FROM client_trigrams WHERE client_id = OLD.id;
