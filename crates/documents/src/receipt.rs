//! The payment receipt layouts.

use crate::flow::{Block, Flow, MM, Op};
use crate::layout::{
    Footer, Logo, Theme, a4_letterhead, finish, labelled, party_block, provider_logo,
    running_header_height, thermal_letterhead,
};
use crate::model::{ReceiptDoc, Remaining};
use crate::{Error, Layout};

pub(crate) fn render(doc: &ReceiptDoc, layout: Layout) -> Result<Vec<u8>, Error> {
    let theme = Theme::of(layout);
    let logo = provider_logo(&doc.provider, &theme)?;
    let footer = Footer::new(&theme, &doc.footer);
    let mut flow = Flow::new(theme.geometry);
    flow.footer_height = footer.reserve(&theme);
    flow.continuation_top = running_header_height(&theme);
    if theme.thermal {
        thermal(doc, &theme, logo.as_ref(), &mut flow);
    } else {
        a4(doc, &theme, logo.as_ref(), &mut flow);
    }
    let title = format!("{} {}", doc.labels.receipt, doc.number);
    finish(
        &theme,
        flow,
        footer,
        (&doc.provider.name, &title),
        &doc.labels.page,
        &title,
    )
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

fn a4(doc: &ReceiptDoc, theme: &Theme, logo: Option<&Logo>, flow: &mut Flow) {
    let l = &doc.labels;
    let number = format!("{} {}", l.number, doc.number);
    let head = a4_letterhead(
        theme,
        &doc.provider,
        logo,
        &l.tax_number,
        &l.receipt.to_uppercase(),
        &number,
        None,
    );
    flow.place(head);
    flow.gap(5.0 * MM);
    flow.place(theme.full_rule(0.0, false));
    flow.gap(5.0 * MM);

    let column = theme.width() * 0.46;
    let mut parties = party_block(
        theme,
        &l.received_from,
        &doc.client,
        &l.login,
        theme.left(),
        column,
    );
    let meta_x = theme.right() - column;
    let mut meta = Block::new();
    for (label, value) in details(doc) {
        let row = labelled(
            label,
            value,
            meta_x,
            column,
            (theme.body, theme.muted),
            (theme.body, theme.text),
        );
        meta.append(row, 1.2 * MM);
    }
    parties.append_at(meta, theme.small_bold.line_height() + 1.0 * MM);
    flow.place(parties);
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
            row.push(
                bottom,
                0.5,
                Op::Rule {
                    x: theme.left(),
                    width: theme.width(),
                    thickness: 0.5,
                    color: theme.rule,
                    dashed: false,
                },
            );
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
    flow.place(thermal_letterhead(
        theme,
        &doc.provider,
        logo,
        &l.tax_number,
        &l.receipt,
    ));
    flow.gap(1.5 * MM);
    let kv = |label: &str, value: &str, strong: bool| {
        let value_style = if strong { theme.body_bold } else { theme.body };
        labelled(
            label,
            value,
            x,
            w,
            (theme.body, theme.text),
            (value_style, theme.text),
        )
    };
    let mut meta = kv(&l.number, &doc.number, true);
    for (label, value) in details(doc) {
        meta.append(kv(label, value, false), 0.5 * MM);
    }
    flow.place(meta);
    flow.place(theme.full_rule(1.5 * MM, false));
    flow.place(party_block(
        theme,
        &l.received_from,
        &doc.client,
        &l.login,
        x,
        w,
    ));
    flow.place(theme.full_rule(1.5 * MM, false));

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
            flow.place(kv(&paid.number, value, false));
        }
    }
    if let Some((label, value)) = remaining(doc) {
        flow.place(theme.full_rule(1.5 * MM, false));
        flow.place(kv(label, value, true));
    }
}
