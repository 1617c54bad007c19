### The operator console: its frame, sign-in, and each page's own words (one section per
### page module of src/http/console/). Words shared with the portal are in common.ftl.

## Frame and sign-in (ui.rs, login.rs)

nav-cashier = Cashier
console-menu = Main menu
console-skip-to-content = Skip to content
console-language = Language
console-welcome = Welcome.
console-login-failed = Wrong user name or password.
console-too-many = Too many attempts. Try again in { $seconds } s.
console-form-has-errors = Please correct the fields marked below.
console-forbidden = Your role may not open this page or do this.
console-not-found = This page or record does not exist.
console-unavailable = Not reachable now
console-internal-error = Something went wrong on the server. Nothing was changed; please try again.
console-csrf-refused = This form has expired or did not come from this console: reload the page and send it again.
console-error-title = Cannot show this
error-invalid-value = is not a valid value
error-logo-size = must be at most 256 KiB
error-logo-kind = must be a PNG, JPEG or WebP image
field-logo = Logo

## Dashboard (dashboard.rs)
dash-today = Today:
dash-invoices = { $count ->
    [one] 1 invoice
   *[other] { $count } invoices
}
dash-due-today = Due today
dash-due-week = Due in the next 7 days
dash-overdue-count = Overdue invoices
dash-overdue-amount = Overdue amount
dash-collected-today = Collected today
dash-collected-month = Collected this month
dash-suspended-clients = Suspended clients
dash-routers-up = Routers reachable
dash-routers-down = Routers unreachable
dash-routers-unknown = { $count } not checked yet
dash-failed-objects = Failed router objects
dash-last-run = Last billing run
dash-no-run = No billing run yet.
dash-run-generation = Invoice generation
dash-run-cut-off = Cut-off
dash-run-summary = { $kind } for { $date } by { $actor }: { $created } invoices created, { $suspended } subscriptions suspended.
dash-chart-money = Invoiced and collected, last 12 months
dash-chart-money-desc = Bars for each month: the amount invoiced (void invoices excluded) and the amount collected (successful payments).
dash-invoiced = Invoiced
dash-collected = Collected
dash-chart-subs = Subscribers over time
dash-chart-subs-desc = Points for the end of each month and today: active and suspended subscriptions.
dash-active = Active
dash-suspended = Suspended
dash-month = Month
dash-date = Date
dash-charts-age = The charts are brought up to date at most once a minute.


## Clients and chasing (clients.rs, chasing.rs)

clients-pages = Pages
clients-page-of = Page { $page } of { $pages } ({ $total } in all)
clients-status = Status
client-standing-active = Active
client-standing-suspended = Suspended
client-standing-none = No service
clients-search-label = Search by name, phone or PPP name
clients-none-found = No client matches this search.
clients-none-yet = No clients yet.
clients-new = New client
clients-edit-title = Edit { $name }
clients-router-default = The default router
clients-router-unchanged = Unchanged
clients-password-unchanged = Leave the password empty to keep the current one.
clients-contact = Contact details
clients-no-router = The client is on no router.
clients-delete-confirm = Delete the client { $name }? This cannot be undone.
clients-plan = Plan
clients-period = Period
clients-no-subscriptions = No subscriptions yet.
clients-new-subscription = New subscription
clients-timeline = Invoices, payments and history
clients-timeline-empty = Nothing yet.
clients-timeline-invoice = Invoice { $number } for { $amount }, due { $due }
clients-record-payment = Record payment
clients-timeline-payment = Payment of { $amount } for { $number } ({ $method }), recorded by { $by }
clients-event-disabled = Disconnected by { $by }
clients-event-enabled = Connected by { $by }
clients-event-exempted = Exempted from cut-off by { $by }
clients-event-exemption-lifted = Exemption from cut-off ended by { $by }
clients-event-promise = Promise to pay granted by { $by }
clients-event-promise-withdrawn = Promise to pay withdrawn by { $by }
clients-event-terms = Collection terms changed by { $by }
clients-collection = Collection
clients-collection-as-plan = As the plan says
clients-collection-exempt = Exempt from cut-off
clients-collection-promised = Promised to pay by { $date }: no cut-off until then
clients-collection-grace = Own grace: { $days } days after the due date
clients-collection-grace-plan = Grace as the plan says
clients-collection-grant-promise = Grant promise to pay
clients-collection-withdraw-promise = Withdraw the promise
clients-collection-terms = Own grace and cut-off
clients-collection-lift-exemption = End the exemption
clients-collection-exempt-reason = Why exempt (kept in the history)
clients-collection-exempt-action = Exempt from cut-off
clients-back-to-list = Back to the client list
clients-router-state = Router connection
clients-router-loading = Asking the router…
clients-router-open = Ask the router now
clients-router-refresh = Ask again
clients-router-asked = As the router { $router } says now.
clients-router-timeout = The router { $router } did not answer within { $seconds } s. Try again later.
clients-router-unreachable = The router { $router } cannot be reached now.
clients-reason = Reason (kept in the history)
clients-disconnect = Disconnect
clients-connect = Connect
clients-secret = PPP secret
clients-secret-enabled = Enabled
clients-secret-disabled = Disabled
clients-secret-missing = Missing on the router
clients-secret-unknown = Unknown
clients-session-active = Online
clients-session-address = address
clients-session-uptime = for
clients-session-none = Not connected now.
clients-connected = The client is connected again.
clients-disconnected = The client is disconnected.
clients-connect-queued = The router has not answered yet: the client will be connected as soon as it does.
clients-disconnect-queued = The router has not answered yet: the client will be disconnected as soon as it does.
error-client-has-subscriptions = the client has subscriptions; cancel them instead of deleting the client
error-ppp-name-taken = { $name } is already taken by another client
chasing-summary = { $count ->
        [one] One client is
       *[other] { $count } clients are
    } overdue on { $date }, the longest overdue first.
chasing-none = No client is overdue.
chasing-owed = Owed
chasing-overdue = Overdue
chasing-actions = Actions
chasing-invoices = { $count } invoices
chasing-days = { $days ->
        [one] { $days } day
       *[other] { $days } days
    }
chasing-due-since = due { $date }
chasing-call = Call
chasing-whatsapp = WhatsApp
chasing-disconnect-confirm = Disconnect { $name } now?
chasing-reason = overdue: { $number }
chasing-whatsapp-message = Dear { $client_name }, this is { $provider_name }. { $count ->
        [one] Your internet invoice { $invoice_number } was due on { $due_date } and is overdue.
       *[other] Your { $count } internet invoices are overdue, the oldest ({ $invoice_number }) since { $due_date }.
    } The amount owed is { $amount }. Please pay as soon as possible to avoid your service being suspended. If you have already paid, please ignore this message. Thank you.

## Cashier, invoices, subscriptions and plans (cashier.rs, invoices.rs, subscriptions.rs, plans.rs)

# Shared by these pages (billing_kit.rs)
billing-actions = Actions
billing-any = Any
billing-choose = Choose…
billing-client = Client
billing-client-id = Client ID
billing-plan = Plan
billing-price = Price
billing-start = Start
billing-end = End
billing-status = Status
billing-invoice-number = Invoice
billing-period = Period
billing-due-date = Due
billing-total = Total
billing-remaining = Remaining
billing-filter = Filter
billing-pages = Pages
billing-rows = { $count ->
    [one] { $count } row
   *[other] { $count } rows
}
billing-print = Print
billing-paper = Paper:
billing-paper-a4 = A4
billing-paper-80 = 80 mm receipt
billing-paper-58 = 58 mm receipt
billing-phone = Phone
billing-logo-alt = { $provider_name } logo
billing-form-sent = This form was already sent with other values, or is still being recorded. Reload the page and check before sending it again.
error-no-such-client = does not name a client
error-no-such-plan = does not name a plan
error-plan-not-active = names a plan that is no longer sold
error-new-cancelled = cannot be cancelled for a new subscription
error-in-future = must not be in the future
error-reference = must be at most 100 characters, without control characters
# Plans (plans.rs)
plans-new = New plan
plans-collection = Collection
plans-grace-hint = Days after the due date before the cut-off; blank: the global setting. A client's own grace comes first.
plans-reminders-hint = Days from the due date on which unpaid clients are reminded, such as -3, 0, 1, 3; blank: the global schedule.
plans-throttle-hint = The low-rate PPP profile throttled clients get: one on the router, or another plan's profile (created for you).
plans-overdue-cut-off = Cut off (the router's suspend mode)
plans-overdue-throttle = Throttle to the throttle profile
plans-edit = Edit plan
plans-none = No plans yet.
plans-saved = The plan was saved.
plans-period = Period
plans-active = On sale
plans-unit-month = Months
plans-unit-day = Days
plans-period-month = { $count ->
    [one] 1 month
   *[other] { $count } months
}
plans-period-day = { $count ->
    [one] 1 day
   *[other] { $count } days
}
plans-price-hint = In { $currency }, as you would write it: 150000, 150.000 or 150.000,50.
# Subscriptions (subscriptions.rs)
subscriptions-new = New subscription
subscriptions-none = No subscriptions match.
subscriptions-number = Number
subscriptions-title = Subscription #{ $number }
subscriptions-for = For
subscriptions-no-plans = No plan is on sale: create or reactivate one first.
subscriptions-end-hint = Leave the end date empty for one billing period.
subscriptions-invoices = The client's invoices
subscriptions-change-status = Change status
subscriptions-reason = Reason
subscriptions-suspend = Suspend
subscriptions-reactivate = Reactivate
subscriptions-cancel = Cancel subscription
subscriptions-history = History
subscriptions-end-moved = End date { $from } → { $to }
subscriptions-event-created = Created
subscriptions-event-updated = Changed
subscriptions-event-status-changed = Status changed
subscriptions-event-renewed = Renewed
subscriptions-event-suspended = Suspended
subscriptions-event-reactivated = Reactivated
# Invoices (invoices.rs)
invoices-list = Invoices
invoices-none = No invoices match.
invoices-from = Invoice date from
invoices-to = Invoice date to
invoices-overdue-only = Overdue only
invoices-billing-run = Billing run
invoices-billing-run-hint = Issues the invoices due for this date, then cuts off subscriptions unpaid past their grace, as the daily run does. Running it again issues nothing twice.
invoices-run-date = Run date
invoices-run = Run billing
invoices-run-created = Invoices created
invoices-run-existing = Already invoiced
invoices-run-first = First number
invoices-run-last = Last number
invoices-run-total = Amount invoiced
invoices-run-cut-off = Subscriptions cut off
invoices-run-reminders = Messages queued
invoices-run-expired = Subscriptions expired
invoices-run-show = Show the invoices of this run
# Cashier (cashier.rs)
cashier-search-label = Client name, phone or PPP name
cashier-search-hint = Type a few letters of the client's name, phone number or PPP name.
cashier-no-client = No client found.
cashier-nothing-owed = Nothing is owed.
cashier-total-owed = Total owed
cashier-pay = Pay
cashier-pay-title = Pay { $invoice_number }
cashier-reference = Reference (optional)
cashier-record = Record payment
cashier-not-open = Nothing is owed on this invoice.
cashier-another = Another client
cashier-client-page = Client page
cashier-day-link = My day: what I recorded
cashier-day-title = My day, { $date }
cashier-day-date = Day
cashier-day-none = Nothing recorded on this day.
cashier-day-time = Recorded at
cashier-day-client = Client
cashier-day-method = Method
cashier-day-amount = Amount
cashier-day-by-method = Successful payments by method (to hand in)
cashier-day-total = Total collected
cashier-back-to-client = Back to the client
cashier-share = Share by WhatsApp
cashier-receipt-share =
    Payment receipt { $receipt_number } from { $provider_name }

    Received from: { $client_name }
    Invoice: { $invoice_number }
    Amount paid: { $amount }
    Date: { $payment_date }
    Remaining: { $remaining }
    Status: { $status }

    Thank you.


## Routers, users and settings (routers.rs, users.rs, settings.rs)
users-new = New user
users-created = The user was created.
users-saved = Saved.
users-deleted = The user was deleted.
users-revoked = The user's sessions were ended.
users-status = Status
users-actions = Actions
users-role-of = Role of { $username }
users-change-role = Change role
users-active = Active
users-disabled = Disabled
users-enable = Enable
users-disable = Disable
users-new-password = New password for { $username }
users-reset-password = Reset password
users-revoke = End sessions
users-delete-confirm = Delete the user { $username }? They can no longer sign in; the name stays reserved.
settings-provider = Provider
settings-region = Currency, language and time
settings-billing = Billing
settings-saved = The settings were saved and are in effect now.
settings-logo-alt = The current logo
settings-logo-hint = PNG, JPEG or WebP, at most 256 KiB.
settings-logo-upload = Upload logo
settings-logo-remove = Remove logo
settings-logo-saved = The logo was saved.
settings-logo-removed = The logo was removed.
field-provider-name = Provider name
field-provider-address = Provider address
field-provider-phone = Provider phone
field-provider-email = Provider email
field-tax-number = Tax number (NPWP)
field-currency = Currency
field-default-language = Default language
field-time-zone = Time zone
field-invoice-days-before = Days before the end date to invoice
field-invoice-due-days = Days until an invoice is due
field-grace-days = Grace days before cut-off
field-payment-methods = Payment methods accepted
settings-payment-methods-hint = Words separated by commas, in the order the payment form offers them: cash, bank_transfer, qris, … (a method of your own, such as gopay, is shown as you type it).
field-is-default = Default router for new clients
routers-new = New router
routers-edit = Edit router
routers-saved = The router was saved.
routers-deleted = The router was deleted.
routers-none = No router yet.
routers-status = Status
routers-up = Reachable
routers-down = Unreachable
routers-unknown = Not checked yet
routers-queue = Queue
routers-failed = Failed
routers-default = default
routers-retry = Retry failed
routers-retried = { $count } objects are back in the queue.
routers-reconcile = Reconcile
routers-identity = Identity
routers-version = RouterOS version
routers-board = Board
routers-failed-objects = Failed objects
routers-show-failed = Show the failed objects
routers-no-failed = No failed objects.
routers-failed-count = { $count } failed objects.
routers-object = Object
routers-error = Error
routers-changed = Changed
routers-drift = Differences from the database
routers-no-drift = The router holds what the database says.
routers-drift-missing = Secrets missing on the router
routers-drift-extra = Secrets of ours no client accounts for
routers-drift-wrong = Secrets that differ
routers-drift-missing-profiles = Profiles missing on the router
routers-drift-isolation = Isolation setup (mikronet router-setup prints the script)
routers-drift-wrong-profiles = Profiles that differ
routers-drift-left-alone = Secrets that are not ours (left alone)
routers-repairs = Repairs
routers-outcome = Outcome
routers-outcome-repaired = Repaired
routers-outcome-failing = Refused by the router
routers-outcome-pending = Not applied yet
routers-drift-remains = The router still differs from the database.
routers-drift-gone = The router now holds what the database says.
routers-apply = Apply the repairs
routers-suspend-disable = Disable the secret
routers-suspend-isolate = Move to the isolation profile
routers-password-unchanged = Leave the password empty to keep it; it is needed again when host, port or connection change.
routers-delete-confirm = Delete the router { $name }?


clients-messages = Messages
clients-messages-hint = WhatsApp goes to the phone number; reminders follow the plan's schedule or the global one.
clients-messages-language-default = The provider's language
clients-messages-none = No message yet.
clients-messages-at = Queued
clients-messages-event = About
clients-messages-channel = Channel
clients-messages-status = Status
clients-messages-detail = To / answer

invoices-online = Online payment
invoices-online-start = Pay link through { $gateway }
invoices-online-hint = Creates a payment at the gateway for what is still owed; send the link to the client. The invoice is paid as soon as the gateway confirms.
invoices-online-link = Payment page
