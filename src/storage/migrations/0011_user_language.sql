-- The console's language each user chose (`en`, `id`); NULL follows the provider's default.
ALTER TABLE users ADD COLUMN language VARCHAR(8) NULL;
