#!/usr/bin/env bash
# bench/http.sh [options]
#
# Figures for rfjobd over HTTPS, beside nginx serving the same bytes as static files, measured
# in the same run on this machine. Not a test: it prints requests/s and p99 latency for
#   - GET of one job          (/redfish/v1/JobService/Jobs/{id})
#   - GET of a page of 50 jobs (/redfish/v1/JobService/Jobs?$skip=N&$top=50)
# from a store of 100,000 jobs, the same for nginx, and the ratios rfjobd/nginx beside the
# targets. See bench/README.md.
#
# Options:
#   --duration S       seconds per wrk run (default 10)
#   --jobs N           jobs in the store (default 100000)
#   --id N             the job of the one-job GET (default: jobs/2)
#   --skip N           $skip of the page (default: jobs/2)
#   --expand           ask for the page with $expand=. (the members in full)
#   --threads N        rfjobd --threads (default: the connections, 32)
#   --nginx-workers N  nginx worker_processes (default: the CPUs online)
#   --connections N    wrk connections (default 32)
#   --wrk-threads N    wrk threads (default 2)
#   --path-one PATH    benchmark PATH instead of the one-job GET (authenticated)
#   --path-page PATH   benchmark PATH instead of the page GET (authenticated)
#   --keep             keep the temporary directory (printed) instead of removing it
#   --no-settle        measure at once, while the job runner still starts the store's New jobs
#
# Installs wrk, nginx and curl with apt-get when missing (sudo when not root), builds the release
# tree when there is none, and cleans up every process and file it made when it exits.
set -euo pipefail

prog=bench/http.sh
cd "$(dirname "$0")/.."
root=$(pwd)

duration=10
jobs=100000
id=
skip=
expand=false
threads=
nginx_workers=
connections=32
wrk_threads=2
path_one=
path_page=
keep=false
settle=true

usage() {
    sed -n '2,/^set -euo/{/^set -euo/d;s/^# \{0,1\}//;p}' "$0"
}

die() {
    printf '%s: %s\n' "$prog" "$*" >&2
    exit 1
}

posint() {
    if ! [[ $2 =~ ^[0-9]{1,9}$ ]] || ((10#$2 < ${3:-1})); then
        die "$1 takes a whole number (got '$2')"
    fi
}

while [ $# -gt 0 ]; do
    case "$1" in
    --duration | --jobs | --id | --skip | --threads | --nginx-workers | --connections | \
        --wrk-threads | --path-one | --path-page)
        [ $# -ge 2 ] || die "$1 needs a value"
        case "$1" in
        --duration) posint "$1" "$2" && duration=$2 ;;
        --jobs) posint "$1" "$2" && jobs=$2 ;;
        --id) posint "$1" "$2" && id=$2 ;;
        --skip) posint "$1" "$2" 0 && skip=$2 ;;
        --threads) posint "$1" "$2" && threads=$2 ;;
        --nginx-workers) posint "$1" "$2" && nginx_workers=$2 ;;
        --connections) posint "$1" "$2" && connections=$2 ;;
        --wrk-threads) posint "$1" "$2" && wrk_threads=$2 ;;
        --path-one) path_one=$2 ;;
        --path-page) path_page=$2 ;;
        esac
        shift 2
        ;;
    --expand) expand=true && shift ;;
    --keep) keep=true && shift ;;
    --no-settle) settle=false && shift ;;
    -h | --help) usage && exit 0 ;;
    *) usage >&2 && exit 2 ;;
    esac
done

cpus=$(getconf _NPROCESSORS_ONLN 2>/dev/null || echo 2)
: "${id:=$((jobs / 2))}"
: "${skip:=$((jobs / 2))}"
: "${threads:=$connections}"
: "${nginx_workers:=$cpus}"
((id >= 1 && id <= jobs)) || die "--id must be within 1..$jobs"
smoke=false
if [ -n "$path_one" ] || [ -n "$path_page" ]; then
    smoke=true
fi
if [ -z "$path_one" ]; then
    path_one=/redfish/v1/JobService/Jobs/$id
fi
if [ -z "$path_page" ]; then
    path_page="/redfish/v1/JobService/Jobs?\$skip=$skip&\$top=50"
    if $expand; then
        path_page="$path_page&\$expand=."
    fi
fi
for p in "$path_one" "$path_page"; do
    [[ $p == /* && $p != *[[:space:]]* ]] || die "a path starts with / and has no spaces (got '$p')"
done

# --- what it needs ---------------------------------------------------------------------------

need=()
for pair in wrk:wrk nginx:nginx curl:curl openssl:openssl; do
    command -v "${pair%%:*}" >/dev/null 2>&1 || [ -x "/usr/sbin/${pair%%:*}" ] || need+=("${pair#*:}")
done
if [ "${#need[@]}" -gt 0 ]; then
    sudo=()
    if [ "$(id -u)" -ne 0 ]; then
        command -v sudo >/dev/null 2>&1 || die "missing ${need[*]} and not root; install them as root"
        sudo=(sudo)
    fi
    echo "$prog: installing ${need[*]}" >&2
    "${sudo[@]}" apt-get update -q >&2
    DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -q --no-install-recommends \
        "${need[@]}" >&2
fi
nginx_bin=$(command -v nginx || echo /usr/sbin/nginx)

if [ ! -f build/release/CMakeCache.txt ]; then
    cmake --preset release >&2
fi
cmake --build build/release -j2 >&2
rfjobd_bin=$root/build/release/server/rfjobd
populate_bin=$root/build/release/bench/populate_jobs
if ! [ -x "$rfjobd_bin" ] || ! [ -x "$populate_bin" ]; then
    die "the release build has no rfjobd or populate_jobs"
fi

# --- a place of its own, and cleaning it up --------------------------------------------------

tmp=$(mktemp -d "${TMPDIR:-/tmp}/rfjobd-bench.XXXXXX")
rfjobd_pid=
nginx_pid=
cleanup() {
    local rc=$?
    trap - EXIT INT TERM
    for pid in $rfjobd_pid $nginx_pid; do
        kill -TERM "$pid" 2>/dev/null || true
    done
    for pid in $rfjobd_pid $nginx_pid; do
        wait "$pid" 2>/dev/null || true
    done
    if $keep; then
        echo "$prog: kept $tmp" >&2
    else
        rm -rf -- "$tmp"
    fi
    exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# A port nothing listens on (as far as a connect can tell; the server's bind is the last word).
free_port() {
    local p _
    for _ in $(seq 1 200); do
        p=$((20000 + (RANDOM * 32768 + RANDOM) % 40000))
        if ! (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then
            echo "$p"
            return 0
        fi
    done
    die "no free port found"
}

# Waits until https://127.0.0.1:$1/redfish/v1/ (or $2) answers, while process $3 lives.
wait_up() {
    local _
    for _ in $(seq 1 600); do
        if curl -sS -o /dev/null --cacert "$tmp/certs/ca.pem" --max-time 2 \
            "https://127.0.0.1:$1$2" 2>/dev/null; then
            return 0
        fi
        kill -0 "$3" 2>/dev/null || return 1
        sleep 0.1
    done
    return 1
}

# --- certificate, store, rfjobd --------------------------------------------------------------

certs/mkcert.sh "$tmp/certs" >/dev/null
mkdir -p "$tmp/var" "$tmp/www" "$tmp/nginx"
"$populate_bin" "$tmp/var/jobs.db" "$jobs" >/dev/null

password=$(openssl rand -hex 16)
port=$(free_port)
RFJOBD_ADMIN_PASSWORD=$password "$rfjobd_bin" --data-dir "$tmp/var" --listen 127.0.0.1 \
    --port "$port" --cert "$tmp/certs/server.pem" --key "$tmp/certs/server.key" \
    --threads "$threads" --max-connections 256 --tls-min-version 1.3 --log-level warning \
    >"$tmp/rfjobd.log" 2>&1 &
rfjobd_pid=$!
wait_up "$port" /redfish/v1/ "$rfjobd_pid" || {
    cat "$tmp/rfjobd.log" >&2
    die "rfjobd did not start"
}
base=https://127.0.0.1:$port

curl -sS --fail --cacert "$tmp/certs/ca.pem" -o /dev/null -D "$tmp/login.h" \
    -H 'Content-Type: application/json' \
    --data "{\"UserName\":\"Administrator\",\"Password\":\"$password\"}" \
    "$base/redfish/v1/SessionService/Sessions" || die "the session login failed"
token=$(tr -d '\r' <"$tmp/login.h" | sed -n 's/^[Xx]-[Aa]uth-[Tt]oken: *//p')
[ -n "$token" ] || die "the session login returned no X-Auth-Token"
export RFJOBD_TOKEN=$token

# --- let the job runner settle ---------------------------------------------------------------

# The store's New jobs are user-specified jobs, which the job runner starts as soon as the service
# is up (30% of the store, at about 1,000 a second on two CPUs). Measuring meanwhile would charge
# the runner's work (and its store commits) to the HTTP path and change the measured job mid-run.
new_jobs() {
    curl -sS --cacert "$tmp/certs/ca.pem" -H "X-Auth-Token: $token" \
        "$base/redfish/v1/JobService/Jobs?\$filter=JobState%20eq%20'New'&\$top=0" 2>/dev/null |
        sed -n 's/.*"Members@odata.count":\([0-9]*\).*/\1/p'
}
if $settle && ! $smoke; then
    waited=0
    left=$(new_jobs)
    while [ -n "$left" ] && [ "$left" -gt 0 ] && [ "$waited" -lt 600 ]; do
        if [ $((waited % 10)) -eq 0 ]; then
            echo "waiting for the job runner: $left New jobs left" >&2
        fi
        sleep 1
        waited=$((waited + 1))
        left=$(new_jobs)
    done
    if [ "$waited" -gt 0 ]; then
        echo "the job runner settled after ${waited} s" >&2
    fi
fi

# Fetches $1 from rfjobd into $tmp/www/$2 (body) and $tmp/$2.h (headers); prints the status.
fetch() {
    curl -sS --cacert "$tmp/certs/ca.pem" -H "X-Auth-Token: $token" -o "$tmp/www/$2" \
        -D "$tmp/$2.h" -w '%{http_code}' "$base$1"
}
status=$(fetch "$path_one" job.json)
if [ "$status" != 200 ]; then
    die "GET $path_one returned $status, not 200: nothing to measure. $(
        [ "$status" = 404 ] && ! $smoke && echo "This build does not serve the Jobs routes yet;" \
            "--path-one and --path-page measure other resources (see bench/README.md).")"
fi
status=$(fetch "$path_page" page.json)
[ "$status" = 200 ] || die "GET $path_page returned $status, not 200: nothing to measure."

# --- nginx: the same bytes as static files ---------------------------------------------------

# rfjobd's own headers for a response, as nginx add_header lines: nginx sends the same headers
# but for those it writes itself (Date, Content-Type and -Length, Connection, Server).
nginx_headers() {
    tr -d '\r' <"$1" | sed 1d | while IFS= read -r line; do
        [ -n "$line" ] || continue
        name=${line%%:*}
        value=${line#*:}
        value=${value# }
        case "${name,,}" in
        date | content-type | content-length | connection | keep-alive | server | \
            transfer-encoding) continue ;;
        esac
        value=${value//\\/\\\\}
        value=${value//\"/\\\"}
        value=${value//\$/\$\{dollar\}}
        printf '            add_header %s "%s" always;\n' "$name" "$value"
    done
}
content_type=$(tr -d '\r' <"$tmp/job.json.h" | sed -n 's/^[Cc]ontent-[Tt]ype: *//p')
nport=$(free_port)
while [ "$nport" = "$port" ]; do nport=$(free_port); done
cat >"$tmp/nginx/nginx.conf" <<EOF
worker_processes $nginx_workers;
daemon off;
pid $tmp/nginx/nginx.pid;
error_log $tmp/nginx/error.log warn;
events {
    worker_connections 1024;
}
http {
    access_log off;
    server_tokens off;
    etag off;
    sendfile on;
    open_file_cache max=16 inactive=600s;
    open_file_cache_valid 600s;
    keepalive_timeout 65s;
    keepalive_requests 100000000;
    types {}
    default_type "$content_type";
    client_body_temp_path $tmp/nginx/body;
    proxy_temp_path $tmp/nginx/proxy;
    fastcgi_temp_path $tmp/nginx/fastcgi;
    uwsgi_temp_path $tmp/nginx/uwsgi;
    scgi_temp_path $tmp/nginx/scgi;
    geo \$dollar {
        default "\$";
    }
    server {
        listen 127.0.0.1:$nport ssl;
        ssl_certificate $tmp/certs/server.pem;
        ssl_certificate_key $tmp/certs/server.key;
        ssl_protocols TLSv1.3;
        ssl_session_tickets off;
        root $tmp/www;
        location = /job.json {
$(nginx_headers "$tmp/job.json.h")
        }
        location = /page.json {
$(nginx_headers "$tmp/page.json.h")
        }
        location / {
            return 404;
        }
    }
}
EOF
# nginx's workers may run as another user (nobody, when started as root): let them read /www.
chmod 0711 "$tmp"
chmod 0755 "$tmp/www"
chmod 0644 "$tmp/www/job.json" "$tmp/www/page.json"
"$nginx_bin" -p "$tmp/nginx" -c "$tmp/nginx/nginx.conf" -e "$tmp/nginx/error.log" \
    >"$tmp/nginx/stdout.log" 2>&1 &
nginx_pid=$!
wait_up "$nport" /job.json "$nginx_pid" || {
    cat "$tmp/nginx/error.log" "$tmp/nginx/stdout.log" >&2 || true
    die "nginx did not start"
}
for f in job.json page.json; do
    curl -sS --fail --cacert "$tmp/certs/ca.pem" -o "$tmp/nginx/$f" \
        "https://127.0.0.1:$nport/$f" || die "nginx does not serve /$f"
    cmp -s "$tmp/nginx/$f" "$tmp/www/$f" || die "nginx serves other bytes than rfjobd for /$f"
done

# --- the runs --------------------------------------------------------------------------------

# Prints "rate p99_us requests status_errors socket_errors" for a wrk run against URL $1; wrk's
# own output goes to $tmp/wrk-$2.log.
run_wrk() {
    local out=$tmp/wrk-$2.log
    wrk -t "$wrk_threads" -c "$connections" -d "${duration}s" --timeout 10s \
        -s "$root/bench/wrk_report.lua" "$1" >"$out" 2>&1 || {
        cat "$out" >&2
        die "wrk failed against $1"
    }
    sed -n 's/^RESULT //p' "$out" | tail -1
}

header_bytes() {
    curl -sS --cacert "$tmp/certs/ca.pem" -H "X-Auth-Token: $token" -o /dev/null \
        -w '%{size_header}' "$1"
}

printf 'rfjobd over HTTPS, beside nginx serving the same bytes as static files\n'
printf '  store: %s jobs; wrk %s threads, %s keep-alive connections, %s s per run; %s CPUs online\n' \
    "$jobs" "$wrk_threads" "$connections" "$duration" "$cpus"
printf '  TLS 1.3 only on both, same certificate (ECDSA P-256), no session tickets\n'
printf '  rfjobd --threads %s (one per connection); nginx worker_processes %s (one per CPU)\n' \
    "$threads" "$nginx_workers"
if ((threads < connections)); then
    printf '  NOTE: rfjobd serves a keep-alive connection on one thread until it closes: with fewer\n'
    printf '  threads than connections, %s connections wait and their requests are not counted\n' \
        "$((connections - threads))"
fi
if $smoke; then
    printf '  SMOKE TEST: paths given by --path-one/--path-page; the targets are for the Jobs routes\n'
fi
printf '\n'

report() { # title rfjobd_path nginx_path body_file rate_target p99_target_ms (or "")
    local title=$1 rpath=$2 npath=$3 body=$4 rate_target=$5 p99_target=$6
    local rh nh r_rate r_p99 r_n r_st r_sock n_rate n_p99 n_n n_st n_sock
    read -r r_rate r_p99 r_n r_st r_sock <<<"$(run_wrk "$base$rpath" "rfjobd-${body%.json}")"
    read -r n_rate n_p99 n_n n_st n_sock <<<"$(run_wrk "https://127.0.0.1:$nport$npath" "nginx-${body%.json}")"
    rh=$(header_bytes "$base$rpath")
    nh=$(header_bytes "https://127.0.0.1:$nport$npath")
    printf '%s: %s\n' "$title" "$rpath"
    printf '  body %s bytes; headers: rfjobd %s bytes, nginx %s bytes\n' \
        "$(wc -c <"$tmp/www/$body")" "$rh" "$nh"
    printf '  %-7s %12s %12s %12s %10s\n' "" "requests/s" "p99" "requests" "errors"
    printf '  %-7s %12.0f %9.2f ms %12s %10s\n' rfjobd "$r_rate" "$(echo "$r_p99" | awk '{print $1/1000}')" \
        "$r_n" "$((r_st + r_sock))"
    printf '  %-7s %12.0f %9.2f ms %12s %10s\n' nginx "$n_rate" "$(echo "$n_p99" | awk '{print $1/1000}')" \
        "$n_n" "$((n_st + n_sock))"
    awk -v r="$r_rate" -v n="$n_rate" -v rp="$r_p99" -v np="$n_p99" -v t="$rate_target" \
        -v pt="$p99_target" '
        BEGIN {
            ratio = 0
            if (n > 0) ratio = r / n
            met = "NOT met"
            if (ratio >= t) met = "met"
            printf "  rfjobd/nginx: rate %.2f (target >= %s: %s)", ratio, t, met
            if (pt != "") {
                met = "NOT met"
                if (rp / 1000 < pt + 0) met = "met"
                printf "; rfjobd p99 %.2f ms (target < %s ms: %s)", rp / 1000, pt, met
            }
            pr = 0
            if (np > 0) pr = rp / np
            printf "; p99 ratio %.1f\n", pr
        }'
    if ((r_st + r_sock + n_st + n_sock > 0)); then
        printf '  WARNING: errors above (HTTP status >= 400 or socket errors): the figures are not valid\n'
    fi
    printf '\n'
}

report "one job" "$path_one" /job.json job.json 0.7 10
report "page of 50" "$path_page" /page.json page.json 0.3 ""
