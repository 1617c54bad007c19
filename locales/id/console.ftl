### Konsol operator: bingkai, masuk, dan kata-kata tiap halaman (satu bagian per modul
### halaman src/http/console/). Kata yang dipakai bersama portal ada di common.ftl.

## Frame and sign-in (ui.rs, login.rs)

nav-cashier = Kasir
console-menu = Menu utama
console-skip-to-content = Langsung ke isi
console-language = Bahasa
console-welcome = Selamat datang.
console-login-failed = Nama pengguna atau kata sandi salah.
console-too-many = Terlalu banyak percobaan. Coba lagi dalam { $seconds } detik.
console-form-has-errors = Perbaiki kolom yang ditandai di bawah.
console-forbidden = Peran Anda tidak boleh membuka halaman ini atau melakukan ini.
console-not-found = Halaman atau data ini tidak ada.
console-unavailable = Tidak dapat dihubungi sekarang
console-internal-error = Terjadi kesalahan di server. Tidak ada yang diubah; silakan coba lagi.
console-error-title = Tidak dapat ditampilkan
error-invalid-value = bukan nilai yang sah
error-logo-size = paling besar 256 KiB
error-logo-kind = harus gambar PNG, JPEG atau WebP
field-logo = Logo

## Dashboard (dashboard.rs)
dash-today = Hari ini:
dash-invoices = { $count } tagihan
dash-due-today = Jatuh tempo hari ini
dash-due-week = Jatuh tempo 7 hari ke depan
dash-overdue-count = Tagihan lewat jatuh tempo
dash-overdue-amount = Jumlah lewat jatuh tempo
dash-collected-today = Terkumpul hari ini
dash-collected-month = Terkumpul bulan ini
dash-suspended-clients = Pelanggan diisolir
dash-routers-up = Router terjangkau
dash-routers-down = Router tidak terjangkau
dash-routers-unknown = { $count } belum diperiksa
dash-failed-objects = Objek router gagal
dash-last-run = Proses penagihan terakhir
dash-no-run = Belum ada proses penagihan.
dash-run-generation = Pembuatan tagihan
dash-run-cut-off = Pemutusan
dash-run-summary = { $kind } untuk { $date } oleh { $actor }: { $created } tagihan dibuat, { $suspended } langganan diisolir.
dash-chart-money = Ditagih dan terkumpul, 12 bulan terakhir
dash-chart-money-desc = Batang untuk setiap bulan: jumlah yang ditagih (tanpa tagihan yang dibatalkan) dan jumlah yang terkumpul (pembayaran berhasil).
dash-invoiced = Ditagih
dash-collected = Terkumpul
dash-chart-subs = Pelanggan dari waktu ke waktu
dash-chart-subs-desc = Titik untuk akhir setiap bulan dan hari ini: langganan aktif dan diisolir.
dash-active = Aktif
dash-suspended = Diisolir
dash-month = Bulan
dash-date = Tanggal
dash-charts-age = Grafik diperbarui paling sering sekali per menit.


## Clients and chasing (clients.rs, chasing.rs)


## Cashier, invoices, subscriptions and plans (cashier.rs, invoices.rs, subscriptions.rs, plans.rs)


## Routers, users and settings (routers.rs, users.rs, settings.rs)

