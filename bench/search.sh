#!/usr/bin/env bash
# Benchmark (not a test): authenticated GET /client/search?query=… over CLIENTS clients
# (default 200,000), loaded with wrk (-t2 -c16 --latency) on this machine; then the peak RSS
# of the server while it streams the unpaged GET /client (every client); then nginx serving the
# same search response from a file in the same run, as the ceiling of this machine.
# Usage: bench/search.sh [sqlite|mysql|postgres] [CLIENTS] [DURATION] [QUERY]
#   (SKIP_BUILD=1 uses the release binaries as they are)
#   mysql and postgres use the local servers (root@127.0.0.1:3306, postgres@127.0.0.1:5432)
#   and (re)create a database `mikronet_bench_search` there.  (needs wrk, curl and nginx:
#   apt-get install wrk nginx-light)
set -euo pipefail
cd "$(dirname "$0")/.."
backend="${1:-sqlite}"
clients="${2:-200000}"
duration="${3:-15s}"
query="${4:-0810123}"
port=18081
for tool in wrk nginx; do
  command -v "$tool" >/dev/null || [ -x "/usr/sbin/$tool" ] ||
    { echo "$tool is missing: apt-get install wrk nginx-light"; exit 1; }
done
nginx_bin=$(command -v nginx || echo /usr/sbin/nginx)
[ -n "${SKIP_BUILD:-}" ] || cargo build --release --quiet --bin mikronet --example bench_search_seed
dir=$(mktemp -d)
cleanup() {
  kill "${server:-0}" 2>/dev/null || true
  [ -f "$dir/nginx.pid" ] && kill "$(cat "$dir/nginx.pid")" 2>/dev/null
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
echo "== machine: $(nproc) cores; load: $(uptime)"
echo "== wrk -t2 -c16 -d$duration GET /client/search?query=$query"
wrk -t2 -c16 -d"$duration" --latency -H "$auth" "$search" | tee "$dir/ours.txt"
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

# nginx with its usual production settings (a worker per core, keep-alive, access log off), the
# same response bytes and content type, loaded the same way: the ceiling of this machine.
mkdir -p "$dir/www/client" "$dir/tmp"
curl -s -H "$auth" "$search" >"$dir/www/client/search"
cat >"$dir/nginx.conf" <<EOF
worker_processes auto;
pid $dir/nginx.pid;
error_log $dir/nginx-error.log;
events { worker_connections 1024; }
http {
  access_log off;
  keepalive_requests 1000000;
  client_body_temp_path $dir/tmp; proxy_temp_path $dir/tmp; fastcgi_temp_path $dir/tmp;
  uwsgi_temp_path $dir/tmp; scgi_temp_path $dir/tmp;
  server {
    listen 127.0.0.1:$((port + 1));
    root $dir/www;
    default_type application/json;
  }
}
EOF
chmod 755 "$dir" && chmod -R a+rX "$dir/www"   # nginx's workers run as another user
"$nginx_bin" -c "$dir/nginx.conf" -e "$dir/nginx-error.log"
sleep 0.5
ceiling="http://127.0.0.1:$((port + 1))/client/search?query=$query&per_page=100"
curl -sf -o /dev/null "$ceiling" || { echo "nginx does not serve the file"; exit 1; }
wrk -t2 -c16 -d3s "$ceiling" >/dev/null
echo "== nginx, same bytes ($(wc -c <"$dir/www/client/search") bytes): wrk -t2 -c16 -d$duration;" \
  "load: $(cut -d' ' -f1-3 /proc/loadavg)"
wrk -t2 -c16 -d"$duration" --latency "$ceiling" | tee "$dir/nginx.txt"
ours=$(awk '/Requests\/sec/ {print $2}' "$dir/ours.txt")
theirs=$(awk '/Requests\/sec/ {print $2}' "$dir/nginx.txt")
echo "== ratio to nginx: $(awk -v a="$ours" -v b="$theirs" 'BEGIN { printf "%.2f (%.0f / %.0f req/s)", a / b, a, b }')"
