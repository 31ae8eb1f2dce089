#!/usr/bin/env bash
# End-to-end checks of rfjobd-task in a scratch data directory: the files each command
# produces, its report lines, its exit codes, and its clean-up on failure and on SIGTERM.
#
# Usage: tests/tasks/run-tasks.sh PATH_TO_RFJOBD_TASK
# Exit status: 0 when every check passes, 1 at the first failing check, 2 on usage errors.

set -euo pipefail

prog=${0##*/}
if [[ $# -ne 1 || ! -x $1 ]]; then
    echo "usage: $prog PATH_TO_RFJOBD_TASK" >&2
    exit 2
fi
task=$1

umask 022
scratch=$(mktemp -d "${TMPDIR:-/tmp}/rfjobd-tasks-XXXXXX")
bg_pid=
cleanup() {
    if [[ -n $bg_pid ]]; then
        kill -KILL "$bg_pid" 2>/dev/null || true
    fi
    rm -rf -- "$scratch"
}
trap cleanup EXIT

data=$scratch/data
mkdir "$data"
export RFJOBD_DATA_DIR=$data
out=$scratch/out
err=$scratch/err
checks=0

fail() {
    echo "$prog: FAIL: $*" >&2
    echo "--- stdout" >&2
    cat -- "$out" >&2 || true
    echo "--- stderr" >&2
    cat -- "$err" >&2 || true
    exit 1
}

ok() {
    checks=$((checks + 1))
}

# run EXPECTED_STATUS ARGS...: runs rfjobd-task, keeps its stdout and stderr.
run() {
    local want=$1 rc=0
    shift
    "$task" "$@" >"$out" 2>"$err" || rc=$?
    [[ $rc -eq $want ]] || fail "rfjobd-task $*: exit status $rc, expected $want"
    # Every line on stdout is a report.
    if grep -qv '^@rfjobd ' "$out"; then
        fail "rfjobd-task $*: a line on stdout that is not a report"
    fi
    ok
}

# has_line TEXT: stdout holds exactly this line.
has_line() {
    grep -qxF -- "$1" "$out" || fail "no line '$1'"
    ok
}

no_line() {
    if grep -qxF -- "$1" "$out"; then
        fail "unexpected line '$1'"
    fi
    ok
}

# has_text TEXT: some line of stdout contains TEXT.
has_text() {
    grep -qF -- "$1" "$out" || fail "no text '$1' in the reports"
    ok
}

exists() {
    [[ -e $1 ]] || fail "$1 is missing"
    ok
}

absent() {
    [[ ! -e $1 && ! -L $1 ]] || fail "$1 should not exist"
    ok
}

# wait_for FILE: polls (up to 10 s) until FILE exists.
wait_for() {
    local i
    for ((i = 0; i < 200; i++)); do
        [[ -e $1 ]] && return 0
        sleep 0.05
    done
    fail "timed out waiting for $1"
}

# Usage errors: status 2, a message on stderr, no work done.
rc=0
env -u RFJOBD_DATA_DIR "$task" disk-create --name=x --size-mib=1 >"$out" 2>"$err" || rc=$?
[[ $rc -eq 2 ]] || fail "without RFJOBD_DATA_DIR: status $rc"
grep -q RFJOBD_DATA_DIR "$err" || fail "without RFJOBD_DATA_DIR: no message"
ok
rc=0
RFJOBD_DATA_DIR=$scratch/nothere "$task" disk-create --name=x --size-mib=1 >"$out" 2>"$err" || rc=$?
[[ $rc -eq 2 ]] || fail "with a missing RFJOBD_DATA_DIR: status $rc"
ok
run 2
run 2 frobnicate
run 2 disk-create --name=x --size-mib=1 --colour=red
grep -q '^usage:' "$err" || fail "no usage for an unknown option"
run 2 disk-create --name=x --name=y --size-mib=1
run 2 disk-create --name x --size-mib=1
run 2 disk-create name=x --size-mib=1
absent "$data/disks/x.img"

# disk-create
run 0 disk-create --name=d1 --size-mib=3
cat >"$scratch/expected" <<'EOF'
@rfjobd progress 0
@rfjobd progress 33
@rfjobd progress 66
@rfjobd progress 99
@rfjobd progress 100
@rfjobd message OK Created disks/d1.img (3 MiB)
EOF
diff -u "$scratch/expected" "$out" >&2 || fail "disk-create: unexpected reports"
[[ $(stat -c %s "$data/disks/d1.img") -eq 3145728 ]] || fail "disk-create: wrong size"
cmp -s -n 3145728 "$data/disks/d1.img" /dev/zero || fail "disk-create: not zeroes"
[[ $(stat -c %a "$data/disks/d1.img") == 640 ]] || fail "disk-create: mode of the image"
[[ $(stat -c %a "$data/disks") == 750 ]] || fail "disk-create: mode of disks/"
absent "$data/disks/d1.img.partial"
ok
run 0 disk-create --name=d.2_x-y --size-mib=1 --rate-mib-s=100
exists "$data/disks/d.2_x-y.img"

# An existing image is never overwritten.
before=$(sha256sum <"$data/disks/d1.img")
run 1 disk-create --name=d1 --size-mib=1
has_text '"ErrorCode":2,'
has_text '"ProbableCause":79,'
has_text '"ErrorSource":"disks/d1.img"'
[[ $(sha256sum <"$data/disks/d1.img") == "$before" ]] || fail "disk-create overwrote d1.img"
[[ -s $err ]] || fail "disk-create: no message on stderr"
ok

# A partial file (another run, or an interrupted one) is left alone.
echo other >"$data/disks/d3.img.partial"
run 1 disk-create --name=d3 --size-mib=1
has_text '"MessageID":"RfjobdTask.1.0.InProgress"'
[[ $(cat "$data/disks/d3.img.partial") == other ]] || fail "disk-create touched a partial file"
absent "$data/disks/d3.img"
rm -- "$data/disks/d3.img.partial"

# Parameters that are not valid: status 2 and an error report.
for args in "--name=../x --size-mib=1" "--name=a/b --size-mib=1" "--name=.x --size-mib=1" \
    "--name=-x --size-mib=1" "--name=x --size-mib=0" "--name=x --size-mib=+3" \
    "--name=x --size-mib=-1" "--name=x --size-mib=3x" "--name=x --size-mib=" \
    "--name= --size-mib=1" "--name=x --size-mib=1 --rate-mib-s=0" "--size-mib=1"; do
    # shellcheck disable=SC2086 # the words are the arguments
    run 2 disk-create $args
    has_text '"MessageID":"RfjobdTask.1.0.InvalidParameter"'
done
absent "$data/disks/x.img"
absent "$data/x.img"

# SIGTERM during disk-create removes the partial file.
"$task" disk-create --name=big --size-mib=64 --rate-mib-s=8 >"$out" 2>"$err" &
bg_pid=$!
wait_for "$data/disks/big.img.partial"
for ((i = 0; i < 200; i++)); do
    grep -q '^@rfjobd progress [1-9]' "$out" && break
    sleep 0.05
done
kill -TERM "$bg_pid"
rc=0
wait "$bg_pid" || rc=$?
bg_pid=
[[ $rc -eq 143 ]] || fail "disk-create after SIGTERM: status $rc"
absent "$data/disks/big.img.partial"
absent "$data/disks/big.img"
grep -q 'signal 15' "$err" || fail "disk-create after SIGTERM: no message"
ok

# tree-checksum
src=$data/src
mkdir -p "$src/sub/deeper" "$src/emptydir"
printf 'hello\n' >"$src/a"
head -c 200000 /dev/urandom >"$src/sub/b"
printf 'deep' >"$src/sub/deeper/c"
: >"$src/empty"
printf 'x' >"$src/with space"
printf 'y' >"$src/new
line"
printf 'z' >"$src/back\\slash"
ln -s /etc/passwd "$src/link"
ln -s sub "$src/linkdir"
mkfifo "$src/fifo"
run 0 tree-checksum --path=./src/ --manifest=m1
manifest=$data/checksums/m1.sha256
exists "$manifest"
absent "$manifest.partial"
(cd "$data" && sha256sum --strict --quiet -c checksums/m1.sha256) >&2 ||
    fail "sha256sum -c of the manifest"
ok
[[ $(grep -c '' "$manifest") -eq 7 ]] || fail "tree-checksum: not 7 lines in the manifest"
# Sorted by name in each directory; symlinks and the FIFO are not followed or listed.
cut -c 67- "$manifest" | sed 's/^ //' >"$scratch/names"
cat >"$scratch/expected" <<'EOF'
src/a
src/back\\slash
src/empty
src/new\nline
src/sub/b
src/sub/deeper/c
src/with space
EOF
diff -u "$scratch/expected" "$scratch/names" >&2 || fail "tree-checksum: manifest names or order"
ok
has_text '@rfjobd message OK Checksummed 7 files (200013 bytes) of src into checksums/m1.sha256'
[[ $(grep '^@rfjobd progress' "$out" | tail -n 1) == '@rfjobd progress 100' ]] ||
    fail "tree-checksum: the last progress is not 100"
ok
# A single file; a manifest is replaced by a new run.
run 0 tree-checksum --path=src/sub/b --manifest=m1
[[ $(grep -c '' "$manifest") -eq 1 ]] || fail "tree-checksum of a file: not one line"
(cd "$data" && sha256sum --strict --quiet -c checksums/m1.sha256) >&2 || fail "sha256sum -c (file)"
ok

for path in /etc "$data/src" .. src/../src ../data/src . ./ "" checksums checksums/m1.sha256 \
    src/link $'src/a\tb'; do
    run 2 tree-checksum "--path=$path" --manifest=m2
    has_text '"MessageID":"RfjobdTask.1.0.InvalidParameter"'
done
for name in "" a/b .. ../m2 .m2; do
    run 2 tree-checksum --path=src "--manifest=$name"
done
run 1 tree-checksum --path=nothere --manifest=m2
has_text '"MessageID":"RfjobdTask.1.0.NotFound"'
run 1 tree-checksum --path=src/linkdir/b --manifest=m2
absent "$data/checksums/m2.sha256"
absent "$data/checksums/m2.sha256.partial"

# provision
run 0 provision --vm=vm1 "--template=Ubuntu 22.04" --step-ms=10
has_line '@rfjobd state PendingBoot'
has_line '@rfjobd state Running'
has_line '@rfjobd progress 100'
has_line "@rfjobd message OK Provisioned the VM vm1 from the template 'Ubuntu 22.04'"
no_line '@rfjobd message Warning'
[[ $(grep -n 'state PendingBoot' "$out" | cut -d: -f1) -lt $(grep -n 'state Running' "$out" | cut -d: -f1) ]] ||
    fail "provision: PendingBoot after Running"
grep -qF '"Template":"Ubuntu 22.04"' "$data/vms/vm1/vm.json" || fail "provision: vm.json"
[[ $(stat -c %s "$data/vms/vm1/key-protector.bin") -eq 32 ]] || fail "provision: key size"
[[ $(stat -c %a "$data/vms/vm1/key-protector.bin") == 600 ]] || fail "provision: key mode"
ok
run 0 provision --vm=vm2 "--template=Windows Server 2022" --step-ms=0
grep -q '^@rfjobd message Warning .*licence' "$out" || fail "provision: no licence warning"
ok
# The template is data: quotes, backslashes and non-ASCII text go into vm.json escaped.
run 0 provision --vm=vm3 '--template=Q"\ é' --step-ms=0
grep -qF '"Template":"Q\"\\ é"' "$data/vms/vm3/vm.json" || fail "provision: escaping in vm.json"
ok

# An existing VM is left alone.
run 1 provision --vm=vm1 --template=Other --step-ms=0
has_text '"ErrorCode":2,'
grep -qF '"Template":"Ubuntu 22.04"' "$data/vms/vm1/vm.json" || fail "provision changed vm1"
ok

# --fail-at: an error report with the CIM_Error of the step, status 1, no VM left behind.
for step in Boot:111:10 Attestation:64:11 Configuration:8:12; do
    IFS=: read -r at cause code <<<"$step"
    run 1 provision "--vm=f$at" --template=Ubuntu --step-ms=5 "--fail-at=$at"
    has_text "\"ProbableCause\":$cause,"
    has_text "\"ErrorCode\":$code,"
    has_text "\"ErrorSource\":\"f$at\""
    has_text '"RecommendedActions":["'
    has_text '"ErrorDescription":"'
    [[ $(grep -c '^@rfjobd error {' "$out") -eq 1 ]] || fail "provision --fail-at=$at: reports"
    [[ -s $err ]] || fail "provision --fail-at=$at: no message on stderr"
    no_line '@rfjobd progress 100'
    absent "$data/vms/f$at"
done
run 1 provision --vm=fb --template=Ubuntu --step-ms=0 --fail-at=Boot
no_line '@rfjobd state Running'

for args in "--vm=x --template=T --fail-at=Reboot" "--vm=x --template=T --step-ms=-1" \
    "--vm=x --template=T --step-ms=3600001" "--vm=../x --template=T" "--vm=x --template=" \
    "--template=T"; do
    # shellcheck disable=SC2086 # the words are the arguments
    run 2 provision $args
    has_text '"MessageID":"RfjobdTask.1.0.InvalidParameter"'
done
run 2 provision --vm=x $'--template=a\n@rfjobd created /evil' --step-ms=0
no_line '@rfjobd created /evil'
absent "$data/vms/x"

# SIGTERM during provision removes the VM's directory.
"$task" provision --vm=vmt --template=T --step-ms=20000 >"$out" 2>"$err" &
bg_pid=$!
wait_for "$data/vms/vmt"
kill -TERM "$bg_pid"
rc=0
wait "$bg_pid" || rc=$?
bg_pid=
[[ $rc -eq 143 ]] || fail "provision after SIGTERM: status $rc"
absent "$data/vms/vmt"
ok

echo "$prog: $checks checks passed"
