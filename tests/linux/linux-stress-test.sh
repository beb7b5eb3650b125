#!/usr/bin/env bash
# DMA through the DART from several threads at once: two virtio-blk
# disks whose requests QEMU serves on iothreads (their translations run
# outside the BQL) read and write while edu, on a vCPU's command, faults
# again and again and the driver handles the faults and invalidates its
# streams for every map and unmap. The data must arrive intact, the
# fault registers end up coherent and clear, and nothing may hang.
#
#   linux-stress-test.sh SERIES [GEN]
#
# Prints TAP; exits non-zero on failure.
set -uo pipefail

top=$(cd "$(dirname "$0")/../.." && pwd)
series=$1
gen=${2:-t8103}
. "$top/scripts/versions.sh"       # QEMU_SERIES: which QEMU
qemu="${QEMU_BUILD:-$top/$QEMU_DIR/qemu-build}/qemu-system-aarch64"
name="linux-$series-stress"
[ "$gen" = t8103 ] || name="$name-$gen"

. "$top/tests/lib/boot-test.sh"
boot_test_setup "$gen" "$series" 16
# the disks on the lowest and a middle stream of the PCIe DART
dart_disk_streams
head -c $((16 * 1024 * 1024)) /dev/urandom > "$work/read.img"
read_sha=$(sha256sum "$work/read.img" | cut -d' ' -f1)
truncate -s 8M "$work/write.img"

start=$(date +%s.%N)
timeout "$(scaled 300)" "$qemu" -M "apple-virt$DART_MACHINE$DART_DISK_MACHINE" -m 1G -smp 2 \
    -nographic -no-reboot \
    -kernel "$kernel" -initrd "$initrd" \
    -append "console=ttyAMA0 apple_virt.test=stress panic=-1" \
    -object iothread,id=io0 -object iothread,id=io1 \
    -device edu,addr=3.0 \
    -drive if=none,id=rd,file="$work/read.img",format=raw,readonly=on \
    -device virtio-blk-pci,addr=4.0,drive=rd,iothread=io0 \
    -drive if=none,id=wr,file="$work/write.img",format=raw \
    -device virtio-blk-pci,addr=5.0,drive=wr,iothread=io1 \
    < /dev/null > "$log" 2>&1
rc=$?
end=$(date +%s.%N)
echo "# $name: QEMU start to power-off: $(echo "$end - $start" | bc) s"

check "QEMU exited by itself, no hang (rc $rc)" test "$rc" -eq 0
check "guest ran its checks to the end" grep -q '^CHECK end' "$log"
for round in 1 2 3; do
    check "read $round of the disk arrived intact" \
        grep -q "^CHECK read-sha256 vda $round $read_sha" "$log"
done
wrote=$(sed -n 's/^CHECK wrote-sha256 vdb \([0-9a-f]*\).*/\1/p' "$log")
got=$(head -c 4194304 "$work/write.img" | sha256sum | cut -d' ' -f1)
check "host found what the guest wrote" test -n "$wrote" -a "$wrote" = "$got"
triggered=$(sed -n 's/^CHECK edu-faults-triggered \([0-9]*\).*/\1/p' "$log")
lines=$(sed -n 's/^CHECK fault-lines \([0-9]*\).*/\1/p' "$log")
echo "# $name: edu faulted ${triggered:-?} times meanwhile; Linux printed ${lines:-?} fault lines (rate-limited)"
check "edu faulted over and over during the I/O" test "${triggered:-0}" -ge 10
check "Linux reported faults" test "${lines:-0}" -ge 1
check "the fault registers ended clear: every fault handled" \
    grep -q '^CHECK pcie-dart-error 0x00000000' "$log"
check_guest_absent "no WARN, BUG or Oops" '^CHECK bad'
tap_status
