#!/usr/bin/env bash
# Build the guest initramfs: Debian's arm64 busybox-static, guest/init,
# the DART layouts it sources (scripts/dart-gens.sh) and guest/dmabench.c
# (make bench's O_DIRECT I/O), built static.
# Prints its path (build/initramfs.cpio.gz); rebuilt only when an input changed.
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
. "$top/scripts/versions.sh"
. "$top/scripts/debian-apt.sh"
. "$top/scripts/cache-lock.sh"

out="$top/build/initramfs.cpio.gz"
mkdir -p "$top/build"
deb=$(debian_deb busybox-static:arm64 "$CACHE_DIR/downloads/linux" \
    'busybox-static_*_arm64.deb')

# What goes into it (busybox, /init and what /init sources), and this script
inputs=("$deb" "$top/guest/init" "$top/scripts/dart-gens.sh"
        "$top/guest/locked-driver.sh" "$top/guest/dmabench.c" "$0")
is_fresh() {
    local f
    for f in "${inputs[@]}"; do
        [ -f "$out" ] && [ "$out" -nt "$f" ] || return 1
    done
}
if is_fresh; then
    echo "$out"
    exit 0
fi
# make check boots several guests at once: one of them builds it
exec {lock_fd}>"$out.lock"
flock "$lock_fd"
if is_fresh; then
    echo "$out"
    exit 0
fi

root=$(mktemp -d)
trap 'rm -rf "$root" "$root.deb"' EXIT
mkdir -p "$root.deb"
dpkg-deb -x "$deb" "$root.deb"
mkdir -p "$root/bin" "$root/lib"
cp "$root.deb/usr/bin/busybox" "$root/bin/busybox"
cp "$top/guest/init" "$root/init"
cp "$top/scripts/dart-gens.sh" "$root/lib/dart-gens.sh"
cp "$top/guest/locked-driver.sh" "$root/locked-driver.sh"
aarch64-linux-gnu-gcc -static -O2 -Wall -o "$root/bin/dmabench" \
    "$top/guest/dmabench.c"
chmod 755 "$root/init" "$root/bin/busybox"
chmod 644 "$root/lib/dart-gens.sh"
(cd "$root" && find . | cpio -o -H newc --quiet | gzip -9) > "$out.tmp"
mv "$out.tmp" "$out"
echo "$out"
