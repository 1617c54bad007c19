//! The invoice layouts.

use crate::flow::{Block, Flow, MM, Op, Place};
use crate::layout::{Logo, Page, Theme, Top, labelled, paragraph, unbreakable};
use crate::model::{InvoiceDoc, Labels, Line, LineTax};
use crate::text::{Style, width, wrap};
use crate::{Error, Layout};

pub(crate) fn render(doc: &InvoiceDoc, layout: Layout) -> Result<Vec<u8>, Error> {
    let mut page = Page::new(layout, &doc.provider, &doc.footer, &doc.labels)?;
    let logo = page.logo.as_ref();
    if page.theme.thermal {
        thermal(doc, &page.theme, logo, &mut page.flow);
    } else {
        a4(doc, &page.theme, logo, &mut page.flow);
    }
    page.finish(&format!("{} {}", doc.labels.invoice, doc.number))
}

/// The dates beside (or under) the client.
fn top<'a>(doc: &'a InvoiceDoc, logo: Option<&'a Logo>) -> Top<'a> {
    let l = &doc.labels;
    let mut facts = vec![
        (l.invoice_date.as_str(), doc.invoice_date.as_str(), false),
        (&l.due_date, &doc.due_date, true),
    ];
    if let Some(period) = &doc.period {
        facts.push((&l.period, period, false));
    }
    Top {
        provider: &doc.provider,
        logo,
        labels: l,
        title: &l.invoice,
        number: &doc.number,
        status: doc.status.as_deref(),
        party_heading: &l.bill_to,
        party: &doc.client,
        facts,
    }
}

fn a4(doc: &InvoiceDoc, theme: &Theme, logo: Option<&Logo>, flow: &mut Flow) {
    top(doc, logo).place(theme, flow);
    flow.gap(7.0 * MM);
    lines_table(doc, theme, flow);
    flow.gap(4.0 * MM);
    flow.place(a4_totals(doc, theme));
    how_to_pay(doc, theme, flow, 8.0 * MM);
}

/// The widths (points) of the A4 lines table's columns, left to right, and the padding and
/// gap between them. The money columns are named `_width`: they hold no money.
struct Columns {
    pad: f32,
    gap: f32,
    description: f32,
    period: Option<f32>,
    quantity: f32,
    unit_price_width: f32,
    amount_width: f32,
}

impl Columns {
    fn measure(doc: &InvoiceDoc, theme: &Theme) -> Self {
        let l = &doc.labels;
        let header = theme.small_bold;
        let body = theme.body;
        let natural = |label: &str, values: &mut dyn Iterator<Item = &str>, cap: f32| {
            values
                .map(|v| width(v, body))
                .fold(width(&label.to_uppercase(), header), f32::max)
                .clamp(8.0 * MM, cap)
        };
        let has_period = doc
            .lines
            .iter()
            .any(|line| line.period.as_deref().is_some_and(|p| !p.trim().is_empty()));
        let period = has_period.then(|| {
            let mut values = doc.lines.iter().filter_map(|line| line.period.as_deref());
            natural(&l.period, &mut values, 36.0 * MM)
        });
        let quantity = natural(
            &l.quantity,
            &mut doc.lines.iter().map(|x| x.quantity.as_str()),
            18.0 * MM,
        );
        let unit_price = natural(
            &l.unit_price,
            &mut doc.lines.iter().map(|x| x.unit_price.as_str()),
            34.0 * MM,
        );
        let amount = natural(
            &l.amount,
            &mut doc.lines.iter().map(|x| x.amount.as_str()),
            36.0 * MM,
        );
        let pad = 2.0 * MM;
        let gap = 4.0 * MM;
        let gaps = gap * if has_period { 4.0 } else { 3.0 };
        let fixed = period.unwrap_or(0.0) + quantity + unit_price + amount + gaps + 2.0 * pad;
        let description = (theme.width() - fixed).max(40.0 * MM);
        let mut columns = Self {
            pad,
            gap,
            description,
            period,
            quantity,
            unit_price_width: unit_price,
            amount_width: amount,
        };
        // Very wide values can squeeze the description below its minimum: give it back
        // from the widest of the other columns, which then wrap.
        let overflow = fixed + description - theme.width();
        if overflow > 0.0 {
            let share = overflow / if has_period { 4.0 } else { 3.0 };
            columns.quantity = (columns.quantity - share).max(8.0 * MM);
            columns.unit_price_width = (columns.unit_price_width - share).max(8.0 * MM);
            columns.amount_width = (columns.amount_width - share).max(8.0 * MM);
            columns.period = columns.period.map(|p| (p - share).max(8.0 * MM));
        }
        columns
    }

    /// Left edges of description, period, quantity, unit price, amount.
    fn xs(&self, left: f32) -> [f32; 5] {
        let description = left + self.pad;
        let period = description + self.description + self.gap;
        let quantity = period + self.period.map_or(0.0, |p| p + self.gap);
        let unit_price = quantity + self.quantity + self.gap;
        let amount = unit_price + self.unit_price_width + self.gap;
        [description, period, quantity, unit_price, amount]
    }
}

fn lines_table(doc: &InvoiceDoc, theme: &Theme, flow: &mut Flow) {
    let l = &doc.labels;
    let columns = Columns::measure(doc, theme);
    let [x_desc, x_period, x_qty, x_unit, x_amount] = columns.xs(theme.left());

    // Header row on a tinted band.
    let pad_y = 1.6 * MM;
    let style = theme.small_bold;
    let mut cells = Block::new();
    let mut cell = |text: &str, place: Place, width: f32| {
        cells.lines(
            pad_y,
            wrap(&text.to_uppercase(), style, width),
            place,
            theme.muted,
        );
    };
    cell(&l.description, Place::Left(x_desc), columns.description);
    if let Some(w) = columns.period {
        cell(&l.period, Place::Left(x_period), w);
    }
    cell(
        &l.quantity,
        Place::Right {
            right: x_qty + columns.quantity,
        },
        columns.quantity,
    );
    cell(
        &l.unit_price,
        Place::Right {
            right: x_unit + columns.unit_price_width,
        },
        columns.unit_price_width,
    );
    cell(
        &l.amount,
        Place::Right {
            right: x_amount + columns.amount_width,
        },
        columns.amount_width,
    );
    let mut header = Block::new();
    let height = cells.height + pad_y;
    header.push(
        0.0,
        height,
        Op::Rect {
            x: theme.left(),
            width: theme.width(),
            color: theme.shade,
        },
    );
    header.append_at(cells, 0.0);

    let rows: Vec<Block> = doc
        .lines
        .iter()
        .map(|line| table_row(line, doc, theme, &columns))
        .collect();
    // The header never ends a page on its own.
    flow.need(header.height + rows.first().map_or(0.0, |r| r.height.min(30.0 * MM)));
    flow.place(header.clone());
    flow.repeat = Some(header);
    for row in rows {
        flow.place(row);
    }
    flow.repeat = None;
}

fn table_row(line: &Line, doc: &InvoiceDoc, theme: &Theme, columns: &Columns) -> Block {
    let l = &doc.labels;
    let [x_desc, x_period, x_qty, x_unit, x_amount] = columns.xs(theme.left());
    let pad_y = 1.8 * MM;
    let body = theme.body;
    let mut row = Block::new();
    let description_bottom = row.lines(
        pad_y,
        wrap(&line.description, body, columns.description),
        Place::Left(x_desc),
        theme.text,
    );
    let mut span_bottom = description_bottom;
    if let (Some(w), Some(period)) = (columns.period, &line.period) {
        let bottom = row.lines(
            pad_y,
            wrap(period, body, w),
            Place::Left(x_period),
            theme.muted,
        );
        span_bottom = span_bottom.max(bottom);
    }
    let numbers = [
        (&line.quantity, x_qty, columns.quantity),
        (&line.unit_price, x_unit, columns.unit_price_width),
        (&line.amount, x_amount, columns.amount_width),
    ];
    for (text, x, w) in numbers {
        row.lines(
            pad_y,
            wrap(text, body, w),
            Place::Right { right: x + w },
            theme.text,
        );
    }
    if let Some(tax) = &line.tax {
        let text = line_tax_text(l, tax);
        let span = x_qty - columns.gap - x_desc;
        row.lines(
            span_bottom + 0.5,
            wrap(&text, theme.small, span),
            Place::Left(x_desc),
            theme.muted,
        );
    }
    let bottom = row.height + pad_y;
    row.push(bottom, 0.5, theme.hairline());
    row
}

/// A taxable line's base, tax and total: `DPP Rp 137.500 · PPN Rp 16.500 · Total Rp 166.500`,
/// wrapping only between the three parts.
fn line_tax_text(l: &Labels, tax: &LineTax) -> String {
    [
        (&l.tax_base, &tax.base),
        (&l.tax, &tax.tax),
        (&l.total, &tax.total),
    ]
    .map(|(label, value)| unbreakable(&format!("{label} {value}")))
    .join(" · ")
}

fn a4_totals(doc: &InvoiceDoc, theme: &Theme) -> Block {
    let l = &doc.labels;
    let box_width = (theme.width() * 0.46).max(70.0 * MM).min(theme.width());
    let pad = 2.0 * MM;
    let x = theme.right() - box_width + pad;
    let inner = box_width - 2.0 * pad;
    let row = |label: &str, value: &str, style: Style, color| {
        labelled(label, value, x, inner, (style, color), (style, color))
    };
    let mut block = Block::new();
    if let Some(subtotal) = &doc.subtotal {
        block.append(row(&l.subtotal, subtotal, theme.body, theme.text), 0.0);
    }
    for tax in &doc.taxes {
        let mut entry = row(&tax.label, &tax.amount, theme.body, theme.text);
        let base = format!("{} {}", l.tax_base, tax.base);
        entry.append(
            paragraph(&base, theme.small, x, inner * 0.62, theme.muted),
            0.0,
        );
        block.append(entry, 1.2 * MM);
    }
    if !block.items.is_empty() {
        block.append(theme.rule(x - pad, box_width, 1.5 * MM, false), 0.0);
    }
    block.append(row(&l.total, &doc.total, theme.total, theme.text), 0.0);
    block.append(
        row(&l.amount_paid, &doc.amount_paid, theme.body, theme.text),
        1.5 * MM,
    );

    let mut balance = row(&l.balance_due, &doc.balance_due, theme.total, theme.accent);
    let band_pad = 1.8 * MM;
    let mut band = Block::new();
    band.push(
        0.0,
        balance.height + 2.0 * band_pad,
        Op::Rect {
            x: x - pad,
            width: box_width,
            color: theme.highlight,
        },
    );
    for item in &mut balance.items {
        item.y += band_pad;
    }
    band.append_at(balance, 0.0);
    band.height += band_pad;
    block.append(band, 2.0 * MM);
    block
}

fn payment_link(doc: &InvoiceDoc) -> Option<&str> {
    doc.payment_link.as_deref().filter(|s| !s.trim().is_empty())
}

fn has_payment_section(doc: &InvoiceDoc) -> bool {
    !doc.how_to_pay.trim().is_empty() || payment_link(doc).is_some()
}

/// "How to pay" and the payment link, under everything else.
fn how_to_pay(doc: &InvoiceDoc, theme: &Theme, flow: &mut Flow, gap: f32) {
    let l = &doc.labels;
    let link = payment_link(doc);
    if !has_payment_section(doc) {
        return;
    }
    flow.gap(gap);
    let (x, w) = (theme.left(), theme.width());
    let mut block = theme.heading(&l.how_to_pay, x, w);
    block.pad_bottom(1.0 * MM);
    let text = paragraph(&doc.how_to_pay, theme.body, x, w, theme.text);
    let first_line = text.items.first().map_or(0.0, |i| i.height);
    block.append(text, 0.0);
    if let Some(link) = link {
        let line = format!("{}: {link}", l.payment_link);
        let mut text = paragraph(&line, theme.body_bold, x, w, theme.accent);
        clickable(&mut text, link.trim());
        block.append(text, 1.5 * MM);
    }
    // The heading stays with the first line of text.
    flow.need(theme.small_bold.line_height() + first_line + 1.0 * MM);
    flow.place(block);
}

/// Makes every line of `block` open `url` when clicked, if it is a web address.
fn clickable(block: &mut Block, url: &str) {
    let is_web = url.starts_with("https://") || url.starts_with("http://");
    if !is_web || url.contains(char::is_whitespace) {
        return;
    }
    let links: Vec<_> = block
        .items
        .iter()
        .filter_map(|item| match &item.op {
            Op::Text { x, run, .. } => Some((item.y, item.height, *x, run.width)),
            _ => None,
        })
        .collect();
    for (y, height, x, width) in links {
        let url = url.to_owned();
        block.push(y, height, Op::Link { x, width, url });
    }
}

fn thermal(doc: &InvoiceDoc, theme: &Theme, logo: Option<&Logo>, flow: &mut Flow) {
    let l = &doc.labels;
    let (x, w) = (theme.left(), theme.width());
    top(doc, logo).place(theme, flow);

    for (i, line) in doc.lines.iter().enumerate() {
        if i > 0 {
            flow.gap(2.0 * MM);
        }
        let mut entry = paragraph(&line.description, theme.body_bold, x, w, theme.text);
        if let Some(period) = &line.period {
            entry.append(paragraph(period, theme.small, x, w, theme.text), 0.0);
        }
        let each = format!("{} × {}", line.quantity, line.unit_price);
        entry.append(
            labelled(
                &each,
                &line.amount,
                x,
                w,
                (theme.body, theme.text),
                (theme.body, theme.text),
            ),
            0.0,
        );
        if let Some(tax) = &line.tax {
            let text = line_tax_text(l, tax);
            entry.append(paragraph(&text, theme.small, x, w, theme.text), 0.0);
        }
        flow.place(entry);
    }
    flow.place(theme.full_rule(1.5 * MM, false));

    let mut totals = Block::new();
    if let Some(subtotal) = &doc.subtotal {
        totals.append(theme.row(&l.subtotal, subtotal, false), 0.5 * MM);
    }
    for tax in &doc.taxes {
        let mut entry = theme.row(&tax.label, &tax.amount, false);
        let base = format!("{} {}", l.tax_base, tax.base);
        entry.append(paragraph(&base, theme.small, x, w * 0.6, theme.text), 0.0);
        totals.append(entry, 0.5 * MM);
    }
    let total = labelled(
        &l.total,
        &doc.total,
        x,
        w,
        (theme.total, theme.text),
        (theme.total, theme.text),
    );
    totals.append(total, 1.0 * MM);
    totals.append(theme.row(&l.amount_paid, &doc.amount_paid, false), 0.5 * MM);
    totals.append(theme.row(&l.balance_due, &doc.balance_due, true), 0.5 * MM);
    flow.place(totals);
    if has_payment_section(doc) {
        flow.place(theme.full_rule(1.5 * MM, false));
    }
    how_to_pay(doc, theme, flow, 0.0);
}
