//! `GET /invoices/{id}/pdf` and `GET /payments/{id}/receipt` on every backend: the PDF's text,
//! read back with poppler's `pdftotext`, holds the provider, the invoice number, the line, the
//! total, what was paid and what is still owed, in English and in Indonesian; `pdftoppm`
//! renders every layout; bad choices are 400 naming the parameter. The SQLite run saves a PNG
//! of an A4 invoice and of a 58 mm receipt into `target/screenshots/pdf/`.

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;

use common::TestApp;
use mikronet::storage::Backend;

/// The text of a PDF, as `pdftotext -layout` reads it.
fn pdf_text(pdf: &[u8], dir: &Path, name: &str) -> String {
    let file = dir.join(format!("{name}.pdf"));
    std::fs::write(&file, pdf).unwrap();
    let out = Command::new("pdftotext")
        .args(["-layout", "-enc", "UTF-8"])
        .arg(&file)
        .arg("-")
        .output()
        .expect("pdftotext (Debian poppler-utils) must be installed");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

/// Renders the first page to PNG with `pdftoppm`; returns the PNG's path.
fn render(dir: &Path, name: &str) -> PathBuf {
    let out = Command::new("pdftoppm")
        .args(["-png", "-r", "96", "-singlefile"])
        .arg(dir.join(format!("{name}.pdf")))
        .arg(dir.join(name))
        .output()
        .expect("pdftoppm (Debian poppler-utils) must be installed");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let png = dir.join(format!("{name}.png"));
    let bytes = std::fs::read(&png).unwrap();
    assert!(bytes.starts_with(b"\x89PNG"), "{name}: not a PNG");
    assert!(bytes.len() > 2_000, "{name}: an empty page?");
    png
}

fn screenshot_dir() -> PathBuf {
    Path::new(env!("CARGO_TARGET_TMPDIR"))
        .parent()
        .expect("the tmp dir is inside target/")
        .join("screenshots")
        .join("pdf")
}

/// Words of `text` collapsed to single spaces (pdftotext lays columns out with many).
fn words(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[track_caller]
fn has(text: &str, want: &str) {
    assert!(words(text).contains(want), "missing {want:?} in:\n{text}");
}

async fn an_invoice_and_its_receipt_print_as_pdf(app: TestApp) {
    let admin = app.admin().await;
    app.put(
        "/settings",
        &admin,
        r#"{"provider_name":"Net Desa Sejahtera","provider_address":"Jl. Raya No. 5, Bandung",
            "provider_phone":"0221234567","tax_number":"01.234.567.8-901.000","currency":"IDR"}"#,
    )
    .await
    .expect(200);
    let plan = app.create_plan(&admin, "Rumah-20M", "150000.50").await;
    let client = app.create_client(&admin, "Budi Santoso", "budi").await;
    let sub = app
        .subscribe(&admin, client, plan, "2026-11-01", "2026-11-30")
        .await;
    app.generate(&admin, "2026-11-27").await;
    let inv = app.invoices_of(&admin, sub).await[0].clone();
    let (id, number) = (
        inv["invoice_id"].as_i64().unwrap(),
        inv["invoice_number"].as_str().unwrap().to_owned(),
    );
    let paid = app
        .pay(&admin, id, r#"{"amount":"50000","payment_method":"cash"}"#)
        .await
        .expect(201);
    let payment = paid.json["data"]["payment"]["payment_id"]
        .as_i64()
        .or_else(|| paid.json["data"]["payment_id"].as_i64())
        .unwrap_or_else(|| panic!("no payment id in {}", paid.text));

    let dir = tempdir(&app);
    let r = app
        .get(&format!("/invoices/{id}/pdf?lang=en"), &admin)
        .await
        .expect(200);
    assert_eq!(r.header("content-type"), "application/pdf");
    assert!(r.bytes.starts_with(b"%PDF-"));
    let en = pdf_text(&r.bytes, &dir, "invoice-en");
    for want in [
        "Net Desa Sejahtera",
        "01.234.567.8-901.000",
        "Invoice",
        number.as_str(),
        "Budi Santoso",
        "Internet service: Rumah-20M",
        // Rupiah is written the Indonesian way in both languages.
        "Rp 150.000,50",
        "Amount paid Rp 50.000",
        "Balance due Rp 100.000,50",
        "Due date 4 December 2026",
        "1–31 December 2026",
        "Please pay by 4 December 2026.",
    ] {
        has(&en, want);
    }
    render(&dir, "invoice-en");

    let r = app
        .get(&format!("/invoices/{id}/pdf?lang=id"), &admin)
        .await
        .expect(200);
    let id_text = pdf_text(&r.bytes, &dir, "invoice-id");
    for want in [
        "TAGIHAN",
        number.as_str(),
        "Layanan internet: Rumah-20M",
        "Rp 150.000,50",
        "Rp 100.000,50",
        "Jatuh tempo",
        "4 Desember 2026",
    ] {
        has(&id_text, want);
    }

    for paper in ["a4", "58", "80"] {
        let r = app
            .get(
                &format!("/payments/{payment}/receipt?lang=id&paper={paper}"),
                &admin,
            )
            .await
            .expect(200);
        assert_eq!(r.header("content-type"), "application/pdf");
        let name = format!("receipt-{paper}");
        let text = pdf_text(&r.bytes, &dir, &name);
        for want in [
            "KUITANSI",
            &format!("KWT-{payment}"),
            "Budi Santoso",
            number.as_str(),
            "Rp 50.000",
            "Tunai",
            "Rp 100.000,50",
        ] {
            has(&text, want);
        }
        render(&dir, &name);
    }
    let r = app
        .get(&format!("/invoices/{id}/pdf?paper=58"), &admin)
        .await
        .expect(200);
    let roll = pdf_text(&r.bytes, &dir, "invoice-58");
    has(&roll, number.as_str());
    render(&dir, "invoice-58");

    if app.backend == Backend::Sqlite {
        let shots = screenshot_dir();
        std::fs::create_dir_all(&shots).unwrap();
        std::fs::copy(dir.join("invoice-en.png"), shots.join("invoice-a4-en.png")).unwrap();
        std::fs::copy(
            dir.join("receipt-58.png"),
            shots.join("receipt-58mm-id.png"),
        )
        .unwrap();
    }
}

async fn bad_choices_are_refused_naming_the_parameter(app: TestApp) {
    let admin = app.admin().await;
    let r = app
        .get("/invoices/1/pdf?paper=a5", &admin)
        .await
        .expect(400);
    assert!(r.text.contains("paper"), "{}", r.text);
    let r = app.get("/invoices/1/pdf?lang=fr", &admin).await.expect(400);
    assert!(r.text.contains("lang"), "{}", r.text);
    let r = app
        .get("/invoices/1/pdf?colour=red", &admin)
        .await
        .expect(400);
    assert!(r.text.contains("colour"), "{}", r.text);
    app.get("/invoices/999999/pdf", &admin).await.expect(404);
    app.get("/payments/999999/receipt", &admin)
        .await
        .expect(404);
    let r = app
        .call(axum::http::Method::GET, "/invoices/1/pdf", None, None)
        .await;
    assert_eq!(r.status.as_u16(), 401);
}

fn tempdir(app: &TestApp) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR"))
        .join("pdf")
        .join(app.backend.name());
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

backend_tests!(
    an_invoice_and_its_receipt_print_as_pdf,
    bad_choices_are_refused_naming_the_parameter
);
