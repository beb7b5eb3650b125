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

# ccache keys objects on the locale too (see build-kernel.sh)
unset LANG LANGUAGE LC_ALL LC_CTYPE LC_MESSAGES

top=$(cd "$(dirname "$0")/.." && pwd)
. "$top/scripts/versions.sh"
. "$top/scripts/debian-apt.sh"
. "$top/scripts/cache-lock.sh"

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

# One build of a variant at a time, always in the same directories, so
# that ccache's paths (relative to CCACHE_BASEDIR) repeat from one build
# to the next, whatever the patches.
cache_lock "u-boot-build-$variant"
if [ -f "$out/u-boot.bin" ]; then      # another build made it meanwhile
    echo "$out/u-boot.bin"
    exit 0
fi

# never patch the cached pristine source: a copy of it
psrc="$CACHE_DIR/u-boot/build-$variant/src"
obj="$CACHE_DIR/u-boot/build-$variant/obj"
rm -rf "$psrc" "$obj"
mkdir -p "${psrc%/*}"
cp -a "$src" "$psrc"
for p in "${patches[@]}"; do
    echo "build-uboot: applying ${p#"$top"/}" >&2
    patch -s -p1 -d "$psrc" < "$p" >&2
done

mkdir -p "$obj"
cc=aarch64-linux-gnu-gcc
if command -v ccache >/dev/null; then
    cc="ccache $cc"
    export CCACHE_DIR="$CACHE_DIR/ccache" CCACHE_NOHASHDIR=1
    export CCACHE_BASEDIR="$CACHE_DIR/u-boot"
fi
umake() {
    make -C "$psrc" O="$obj" ARCH=arm CROSS_COMPILE=aarch64-linux-gnu- \
        CC="$cc" "$@"
}
echo "build-uboot: configuring u-boot $version ($variant)" >&2
umake -s apple_m1_defconfig >&2
(cd "$obj" && "$psrc/scripts/kconfig/merge_config.sh" -m -O "$obj" .config "$frag" >/dev/null)
umake -s olddefconfig >&2
missing=$(grep -E '^CONFIG_[A-Z0-9_]+=' "$frag" | while read -r opt; do
    grep -qx "$opt" "$obj/.config" || echo "$opt"
done)
if [ -n "$missing" ]; then
    echo "build-uboot: options lost in the merge: $(echo "$missing" | tr '\n' ' ')" >&2
    exit 1
fi
echo "build-uboot: building u-boot $version (about 2-3 minutes on 2 cores)" >&2
umake -s -j"${UBOOT_JOBS:-2}" >&2
rm -rf "$out" "$out.tmp"
mkdir -p "$out.tmp"
cp "$obj/u-boot.bin" "$obj/u-boot" "$obj/.config" "$out.tmp/"
mv "$out.tmp" "$out"
rm -rf "$obj" "$psrc"
echo "$out/u-boot.bin"
