#!/usr/bin/env bash
# Benchmark (not a test): authenticated GET /client/{id}/details on the default configuration
# (SQLite, log level info, billing scheduler and router worker on), a client with a year of
# invoices and payments, loaded with wrk (-t2 -c32) on this machine; then nginx serving the
# same bytes from a file in the same run, as the ceiling the ratio is taken to.
# Usage: bench/details.sh [CLIENTS] [DURATION]      (SKIP_BUILD=1 uses the release binaries as they are)
# Needs wrk and nginx (apt-get install wrk nginx-light).
set -euo pipefail
cd "$(dirname "$0")/.."
clients="${1:-10000}"
duration="${2:-15s}"
for tool in wrk nginx; do
  command -v "$tool" >/dev/null || [ -x "/usr/sbin/$tool" ] ||
    { echo "$tool is missing: apt-get install wrk nginx-light"; exit 1; }
done
nginx_bin=$(command -v nginx || echo /usr/sbin/nginx)
[ -n "${SKIP_BUILD:-}" ] || cargo build --release --quiet --bin mikronet --example bench_details_seed
dir=$(mktemp -d)
trap 'kill "${server:-0}" 2>/dev/null || true; [ -f "$dir/nginx.pid" ] && kill "$(cat "$dir/nginx.pid")" 2>/dev/null; rm -rf "$dir"' EXIT
token=$(./target/release/examples/bench_details_seed "$dir/bench.db" "$clients")
# The defaults, except where the server listens; its log lines go where an operator's would.
MIKRONET_DATABASE_URL="sqlite://$dir/bench.db" \
  MIKRONET_SECRET_KEY="MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY=" \
  MIKRONET_LISTEN=127.0.0.1:18080 \
  ./target/release/mikronet serve 2>"$dir/server.log" &
server=$!
for _ in $(seq 1 50); do curl -sf http://127.0.0.1:18080/health >/dev/null && break; sleep 0.1; done
id=$((clients / 2))
url="http://127.0.0.1:18080/client/$id/details"
mkdir -p "$dir/www/client/$id"
curl -s -H "Authorization: Bearer $token" "$url" >"$dir/www/client/$id/details"
echo "== one response ($(wc -c <"$dir/www/client/$id/details") bytes), machine: $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg)"
echo "== idle RSS: $(ps -o rss= -p "$server") KiB"
wrk -t2 -c32 -d5s -H "Authorization: Bearer $token" "$url" >/dev/null
# The server's own CPU time (user, system) in clock ticks, from /proc.
cpu() { awk '{print $14, $15}' "/proc/$server/stat"; }
tick=$(getconf CLK_TCK)
read -r user0 sys0 < <(cpu)
echo "== mikronet: wrk -t2 -c32 -d$duration"
wrk -t2 -c32 -d"$duration" --latency -H "Authorization: Bearer $token" "$url" | tee "$dir/ours.txt"
read -r user1 sys1 < <(cpu)
awk -v u=$((user1 - user0)) -v s=$((sys1 - sys0)) -v t="$tick" \
  -v n="$(awk '/requests in/ {print $1}' "$dir/ours.txt")" \
  'BEGIN { printf "== server CPU per request: %.0f µs (user %.0f, system %.0f) over %d requests\n", (u + s) * 1e6 / t / n, u * 1e6 / t / n, s * 1e6 / t / n, n }'
echo "== RSS after load: $(ps -o rss= -p "$server") KiB; log lines written: $(wc -l <"$dir/server.log")"

# nginx with its usual production settings (a worker per core, keep-alive, access log off as
# a busy static site would run it), the same bytes and content type.
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
    listen 127.0.0.1:18081;
    root $dir/www;
    default_type application/json;
  }
}
EOF
mkdir -p "$dir/tmp"
chmod 755 "$dir" && chmod -R a+rX "$dir/www"   # nginx's workers run as another user
"$nginx_bin" -c "$dir/nginx.conf" -e "$dir/nginx-error.log"
sleep 0.5
wrk -t2 -c32 -d5s "http://127.0.0.1:18081/client/$id/details" >/dev/null
curl -sf -o /dev/null "http://127.0.0.1:18081/client/$id/details" || { echo "nginx does not serve the file"; exit 1; }
echo "== nginx, same bytes: wrk -t2 -c32 -d$duration"
wrk -t2 -c32 -d"$duration" --latency "http://127.0.0.1:18081/client/$id/details" | tee "$dir/nginx.txt"
ours=$(awk '/Requests\/sec/ {print $2}' "$dir/ours.txt")
theirs=$(awk '/Requests\/sec/ {print $2}' "$dir/nginx.txt")
echo "== ratio to nginx: $(awk -v a="$ours" -v b="$theirs" 'BEGIN { printf "%.2f (%.0f / %.0f req/s)", a / b, a, b }')"
