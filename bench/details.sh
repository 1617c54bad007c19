#!/usr/bin/env bash
# Benchmark (not a test): authenticated GET /client/{id}/details on the default SQLite, a
# client with a year of invoices and payments, loaded with wrk (-t2 -c32) on this machine.
# Usage: bench/details.sh [CLIENTS] [DURATION]      (needs wrk: apt-get install wrk)
set -euo pipefail
cd "$(dirname "$0")/.."
clients="${1:-10000}"
duration="${2:-15s}"
command -v wrk >/dev/null || { echo "wrk is missing: apt-get install wrk"; exit 1; }
cargo build --release --quiet --bin mikronet --example bench_details_seed
dir=$(mktemp -d)
trap 'kill "${server:-0}" 2>/dev/null || true; rm -rf "$dir"' EXIT
token=$(./target/release/examples/bench_details_seed "$dir/bench.db" "$clients")
MIKRONET_DATABASE_URL="sqlite://$dir/bench.db" MIKRONET_LOG=warn \
  MIKRONET_SECRET_KEY="MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY=" \
  MIKRONET_LISTEN=127.0.0.1:18080 MIKRONET_BILLING_SCHEDULER=false \
  ./target/release/mikronet serve &
server=$!
for _ in $(seq 1 50); do curl -sf http://127.0.0.1:18080/health >/dev/null && break; sleep 0.1; done
id=$((clients / 2))
echo "== one response ($(curl -s -H "Authorization: Bearer $token" "http://127.0.0.1:18080/client/$id/details" | wc -c) bytes)"
echo "== idle RSS: $(ps -o rss= -p "$server") KiB"
wrk -t2 -c32 -d5s -H "Authorization: Bearer $token" "http://127.0.0.1:18080/client/$id/details" >/dev/null
echo "== wrk -t2 -c32 -d$duration, one client"
wrk -t2 -c32 -d"$duration" --latency -H "Authorization: Bearer $token" "http://127.0.0.1:18080/client/$id/details"
echo "== RSS after load: $(ps -o rss= -p "$server") KiB"
