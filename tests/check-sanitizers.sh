#!/usr/bin/env bash
# make check-sanitizers: build QEMU and our qtests with AddressSanitizer
# (with LeakSanitizer) and UndefinedBehaviorSanitizer in build/qemu-san,
# then run tests/check.sh against that build: every qtest, the
# devicetree checks, one Linux boot per DART generation, one locked-driver
# boot, the iothread stress test and a migration. Any sanitizer report
# fails the run (check.sh's CHECK_SANITIZERS) and is printed.
#
#   check-sanitizers.sh [SUITE]     SUITE: qtest, dtb or linux
#
# The lists of boots are check.sh's *_TESTS variables: set them to run
# others. TIMEOUT_SCALE (default 3) stretches the boot tests' timeouts.
set -uo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
build="$top/build"
case ${1:-} in
''|qtest|dtb|linux) ;;
*) echo "check-sanitizers.sh: unknown suite '$1' (qtest, dtb, linux)" >&2; exit 2 ;;
esac

"$top/scripts/build-qemu.sh" san || exit 1

export QEMU_BUILD="$build/qemu-san" CHECK_SANITIZERS=1
export TIMEOUT_SCALE=${TIMEOUT_SCALE:-3}
# A report ends the process (UBSan's halt_on_error), with a stack trace,
# on stderr, where check.sh looks for it. Leaks are checked at exit; the
# suppressions (each explained there) are for QEMU's own code only.
export UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1
export ASAN_OPTIONS=detect_leaks=1
export LSAN_OPTIONS="suppressions=$top/tests/lsan.supp:print_suppressions=0"

# One boot per DART generation, with Linux 7.2 (the one that knows all
# five); the patched 7.2 taking a locked display DART over; iothreads
# translating concurrently; the DARTs' state migrated.
export LINUX_TESTS=${LINUX_TESTS-"7.2:16 7.2:16:t8103-usb4 7.2:16:t6000
    7.2:16:t8110 7.2:16:t8110-va42"}
export LOCKED_DRIVER_TESTS=${LOCKED_DRIVER_TESTS-"display:t8103"}
export STRESS_TESTS=${STRESS_TESTS-"7.2:t8110"}
export MIGRATE_TESTS=${MIGRATE_TESTS-"7.2:t8110-va42"}
export LOCKED_TESTS=${LOCKED_TESTS-""}
export TOOLS_TESTS=${TOOLS_TESTS-""}
# one historical bug, for the PTE format check's path
export BUGS_TESTS=${BUGS_TESTS-"sp-dis:t8110"}

[ $# -gt 0 ] || set -- qtest dtb linux
exec "$top/tests/check.sh" "$@"
