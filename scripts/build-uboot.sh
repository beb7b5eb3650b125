#!/usr/bin/env bash
# Build U-Boot for apple-virt from Debian's u-boot source package.
#
#   build-uboot.sh [fixed|unfixed]
#
# Fetches Debian trixie's u-boot source ($UBOOT_DEB_VERSION in
# versions.sh: its orig and Debian tarballs; the .dsc is not served),
# unpacks it with Debian's patches, applies our test fixtures
# (guest/u-boot/*.patch: apple-virt board support) and, for "fixed"
# (the default), our fixes to U-Boot's DART driver
# (guest/u-boot/fixes/*.patch); "unfixed" leaves the driver as Debian
# ships it, for the tests that show what the fixes fix. The
# configuration is U-Boot's apple_m1_defconfig with
# guest/u-boot/apple-virt.config merged over it; the build is
# cross-compiled with Debian's gcc-aarch64-linux-gnu.
#
# The result is cached under $CACHE_DIR/u-boot, keyed by the package
# version, the variant, the patches and the fragment; its u-boot.bin's
# path is printed. Nothing is rebuilt when it exists.
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
. "$top/scripts/versions.sh"
. "$top/scripts/debian-apt.sh"
. "$top/scripts/cache-lock.sh"
. "$top/scripts/cross-build.sh"

variant=${1:-fixed}
case $variant in
fixed|unfixed) ;;
*) echo "usage: build-uboot.sh [fixed|unfixed]" >&2; exit 2 ;;
esac
frag="$top/guest/u-boot/apple-virt.config"
patches=("$top"/guest/u-boot/*.patch)
if [ "$variant" = fixed ]; then
    patches+=("$top"/guest/u-boot/fixes/*.patch)
fi

version=$UBOOT_DEB_VERSION
key=$( (cat "$frag"; echo "variant=$variant"; cat "${patches[@]}") |
       sha256sum | cut -c1-12)
out="$CACHE_DIR/u-boot/u-boot-$version-$variant-$key"
# A build in the cache is whole: its directory is moved there when done.
if [ -f "$out/u-boot.bin" ]; then
    echo "$out/u-boot.bin"
    exit 0
fi

# Fetch and unpack the source once for every clone, under the fetch lock.
dl="$CACHE_DIR/downloads/u-boot"
src="$CACHE_DIR/u-boot-src/u-boot-$version"
if [ ! -f "$src/.unpacked" ]; then
    cache_lock fetch
    if [ ! -f "$src/.unpacked" ]; then
        debian_apt_init
        mkdir -p "$dl"
        # "URI" NAME SIZE SHA256:HASH, for the .dsc (a 404) and the tarballs
        uris=$(apt-get "${APT_OPTS[@]}" -qq --print-uris source \
               "u-boot=$version" 2>/dev/null | grep "\.tar\.") ||
            { echo "build-uboot: u-boot $version is not in Debian's Sources index" >&2
              exit 1; }
        orig='' debian=''
        while read -r uri file _ sum; do
            uri=${uri//\'/}
            case $file in
            *.orig.tar.*.asc) continue ;;
            *.orig.tar.*) orig=$file ;;
            *.debian.tar.*) debian=$file ;;
            esac
            if [ ! -f "$dl/$file" ]; then
                echo "build-uboot: downloading $file" >&2
                curl -fsSL -o "$dl/$file.part" "$uri"
                mv "$dl/$file.part" "$dl/$file"
            fi
            case $sum in
            SHA256:*)
                echo "${sum#SHA256:}  $dl/$file" | sha256sum -c --quiet - >&2 ||
                    { rm -f "$dl/$file"; echo "build-uboot: $file: bad checksum" >&2
                      exit 1; } ;;
            esac
        done <<< "$uris"
        echo "build-uboot: unpacking u-boot $version" >&2
        rm -rf "$src" "$src.tmp"
        mkdir -p "$src.tmp"
        tar -xaf "$dl/$orig" -C "$src.tmp" --strip-components=1
        tar -xaf "$dl/$debian" -C "$src.tmp"
        # Debian's own patches, as dpkg-source would apply them
        while read -r p _; do
            case $p in ''|\#*) continue ;; esac
            patch -s -p1 -d "$src.tmp" < "$src.tmp/debian/patches/$p" >&2
        done < "$src.tmp/debian/patches/series"
        touch "$src.tmp/.unpacked"
        mv "$src.tmp" "$src"
    fi
    cache_unlock
fi

# One build at a time, of either variant, in the same directories
# (cross-build.sh): the second variant then costs little more than the
# files the fixes touch.
cache_lock u-boot-build
if [ -f "$out/u-boot.bin" ]; then      # another build made it meanwhile
    echo "$out/u-boot.bin"
    exit 0
fi

cross_build_tree "$src" "$CACHE_DIR/u-boot/build" build-uboot "${patches[@]}"
umake() {
    make -C "$src" O="$obj" ARCH=arm CROSS_COMPILE=aarch64-linux-gnu- \
        CC="$cross_cc" "$@"
}
echo "build-uboot: configuring u-boot $version ($variant)" >&2
cross_configure build-uboot umake apple_m1_defconfig "$frag"
echo "build-uboot: building u-boot $version (about 2-3 minutes on 2 cores)" >&2
umake -s -j"${UBOOT_JOBS:-2}" >&2
rm -rf "$out" "$out.tmp"
mkdir -p "$out.tmp"
cp "$obj/u-boot.bin" "$obj/u-boot" "$obj/.config" "$out.tmp/"
mv "$out.tmp" "$out"
echo "$out/u-boot.bin"
