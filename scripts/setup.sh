#!/usr/bin/env bash
# Installs whatever this machine is missing to build, run and test Timeweave.
# Safe to run again: each step is skipped when already done.
#   --browser   also install Chromium and the browser-test packages (the test command does)
#   --security  also install sqlmap and wapiti (scripts/security.sh does)
# Flags may be combined: scripts/setup.sh --browser --security
set -euo pipefail
cd "$(dirname "$0")/.."

want_browser=0
want_security=0
for arg in "$@"; do
  case "$arg" in
    --browser) want_browser=1 ;;
    --security) want_security=1 ;;
    *) echo "setup.sh: unknown option $arg (known: --browser, --security)" >&2; exit 2 ;;
  esac
done

say() { printf '\033[1m==> %s\033[0m\n' "$*"; }

# Versions pinned in Cargo.toml / BUILD-NOTES: keep wasm-bindgen-cli equal to the crate.
CARGO_LEPTOS_VERSION=0.3.11
WASM_BINDGEN_VERSION=$(grep -A1 '^name = "wasm-bindgen"$' Cargo.lock 2>/dev/null | sed -n 's/^version = "\(.*\)"/\1/p' | head -1)
WASM_BINDGEN_VERSION=${WASM_BINDGEN_VERSION:-0.2.130}

export PATH="$HOME/.cargo/bin:$PATH"

if ! rustup target list --installed | grep -q wasm32-unknown-unknown; then
  say "Adding the wasm32 target"
  rustup target add wasm32-unknown-unknown
fi

for component in rustfmt clippy; do
  if ! rustup component list --installed 2>/dev/null | grep -q "^$component"; then
    say "Adding the $component component"
    rustup component add "$component"
  fi
done

if ! cargo leptos --version 2>/dev/null | grep -q "$CARGO_LEPTOS_VERSION"; then
  say "Installing cargo-leptos $CARGO_LEPTOS_VERSION (about 10 minutes, once)"
  cargo install cargo-leptos --locked --ignore-rust-version --version "$CARGO_LEPTOS_VERSION"
fi

if ! wasm-bindgen --version 2>/dev/null | grep -q "$WASM_BINDGEN_VERSION"; then
  say "Installing wasm-bindgen-cli $WASM_BINDGEN_VERSION"
  cargo install wasm-bindgen-cli --version "$WASM_BINDGEN_VERSION" --force
fi

apt_install() {
  local missing=()
  for pkg in "$@"; do dpkg -s "$pkg" >/dev/null 2>&1 || missing+=("$pkg"); done
  if ((${#missing[@]})); then
    say "Installing ${missing[*]} from Debian"
    local sudo=""; [[ $(id -u) -ne 0 ]] && sudo="sudo"
    $sudo apt-get update -q
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -q "${missing[@]}"
  fi
}

# Node and npm: for wasm-opt (npm's binaryen; Debian's breaks the wasm) and browser tests.
command -v npm >/dev/null || apt_install nodejs npm
if [[ ! -x end2end/node_modules/.bin/wasm-opt || end2end/package.json -nt end2end/node_modules/.package-lock.json ]]; then
  say "Installing npm packages (binaryen, Playwright test runner, axe-core)"
  (cd end2end && if [[ -f package-lock.json ]]; then npm ci --no-audit --no-fund; else npm install --no-audit --no-fund; fi)
fi

if ((want_browser)); then
  apt_install chromium brotli wrk
fi

# The injection scanners for scripts/security.sh, from Debian.
install_security_tools() {
  apt_install sqlmap wapiti
}
if ((want_security)); then
  install_security_tools
fi
