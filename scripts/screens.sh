#!/usr/bin/env bash
# Screenshots of the main pages at 360 x 740 into docs/screens/, from the release build on a
# fresh demo database (build it first: cargo leptos build --release --precompress).
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/env.sh
[[ -x target/release/timeweave ]] || { echo "No release build: run cargo leptos build --release --precompress" >&2; exit 1; }
dir=$(mktemp -d)
port=${TIMEWEAVE_SCREENS_PORT:-3101}
start_demo_server "$dir" "$port"
trap 'kill $demo_server_pid 2>/dev/null || true' EXIT
(cd end2end && TIMEWEAVE_E2E_URL="http://127.0.0.1:$port" npx playwright test --config screens.config.ts)
echo "Screenshots in docs/screens/"
