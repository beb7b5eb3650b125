#!/usr/bin/env bash
# Boot Linux on apple-virt with disks behind its DARTs, to a shell
# on the serial console (quit: Ctrl-A X). By default the project's own
# kernel (Debian's linux-source 6.12, 16 KiB pages) and initramfs.
#
#   KERNEL=Image INITRD=initrd.gz|none APPEND="..." QEMU_OPTS="..." make run
#
# QEMU_OPTS may add machine options: QEMU_OPTS="-M pcie-dart-locked=on,..."
#
#   UBOOT=1 make run            (or UBOOT=unfixed, or UBOOT=path/u-boot.bin)
#
# boots U-Boot (scripts/build-uboot.sh) instead of Linux, to its prompt,
# with the same disks: "usb start", "usb read 0x810000000 0 0x100",
# "virtio scan". -m 4G, as U-Boot's apple board wants room for its load
# addresses.

set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
. "$top/scripts/versions.sh"       # QEMU_SERIES: which QEMU
qemu="${QEMU_BUILD:-$top/$QEMU_DIR/qemu-build}/qemu-system-aarch64"
kernel=${KERNEL:-}
initrd=${INITRD:-}

uboot=${UBOOT:-}
case $uboot in
'') ;;
1|fixed|unfixed)
    echo "make run: building U-Boot if needed (first time ~3 min)" >&2
    kernel=$("$top/scripts/build-uboot.sh" "${uboot/1/fixed}")
    initrd=none ;;
*)  kernel=$uboot initrd=none ;;
esac
if [ -z "$kernel" ]; then
    echo "make run: building the guest kernel if needed (first time ~8 min)" >&2
    kernel=$("$top/scripts/build-kernel.sh" 6.12 16)
fi
# The project's busybox initramfs suits any kernel; INITRD=none boots
# without one.
if [ -z "$initrd" ]; then
    initrd=$("$top/scripts/build-initramfs.sh")
elif [ "$initrd" = none ]; then
    initrd=
fi
disk="$top/build/run-disk.img"
[ -f "$disk" ] || truncate -s 64M "$disk"
usb="$top/build/run-usb.img"
[ -f "$usb" ] || truncate -s 16M "$usb"

mem=1G
[ -z "$uboot" ] || mem=4G
# shellcheck disable=SC2054 # commas separate QEMU's suboptions
args=(-M apple-virt -m "$mem" -smp 2 -nographic
      -kernel "$kernel"
      -drive if=none,id=disk0,file="$disk",format=raw
      -device virtio-blk-pci,addr=4.0,drive=disk0
      -drive if=none,id=usb0,file="$usb",format=raw
      -device usb-storage,drive=usb0
      -qmp unix:"$top/build/run-qmp.sock",server=on,wait=off)
if [ -z "$uboot" ]; then
    args+=(-append "${APPEND:-console=ttyAMA0 usb-storage.delay_use=0}")
fi
[ -n "$initrd" ] && args+=(-initrd "$initrd")
echo "apple-virt: virtio-blk (build/run-disk.img) in slot 4 = PCIe DART stream 4;" >&2
echo "           usb-storage (build/run-usb.img) on the XHCI = USB DART stream 1." >&2
echo "Ctrl-A X quits, Ctrl-A C switches to the QEMU monitor." >&2
echo "The DARTs' state: scripts/dart-state.py build/run-qmp.sock (or, in the" >&2
echo "monitor, qom-get /machine/dart-pcie state)." >&2
# shellcheck disable=SC2086
exec "$qemu" "${args[@]}" ${QEMU_OPTS:-}
