# Sourced by the other scripts: tool paths shared by build, run and test.
# end2end/node_modules/.bin holds npm's wasm-opt, which cargo-leptos uses for release wasm.
export PATH="$HOME/.cargo/bin:$PWD/end2end/node_modules/.bin:$PATH"

# Starts the release build on a fresh demo database in directory $1 on port $2, in the
# background, and waits until it answers; sets demo_server_pid. Used by the browser tests
# and the screenshots.
start_demo_server() {
  local dir=$1 port=$2
  if curl -fsS "http://127.0.0.1:$port/healthz" >/dev/null 2>&1; then
    echo "Port $port is already serving something; stop it or choose another port." >&2; return 1
  fi
  DATABASE_URL="sqlite://$dir/e2e.db" LEPTOS_SITE_ADDR="127.0.0.1:$port" LEPTOS_SITE_ROOT=target/site \
    target/release/timeweave serve --demo >"$dir/server.log" 2>&1 &
  demo_server_pid=$!
  for _ in $(seq 1 60); do curl -fsS "http://127.0.0.1:$port/healthz" >/dev/null 2>&1 && break; sleep 0.5; done
  if ! curl -fsS "http://127.0.0.1:$port/healthz" >/dev/null; then
    echo "The server did not start:" >&2; cat "$dir/server.log" >&2; return 1
  fi
}
