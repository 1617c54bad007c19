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


## Clients and chasing (clients.rs, chasing.rs)


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

