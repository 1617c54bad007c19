//! A realistic Indonesian invoice and receipt, shared by the tests and the `sample` example.
//! The figures add up: PPN 12% on a base (DPP) of 11/12 of the price.

use documents::{
    InvoiceDoc, Labels, Line, LineTax, PaidInvoice, Party, Provider, ReceiptDoc, Remaining,
    TaxSummary,
};

pub const LOGO_PNG: &[u8] = include_bytes!("../fixtures/logo.png");
pub const LOGO_JPEG: &[u8] = include_bytes!("../fixtures/logo.jpg");

pub fn provider() -> Provider {
    Provider {
        name: "PT Jaringan Nusantara Sejahtera".into(),
        address: "Jl. Merdeka No. 17, RT 03/RW 05\nKel. Sukamaju, Kec. Cibeunying, Bandung 40123"
            .into(),
        contact: "0812-3456-7890 · billing@jns.net.id".into(),
        tax_number: Some("01.234.567.8-901.000".into()),
        logo: Some(LOGO_PNG.to_vec()),
    }
}

pub fn client() -> Party {
    Party {
        name: "Siti Nur'aini".into(),
        address: "Perum Griya Asri Blok C-12\nCimahi 40521".into(),
        login: Some("siti.nuraini@jns".into()),
    }
}

fn line(
    description: &str,
    period: &str,
    qty: &str,
    unit: &str,
    amount: &str,
    tax: [&str; 3],
) -> Line {
    Line {
        description: description.into(),
        period: Some(period.into()),
        quantity: qty.into(),
        unit_price: unit.into(),
        amount: amount.into(),
        tax: Some(LineTax {
            base: tax[0].into(),
            tax: tax[1].into(),
            total: tax[2].into(),
        }),
    }
}

pub fn invoice() -> InvoiceDoc {
    let period = "1–31 Des 2026";
    InvoiceDoc {
        labels: Labels::indonesian(),
        provider: provider(),
        client: client(),
        number: "INV-2026-12-0042".into(),
        invoice_date: "1 Des 2026".into(),
        due_date: "10 Des 2026".into(),
        period: Some(period.into()),
        status: None,
        lines: vec![
            line(
                "Paket Internet Rumahan 20 Mbps",
                period,
                "1",
                "Rp 150.000",
                "Rp 150.000",
                ["Rp 137.500", "Rp 16.500", "Rp 166.500"],
            ),
            line(
                "Sewa router ONT Huawei HG8245H5",
                period,
                "1",
                "Rp 25.000",
                "Rp 25.000",
                ["Rp 22.917", "Rp 2.750", "Rp 27.750"],
            ),
            line(
                "Biaya pemasangan tambahan: penarikan kabel fiber optik 50 meter ke lantai 2 \
                 (termasuk klem dan konektor)",
                "5 Des 2026",
                "50",
                "Rp 2.500",
                "Rp 125.000",
                ["Rp 114.583", "Rp 13.750", "Rp 138.750"],
            ),
            line(
                "Diskon pelanggan setia 10% × 6 bulan",
                period,
                "1",
                "-Rp 15.000",
                "-Rp 15.000",
                ["-Rp 13.750", "-Rp 1.650", "-Rp 16.650"],
            ),
        ],
        subtotal: Some("Rp 285.000".into()),
        taxes: vec![TaxSummary {
            label: "PPN 12% × DPP 11/12".into(),
            base: "Rp 261.250".into(),
            amount: "Rp 31.350".into(),
        }],
        total: "Rp 316.350".into(),
        amount_paid: "Rp 100.000".into(),
        balance_due: "Rp 216.350".into(),
        how_to_pay: "Transfer ke BCA 123-456-7890 atau Mandiri 130-00-1234567-8 \
                     a.n. PT Jaringan Nusantara Sejahtera.\n\
                     Cantumkan nomor tagihan pada berita transfer; pembayaran tunai di kantor \
                     kami setiap Senin–Sabtu."
            .into(),
        payment_link: Some("https://bayar.jns.net.id/i/INV-2026-12-0042".into()),
        footer: "Terima kasih telah berlangganan. Layanan pelanggan: 0812-3456-7890 (WhatsApp), \
                 Senin–Sabtu 08.00–20.00 WIB."
            .into(),
    }
}

pub fn receipt() -> ReceiptDoc {
    ReceiptDoc {
        labels: Labels::indonesian(),
        provider: provider(),
        client: client(),
        number: "KW-2026-12-0107".into(),
        payment_date: "5 Des 2026 14.32".into(),
        method: "Transfer BCA".into(),
        reference: Some("BCA 0512 7781 2233".into()),
        amount: "Rp 100.000".into(),
        paid_invoices: vec![PaidInvoice {
            number: "INV-2026-12-0042".into(),
            amount: Some("Rp 100.000".into()),
        }],
        cashier: Some("Zoë Pratama".into()),
        remaining: Some(Remaining::Balance("Rp 216.350".into())),
        footer: "Simpan bukti ini sebagai tanda pembayaran yang sah. Terima kasih!".into(),
    }
}

/// An invoice with `n` lines, to make pages.
pub fn long_invoice(n: usize) -> InvoiceDoc {
    let mut doc = invoice();
    doc.lines = (1..=n)
        .map(|i| Line {
            description: format!(
                "Layanan tambahan nomor {i}: IP publik statis /29 untuk kantor cabang"
            ),
            period: Some("1–31 Des 2026".into()),
            quantity: "1".into(),
            unit_price: format!("Rp {i}.000"),
            amount: format!("Rp {i}.000"),
            tax: None,
        })
        .collect();
    doc
}
