#!/usr/bin/env bash
# Benchmark (not a test): authenticated GET /client/search?query=… over CLIENTS clients
# (default 200,000), loaded with wrk (-t2 -c16 --latency) on this machine; then the peak RSS
# of the server while it streams the unpaged GET /client (every client).
# Usage: bench/search.sh [sqlite|mysql|postgres] [CLIENTS] [DURATION] [QUERY]
#   (SKIP_BUILD=1 uses the release binaries as they are)
#   mysql and postgres use the local servers (root@127.0.0.1:3306, postgres@127.0.0.1:5432)
#   and (re)create a database `mikronet_bench_search` there.       (needs wrk and curl)
set -euo pipefail
cd "$(dirname "$0")/.."
backend="${1:-sqlite}"
clients="${2:-200000}"
duration="${3:-15s}"
query="${4:-0810123}"
port=18081
command -v wrk >/dev/null || { echo "wrk is missing: apt-get install wrk"; exit 1; }
[ -n "${SKIP_BUILD:-}" ] || cargo build --release --quiet --bin mikronet --example bench_search_seed
dir=$(mktemp -d)
cleanup() {
  kill "${server:-0}" 2>/dev/null || true
  rm -rf "$dir"
  case "$backend" in
    mysql) mysql -h127.0.0.1 -uroot -e "DROP DATABASE IF EXISTS mikronet_bench_search" || true ;;
    postgres) psql -q -h 127.0.0.1 -U postgres \
      -c "DROP DATABASE IF EXISTS mikronet_bench_search WITH (FORCE)" || true ;;
  esac
}
trap cleanup EXIT
case "$backend" in
  sqlite) url="sqlite://$dir/search.db"; target="$dir/search.db" ;;
  mysql)
    mysql -h127.0.0.1 -uroot -e "DROP DATABASE IF EXISTS mikronet_bench_search; CREATE DATABASE mikronet_bench_search"
    url="mysql://root@127.0.0.1:3306/mikronet_bench_search"; target="$url" ;;
  postgres)
    psql -q -h 127.0.0.1 -U postgres -c "DROP DATABASE IF EXISTS mikronet_bench_search WITH (FORCE)" \
      -c "CREATE DATABASE mikronet_bench_search"
    url="postgres://postgres@127.0.0.1:5432/mikronet_bench_search"; target="$url" ;;
  *) echo "unknown backend $backend"; exit 1 ;;
esac
start=$(date +%s)
token=$("${SEED_BIN:-./target/release/examples/bench_search_seed}" "$target" "$clients")
echo "== $backend: seeded $clients clients in $(( $(date +%s) - start )) s"
# Fresh statistics, as the servers' own background work would have them after a bulk load.
case "$backend" in
  mysql) mysql -h127.0.0.1 -uroot mikronet_bench_search -e "ANALYZE TABLE clients, client_trigrams" >/dev/null ;;
  postgres) psql -q -h 127.0.0.1 -U postgres mikronet_bench_search -c "VACUUM ANALYZE clients" ;;
esac
MIKRONET_DATABASE_URL="$url" MIKRONET_LOG=warn \
  MIKRONET_SECRET_KEY="MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY=" \
  MIKRONET_LISTEN=127.0.0.1:$port MIKRONET_BILLING_SCHEDULER=false \
  ./target/release/mikronet serve &
server=$!
for _ in $(seq 1 100); do curl -sf http://127.0.0.1:$port/health >/dev/null && break; sleep 0.1; done
search="http://127.0.0.1:$port/client/search?query=$query&per_page=100"
auth="Authorization: Bearer $token"
echo "== one search: $(curl -s -H "$auth" "$search" -o /dev/null -D - | tr -d '\r' | grep -i '^x-total-count') matches," \
  "$(curl -s -o /dev/null -w '%{time_total}' -H "$auth" "$search") s"
echo "== idle RSS: $(ps -o rss= -p "$server") KiB"
wrk -t2 -c16 -d3s -H "$auth" "$search" >/dev/null
echo "== load: $(uptime)"
echo "== wrk -t2 -c16 -d$duration GET /client/search?query=$query"
wrk -t2 -c16 -d"$duration" --latency -H "$auth" "$search"
echo "== RSS after load: $(ps -o rss= -p "$server") KiB"
# The unpaged original list: every client, streamed; the peak RSS while it is served.
curl -s -H "$auth" "http://127.0.0.1:$port/client" -o "$dir/all.json" &
fetch=$!
peak=0
while kill -0 "$fetch" 2>/dev/null; do
  rss=$(ps -o rss= -p "$server" | tr -d ' ')
  [ "${rss:-0}" -gt "$peak" ] && peak=$rss
  sleep 0.02
done
wait "$fetch"
rows=$(grep -o '"client_id"' "$dir/all.json" | wc -l)
echo "== GET /client unpaged: $rows clients, $(wc -c <"$dir/all.json") bytes; peak server RSS $peak KiB"
echo "== RSS after: $(ps -o rss= -p "$server") KiB"
