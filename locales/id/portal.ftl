### Portal pelanggan (src/http/portal/): yang dibaca pelanggan di ponselnya.
### Kata yang sama dengan konsol (status, nama kolom, tindakan) ada di common.ftl.

portal-title = Portal pelanggan
portal-sign-in-intro = Masuk dengan nama pengguna dan kata sandi koneksi internet Anda (PPPoE).
portal-field-username = Nama pengguna internet
portal-login-failed = Nama pengguna atau kata sandi salah.
portal-home = Kembali ke akun saya
portal-hello = Halo, { $name }
portal-your-service = Koneksi Anda
portal-status = Status
portal-plan = Paket
portal-until = s.d. { $date }
portal-owed = Tagihan Anda
portal-nothing-owed = Tidak ada tagihan. Terima kasih!
portal-pay = Bayar
portal-due = jatuh tempo { $date }
portal-invoices = Tagihan
portal-payments = Pembayaran
portal-no-invoices = Belum ada tagihan.
portal-no-payments = Belum ada pembayaran.
portal-invoice-number = Tagihan
portal-invoice-title = Tagihan { $number }
portal-period = Periode
portal-due-date = Jatuh tempo
portal-total = Total
portal-paid = Dibayar
portal-remaining = Sisa tagihan
portal-date = Tanggal
portal-reference = Referensi
portal-receipt = Kuitansi
portal-download-pdf = Unduh PDF
portal-pay-online = Bayar online
portal-pay-with = Bayar dengan { $gateway }
portal-payment-waiting = Halaman pembayaran untuk tagihan ini sudah dibuka. Selesaikan pembayaran di sana; halaman ini menampilkan pembayaran beberapa detik setelah selesai.
portal-continue-payment = Lanjutkan ke halaman pembayaran
portal-no-gateway = Pembayaran online belum tersedia. Silakan bayar di kantor kami atau lewat transfer bank.
portal-gateway-unavailable = Gerbang pembayaran sedang tidak dapat dihubungi. Silakan coba lagi beberapa menit lagi.
portal-bank-transfer-note = Tulis { $number } pada keterangan transfer; kasir kami mengonfirmasi pembayaran setelah dana masuk.
portal-thanks = Tagihan sudah lunas. Terima kasih!
portal-promise-title = Janji bayar
portal-promise-intro = Butuh beberapa hari lagi? Janjikan tanggal pembayaran dan koneksi Anda tetap menyala sampai hari itu. Sekali untuk setiap tagihan.
portal-promise-button = Saya janji bayar paling lambat hari ini
portal-promise-holding = Janji bayar Anda menjaga koneksi tetap menyala sampai { $date }.
portal-promise-used = Anda sudah pernah berjanji bayar untuk tagihan ini.

## The notice page a cut-off client meets instead of the site they asked for.
portal-notice-title = Layanan internet Anda dihentikan sementara
portal-notice-paused = Layanan internet Anda dihentikan sementara karena ada tagihan yang belum dibayar. Bayar sekarang dan layanan aktif kembali dalam satu menit.
portal-notice-restoring = Koneksi Anda tidak dihentikan, atau sedang dipulihkan sekarang. Jika halaman belum terbuka dalam satu menit, matikan lalu nyalakan kembali modem Anda.
portal-notice-unknown = Halaman ini untuk pelanggan yang layanannya dihentikan sementara. Koneksi Anda tidak dikenali di sini; silakan masuk untuk melihat tagihan Anda.
portal-notice-sign-in = Masuk ke akun saya
portal-notice-back = Kembali
portal-notice-payment-being-made = Halaman pembayaran Anda sedang disiapkan. Kembali dan tekan tombolnya lagi dalam beberapa detik.
