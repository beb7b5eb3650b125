#!/usr/bin/env bash
# Build the guest initramfs: Debian's arm64 busybox-static and guest/init.
# Prints its path (build/initramfs.cpio.gz); rebuilt only when an input changed.
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
. "$top/scripts/versions.sh"
. "$top/scripts/debian-apt.sh"

out="$top/build/initramfs.cpio.gz"
dl="$CACHE_DIR/downloads/linux"
mkdir -p "$dl" "$top/build"
deb=$(ls "$dl"/busybox-static_*_arm64.deb 2>/dev/null | sort -V | tail -n 1 || true)
if [ -z "$deb" ]; then
    debian_apt_init
    (cd "$dl" && apt-get "${APT_OPTS[@]}" -qq download busybox-static:arm64 >&2)
    deb=$(ls "$dl"/busybox-static_*_arm64.deb | sort -V | tail -n 1)
fi

if [ -f "$out" ] && [ "$out" -nt "$deb" ] && [ "$out" -nt "$top/guest/init" ] &&
   [ "$out" -nt "$top/guest/locked-driver.sh" ]; then
    echo "$out"
    exit 0
fi

root=$(mktemp -d)
trap 'rm -rf "$root" "$root.deb"' EXIT
mkdir -p "$root.deb"
dpkg-deb -x "$deb" "$root.deb"
mkdir -p "$root/bin"
cp "$root.deb/usr/bin/busybox" "$root/bin/busybox"
cp "$top/guest/init" "$root/init"
cp "$top/guest/locked-driver.sh" "$root/locked-driver.sh"
chmod 755 "$root/init" "$root/bin/busybox"
(cd "$root" && find . | cpio -o -H newc --quiet | gzip -9) > "$out.tmp"
mv "$out.tmp" "$out"
echo "$out"
