### Pesan untuk pelanggan lewat WhatsApp (isi pesan) atau email (baris -subject dan isi pesan).
### Teks biasa dengan baris baru: tanpa *tebal* WhatsApp, agar teks yang sama juga rapi di email.
### Placeholder, semuanya teks jadi kecuali $days (angka):
###   $client_name, $provider_name, $invoice_number, $amount (nominal berformat),
###   $due_date (tanggal berformat), $days, $payment_link, $portal_link, $receipt_link.

notify-invoice-issued-subject = Tagihan { $invoice_number } dari { $provider_name }
notify-invoice-issued =
    Yth. { $client_name },

    Tagihan internet Anda { $invoice_number } sebesar { $amount } sudah terbit. Mohon lakukan pembayaran paling lambat { $due_date }.

    Bayar online: { $payment_link }

    Terima kasih,
    { $provider_name }

# $days: sisa hari sampai jatuh tempo (1 atau lebih).
notify-reminder-before-due-subject = Pengingat: tagihan { $invoice_number } jatuh tempo { $due_date }
notify-reminder-before-due =
    Yth. { $client_name },

    Kami mengingatkan, tagihan internet Anda { $invoice_number } sebesar { $amount } akan jatuh tempo { $days ->
        [1] besok
       *[other] dalam { $days } hari
    }, pada { $due_date }.

    Bayar online: { $payment_link }

    Abaikan pesan ini jika Anda sudah membayar.

    Terima kasih,
    { $provider_name }

notify-due-today-subject = Tagihan { $invoice_number } jatuh tempo hari ini
notify-due-today =
    Yth. { $client_name },

    Tagihan internet Anda { $invoice_number } sebesar { $amount } jatuh tempo hari ini, { $due_date }. Mohon lakukan pembayaran hari ini agar layanan internet Anda tidak terputus.

    Bayar online: { $payment_link }

    Abaikan pesan ini jika Anda sudah membayar.

    Terima kasih,
    { $provider_name }

# $days: jumlah hari sejak jatuh tempo (1 atau lebih).
notify-overdue-subject = Tagihan { $invoice_number } lewat jatuh tempo
notify-overdue =
    Yth. { $client_name },

    Tagihan internet Anda { $invoice_number } sebesar { $amount } sudah lewat jatuh tempo { $days } hari (jatuh tempo { $due_date }). Mohon segera lakukan pembayaran agar layanan internet Anda tidak diisolir.

    Bayar online: { $payment_link }

    Terima kasih,
    { $provider_name }

notify-suspended-subject = { $provider_name }: layanan internet Anda diisolir
notify-suspended =
    Yth. { $client_name },

    Mohon maaf, layanan internet Anda saat ini diisolir karena tagihan { $invoice_number } sebesar { $amount } belum dibayar.

    Untuk mengaktifkan kembali, silakan bayar di: { $payment_link }
    atau lihat tagihan Anda di portal pelanggan: { $portal_link }

    Layanan akan aktif kembali secara otomatis setelah pembayaran Anda terkonfirmasi.

    Terima kasih,
    { $provider_name }

notify-reconnected-subject = { $provider_name }: layanan internet Anda aktif kembali
notify-reconnected =
    Yth. { $client_name },

    Terima kasih atas pembayaran Anda. Layanan internet Anda sudah aktif kembali.

    Jika masih belum bisa terhubung, silakan nyalakan ulang (restart) modem atau router Anda.

    { $provider_name }

notify-payment-received-subject = Pembayaran tagihan { $invoice_number } diterima
notify-payment-received =
    Yth. { $client_name },

    Pembayaran Anda sebesar { $amount } untuk tagihan { $invoice_number } sudah kami terima. Terima kasih!

    Kuitansi pembayaran: { $receipt_link }

    { $provider_name }

notify-welcome-subject = Selamat bergabung di { $provider_name }
notify-welcome =
    Yth. { $client_name },

    Selamat bergabung di { $provider_name }! Layanan internet Anda sudah aktif.

    Cek tagihan dan bayar online di portal pelanggan: { $portal_link }

    Terima kasih telah memilih kami,
    { $provider_name }
