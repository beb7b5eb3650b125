#!/usr/bin/env bash
# Boot an unmodified Debian-built Linux on apple-virt and check, from what
# the guest printed and what reached the disks, that the apple-dart driver
# probed and that DMA really went through DART translation.
#
#   linux-test.sh SERIES [PAGE_KB]      e.g. linux-test.sh 6.12
#
# Prints TAP ("ok N - ...", "not ok N - ..."); exits non-zero on failure.
set -uo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
series=$1
page_kb=${2:-16}
qemu="$top/build/qemu-system-aarch64"
name="linux-$series-${page_kb}k"
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

kernel=$("$top/scripts/build-kernel.sh" "$series" "$page_kb") ||
    { echo "not ok 1 - $name: kernel build"; exit 1; }
initrd=$("$top/scripts/build-initramfs.sh") ||
    { echo "not ok 1 - $name: initramfs build"; exit 1; }

rm -rf "$work"
mkdir -p "$work"
head -c $((4 * 1024 * 1024)) /dev/urandom > "$work/read.img"
read_sha=$(sha256sum "$work/read.img" | cut -d' ' -f1)
truncate -s 2M "$work/write.img"

# edu (slot 3) is the fault victim, the disks sit in slots 4 and 5.
start=$(date +%s.%N)
timeout 300 "$qemu" -M apple-virt -m 1G -smp 2 -nographic -no-reboot \
    -kernel "$kernel" -initrd "$initrd" \
    -append "console=ttyAMA0 apple_virt.test=1 panic=-1" \
    -device edu,addr=3.0 \
    -drive if=none,id=rd,file="$work/read.img",format=raw,readonly=on \
    -device virtio-blk-pci,addr=4.0,drive=rd \
    -drive if=none,id=wr,file="$work/write.img",format=raw \
    -device virtio-blk-pci,addr=5.0,drive=wr \
    -trace apple_dart_walk -D "$work/trace.log" \
    < /dev/null > "$work/console.log" 2>&1
rc=$?
end=$(date +%s.%N)
log="$work/console.log"
first_check=$(grep -m1 -n 'CHECK begin' "$log" >/dev/null && echo yes)

check "QEMU exited by itself (rc $rc)" test "$rc" -eq 0
check "guest ran its checks to the end" grep -q '^CHECK end' "$log"
echo "# $name: boot to power-off in $(echo "$end - $start" | bc) s"

if [ "$page_kb" = 16 ]; then
    dart_re='DART \[pagesize 4000, 16 streams, bypass support: 1, bypass forced: 0'
else
    dart_re='DART \[pagesize 4000, 16 streams, bypass support: 1, bypass forced: 1'
fi
check "driver initialized the PCIe DART ($dart_re)" \
    grep -q "^CHECK dart-init.*$dart_re" "$log"
check "virtio-blk 00:04.0 is in an IOMMU group" \
    grep -q '^CHECK iommu-group [0-9]* 0000:00:04.0' "$log"
check "guest read the disk image intact through the DART" \
    grep -q "^CHECK read-sha256 vda $read_sha" "$log"
wrote=$(sed -n 's/^CHECK wrote-sha256 vdb \([0-9a-f]*\).*/\1/p' "$log")
got=$(head -c 1048576 "$work/write.img" | sha256sum | cut -d' ' -f1)
check "host found the pattern the guest wrote" test -n "$wrote" -a "$wrote" = "$got"

if [ "$page_kb" = 16 ]; then
    check "the read disk's stream translates (TCR 0x80)" \
        grep -q '^CHECK disk vda slot 04 tcr 0x00000080' "$log"
    check "the DART walked tables for streams 4 and 5" \
        sh -c "grep -q 'stream 4 ' '$work/trace.log' && grep -q 'stream 5 ' '$work/trace.log'"
    check "edu's DMA to an unmapped IOVA made Linux report a translation fault" \
        grep -q '^CHECK fault.*translation fault: .*stream:3 .*0xbadd000' "$log"
else
    check "the read disk's stream bypasses (TCR 0x1100)" \
        grep -q '^CHECK disk vda slot 04 tcr 0x00001100' "$log"
fi
check "no WARN, BUG or Oops" sh -c "! grep -q '^CHECK bad' '$log'"
unexpected=$(grep '^CHECK fault' "$log" | grep -v 'stream:3 ' || true)
check "no translation fault but the intended one" test -z "$unexpected"

[ "$failed" -eq 0 ]
