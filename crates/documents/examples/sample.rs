//! Writes a sample invoice with Indonesian labels:
//! `cargo run -p documents --example sample -- out.pdf [a4|58|80] [receipt]`.

#[path = "../tests/common/sample.rs"]
#[allow(dead_code)] // the tests use more of it
mod sample;

use documents::{Layout, render_invoice, render_receipt};

fn main() {
    let mut args = std::env::args().skip(1);
    let Some(out) = args.next() else {
        eprintln!("usage: sample OUT.pdf [a4|58|80] [receipt]");
        std::process::exit(2);
    };
    let layout = match args.next().as_deref() {
        None | Some("a4") => Layout::A4,
        Some("58") => Layout::Thermal58,
        Some("80") => Layout::Thermal80,
        Some(other) => {
            eprintln!("unknown layout {other:?}: use a4, 58 or 80");
            std::process::exit(2);
        }
    };
    let started = std::time::Instant::now();
    let pdf = match args.next().as_deref() {
        Some("receipt") => render_receipt(&sample::receipt(), layout),
        _ => render_invoice(&sample::invoice(), layout),
    };
    let elapsed = started.elapsed();
    let pdf = pdf.unwrap_or_else(|e| {
        eprintln!("{e}");
        std::process::exit(1);
    });
    if let Err(e) = std::fs::write(&out, &pdf) {
        eprintln!("{out}: {e}");
        std::process::exit(1);
    }
    eprintln!(
        "wrote {out}: {} bytes in {:.1} ms",
        pdf.len(),
        elapsed.as_secs_f64() * 1000.0
    );
}
