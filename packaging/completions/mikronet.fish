# Print an optspec for argparse to handle cmd's options that are independent of any subcommand.
function __fish_mikronet_global_optspecs
    string join \n config= h/help V/version
end

function __fish_mikronet_needs_command
    # Figure out if the current invocation already has a command.
    set -l cmd (commandline -opc)
    set -e cmd[1]
    argparse -s (__fish_mikronet_global_optspecs) -- $cmd 2>/dev/null
    or return
    if set -q argv[1]
        # Also print the command, so this can be used to figure out what it is.
        echo $argv[1]
        return 1
    end
    return 0
end

function __fish_mikronet_using_subcommand
    set -l cmd (__fish_mikronet_needs_command)
    test -z "$cmd"
    and return 1
    contains -- $cmd[1] $argv
end

complete -c mikronet -n "__fish_mikronet_needs_command" -l config -d 'Configuration file (TOML); environment variables MIKRONET_* override it' -r -F
complete -c mikronet -n "__fish_mikronet_needs_command" -s h -l help -d 'Print help'
complete -c mikronet -n "__fish_mikronet_needs_command" -s V -l version -d 'Print version'
complete -c mikronet -n "__fish_mikronet_needs_command" -f -a "serve" -d 'Run the HTTP server (the default)'
complete -c mikronet -n "__fish_mikronet_needs_command" -f -a "migrate" -d 'Apply pending database migrations and exit'
complete -c mikronet -n "__fish_mikronet_needs_command" -f -a "check-config" -d 'Check the configuration as `serve` would load it, and the files it names, without starting or connecting; prints OK or every problem, naming its key (exit code 2)'
complete -c mikronet -n "__fish_mikronet_needs_command" -f -a "create-admin" -d 'Create an admin user; the password is read from standard input or a prompt'
complete -c mikronet -n "__fish_mikronet_needs_command" -f -a "provision" -d 'Apply the queued router changes that are due, then exit'
complete -c mikronet -n "__fish_mikronet_needs_command" -f -a "reconcile" -d 'Compare routers\' PPP secrets with the database and report drift (exit code 3 when drift is found and not repaired)'
complete -c mikronet -n "__fish_mikronet_needs_command" -f -a "router-setup" -d 'Print the RouterOS script that sends a router\'s cut-off clients to the notice page (isolation profile, address lists, NAT redirect, walled garden); reconcile then checks it is in place'
complete -c mikronet -n "__fish_mikronet_needs_command" -f -a "generate-invoices" -d 'Generate the invoices due (the original system\'s cron job), then cut off subscriptions unpaid past their due date and grace. Safe to run any number of times'
complete -c mikronet -n "__fish_mikronet_needs_command" -f -a "rotate-key" -d 'Make a new secret key and re-seal every stored password under it, in one transaction. Stop every server first; give each the new key before starting it again'
complete -c mikronet -n "__fish_mikronet_needs_command" -f -a "backup" -d 'SQLite: write a consistent copy of the database to FILE while servers keep running (MariaDB/PostgreSQL: names their own tools and exits 2)'
complete -c mikronet -n "__fish_mikronet_needs_command" -f -a "restore" -d 'SQLite: restore a backup into the configured database, which must be empty; the backup must have been made with the configured secret key'
complete -c mikronet -n "__fish_mikronet_needs_command" -f -a "import" -d 'Move a provider in: import from the original system, phpNuxBill or a router (`--dry-run` prints the plan and changes nothing)'
complete -c mikronet -n "__fish_mikronet_needs_command" -f -a "audit" -d 'The audit trail of changes to money, users, settings and routers'
complete -c mikronet -n "__fish_mikronet_using_subcommand serve" -l config -d 'Configuration file (TOML); environment variables MIKRONET_* override it' -r -F
complete -c mikronet -n "__fish_mikronet_using_subcommand serve" -l simulate -d 'Also run an in-memory RouterOS simulator and register it as the router `simulator`: a demo needs no MikroTik'
complete -c mikronet -n "__fish_mikronet_using_subcommand serve" -s h -l help -d 'Print help'
complete -c mikronet -n "__fish_mikronet_using_subcommand migrate" -l config -d 'Configuration file (TOML); environment variables MIKRONET_* override it' -r -F
complete -c mikronet -n "__fish_mikronet_using_subcommand migrate" -s h -l help -d 'Print help'
complete -c mikronet -n "__fish_mikronet_using_subcommand check-config" -l config -d 'Configuration file (TOML); environment variables MIKRONET_* override it' -r -F
complete -c mikronet -n "__fish_mikronet_using_subcommand check-config" -s h -l help -d 'Print help'
complete -c mikronet -n "__fish_mikronet_using_subcommand create-admin" -l username -r
complete -c mikronet -n "__fish_mikronet_using_subcommand create-admin" -l config -d 'Configuration file (TOML); environment variables MIKRONET_* override it' -r -F
complete -c mikronet -n "__fish_mikronet_using_subcommand create-admin" -s h -l help -d 'Print help'
complete -c mikronet -n "__fish_mikronet_using_subcommand provision" -l config -d 'Configuration file (TOML); environment variables MIKRONET_* override it' -r -F
complete -c mikronet -n "__fish_mikronet_using_subcommand provision" -l once -d 'One pass over the queue (the only mode; `serve` runs the worker continuously)'
complete -c mikronet -n "__fish_mikronet_using_subcommand provision" -s h -l help -d 'Print help'
complete -c mikronet -n "__fish_mikronet_using_subcommand reconcile" -l router -d 'Only this router (default: all)' -r
complete -c mikronet -n "__fish_mikronet_using_subcommand reconcile" -l config -d 'Configuration file (TOML); environment variables MIKRONET_* override it' -r -F
complete -c mikronet -n "__fish_mikronet_using_subcommand reconcile" -l apply -d 'Repair our secrets (secrets we did not create are left alone)'
complete -c mikronet -n "__fish_mikronet_using_subcommand reconcile" -s h -l help -d 'Print help'
complete -c mikronet -n "__fish_mikronet_using_subcommand router-setup" -l router -d 'The router (its id in GET /routers)' -r
complete -c mikronet -n "__fish_mikronet_using_subcommand router-setup" -l config -d 'Configuration file (TOML); environment variables MIKRONET_* override it' -r -F
complete -c mikronet -n "__fish_mikronet_using_subcommand router-setup" -s h -l help -d 'Print help'
complete -c mikronet -n "__fish_mikronet_using_subcommand generate-invoices" -l date -d 'The run\'s date (default: today in the configured time zone); any date' -r
complete -c mikronet -n "__fish_mikronet_using_subcommand generate-invoices" -l config -d 'Configuration file (TOML); environment variables MIKRONET_* override it' -r -F
complete -c mikronet -n "__fish_mikronet_using_subcommand generate-invoices" -l dry-run -d 'Report what would be created, and save nothing'
complete -c mikronet -n "__fish_mikronet_using_subcommand generate-invoices" -s h -l help -d 'Print help'
complete -c mikronet -n "__fish_mikronet_using_subcommand rotate-key" -l new-key-file -d 'Where to write the new key (default: secret_key_file; required when the key is set by secret_key)' -r -F
complete -c mikronet -n "__fish_mikronet_using_subcommand rotate-key" -l config -d 'Configuration file (TOML); environment variables MIKRONET_* override it' -r -F
complete -c mikronet -n "__fish_mikronet_using_subcommand rotate-key" -s h -l help -d 'Print help'
complete -c mikronet -n "__fish_mikronet_using_subcommand backup" -l config -d 'Configuration file (TOML); environment variables MIKRONET_* override it' -r -F
complete -c mikronet -n "__fish_mikronet_using_subcommand backup" -l force -d 'Replace FILE if it exists'
complete -c mikronet -n "__fish_mikronet_using_subcommand backup" -s h -l help -d 'Print help'
complete -c mikronet -n "__fish_mikronet_using_subcommand restore" -l config -d 'Configuration file (TOML); environment variables MIKRONET_* override it' -r -F
complete -c mikronet -n "__fish_mikronet_using_subcommand restore" -s h -l help -d 'Print help'
complete -c mikronet -n "__fish_mikronet_using_subcommand import; and not __fish_seen_subcommand_from original phpnuxbill router" -l config -d 'Configuration file (TOML); environment variables MIKRONET_* override it' -r -F
complete -c mikronet -n "__fish_mikronet_using_subcommand import; and not __fish_seen_subcommand_from original phpnuxbill router" -s h -l help -d 'Print help'
complete -c mikronet -n "__fish_mikronet_using_subcommand import; and not __fish_seen_subcommand_from original phpnuxbill router" -f -a "original" -d 'From the original PHP system\'s MySQL database (`clients`/`Clients`, `plan`, `subscription`, `invoice`, `payment`, `users`)'
complete -c mikronet -n "__fish_mikronet_using_subcommand import; and not __fish_seen_subcommand_from original phpnuxbill router" -f -a "phpnuxbill" -d 'From a phpNuxBill MySQL database (PPPoE customers, plans, recharges, transactions, routers, staff)'
complete -c mikronet -n "__fish_mikronet_using_subcommand import; and not __fish_seen_subcommand_from original phpnuxbill router" -f -a "router" -d 'From a router\'s PPP secrets and profiles (the router must be registered here)'
complete -c mikronet -n "__fish_mikronet_using_subcommand import; and __fish_seen_subcommand_from original" -l from -d 'The original\'s database, e.g. mysql://user:pass@host/db' -r
complete -c mikronet -n "__fish_mikronet_using_subcommand import; and __fish_seen_subcommand_from original" -l config -d 'Configuration file (TOML); environment variables MIKRONET_* override it' -r -F
complete -c mikronet -n "__fish_mikronet_using_subcommand import; and __fish_seen_subcommand_from original" -l dry-run -d 'Print the plan; change nothing anywhere'
complete -c mikronet -n "__fish_mikronet_using_subcommand import; and __fish_seen_subcommand_from original" -s h -l help -d 'Print help'
complete -c mikronet -n "__fish_mikronet_using_subcommand import; and __fish_seen_subcommand_from phpnuxbill" -l from -d 'phpNuxBill\'s database, e.g. mysql://user:pass@host/phpnuxbill' -r
complete -c mikronet -n "__fish_mikronet_using_subcommand import; and __fish_seen_subcommand_from phpnuxbill" -l config -d 'Configuration file (TOML); environment variables MIKRONET_* override it' -r -F
complete -c mikronet -n "__fish_mikronet_using_subcommand import; and __fish_seen_subcommand_from phpnuxbill" -l dry-run -d 'Print the plan; change nothing anywhere'
complete -c mikronet -n "__fish_mikronet_using_subcommand import; and __fish_seen_subcommand_from phpnuxbill" -s h -l help -d 'Print help'
complete -c mikronet -n "__fish_mikronet_using_subcommand import; and __fish_seen_subcommand_from router" -l router -d 'The router\'s id here' -r
complete -c mikronet -n "__fish_mikronet_using_subcommand import; and __fish_seen_subcommand_from router" -l prices -d 'Prices of the router\'s profiles (TOML: profile name → price and period)' -r -F
complete -c mikronet -n "__fish_mikronet_using_subcommand import; and __fish_seen_subcommand_from router" -l config -d 'Configuration file (TOML); environment variables MIKRONET_* override it' -r -F
complete -c mikronet -n "__fish_mikronet_using_subcommand import; and __fish_seen_subcommand_from router" -l dry-run -d 'Print the plan; change nothing anywhere'
complete -c mikronet -n "__fish_mikronet_using_subcommand import; and __fish_seen_subcommand_from router" -l only-link -d 'Only link secrets to existing clients; create no clients'
complete -c mikronet -n "__fish_mikronet_using_subcommand import; and __fish_seen_subcommand_from router" -s h -l help -d 'Print help'
complete -c mikronet -n "__fish_mikronet_using_subcommand audit; and not __fish_seen_subcommand_from verify" -l config -d 'Configuration file (TOML); environment variables MIKRONET_* override it' -r -F
complete -c mikronet -n "__fish_mikronet_using_subcommand audit; and not __fish_seen_subcommand_from verify" -s h -l help -d 'Print help'
complete -c mikronet -n "__fish_mikronet_using_subcommand audit; and not __fish_seen_subcommand_from verify" -f -a "verify" -d 'Re-compute the trail\'s hash chain, naming the first entry that does not hold, and compare every invoice and payment with it (exit code 3 when anything does not hold)'
complete -c mikronet -n "__fish_mikronet_using_subcommand audit; and __fish_seen_subcommand_from verify" -l config -d 'Configuration file (TOML); environment variables MIKRONET_* override it' -r -F
complete -c mikronet -n "__fish_mikronet_using_subcommand audit; and __fish_seen_subcommand_from verify" -s h -l help -d 'Print help'
