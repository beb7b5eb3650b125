#!/usr/bin/env bash
# Boot an unmodified Debian-built Linux on apple-virt and check, from what
# the guest printed and what reached the disks, that the apple-dart driver
# probed and that DMA really went through DART translation.
#
#   linux-test.sh SERIES [PAGE_KB [GEN [patched]]]   e.g. linux-test.sh 6.12
#
# GEN picks the DART generation of the machine: t8103 (default), t6000,
# t8103-usb4, t8110 (VA 36: three levels) or t8110-va42 (four-level
# tables). "patched" boots the project's one patched kernel instead
# ($PATCHED_KERNEL_PATCHES: our fixes included, no test fixture or
# re-introduced bug selected, locked DARTs refused as upstream does).
#
# Upstream's drivers have a bug that some generations show
# (known_bug below): there the suite checks that apple-virt shows it,
# and stops at the first sign; "patched" shows the fix.
#
# Prints TAP ("ok N - ...", "not ok N - ..."); exits non-zero on failure.
set -uo pipefail

top=$(cd "$(dirname "$0")/../.." && pwd)
series=$1
page_kb=${2:-16}
gen=${3:-t8103}
variant=${4:-}
. "$top/scripts/versions.sh"       # QEMU_SERIES: which QEMU
qemu="${QEMU_BUILD:-$top/$QEMU_DIR/qemu-build}/qemu-system-aarch64"
name="linux-$series-${page_kb}k"
[ "$gen" = t8103 ] || name="$name-$gen"
patches='' append=''
case $variant in
"") ;;
patched)
    name="$name-patched"
    patches=$PATCHED_KERNEL_PATCHES
    append="apple_dart.locked=refuse" ;;
*)  echo "linux-test: unknown variant '$variant' (patched)" >&2; exit 2 ;;
esac

# Upstream's T8020 stream command (since v6.8) writes STREAM_SELECT word i
# from the sidmap's unsigned long i, so streams 32-63 of a t8103-usb4
# DART are never invalidated: the disks on its streams 32 and 63 are
# served from stale translations as soon as IOVAs are reused, the guest's
# data and virtqueues get corrupted and the boot hangs. Our fix is in the
# patched kernel (guest/linux/bugs, bug "stream-select").
known_bug=
case $gen:$variant in
t8103-usb4:) known_bug=stream-select ;;
esac

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
. "$top/tests/lib/boot-test.sh"
boot_test_setup "$gen" "$series" "$page_kb" "$patches"
dart_disk_streams
read -r lo mid hi <<< "$DART_DISK_STREAMS"
head -c $((4 * 1024 * 1024)) /dev/urandom > "$work/read.img"
read_sha=$(sha256sum "$work/read.img" | cut -d' ' -f1)
truncate -s 2M "$work/write.img"
truncate -s 4M "$work/write-c.img"
head -c $((3 * 1024 * 1024)) /dev/urandom > "$work/usb.img"
usb_sha=$(sha256sum "$work/usb.img" | cut -d' ' -f1)

# edu (slot 3, stream 3) is the fault victim; the disks sit in slots 4,
# 5 and 6, on the PCIe DART's lowest, a middle and its highest stream
# (dart_disk_streams); a usb-storage disk hangs off the platform XHCI on
# the USB DART's highest stream.
# shellcheck disable=SC2054 # commas separate QEMU's suboptions
disks=(-drive if=none,id=rd,file="$work/read.img",format=raw,readonly=on
       -device virtio-blk-pci,addr=4.0,drive=rd
       -drive if=none,id=wr,file="$work/write.img",format=raw
       -device virtio-blk-pci,addr=5.0,drive=wr
       -drive if=none,id=wc,file="$work/write-c.img",format=raw
       -device virtio-blk-pci,addr=6.0,drive=wc
       -drive if=none,id=ud,file="$work/usb.img",format=raw,readonly=on
       -device usb-storage,drive=ud)
[ -z "$no_dma" ] || disks=()
start=$(date +%s.%N)
# The stale-TLB detector watches every TLB hit: the driver must never
# DMA through a translation its tables no longer hold.
( timeout "$(scaled 300)" "$qemu" -M "apple-virt$DART_MACHINE$DART_DISK_MACHINE,dart-check-stale-tlb=on" \
    -m 1G -smp 2 -nographic -no-reboot \
    -kernel "$kernel" -initrd "$initrd" \
    -append "console=ttyAMA0 apple_virt.test=1 panic=-1 usb-storage.delay_use=0 $append" \
    -device edu,addr=3.0 "${disks[@]}" \
    -trace apple_dart_walk -trace apple_dart_stale_tlb -D "$work/trace.log" \
    < /dev/null 2>&1 | stamp_first_check "$work/first-check" > "$work/console.log"
  echo "${PIPESTATUS[0]}" > "$work/qemu.rc"
) &
qemu_pid=$!
log="$work/console.log"
if [ -n "$known_bug" ]; then
    # stop at the bug's first sign, a stale-TLB report, rather than wait
    # for what follows: corrupted data and virtqueues, an oops in the
    # XHCI driver or a hang, whichever the stale DMA hits first
    for _ in $(seq "$(scaled 1200)"); do
        kill -0 $qemu_pid 2>/dev/null || break
        if grep -q apple_dart_stale_tlb "$work/trace.log" 2>/dev/null; then
            sleep 1
            pkill -f -- "-D $work/trace.log" 2>/dev/null
            break
        fi
        sleep 0.1
    done
fi
wait $qemu_pid
rc=$(cat "$work/qemu.rc")
end=$(date +%s.%N)

if [ "$known_bug" = stream-select ]; then
    stale=$(grep -o 'apple_dart_stale_tlb dart-[a-z]*: stream [0-9]*' "$work/trace.log" | sort -u)
    echo "# $name: upstream's STREAM_SELECT bug; the detector reported:"
    printf '%s\n' "$stale" | sed 's/^/#   /'
    # (the kernel's own line: the stale DMA may come before the guest's
    # checks begin)
    check "driver initialized the PCIe DART" \
        grep -q "9100000.iommu: DART \\[pagesize 4000, 64 streams" "$log"
    check "Linux's bug shows: DMA on a stream of 32 to 63 used a stale translation" \
        grep -qE 'apple_dart_stale_tlb dart-[a-z]*: stream (3[2-9]|[45][0-9]|6[0-3]) ' "$work/trace.log"
    check_absent "... and only there: no stale translation on streams 0 to 31" \
        'apple_dart_stale_tlb dart-[a-z]*: stream \([0-9]\|[12][0-9]\|3[01]\) ' \
        "$work/trace.log" apple_dart_stale_tlb
    tap_status
    exit
fi

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
# all_reads_are DISK SHA: the guest read DISK in every way (five
# "CHECK read-sha256 DISK HOW SHA" lines: page cache twice, O_DIRECT in
# three block sizes) and every time got SHA
all_reads_are() {
    local lines
    lines=$(tr -d '\r' < "$log" | grep "^CHECK read-sha256 $1 ")
    [ "$(grep -c . <<< "$lines")" -eq 5 ] &&
        [ "$(grep -c " $2\$" <<< "$lines")" -eq 5 ]
}
# written_intact DISK IMAGE BYTES: the host finds in IMAGE the BYTES the
# guest said it wrote to DISK, and the guest read them back twice
written_intact() {
    local wrote got
    wrote=$(tr -d '\r' < "$log" |
            sed -n "s/^CHECK wrote-sha256 $1 \([0-9a-f]*\)$/\1/p")
    got=$(head -c "$3" "$2" | sha256sum | cut -d' ' -f1)
    [ -n "$wrote" ] && [ "$wrote" = "$got" ] &&
        [ "$(tr -d '\r' < "$log" |
             grep -c "^CHECK readback-sha256 $1 [^ ]* $wrote\$")" -eq 2 ]
}
check "the USB controller is in an IOMMU group" \
    grep -q '^CHECK iommu-group [0-9]* 9200000.usb ' "$log"
check "guest read the USB disk intact through the USB DART, five times over" \
    all_reads_are sda "$usb_sha"
check "virtio-blk 00:04.0 is in an IOMMU group" \
    grep -q '^CHECK iommu-group [0-9]* 0000:00:04.0' "$log"
check "guest read the disk image intact through the DART, five times over" \
    all_reads_are vda "$read_sha"
check "host found the pattern the guest wrote on stream $mid, and the guest read it back" \
    written_intact vdb "$work/write.img" 1048576
check "host found the pattern the guest wrote on stream $hi, and the guest read it back" \
    written_intact vdc "$work/write-c.img" 2097152

walked() {       # walked DART STREAM
    grep -q "apple_dart_walk dart-$1: stream $2 " "$work/trace.log"
}
if [ "$page_kb" = 16 ]; then
    check "the disks' streams $lo, $mid and $hi translate (TCR $DART_TRANSLATE)" \
        sh -c "grep -q '^CHECK disk vda slot 04 stream $lo tcr $DART_TRANSLATE' '$log' &&
               grep -q '^CHECK disk vdb slot 05 stream $mid tcr $DART_TRANSLATE' '$log' &&
               grep -q '^CHECK disk vdc slot 06 stream $hi tcr $DART_TRANSLATE' '$log'"
    check "the USB disk's stream $hi translates (TCR $DART_TRANSLATE)" \
        grep -q "^CHECK usb-disk sda stream $hi tcr $DART_TRANSLATE" "$log"
    check "the PCIe DART walked tables for streams $lo, $mid and $hi" \
        eval "walked pcie $lo && walked pcie $mid && walked pcie $hi"
    check "the USB DART walked tables for the XHCI's stream $hi" \
        walked usb "$hi"
    check "edu's DMA to an unmapped IOVA made Linux report a translation fault" \
        grep -q '^CHECK fault.*translation fault: .*stream:3 .*0xbadd000' "$log"
else
    bypass=$(printf '0x%08x' "$DART_TCR_BYPASS")
    check "the read disk's stream $lo bypasses (TCR $DART_TCR_BYPASS)" \
        grep -q "^CHECK disk vda slot 04 stream $lo tcr $bypass" "$log"
    check "the USB disk's stream $hi bypasses (TCR $DART_TCR_BYPASS)" \
        grep -q "^CHECK usb-disk sda stream $hi tcr $bypass" "$log"
fi
check_guest_absent "no WARN, BUG or Oops" '^CHECK bad'
# (the trace may be empty: QEMU's -D makes it at start)
check_absent "the stale-TLB detector saw no DMA through a stale translation" \
    -e apple_dart_stale_tlb "$work/trace.log"
check_guest_absent "no translation fault but the intended one" '^CHECK fault' - \
    < <(grep -v 'stream:3 ' "$log")

tap_status
