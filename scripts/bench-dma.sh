#!/usr/bin/env bash
# make bench: what the DART costs DMA, in figures (not pass/fail).
#
#   bench-dma.sh [SERIES]          (default 7.2)
#
# Builds a second QEMU configuration with QEMU's virt machine as well
# (build/qemu-bench: configs/devices/aarch64-softmmu/apple-virt-bench.mak)
# and kernels (16 and 4 KiB pages) with guest/bench.config (SMMUv3 too),
# then runs scripts/bench.py: the model's x-microbench per DART generation,
# O_DIRECT throughput through the DART compared with virt without an IOMMU
# and with an SMMUv3 (alternating, BENCH_ROUNDS rounds of BENCH_SECS per
# job), and the DART's scaling. Results, logs and dma.png land in
# build/bench.
# BENCH=micro,dma,scale picks the parts.
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
series=${1:-7.2}
parts=${BENCH:-micro,dma,scale}
out="$top/build/bench"

"$top/scripts/setup-host.sh" bench
"$top/scripts/build-qemu.sh" bench
qemu="$top/build/qemu-bench/qemu-system-aarch64"
kernel() {
    KERNEL_EXTRA_CONFIG="$top/guest/bench.config" \
        "$top/scripts/build-kernel.sh" "$series" "$1"
}
kernel=$(kernel 16)
# 4 KiB DART pages under a 4 KiB kernel too (scale)
kernel4k=$(kernel 4)
initrd=$("$top/scripts/build-initramfs.sh")

rm -rf "$out"
mkdir -p "$out"
disks=()
for i in 0 1 2 3; do
    # written out, so that writes do not allocate blocks mid-benchmark
    head -c 256M /dev/zero > "$out/disk$i.img"
    disks+=(--disk "$out/disk$i.img")
done

run() {
    /usr/bin/python3 "$top/scripts/bench.py" "$1" --qemu "$qemu" --out "$out" \
        --kernel "$kernel" --kernel4k "$kernel4k" --initrd "$initrd" \
        "${disks[@]}" \
        --rounds "${BENCH_ROUNDS:-3}" --secs "${BENCH_SECS:-1}"
}

echo "make bench: Linux $series, QEMU $("$qemu" --version | head -n 1)"
for part in ${parts//,/ }; do
    run "$part" | tee "$out/$part.txt"
done
