-- Settings staff change while the server runs, each a JSON document by name (`provider`: who
-- the provider is and how billing counts days; `logo`: the provider's logo), with who saved it.
CREATE TABLE app_settings (
    name VARCHAR(64) NOT NULL PRIMARY KEY,
    value {long_text} NOT NULL,
    updated_at {timestamp} NOT NULL,
    updated_by VARCHAR(64) NOT NULL
){table_options};
