//! Renders invoices and receipts in every layout and reads them back with poppler-utils
//! (pdftotext, pdfinfo, pdftoppm): the text must be there, extractable, inside the page and
//! never drawn over other text.

mod common;

use common::sample::{self, LOGO_JPEG, LOGO_PNG};
use common::{assert_no_overlap_or_cut, page_size, page_text, pages, render_png, text};
use documents::{Error, Labels, Layout, Remaining, render_invoice, render_receipt};

const MM: f32 = 72.0 / 25.4;

#[test]
fn an_invoice_in_every_layout_carries_its_number_lines_tax_and_total() {
    let doc = sample::invoice();
    for layout in Layout::ALL {
        let pdf = render_invoice(&doc, layout).unwrap();
        assert!(pdf.starts_with(b"%PDF-"));
        let text = text(&pdf);
        let must = |s: &str| assert!(text.contains(s), "{layout:?}: {s:?} missing from:\n{text}");
        must("INV-2026-12-0042");
        for line in &doc.lines {
            must(&line.description);
            must(&line.amount);
            let tax = line.tax.as_ref().unwrap();
            must(&tax.tax);
            must(&tax.total);
        }
        must("PPN 12% × DPP 11/12");
        must("Rp 31.350"); // the tax
        must("Rp 316.350"); // the total
        must("Rp 216.350"); // balance due
        must("Siti Nur'aini");
        must("siti.nuraini@jns");
        must("01.234.567.8-901.000");
        must("Jatuh tempo");
        // A link wider than the roll breaks after a `/` or `-`: compare without the breaks.
        let unbroken = text.replace(' ', "");
        assert!(
            unbroken.contains("https://bayar.jns.net.id/i/INV-2026-12-0042"),
            "{layout:?}"
        );
        must("Senin–Sabtu");
        assert_eq!(pages(&pdf), 1, "{layout:?}");
        assert_no_overlap_or_cut(&pdf);
    }
}

#[test]
fn a_receipt_in_every_layout_carries_the_payment() {
    let doc = sample::receipt();
    for layout in Layout::ALL {
        let pdf = render_receipt(&doc, layout).unwrap();
        let text = text(&pdf);
        let must = |s: &str| assert!(text.contains(s), "{layout:?}: {s:?} missing from:\n{text}");
        must("KW-2026-12-0107");
        must("5 Des 2026 14.32");
        must("Transfer BCA");
        must("BCA 0512 7781 2233");
        must("Rp 100.000");
        must("INV-2026-12-0042");
        must("Zoë Pratama");
        must("Sisa tagihan");
        must("Rp 216.350");
        must("Simpan bukti ini");
        assert_eq!(pages(&pdf), 1, "{layout:?}");
        assert_no_overlap_or_cut(&pdf);
    }
}

#[test]
fn a_receipt_that_leaves_credit_says_so() {
    let mut doc = sample::receipt();
    doc.labels = Labels::english();
    doc.remaining = Some(Remaining::Credit("Rp 50.000".into()));
    let text = text(&render_receipt(&doc, Layout::Thermal58).unwrap());
    assert!(text.contains("Credit Rp 50.000"), "{text}");
}

#[test]
fn page_one_of_every_document_renders_to_an_image() {
    let dir = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join("documents-png");
    for layout in Layout::ALL {
        let invoice = render_invoice(&sample::invoice(), layout).unwrap();
        render_png(&invoice, &dir, &format!("invoice-{layout:?}"), 60);
        let receipt = render_receipt(&sample::receipt(), layout).unwrap();
        render_png(&receipt, &dir, &format!("receipt-{layout:?}"), 60);
    }
}

#[test]
fn screenshots_of_an_a4_invoice_and_an_80mm_receipt() {
    let dir = common::screenshot_dir();
    let invoice = render_invoice(&sample::invoice(), Layout::A4).unwrap();
    let png = render_png(&invoice, &dir, "invoice-a4", 110);
    std::fs::write(dir.join("invoice-a4.pdf"), &invoice).unwrap();
    let receipt = render_receipt(&sample::receipt(), Layout::Thermal80).unwrap();
    render_png(&receipt, &dir, "receipt-80mm", 200);
    std::fs::write(dir.join("receipt-80mm.pdf"), &receipt).unwrap();
    let invoice58 = render_invoice(&sample::invoice(), Layout::Thermal58).unwrap();
    render_png(&invoice58, &dir, "invoice-58mm", 200);
    std::fs::write(dir.join("invoice-58mm.pdf"), &invoice58).unwrap();
    // Paid, English, no logo, a provider name that wraps.
    let mut paid = sample::invoice();
    paid.labels = Labels::english();
    paid.status = Some("Paid".into());
    paid.provider.logo = None;
    paid.provider.name = "Koperasi Jaringan Internet Desa Sukamaju Makmur Sejahtera".into();
    paid.amount_paid = "Rp 316.350".into();
    paid.balance_due = "Rp 0".into();
    let paid = render_invoice(&paid, Layout::A4).unwrap();
    render_png(&paid, &dir, "invoice-a4-paid", 80);
    let receipt58 = render_receipt(&sample::receipt(), Layout::Thermal58).unwrap();
    render_png(&receipt58, &dir, "receipt-58mm", 200);
    let long = render_invoice(&sample::long_invoice(60), Layout::A4).unwrap();
    std::fs::write(dir.join("invoice-a4-60-lines.pdf"), &long).unwrap();
    assert!(png.exists());
}

#[test]
fn a_sixty_line_invoice_continues_on_further_pages_with_the_table_header_repeated() {
    let doc = sample::long_invoice(60);
    let pdf = render_invoice(&doc, Layout::A4).unwrap();
    let count = pages(&pdf);
    assert!(count > 1, "{count} pages");
    let all = text(&pdf);
    for i in 1..=60 {
        let description =
            format!("Layanan tambahan nomor {i}: IP publik statis /29 untuk kantor cabang");
        assert!(all.contains(&description), "line {i} missing");
        assert!(all.contains(&format!("Rp {i}.000")), "amount {i} missing");
    }
    for page in 1..=count {
        let text = page_text(&pdf, page);
        assert!(
            text.contains(&format!("Halaman {page} dari {count}")),
            "page {page}: {text}"
        );
        if page < count {
            assert!(
                text.contains("URAIAN") && text.contains("JUMLAH"),
                "page {page} has the table header: {text}"
            );
        }
        if page > 1 {
            assert!(
                text.contains("Tagihan INV-2026-12-0042"),
                "page {page} running header: {text}"
            );
        }
    }
    // The totals and the footer come once, after the last line.
    assert_eq!(all.matches("Rp 316.350").count(), 1);
    assert!(page_text(&pdf, count).contains("Rp 316.350"));
    assert_no_overlap_or_cut(&pdf);
}

#[test]
fn a_thermal_roll_is_one_page_as_long_as_its_content() {
    let short = render_invoice(&sample::invoice(), Layout::Thermal58).unwrap();
    let long = render_invoice(&sample::long_invoice(60), Layout::Thermal58).unwrap();
    assert_eq!(pages(&long), 1);
    let (w, short_h) = page_size(&short);
    let (_, long_h) = page_size(&long);
    assert!((w - 58.0 * MM).abs() < 0.1, "58 mm wide: {w}");
    assert!(long_h > short_h * 3.0, "{long_h} vs {short_h}");
    let text = text(&long);
    assert!(text.contains("Layanan tambahan nomor 60"), "{text}");
    assert_no_overlap_or_cut(&long);

    let (w80, _) = page_size(&render_receipt(&sample::receipt(), Layout::Thermal80).unwrap());
    assert!((w80 - 80.0 * MM).abs() < 0.1, "80 mm wide: {w80}");
    let (a4_w, a4_h) = page_size(&render_receipt(&sample::receipt(), Layout::A4).unwrap());
    assert!(
        (a4_w - 595.28).abs() < 0.1 && (a4_h - 841.89).abs() < 0.1,
        "{a4_w}×{a4_h}"
    );
}

#[test]
fn a_jpeg_logo_renders_like_a_png_one() {
    let mut doc = sample::invoice();
    doc.provider.logo = Some(LOGO_JPEG.to_vec());
    for layout in Layout::ALL {
        render_invoice(&doc, layout).unwrap();
    }
    doc.provider.logo = None;
    render_invoice(&doc, Layout::A4).unwrap();
}

#[test]
fn a_missing_or_invalid_logo_is_an_error_naming_the_logo() {
    let truncated_png = LOGO_PNG[..LOGO_PNG.len() / 2].to_vec();
    let mut corrupt_png = LOGO_PNG.to_vec();
    for b in &mut corrupt_png[60..200] {
        *b = 0x55;
    }
    let truncated_jpeg = LOGO_JPEG[..40].to_vec();
    let cases: [(&str, Vec<u8>); 6] = [
        ("empty", vec![]),
        ("text", b"not an image".to_vec()),
        ("gif", b"GIF89a\x01\x00\x01\x00".to_vec()),
        ("truncated png", truncated_png),
        ("corrupt png", corrupt_png),
        ("truncated jpeg", truncated_jpeg),
    ];
    for (name, bytes) in cases {
        let mut invoice = sample::invoice();
        invoice.provider.logo = Some(bytes.clone());
        let mut receipt = sample::receipt();
        receipt.provider.logo = Some(bytes);
        for layout in Layout::ALL {
            for result in [
                render_invoice(&invoice, layout),
                render_receipt(&receipt, layout),
            ] {
                match result {
                    Err(e @ Error::Logo(_)) => {
                        assert!(e.to_string().starts_with("provider.logo "), "{name}: {e}")
                    }
                    other => panic!("{name} ({layout:?}): expected a logo error, got {other:?}"),
                }
            }
        }
    }
}

#[test]
fn the_payment_link_is_clickable_on_every_line_it_takes() {
    let url = "https://bayar.jns.net.id/i/INV-2026-12-0042";
    let a4 = render_invoice(&sample::invoice(), Layout::A4).unwrap();
    assert_eq!(common::urls(&a4), [url]);
    // On 58 mm the link takes three lines: each is a link to the whole address.
    let roll = render_invoice(&sample::invoice(), Layout::Thermal58).unwrap();
    let urls = common::urls(&roll);
    assert!(urls.len() >= 2 && urls.iter().all(|u| u == url), "{urls:?}");
    // Text that is not a web address stays text.
    let mut doc = sample::invoice();
    doc.payment_link = Some("bayar di loket".into());
    assert!(common::urls(&render_invoice(&doc, Layout::A4).unwrap()).is_empty());
}

#[test]
fn a_typical_invoice_is_small_because_the_fonts_are_subset() {
    let pdf = render_invoice(&sample::invoice(), Layout::A4).unwrap();
    // The two TTFs are 1 MB; subset, with the logo, the file is a few tens of kB.
    assert!(pdf.len() < 80_000, "{} bytes", pdf.len());
}

#[test]
fn long_texts_wrap_and_every_word_is_printed() {
    let mut doc = sample::invoice();
    doc.provider.name =
        "Koperasi Jaringan Internet Desa Sukamaju Makmur Sejahtera Bersama Selamanya".into();
    doc.client.name = "Raden Mas Muhammad Zulkarnain Wicaksono Adiningrat Soerjosoemarno".into();
    doc.lines[0].description = "Paket Internet Rumahan 20 Mbps ".repeat(12);
    doc.how_to_pay = "Bayar di loket. ".repeat(60);
    doc.footer = "Catatan kaki yang sangat panjang. ".repeat(30);
    doc.payment_link = Some(format!("https://bayar.example.id/{}", "x".repeat(300)));
    for layout in Layout::ALL {
        let pdf = render_invoice(&doc, layout).unwrap();
        let text = text(&pdf);
        assert!(
            text.contains(doc.provider.name.as_str()),
            "{layout:?}: {text}"
        );
        assert!(text.contains(doc.client.name.as_str()), "{layout:?}");
        assert_eq!(text.matches("Bayar di loket.").count(), 60, "{layout:?}");
        assert_eq!(
            text.matches("Catatan kaki yang sangat panjang.").count(),
            30,
            "{layout:?}"
        );
        assert_eq!(text.matches("20 Mbps").count(), 12, "{layout:?}");
        assert_no_overlap_or_cut(&pdf);
    }
}

#[test]
fn non_ascii_text_comes_back_out_of_the_pdf() {
    let mut doc = sample::invoice();
    doc.labels = Labels::english();
    doc.client.name = "Zoë Nur’aini “Ibu Siti” Łukasz Ñandú Ærø Şükrü".into();
    doc.lines[0].description = "Internet — 20 Mbps · Fibre – «Premium» …".into();
    doc.status = Some("Lunas ✓".into());
    for layout in Layout::ALL {
        let text = text(&render_invoice(&doc, layout).unwrap());
        assert!(
            text.contains("Zoë Nur’aini “Ibu Siti” Łukasz Ñandú Ærø Şükrü"),
            "{layout:?}: {text}"
        );
        assert!(
            text.contains("Internet — 20 Mbps · Fibre – «Premium» …"),
            "{layout:?}: {text}"
        );
        assert!(text.contains("Balance due"), "{layout:?}");
    }
}

#[test]
fn empty_documents_render() {
    for layout in Layout::ALL {
        let pdf = render_invoice(&Default::default(), layout).unwrap();
        assert_eq!(pages(&pdf), 1);
        let pdf = render_receipt(&Default::default(), layout).unwrap();
        assert_eq!(pages(&pdf), 1);
    }
}

#[test]
fn enormous_unbroken_text_paginates_without_panicking() {
    let blob = "Ж".repeat(20_000);
    let mut doc = sample::invoice();
    doc.lines[1].description = blob.clone();
    doc.provider.address = "Jl. ".repeat(3_000);
    doc.footer = "\n".repeat(500) + &blob;
    let pdf = render_invoice(&doc, Layout::A4).unwrap();
    assert!(pages(&pdf) > 3);
    assert_eq!(text(&pdf).matches('Ж').count(), 40_000);
    let roll = render_invoice(&doc, Layout::Thermal58).unwrap();
    assert!(pages(&roll) >= 1);
    let mut receipt = sample::receipt();
    receipt.client.address = blob;
    render_receipt(&receipt, Layout::A4).unwrap();
    render_receipt(&receipt, Layout::Thermal80).unwrap();
}
