#!/usr/bin/env bash
# Benchmarks (not tests): page weight per page, SSR throughput, and durable ledger
# transfers per second on SQLite and PostgreSQL. Numbers go into
# docs/BENCHMARKS.md by hand, with the date and the machine.
#   scripts/bench.sh            build (release) if needed, then measure
# Load comes from wrk on this machine against 127.0.0.1 only.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh --browser
source scripts/env.sh
[[ -x target/release/timeweave ]] || cargo leptos build --release --precompress

dir=$(mktemp -d)
port=${BENCH_PORT:-3200}
base="http://127.0.0.1:$port"
DATABASE_URL="sqlite://$dir/bench.db" LEPTOS_SITE_ADDR="127.0.0.1:$port" LEPTOS_SITE_ROOT=target/site RUST_LOG=warn \
  target/release/timeweave serve --demo >"$dir/server.log" 2>&1 &
pid=$!
trap 'kill $pid 2>/dev/null || true; rm -rf "$dir"' EXIT
for _ in $(seq 1 60); do curl -fsS "$base/healthz" >/dev/null 2>&1 && break; sleep 0.5; done

# A signed-in resident's cookie.
cookie=$(curl -s -D - -o /dev/null -H 'accept: application/json' -H "origin: $base" \
  --data 'email=agnes.murray%40demo.timeweave.org&password=demo-hours-2026' "$base/api/sign_in" \
  | sed -n 's/^set-cookie: \(tw_session=[^;]*\).*/\1/ip' | head -1)

br_size() { brotli -c -q 11 | wc -c; }

echo "## Page weight (first load, brotli -q 11)"
printf '| page | HTML | CSS | JS | wasm | JS+wasm |\n|---|---|---|---|---|---|\n'
for page in / /join /sign-in /home /account /outbox /hours /hours/give /listings /listings/new /my-listings /exchanges /notifications; do
  html=$(curl -s -H "cookie: $cookie" "$base$page")
  html_b=$(printf '%s' "$html" | br_size)
  css=$(printf '%s' "$html" | grep -o 'href="/pkg/[^"]*\.css"' | head -1 | cut -d'"' -f2)
  js=$(printf '%s' "$html" | grep -o 'href="/pkg/[^"]*\.js"' | head -1 | cut -d'"' -f2)
  wasm=$(printf '%s' "$html" | grep -o 'href="/pkg/[^"]*\.wasm"' | head -1 | cut -d'"' -f2)
  css_b=$(curl -s "$base$css" | br_size)
  js_b=$(curl -s "$base$js" | br_size)
  wasm_b=$(curl -s "$base$wasm" | br_size)
  printf '| %s | %s | %s | %s | %s | %s (%s KiB) |\n' "$page" "$html_b" "$css_b" "$js_b" "$wasm_b" "$((js_b + wasm_b))" \
    "$(awk "BEGIN{printf \"%.1f\", ($js_b + $wasm_b) / 1024}")"
done
echo "(bytes; the signed-in pages as agnes.murray)"

echo
echo "## SSR throughput (wrk, 2 threads, 64 connections, 15 s)"
wrk -t2 -c64 -d15s --latency "$base/" | grep -E 'Requests/sec|Latency|50%|90%|99%'
echo "--- /home signed in"
wrk -t2 -c64 -d15s --latency -H "cookie: $cookie" "$base/home" | grep -E 'Requests/sec|Latency|50%|90%|99%'

# Runs a benchmark example on SQLite, then on PostgreSQL where it is running.
on_both_engines() {
  cargo run --release -q -p server --example "$1" -- sqlite
  if pg_isready -h 127.0.0.1 -p 5432 >/dev/null 2>&1; then
    cargo run --release -q -p server --example "$1" -- postgres
  else
    echo "PostgreSQL is not running on 127.0.0.1:5432: skipped $1 on PostgreSQL"
  fi
}

echo
echo "## Ledger: durable transfers/s through the server (64 clients, 20 % touching the pool)"
on_both_engines ledger_bench

echo
echo "## Finding a member by typing, 10,000 members (median / p99 / worst, ms)"
on_both_engines member_search_bench

echo
echo "## Browse: a signed-in resident's /listings?per=50 with 10,000 listings (wrk, 2 threads, 16 and 64 connections, 15 s)"
kill $pid 2>/dev/null || true; sleep 1
cargo build --release -q -p server --example bulk_listings
DATABASE_URL="sqlite://$dir/bench.db" target/release/examples/bulk_listings 10000
DATABASE_URL="sqlite://$dir/bench.db" LEPTOS_SITE_ADDR="127.0.0.1:$port" LEPTOS_SITE_ROOT=target/site RUST_LOG=warn \
  target/release/timeweave serve >"$dir/server2.log" 2>&1 &
pid=$!
for _ in $(seq 1 60); do curl -fsS "$base/healthz" >/dev/null 2>&1 && break; sleep 0.5; done
cards=$(curl -s -H "cookie: $cookie" "$base/listings?per=50" | grep -o 'class="listing-card"' | wc -l)
echo "(the page shows $cards listings)"
for conns in 16 64; do
  echo "--- $conns connections"
  wrk -t2 -c$conns -d15s --latency -H "cookie: $cookie" "$base/listings?per=50" | grep -E 'Requests/sec|Latency|50%|90%|99%'
done
echo "--- with a text search"
wrk -t2 -c64 -d15s --latency -H "cookie: $cookie" "$base/listings?q=garden+hedge" | grep -E 'Requests/sec|Latency|50%|90%|99%'

echo
echo "## Insight: the dashboard with 10,000 members, 100,000 transfers and 2,000 referrals"
kill $pid 2>/dev/null || true; sleep 1
cargo build --release -q -p server --example insight_bench
out=$(DATABASE_URL="sqlite://$dir/bench.db" target/release/examples/insight_bench)
echo "$out" | grep -v '^cookie='
builder_cookie=$(echo "$out" | sed -n 's/^cookie=//p')
DATABASE_URL="sqlite://$dir/bench.db" LEPTOS_SITE_ADDR="127.0.0.1:$port" LEPTOS_SITE_ROOT=target/site RUST_LOG=warn \
  target/release/timeweave serve >"$dir/server3.log" 2>&1 &
pid=$!
for _ in $(seq 1 60); do curl -fsS "$base/healthz" >/dev/null 2>&1 && break; sleep 0.5; done
for page in /insight "/insight/report"; do
  for _ in 1 2 3; do curl -s -o /dev/null -H "cookie: $builder_cookie" "$base$page"; done
  times=$(for _ in $(seq 1 20); do curl -s -o /dev/null -w '%{time_total}\n' -H "cookie: $builder_cookie" "$base$page"; done | sort -n)
  echo "$page rendered over HTTP (whole network, 20 requests one at a time): median $(echo "$times" | sed -n 10p) s, max $(echo "$times" | tail -1) s"
done
