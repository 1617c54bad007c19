### Kata-kata bersama untuk konsol operator dan portal pelanggan: navigasi, tombol,
### status, nama kolom, dan pesan validasi dari domain.

app-name = MikroNet Billing

## Navigasi

nav-dashboard = Dasbor
nav-clients = Pelanggan
nav-chasing = Penagihan
nav-plans = Paket
nav-subscriptions = Langganan
nav-invoices = Tagihan
nav-payments = Pembayaran
nav-routers = Router
nav-users = Pengguna
nav-settings = Pengaturan

## Tombol dan jawaban

action-sign-in = Masuk
action-sign-out = Keluar
action-search = Cari
action-save = Simpan
action-cancel = Batal
action-delete = Hapus
action-edit = Ubah
action-back = Kembali
action-next = Berikutnya
action-previous = Sebelumnya
answer-yes = Ya
answer-no = Tidak

## Status

subscription-status-active = Aktif
subscription-status-suspended = Diisolir
subscription-status-expired = Kedaluwarsa
subscription-status-cancelled = Berhenti
invoice-status-pending = Belum dibayar
invoice-status-partially-paid = Dibayar sebagian
invoice-status-paid = Lunas
invoice-status-void = Dibatalkan
invoice-overdue = Lewat jatuh tempo
payment-status-success = Berhasil
payment-status-pending = Menunggu
payment-status-failed = Gagal

## Metode pembayaran

payment-method-cash = Tunai
payment-method-bank-transfer = Transfer bank
payment-method-credit-card = Kartu kredit
payment-method-e-wallet = Dompet digital
payment-method-qris = QRIS
payment-method-virtual-account = Virtual account

## Peran

role-admin = Administrator
role-operator = Operator
role-cashier = Kasir

## Nama kolom

field-name = Nama
field-phone-number = Nomor telepon
field-address = Alamat
field-ppp-secret-name = Nama PPP secret
field-password = Kata sandi
field-router-id = Router
field-username = Nama pengguna
field-role = Peran
field-plan-name = Nama paket
field-price = Harga
field-period-unit = Satuan periode
field-period-count = Jumlah periode
field-ppp-profile-name = Profil PPP
field-rate-limit = Batas kecepatan
field-overdue-action = Setelah masa tenggang
field-throttle-profile = Profil perlambatan
field-reminder-offsets = Hari pengingat
field-until = Sampai
field-reason = Alasan
field-start-date = Tanggal mulai
field-end-date = Tanggal berakhir
field-host = Host
field-port = Port
field-transport = Koneksi
field-tls-fingerprint = Sidik jari TLS
field-suspend-mode = Cara isolir
field-isolation-profile = Profil isolir
field-amount = Jumlah
field-payment-method = Metode pembayaran
field-body = Permintaan

## Pesan validasi: masing-masing menyambung nama kolom ("Nomor telepon wajib diisi").

error-required = wajib diisi
error-empty = tidak boleh kosong
error-control-chars = tidak boleh berisi karakter kontrol
error-min-chars = minimal { $min } karakter
error-max-chars = maksimal { $max } karakter
error-length-range = harus { $min } sampai { $max } karakter
error-length-range-no-control = harus { $min } sampai { $max } karakter, tanpa karakter kontrol
error-max-bytes = maksimal { $max } byte
error-number-range = harus dari { $min } sampai { $max }
error-whole-number-range = harus bilangan bulat dari { $min } sampai { $max }
error-one-of = harus salah satu dari { $options }
error-either = harus { $first } atau { $second }
error-phone-digits = harus 6 sampai 20 angka, boleh diawali +
error-phone-chars = hanya boleh berisi angka, spasi, tanda hubung, titik, tanda kurung, dan + di depan
error-phone-no-digits = tidak berisi angka
error-phone-too-few-digits = terlalu pendek
error-phone-too-many-digits = terlalu panjang
error-phone-leading-zeros = memiliki terlalu banyak angka nol di depan
error-phone-country-code = harus memakai kode negara setelah + atau 00
error-phone-country-setting = belum memiliki kode negara yang valid di pengaturan (1 sampai 3 angka, tidak diawali 0)
error-ppp-name-chars = hanya boleh berisi huruf, angka, dan tanda baca ASCII selain " ' \ ` $ ; = ? #, tanpa spasi
error-ascii-no-spaces = hanya boleh berisi huruf, angka, dan tanda baca ASCII, tanpa spasi
error-ascii-printable = hanya boleh berisi huruf, angka, dan tanda baca ASCII
error-username-chars = hanya boleh berisi huruf, angka, dan . _ - @
error-no-changes = sebutkan minimal satu kolom yang diubah
error-not-positive = harus lebih dari nol
error-negative = tidak boleh negatif
error-invoice-void = tagihan ini sudah dibatalkan
error-invoice-paid = tagihan ini sudah lunas
error-overpayment = melebihi sisa tagihan ({ $outstanding })
error-out-of-range = di luar rentang yang diizinkan
error-end-before-start = tidak boleh sebelum tanggal mulai
error-rate-limit = harus berupa batas kecepatan RouterOS, misalnya 10M/10M
error-time-zone = harus berupa nama zona waktu seperti Asia/Jakarta
error-email = harus berupa alamat email
error-days = harus antara 0 dan 366 hari
error-methods-count = harus berisi { $min } sampai { $max } metode pembayaran
error-method-word = '{ $name }' bukan satu kata huruf kecil dari huruf, angka dan _ (paling banyak 32 karakter)
error-method-twice = menyebut '{ $name }' dua kali
error-host = harus berupa nama host atau alamat IP
error-fingerprint = harus berupa sidik jari SHA-256: 64 digit heksadesimal
error-password-required-on-move = wajib diisi lagi jika host, port atau transport diubah
error-isolation-profile-required = wajib diisi jika pelanggan yang menunggak diisolir
error-reminder-schedule = harus berisi paling banyak 10 bilangan bulat berbeda (hari dari jatuh tempo), dari -30 sampai 60, dipisahkan koma
error-quiet-hours = harus berbentuk JJ:MM-JJ:MM, misalnya 21:00-07:00
error-promise-range = harus antara hari ini dan 60 hari ke depan
error-promise-offered = harus salah satu hari yang ditawarkan
error-promise-off = tidak disediakan oleh penyedia
error-promise-not-needed = tidak diperlukan: tidak ada tagihan
error-promise-holding = sudah dijanjikan
error-promise-used = hanya dapat dijanjikan sekali untuk setiap tagihan
error-throttle-profile-required = wajib diisi jika pelanggan yang menunggak diperlambat
error-amount = harus berupa nominal dengan paling banyak dua desimal
error-amount-decimals = paling banyak dua angka desimal
error-amount-too-large = terlalu besar
error-report-groups = harus berupa daftar yang dipisahkan koma dari day, month, method, cashier, router
error-report-group-twice = setiap kelompok hanya boleh disebut sekali
error-report-day-or-month = boleh dikelompokkan per hari atau per bulan, tidak keduanya
error-amount-format = harus berupa nominal, misalnya 150000, 150.000, atau 150.000,50
error-amount-ambiguous = tidak jelas: kelompokkan ribuan per tiga angka (1.500.000) dan tulis paling banyak dua desimal (1.500.000,50)
error-amount-currency = memakai mata uang lain

# Pesan kepada pelanggan, sebagaimana konsol menamainya.
message-event-invoice-issued = Tagihan terbit
message-event-reminder-before-due = Pengingat sebelum jatuh tempo
message-event-due-today = Jatuh tempo hari ini
message-event-overdue = Lewat jatuh tempo
message-event-suspended = Layanan diputus
message-event-reconnected = Layanan aktif kembali
message-event-payment-received = Pembayaran diterima
message-event-welcome = Selamat datang
message-channel-whatsapp = WhatsApp
message-channel-email = Email
message-status-pending = Menunggu
message-status-sent = Terkirim
message-status-failed = Gagal
message-status-skipped = Tidak dikirim
field-email = Email
field-language = Bahasa pesan
field-whatsapp-opt-out = Tanpa pesan WhatsApp
field-email-opt-out = Tanpa pesan email

online-gateway-midtrans = Midtrans
online-gateway-xendit = Xendit
online-status-pending = Menunggu pembayaran
online-status-paid = Lunas
online-status-failed = Gagal
