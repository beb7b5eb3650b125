#!/usr/bin/env bash
# Boot an unmodified Debian-built Linux on apple-virt and check, from what
# the guest printed and what reached the disks, that the apple-dart driver
# probed and that DMA really went through DART translation.
#
#   linux-test.sh SERIES [PAGE_KB [GEN]]     e.g. linux-test.sh 6.12
#
# GEN picks the DART generation of the machine: t8103 (default), t6000,
# t8103-usb4, t8110 (VA 36: three levels) or t8110-va42 (four-level
# tables).
#
# Prints TAP ("ok N - ...", "not ok N - ..."); exits non-zero on failure.
set -uo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
series=$1
page_kb=${2:-16}
gen=${3:-t8103}
. "$top/scripts/versions.sh"       # QEMU_SERIES: which QEMU
qemu="${QEMU_BUILD:-$top/$QEMU_DIR/qemu-build}/qemu-system-aarch64"
name="linux-$series-${page_kb}k"
[ "$gen" = t8103 ] || name="$name-$gen"

# Linux 6.12 has no four-level tables: with a 42-bit VA its io-pgtable
# cannot build a domain, so streams stay blocked. Its disks would hang
# the boot in their partition scan; that run boots with edu alone.
no_dma=
case $series:$gen in
6.*:t8110-va42) no_dma=1 ;;
esac

# Copy the console through, noting in $1 when the guest's first check
# line went by.
stamp_first_check() {
    local line
    while IFS= read -r line || [ -n "$line" ]; do
        printf '%s\n' "$line"
        if [ ! -s "$1" ] && [[ $line == "CHECK begin"* ]]; then
            date +%s.%N > "$1"
        fi
    done
}

# What the driver must print and program for this generation: DART_*
. "$top/scripts/boot-test.sh"
boot_test_setup "$gen" "$series" "$page_kb"
head -c $((4 * 1024 * 1024)) /dev/urandom > "$work/read.img"
read_sha=$(sha256sum "$work/read.img" | cut -d' ' -f1)
truncate -s 2M "$work/write.img"
head -c $((3 * 1024 * 1024)) /dev/urandom > "$work/usb.img"
usb_sha=$(sha256sum "$work/usb.img" | cut -d' ' -f1)

# edu (slot 3) is the fault victim, the disks sit in slots 4 and 5; a
# usb-storage disk hangs off the platform XHCI behind the USB DART.
# shellcheck disable=SC2054 # commas separate QEMU's suboptions
disks=(-drive if=none,id=rd,file="$work/read.img",format=raw,readonly=on
       -device virtio-blk-pci,addr=4.0,drive=rd
       -drive if=none,id=wr,file="$work/write.img",format=raw
       -device virtio-blk-pci,addr=5.0,drive=wr
       -drive if=none,id=ud,file="$work/usb.img",format=raw,readonly=on
       -device usb-storage,drive=ud)
[ -z "$no_dma" ] || disks=()
start=$(date +%s.%N)
# The stale-TLB detector watches every TLB hit: the driver must never
# DMA through a translation its tables no longer hold.
timeout "$(scaled 300)" "$qemu" -M "apple-virt$DART_MACHINE,dart-check-stale-tlb=on" \
    -m 1G -smp 2 -nographic -no-reboot \
    -kernel "$kernel" -initrd "$initrd" \
    -append "console=ttyAMA0 apple_virt.test=1 panic=-1 usb-storage.delay_use=0" \
    -device edu,addr=3.0 "${disks[@]}" \
    -trace apple_dart_walk -trace apple_dart_stale_tlb -D "$work/trace.log" \
    < /dev/null 2>&1 | stamp_first_check "$work/first-check" > "$work/console.log"
rc=${PIPESTATUS[0]}
end=$(date +%s.%N)
log="$work/console.log"

check "QEMU exited by itself (rc $rc)" test "$rc" -eq 0
check "guest ran its checks to the end" grep -q '^CHECK end' "$log"
if [ -s "$work/first-check" ]; then
    echo "# $name: QEMU start to the guest's first check:" \
         "$(echo "$(cat "$work/first-check") - $start" | bc) s"
fi
echo "# $name: QEMU start to power-off: $(echo "$end - $start" | bc) s"

# 6.12 prints no address sizes; 7.x adds "AS <ias> -> <oas>".
case $series in
6.*) as='' ;;
*)   as=", AS $DART_IAS -> $DART_OAS" ;;
esac
forced=0
[ "$page_kb" = 16 ] || forced=1
dart_re="DART \\[pagesize 4000, $DART_STREAMS streams, bypass support: $DART_BYPASS, bypass forced: $forced$as\\] initialized"
check "driver initialized the PCIe DART ($dart_re)" \
    grep -q "^CHECK dart-init .*9100000.iommu: $dart_re" "$log"
check "driver initialized the USB DART" \
    grep -q "^CHECK dart-init .*9110000.iommu: $dart_re" "$log"
check "the driver found the display DART locked by firmware, and left it" \
    grep -q "^CHECK dart-locked .*9120000.iommu: DART is locked down until reboot: $DART_LOCKED" "$log"
check "simplefb drives the boot framebuffer" \
    grep -q '^CHECK fb0 simple 1024,768' "$log"
if [ -n "$no_dma" ]; then
    check "Linux $series could not attach a DMA domain: edu's stream is blocked (TCR 0)" \
        grep -q '^CHECK edu-tcr 0x00000000' "$log"
    check_guest_absent "so edu's DMA was dropped without a fault" '^CHECK fault'
    check_guest_absent "no WARN, BUG or Oops" '^CHECK bad'
    tap_status
    exit
fi
check "the USB controller is in an IOMMU group" \
    grep -q '^CHECK iommu-group [0-9]* 9200000.usb ' "$log"
check "guest read the USB disk intact through the USB DART" \
    grep -q "^CHECK read-sha256 sda $usb_sha" "$log"
check "virtio-blk 00:04.0 is in an IOMMU group" \
    grep -q '^CHECK iommu-group [0-9]* 0000:00:04.0' "$log"
check "guest read the disk image intact through the DART" \
    grep -q "^CHECK read-sha256 vda $read_sha" "$log"
wrote=$(sed -n 's/^CHECK wrote-sha256 vdb \([0-9a-f]*\).*/\1/p' "$log")
got=$(head -c 1048576 "$work/write.img" | sha256sum | cut -d' ' -f1)
check "host found the pattern the guest wrote" test -n "$wrote" -a "$wrote" = "$got"

if [ "$page_kb" = 16 ]; then
    check "the read disk's stream translates (TCR $DART_TRANSLATE)" \
        grep -q "^CHECK disk vda slot 04 tcr $DART_TRANSLATE" "$log"
    check "the USB disk's stream translates (TCR $DART_TRANSLATE)" \
        grep -q "^CHECK usb-disk sda tcr $DART_TRANSLATE" "$log"
    check "the PCIe DART walked tables for streams 4 and 5" \
        sh -c "grep -q 'apple_dart_walk dart-pcie: stream 4 ' '$work/trace.log' && grep -q 'apple_dart_walk dart-pcie: stream 5 ' '$work/trace.log'"
    check "the USB DART walked tables for the XHCI's stream 1" \
        grep -q 'apple_dart_walk dart-usb: stream 1 ' "$work/trace.log"
    check "edu's DMA to an unmapped IOVA made Linux report a translation fault" \
        grep -q '^CHECK fault.*translation fault: .*stream:3 .*0xbadd000' "$log"
else
    bypass=$(printf '0x%08x' "$DART_TCR_BYPASS")
    check "the read disk's stream bypasses (TCR $DART_TCR_BYPASS)" \
        grep -q "^CHECK disk vda slot 04 tcr $bypass" "$log"
    check "the USB disk's stream bypasses (TCR $DART_TCR_BYPASS)" \
        grep -q "^CHECK usb-disk sda tcr $bypass" "$log"
fi
check_guest_absent "no WARN, BUG or Oops" '^CHECK bad'
# (the trace may be empty: QEMU's -D makes it at start)
check_absent "the stale-TLB detector saw no DMA through a stale translation" \
    -e apple_dart_stale_tlb "$work/trace.log"
check_guest_absent "no translation fault but the intended one" '^CHECK fault' - \
    < <(grep -v 'stream:3 ' "$log")

tap_status
