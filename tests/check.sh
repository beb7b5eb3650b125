#!/usr/bin/env bash
# Run the project's tests against the QEMU that QEMU_SERIES picks
# (scripts/versions.sh; default 10.0, in build/). With arguments, only
# those suites. Prints one "<suite>: N passed, N failed" line per suite and
# a total; exits non-zero if anything failed. Suites: selftest (the test
# scripts' checks fail on missing input: tests/selftest/tap-selftest.sh), qtest,
# dtb, linux, uboot, patches, docs, and boot (one Linux boot, $BOOT_TEST:
# part of linux; for a second QEMU).
#
# QEMU_BUILD=DIR tests the QEMU (and qtests) built in DIR instead of
# $QEMU_DIR/qemu-build; each *_TESTS list below may be set, to empty to
# skip. CHECK_SANITIZERS=1 (make check-sanitizers) also fails a suite for
# each AddressSanitizer, LeakSanitizer or UBSan report found in what it
# wrote to build/, and prints the report.
set -uo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
. "$top/scripts/versions.sh"
build="$top/$QEMU_DIR"
qemu_build=${QEMU_BUILD:-$build/qemu-build}
suites=" ${*:-selftest qtest dtb patches docs linux uboot} "
for s in $suites; do
    case $s in
    selftest|qtest|dtb|patches|docs|linux|uboot|boot) ;;
    *) echo "check: unknown suite '$s' (selftest, qtest, dtb, patches, docs," \
            "linux, uboot, boot)" >&2; exit 2 ;;
    esac
done
want() { [[ $suites == *" $1 "* ]]; }
[ -x "$qemu_build/qemu-system-aarch64" ] ||
    { echo "check: no $QEMU_DIR/qemu-system-aarch64; build it first" \
           "(make build QEMU_SERIES=$QEMU_SERIES)" >&2; exit 2; }
# The kernel series whose suites run: LINUX_SERIES (default 7.2, the
# unmodified 7.2 and, on it, the project's patched kernel). Each series
# costs a kernel build per page size, about 11 minutes each on 2 cores
# with an empty cache, which make check's cold budget (40 minutes for
# everything) has room for once: make check-linux-6.12 runs 6.12's
# suites (LINUX_SERIES=6.12), the 4 KiB-page kernel's among them. The
# 7.2 lists below cover what 6.12's covered on other generations.
LINUX_SERIES=${LINUX_SERIES:-7.2}
series_wanted() { [[ " $LINUX_SERIES " == *" $1 "* ]]; }
# Kernel series (Debian linux-source-X.Y), page size (KiB) and, after a
# second colon, the DART generation (tests/linux/linux-test.sh) to boot;
# ":patched" boots the project's patched kernel instead (upstream's
# kernels show their STREAM_SELECT bug on t8103-usb4, the patched one
# passes everything there).
LINUX_TESTS=${LINUX_TESTS-"6.12:16 7.2:16 6.12:4
    6.12:16:t8103-usb4 7.2:16:t8103-usb4 7.2:16:t8103-usb4:patched
    6.12:16:t6000 7.2:16:t6000 6.12:16:t8110 7.2:16:t8110
    6.12:16:t8110-va42 7.2:16:t8110-va42"}
# Kernel series, locked-DART scenario and DART generation
# (tests/linux/linux-locked-test.sh).
LOCKED_TESTS=${LOCKED_TESTS-"6.12:display 7.2:display 6.12:pcie 7.2:pcie
    7.2:display:t8110-va42 7.2:pcie:t8110-va42 6.12:pcie:t6000
    7.2:pcie:t6000"}
# Kernel series, driver-bug tool scenario, DART generation and patch
# directories (tests/linux/linux-tools-test.sh): unmodified kernels, but for
# the stale-TLB fixture of the project's patched kernel.
TOOLS_TESTS=${TOOLS_TESTS-"7.2:busy-stuck 7.2:busy-reads 7.2:inject
    6.12:inject 7.2:busy-stuck:t8110 7.2:inject:t8110-va42
    7.2:stale:t8103:$PATCHED_KERNEL_PATCHES
    7.2:stale:t8110-va42:$PATCHED_KERNEL_PATCHES"}
# Historical driver bugs the patched kernel brings back with
# apple_dart.bug=NAME (guest/linux/bugs), each with the DART generation
# it shows on (tests/linux/linux-bugs-test.sh; suite linux-bug-NAME[-GEN]).
BUGS_TESTS=${BUGS_TESTS-"error-streams:t8110 streams-enable sp-dis:t6000
    sp-dis:t8110 tbl-index stream-select:t8103-usb4 sid2group pci-group"}
# Kernel series and DART generation of the whole-machine migration test
# (tests/linux/linux-migrate-test.sh)
MIGRATE_TESTS=${MIGRATE_TESTS-"6.12 7.2 7.2:t8110-va42"}
# ... and of the concurrency test (tests/linux/linux-stress-test.sh)
STRESS_TESTS=${STRESS_TESTS-"6.12 7.2 7.2:t8110"}
# Scenario and DART generation for the patched kernel ($PATCHED_KERNEL_PATCHES)
# taking locked DARTs over (tests/linux/linux-locked-driver-test.sh).
LOCKED_DRIVER_TESTS=${LOCKED_DRIVER_TESTS-"display:t8103 display:t6000
    display:t8110-va42 pcie:t8103 pcie:t6000 pcie:t8110-va42
    reconstruct:t8103 reconstruct:t8110-va42 refuse:t8103"}
# DART generation and mode of the U-Boot tests (tests/uboot/uboot-test.sh):
# U-Boot's own DART driver reading a USB disk, bypassing and translating,
# a virtio disk on PCIe, Linux booted by U-Boot, and the failures of
# U-Boot's driver as Debian ships it ("unfixed-"), which
# guest/u-boot/fixes/ fix.
UBOOT_TESTS=${UBOOT_TESTS-"t8103 t8103:translate t8103-usb4 t6000
    t6000:translate t8110 t8110:translate t8110-va42:translate
    t8103:pcie t8103-usb4:pcie t6000:pcie t8110:pcie
    t8103:disabled t8110:disabled t8103:virtio t8103:linux
    t8103-usb4:linux t6000:linux t8110:linux t8110-va42:linux
    t8110:unfixed-translate t8103-usb4:unfixed-translate
    t8103:unfixed-disabled t8103:locked t8110:locked t8103:takeover"}
# The one boot of "boot": kernel series, page size (KiB)
BOOT_TEST=${BOOT_TEST:-7.2:16}
total_pass=0
total_fail=0

# The sanitizers' reports in what the suite just wrote (QEMU's stderr
# goes to a test's log or console file): one failure each, printed.
san_re='runtime error:|==[0-9]+==ERROR: (AddressSanitizer|LeakSanitizer)'
sanitizer_reports() {
    local f count
    while IFS= read -r f; do
        count=$(grep -caE "$san_re" "$f")
        [ "$count" -gt 0 ] || continue
        echo "not ok - $1: $count sanitizer report(s) in ${f#"$top"/}:"
        # each report up to its SUMMARY line (80 lines at most)
        awk -v re="$san_re" '
            $0 ~ re { n = 80 }
            n > 0 { print "# " $0; n--; if (/^SUMMARY: /) n = 0 }' "$f" |
            head -n 400
        fail=$((fail + count))
    done < <(echo "$build/test-$1.log"      # (however coarse the clock)
             find "$build" -path "$build/qemu-*" -prune -o \
                  -path "$build/test-$1.log" -prune -o \
                  -type f -newer "$build/.suite-start" -print)
}

# Count what a suite's log holds and print the suite's line: each "not ok"
# fails, and so does a suite that exited non-zero without one or that ran
# nothing. tap_result SUITE RC SECONDS
tap_result() {
    local suite=$1 rc=$2 secs=$3 log="$build/test-$1.log" pass fail
    pass=$(grep -cE '^ok ' "$log")
    fail=$(grep -cE '^not ok ' "$log")
    if [ -n "${CHECK_SANITIZERS:-}" ]; then
        sanitizer_reports "$suite"
    fi
    if [ "$rc" -ne 0 ] && [ "$fail" -eq 0 ]; then
        fail=1          # crashed or aborted outside a test case
    fi
    if [ "$pass" -eq 0 ] && [ "$fail" -eq 0 ]; then
        fail=1          # ran nothing: that is a failure too
    fi
    echo "$suite: $pass passed, $fail failed, ${secs} s"
    total_pass=$((total_pass + pass))
    total_fail=$((total_fail + fail))
}

# Run a TAP-producing command, echo its output, count its results.
run_tap() {
    local suite=$1; shift
    local start=$SECONDS rc
    echo "== $suite"
    touch "$build/.suite-start"
    "$@" 2>&1 | tee "$build/test-$suite.log"
    rc=${PIPESTATUS[0]}
    tap_result "$suite" "$rc" $((SECONDS - start))
}

# The boot suites (Linux, U-Boot) each run one QEMU, which keeps about
# one and a half CPUs busy: $jobs of them run at once, each in its own
# build/ directory, their output printed whole and in order as they end.
# CHECK_JOBS=1 runs them one after the other, as CHECK_SANITIZERS does
# (its report finder tells suites apart by the time they wrote).
jobs=${CHECK_JOBS:-$(nproc)}
[ -z "${CHECK_SANITIZERS:-}" ] || jobs=1
case $jobs in
''|*[!0-9]*|0) echo "check: CHECK_JOBS must be a whole number >= 1, not '$jobs'" >&2
               exit 2 ;;
esac
queued=()       # "SUITE COMMAND", the command quoted for eval
queue_tap() {
    local suite=$1; shift
    if [ "$jobs" -eq 1 ]; then
        run_tap "$suite" "$@"
    else
        queued+=("$suite $(printf '%q ' "$@")")
    fi
}
run_queued() {
    local n=${#queued[@]} started=0 printed=0 running=0 suite rc secs
    while [ "$printed" -lt "$n" ]; do
        if [ "$started" -lt "$n" ] && [ "$running" -lt "$jobs" ]; then
            suite=${queued[started]%% *}
            rm -f "$build/.rc-$suite"
            (s=$SECONDS
             eval "${queued[started]#* }" > "$build/test-$suite.log" 2>&1 < /dev/null
             echo "$? $((SECONDS - s))" > "$build/.rc-$suite") &
            started=$((started + 1)) running=$((running + 1))
            continue
        fi
        wait -n
        running=$((running - 1))
        # every suite that has ended, up to the first one still running
        while [ "$printed" -lt "$started" ]; do
            suite=${queued[printed]%% *}
            if [ ! -f "$build/.rc-$suite" ]; then
                [ "$running" -le 0 ] || break
                echo "1 0" > "$build/.rc-$suite"    # gone without a word
            fi
            read -r rc secs < "$build/.rc-$suite"
            echo "== $suite"
            cat "$build/test-$suite.log"
            tap_result "$suite" "$rc" "$secs"
            rm -f "$build/.rc-$suite"
            printed=$((printed + 1))
        done
    done
    queued=()
}

# The test scripts' own test: their checks fail when what they check is
# missing (a log never written, an empty list).
if want selftest; then
    run_tap selftest "$top/tests/selftest/tap-selftest.sh"
fi

if want qtest; then
    # every tests/qtest/apple-dart*-test.c that scripts/build-qemu.sh built
    for t in "$top"/tests/qtest/apple-dart*-test.c; do
        t=$(basename "$t" .c)
        run_tap "qtest-${t%-test}" env \
            QTEST_QEMU_BINARY="$qemu_build/qemu-system-aarch64" \
            "$qemu_build/tests/qtest/$t" --tap -k
    done
fi

if want dtb; then
    # the default machine, preset DARTs, and other DART generations
    . "$top/scripts/dart-gens.sh"
    dtb_opts=("" ",pcie-dart-preset=mapped,pcie-dart-locked=on,usb-dart-preset=empty")
    for gen in t6000 t8110-va42 t8103-usb4; do
        dart_gen "$gen"
        dtb_opts+=("$DART_MACHINE")
    done
    run_tap dtb "$top/tests/dt/dtb-test.sh" "${dtb_opts[@]}"
    # every configuration the tests use, against the kernel's bindings
    run_tap dt-schema "$top/tests/dt/dt-schema-test.sh"
fi

# The upstream series: written, applied with git am, checkpatch clean,
# the tree we built (tests/series/patches-test.sh).
if want patches; then
    run_tap patches "$top/tests/series/patches-test.sh"
fi

# Our docs pages, built by Sphinx with warnings as errors.
if want docs; then
    run_tap docs "$top/tests/docs/docs-test.sh"
fi

# Linux boot tests: unmodified kernels built from Debian's sources.
if want boot && ! want linux; then
    IFS=: read -r series page <<< "$BOOT_TEST"
    queue_tap "linux-$series-${page}k" "$top/tests/linux/linux-test.sh" "$series" "$page"
fi
if want linux; then
    for k in $LINUX_TESTS; do
        IFS=: read -r series page gen variant <<< "$k"
        series_wanted "$series" || continue
        queue_tap "linux-$series-${page}k${gen:+-$gen}${variant:+-$variant}" \
            "$top/tests/linux/linux-test.sh" "$series" "$page" "${gen:-t8103}" \
            ${variant:+"$variant"}
    done
    for k in $LOCKED_TESTS; do
        IFS=: read -r series scenario gen <<< "$k"
        series_wanted "$series" || continue
        queue_tap "linux-$series-locked-$scenario${gen:+-$gen}" \
            "$top/tests/linux/linux-locked-test.sh" "$series" "$scenario" ${gen:+"$gen"}
    done
    for k in $MIGRATE_TESTS; do
        IFS=: read -r series gen <<< "$k"
        series_wanted "$series" || continue
        queue_tap "linux-$series-migrate${gen:+-$gen}" \
            "$top/tests/linux/linux-migrate-test.sh" "$series" ${gen:+"$gen"}
    done
    for k in $STRESS_TESTS; do
        IFS=: read -r series gen <<< "$k"
        series_wanted "$series" || continue
        queue_tap "linux-$series-stress${gen:+-$gen}" \
            "$top/tests/linux/linux-stress-test.sh" "$series" ${gen:+"$gen"}
    done
    for k in $TOOLS_TESTS; do
        IFS=: read -r series scenario gen patches <<< "$k"
        series_wanted "$series" || continue
        queue_tap "linux-$series-tools-$scenario${gen:+-$gen}" \
            "$top/tests/linux/linux-tools-test.sh" "$series" "$scenario" \
            "${gen:-t8103}" ${patches:+"$top/$patches"}
    done
    series_wanted "$PATCHED_KERNEL_SERIES" || BUGS_TESTS='' LOCKED_DRIVER_TESTS=''
    for k in $BUGS_TESTS; do
        IFS=: read -r bug gen <<< "$k"
        queue_tap "linux-bug-$bug${gen:+-$gen}" \
            "$top/tests/linux/linux-bugs-test.sh" "$bug" ${gen:+"$gen"}
    done
    for k in $LOCKED_DRIVER_TESTS; do
        IFS=: read -r scenario gen <<< "$k"
        queue_tap "locked-driver-$scenario-$gen" \
            "$top/tests/linux/linux-locked-driver-test.sh" "$scenario" "$gen"
    done
fi

if want uboot; then
    for k in $UBOOT_TESTS; do
        IFS=: read -r gen mode <<< "$k"
        queue_tap "uboot-$gen${mode:+-$mode}" \
            "$top/tests/uboot/uboot-test.sh" "$gen" ${mode:+"$mode"}
    done
fi

run_queued

echo "total: $total_pass passed, $total_fail failed"
[ "$total_fail" -eq 0 ]
