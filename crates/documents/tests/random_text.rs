//! Random strings in every field — any Unicode, control characters, long words, thousands of
//! characters — render in every layout without a panic or an error.

use documents::{
    InvoiceDoc, Labels, Layout, Line, LineTax, PaidInvoice, Party, Provider, ReceiptDoc, Remaining,
    TaxSummary, render_invoice, render_receipt,
};
use proptest::prelude::*;

fn text() -> impl Strategy<Value = String> {
    prop_oneof![
        4 => "\\PC{0,40}",
        2 => any::<String>(),
        1 => "[A-Za-zÀ-ÿ’“”–×· \n\t]{200,1500}",
        1 => "[a-zë/-]{300,900}",
        1 => Just(String::new()),
    ]
}

/// Hands out the generated strings one by one.
struct Pool(std::vec::IntoIter<String>);

impl Pool {
    fn s(&mut self) -> String {
        self.0.next().unwrap_or_default()
    }

    fn opt(&mut self) -> Option<String> {
        let s = self.s();
        (!s.len().is_multiple_of(3)).then_some(s)
    }
}

fn labels(p: &mut Pool) -> Labels {
    let mut l = Labels::english();
    for field in [
        &mut l.invoice,
        &mut l.receipt,
        &mut l.description,
        &mut l.amount,
        &mut l.total,
        &mut l.balance_due,
        &mut l.tax_base,
        &mut l.page,
    ] {
        *field = p.s();
    }
    l
}

fn provider(p: &mut Pool) -> Provider {
    Provider {
        name: p.s(),
        address: p.s(),
        contact: p.s(),
        tax_number: p.opt(),
        logo: None,
    }
}

fn party(p: &mut Pool) -> Party {
    Party {
        name: p.s(),
        address: p.s(),
        login: p.opt(),
    }
}

fn invoice(p: &mut Pool, lines: usize) -> InvoiceDoc {
    InvoiceDoc {
        labels: labels(p),
        provider: provider(p),
        client: party(p),
        number: p.s(),
        invoice_date: p.s(),
        due_date: p.s(),
        period: p.opt(),
        status: p.opt(),
        lines: (0..lines)
            .map(|_| Line {
                description: p.s(),
                period: p.opt(),
                quantity: p.s(),
                unit_price: p.s(),
                amount: p.s(),
                tax: p.opt().map(|base| LineTax {
                    base,
                    tax: p.s(),
                    total: p.s(),
                }),
            })
            .collect(),
        subtotal: p.opt(),
        taxes: vec![TaxSummary {
            label: p.s(),
            base: p.s(),
            amount: p.s(),
        }],
        total: p.s(),
        amount_paid: p.s(),
        balance_due: p.s(),
        how_to_pay: p.s(),
        payment_link: p.opt(),
        footer: p.s(),
    }
}

fn receipt(p: &mut Pool) -> ReceiptDoc {
    ReceiptDoc {
        labels: labels(p),
        provider: provider(p),
        client: party(p),
        number: p.s(),
        payment_date: p.s(),
        method: p.s(),
        reference: p.opt(),
        amount: p.s(),
        paid_invoices: vec![PaidInvoice {
            number: p.s(),
            amount: p.opt(),
        }],
        cashier: p.opt(),
        remaining: p.opt().map(Remaining::Credit),
        footer: p.s(),
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 24, ..ProptestConfig::default() })]

    #[test]
    fn random_text_never_breaks_rendering(
        strings in prop::collection::vec(text(), 120),
        lines in 0usize..6,
    ) {
        let mut pool = Pool(strings.into_iter());
        let invoice = invoice(&mut pool, lines);
        let receipt = receipt(&mut pool);
        for layout in Layout::ALL {
            let pdf = render_invoice(&invoice, layout).map_err(|e| TestCaseError::fail(e.to_string()))?;
            prop_assert!(pdf.starts_with(b"%PDF-"));
            let pdf = render_receipt(&receipt, layout).map_err(|e| TestCaseError::fail(e.to_string()))?;
            prop_assert!(pdf.starts_with(b"%PDF-"));
        }
    }
}
