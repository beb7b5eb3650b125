#!/usr/bin/env bash
# Start apple-virt on the serial console (quit with Ctrl-A X).
#   KERNEL=Image INITRD=initrd.gz APPEND="..." QEMU_OPTS="..." make run
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
qemu="$top/build/qemu-system-aarch64"
args=(-M apple-virt -m 1G -nographic)

if [ -n "${KERNEL:-}" ]; then
    args+=(-kernel "$KERNEL")
    [ -n "${INITRD:-}" ] && args+=(-initrd "$INITRD")
    args+=(-append "${APPEND:-console=ttyAMA0}")
else
    cat <<MSG
apple-virt: no guest kernel given (KERNEL=path/to/Image make run).
Starting the machine with an edu DMA device behind the PCIe DART, so that
it can be inspected from the monitor (Ctrl-A C, then 'info qtree' or
'info mtree'). Ctrl-A X quits.
MSG
    args+=(-device edu)
fi
# shellcheck disable=SC2086
exec "$qemu" "${args[@]}" ${QEMU_OPTS:-}
