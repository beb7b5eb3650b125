#!/usr/bin/env bash
# The test scripts' own test, as TAP: a check fails when what it checks
# is not there. tests/lib/tap.sh's check_absent, check_each and same, and
# boot-test.sh's check_guest_absent, on a missing file, an empty one, an
# empty list and one without its witness line (not ok), and on good input
# (ok); then suites that must give no "ok" at all on nothing: the
# patches suite's series checks on a missing and an empty series (and all
# "ok" on a good one), dtb-test.sh and every Linux boot test against a
# QEMU, kernel and initramfs that are not there.
#
#   tap-selftest.sh         (make check's "selftest" suite; seconds, no
#                           QEMU, kernel or network needed)
set -uo pipefail

top=$(cd "$(dirname "$0")/../.." && pwd)
. "$top/tests/lib/tap.sh"
. "$top/tests/lib/boot-test.sh"
name=selftest
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# expect ok|fail DESCRIPTION COMMAND...: COMMAND's TAP (run in a
# subshell with its own count) has a result and all of them are "ok", or
# at least MIN_FAIL (default 1) results and all of them "not ok"
expect() {
    local want=$1 desc=$2 out pass fail; shift 2
    out=$( (n=0 failed=0 name=; "$@") 2>&1)
    pass=$(grep -c '^ok ' <<< "$out")
    fail=$(grep -c '^not ok ' <<< "$out")
    if [ "$want" = ok ]; then
        [ "$pass" -gt 0 ] && [ "$fail" -eq 0 ]
    else
        [ "$fail" -ge "${MIN_FAIL:-1}" ] && [ "$pass" -eq 0 ]
    fi
    local rc=$?
    [ $rc -eq 0 ] || { echo "# $pass ok, $fail not ok:"; sed 's/^/#   /' <<< "$out"; }
    result $rc "$desc: $want ($pass ok, $fail not ok)"
}

# --- the helpers --------------------------------------------------------
: > "$tmp/empty"
printf 'CHECK begin\nCHECK dmesg-lines 42\nCHECK end\n' > "$tmp/good.log"
printf 'CHECK begin\nCHECK dmesg-lines 42\nCHECK bad WARNING: x\nCHECK end\n' > "$tmp/bad.log"
printf 'CHECK begin\nCHECK end\n' > "$tmp/nowitness.log"
printf 'CHECK begin\nCHECK dmesg-lines 0\nCHECK end\n' > "$tmp/nodmesg.log"
p='^CHECK bad'
w='^CHECK dmesg-lines [1-9]'

expect fail "check_absent, missing file" check_absent x "$p" "$tmp/missing"
expect fail "check_absent, empty file" check_absent x "$p" "$tmp/empty"
expect fail "check_absent, the pattern there" check_absent x "$p" "$tmp/bad.log"
expect fail "check_absent, no witness" check_absent x "$p" "$tmp/nowitness.log" "$w"
expect ok "check_absent, good input" check_absent x "$p" "$tmp/good.log" "$w"
expect fail "check_absent -e, missing file" check_absent x -e "$p" "$tmp/missing"
expect ok "check_absent -e, empty file" check_absent x -e "$p" "$tmp/empty"
expect fail "check_absent, empty standard input" check_absent x "$p" - < /dev/null
expect fail "check_absent, the pattern on standard input" \
    check_absent x "$p" - < "$tmp/bad.log"
expect ok "check_absent, good standard input" check_absent x "$p" - < "$tmp/good.log"
log="$tmp/missing"
expect fail "check_guest_absent, no console log" check_guest_absent x "$p"
log="$tmp/nodmesg.log"
expect fail "check_guest_absent, an empty kernel log" check_guest_absent x "$p"
log="$tmp/bad.log"
expect fail "check_guest_absent, a CHECK bad line" check_guest_absent x "$p"
log="$tmp/good.log"
expect ok "check_guest_absent, good log" check_guest_absent x "$p"

nonempty() { [ -s "$1" ]; }
expect fail "check_each, empty list" check_each x nonempty
expect fail "check_each, one item fails" check_each x nonempty "$tmp/good.log" "$tmp/empty"
expect ok "check_each, every item passes" check_each x nonempty "$tmp/good.log" "$tmp/bad.log"
cp "$tmp/good.log" "$tmp/good2.log"
: > "$tmp/empty2"
expect fail "same, missing files" check x same "$tmp/missing" "$tmp/missing2"
expect fail "same, two empty files" check x same "$tmp/empty" "$tmp/empty2"
expect fail "same, different files" check x same "$tmp/good.log" "$tmp/bad.log"
expect ok "same, equal files" check x same "$tmp/good.log" "$tmp/good2.log"

# --- the patches suite's series checks ----------------------------------
mkdir -p "$tmp/series-empty" "$tmp/series-good"
ident="apple-dart patches test <patches-test@example.invalid>"
printf 'From: %s\nSubject: [PATCH 0/0] a series\n\nIts text.\n' "$ident" \
    > "$tmp/series-good/0000-cover-letter.patch"
for s in "$top"/patches/series/[0-9]*; do
    printf 'From: %s\nSubject: [PATCH] %s\n\nSigned-off-by: %s\n' \
        "$ident" "${s##*/}" "$ident" > "$tmp/series-good/000${s##*/}.patch"
done
MIN_FAIL=3
expect fail "patches-test.sh series, no series" "$top/tests/series/patches-test.sh" series "$tmp/no-series"
expect fail "patches-test.sh series, empty series" "$top/tests/series/patches-test.sh" series "$tmp/series-empty"
expect ok "patches-test.sh series, good series" "$top/tests/series/patches-test.sh" series "$tmp/series-good"

# --- suites against a QEMU, kernel and initramfs that are not there -----
# (no result may be ok; at least two not ok: more than the setup's one)
export QEMU_BUILD="$tmp/no-qemu" KERNEL_IMAGE="$tmp/no-Image" INITRD_IMAGE="$tmp/no-initrd"
MIN_FAIL=2
expect fail "dtb-test.sh, no QEMU" env work="$tmp/dtb" "$top/tests/dt/dtb-test.sh"
i=0
while read -r script args; do
    i=$((i + 1))
    # shellcheck disable=SC2086 # one word per argument
    expect fail "$script $args, no QEMU" \
        env work="$tmp/linux-$i" TIMEOUT_SCALE=1 "$top/tests/linux/$script" $args
done <<'EOF'
linux-test.sh 7.2 16
linux-test.sh 6.12 4
linux-test.sh 6.12 16 t8110-va42
linux-locked-test.sh 7.2 pcie
linux-locked-test.sh 7.2 display
linux-migrate-test.sh 7.2
linux-stress-test.sh 7.2
linux-tools-test.sh 7.2 busy-stuck
linux-tools-test.sh 7.2 busy-reads
linux-tools-test.sh 7.2 inject
linux-tools-test.sh 7.2 stale
linux-locked-driver-test.sh display
linux-locked-driver-test.sh pcie
linux-locked-driver-test.sh reconstruct
linux-locked-driver-test.sh refuse
EOF
tap_status
