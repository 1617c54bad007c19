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


## Routers, users and settings (routers.rs, users.rs, settings.rs)

