#!/usr/bin/env bash
# Benchmark DMA through the DART: Linux reads a 1 GiB virtio-blk disk
# (slot 4, PCIe DART stream 4) with dd, once with the DART translating
# (a DMA domain: every request mapped, walked, cached and unmapped) and
# once with the device in an identity domain (TCR bypass), and prints the
# rates and the model's walk and TLB counters. Figures, not a pass/fail.
#
#   bench-dma.sh [SERIES]      (default 6.12)
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
series=${1:-6.12}
qemu="$top/build/qemu-system-aarch64"
work="$top/build/bench-dma"
kernel=$("$top/scripts/build-kernel.sh" "$series" 16)
initrd=$("$top/scripts/build-initramfs.sh")
rm -rf "$work"
mkdir -p "$work"
truncate -s 1G "$work/disk.img"

run() {     # run NAME EXTRA-KERNEL-ARGS
    local log="$work/$1.log"

    "$qemu" -M apple-virt -m 1G -smp 2 -nographic -no-reboot \
        -kernel "$kernel" -initrd "$initrd" \
        -append "console=ttyAMA0 apple_virt.test=bench panic=-1 $2" \
        -drive if=none,id=d,file="$work/disk.img",format=raw,readonly=on \
        -device virtio-blk-pci,addr=4.0,drive=d \
        -qmp unix:"$work/qmp.sock",server=on,wait=off \
        < /dev/null > "$log" 2>&1 &
    local pid=$!
    for _ in $(seq 600); do
        grep -q '^CHECK bench-read' "$log" 2>/dev/null && break
        sleep 0.1
    done
    walks=$("$top/scripts/qmp.py" "$work/qmp.sock" \
        '{"execute": "qom-get", "arguments": {"path": "/machine/dart-pcie", "property": "stat-walks"}}' 2>/dev/null || echo '?')
    hits=$("$top/scripts/qmp.py" "$work/qmp.sock" \
        '{"execute": "qom-get", "arguments": {"path": "/machine/dart-pcie", "property": "stat-tlb-hits"}}' 2>/dev/null || echo '?')
    wait "$pid" || true
    read -r mib t0 t1 < <(sed -n 's/^CHECK bench-read \([0-9]*\) MiB \([0-9.]*\) \([0-9.]*\).*/\1 \2 \3/p' "$log")
    printf '%-11s TCR %s  %s MiB in %s s = %s MiB/s  (DART walks %s, TLB hits %s)\n' \
        "$1:" "$(sed -n 's/^CHECK bench-tcr \([0-9a-fx]*\).*/\1/p' "$log")" \
        "$mib" "$(echo "$t1 - $t0" | bc)" \
        "$(echo "scale=1; $mib / ($t1 - $t0)" | bc)" "$walks" "$hits"
}

echo "Linux $series reading 1 GiB from virtio-blk behind the PCIe DART:"
run translated ""
run bypass "iommu.passthrough=1"
