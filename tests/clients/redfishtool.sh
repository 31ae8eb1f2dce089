#!/usr/bin/env bash
# The main job flows through DMTF's redfishtool ("raw" requests) against a running rfjobd:
# create a user-specified job, read it until it completes, PATCH MaxExecutionTime, cancel a
# scheduled job with an action, delete a job.
#
# Usage: tests/clients/redfishtool.sh RFJOBD_BINARY MKCERT_SCRIPT
#
# Starts the server on a free port (--port 0; the port is read from its log) with certificates
# made by MKCERT_SCRIPT in a temporary directory. Exits 0 when every check passes, 1 on a failure,
# 77 (CTest's SKIP_RETURN_CODE) when redfishtool is not installed.
set -euo pipefail

if [[ $# -ne 2 ]]; then
    echo "usage: ${0##*/} RFJOBD_BINARY MKCERT_SCRIPT" >&2
    exit 2
fi
bin=$1
mkcert=$2
if ! command -v redfishtool >/dev/null 2>&1; then
    echo "redfishtool is not installed: skipped"
    exit 77
fi

pw='rt-admin-pass-1'
tmp=$(mktemp -d)
pid=
cleanup() {
    if [[ -n $pid ]]; then
        kill "$pid" 2>/dev/null || true
        wait "$pid" 2>/dev/null || true
    fi
    rm -rf -- "$tmp"
}
trap cleanup EXIT

fail() {
    echo "FAIL: $*" >&2
    echo "--- server log" >&2
    cat "$tmp/log" >&2 || true
    exit 1
}

"$mkcert" "$tmp/certs" >/dev/null
RFJOBD_ADMIN_PASSWORD=$pw "$bin" --listen 127.0.0.1 --port 0 --cert "$tmp/certs/server.pem" \
    --key "$tmp/certs/server.key" --data-dir "$tmp/var" --log-level info >"$tmp/out" 2>"$tmp/log" &
pid=$!

# The bound port, from the start-up line (bounded wait).
port=
for _ in $(seq 100); do
    port=$(sed -n 's|.*serving https://127\.0\.0\.1:\([0-9]*\)/.*|\1|p' "$tmp/log" | head -n 1)
    [[ -n $port ]] && break
    kill -0 "$pid" 2>/dev/null || fail "rfjobd exited"
    sleep 0.1
done
[[ -n $port ]] || fail "rfjobd did not report its port"

rt() {
    redfishtool -r "127.0.0.1:$port" -S Always -u Administrator -p "$pw" raw "$@"
}

# A property of the JSON on stdin, by a path of names ("Schedule/InitialStartTime").
prop() {
    python3 -c '
import json, sys
v = json.load(sys.stdin)
for k in sys.argv[1].split("/"):
    v = v[k]
print(v if not isinstance(v, bool) else str(v).lower())' "$1"
}

# GETs a job until its JobState is $2 (at most 10 s).
wait_state() {
    local state=
    for _ in $(seq 100); do
        state=$(rt GET "$1" | prop JobState)
        [[ $state == "$2" ]] && return 0
        sleep 0.1
    done
    fail "$1 stays $state, not $2"
}

out=$(rt GET /redfish/v1/JobService) || fail "GET JobService"
[[ $(prop ServiceEnabled <<<"$out") == true ]] || fail "ServiceEnabled: $out"
[[ $(prop Jobs/@odata.id <<<"$out") == /redfish/v1/JobService/Jobs ]] || fail "Jobs link: $out"

# Create a job; it runs its payload and completes.
body='{"Name":"from redfishtool","Payload":{"TargetUri":"/redfish/v1/JobService","HttpOperation":"GET"}}'
out=$(rt POST /redfish/v1/JobService/Jobs -d "$body") || fail "POST Jobs"
job=$(prop @odata.id <<<"$out")
[[ $job == /redfish/v1/JobService/Jobs/* ]] || fail "created job: $out"
[[ $(prop JobType <<<"$out") == UserSpecified ]] || fail "JobType: $out"
wait_state "$job" Completed
out=$(rt GET "$job")
[[ $(prop Name <<<"$out") == "from redfishtool" ]] || fail "Name: $out"
[[ $(prop PercentComplete <<<"$out") == 100 ]] || fail "PercentComplete: $out"
[[ $(prop CreatedBy <<<"$out") == Administrator ]] || fail "CreatedBy: $out"
grep -q '"MessageId": "Rfjobd.1.0.PayloadCompleted"' <<<"$out" || fail "Messages: $out"

# PATCH MaxExecutionTime.
out=$(rt PATCH "$job" -d '{"MaxExecutionTime":"PT10M"}') || fail "PATCH"
[[ $(rt GET "$job" | prop MaxExecutionTime) == PT10M ]] || fail "MaxExecutionTime: $out"

# A scheduled job waits (Pending); the Cancel action through a raw POST ends it.
start=$(date -u -d '+1 hour' '+%Y-%m-%dT%H:%M:%S+00:00')
body='{"Name":"later","Schedule":{"InitialStartTime":"'$start'"},'
body+='"Payload":{"TargetUri":"/redfish/v1/JobService","HttpOperation":"GET"}}'
out=$(rt POST /redfish/v1/JobService/Jobs -d "$body") || fail "POST scheduled job"
later=$(prop @odata.id <<<"$out")
wait_state "$later" Pending
rt POST "$later/Actions/Job.Cancel" -d '{}' >/dev/null || fail "POST Job.Cancel"
wait_state "$later" Cancelled

# DELETE both; then they are gone.
rt DELETE "$job" >/dev/null || fail "DELETE $job"
rt DELETE "$later" >/dev/null || fail "DELETE $later"
out=$(rt GET /redfish/v1/JobService/Jobs) || fail "GET Jobs"
[[ $(prop Members@odata.count <<<"$out") == 0 ]] || fail "jobs left after DELETE: $out"
if rt GET "$job" >"$tmp/gone" 2>&1; then
    fail "GET of a deleted job succeeded: $(cat "$tmp/gone")"
fi
echo "redfishtool: all flows passed"
