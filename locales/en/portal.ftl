### The customer portal (src/http/portal/): what a client reads on their phone.
### Words shared with the console (status words, field names, actions) are in common.ftl.

portal-title = Customer portal
portal-sign-in-intro = Sign in with the user name and password of your internet connection (PPPoE).
portal-field-username = Internet user name
portal-login-failed = The user name or password is wrong.
portal-home = Back to my account
portal-hello = Hello, { $name }
portal-your-service = Your connection
portal-status = Status
portal-plan = Plan
portal-until = until { $date }
portal-owed = You owe
portal-nothing-owed = Nothing to pay. Thank you!
portal-pay = Pay
portal-due = due { $date }
portal-invoices = Invoices
portal-payments = Payments
portal-no-invoices = No invoices yet.
portal-no-payments = No payments yet.
portal-invoice-number = Invoice
portal-invoice-title = Invoice { $number }
portal-period = Period
portal-due-date = Due date
portal-total = Total
portal-paid = Paid
portal-remaining = Still to pay
portal-date = Date
portal-reference = Reference
portal-receipt = Receipt
portal-download-pdf = Download PDF
portal-pay-online = Pay online
portal-pay-with = Pay with { $gateway }
portal-payment-waiting = A payment page is open for this invoice. Finish paying there; this page shows the payment a few seconds after it is done.
portal-continue-payment = Continue to the payment page
portal-no-gateway = Online payment is not available. Please pay at our office or by bank transfer.
portal-gateway-unavailable = The payment gateway cannot be reached just now. Please try again in a few minutes.
portal-bank-transfer-note = Write { $number } in the transfer's description; our cashier confirms the payment once it arrives.
portal-thanks = The invoice is paid. Thank you!
portal-promise-title = Promise to pay
portal-promise-intro = Need a few more days? Promise to pay by a day of your choice and your connection stays on until then. Once per invoice.
portal-promise-button = I promise to pay by this day
portal-promise-holding = Your promise to pay keeps your connection on until { $date }.
portal-promise-used = You have already promised to pay this invoice once.

## The notice page a cut-off client meets instead of the site they asked for.
portal-notice-title = Your internet service is paused
portal-notice-paused = Your internet service is paused because an invoice is unpaid. Pay now and it comes back within a minute.
portal-notice-restoring = Your connection is not paused, or it is being restored now. If pages still do not open in a minute, switch your modem off and on again.
portal-notice-unknown = This page is for clients whose service is paused. Your connection was not recognised here; sign in to see your invoices.
portal-notice-sign-in = Sign in to my account
portal-notice-back = Back
portal-notice-payment-being-made = Your payment page is being prepared. Go back and press the button again in a few seconds.
