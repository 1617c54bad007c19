//! Invoices and payment receipts as PDF bytes, for `GET /invoices/{id}/pdf`,
//! `GET /payments/{id}/receipt` and the invoice attached to an email.
//!
//! The `documents` crate (krilla, vendored fonts: see its README) typesets; this module fills
//! its model from the services' views, with every fixed word from the translation files
//! (`locales/*/documents.ftl`) and money and dates written the reader's way in the provider's
//! currency.

use documents::{InvoiceDoc, Labels, Layout, Line, PaidInvoice, Party, Provider, ReceiptDoc};

use super::invoices::InvoiceDocument;
use super::payments::Receipt;
use super::{AppError, settings};
use crate::app::App;
use crate::domain::billing::invoice::{InvoiceStatus, PaymentStatus};
use crate::domain::money::Money;
use crate::i18n::format::{Currency, DateStyle, format_date, format_date_range, format_money};
use crate::i18n::{Arg, Catalog, Lang, t, t_args};

/// The reader's language and the paper.
struct Choice {
    lang: Lang,
    layout: Layout,
}

/// What every document needs: the provider (with a PNG/JPEG logo), the currency, the labels.
struct Frame {
    provider: Provider,
    currency: Currency,
    lang: Lang,
    labels: Labels,
}

impl Frame {
    async fn new(app: &App, lang: Lang) -> Result<Frame, AppError> {
        let s = app.settings();
        // The PDF writer embeds PNG and JPEG; a WebP logo is left off the paper.
        let logo = settings::logo(app)
            .await?
            .filter(|l| l.mime != "image/webp")
            .map(|l| l.bytes);
        let contact = [s.provider_phone.as_str(), s.provider_email.as_str()]
            .iter()
            .filter(|x| !x.is_empty())
            .copied()
            .collect::<Vec<_>>()
            .join(" · ");
        Ok(Frame {
            provider: Provider {
                name: s.provider_name.clone(),
                address: s.provider_address.clone(),
                contact,
                tax_number: s.tax_number.clone(),
                logo,
            },
            currency: Currency::parse(&s.currency).unwrap_or(Currency::Idr),
            lang,
            labels: labels(lang),
        })
    }

    fn money(&self, m: Money) -> String {
        format_money(m, self.currency, self.lang)
    }

    fn date(&self, d: chrono::NaiveDate) -> String {
        format_date(d, self.lang, DateStyle::Long)
    }
}

/// Every fixed word, from the translation files.
fn labels(lang: Lang) -> Labels {
    let l = |key: &str| t(lang, key);
    Labels {
        invoice: l("doc-invoice"),
        receipt: l("doc-receipt"),
        number: l("doc-number"),
        invoice_date: l("doc-invoice-date"),
        due_date: l("doc-due-date"),
        period: l("doc-period"),
        bill_to: l("doc-bill-to"),
        received_from: l("doc-received-from"),
        login: l("doc-login"),
        tax_number: l("doc-tax-id"),
        description: l("doc-description"),
        quantity: l("doc-quantity"),
        unit_price: l("doc-unit-price"),
        amount: l("doc-amount"),
        tax_base: l("doc-tax-base"),
        tax: l("doc-vat"),
        subtotal: l("doc-subtotal"),
        total: l("doc-total"),
        amount_paid: l("doc-amount-paid"),
        balance_due: l("doc-balance-due"),
        how_to_pay: l("doc-how-to-pay"),
        payment_link: l("doc-payment-link"),
        payment_date: l("doc-payment-date"),
        payment_method: l("doc-payment-method"),
        reference: l("doc-reference"),
        amount_received: l("doc-amount-received"),
        paid_invoices: l("doc-paid-invoices"),
        cashier: l("doc-cashier"),
        remaining_balance: l("doc-remaining-balance"),
        credit: l("doc-credit"),
        // Fluent would format `{ $page }` itself; the crate fills these in per page.
        page: t_args(
            lang,
            "doc-page",
            &[
                ("page", Arg::from("{page}")),
                ("pages", Arg::from("{pages}")),
            ],
        ),
    }
}

fn typeset_failed(e: documents::Error) -> AppError {
    AppError::Internal(format!("typesetting the document: {e}"))
}

/// The invoice as PDF, in `lang`, laid out for `layout`.
pub async fn invoice_pdf(
    app: &App,
    doc: &InvoiceDocument,
    lang: Lang,
    layout: Layout,
) -> Result<Vec<u8>, AppError> {
    let c = Choice { lang, layout };
    let f = Frame::new(app, c.lang).await?;
    let inv = &doc.invoice;
    // The invoice keeps the sum of its successful payments; what is owed follows from it.
    let (paid, due) = (inv.paid, inv.outstanding());
    let period = format_date_range(inv.period_start, inv.period_end, c.lang);
    let status = match inv.status {
        InvoiceStatus::Paid => Some(t(c.lang, "doc-stamp-paid")),
        InvoiceStatus::Void => Some(t(c.lang, "doc-stamp-void")),
        _ => None,
    };
    let total = f.money(inv.total);
    let rendered = InvoiceDoc {
        client: party(&doc.client),
        number: inv.number(),
        invoice_date: f.date(inv.invoice_date),
        due_date: f.date(inv.due_date),
        period: Some(period.clone()),
        status,
        lines: vec![Line {
            description: t_args(
                c.lang,
                "doc-subscription-line",
                &[("plan_name", Arg::from(doc.plan_name.as_str()))],
            ),
            period: Some(period),
            quantity: "1".into(),
            unit_price: total.clone(),
            amount: total.clone(),
            tax: None,
        }],
        subtotal: None,
        taxes: Vec::new(),
        total,
        amount_paid: f.money(paid),
        balance_due: f.money(due),
        how_to_pay: how_to_pay(&f, inv.due_date, due),
        payment_link: None,
        footer: t(c.lang, "doc-electronic"),
        labels: f.labels,
        provider: f.provider,
    };
    documents::render_invoice(&rendered, c.layout).map_err(typeset_failed)
}

/// The payment's receipt as PDF, in `lang`, laid out for `layout`: its number and bytes.
pub async fn receipt_pdf(
    app: &App,
    r: &Receipt,
    lang: Lang,
    layout: Layout,
) -> Result<(String, Vec<u8>), AppError> {
    let c = Choice { lang, layout };
    let f = Frame::new(app, c.lang).await?;
    let p = &r.payment;
    let number = format!("{}-{}", t(c.lang, "doc-receipt-prefix"), p.id);
    let rendered = ReceiptDoc {
        client: party(&r.client),
        number: number.clone(),
        payment_date: f.date(p.payment_date),
        method: Catalog::global().payment_method(c.lang, &p.payment_method),
        reference: p.reference.clone(),
        amount: f.money(p.amount),
        paid_invoices: vec![PaidInvoice {
            number: r.invoice.number(),
            amount: Some(f.money(p.amount)),
        }],
        cashier: Some(p.recorded_by.clone()),
        remaining: Some(documents::Remaining::Balance(f.money(r.remaining))),
        footer: match p.status {
            PaymentStatus::Success => t(c.lang, "doc-thank-you-payment"),
            other => Catalog::global().label(c.lang, "payment-status", other.as_str()),
        },
        labels: f.labels,
        provider: f.provider,
    };
    let bytes = documents::render_receipt(&rendered, c.layout).map_err(typeset_failed)?;
    Ok((number, bytes))
}

fn party(c: &crate::domain::client::Client) -> Party {
    Party {
        name: c.name.clone(),
        address: c.address.clone(),
        login: Some(c.ppp_secret_name.clone()),
    }
}

/// "Please pay by …" and how to reach the provider; nothing once nothing is owed.
fn how_to_pay(f: &Frame, due_date: chrono::NaiveDate, due: Money) -> String {
    if due == Money::ZERO {
        return String::new();
    }
    let by = t_args(
        f.lang,
        "doc-pay-by",
        &[("due_date", Arg::from(f.date(due_date).as_str()))],
    );
    if f.provider.contact.is_empty() {
        by
    } else {
        format!("{by}\n{}", f.provider.contact)
    }
}
