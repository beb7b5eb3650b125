#!/usr/bin/env bash
# Boot an unmodified Debian-built Linux on apple-virt with DARTs that
# firmware preset and locked, and check what the guest and the model
# report.
#
#   linux-locked-test.sh SERIES pcie
#       The PCIe DART is locked with firmware mappings. Upstream Linux
#       gives up on it ("locked down until reboot"), binds edu without an
#       IOMMU and so gives it a physical address, which the locked,
#       translating DART faults: ERROR, the trace and the guest's
#       messages must say so, and the boot must end by itself.
#
# Prints TAP; exits non-zero on failure.
set -uo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
series=$1
scenario=$2
qemu="$top/build/qemu-system-aarch64"
name="linux-$series-locked-$scenario"
work="$top/build/$name"

n=0
failed=0
result() {     # result OK DESCRIPTION
    n=$((n + 1))
    if [ "$1" = 0 ]; then
        echo "ok $n - $name: $2"
    else
        echo "not ok $n - $name: $2"
        failed=$((failed + 1))
    fi
}
check() {      # check DESCRIPTION COMMAND...
    local desc=$1; shift
    "$@" >/dev/null 2>&1
    result $? "$desc"
}

kernel=$("$top/scripts/build-kernel.sh" "$series" 16) ||
    { echo "not ok 1 - $name: kernel build"; exit 1; }
initrd=$("$top/scripts/build-initramfs.sh") ||
    { echo "not ok 1 - $name: initramfs build"; exit 1; }
rm -rf "$work"
mkdir -p "$work"
log="$work/console.log"

case $scenario in
pcie)
    # edu's DMA address is physical (0x8_0100_0000): it needs a wide mask.
    timeout 300 "$qemu" -M apple-virt,pcie-dart-preset=mapped,pcie-dart-locked=on \
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
        grep -q '^CHECK dart-locked .*9100000.iommu: DART is locked down until reboot: 00008000' "$log"
    check "... and the locked display DART" \
        grep -q '^CHECK dart-locked .*9120000.iommu: DART is locked down until reboot: 00008000' "$log"
    check "Linux stopped waiting for the IOMMU and bound edu without one" \
        grep -q '^CHECK dmesg pci-stub 0000:00:03.0: ignoring dependency for device, assuming no driver' "$log"
    check "edu is in no IOMMU group" \
        grep -q '^CHECK edu-iommu-group none' "$log"
    check "the driver left firmware's TCR alone (translate)" \
        grep -q '^CHECK pcie-dart-tcr3 0x00000080' "$log"
    check "the locked DART latched edu's physical address as a NO_PMD fault on stream 3" \
        grep -q '^CHECK pcie-dart-error 0x83000002 addr 0x00000008:0x01000000' "$log"
    check "the model traced the fault" \
        grep -q 'apple_dart_fault dart-pcie: stream 3 iova 0x801000000 no-pmd' "$work/trace.log"
    check "the driver's reset did not write TTBR/TCR of a locked DART" \
        sh -c "! grep -q apple_dart_locked_write '$work/trace.log'"
    check "no WARN, BUG or Oops" sh -c "! grep -q '^CHECK bad' '$log'"
    ;;
*)
    echo "linux-locked-test: unknown scenario $scenario" >&2
    exit 2
    ;;
esac
[ "$failed" -eq 0 ]
