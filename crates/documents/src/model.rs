//! The documents' data model: plain, already-formatted strings.
//!
//! Nothing here computes or formats money, dates or tax: the caller passes `"Rp 150.000,50"`,
//! `"1 Des 2026"` or `"PPN 12% × DPP 11/12"` as it wants them printed, and fills [`Labels`]
//! from its translation files. In every free-text field a `\n` starts a new line and long
//! lines wrap; other control characters print as spaces.

/// The provider who sends the document; printed at the top of every layout.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Provider {
    pub name: String,
    /// Postal address; may be empty.
    pub address: String,
    /// Phone, e-mail, website, …: free text, printed under the address; may be empty.
    pub contact: String,
    /// Tax number (NPWP), printed after [`Labels::tax_number`].
    pub tax_number: Option<String>,
    /// The logo as PNG or JPEG file bytes. Anything else is [`crate::Error::Logo`].
    pub logo: Option<Vec<u8>>,
}

/// The client a document is addressed to.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Party {
    pub name: String,
    /// Postal or installation address; may be empty.
    pub address: String,
    /// PPP (PPPoE) login, printed after [`Labels::login`].
    pub login: Option<String>,
}

/// One invoice line. A discount is a line whose `amount` (and `unit_price`) the caller
/// formats as negative, e.g. `"-Rp 10.000"`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Line {
    pub description: String,
    /// The service period this line covers, e.g. `"1–31 Des 2026"`.
    pub period: Option<String>,
    pub quantity: String,
    pub unit_price: String,
    pub amount: String,
    /// Tax on this line; `None` for an untaxed line.
    pub tax: Option<LineTax>,
}

/// The tax of one taxable line: its base (DPP), the tax and the line's total with tax.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LineTax {
    pub base: String,
    pub tax: String,
    pub total: String,
}

/// One row of the invoice's tax summary, e.g. label `"PPN 12% × DPP 11/12"`, base
/// `"Rp 275.000"`, amount `"Rp 33.000"`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TaxSummary {
    pub label: String,
    pub base: String,
    pub amount: String,
}

/// An invoice.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct InvoiceDoc {
    pub labels: Labels,
    pub provider: Provider,
    pub client: Party,
    pub number: String,
    pub invoice_date: String,
    pub due_date: String,
    /// The period the whole invoice covers.
    pub period: Option<String>,
    /// A status stamp printed by the title, e.g. `"LUNAS"` / `"PAID"`.
    pub status: Option<String>,
    pub lines: Vec<Line>,
    /// The sum before tax; printed above the tax rows when given.
    pub subtotal: Option<String>,
    pub taxes: Vec<TaxSummary>,
    pub total: String,
    pub amount_paid: String,
    pub balance_due: String,
    /// How to pay: bank accounts, a portal address, … Free text; may be empty.
    pub how_to_pay: String,
    /// A payment link, printed as text after [`Labels::payment_link`].
    pub payment_link: Option<String>,
    /// Printed at the bottom of every A4 page (or once at the end when it is long) and at
    /// the end of a thermal roll; may be empty.
    pub footer: String,
}

/// A payment receipt.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ReceiptDoc {
    pub labels: Labels,
    pub provider: Provider,
    /// Who paid.
    pub client: Party,
    pub number: String,
    pub payment_date: String,
    /// Payment method, e.g. `"Tunai"`, `"Transfer BCA"`, `"QRIS"`.
    pub method: String,
    /// The gateway's or bank's reference.
    pub reference: Option<String>,
    pub amount: String,
    /// What the payment paid.
    pub paid_invoices: Vec<PaidInvoice>,
    pub cashier: Option<String>,
    /// What the client owes, or has in credit, after this payment.
    pub remaining: Option<Remaining>,
    pub footer: String,
}

/// An invoice a payment went to, with the part of the payment applied to it when known.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PaidInvoice {
    pub number: String,
    pub amount: Option<String>,
}

/// The client's position after a payment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Remaining {
    /// Still owed, printed after [`Labels::remaining_balance`].
    Balance(String),
    /// Paid in advance, printed after [`Labels::credit`].
    Credit(String),
}

/// Every fixed word on the page, in the reader's language. [`Labels::english`] and
/// [`Labels::indonesian`] are complete sets to start from; the caller normally fills this
/// from its translation files.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Labels {
    /// Title of an invoice, e.g. `"Invoice"`.
    pub invoice: String,
    /// Title of a receipt, e.g. `"Receipt"`.
    pub receipt: String,
    /// Before the document's number, e.g. `"No."`.
    pub number: String,
    pub invoice_date: String,
    pub due_date: String,
    pub period: String,
    /// Heading of the client block on an invoice.
    pub bill_to: String,
    /// Heading of the client block on a receipt.
    pub received_from: String,
    /// Before the PPP login.
    pub login: String,
    /// Before the provider's tax number, e.g. `"NPWP"`.
    pub tax_number: String,
    pub description: String,
    /// Quantity column heading, e.g. `"Qty"`.
    pub quantity: String,
    pub unit_price: String,
    pub amount: String,
    /// A taxable line's base, e.g. `"DPP"`.
    pub tax_base: String,
    /// A taxable line's tax, e.g. `"PPN"`.
    pub tax: String,
    pub subtotal: String,
    /// The invoice total, and a taxable line's total with tax.
    pub total: String,
    pub amount_paid: String,
    pub balance_due: String,
    pub how_to_pay: String,
    /// Before the payment link.
    pub payment_link: String,
    pub payment_date: String,
    pub payment_method: String,
    pub reference: String,
    /// The receipt's amount.
    pub amount_received: String,
    /// Heading of the list of invoices a payment paid.
    pub paid_invoices: String,
    pub cashier: String,
    pub remaining_balance: String,
    pub credit: String,
    /// Page numbering: `{page}` and `{pages}` are replaced, e.g. `"Page {page} of {pages}"`.
    pub page: String,
}

impl Labels {
    /// English labels.
    pub fn english() -> Self {
        Self {
            invoice: "Invoice".into(),
            receipt: "Payment receipt".into(),
            number: "No.".into(),
            invoice_date: "Invoice date".into(),
            due_date: "Due date".into(),
            period: "Period".into(),
            bill_to: "Bill to".into(),
            received_from: "Received from".into(),
            login: "PPP login".into(),
            tax_number: "Tax ID (NPWP)".into(),
            description: "Description".into(),
            quantity: "Qty".into(),
            unit_price: "Unit price".into(),
            amount: "Amount".into(),
            tax_base: "Tax base".into(),
            tax: "Tax".into(),
            subtotal: "Subtotal".into(),
            total: "Total".into(),
            amount_paid: "Amount paid".into(),
            balance_due: "Balance due".into(),
            how_to_pay: "How to pay".into(),
            payment_link: "Pay online".into(),
            payment_date: "Payment date".into(),
            payment_method: "Method".into(),
            reference: "Reference".into(),
            amount_received: "Amount received".into(),
            paid_invoices: "Paid invoices".into(),
            cashier: "Cashier".into(),
            remaining_balance: "Remaining balance".into(),
            credit: "Credit".into(),
            page: "Page {page} of {pages}".into(),
        }
    }

    /// Indonesian labels.
    pub fn indonesian() -> Self {
        Self {
            invoice: "Tagihan".into(),
            receipt: "Bukti pembayaran".into(),
            number: "No.".into(),
            invoice_date: "Tanggal tagihan".into(),
            due_date: "Jatuh tempo".into(),
            period: "Periode".into(),
            bill_to: "Ditagihkan kepada".into(),
            received_from: "Diterima dari".into(),
            login: "Login PPP".into(),
            tax_number: "NPWP".into(),
            description: "Uraian".into(),
            quantity: "Jml".into(),
            unit_price: "Harga satuan".into(),
            amount: "Jumlah".into(),
            tax_base: "DPP".into(),
            tax: "PPN".into(),
            subtotal: "Subtotal".into(),
            total: "Total".into(),
            amount_paid: "Sudah dibayar".into(),
            balance_due: "Sisa tagihan".into(),
            how_to_pay: "Cara pembayaran".into(),
            payment_link: "Bayar online".into(),
            payment_date: "Tanggal bayar".into(),
            payment_method: "Metode".into(),
            reference: "Referensi".into(),
            amount_received: "Jumlah diterima".into(),
            paid_invoices: "Untuk tagihan".into(),
            cashier: "Kasir".into(),
            remaining_balance: "Sisa tagihan".into(),
            credit: "Saldo".into(),
            page: "Halaman {page} dari {pages}".into(),
        }
    }
}

impl Default for Labels {
    fn default() -> Self {
        Self::english()
    }
}
