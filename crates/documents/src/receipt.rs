//! The payment receipt layouts.

use crate::flow::{Block, Flow, MM, Op};
use crate::layout::{Logo, Page, Theme, Top, labelled};
use crate::model::{ReceiptDoc, Remaining};
use crate::{Error, Layout};

pub(crate) fn render(doc: &ReceiptDoc, layout: Layout) -> Result<Vec<u8>, Error> {
    let mut page = Page::new(layout, &doc.provider, &doc.footer, &doc.labels)?;
    let logo = page.logo.as_ref();
    if page.theme.thermal {
        thermal(doc, &page.theme, logo, &mut page.flow);
    } else {
        a4(doc, &page.theme, logo, &mut page.flow);
    }
    page.finish(&format!("{} {}", doc.labels.receipt, doc.number))
}

/// The payment's details as label/value pairs, in print order.
fn details(doc: &ReceiptDoc) -> Vec<(&str, &str)> {
    let l = &doc.labels;
    let mut rows = vec![(l.payment_date.as_str(), doc.payment_date.as_str())];
    rows.push((&l.payment_method, &doc.method));
    if let Some(reference) = &doc.reference {
        rows.push((&l.reference, reference));
    }
    if let Some(cashier) = &doc.cashier {
        rows.push((&l.cashier, cashier));
    }
    rows
}

fn remaining(doc: &ReceiptDoc) -> Option<(&str, &str)> {
    let l = &doc.labels;
    doc.remaining.as_ref().map(|r| match r {
        Remaining::Balance(v) => (l.remaining_balance.as_str(), v.as_str()),
        Remaining::Credit(v) => (l.credit.as_str(), v.as_str()),
    })
}

fn top<'a>(doc: &'a ReceiptDoc, logo: Option<&'a Logo>) -> Top<'a> {
    let l = &doc.labels;
    Top {
        provider: &doc.provider,
        logo,
        labels: l,
        title: &l.receipt,
        number: &doc.number,
        status: None,
        party_heading: &l.received_from,
        party: &doc.client,
        facts: details(doc)
            .into_iter()
            .map(|(label, value)| (label, value, false))
            .collect(),
    }
}

fn a4(doc: &ReceiptDoc, theme: &Theme, logo: Option<&Logo>, flow: &mut Flow) {
    let l = &doc.labels;
    top(doc, logo).place(theme, flow);
    flow.gap(7.0 * MM);

    // The amount, large, on a tinted band.
    let pad = 3.0 * MM;
    let (x, w) = (theme.left() + pad, theme.width() - 2.0 * pad);
    let amount_style = crate::text::Style::bold(15.0);
    let mut amount = labelled(
        &l.amount_received,
        &doc.amount,
        x,
        w,
        (theme.total, theme.text),
        (amount_style, theme.accent),
    );
    for item in &mut amount.items {
        item.y += pad;
    }
    let mut band = Block::new();
    band.push(
        0.0,
        amount.height + 2.0 * pad,
        Op::Rect {
            x: theme.left(),
            width: theme.width(),
            color: theme.highlight,
        },
    );
    band.append_at(amount, 0.0);
    band.height += pad;
    flow.place(band);

    if !doc.paid_invoices.is_empty() {
        flow.gap(6.0 * MM);
        let mut list = theme.heading(&l.paid_invoices, theme.left(), theme.width());
        list.pad_bottom(1.0 * MM);
        let first = list.height;
        flow.need(first + theme.body.line_height() * 2.0);
        flow.place(list);
        let (x, w) = (theme.left() + 2.0 * MM, theme.width() - 4.0 * MM);
        for paid in &doc.paid_invoices {
            let value = paid.amount.as_deref().unwrap_or("");
            let mut row = labelled(
                &paid.number,
                value,
                x,
                w,
                (theme.body, theme.text),
                (theme.body, theme.text),
            );
            for item in &mut row.items {
                item.y += 1.2 * MM;
            }
            row.height += 2.4 * MM;
            let bottom = row.height;
            row.push(bottom, 0.5, theme.hairline());
            flow.place(row);
        }
    }
    if let Some((label, value)) = remaining(doc) {
        flow.gap(3.0 * MM);
        let (x, w) = (theme.left() + 2.0 * MM, theme.width() - 4.0 * MM);
        flow.place(labelled(
            label,
            value,
            x,
            w,
            (theme.body_bold, theme.text),
            (theme.body_bold, theme.text),
        ));
    }
}

fn thermal(doc: &ReceiptDoc, theme: &Theme, logo: Option<&Logo>, flow: &mut Flow) {
    let l = &doc.labels;
    let (x, w) = (theme.left(), theme.width());
    top(doc, logo).place(theme, flow);

    let amount = labelled(
        &l.amount_received,
        &doc.amount,
        x,
        w,
        (theme.total, theme.text),
        (theme.total, theme.text),
    );
    flow.place(amount);
    if !doc.paid_invoices.is_empty() {
        flow.place(theme.full_rule(1.5 * MM, false));
        flow.place(theme.heading(&l.paid_invoices, x, w));
        for paid in &doc.paid_invoices {
            let value = paid.amount.as_deref().unwrap_or("");
            flow.place(theme.row(&paid.number, value, false));
        }
    }
    if let Some((label, value)) = remaining(doc) {
        flow.place(theme.full_rule(1.5 * MM, false));
        flow.place(theme.row(label, value, true));
    }
}
