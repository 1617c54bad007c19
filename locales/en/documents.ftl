### Fixed words on invoices and receipts (PDF and the portal's printable pages).

doc-invoice = Invoice
doc-receipt = Receipt
doc-invoice-number = Invoice number
doc-invoice-date = Invoice date
doc-due-date = Due date
doc-period = Period
doc-description = Description
doc-quantity = Quantity
doc-unit-price = Unit price
doc-amount = Amount
doc-subtotal = Subtotal
doc-discount = Discount
doc-tax-base = Tax base (DPP)
# The tax base at 11/12 of the price that PMK 131/2024 sets for 12% VAT from 2025.
doc-tax-base-other-value = Tax base, other value (DPP Nilai Lain)
doc-vat = VAT (PPN)
# $rate: the VAT rate in percent, e.g. 12.
doc-vat-rate = VAT (PPN) { $rate }%
doc-total = Total
doc-amount-paid = Amount paid
doc-balance-due = Balance due
doc-credit = Credit
doc-how-to-pay = How to pay
doc-bill-to = Bill to
doc-pay-by = Please pay by { $due_date }.
doc-thank-you-payment = Thank you for your payment.
doc-thank-you-business = Thank you for choosing { $provider_name }.
doc-cashier = Cashier
doc-payment-method = Payment method
doc-reference = Reference
doc-receipt-number = Receipt number
doc-payment-date = Payment date
doc-received-from = Received from
doc-for-payment-of = For payment of
doc-amount-in-words = Amount in words
doc-customer-id = Customer ID
doc-tax-id = Tax ID (NPWP)
doc-subscription-line = Internet service: { $plan_name }
doc-stamp-paid = PAID
doc-stamp-void = VOID
doc-page = Page { $page } of { $pages }
doc-electronic = This document was issued electronically and is valid without a signature.
