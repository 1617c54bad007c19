//! Typesets the billing documents a provider sends out — invoices and payment receipts — as
//! PDF, in an A4 layout and in 58 mm and 80 mm thermal-printer layouts.
//!
//! The input is a plain data model of already-formatted strings ([`InvoiceDoc`],
//! [`ReceiptDoc`]): the caller formats money, dates and tax rates and translates every fixed
//! word ([`Labels`]). The PDF is written in-process by krilla with the vendored Noto Sans
//! fonts (subset to the glyphs used); no external program runs.
//!
//! ```
//! use documents::{InvoiceDoc, Labels, Layout, Line, render_invoice};
//!
//! let invoice = InvoiceDoc {
//!     labels: Labels::indonesian(),
//!     number: "INV-2026-0001".into(),
//!     lines: vec![Line {
//!         description: "Internet 20 Mbps".into(),
//!         quantity: "1".into(),
//!         unit_price: "Rp 150.000".into(),
//!         amount: "Rp 150.000".into(),
//!         ..Line::default()
//!     }],
//!     total: "Rp 150.000".into(),
//!     ..InvoiceDoc::default()
//! };
//! let pdf = render_invoice(&invoice, Layout::A4)?;
//! assert!(pdf.starts_with(b"%PDF-"));
//! # Ok::<(), documents::Error>(())
//! ```

mod flow;
mod invoice;
mod layout;
mod model;
mod receipt;
mod text;

pub use model::{
    InvoiceDoc, Labels, Line, LineTax, PaidInvoice, Party, Provider, ReceiptDoc, Remaining,
    TaxSummary,
};

/// The paper a document is laid out for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Layout {
    /// ISO A4 portrait (210 × 297 mm); long documents continue on further pages.
    A4,
    /// A 58 mm thermal roll (48 mm printed): one page as long as the content.
    Thermal58,
    /// An 80 mm thermal roll (72 mm printed): one page as long as the content.
    Thermal80,
}

impl Layout {
    /// Every layout, for callers that offer a choice.
    pub const ALL: [Layout; 3] = [Layout::A4, Layout::Thermal58, Layout::Thermal80];

    /// The paper width in millimetres.
    pub fn paper_width_mm(self) -> u32 {
        match self {
            Layout::A4 => 210,
            Layout::Thermal58 => 58,
            Layout::Thermal80 => 80,
        }
    }
}

/// Why a document could not be rendered.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// `provider.logo` is not a readable PNG or JPEG image.
    #[error("provider.logo {0}")]
    Logo(String),
    /// The PDF writer refused the document (a PDF limit was exceeded).
    #[error("the PDF could not be written: {0}")]
    Pdf(String),
}

impl Error {
    fn from_krilla(error: krilla::error::KrillaError) -> Self {
        match error {
            // The logo is the only image these documents embed.
            krilla::error::KrillaError::Image(_, _, message) => {
                Error::Logo(format!("could not be decoded: {message}"))
            }
            other => Error::Pdf(other.to_string()),
        }
    }
}

/// Renders an invoice as PDF bytes.
pub fn render_invoice(doc: &InvoiceDoc, layout: Layout) -> Result<Vec<u8>, Error> {
    invoice::render(doc, layout)
}

/// Renders a payment receipt as PDF bytes.
pub fn render_receipt(doc: &ReceiptDoc, layout: Layout) -> Result<Vec<u8>, Error> {
    receipt::render(doc, layout)
}
