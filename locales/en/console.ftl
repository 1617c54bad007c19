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

