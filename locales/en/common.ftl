### Words shared by the operator console and the customer portal: navigation, actions,
### status words, field names and the validation messages the domain produces.

app-name = MikroNet Billing

## Navigation

nav-dashboard = Dashboard
nav-clients = Clients
nav-chasing = Chasing
nav-plans = Plans
nav-subscriptions = Subscriptions
nav-invoices = Invoices
nav-payments = Payments
nav-routers = Routers
nav-users = Users
nav-settings = Settings

## Actions and answers

action-sign-in = Sign in
action-sign-out = Sign out
action-search = Search
action-save = Save
action-cancel = Cancel
action-delete = Delete
action-edit = Edit
action-back = Back
action-next = Next
action-previous = Previous
answer-yes = Yes
answer-no = No

## Status words: subscription-status-<status>, invoice-status-<status>, payment-status-<status>,
## with the domain's codes written in kebab-case (partially_paid: partially-paid).

subscription-status-active = Active
subscription-status-suspended = Suspended
subscription-status-expired = Expired
subscription-status-cancelled = Cancelled
invoice-status-pending = Unpaid
invoice-status-partially-paid = Partially paid
invoice-status-paid = Paid
invoice-status-void = Void
invoice-overdue = Overdue
payment-status-success = Successful
payment-status-pending = Pending
payment-status-failed = Failed

## Payment methods: payment-method-<method>

payment-method-cash = Cash
payment-method-bank-transfer = Bank transfer
payment-method-credit-card = Credit card
payment-method-e-wallet = E-wallet
payment-method-qris = QRIS
payment-method-virtual-account = Virtual account

## Roles: role-<role>

role-admin = Administrator
role-operator = Operator
role-cashier = Cashier

## Field names: field-<field>, the domain's field names in kebab-case
## (phone_number: field-phone-number).

field-name = Name
field-phone-number = Phone number
field-address = Address
field-ppp-secret-name = PPP secret name
field-password = Password
field-router-id = Router
field-username = Username
field-role = Role
field-plan-name = Plan name
field-price = Price
field-period-unit = Period unit
field-period-count = Number of periods
field-ppp-profile-name = PPP profile
field-rate-limit = Rate limit
field-overdue-action = When past grace
field-throttle-profile = Throttle profile
field-reminder-offsets = Reminder days
field-until = Until
field-reason = Reason
field-start-date = Start date
field-end-date = End date
field-host = Host
field-port = Port
field-transport = Connection
field-tls-fingerprint = TLS fingerprint
field-suspend-mode = Suspension method
field-isolation-profile = Isolation profile
field-amount = Amount
field-payment-method = Payment method
field-body = Request

## Validation messages: each follows the field's name ("Phone number is required").

error-required = is required
error-empty = must not be empty
error-control-chars = must not contain control characters
error-min-chars = must be at least { $min } characters
error-max-chars = must be at most { $max } characters
error-length-range = must be { $min } to { $max } characters
error-length-range-no-control = must be { $min } to { $max } characters, without control characters
error-max-bytes = must be at most { $max } bytes
error-number-range = must be from { $min } to { $max }
error-whole-number-range = must be a whole number from { $min } to { $max }
error-one-of = must be one of { $options }
error-either = must be { $first } or { $second }
error-phone-digits = must be 6 to 20 digits, optionally after a leading +
error-phone-chars = may contain only digits, spaces, dashes, dots, parentheses and a leading +
error-phone-no-digits = has no digits
error-phone-too-few-digits = has too few digits
error-phone-too-many-digits = has too many digits
error-phone-leading-zeros = has too many leading zeros
error-phone-country-code = must have a country code after + or 00
error-phone-country-setting = has no valid country code configured (1 to 3 digits, not starting with 0)
error-ppp-name-chars = may contain only ASCII letters, digits and punctuation other than " ' \ ` $ ; = ? #, without spaces
error-ascii-no-spaces = may contain only ASCII letters, digits and punctuation, without spaces
error-ascii-printable = may contain only ASCII letters, digits and punctuation
error-username-chars = may contain only letters, digits and . _ - @
error-no-changes = name at least one field to change
error-not-positive = must be greater than zero
error-negative = must not be negative
error-invoice-void = the invoice is void
error-invoice-paid = the invoice is already paid
error-overpayment = exceeds the amount outstanding ({ $outstanding })
error-out-of-range = is out of range
error-end-before-start = must not be before the start date
error-rate-limit = must be a RouterOS rate limit such as 10M/10M
error-time-zone = must be a time zone name such as Asia/Jakarta
error-email = must be an email address
error-days = must be from 0 to 366 days
error-methods-count = must name { $min } to { $max } payment methods
error-method-word = '{ $name }' is not a lower-case word of letters, digits and _ of at most 32 characters
error-method-twice = names '{ $name }' twice
error-host = must be a host name or IP address
error-fingerprint = must be a SHA-256 fingerprint: 64 hex digits
error-password-required-on-move = is required again when the host, port or transport change
error-isolation-profile-required = is required when suspended clients are isolated
error-reminder-schedule = must be up to 10 different whole numbers of days from the due date, from -30 to 60, separated by commas
error-quiet-hours = must be HH:MM-HH:MM such as 21:00-07:00
error-promise-range = must be from today to 60 days ahead
error-promise-offered = must be one of the days offered
error-promise-off = is not offered by the provider
error-promise-not-needed = is not needed: nothing is due
error-promise-holding = is already promised
error-promise-used = may be promised only once per invoice
error-throttle-profile-required = is required when overdue clients are throttled
error-amount = must be an amount with at most two decimals
error-amount-decimals = must have at most two decimals
error-amount-too-large = is too large
error-report-groups = must be a comma-separated list of day, month, method, cashier, router
error-report-group-twice = must name each group once
error-report-day-or-month = may group by day or by month, not both
error-amount-format = must be an amount such as 150000, 150.000 or 150.000,50
error-amount-ambiguous = is ambiguous: group thousands in threes (1.500.000) and write at most two decimals (1.500.000,50)
error-amount-currency = is in a different currency

# Messages to clients, as the console names them.
message-event-invoice-issued = Invoice issued
message-event-reminder-before-due = Reminder before the due date
message-event-due-today = Due today
message-event-overdue = Overdue
message-event-suspended = Service suspended
message-event-reconnected = Service back on
message-event-payment-received = Payment received
message-event-welcome = Welcome
message-channel-whatsapp = WhatsApp
message-channel-email = Email
message-status-pending = Waiting
message-status-sent = Sent
message-status-failed = Failed
message-status-skipped = Not sent
field-email = Email
field-language = Language of messages
field-whatsapp-opt-out = No WhatsApp messages
field-email-opt-out = No email messages

online-gateway-midtrans = Midtrans
online-gateway-xendit = Xendit
online-status-pending = Waiting for payment
online-status-paid = Paid
online-status-failed = Failed
