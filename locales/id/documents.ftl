### Kata-kata tetap pada tagihan dan kuitansi (PDF dan halaman cetak di portal).
### "Tagihan", bukan "Faktur": Faktur Pajak adalah dokumen pajak tersendiri.

doc-invoice = Tagihan
doc-receipt = Kuitansi
doc-invoice-number = Nomor tagihan
doc-invoice-date = Tanggal tagihan
doc-due-date = Jatuh tempo
doc-period = Periode
doc-description = Keterangan
doc-quantity = Kuantitas
doc-unit-price = Harga satuan
doc-amount = Jumlah
doc-subtotal = Subtotal
doc-discount = Diskon
doc-tax-base = Dasar Pengenaan Pajak (DPP)
# DPP 11/12 dari harga untuk PPN 12% sejak 2025 (PMK 131/2024).
doc-tax-base-other-value = DPP Nilai Lain
doc-vat = PPN
# $rate: tarif PPN dalam persen, misalnya 12.
doc-vat-rate = PPN { $rate }%
doc-total = Total
doc-amount-paid = Jumlah dibayar
doc-balance-due = Sisa tagihan
doc-credit = Kredit
doc-how-to-pay = Cara pembayaran
doc-bill-to = Ditagihkan kepada
doc-pay-by = Mohon lakukan pembayaran paling lambat { $due_date }.
doc-thank-you-payment = Terima kasih atas pembayaran Anda.
doc-thank-you-business = Terima kasih telah menggunakan layanan { $provider_name }.
doc-cashier = Kasir
doc-payment-method = Metode pembayaran
doc-reference = Referensi
doc-receipt-number = Nomor kuitansi
doc-payment-date = Tanggal pembayaran
doc-received-from = Telah diterima dari
doc-for-payment-of = Untuk pembayaran
doc-amount-in-words = Terbilang
doc-customer-id = ID pelanggan
doc-tax-id = NPWP
doc-subscription-line = Layanan internet: { $plan_name }
doc-stamp-paid = LUNAS
doc-stamp-void = BATAL
doc-page = Halaman { $page } dari { $pages }
doc-electronic = Dokumen ini diterbitkan secara elektronik dan sah tanpa tanda tangan.
doc-number = No.
doc-login = Login PPP
doc-payment-link = Bayar online
doc-amount-received = Jumlah diterima
doc-paid-invoices = Tagihan yang dibayar
doc-remaining-balance = Sisa tagihan
doc-receipt-prefix = KWT
