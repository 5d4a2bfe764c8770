#!/usr/bin/env bash
# Every test Timeweave has: unit, integration on SQLite and on PostgreSQL, and browser
# end-to-end in headless Chromium. `.ci/run` calls exactly this.
#
# PostgreSQL: uses 127.0.0.1:5432 (TIMEWEAVE_TEST_POSTGRES), starting the local cluster if it
# is stopped. With no PostgreSQL at all it says so loudly and runs the SQLite half, except
# under CI (CI=true), where that is a failure.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh --browser
source scripts/env.sh

banner() { printf '\n\033[1;34m======== %s ========\033[0m\n' "$*"; }
export TIMEWEAVE_TEST_POSTGRES="${TIMEWEAVE_TEST_POSTGRES:-postgres://postgres@127.0.0.1:5432}"
export RUST_LOG="${RUST_LOG:-warn}"

banner "Format and lints (both feature sets: server and browser)"
cargo fmt --all -- --check || { echo "Run: cargo fmt --all" >&2; exit 1; }
cargo clippy -p app --features ssr --all-targets -- -D warnings
cargo clippy -p server --all-targets -- -D warnings
cargo clippy -p frontend --target wasm32-unknown-unknown -- -D warnings  # lints app with `hydrate` too

postgres_up() { pg_isready -h 127.0.0.1 -p 5432 -q 2>/dev/null; }
have_postgres=0
if command -v pg_isready >/dev/null; then
  if ! postgres_up && command -v pg_ctlcluster >/dev/null && [[ -d /etc/postgresql ]]; then
    banner "Starting PostgreSQL"
    pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | sort -V | tail -1)" main start || true
    for _ in $(seq 1 40); do postgres_up && break; sleep 0.5; done
  fi
  postgres_up && have_postgres=1
fi
if ((have_postgres)); then
  # The backup tests restore across engines wherever PostgreSQL is there.
  export TIMEWEAVE_TEST_POSTGRES_UP=1
  # Each test makes its own database tw_test_<id>; clear those of earlier runs.
  psql "$TIMEWEAVE_TEST_POSTGRES/postgres" -Atqc "SELECT datname FROM pg_database WHERE datname LIKE 'tw_test_%'" \
    | while read -r db; do psql "$TIMEWEAVE_TEST_POSTGRES/postgres" -qc "DROP DATABASE IF EXISTS \"$db\"" >/dev/null; done
elif [[ "${CI:-}" == "true" ]]; then
  echo "ERROR: PostgreSQL is not reachable on 127.0.0.1:5432 and CI=true: the PostgreSQL half cannot be skipped." >&2
  exit 1
else
  printf '\n\033[1;31m!!!!! PostgreSQL is not available: running the SQLite half only. !!!!!\033[0m\n\n' >&2
fi
rm -rf "${TMPDIR:-/tmp}/timeweave-tests"

# Tests are built first and then run under a time limit, so a test that hangs fails the
# run with its name in the log instead of using up CI's whole allowance.
banner "Unit tests (app)"
cargo test -p app --features ssr --no-run
timeout --signal=INT --kill-after=30s 10m cargo test -p app --features ssr

banner "Integration tests on SQLite"
cargo test -p server --no-run
TIMEWEAVE_TEST_ENGINE=sqlite timeout --signal=INT --kill-after=30s 15m cargo test -p server

if ((have_postgres)); then
  banner "Integration tests on PostgreSQL"
  TIMEWEAVE_TEST_ENGINE=postgres timeout --signal=INT --kill-after=30s 15m cargo test -p server
fi

banner "Release build for the browser tests"
cargo leptos build --release --precompress

banner "Browser tests (headless Chromium, 360x740, JavaScript on and off)"
e2e_dir=$(mktemp -d)
port=${TIMEWEAVE_E2E_PORT:-3100}
start_demo_server "$e2e_dir" "$port"
trap 'kill $demo_server_pid 2>/dev/null || true' EXIT
(cd end2end && TIMEWEAVE_E2E_URL="http://127.0.0.1:$port" npx playwright test --config playwright.config.ts) || {
  echo "--- server log ---" >&2; tail -50 "$e2e_dir/server.log" >&2; exit 1; }

banner "Ledger check of the database the browser tests left behind"
DATABASE_URL="sqlite://$e2e_dir/e2e.db" target/release/timeweave ledger verify

if [[ "${SECURITY:-}" == "1" ]]; then
  banner "Security scan (sqlmap, wapiti) of the release build"
  scripts/security.sh
fi

banner "All tests passed"
