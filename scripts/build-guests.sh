#!/usr/bin/env bash
# Build what make check's boot suites boot, ahead of them: the unmodified
# kernel of each series in LINUX_SERIES (default 7.2, as tests/check.sh),
# the project's patched kernel, U-Boot fixed and unfixed, the initramfs.
#
#   build-guests.sh                build them, in the order the suites need them
#   build-guests.sh --background   the same, niced and detached, logging to
#                                  build/build-guests.log; returns at once
#
# On an empty cache make check starts it in the background before QEMU's
# build: the kernels then use the CPU time that QEMU's configure and
# links and the quick suites leave idle (a third of a core over those 20
# minutes), and the source downloads overlap the compiles. Whatever is
# cached already is not built again, and a build another process has
# started is waited for (cache-lock.sh), so the suites find the results
# cached or wait for them; one that failed here is built again, and its
# error reported, by the suite that needs it.
set -uo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
. "$top/scripts/versions.sh"

if [ "${1:-}" = --background ]; then
    mkdir -p "$top/build"
    nohup nice -n 10 "$0" > "$top/build/build-guests.log" 2>&1 < /dev/null &
    exit 0
fi

rc=0
run() {
    echo "build-guests: $*"
    "$@" > /dev/null || { rc=1; echo "build-guests: failed: $*"; }
}
run "$top/scripts/build-initramfs.sh"
for series in ${LINUX_SERIES:-7.2}; do
    run "$top/scripts/build-kernel.sh" "$series" 16
    if [ "$series" = "$PATCHED_KERNEL_SERIES" ]; then
        run "$top/scripts/build-kernel.sh" "$series" 16 "$PATCHED_KERNEL_PATCHES"
    fi
done
run "$top/scripts/build-uboot.sh" fixed
run "$top/scripts/build-uboot.sh" unfixed
exit "$rc"
