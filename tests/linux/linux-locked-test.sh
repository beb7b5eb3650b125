#!/usr/bin/env bash
# Boot an unmodified Debian-built Linux on apple-virt with DARTs that
# firmware preset and locked, and check what the guest and the model
# report.
#
#   linux-locked-test.sh SERIES pcie [GEN]
#       The PCIe DART is locked with firmware mappings. Upstream Linux
#       gives up on it ("locked down until reboot"), binds edu without an
#       IOMMU and so gives it a physical address, which the locked,
#       translating DART faults: ERROR, the trace and the guest's
#       messages must say so, and the boot must end by itself.
#
#   linux-locked-test.sh SERIES display [GEN]
#       The default machine: the display DART is locked with the boot
#       framebuffer mapped at an IOVA that is not its address, and the
#       display engine scans it out through the DART. A screendump before
#       the kernel runs must show firmware's splash, one after the driver
#       probed must show the framebuffer console's text, and neither the
#       display engine nor the DART may report a fault.
#
# GEN is the DART generation (t8103 by default, t6000, t8110,
# t8110-va42), as for linux-test.sh. Prints TAP; exits non-zero on failure.
set -uo pipefail

top=$(cd "$(dirname "$0")/../.." && pwd)
series=$1
scenario=$2
gen=${3:-t8103}
. "$top/scripts/versions.sh"       # QEMU_SERIES: which QEMU
qemu="${QEMU_BUILD:-$top/$QEMU_DIR/qemu-build}/qemu-system-aarch64"
name="linux-$series-locked-$scenario"
[ "$gen" = t8103 ] || name="$name-$gen"

. "$top/tests/lib/boot-test.sh"
boot_test_setup "$gen" "$series" 16
# ERROR for a NO_PMD fault of stream 3, in the layout's encoding
no_pmd_sid3=$(printf '0x%08x' \
    $((1 << 31 | 3 << DART_ERROR_SID_SHIFT | DART_ERROR_NO_PMD)))

case $scenario in
pcie)
    # edu's DMA address is physical (0x8_0100_0000): it needs a wide mask.
    timeout "$(scaled 300)" "$qemu" -M "apple-virt$DART_MACHINE,pcie-dart-preset=mapped,pcie-dart-locked=on" \
        -m 1G -smp 2 -nographic -no-reboot \
        -kernel "$kernel" -initrd "$initrd" \
        -append "console=ttyAMA0 apple_virt.test=locked-pcie panic=-1" \
        -device edu,addr=3.0,dma_mask=0xffffffffffffffff \
        -trace apple_dart_fault -trace apple_dart_locked_write \
        -D "$work/trace.log" < /dev/null > "$log" 2>&1
    rc=$?
    check "QEMU exited by itself (rc $rc)" test "$rc" -eq 0
    check "guest ran its checks to the end" grep -q '^CHECK end' "$log"
    check "the driver refused the locked PCIe DART" \
        grep -q "^CHECK dart-locked .*9100000.iommu: DART is locked down until reboot: $DART_LOCKED" "$log"
    check "... and the locked display DART" \
        grep -q "^CHECK dart-locked .*9120000.iommu: DART is locked down until reboot: $DART_LOCKED" "$log"
    check "Linux stopped waiting for the IOMMU and bound edu without one" \
        grep -q '^CHECK dmesg pci-stub 0000:00:03.0: ignoring dependency for device, assuming no driver' "$log"
    check "edu is in no IOMMU group" \
        grep -q '^CHECK edu-iommu-group none' "$log"
    check "the driver left firmware's TCR alone (translate)" \
        grep -q "^CHECK pcie-dart-tcr3 $DART_TRANSLATE" "$log"
    check "the locked DART latched edu's physical address as a NO_PMD fault on stream 3" \
        grep -q "^CHECK pcie-dart-error $no_pmd_sid3 addr 0x00000008:0x01000000" "$log"
    check "the model traced the fault" \
        grep -q 'apple_dart_fault dart-pcie: stream 3 iova 0x801000000 no-pmd' "$work/trace.log"
    check_absent "the driver's reset did not write TTBR/TCR of a locked DART" \
        apple_dart_locked_write "$work/trace.log" 'apple_dart_fault dart-pcie: '
    check_guest_absent "no WARN, BUG or Oops" '^CHECK bad'
    ;;
display)
    qmp() { "$top/scripts/qmp.py" "$work/qmp.sock" "$@"; }
    stat() {    # stat QOM-PATH PROPERTY
        qmp "{\"execute\": \"qom-get\", \"arguments\": {\"path\": \"$1\", \"property\": \"$2\"}}"
    }
    screendump() {
        qmp "{\"execute\": \"screendump\", \"arguments\": {\"filename\": \"$1\"}}"
    }
    # The guest holds still for the second screendump until it reads a
    # line on the serial console, which is QEMU's stdin: a FIFO here.
    mkfifo "$work/serial-in"
    exec 3<>"$work/serial-in"
    timeout "$(scaled 300)" "$qemu" -M "apple-virt$DART_MACHINE" -m 1G -smp 2 -nographic -no-reboot -S \
        -kernel "$kernel" -initrd "$initrd" \
        -append "console=tty0 console=ttyAMA0 apple_virt.test=display panic=-1" \
        -qmp unix:"$work/qmp.sock",server=on,wait=off \
        < "$work/serial-in" > "$log" 2>&1 &
    qemu_pid=$!
    for _ in $(seq 100); do
        [ -S "$work/qmp.sock" ] && break
        kill -0 $qemu_pid 2>/dev/null || break
        sleep 0.1
    done
    screendump "$work/before.ppm" > /dev/null
    qmp '{"execute": "cont"}' > /dev/null
    for _ in $(seq "$(scaled 1200)"); do
        grep -q '^CHECK screendump-ready' "$log" && break
        kill -0 $qemu_pid 2>/dev/null || break
        sleep 0.1
    done
    screendump "$work/after.ppm" > /dev/null
    frames=$(stat /machine/display stat-frames)
    scanout_errors=$(stat /machine/display stat-scanout-errors)
    dart_faults=$(stat /machine/dart-disp stat-faults)
    echo >&3
    wait $qemu_pid
    rc=$?
    exec 3>&-

    check "QEMU exited by itself (rc $rc)" test "$rc" -eq 0
    check "guest ran its checks to the end" grep -q '^CHECK end' "$log"
    check "the driver refused the locked display DART" \
        grep -q "^CHECK dart-locked .*9120000.iommu: DART is locked down until reboot: $DART_LOCKED" "$log"
    check "firmware's TCR is still there (translate)" \
        grep -q "^CHECK disp-dart-tcr0 $DART_TRANSLATE" "$log"
    check "simplefb drives the boot framebuffer" \
        grep -q '^CHECK fb0 simple 1024,768' "$log"
    ppm() { "$top/tests/lib/ppm.py" "$@" 2>/dev/null; }
    check "before the kernel: firmware's splash, read through the DART" \
        test "$(ppm "$work/before.ppm" 10,10 512,384 | tr '\n' ' ')" = "203048 ffffff "
    text=$(ppm "$work/after.ppm" count aaaaaa)
    echo "# $name: $text console text pixels after boot; $frames frames scanned out"
    check "after the driver's probe: the console's text, still through the DART" \
        test "${text:-0}" -gt 2000
    check "no failed scan-out in the display engine ($scanout_errors)" \
        test "$scanout_errors" = 0
    check "no fault in the display DART ($dart_faults)" test "$dart_faults" = 0
    check_guest_absent "no WARN, BUG or Oops" '^CHECK bad'
    ;;
*)
    echo "linux-locked-test: unknown scenario $scenario" >&2
    exit 2
    ;;
esac
tap_status
