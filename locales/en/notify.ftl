### Messages to clients, sent by WhatsApp (the body) or email (the -subject line and the body).
### Plain text with line breaks: no WhatsApp *bold*, so the same text reads well in an email.
### Placeholders, all given as finished text except $days (a number):
###   $client_name, $provider_name, $invoice_number, $amount (formatted money),
###   $due_date (formatted date), $days, $payment_link, $portal_link, $receipt_link.

notify-invoice-issued-subject = Invoice { $invoice_number } from { $provider_name }
notify-invoice-issued =
    Dear { $client_name },

    Your internet invoice { $invoice_number } for { $amount } is ready. Please pay by { $due_date }.

    Pay online: { $payment_link }

    Thank you,
    { $provider_name }

# $days: days left until the due date (1 or more).
notify-reminder-before-due-subject = Reminder: invoice { $invoice_number } is due on { $due_date }
notify-reminder-before-due =
    Dear { $client_name },

    A friendly reminder: your internet invoice { $invoice_number } for { $amount } is due { $days ->
        [1] tomorrow
       *[other] in { $days } days
    }, on { $due_date }.

    Pay online: { $payment_link }

    If you have already paid, please ignore this message.

    Thank you,
    { $provider_name }

notify-due-today-subject = Invoice { $invoice_number } is due today
notify-due-today =
    Dear { $client_name },

    Your internet invoice { $invoice_number } for { $amount } is due today, { $due_date }. Please pay today to keep your connection running.

    Pay online: { $payment_link }

    If you have already paid, please ignore this message.

    Thank you,
    { $provider_name }

# $days: days since the due date (1 or more).
notify-overdue-subject = Invoice { $invoice_number } is overdue
notify-overdue =
    Dear { $client_name },

    Your internet invoice { $invoice_number } for { $amount } was due on { $due_date } and is { $days ->
        [one] { $days } day
       *[other] { $days } days
    } overdue. Please pay as soon as possible to avoid your service being suspended.

    Pay online: { $payment_link }

    Thank you,
    { $provider_name }

notify-suspended-subject = { $provider_name }: your internet service is suspended
notify-suspended =
    Dear { $client_name },

    We are sorry: your internet service has been suspended because invoice { $invoice_number } for { $amount } is unpaid.

    To reconnect, pay online: { $payment_link }
    or see your invoices in the customer portal: { $portal_link }

    Your service comes back on by itself as soon as your payment is confirmed.

    Thank you,
    { $provider_name }

notify-reconnected-subject = { $provider_name }: your internet service is active again
notify-reconnected =
    Dear { $client_name },

    Thank you for your payment. Your internet service is active again.

    If you still cannot connect, please restart your modem or router.

    { $provider_name }

notify-payment-received-subject = Payment received for invoice { $invoice_number }
notify-payment-received =
    Dear { $client_name },

    We have received your payment of { $amount } for invoice { $invoice_number }. Thank you!

    Your receipt: { $receipt_link }

    { $provider_name }

notify-welcome-subject = Welcome to { $provider_name }
notify-welcome =
    Dear { $client_name },

    Welcome to { $provider_name }! Your internet service is now active.

    In the customer portal you can see your invoices and pay online: { $portal_link }

    Thank you for choosing us,
    { $provider_name }
