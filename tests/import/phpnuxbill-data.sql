-- Awkward phpNuxBill data for tests/import_phpnuxbill.rs (loaded after phpnuxbill.sql).
-- Lax mode, as old installations ran: an impossible date can be stored.
SET SESSION sql_mode = '';

INSERT INTO tbl_appconfig (setting, value) VALUES
  ('CompanyName', 'Net Desa'), ('currency_code', 'Rp.'), ('timezone', 'Asia/Jakarta');

INSERT INTO tbl_routers (id, name, ip_address, username, password, description, enabled) VALUES
  (1, 'Main', '10.0.0.1:8729', 'api', 'r0uter''s pass', 'core', 1),
  (2, 'Tower', '192.168.88.1', 'admin', 'tower-pass', NULL, 0),
  (3, 'Broken', 'host:notaport', 'admin', 'x', NULL, 1);

INSERT INTO tbl_bandwidth (id, name_bw, rate_down, rate_down_unit, rate_up, rate_up_unit, burst) VALUES
  (1, '10M', 10, 'Mbps', 2, 'Mbps', ''),
  (2, '2M', 2, 'Mbps', 512, 'Kbps', '1M/4M 512k/2M 8/8');

INSERT INTO tbl_plans (id, name_plan, id_bw, price, type, validity, validity_unit, routers, enabled, prepaid) VALUES
  (1, 'Home 10M', 1, '150000', 'PPPOE', 1, 'Months', 'Main', 1, 'yes'),
  (2, 'Monthly 20th', 2, ' 99000.50 ', 'PPPOE', 1, 'Period', 'Main', 1, 'no'),
  (3, 'Broken Price', 1, 'Rp 75.000', 'PPPOE', 1, 'Months', 'Main', 1, 'yes'),
  (4, 'Hotspot 1h', 1, '5000', 'Hotspot', 1, 'Hrs', 'Main', 1, 'yes'),
  (5, 'Top-up', 1, '50000', 'Balance', 1, 'Months', '', 1, 'yes'),
  (6, 'Weekly', 2, '40000', 'PPPOE', 7, 'Days', 'Tower', 0, 'yes');

INSERT INTO tbl_customers (id, username, password, pppoe_password, fullname, address, phonenumber, email, balance, service_type, status, created_at) VALUES
  (1, 'alice', 'portal-alice', '', 'Alice O''Brien', 'Jl. Merdeka 1', '08123456789', 'a@example.com', 0.00, 'PPPoE', 'Active', '2024-01-05 10:00:00'),
  (2, 'budi', 'portal-budi', 'ppp-budi', 'Budi Śantoso', 'Gang Ñandu 2', '08129999', '', 25000.50, 'PPPoE', 'Active', '2024-02-01 09:00:00'),
  (3, 'hot1', 'h', '', 'Hotspot Guest', '', '0', '', 0.00, 'Hotspot', 'Active', '2024-03-01 09:00:00'),
  (4, 'citra', 'portal-citra', 'ppp-citra', 'Citra', 'Desa 3', '0812', '', 0.00, 'PPPoE', 'Banned', '2024-04-01 09:00:00'),
  (5, 'dewi', 'portal-dewi', '', 'Dewi', 'Desa 4', '0813', '', 0.00, 'PPPoE', 'Active', '2024-05-01 09:00:00'),
  (6, 'eko', 'portal-eko', '', '', NULL, NULL, '', 0.00, 'PPPoE', 'Active', '2024-06-01 09:00:00');

INSERT INTO tbl_user_recharges (id, customer_id, username, plan_id, namebp, recharged_on, recharged_time, expiration, time, status, method, routers, type) VALUES
  (1, 1, 'alice', 6, 'Weekly', '2026-10-01', '08:00:00', '2026-10-08', '08:00:00', 'off', 'Admin - admin', 'Tower', 'PPPOE'),
  (2, 1, 'alice', 1, 'Home 10M', '2026-11-01', '08:00:00', '2026-12-01', '08:00:00', 'on', 'Admin - admin', 'Main', 'PPPOE'),
  (3, 2, 'budi', 2, 'Monthly 20th', '2026-11-20', '09:00:00', '2026-12-20', '23:59:00', 'on', 'xendit', 'Main', 'PPPOE'),
  (4, 3, 'hot1', 4, 'Hotspot 1h', '2026-11-30', '10:00:00', '2026-11-30', '11:00:00', 'off', 'voucher', 'Main', 'Hotspot'),
  (5, 4, 'citra', 1, 'Home 10M', '2026-09-01', '10:00:00', '2026-10-01', '10:00:00', 'off', 'Admin - admin', 'Main', 'PPPOE'),
  (6, 5, 'dewi', 3, 'Broken Price', '2026-11-01', '10:00:00', '2026-12-01', '10:00:00', 'on', 'Admin - admin', 'Main', 'PPPOE');

INSERT INTO tbl_transactions (id, invoice, username, plan_name, price, recharged_on, recharged_time, expiration, time, method, routers, type, note) VALUES
  (1, 'INV-1001', 'alice', 'Home 10M', '150000', '2025-11-01', '08:00:00', '2025-12-01', '08:00:00', 'Admin - admin', 'Main', 'PPPOE', ''),
  (2, 'INV-1002', 'alice', 'Home 10M', '150000', '2026-11-01', '08:00:00', '2026-12-01', '08:00:00', 'xendit - QRIS', 'Main', 'PPPOE', ''),
  (3, 'INV-1003', 'budi', 'Monthly 20th', '99000.50', '2026-11-20', '09:00:00', '2026-12-20', '23:59:00', 'Admin - admin', 'Main', 'PPPOE', ''),
  (4, 'INV-1004', 'hot1', 'Hotspot 1h', '5000', '2026-11-30', '10:00:00', '2026-11-30', '11:00:00', 'voucher', 'Main', 'Hotspot', ''),
  (5, 'INV-1005', 'citra', 'Home 10M', '150000', '2026-09-01', '10:00:00', '2026-10-01', '10:00:00', 'Bank Transfer', 'Main', 'PPPOE', ''),
  (6, 'INV-1006', 'alice', 'Home 10M', 'abc', '2026-10-01', '08:00:00', '2026-11-01', '08:00:00', 'Admin - admin', 'Main', 'PPPOE', ''),
  (7, 'INV-1007', 'eko', 'Home 10M', '150000', '2026-11-01', '08:00:00', '2026-12-01', '08:00:00', 'Admin - admin', 'Main', 'PPPOE', ''),
  (8, 'INV-1008', 'budi', 'Monthly 20th', '99000.50', '0000-00-00', '09:00:00', '2026-10-20', '09:00:00', 'Admin - admin', 'Main', 'PPPOE', ''),
  (9, 'INV-1009', 'alice', 'Top-up', '50000', '2026-08-01', '08:00:00', '2026-08-01', '08:00:00', 'Customer - Balance', '', 'Balance', '');

INSERT INTO tbl_users (id, username, fullname, password, user_type, status, creationdate) VALUES
  (1, 'admin', 'Administrator', 'd033e22ae348aeb5660fc2140aec35850c4da997', 'SuperAdmin', 'Active', '2024-01-01 00:00:00'),
  (2, 'ani', 'Ani', '0b9c2625dc21ef05f6ad4ddf47c5f203837aa32c', 'Admin', 'Active', '2024-01-01 00:00:00'),
  (3, 'rudi', 'Rudi Report', '0b9c2625dc21ef05f6ad4ddf47c5f203837aa32c', 'Report', 'Active', '2024-01-01 00:00:00'),
  (4, 'agus', 'Agus Agent', '0b9c2625dc21ef05f6ad4ddf47c5f203837aa32c', 'Agent', 'Active', '2024-01-01 00:00:00'),
  (5, 'sari', 'Sari Sales', '0b9c2625dc21ef05f6ad4ddf47c5f203837aa32c', 'Sales', 'Inactive', '2024-01-01 00:00:00');

INSERT INTO tbl_voucher (id, type, routers, id_plan, code, user, status) VALUES
  (1, 'Hotspot', 'Main', 4, 'ABCD1234', '0', '0'),
  (2, 'Hotspot', 'Main', 4, 'EFGH5678', 'hot1', '1');
