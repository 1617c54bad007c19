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
console-csrf-refused = Formulir ini sudah kedaluwarsa atau tidak berasal dari konsol ini: muat ulang halaman lalu kirim lagi.
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

clients-pages = Halaman
clients-page-of = Halaman { $page } dari { $pages } ({ $total } seluruhnya)
clients-status = Status
client-standing-active = Aktif
client-standing-suspended = Diisolir
client-standing-none = Tanpa layanan
clients-search-label = Cari berdasarkan nama, telepon atau nama PPP
clients-none-found = Tidak ada pelanggan yang cocok dengan pencarian ini.
clients-none-yet = Belum ada pelanggan.
clients-new = Pelanggan baru
clients-edit-title = Ubah { $name }
clients-router-default = Router bawaan
clients-router-unchanged = Tidak diubah
clients-password-unchanged = Biarkan kata sandi kosong untuk tetap memakai yang sekarang.
clients-contact = Data kontak
clients-no-router = Pelanggan ini tidak berada di router mana pun.
clients-delete-confirm = Hapus pelanggan { $name }? Ini tidak dapat dibatalkan.
clients-plan = Paket
clients-period = Periode
clients-no-subscriptions = Belum ada langganan.
clients-new-subscription = Langganan baru
clients-timeline = Tagihan, pembayaran dan riwayat
clients-timeline-empty = Belum ada apa-apa.
clients-timeline-invoice = Tagihan { $number } sebesar { $amount }, jatuh tempo { $due }
clients-record-payment = Catat pembayaran
clients-timeline-payment = Pembayaran { $amount } untuk { $number } ({ $method }), dicatat oleh { $by }
clients-event-disabled = Diputus oleh { $by }
clients-event-enabled = Disambungkan oleh { $by }
clients-event-exempted = Dibebaskan dari pemutusan oleh { $by }
clients-event-exemption-lifted = Pembebasan dari pemutusan diakhiri oleh { $by }
clients-event-promise = Janji bayar diberikan oleh { $by }
clients-event-promise-withdrawn = Janji bayar dicabut oleh { $by }
clients-event-terms = Ketentuan penagihan diubah oleh { $by }
clients-collection = Penagihan
clients-collection-as-plan = Mengikuti paket
clients-collection-exempt = Bebas dari pemutusan
clients-collection-promised = Janji bayar sampai { $date }: tidak diputus sampai tanggal itu
clients-collection-grace = Masa tenggang sendiri: { $days } hari setelah jatuh tempo
clients-collection-grace-plan = Masa tenggang mengikuti paket
clients-collection-grant-promise = Catat janji bayar
clients-collection-withdraw-promise = Cabut janji bayar
clients-collection-terms = Masa tenggang dan pemutusan sendiri
clients-collection-lift-exemption = Akhiri pembebasan
clients-collection-exempt-reason = Alasan dibebaskan (disimpan di riwayat)
clients-collection-exempt-action = Bebaskan dari pemutusan
clients-back-to-list = Kembali ke daftar pelanggan
clients-router-state = Koneksi di router
clients-router-loading = Menanyakan router…
clients-router-open = Tanyakan router sekarang
clients-router-refresh = Tanyakan lagi
clients-router-asked = Menurut router { $router } saat ini.
clients-router-timeout = Router { $router } tidak menjawab dalam { $seconds } detik. Coba lagi nanti.
clients-router-unreachable = Router { $router } tidak dapat dihubungi sekarang.
clients-reason = Alasan (disimpan di riwayat)
clients-disconnect = Putuskan
clients-connect = Sambungkan
clients-secret = Secret PPP
clients-secret-enabled = Aktif
clients-secret-disabled = Dinonaktifkan
clients-secret-missing = Tidak ada di router
clients-secret-unknown = Tidak diketahui
clients-session-active = Daring
clients-session-address = alamat
clients-session-uptime = selama
clients-session-none = Sedang tidak tersambung.
clients-connected = Pelanggan sudah tersambung kembali.
clients-disconnected = Pelanggan sudah diputus.
clients-connect-queued = Router belum menjawab: pelanggan akan disambungkan begitu router menjawab.
clients-disconnect-queued = Router belum menjawab: pelanggan akan diputus begitu router menjawab.
error-client-has-subscriptions = pelanggan ini masih punya langganan; batalkan langganannya alih-alih menghapus pelanggan
error-ppp-name-taken = { $name } sudah dipakai pelanggan lain
chasing-summary = { $count } pelanggan menunggak pada { $date }, yang paling lama lebih dulu.
chasing-none = Tidak ada pelanggan yang menunggak.
chasing-owed = Tunggakan
chasing-overdue = Terlambat
chasing-actions = Tindakan
chasing-invoices = { $count } tagihan
chasing-days = { $days } hari
chasing-due-since = jatuh tempo { $date }
chasing-call = Telepon
chasing-whatsapp = WhatsApp
chasing-disconnect-confirm = Putuskan { $name } sekarang?
chasing-reason = menunggak: { $number }
chasing-whatsapp-message = Yth. { $client_name }, kami dari { $provider_name }. { $count ->
        [1] Tagihan internet Anda { $invoice_number } jatuh tempo pada { $due_date } dan belum dibayar.
       *[other] Ada { $count } tagihan internet Anda yang lewat jatuh tempo, yang tertua ({ $invoice_number }) sejak { $due_date }.
    } Jumlah tunggakan { $amount }. Mohon segera dibayar agar layanan Anda tidak diisolir. Jika sudah membayar, abaikan pesan ini. Terima kasih.

## Cashier, invoices, subscriptions and plans (cashier.rs, invoices.rs, subscriptions.rs, plans.rs)

# Shared by these pages (billing_kit.rs)
billing-actions = Tindakan
billing-any = Semua
billing-choose = Pilih…
billing-client = Pelanggan
billing-client-id = ID pelanggan
billing-plan = Paket
billing-price = Harga
billing-start = Mulai
billing-end = Berakhir
billing-status = Status
billing-invoice-number = Tagihan
billing-period = Periode
billing-due-date = Jatuh tempo
billing-total = Total
billing-remaining = Sisa
billing-filter = Saring
billing-pages = Halaman
billing-rows = { $count } baris
billing-print = Cetak
billing-paper = Kertas:
billing-paper-a4 = A4
billing-paper-80 = Struk 80 mm
billing-paper-58 = Struk 58 mm
billing-phone = Telepon
billing-logo-alt = Logo { $provider_name }
billing-form-sent = Formulir ini sudah dikirim dengan isian lain, atau masih sedang dicatat. Muat ulang halaman dan periksa sebelum mengirim lagi.
error-no-such-client = tidak menunjuk pelanggan yang ada
error-no-such-plan = tidak menunjuk paket yang ada
error-plan-not-active = menunjuk paket yang sudah tidak dijual
error-new-cancelled = tidak boleh dibatalkan untuk langganan baru
error-in-future = tidak boleh di masa depan
error-reference = paling banyak 100 karakter, tanpa karakter kontrol
# Plans (plans.rs)
plans-new = Paket baru
plans-collection = Penagihan
plans-grace-hint = Hari setelah jatuh tempo sebelum diputus; kosong: pengaturan umum. Masa tenggang milik pelanggan didahulukan.
plans-reminders-hint = Hari dari jatuh tempo untuk mengingatkan pelanggan yang belum bayar, misalnya -3, 0, 1, 3; kosong: jadwal umum.
plans-throttle-hint = Profil PPP berkecepatan rendah untuk pelanggan yang diperlambat: yang ada di router, atau profil paket lain (dibuatkan otomatis).
plans-overdue-cut-off = Putus (mode isolir router)
plans-overdue-throttle = Perlambat ke profil perlambatan
plans-edit = Ubah paket
plans-none = Belum ada paket.
plans-saved = Paket sudah disimpan.
plans-period = Periode
plans-active = Dijual
plans-unit-month = Bulan
plans-unit-day = Hari
plans-period-month = { $count } bulan
plans-period-day = { $count } hari
plans-price-hint = Dalam { $currency }, seperti biasa Anda menulisnya: 150000, 150.000 atau 150.000,50.
# Subscriptions (subscriptions.rs)
subscriptions-new = Langganan baru
subscriptions-none = Tidak ada langganan yang cocok.
subscriptions-number = Nomor
subscriptions-title = Langganan #{ $number }
subscriptions-for = Untuk
subscriptions-no-plans = Tidak ada paket yang dijual: buat atau aktifkan dulu sebuah paket.
subscriptions-end-hint = Kosongkan tanggal berakhir untuk satu periode tagihan.
subscriptions-invoices = Tagihan pelanggan ini
subscriptions-change-status = Ubah status
subscriptions-reason = Alasan
subscriptions-suspend = Isolir
subscriptions-reactivate = Aktifkan kembali
subscriptions-cancel = Batalkan langganan
subscriptions-history = Riwayat
subscriptions-end-moved = Tanggal berakhir { $from } → { $to }
subscriptions-event-created = Dibuat
subscriptions-event-updated = Diubah
subscriptions-event-status-changed = Status diubah
subscriptions-event-renewed = Diperpanjang
subscriptions-event-suspended = Diisolir
subscriptions-event-reactivated = Diaktifkan kembali
# Invoices (invoices.rs)
invoices-list = Daftar tagihan
invoices-none = Tidak ada tagihan yang cocok.
invoices-from = Tanggal tagihan dari
invoices-to = Tanggal tagihan sampai
invoices-overdue-only = Hanya yang lewat jatuh tempo
invoices-billing-run = Proses tagihan
invoices-billing-run-hint = Menerbitkan tagihan yang jatuh pada tanggal ini, lalu mengisolir langganan yang belum dibayar setelah masa tenggang, seperti proses harian. Menjalankannya lagi tidak menerbitkan apa pun dua kali.
invoices-run-date = Tanggal proses
invoices-run = Jalankan proses tagihan
invoices-run-created = Tagihan dibuat
invoices-run-existing = Sudah ditagih
invoices-run-first = Nomor pertama
invoices-run-last = Nomor terakhir
invoices-run-total = Jumlah ditagih
invoices-run-cut-off = Langganan diisolir
invoices-run-reminders = Pesan diantrekan
invoices-run-expired = Langganan kedaluwarsa
invoices-run-show = Tampilkan tagihan dari proses ini
# Cashier (cashier.rs)
cashier-search-label = Nama, nomor telepon atau nama PPP pelanggan
cashier-search-hint = Ketik beberapa huruf nama, nomor telepon atau nama PPP pelanggan.
cashier-no-client = Pelanggan tidak ditemukan.
cashier-nothing-owed = Tidak ada tunggakan.
cashier-total-owed = Total tunggakan
cashier-pay = Bayar
cashier-pay-title = Bayar { $invoice_number }
cashier-reference = Referensi (boleh kosong)
cashier-record = Catat pembayaran
cashier-not-open = Tidak ada yang harus dibayar pada tagihan ini.
cashier-another = Pelanggan lain
cashier-client-page = Halaman pelanggan
cashier-day-link = Hari saya: yang saya catat
cashier-day-title = Hari saya, { $date }
cashier-day-date = Tanggal
cashier-day-none = Tidak ada yang dicatat pada hari ini.
cashier-day-time = Dicatat pada
cashier-day-client = Pelanggan
cashier-day-method = Metode
cashier-day-amount = Jumlah
cashier-day-by-method = Pembayaran berhasil per metode (untuk disetorkan)
cashier-day-total = Total diterima
cashier-back-to-client = Kembali ke pelanggan
cashier-share = Bagikan lewat WhatsApp
cashier-receipt-share =
    Kuitansi pembayaran { $receipt_number } dari { $provider_name }

    Diterima dari: { $client_name }
    Tagihan: { $invoice_number }
    Jumlah dibayar: { $amount }
    Tanggal: { $payment_date }
    Sisa: { $remaining }
    Status: { $status }

    Terima kasih.


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
field-payment-methods = Metode pembayaran yang diterima
settings-payment-methods-hint = Kata-kata dipisahkan koma, sesuai urutan di formulir pembayaran: cash, bank_transfer, qris, … (metode Anda sendiri, misalnya gopay, ditampilkan seperti yang Anda ketik).
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
routers-drift-isolation = Pengaturan isolir (mikronet router-setup mencetak skripnya)
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


clients-messages = Pesan
clients-messages-hint = WhatsApp dikirim ke nomor telepon; pengingat mengikuti jadwal paket atau jadwal umum.
clients-messages-language-default = Bahasa penyedia
clients-messages-none = Belum ada pesan.
clients-messages-at = Diantrekan
clients-messages-event = Perihal
clients-messages-channel = Saluran
clients-messages-status = Status
clients-messages-detail = Tujuan / jawaban

invoices-online = Pembayaran online
invoices-online-start = Tautan bayar lewat { $gateway }
invoices-online-hint = Membuat pembayaran di gateway untuk sisa tagihan; kirim tautannya ke pelanggan. Tagihan lunas begitu gateway mengonfirmasi.
invoices-online-link = Halaman pembayaran
