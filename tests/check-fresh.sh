#!/usr/bin/env bash
# make check as a new contributor's first run sees it: a clone of HEAD in a
# temporary directory and an empty cache (APPLE_DART_CACHE), so nothing
# fetched, unpacked or built by an earlier run can hide a failure. CI
# runs on warm caches and cannot see that class of failure.
#
#   check-fresh.sh [MAKE_TARGET]     (default: check, the README's command)
#
# Prints each suite's summary line, the total and the wall time. The log
# and the clone stay in build/check-fresh/ (the clone's cache, gigabytes
# of kernels and QEMU, is removed at the end unless CHECK_FRESH_KEEP=1).
# Exits with make's status.
set -uo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
target=${1:-check}
out="$top/build/check-fresh"
log="$out/check.log"
clone="$out/clone"
cache="$out/cache"

rev=$(git -C "$top" rev-parse HEAD) || exit 2
if [ -n "$(git -C "$top" status --porcelain --untracked-files=no)" ]; then
    echo "check-fresh: uncommitted changes are not in the clone; it tests $rev" >&2
fi
if [ -d "$cache" ]; then
    chmod -R u+w "$cache" 2>/dev/null   # the QEMU source is read-only
fi
rm -rf "$clone" "$cache"
mkdir -p "$out" "$cache"
git clone -q --no-hardlinks "$top" "$clone" || exit 2
git -C "$clone" checkout -q --detach "$rev" || exit 2

echo "check-fresh: make $target in $clone at ${rev:0:12}, cache $cache (empty)"
start=$(date +%s)
(cd "$clone" && APPLE_DART_CACHE="$cache" make "$target") > "$log" 2>&1
rc=$?
secs=$(($(date +%s) - start))

grep -E '^[A-Za-z0-9_.+-]+: [0-9]+ passed, [0-9]+ failed' "$log" |
    grep -v '^total:' || true
grep -E '^total: ' "$log" || echo "check-fresh: no total line: make stopped early"
printf 'check-fresh: make %s exited %d after %dm%02ds (log: %s)\n' \
    "$target" "$rc" $((secs / 60)) $((secs % 60)) "${log#"$top"/}"
if [ "$rc" -ne 0 ]; then
    grep -E '^not ok ' "$log" | head -n 40
    tail -n 20 "$log"
fi
if [ -z "${CHECK_FRESH_KEEP:-}" ]; then
    chmod -R u+w "$cache" 2>/dev/null
    rm -rf "$cache" "$clone/build"
fi
exit "$rc"
