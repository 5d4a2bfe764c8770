#!/usr/bin/env bash
# Injection scan of a local demo server: sqlmap (SQL injection) on a list of parameters,
# anonymous and signed in, then wapiti (SQL and blind SQL injection, XSS, command execution,
# CRLF, path traversal, XXE, SSRF, open redirect) over the crawled site, signed in.
# Exits non-zero on any injection finding, or when a scan could not run. Every request goes to
# 127.0.0.1: the server under test, and a small out-of-band listener for wapiti's SSRF and
# XXE checks (in place of wapiti's public endpoint). About 10 minutes on two cores.
#
# It builds nothing: it scans target/release/timeweave, else target/debug/timeweave, and
# waits (up to 40 minutes) for a build under way to produce one.
#
#   TIMEWEAVE_SECURITY_PORT    port of the scanned server (3200)
#   SECURITY_SQLMAP_TIMEOUT    seconds allowed per sqlmap run (300)
#   SECURITY_WAPITI_TIMEOUT    seconds allowed for the whole wapiti scan (900)
#   SECURITY_KEEP=1            keep the reports directory even when clean
set -uo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)

banner() { printf '\n\033[1;34m======== %s ========\033[0m\n' "$*"; }
note() { printf '\033[1m==> %s\033[0m\n' "$*"; }
warn() { printf '\033[1;33mWARNING: %s\033[0m\n' "$*" >&2; }
die() { printf '\033[1;31mERROR: %s\033[0m\n' "$*" >&2; exit 1; }

started=$SECONDS
port=${TIMEWEAVE_SECURITY_PORT:-3200}
sqlmap_timeout=${SECURITY_SQLMAP_TIMEOUT:-300}
wapiti_timeout=${SECURITY_WAPITI_TIMEOUT:-900}
base="http://127.0.0.1:$port"
origin="$base"
password="demo-hours-2026"
sqlmap_user="tam.reid@demo.timeweave.org"
# wapiti signs in as another resident: sending messages is limited per member (20 in 10
# minutes), and sqlmap's runs use up Tam's allowance.
wapiti_user="priya.shah@demo.timeweave.org"

banner "Security scan: tools"
# setup.sh also checks the Rust tool chain (and would install cargo-leptos where it is
# missing); call it only when a scanner is missing, so that a build running beside this
# script is never joined by a second one.
if ! command -v sqlmap >/dev/null || ! command -v wapiti >/dev/null; then
  scripts/setup.sh --security || die "scripts/setup.sh --security failed"
fi
command -v sqlmap >/dev/null && command -v wapiti >/dev/null || die "sqlmap and wapiti are needed (apt-get install sqlmap wapiti)"
note "sqlmap $(sqlmap --version 2>/dev/null | head -1), $(wapiti --version 2>/dev/null | grep -m1 -o 'Wapiti-[0-9.]*')"

banner "Security scan: server"
bin=""
waited=0
while :; do
  if [[ -x target/release/timeweave ]]; then bin=target/release/timeweave; fi
  if [[ -z "$bin" && -x target/debug/timeweave ]]; then bin=target/debug/timeweave; fi
  [[ -n "$bin" ]] && break
  ((waited >= 2400)) && die "no target/release/timeweave or target/debug/timeweave after 40 minutes (this script builds nothing)"
  note "No server binary yet; waiting for a build to produce target/debug/timeweave ($((waited / 60)) of 40 minutes)"
  sleep 60; waited=$((waited + 60))
done
# A binary still being linked changes under us: wait until it has not changed for 15 s.
while (( $(date +%s) - $(stat -c %Y "$bin") < 15 )); do sleep 5; done

tmp=$(mktemp -d "${TMPDIR:-/tmp}/timeweave-security.XXXXXX")
server_pid=""; oob_pid=""
cleanup() {
  [[ -n "$server_pid" ]] && kill "$server_pid" 2>/dev/null
  [[ -n "$oob_pid" ]] && kill "$oob_pid" 2>/dev/null
  wait 2>/dev/null
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# Run a copy, so that a build relinking the binary meanwhile is never blocked by it.
mkdir -p "$tmp/bin"
cp "$bin" "$tmp/bin/timeweave"
[[ -f "$(dirname "$bin")/hash.txt" ]] && cp "$(dirname "$bin")/hash.txt" "$tmp/bin/"
if curl -fsS "$base/healthz" >/dev/null 2>&1; then
  die "port $port is already serving something; stop it or set TIMEWEAVE_SECURITY_PORT"
fi
# The throttles would answer 429 before a scanner's values reach the database, and the
# scans would test little behind them. For this server only: the failed sign-in limits are
# raised, and the client address is taken from X-Forwarded-For, which both scanners set to
# a random address on every request (the hard-coded per-address limits on joining, resets
# and self-referral then never fill; their per-email limits are met with random emails).
# The shell around it writes down how the server ended, should it stop during the scan.
(
  DATABASE_URL="sqlite://$tmp/sec.db" LEPTOS_SITE_ADDR="127.0.0.1:$port" LEPTOS_SITE_ROOT="$root/target/site" \
    TIMEWEAVE_MAX_FAILURES_PER_ACCOUNT=1000000 TIMEWEAVE_MAX_FAILURES_PER_CLIENT=1000000 TIMEWEAVE_TRUST_PROXY=1 \
    RUST_LOG="${RUST_LOG:-warn}" "$tmp/bin/timeweave" serve --demo &
  echo $! >"$tmp/server.pid"
  wait $!
  status=$?
  echo "security.sh: the server exited with status $status$( ((status > 128)) && echo " (signal $(kill -l $((status - 128))))")"
) >"$tmp/server.log" 2>&1 &
for _ in $(seq 1 20); do [[ -s "$tmp/server.pid" ]] && break; sleep 0.1; done
server_pid=$(cat "$tmp/server.pid")
for _ in $(seq 1 120); do curl -fsS "$base/healthz" >/dev/null 2>&1 && break; sleep 0.5; done
curl -fsS "$base/healthz" >/dev/null || { cat "$tmp/server.log" >&2; die "the server did not start"; }
# What the server logs from here on is the scan's doing (start-up is left out).
log_start=$(wc -l <"$tmp/server.log")
note "$bin serving the demo on $base (database and reports in $tmp)"

# --- helpers -----------------------------------------------------------------------------

# Signs in and prints the tw_session cookie's value.
sign_in() {
  curl -sS -o /dev/null -D - -H 'Accept: application/json' -H "Origin: $origin" \
    --data-urlencode "email=$1" --data-urlencode "password=$password" "$base/api/sign_in" \
    | tr -d '\r' | sed -n 's/^[Ss]et-[Cc]ookie: tw_session=\([^;]*\).*/\1/p' | tail -1
}
page() { curl -sS -H "Cookie: tw_session=$1" "$base$2"; }
# First match of a regex's group 1 in stdin, skipping the values given as arguments.
first() {
  python3 -c '
import re, sys
skip = set(sys.argv[2:])
for m in re.finditer(sys.argv[1], sys.stdin.read(), re.S):
    if m.group(1) not in skip:
        print(m.group(1)); break' "$@"
}
signed_in_ok() { page "$1" /home | grep -q 'action="/api/sign_out"'; }
# The server must outlive every scan: a crash is a finding too (denial of service).
server_gone() {
  sleep 1
  printf '\033[1;31mERROR: the server stopped during %s. Its last log lines:\033[0m\n' "$1" >&2
  tail -n +"$((log_start + 1))" "$tmp/server.log" | sed 's/\x1b\[[0-9;]*m//g' | grep -v 'security event\|security.sh: the server exited' | tail -15 >&2
  grep -h 'security.sh: the server exited' "$tmp/server.log" >&2
  printf '\033[1;31msecurity: FAILED, the server stopped (%s); reports in %s\033[0m\n' "$1" "$tmp"
  exit 1
}
server_alive() { kill -0 "$server_pid" 2>/dev/null && curl -fsS -m 10 "$base/healthz" >/dev/null 2>&1; }

cookie=$(sign_in "$sqlmap_user")
[[ -n "$cookie" ]] && signed_in_ok "$cookie" || die "could not sign in as $sqlmap_user"
note "Signed in as $sqlmap_user"

# Real ids for the signed-in requests, read from the pages.
listings_html=$(page "$cookie" /listings)
my_listings=$(page "$cookie" /my-listings | grep -o '/listings/[0-9a-f]\{32\}' | sed 's#/listings/##' | sort -u | tr '\n' ' ')
# shellcheck disable=SC2086
listing_id=$(first '/listings/([0-9a-f]{32})' $my_listings <<<"$listings_html")
new_form=$(page "$cookie" /listings/new)
category_id=$(first 'name="category".*?<option value="([^"]+)"' <<<"$new_form")
[[ -n "$category_id" ]] || category_id=$(first '<option value="([0-9a-f]{32})"' <<<"$new_form")
locality_id=$(first 'name="locality".*?<option[^>]*value="([0-9a-f]{32})"' <<<"$new_form")
exchange_id=$(page "$cookie" /exchanges | first '/exchanges/([0-9a-f]{32})')
if [[ -z "$exchange_id" && -n "$listing_id" ]]; then
  curl -sS -o /dev/null -H 'Accept: application/json' -H "Origin: $origin" -H "Cookie: tw_session=$cookie" \
    --data-urlencode "listing_id=$listing_id" --data-urlencode "body=Hello, could I help with this?" "$base/api/start_exchange"
  exchange_id=$(page "$cookie" /exchanges | first '/exchanges/([0-9a-f]{32})')
fi
member_id=$(page "$cookie" "/listings/$listing_id" | first '/members/([0-9a-f]{32})')
for v in listing_id category_id locality_id exchange_id member_id; do
  [[ -n "${!v}" ]] || die "could not find a $v on the demo's pages"
done
note "Using listing $listing_id, exchange $exchange_id, member $member_id, category $category_id, locality $locality_id"

# --- sqlmap ------------------------------------------------------------------------------
banner "Security scan: sqlmap (SQL injection)"
mkdir -p "$tmp/sqlmap"
sqlmap_params=0; sqlmap_runs=0; sqlmap_found=(); sqlmap_unsure=(); sqlmap_broken=()
api_headers="Origin: $origin\nAccept: application/json"

# sqlmap_run NAME PARAMS [cookie|anon] URL [POST-DATA [EXTRA-SQLMAP-ARGS...]]: tests the
# comma-separated PARAMS ("" for the '*' markers in EXTRA-SQLMAP-ARGS).
# Level 3 and risk 2: for SQLite, level 2 and risk 1 leave out every time-based and
# stacked-query test, the ones that find an injection with no visible effect (an INSERT).
# Still only seconds a parameter against this server.
sqlmap_run() {
  local name=$1 params=$2 who=$3 url=$4 data=${5:-}
  shift $(($# < 5 ? $# : 5))
  local dir="$tmp/sqlmap/$name" t0=$SECONDS rc
  local args=(--batch --disable-coloring --level=3 --risk=2 --dbms=SQLite --flush-session
    --output-dir="$dir" -t "$dir/traffic.txt" -u "$url"
    --drop-set-cookie --timeout=15 --retries=1
    # 401/403/404 are this server's answers to a wrong session, someone else's thing and an
    # unknown token or id; 429 its throttles (messages per member). Without this sqlmap
    # stops at the first one.
    --ignore-code=401,403,404,429)
  mkdir -p "$dir"
  [[ -n "$params" ]] && args+=(-p "$params")
  # UNION tests only where the answer shows what a query read ("${reads[@]}"): a write
  # answers the same whatever its query returns.
  [[ " $* " == *" --technique="* ]] || args+=(--technique=BEST)
  # A random X-Forwarded-For on every payload (see the server's start above).
  [[ " $* " == *" --headers="* ]] || args+=(--tamper=xforwardedfor)
  if [[ -n "$data" ]]; then args+=(--data="$data"); fi
  [[ " $* " == *" --headers="* ]] || args+=(--headers="$( [[ -n "$data" ]] && echo "$api_headers" || echo "Origin: $origin")")
  [[ "$who" == cookie ]] && args+=(--cookie="tw_session=$cookie")
  args+=("$@")
  timeout "$sqlmap_timeout" sqlmap "${args[@]}" >"$dir/stdout.txt" 2>&1; rc=$?
  sqlmap_runs=$((sqlmap_runs + 1))
  sqlmap_params=$((sqlmap_params + $( [[ -n "$params" ]] && tr ',' '\n' <<<"$params" | grep -c . || echo 1)))
  local verdict
  if grep -qE "sqlmap identified the following injection point|is vulnerable\. Do you want" "$dir/stdout.txt" \
     || [[ -s "$(find "$dir" -name log -path '*127.0.0.1*' 2>/dev/null | head -1)" ]]; then
    verdict="INJECTION FOUND"; sqlmap_found+=("$name")
  elif ((rc == 124)); then
    verdict="timed out after ${sqlmap_timeout}s (partly tested)"; sqlmap_unsure+=("$name: timed out")
  elif grep -q "do not appear to be injectable" "$dir/stdout.txt"; then
    verdict="clean"
  else
    verdict="DID NOT RUN (exit $rc; see $dir/stdout.txt)"; sqlmap_broken+=("$name")
  fi
  local codes
  codes=$(grep -A1 'HTTP error codes detected during run:' "$dir/stdout.txt" | tail -1 | grep -E '^[0-9]{3} ' || true)
  printf '  %-24s %-44s %4ss  %s%s\n' "$name" "[${params:-marked}]" $((SECONDS - t0)) "$verdict" "${codes:+  (HTTP: $codes)}"
  grep -E "might be injectable|appears to be .* injectable|identified the following|Parameter: |Payload: " "$dir/stdout.txt" | sed 's/^/      /' | head -20
  if ! server_alive; then
    printf '      last requests sent:\n'; grep -A1 '^HTTP request \[#' "$dir/traffic.txt" | grep -v '^HTTP request\|^--' | tail -3 | sed 's/^/        /'
    server_gone "sqlmap run $name"
  fi
}

# The UNION tests for reads, with a fixed column range: without one, a length check that makes
# "ORDER BY 1" pass and "ORDER BY 9999" fail has sqlmap try UNIONs of up to 999 columns,
# minutes of its own CPU per parameter.
reads=(--technique=BEUST --union-cols=1-20)
# Joining, resets and self-referral allow 3 an hour per email: every request that would send
# the unchanged address sends a new one instead (payloads in the email are left alone).
plain_email="scan.$(date +%s)$RANDOM@example.org"
fresh_email=(--eval="import random; email = 'scan%d@example.org' % random.randint(0, 10**12) if email.replace('%40', '@') == '$plain_email' else email")
plain_email=${plain_email/@/%40}
note "Anonymous"
sqlmap_run sign_in email,password,next anon "$base/api/sign_in" "email=someone%40example.org&password=not-the-password&next=%2Fhome"
sqlmap_run sign_in_client_address "" anon "$base/api/sign_in" "email=someone%40example.org&password=not-the-password" \
  --headers="$api_headers\nX-Forwarded-For: 192.0.2.1*"
sqlmap_run request_password_reset email anon "$base/api/request_password_reset" "email=$plain_email" "${fresh_email[@]}"
join_data="display_name=Alex+Test&email=$plain_email&password=long-enough-password-1&locality=$locality_id&code_of_conduct=on&about=I+like+gardening&invite="
sqlmap_run join_email email anon "$base/api/join" "$join_data" "${fresh_email[@]}"
sqlmap_run join display_name,locality,about,invite anon "$base/api/join" "$join_data" "${fresh_email[@]}"
sqlmap_run reset_password token anon "$base/api/reset_password" "token=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA&new_password=long-enough-password-2"
sqlmap_run confirm_email token anon "$base/api/confirm_email" "token=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"
refer_data="person_name=Alex+Test&date_of_birth=1950-01-01&email=$plain_email&phone=07700900123&contact_by=email&locality=$locality_id&what_matters=Company&consent_referral=on&consent_sharing=on"
sqlmap_run self_refer_email email anon "$base/api/self_refer" "$refer_data" "${fresh_email[@]}"
sqlmap_run self_refer person_name,date_of_birth,phone,contact_by,locality,what_matters anon "$base/api/self_refer" "$refer_data" "${fresh_email[@]}"
sqlmap_run page_sign_in next anon "$base/sign-in?next=%2Fhome"
sqlmap_run page_join invite anon "$base/join?invite=abc" "" "${reads[@]}"

note "Signed in as $sqlmap_user"
sqlmap_run session_cookie tw_session cookie "$base/home" "" "${reads[@]}"
sqlmap_run page_listings q,kind,category,locality,sort,page,per cookie \
  "$base/listings?q=garden&kind=offer&category=$category_id&locality=$locality_id&sort=near&page=1&per=20" "" "${reads[@]}"
sqlmap_run browse_listings "filters[q],filters[kind],filters[category],filters[locality],filters[sort]" cookie "$base/api/browse_listings" \
  "filters[q]=garden&filters[kind]=offer&filters[category]=$category_id&filters[locality]=$locality_id&filters[sort]=new" "${reads[@]}"
sqlmap_run create_listing kind,title,description,category,tags,locality,place,availability,estimate cookie "$base/api/create_listing" \
  "kind=offer&title=Help+with+gardening&description=I+can+weed+and+mow.&category=$category_id&tags=garden&locality=$locality_id&place=home&availability=Weekends&estimate=2"
sqlmap_run get_listing id cookie "$base/api/get_listing" "id=$listing_id" "${reads[@]}"
# Members may send 20 messages in 10 minutes (not configurable): after the first 20 the body
# of a new exchange or message is answered 429 before it reaches the INSERT, so those two
# bodies are tested only in part.
sqlmap_run start_exchange listing_id,body cookie "$base/api/start_exchange" "listing_id=$listing_id&body=Could+I+help%3F"
sqlmap_run send_message exchange_id,body cookie "$base/api/send_message" "exchange_id=$exchange_id&body=See+you+on+Saturday"
sqlmap_run get_exchange id cookie "$base/api/get_exchange" "id=$exchange_id" "${reads[@]}"
sqlmap_run member_profile user_id cookie "$base/api/member_profile" "user_id=$member_id" "${reads[@]}"
sqlmap_run set_about about cookie "$base/api/set_about" "about=I+like+gardening"
sqlmap_run report subject_kind,subject_id,reason cookie "$base/api/report" "subject_kind=listing&subject_id=$listing_id&reason=Looks+wrong"
sqlmap_run my_hours page cookie "$base/hours?page=1" "" "${reads[@]}"
sqlmap_run set_email_frequency frequency cookie "$base/api/set_email_frequency" "frequency=daily"

# 5xx answers seen by sqlmap, request by request, from its traffic logs.
python3 - "$tmp/sqlmap" >"$tmp/sqlmap-5xx.txt" <<'EOF'
import os, re, sys
seen = {}
for dirpath, _, files in os.walk(sys.argv[1]):
    if "traffic.txt" not in files:
        continue
    run = os.path.basename(dirpath)
    text = open(os.path.join(dirpath, "traffic.txt"), errors="replace").read()
    for block in re.split(r"\n(?=HTTP request \[#\d+\]:)", text):
        m = re.search(r"HTTP response \[#\d+\] \((5\d\d)\b", block)
        if not m:
            continue
        req = block.split("HTTP response", 1)[0].strip().splitlines()[1:]
        line = req[0] if req else "?"
        body = req[-1] if len(req) > 1 and not re.match(r"^[\w-]+: ", req[-1]) else ""
        key = (run, m.group(1), line, body)
        seen[key] = seen.get(key, 0) + 1
for (run, code, line, body), n in sorted(seen.items()):
    print(f"{run}: {code} x{n}: {line}" + (f"  body: {body}" if body else ""))
EOF
if ! signed_in_ok "$cookie"; then warn "the sqlmap session ended during the scan: later signed-in results are weaker"; fi

# --- wapiti ------------------------------------------------------------------------------
banner "Security scan: wapiti (SQL, blind SQL, XSS, exec, CRLF, file, XXE, SSRF, redirect)"
wcookie=$(sign_in "$wapiti_user")
[[ -n "$wcookie" ]] && signed_in_ok "$wcookie" || die "could not sign in as $wapiti_user"
note "Signed in as $wapiti_user"
mkdir -p "$tmp/wapiti"
python3 - "$tmp/wapiti/cookies.json" "$wcookie" <<'EOF'
import json, sys
json.dump({"127.0.0.1": {"/": {"tw_session": {"value": sys.argv[2], "expires": None, "secure": False, "port": None, "version": 0}}}},
          open(sys.argv[1], "w"))
EOF

# The out-of-band listener: the SSRF and XXE payloads point the server at it, and wapiti asks
# it (get_ssrf.php / get_xxe.php, as on wapiti's public endpoint) whether anything came.
cat >"$tmp/wapiti/oob.py" <<'EOF'
import datetime, http.server, json, re, sys
hits = {"ssrf": {}, "xxe": {}}
log = open(sys.argv[2], "a", buffering=1)
class Handler(http.server.BaseHTTPRequestHandler):
    def log_message(self, *args):
        pass
    def answer(self, body, ctype="application/json"):
        data = body.encode()
        self.send_response(200)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)
    def any(self):
        size = int(self.headers.get("Content-Length") or 0)
        if size:
            self.rfile.read(size)
        m = re.match(r"^/get_(ssrf|xxe)\.php\?id=([\w-]+)", self.path)
        if m:
            return self.answer(json.dumps(hits[m.group(1)].get(m.group(2), {})))
        log.write(f"{self.command} {self.path}\n")
        info = {"url": self.path, "date": datetime.datetime.utcnow().isoformat(), "ip": self.client_address[0],
                "method": self.command, "size": size}
        m = re.match(r"^/ssrf/([\w-]+)/(\d+)/([0-9a-fA-F]+)/", self.path)
        if m:
            hits["ssrf"].setdefault(m.group(1), {}).setdefault(m.group(2), {}).setdefault(m.group(3), []).append(info)
        m = re.match(r"^/dtd/([\w-]+)/(\d+)/([0-9a-fA-F]+)/(\w+)\.dtd", self.path)
        if m:
            info["payload"] = m.group(4)
            hits["xxe"].setdefault(m.group(1), {}).setdefault(m.group(2), {}).setdefault(m.group(3), []).append(info)
            return self.answer('<!ENTITY % intern "">\n<!ENTITY % trick "">\n', "application/xml-dtd")
        self.answer("{}")
    do_GET = do_POST = do_PUT = do_HEAD = any
server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
open(sys.argv[1], "w").write(str(server.server_address[1]))
server.serve_forever()
EOF
: >"$tmp/wapiti/oob.log"
python3 "$tmp/wapiti/oob.py" "$tmp/wapiti/oob.port" "$tmp/wapiti/oob.log" &
oob_pid=$!
for _ in $(seq 1 20); do [[ -s "$tmp/wapiti/oob.port" ]] && break; sleep 0.25; done
[[ -s "$tmp/wapiti/oob.port" ]] || die "the out-of-band listener did not start"
oob="http://127.0.0.1:$(cat "$tmp/wapiti/oob.port")/"

# Start pages beyond / so that each page's query parameters are attacked too.
starts=()
for p in /home /listings "/listings?q=garden&kind=offer&sort=near&page=1" /listings/new /my-listings /exchanges \
  "/exchanges/$exchange_id" "/listings/$listing_id" "/members/$member_id" /hours "/hours?page=1" /hours/give \
  /notifications /account /account/actions /account/two-step /report /wellbeing /outbox \
  "/sign-in?next=%2Fhome" "/join?invite=abc" /forgot-password "/reset-password?token=abc" "/confirm-email?token=abc" \
  /refer-yourself /professionals/join /code-of-conduct; do
  starts+=(-s "$base$p")
done
# Debian's wapiti 3.0.4, run through a few replacements:
# - its -x patterns are built as r'...\Z(?ms)', which Python 3.11 refuses ("global flags not
#   at the start"): the function is replaced;
# - every module is loaded whatever -m says, and some fetch databases from GitHub when
#   loading: any request for a host other than 127.0.0.1 is refused before it leaves;
# - a random X-Forwarded-For on every request, and a new email in place of its one autofill
#   address, so the throttles stay out of the way (see the server's start above);
# - every request is logged (requests.log), 5xx answers with their request (5xx.log), and
#   when the server stops answering the scan ends at once (server-gone.log names the last
#   requests) instead of crawling on through connection errors.
cat >"$tmp/wapiti/wapiti.py" <<'EOF'
import os, random, re, sys
from urllib.parse import urlsplit
import requests
import wapitiCore.net.crawler as crawler
here = os.path.dirname(os.path.abspath(__file__))
request_log = open(os.path.join(here, "requests.log"), "a", buffering=1)
recent = []
refused = 0

def wildcard_translate(pattern):
    return re.compile("(?ms)" + "".join(".*" if c == "*" else re.escape(c) for c in pattern) + r"\Z")
crawler.wildcard_translate = wildcard_translate

original_send = requests.Session.send
def send(self, request, **kwargs):
    if urlsplit(request.url).hostname not in ("127.0.0.1", "localhost"):
        raise requests.exceptions.ConnectionError("security.sh: only 127.0.0.1 may be contacted: " + request.url)
    request.headers["X-Forwarded-For"] = ".".join(str(random.randint(1, 254)) for _ in range(4))
    body = request.body.decode("latin-1") if isinstance(request.body, bytes) else request.body
    if isinstance(body, str) and "wapiti2021" in body:
        body = re.sub(r"wapiti2021(%40|@)mailinator\.com", lambda m: "scan%d%sexample.org" % (random.randint(0, 10**12), m.group(1)), body)
        request.body = body.encode("latin-1")
        request.headers["Content-Length"] = str(len(request.body))
    line = "%s %s%s" % (request.method, request.url, " " + body.replace("\n", "\\n") if body else "")
    request_log.write(line + "\n")
    recent.append(line); del recent[:-5]
    global refused
    try:
        response = original_send(self, request, **kwargs)
    except requests.exceptions.ConnectionError:
        refused += 1
        if refused >= 10:
            with open(os.path.join(here, "server-gone.log"), "w") as f:
                f.write("\n".join(recent) + "\n")
            print("security.sh: the server stopped answering; last requests in server-gone.log", flush=True)
            os._exit(3)
        raise
    refused = 0
    if response.status_code >= 500:
        with open(os.path.join(here, "5xx.log"), "a") as f:
            f.write("%d %s\n" % (response.status_code, line))
    return response
requests.Session.send = send

from wapitiCore.main.wapiti import wapiti_main
sys.argv[0] = "wapiti"
sys.exit(wapiti_main())
EOF
t0=$SECONDS
# --max-scan-time bounds the crawl only (wapiti 3.0.4); --max-attack-time bounds each module.
# Accept-Encoding without br: this Python has no brotli, and would read compressed pages as
# empty (no links, no forms).
# Excluded: signing out (it would end the session the scan runs in) and two-step changes.
timeout "$wapiti_timeout" /usr/bin/python3 "$tmp/wapiti/wapiti.py" -u "$base/" --scope folder "${starts[@]}" \
  -m "sql,blindsql,xss,permanentxss,exec,crlf,file,xxe,ssrf,redirect" \
  -c "$tmp/wapiti/cookies.json" -H "Origin: $origin" -H "Accept-Encoding: gzip, deflate" \
  -x "$base/api/sign_out*" -x "$base/*logout*" -x "$base/*sign-out*" -x "$base/*signout*" -x "$base/api/enable_two_step*" -x "$base/api/disable_two_step*" \
  -x "$base/pkg/*" \
  --endpoint "$oob" --no-bugreport \
  --flush-session --store-session "$tmp/wapiti/session" --store-config "$tmp/wapiti/config" \
  -d 4 --max-links-per-page 60 --max-files-per-dir 25 --max-scan-time 150 --max-attack-time 180 \
  -t 15 -v 1 -f json -o "$tmp/wapiti/report.json" >"$tmp/wapiti/stdout.txt" 2>&1
wapiti_rc=$?
wapiti_secs=$((SECONDS - t0))
tail -5 "$tmp/wapiti/stdout.txt" | sed 's/^/  /'
if [[ -s "$tmp/wapiti/server-gone.log" ]] || ! server_alive; then
  printf '  last requests sent:\n'; tail -5 "$tmp/wapiti/server-gone.log" 2>/dev/null | cut -c1-400 | sed 's/^/    /'
  server_gone "wapiti's scan"
fi
if ! signed_in_ok "$wcookie"; then warn "the wapiti session ended during the scan: pages after that were scanned signed out"; fi

wapiti_summary=$(python3 - "$tmp/wapiti" "$wapiti_rc" <<'EOF'
import glob, json, os, sqlite3, sys
d, rc = sys.argv[1], int(sys.argv[2])
INJECTION = {"SQL Injection", "Blind SQL Injection", "Cross Site Scripting", "Command execution", "CRLF Injection",
             "Path Traversal", "XML External Entity", "Server Side Request Forgery", "Open Redirect"}
urls = forms = 0
modules = set()
for db in glob.glob(os.path.join(d, "session", "*.db")):
    con = sqlite3.connect(db)
    urls += con.execute("SELECT COUNT(*) FROM paths WHERE evil = 0 AND method = 'GET'").fetchone()[0]
    forms += con.execute("SELECT COUNT(*) FROM paths WHERE evil = 0 AND method != 'GET'").fetchone()[0]
    modules |= {m for (m,) in con.execute("SELECT DISTINCT module_name FROM attack_log")}
out = [f"modules that attacked: {', '.join(sorted(modules)) or 'none'}"]
stdout = open(os.path.join(d, "stdout.txt"), errors="replace").read()
out += [l.strip() for l in stdout.splitlines() if "Max attack time was reached" in l or "Max scan time was reached" in l]
report = os.path.join(d, "report.json")
if not os.path.exists(report):
    print(f"STATUS broken: no report (wapiti exit {rc})")
    sys.exit()
r = json.load(open(report))
findings = 0
for cat, items in sorted(r.get("vulnerabilities", {}).items()):
    if not items:
        continue
    injection = cat in INJECTION or any(k in cat.lower() for k in ("injection", "scripting", "execution", "traversal", "redirect", "forgery", "external entity", "inclusion"))
    if cat == "Cross Site Request Forgery":
        injection = False
    if injection:
        findings += len(items)
    out.append(f"{'FINDING' if injection else 'other'}: {cat}: {len(items)}")
    for v in items:
        out.append(f"    {v['method']} {v['path']} parameter {v['parameter']!r}: {v['info']}")
        out.append("      " + v["http_request"].replace("\n", "\n      "))
for cat, items in sorted(r.get("anomalies", {}).items()):
    if items:
        out.append(f"anomaly: {cat}: {len(items)}")
        for v in items:
            out.append(f"    {v['method']} {v['path']} parameter {v['parameter']!r}: {v['info']}")
            out.append("      " + v["http_request"].replace("\n", "\n      "))
oob = [l for l in open(os.path.join(d, "oob.log")) if l.strip()]
if oob:
    findings += len(oob)
    out.append(f"FINDING: the server contacted the out-of-band listener {len(oob)} times (SSRF/XXE):")
    out += ["    " + l.rstrip() for l in oob[:20]]
print(f"STATUS ok {findings} {urls} {forms}")
print("\n".join(out))
EOF
)
printf '%s\n' "$wapiti_summary" | tail -n +2 | sed 's/^/  /'
read -r _ wapiti_state wapiti_findings wapiti_urls wapiti_forms <<<"$(head -1 <<<"$wapiti_summary")"

# --- summary -----------------------------------------------------------------------------
banner "Security scan: summary"
failed=0
tail -n +"$((log_start + 1))" "$tmp/server.log" | sed 's/\x1b\[[0-9;]*m//g' >"$tmp/server-scan.log"
unexpected=$(grep -c 'unexpected error' "$tmp/server-scan.log" || true)
if [[ -s "$tmp/sqlmap-5xx.txt" ]]; then
  note "5xx answers during sqlmap (run: status x count: request):"
  sed 's/^/  /' "$tmp/sqlmap-5xx.txt" | head -40
fi
if [[ -s "$tmp/wapiti/5xx.log" ]]; then
  note "5xx answers during wapiti ($(wc -l <"$tmp/wapiti/5xx.log") in all; status request):"
  sort "$tmp/wapiti/5xx.log" | uniq -c | sort -rn | cut -c1-400 | head -40 | sed 's/^/  /'
fi
if ((unexpected)); then
  note "The server logged $unexpected unexpected errors (answered 500); their causes:"
  grep 'unexpected error' "$tmp/server-scan.log" | sed 's/.*unexpected error: //; s/ reference=.*//' | sort | uniq -c | sort -rn | head -20 | sed 's/^/  /'
fi
for u in "${sqlmap_unsure[@]}"; do warn "sqlmap $u"; done
if ((${#sqlmap_broken[@]})); then
  failed=1; printf '\033[1;31msqlmap could not test: %s\033[0m\n' "${sqlmap_broken[*]}"
fi
if ((${#sqlmap_found[@]})); then
  failed=1; printf '\033[1;31msqlmap found SQL injection in: %s (details in %s/sqlmap/<run>/stdout.txt)\033[0m\n' "${sqlmap_found[*]}" "$tmp"
fi
if [[ "$wapiti_state" != ok ]]; then
  failed=1; printf '\033[1;31mwapiti did not produce a report (exit %s%s); see %s\033[0m\n' "$wapiti_rc" \
    "$( ((wapiti_rc == 124)) && echo ", timed out after ${wapiti_timeout}s")" "$tmp/wapiti/stdout.txt"
  wapiti_findings=0; wapiti_urls=0; wapiti_forms=0
elif ((wapiti_findings)); then
  failed=1; printf '\033[1;31mwapiti found %s injection findings (report: %s/wapiti/report.json)\033[0m\n' "$wapiti_findings" "$tmp"
fi
total=$(( ${#sqlmap_found[@]} + wapiti_findings ))
note "sqlmap: $sqlmap_runs runs, $sqlmap_params parameters; wapiti: $wapiti_urls URLs and $wapiti_forms forms in ${wapiti_secs}s; $((SECONDS - started))s in all"
if ((failed)); then
  printf '\033[1;31msecurity: FAILED, %s injection findings (sqlmap: %s parameters, wapiti: %s URLs); reports in %s\033[0m\n' \
    "$total" "$sqlmap_params" "$wapiti_urls" "$tmp"
  exit 1
fi
printf '\033[1;32msecurity: 0 injection findings (sqlmap: %s parameters, wapiti: %s URLs)\033[0m\n' "$sqlmap_params" "$wapiti_urls"
if [[ "${SECURITY_KEEP:-}" == 1 || ${#sqlmap_unsure[@]} -gt 0 || -s "$tmp/sqlmap-5xx.txt" || -s "$tmp/wapiti/5xx.log" || $unexpected -gt 0 ]]; then
  note "Reports kept in $tmp"
else
  trap - EXIT; cleanup; rm -rf "$tmp"
fi
