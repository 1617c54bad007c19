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


## Clients and chasing (clients.rs, chasing.rs)


## Cashier, invoices, subscriptions and plans (cashier.rs, invoices.rs, subscriptions.rs, plans.rs)


## Routers, users and settings (routers.rs, users.rs, settings.rs)

