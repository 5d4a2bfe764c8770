#!/usr/bin/env bash
# Quick start: build Timeweave and serve the demo network on http://127.0.0.1:3000.
# Installs what is missing first. The demo database is data/demo.db (delete it to start over).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
source scripts/env.sh
echo "==> Building (release)"
cargo leptos build --release --precompress
mkdir -p data
export DATABASE_URL="${DATABASE_URL:-sqlite://data/demo.db}"
export LEPTOS_SITE_ADDR="${LEPTOS_SITE_ADDR:-127.0.0.1:3000}"
export LEPTOS_SITE_ROOT=target/site
exec target/release/timeweave serve --demo
