#!/usr/bin/env bash
# Benchmark (not a test): the console's busiest pages over CLIENTS clients (default 100,000)
# with a year of monthly invoices each (1,200,000 invoices; December's of every tenth client
# unpaid, so overdue), SQLite, the default configuration; each page loaded with wrk
# (--latency) as a signed-in admin, with 1 connection (one user: the latency of a page) and 8
# (eight at once on two cores: queueing included): the dashboard, the client list, search as
# you type (the fragment htmx asks for), a client page, the overdue list.
# Usage: bench/console.sh [CLIENTS] [DURATION]   (SKIP_BUILD=1 uses the release binaries as they are)
# Needs wrk and curl.
set -euo pipefail
cd "$(dirname "$0")/.."
clients="${1:-100000}"
duration="${2:-10s}"
port=18082
command -v wrk >/dev/null || { echo "wrk is missing: apt-get install wrk"; exit 1; }
[ -n "${SKIP_BUILD:-}" ] || cargo build --release --quiet --bin mikronet --example bench_details_seed
dir=$(mktemp -d)
trap 'kill "${server:-0}" 2>/dev/null || true; rm -rf "$dir"' EXIT
start=$(date +%s)
token=$(./target/release/examples/bench_details_seed "$dir/bench.db" "$clients" 10)
echo "== seeded $clients clients, $((clients * 12)) invoices in $(( $(date +%s) - start )) s"
MIKRONET_DATABASE_URL="sqlite://$dir/bench.db" \
  MIKRONET_SECRET_KEY="MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY=" \
  MIKRONET_LISTEN=127.0.0.1:$port MIKRONET_BILLING_SCHEDULER=false \
  ./target/release/mikronet serve 2>"$dir/server.log" &
server=$!
for _ in $(seq 1 100); do curl -sf http://127.0.0.1:$port/health >/dev/null && break; sleep 0.1; done
cookie="Cookie: mikronet_session=$token; mikronet_lang=en"
echo "== idle RSS: $(ps -o rss= -p "$server") KiB; $(nproc) cores; load: $(uptime | sed 's/.*load/load/')"
for page in "/console/" "/console/clients" "/console/clients/rows?q=Client%20123" \
            "/console/clients/$((clients / 2))" "/console/chasing"; do
  url="http://127.0.0.1:$port$page"
  code=$(curl -s -o "$dir/page.html" -w '%{http_code}' -H "$cookie" "$url")
  [ "$code" = 200 ] || { echo "$page answered $code"; head -c 400 "$dir/page.html"; exit 1; }
  wrk -t2 -c8 -d2s -H "$cookie" "$url" >/dev/null
  for c in ${CONNECTIONS:-1 8}; do
    t=$(( c < 2 ? 1 : 2 ))
    echo "== $page ($(wc -c <"$dir/page.html") bytes): wrk -t$t -c$c -d$duration --latency"
    wrk -t$t -c"$c" -d"$duration" --latency -H "$cookie" "$url" | grep -E "Requests/sec|Latency  |99%|90%"
  done
done
echo "== RSS after load: $(ps -o rss= -p "$server") KiB"
