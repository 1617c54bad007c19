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


## Cashier, invoices, subscriptions and plans (cashier.rs, invoices.rs, subscriptions.rs, plans.rs)


## Routers, users and settings (routers.rs, users.rs, settings.rs)

