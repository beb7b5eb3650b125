#!/usr/bin/env bash
# Build a guest kernel from Debian's unmodified linux-source package.
#
#   build-kernel.sh VERSION_GLOB [PAGE_KB [PATCH_DIR]]
#
# VERSION_GLOB picks the linux-source-X.Y package (e.g. 6.12); PAGE_KB is 16
# (default) or 4. The Image is cached under $CACHE_DIR/kernels, keyed by the
# package version, the page size and the config fragment, and its path is
# printed. Nothing is rebuilt when the cached Image exists.
#
# PATCH_DIR (or $KERNEL_PATCHES) points the build at a directory of patches
# to test your own series: its *.patch files (but 0000-cover-letter.patch)
# are applied in name order with "patch -p1" to a copy of the unpacked
# source, and its kernel.config, if any, is merged after guest/kernel.config.
# Both are part of the cache key. PATCH_DIR may name several directories
# separated by ':', applied (and their kernel.config merged) in that
# order. The project's one patched kernel is
# guest/linux/7.2:guest/linux/bugs (scripts/versions.sh: $PATCHED_KERNEL):
# its own series, then the re-introduced historical bugs.
#
# KERNEL_EXTRA_CONFIG=FILE appends FILE to the fragment (and to the key).
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
. "$top/scripts/versions.sh"
. "$top/scripts/debian-apt.sh"
. "$top/scripts/cache-lock.sh"
. "$top/scripts/cross-build.sh"

series=$1
page_kb=${2:-16}
patch_dir=${3:-${KERNEL_PATCHES:-}}
pkg="linux-source-$series"
frag="$top/guest/kernel.config"
extra=(${KERNEL_EXTRA_CONFIG:+"$KERNEL_EXTRA_CONFIG"})
patches=()
configs=()      # each directory's kernel.config, in order
if [ -n "$patch_dir" ]; then
    IFS=: read -r -a dirs <<< "$patch_dir"
    for d in "${dirs[@]}"; do
        [ -n "$d" ] || continue
        # relative to the current directory, else to the project's top
        [ -d "$d" ] || [ "${d#/}" != "$d" ] || d="$top/$d"
        d=$(cd "$d" && pwd) ||
            { echo "build-kernel: no directory $d" >&2; exit 1; }
        n=${#patches[@]}
        for p in "$d"/*.patch; do
            if [ -f "$p" ] && [ "${p##*/}" != 0000-cover-letter.patch ]; then
                patches+=("$p")
            fi
        done
        [ ${#patches[@]} -gt "$n" ] ||
            { echo "build-kernel: no patches in $d" >&2; exit 1; }
        [ ! -f "$d/kernel.config" ] || configs+=("$d/kernel.config")
    done
fi

debian_linux_source "$series"
version=$LINUX_SRC_VERSION

key=$( (cat "$frag" "${extra[@]}"; echo "page=$page_kb"
        if [ ${#patches[@]} -gt 0 ]; then
            cat "${patches[@]}"
        fi
        if [ ${#configs[@]} -gt 0 ]; then
            cat "${configs[@]}"
        fi) | sha256sum | cut -c1-12)
out="$CACHE_DIR/kernels/$pkg-$version-${page_kb}k-$key"
# An Image in the cache is whole: the directory is moved there when built.
if [ -f "$out/Image" ]; then
    echo "$out/Image"
    exit 0
fi

debian_linux_source_unpack

# One build of a series and page size at a time, in the same directories
# (cross-build.sh): the patched 7.2 costs a third of the CPU time of the
# unmodified one it follows.
mkdir -p "$CACHE_DIR/kernels"
cache_lock "kernel-build-$pkg-${page_kb}k"
if [ -f "$out/Image" ]; then      # another build made it meanwhile
    echo "$out/Image"
    exit 0
fi

cross_build_tree "$LINUX_SRC" "$CACHE_DIR/kernels/build-$pkg-${page_kb}k" \
    build-kernel "${patches[@]}"
kmake() {
    make -C "$src" O="$obj" ARCH=arm64 CROSS_COMPILE=aarch64-linux-gnu- \
        CC="$cross_cc" "$@"
}
kfrag="$obj/fragment.config"
cat "$frag" "${extra[@]}" > "$kfrag"
if [ ${#configs[@]} -gt 0 ]; then
    cat "${configs[@]}" >> "$kfrag"
fi
if [ "$page_kb" = 4 ]; then
    sed -i 's/^CONFIG_ARM64_16K_PAGES=y/CONFIG_ARM64_4K_PAGES=y/' "$kfrag"
fi
echo "build-kernel: configuring $pkg $version (${page_kb} KiB pages)" >&2
cross_configure build-kernel kmake allnoconfig "$kfrag"
echo "build-kernel: building $pkg $version Image (about 11 minutes on 2 cores, 22 CPU-minutes)" >&2
kmake -s -j"$(($(nproc) + 1))" Image >&2
rm -rf "$out" "$out.tmp"
mkdir -p "$out.tmp"
cp "$obj/arch/arm64/boot/Image" "$obj/.config" "$out.tmp/"
mv "$out.tmp" "$out"
echo "$out/Image"
