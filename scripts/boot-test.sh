# What every Linux boot test does before it boots. Source it, set $top and
# $name (the suite's name, the prefix of its TAP lines), then call
#
#   boot_test_setup GEN SERIES PAGE_KB [PATCH_DIR]
#
# which picks DART generation GEN (scripts/dart-gens.sh: DART_*), loads
# the TAP helpers (scripts/tap.sh), builds or finds the kernel (Debian's
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
    . "$top/scripts/tap.sh"
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
