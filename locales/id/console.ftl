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


## Routers, users and settings (routers.rs, users.rs, settings.rs)

