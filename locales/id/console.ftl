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
users-new = Pengguna baru
users-created = Pengguna telah dibuat.
users-saved = Tersimpan.
users-deleted = Pengguna telah dihapus.
users-revoked = Sesi pengguna telah diakhiri.
users-status = Status
users-actions = Tindakan
users-role-of = Peran { $username }
users-change-role = Ubah peran
users-active = Aktif
users-disabled = Dinonaktifkan
users-enable = Aktifkan
users-disable = Nonaktifkan
users-new-password = Kata sandi baru untuk { $username }
users-reset-password = Atur ulang kata sandi
users-revoke = Akhiri sesi
users-delete-confirm = Hapus pengguna { $username }? Ia tidak bisa masuk lagi; namanya tetap tercatat.
settings-provider = Penyedia layanan
settings-region = Mata uang, bahasa dan waktu
settings-billing = Penagihan
settings-saved = Pengaturan telah disimpan dan langsung berlaku.
settings-logo-alt = Logo saat ini
settings-logo-hint = PNG, JPEG atau WebP, paling besar 256 KiB.
settings-logo-upload = Unggah logo
settings-logo-remove = Hapus logo
settings-logo-saved = Logo telah disimpan.
settings-logo-removed = Logo telah dihapus.
field-provider-name = Nama penyedia
field-provider-address = Alamat penyedia
field-provider-phone = Telepon penyedia
field-provider-email = Email penyedia
field-tax-number = NPWP
field-currency = Mata uang
field-default-language = Bahasa bawaan
field-time-zone = Zona waktu
field-invoice-days-before = Hari sebelum tanggal berakhir untuk menagih
field-invoice-due-days = Hari sampai tagihan jatuh tempo
field-grace-days = Hari tenggang sebelum pemutusan
field-is-default = Router bawaan untuk pelanggan baru
routers-new = Router baru
routers-edit = Ubah router
routers-saved = Router telah disimpan.
routers-deleted = Router telah dihapus.
routers-none = Belum ada router.
routers-status = Status
routers-up = Terjangkau
routers-down = Tidak terjangkau
routers-unknown = Belum diperiksa
routers-queue = Antrean
routers-failed = Gagal
routers-default = bawaan
routers-retry = Coba lagi yang gagal
routers-retried = { $count } objek kembali ke antrean.
routers-reconcile = Rekonsiliasi
routers-identity = Identitas
routers-version = Versi RouterOS
routers-board = Perangkat
routers-failed-objects = Objek yang gagal
routers-show-failed = Tampilkan objek yang gagal
routers-no-failed = Tidak ada objek yang gagal.
routers-failed-count = { $count } objek gagal.
routers-object = Objek
routers-error = Galat
routers-changed = Diubah
routers-drift = Perbedaan dengan basis data
routers-no-drift = Isi router sesuai dengan basis data.
routers-drift-missing = Secret yang tidak ada di router
routers-drift-extra = Secret kita yang tidak dimiliki pelanggan mana pun
routers-drift-wrong = Secret yang berbeda
routers-drift-missing-profiles = Profil yang tidak ada di router
routers-drift-wrong-profiles = Profil yang berbeda
routers-drift-left-alone = Secret yang bukan milik kita (dibiarkan)
routers-repairs = Perbaikan
routers-outcome = Hasil
routers-outcome-repaired = Diperbaiki
routers-outcome-failing = Ditolak router
routers-outcome-pending = Belum diterapkan
routers-drift-remains = Router masih berbeda dengan basis data.
routers-drift-gone = Isi router kini sesuai dengan basis data.
routers-apply = Terapkan perbaikan
routers-suspend-disable = Nonaktifkan secret
routers-suspend-isolate = Pindahkan ke profil isolir
routers-password-unchanged = Kosongkan kata sandi untuk mempertahankannya; kata sandi wajib diisi lagi bila host, port atau koneksi berubah.
routers-delete-confirm = Hapus router { $name }?

