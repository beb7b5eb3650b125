#!/usr/bin/env bash
# U-Boot, a second client of the DART: its apple_dart driver programs the
# DARTs so that its XHCI can read a USB disk (docs/system/arm/apple-virt.rst,
# "U-Boot on apple-virt").
#
#   uboot-test.sh GEN [MODE]
#
# GEN is a generation of scripts/dart-gens.sh. MODE:
#
#   bypass      (default; translate on t8103-usb4, which cannot bypass)
#               the DARTs as they are: U-Boot programs bypass where
#               PARAMS2 offers it. The file loaded must be right and the
#               USB DART walk no table.
#   translate   -global apple-dart.bypass=off: U-Boot builds page tables;
#               the file loaded must be right, and the USB DART walk them
#               for the XHCI's stream, with no stale TLB entry used and no
#               fault.
#   locked      firmware presets the USB DART and locks it, as m1n1 does the
#               display DART: U-Boot ignores the lock (its writes are
#               refused) and its XHCI's DMA faults.
#   disabled    firmware leaves the XHCI's stream disabled
#               (usb-dart-disabled-streams): U-Boot must enable it.
#   pcie        the USB disk on a qemu-xhci in PCIe slot 2 (stream 2 of the
#               PCIe DART, found through iommu-map), translate mode:
#               walks of stream 2 (the empty platform XHCI still runs
#               through the USB DART). Skipped if the
#               QEMU has no qemu-xhci (CONFIG_USB_XHCI_PCI).
#   virtio      a virtio-blk disk on the PCIe root bus (slot 4, stream 4 of
#               the PCIe DART), bypass: U-Boot's virtio does not use the
#               IOMMU API, so it works only where the DART bypasses.
#   linux       U-Boot loads Linux and its initramfs, files on the USB
#               disk (Image, initramfs.cpio.gz), and boots them with
#               booti and its devicetree; guest/init runs its checks
#               (apple_virt.test=1) against the DARTs U-Boot left behind.
#   takeover    the PCIe DART preset and locked by firmware; U-Boot loads
#               the project's patched kernel (PATCHED_KERNEL_PATCHES) from
#               the USB disk, which takes the locked DART over and reads
#               a virtio disk on its stream 4.
#   unfixed-M   mode M with U-Boot's DART driver as Debian ships it
#               (build-uboot.sh unfixed): asserts the failure that a fix
#               in guest/u-boot/fixes/ is about, for GEN and M.
#
# The disk is an ext4 filesystem on the whole disk (no partition table),
# made on the host with mkfs.ext4 -d, without root: U-Boot loads files
# from it by name, as on a Mac (load usb 0 ${kernel_addr_r} Image).
# Every boot but linux and takeover: U-Boot starts USB (or virtio), loads
# a 4 MiB random file (load), checksums it (crc32 ${loadaddr}
# ${filesize}) and powers off (PSCI); the CRC32 is compared with the
# host's.
# Prints TAP; exits non-zero on failure.
set -uo pipefail

top=$(cd "$(dirname "$0")/../.." && pwd)
gen=$1
mode=${2:-}
name="uboot-$gen${mode:+-$mode}"
. "$top/scripts/versions.sh"       # QEMU_SERIES: which QEMU
. "$top/scripts/dart-gens.sh"
dart_gen "$gen" || { echo "uboot-test: unknown DART generation $gen" >&2; exit 2; }
if [ -z "$mode" ]; then
    if [ "$DART_BYPASS" = 1 ]; then mode=bypass; else mode=translate; fi
fi
qemu="${QEMU_BUILD:-$top/$QEMU_DIR/qemu-build}/qemu-system-aarch64"
. "$top/tests/lib/tap.sh"
scaled() { echo $(($1 * ${TIMEOUT_SCALE:-1})); }

variant=fixed
base=$mode
case $mode in
unfixed-*) variant=unfixed base=${mode#unfixed-} ;;
esac
case $base in
bypass|disabled|virtio|locked)
    [ "$DART_BYPASS" = 1 ] ||
        { echo "uboot-test: $gen cannot bypass" >&2; exit 2; } ;;
translate|linux|pcie|takeover) ;;
*) echo "uboot-test: unknown mode $mode" >&2; exit 2 ;;
esac

if [ "$base" = pcie ] &&
   ! "$qemu" -M apple-virt -device help 2>/dev/null | grep -q '"qemu-xhci"'; then
    echo "ok 1 - $name: # SKIP this QEMU has no qemu-xhci (CONFIG_USB_XHCI_PCI)"
    exit 0
fi
uboot=$("$top/scripts/build-uboot.sh" "$variant") ||
    { echo "not ok 1 - $name: U-Boot build"; exit 1; }
work=$top/$QEMU_DIR/$name
rm -rf "$work"
mkdir -p "$work"
log=$work/console.log
trace=$work/trace.log

# The disk: an ext4 filesystem (mkfs.ext4 -d, from the files in $work/fs)
# holding data.bin, 4 MiB of random data, or Linux's Image and
# initramfs.cpio.gz (a small disk, since guest/init reads the USB disk
# whole five times).
disk=$work/disk.img
fs=$work/fs
mkdir -p "$fs"
# (in /usr/sbin, which is not in a Debian user's PATH)
mkfs_ext4=$(PATH=$PATH:/usr/sbin:/sbin command -v mkfs.ext4) ||
    { echo "not ok 1 - $name: no mkfs.ext4 (e2fsprogs)"; exit 1; }
mkdisk() {      # mkdisk SIZE: the disk, an ext4 filesystem of $fs's files
    "$mkfs_ext4" -q -d "$fs" -F "$disk" "$1" > /dev/null   # ("Creating regular file")
}
crc32_of() {
    python3 -c 'import sys, zlib; print("%08x" % zlib.crc32(open(sys.argv[1], "rb").read()))' "$1"
}
machine=",dart-check-stale-tlb=on"
opts=()
bypass_off=
case $base in
translate|pcie) bypass_off=1 ;;
linux|takeover) [ "$DART_BYPASS" = 1 ] || bypass_off=1 ;;
esac
[ -z "$bypass_off" ] || opts+=(-global apple-dart.bypass=off)
[ "$base" != disabled ] || machine="$machine,usb-dart-disabled-streams=1"
# as m1n1 leaves the display DART: preset tables (with firmware's own
# mappings only), TTBR and TCR locked
[ "$base" != locked ] || machine="$machine,usb-dart-preset=mapped,usb-dart-locked=on"
# the PCIe DART locked by firmware, its streams preset, for the patched
# kernel to take over after U-Boot
[ "$base" != takeover ] || machine="$machine,pcie-dart-preset=mapped,pcie-dart-locked=on"

if [ "$base" = linux ] || [ "$base" = takeover ]; then
    if [ "$base" = takeover ]; then
        kernel=$("$top/scripts/build-kernel.sh" "$PATCHED_KERNEL_SERIES" 16 \
                 "$PATCHED_KERNEL_PATCHES")
    else
        kernel=${KERNEL_IMAGE:-$("$top/scripts/build-kernel.sh" 7.2 16)}
    fi || { echo "not ok 1 - $name: kernel build"; exit 1; }
    initrd=$("$top/scripts/build-initramfs.sh") ||
        { echo "not ok 1 - $name: initramfs build"; exit 1; }
    cp "$kernel" "$fs/Image"
    cp "$initrd" "$fs/initramfs.cpio.gz"
    mkdisk 24M ||
        { echo "not ok 1 - $name: kernel and initramfs on a 24 MiB ext4 disk"; exit 1; }
    host_crc=$(crc32_of "$kernel")
    # (filesize: the size of the file the last load read)
    cat > "$work/commands" <<'EOF'
usb start
load usb 0 ${kernel_addr_r} Image
crc32 ${kernel_addr_r} ${filesize}
load usb 0 ${ramdisk_addr_r} initramfs.cpio.gz
setenv bootargs console=ttyAMA0 apple_virt.test=1 panic=-1
booti ${kernel_addr_r} ${ramdisk_addr_r}:${filesize} ${fdtcontroladdr}
EOF
else
    head -c $((4 << 20)) /dev/urandom > "$fs/data.bin"
    mkdisk 8M || { echo "not ok 1 - $name: ext4 disk"; exit 1; }
    host_crc=$(crc32_of "$fs/data.bin")
    if [ "$base" = virtio ]; then
        read_cmd="virtio scan"$'\n'"load virtio 0 \${loadaddr} data.bin"
    else
        read_cmd="usb start"$'\n'"load usb 0 \${loadaddr} data.bin"
    fi
    cat > "$work/commands" <<EOF
$read_cmd
crc32 \${loadaddr} \${filesize}
poweroff
EOF
fi
# shellcheck disable=SC2054 # commas separate QEMU's suboptions
if [ "$base" = virtio ]; then
    opts+=(-drive if=none,id=vd,file="$disk",format=raw
           -device virtio-blk-pci,drive=vd,addr=4.0)
elif [ "$base" = takeover ]; then
    # a virtio disk on stream 4 of the locked PCIe DART, for Linux
    head -c $((4 << 20)) /dev/urandom > "$work/vda.img"
    vda_sha=$(sha256sum "$work/vda.img" | cut -d' ' -f1)
    opts+=(-drive if=none,id=ud,file="$disk",format=raw
           -device usb-storage,drive=ud
           -drive if=none,id=vd,file="$work/vda.img",format=raw,readonly=on
           -device virtio-blk-pci,drive=vd,addr=4.0)
elif [ "$base" = pcie ]; then
    opts+=(-drive if=none,id=ud,file="$disk",format=raw
           -device qemu-xhci,id=pxhci,addr=2.0
           -device usb-storage,bus=pxhci.0,drive=ud)
else
    opts+=(-drive if=none,id=ud,file="$disk",format=raw
           -device usb-storage,drive=ud)
fi

# Table walks are traced where the checks count them; a Linux boot makes
# millions of them.
walk_trace=(-trace apple_dart_walk)
case $base in linux|takeover) walk_trace=() ;; esac

start=$(date +%s.%N)
UBOOT_PROMPT_TIMEOUT=$(scaled 60) UBOOT_EXIT_TIMEOUT=$(scaled 120) \
"$top/tests/uboot/uboot-console.py" "$log" "$work/commands" -- \
    "$qemu" -M "apple-virt$DART_MACHINE$machine" -m 4G \
    -display none -serial stdio -monitor none -no-reboot \
    -kernel "$uboot" "${opts[@]}" \
    "${walk_trace[@]}" -trace apple_dart_stale_tlb \
    -trace apple_dart_fault -trace apple_dart_translate_blocked \
    -trace apple_dart_reg_write -d guest_errors -D "$trace"
rc=$?
echo "# $name: U-Boot run $(printf '%.1f' "$(echo "$(date +%s.%N) - $start" | bc)") s" >&2

crc_ok() { grep -q "==> $host_crc" "$log"; }
# (U-Boot ran, but did not load the file right: no CRC32, or a wrong one)
not_crc_ok() { grep -q '^U-Boot 20' "$log" && ! crc_ok; }
walks() {       # walks DART STREAM: table walks for that stream
    grep -c "^apple_dart_walk $1: stream $2 " "$trace"
}
# tcr_write DART STREAM VALUE: the driver wrote VALUE to STREAM's TCR
tcr_write() {
    grep -q "^apple_dart_reg_write $1: write $(printf '0x%04x' $((DART_TCR_REG + 4 * $2))) <- $(printf '0x%08x' "$3")\$" "$trace"
}
# (tap.sh's absent: the trace must be there, -D creates it empty)
no_stale() { absent -e apple_dart_stale_tlb "$trace"; }
no_fault() { absent -e "^apple_dart_fault " "$trace"; }
xs=1            # the XHCI's stream

case $mode in
locked)
    # U-Boot never reads the lock: it programs bypass as usual, the DART
    # refuses every TTBR and TCR write, and the XHCI's DMA, with physical
    # addresses, faults in firmware's translating tables
    check "QEMU exited by itself (rc $rc)" test "$rc" -eq 0
    check "the locked DART refused U-Boot's bypass TCR for the XHCI's stream" \
        grep -q "dart-usb: TCR of stream $xs is locked; write of $(printf '0x%08x' "$DART_TCR_BYPASS") ignored" "$trace"
    check "... and its TTBR writes" \
        grep -q "dart-usb: TTBR of stream $xs is locked; write of" "$trace"
    check "the XHCI's DMA faulted on the locked DART (stream $xs)" \
        grep -q "^apple_dart_fault dart-usb: stream $xs " "$trace"
    check "U-Boot found no USB disk, and loaded nothing right" \
        sh -c "grep -q '0 Storage Device(s) found' '$log' && ! grep -q '==> $host_crc' '$log'"
    ;;
bypass|disabled)
    check "QEMU exited by itself (rc $rc)" test "$rc" -eq 0
    check "U-Boot found the USB disk" grep -q "1 Storage Device(s) found" "$log"
    check "CRC32 of the file U-Boot loaded is the host's ($host_crc)" crc_ok
    check "U-Boot set the XHCI's stream to bypass" \
        tcr_write dart-usb $xs "$DART_TCR_BYPASS"
    check "the USB DART walked no table (bypass)" test "$(walks dart-usb $xs)" -eq 0
    check "no stale TLB entry used" no_stale
    check "no DART fault" no_fault
    if [ "$mode" = disabled ]; then
        check "no DMA dropped on a disabled stream" \
            absent -e "apple_dart_translate_blocked dart-usb.*disabled" "$trace"
    fi
    ;;
translate)
    check "QEMU exited by itself (rc $rc)" test "$rc" -eq 0
    check "U-Boot found the USB disk" grep -q "1 Storage Device(s) found" "$log"
    check "CRC32 of the file U-Boot loaded is the host's ($host_crc)" crc_ok
    check "U-Boot set the XHCI's stream to translate" \
        tcr_write dart-usb $xs "$DART_TCR_TRANSLATE"
    check "the USB DART walked U-Boot's tables for stream $xs ($(walks dart-usb $xs) walks)" \
        test "$(walks dart-usb $xs)" -gt 0
    check "no stale TLB entry used" no_stale
    check "no DART fault" no_fault
    ;;
pcie)
    check "QEMU exited by itself (rc $rc)" test "$rc" -eq 0
    check "U-Boot found the USB disk on the PCIe XHCI" \
        grep -q "1 Storage Device(s) found" "$log"
    check "CRC32 of the file U-Boot loaded is the host's ($host_crc)" crc_ok
    check "U-Boot set the PCIe XHCI's stream (2) to translate" \
        tcr_write dart-pcie 2 "$DART_TCR_TRANSLATE"
    check "the PCIe DART walked U-Boot's tables for stream 2 ($(walks dart-pcie 2) walks)" \
        test "$(walks dart-pcie 2)" -gt 0
    check "no stale TLB entry used" no_stale
    check "no DART fault" no_fault
    ;;
virtio)
    check "QEMU exited by itself (rc $rc)" test "$rc" -eq 0
    check "CRC32 of the file U-Boot loaded over virtio is the host's ($host_crc)" crc_ok
    check "U-Boot set the disk's stream (4) to bypass" \
        tcr_write dart-pcie 4 "$DART_TCR_BYPASS"
    check "the PCIe DART walked no table" test "$(walks dart-pcie 4)" -eq 0
    check "no DART fault" no_fault
    ;;
linux)
    check "QEMU exited by itself (rc $rc)" test "$rc" -eq 0
    check "CRC32 of the kernel U-Boot loaded (Image) is the host's ($host_crc)" crc_ok
    check "U-Boot started the kernel" grep -q "Starting kernel" "$log"
    check "Linux's apple-dart driver probed the DARTs" \
        grep -q "apple-dart .*: DART \[pagesize" "$log"
    check "guest ran its checks to the end" grep -q '^CHECK end' "$log"
    # (guest/init reads it five ways: page cache twice, O_DIRECT thrice)
    check "Linux read the USB disk intact through the USB DART, five times" \
        test "$(tr -d '\r' < "$log" | grep -c "^CHECK read-sha256 sda [^ ]* $(sha256sum "$disk" | cut -d' ' -f1)\$")" -eq 5
    check "Linux translates the USB disk's stream (TCR $DART_TRANSLATE)" \
        grep -q "^CHECK usb-disk sda stream [0-9]* tcr $DART_TRANSLATE" "$log"
    check "no WARN, BUG or Oops" absent "^CHECK bad" "$log"
    check "no stale TLB entry used" no_stale
    check "no DART fault" no_fault
    ;;
takeover)
    check "QEMU exited by itself (rc $rc)" test "$rc" -eq 0
    check "CRC32 of the kernel U-Boot loaded (Image) is the host's ($host_crc)" crc_ok
    check "U-Boot started the patched kernel" grep -q "Starting kernel" "$log"
    # (U-Boot probes the PCIe DART only for a PCI device it uses)
    check "U-Boot left the locked PCIe DART alone (no write refused)" \
        absent "dart-pcie: .* is locked; write" "$trace"
    check "Linux took the locked PCIe DART over, as firmware left it" \
        grep -q "9100000.iommu: DART is locked by firmware: taking over" "$log"
    check "... and the disk's stream 4" \
        grep -q "0000:00:04.0: 9100000.iommu: took over locked stream 4" "$log"
    check "guest ran its checks to the end" grep -q '^CHECK end' "$log"
    check "Linux read the disk on the locked DART intact, five times" \
        test "$(tr -d '\r' < "$log" | grep -c "^CHECK read-sha256 vda [^ ]* $vda_sha\$")" -eq 5
    check "no stale TLB entry used" no_stale
    check "no DART fault" no_fault
    ;;
unfixed-translate)
    check "QEMU exited by itself (rc $rc)" test "$rc" -eq 0
    check "U-Boot did not load the file right (no CRC32 of the host's)" \
        not_crc_ok
    case $gen in
    t8110*)
        # TLB_CMD_FLUSH_ALL written to 0x100 (ERROR), not TLB_CMD (0x80)
        check "the T8110 DART saw no TLB flush command" \
            absent "apple_dart_reg_write dart-usb: write 0x0080 " "$trace"
        check "the stale-TLB detector caught the XHCI's DMA through a stale entry" \
            grep -q "apple_dart_stale_tlb dart-usb: stream $xs " "$trace" ;;
    t8103-usb4)
        check "U-Boot's DART driver does not match apple,t8103-usb4-dart" \
            grep -q "Failed to find IOMMU device" "$log" ;;
    *)  echo "uboot-test: no known failure for $gen in $mode" >&2; exit 2 ;;
    esac
    ;;
unfixed-disabled)
    check "QEMU exited by itself (rc $rc)" test "$rc" -eq 0
    check "U-Boot did not load the file (stream left disabled)" not_crc_ok
    check "the USB DART dropped DMA on the disabled stream" \
        grep -q "apple_dart_translate_blocked dart-usb: stream $xs .*disabled" "$trace"
    ;;
*)
    echo "uboot-test: no assertions for mode $mode" >&2; exit 2 ;;
esac
tap_status
