# What every Linux boot test does before it boots. Source it, set $top and
# $name (the suite's name, the prefix of its TAP lines), then call
#
#   boot_test_setup GEN SERIES PAGE_KB [PATCH_DIR]
#
# which picks DART generation GEN (scripts/dart-gens.sh: DART_*), loads
# the TAP helpers (tests/lib/tap.sh), builds or finds the kernel (Debian's
# linux-source-SERIES with PAGE_KB pages and the patches in PATCH_DIR, or
# $KERNEL_IMAGE) and the initramfs (or $INITRD_IMAGE) ($kernel, $initrd),
# and gives the test an empty $work ($QEMU_DIR/$name unless set) with $log
# in it.
#
# $QEMU_BUILD (a build directory; build/qemu-build by default) names the
# QEMU the tests run, and $TIMEOUT_SCALE (a whole number, 1 by default)
# multiplies their timeouts, which they take from `scaled SECONDS`: both
# for a slower QEMU (make check-sanitizers).
# shellcheck shell=bash
# shellcheck disable=SC2034,SC2154 # $top and $name are the caller's; what it sets is for it

boot_test_setup() {
    local gen=$1 series=$2 page_kb=$3 patches=${4:-}

    case ${TIMEOUT_SCALE:-1} in
    *[!0-9]*|0*)
        echo "$name: TIMEOUT_SCALE must be a whole number >= 1, not '$TIMEOUT_SCALE'" >&2
        exit 2 ;;
    esac
    . "$top/scripts/dart-gens.sh"
    dart_gen "$gen" ||
        { echo "$name: unknown DART generation $gen" >&2; exit 2; }
    . "$top/tests/lib/tap.sh"
    kernel=${KERNEL_IMAGE:-$("$top/scripts/build-kernel.sh" "$series" \
                            "$page_kb" ${patches:+"$patches"})} ||
        { echo "not ok 1 - $name: kernel build"; exit 1; }
    initrd=${INITRD_IMAGE:-$("$top/scripts/build-initramfs.sh")} ||
        { echo "not ok 1 - $name: initramfs build"; exit 1; }
    work=${work:-$top/$QEMU_DIR/$name}
    rm -rf "$work"
    mkdir -p "$work"
    log="$work/console.log"
}

scaled() {      # scaled N: N times $TIMEOUT_SCALE
    echo $(($1 * ${TIMEOUT_SCALE:-1}))
}

# check_guest_absent DESCRIPTION PATTERN [FILE]: no line of the guest's
# console log (FILE, default $log) matches PATTERN, and the guest did
# read a kernel log that was not empty ("CHECK dmesg-lines N", N > 0,
# guest/init's dmesg_bad): without it, no "CHECK bad" or "CHECK fault"
# line says nothing.
check_guest_absent() {
    check_absent "$1" "$2" "${3:-$log}" '^CHECK dmesg-lines [1-9]'
}

# boot_held TEST QEMU_ARGS...: boot apple-virt ($DART_MACHINE, then
# $machine_opts) with apple_virt.test=TEST and the kernel arguments
# $append, QMP on $work/qmp.sock, the console in $log and the trace in
# $work/trace.log. The guest holds still at "CHECK tools-ready" until it
# reads a line on the console, while the host runs $at_ready; $stop_on,
# a pattern of the trace, or $stop_on_console, an extended pattern of the
# console, ends the run at once (a bug that never lets the guest get that
# far). Sets $rc, QEMU's exit status.
boot_held() {
    local test=$1; shift
    mkfifo "$work/serial-in"
    exec 3<>"$work/serial-in"
    timeout "$(scaled 300)" "$qemu" -M "apple-virt$DART_MACHINE$machine_opts" \
        -m 1G -smp 2 -nographic -no-reboot \
        -kernel "$kernel" -initrd "$initrd" \
        -append "console=ttyAMA0 apple_virt.test=$test panic=-1 $append" \
        -qmp unix:"$work/qmp.sock",server=on,wait=off \
        -D "$work/trace.log" "$@" \
        < "$work/serial-in" > "$log" 2>&1 &
    local qemu_pid=$!
    for _ in $(seq "$(scaled 1200)"); do
        grep -q '^CHECK tools-ready' "$log" && break
        kill -0 $qemu_pid 2>/dev/null || break
        if { [ -n "${stop_on:-}" ] &&
             grep -q "$stop_on" "$work/trace.log" 2>/dev/null; } ||
           { [ -n "${stop_on_console:-}" ] &&
             grep -qE "$stop_on_console" "$log"; }; then
            sleep 1     # let the report be written whole
            "$top/scripts/qmp.py" "$work/qmp.sock" '{"execute": "quit"}' \
                > /dev/null 2>&1
            break
        fi
        sleep 0.1
    done
    $at_ready
    echo >&3
    wait $qemu_pid
    rc=$?
    exec 3>&-
    rm -f "$work/serial-in"
}
