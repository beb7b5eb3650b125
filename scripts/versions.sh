# Pinned versions of what the build fetches. The one place to change them.
# shellcheck shell=bash
# shellcheck disable=SC2034 # what it sets is for those who source it

# QEMU: which series to build and test, QEMU_SERIES (environment or make
# variable). The default is Debian trixie's 10.0 LTS. "newest" is the
# newest series whose source Debian's mirror serves (make
# check-qemu-newest): sid's 10.2 (sid lists 11.1.x too, but the mirror
# has only its binary packages, not its source). Each series has its own
# tree, build and binary under QEMU_DIR (relative to the clone); the
# default's stay where they always were.
QEMU_NEWEST=10.2
QEMU_SERIES=${QEMU_SERIES:-10.0}
[ "$QEMU_SERIES" != newest ] || QEMU_SERIES=$QEMU_NEWEST
case $QEMU_SERIES in
10.0)
    QEMU_DEB_VERSION=${QEMU_DEB_VERSION:-1:10.0.13+ds-0+deb13u1}
    QEMU_SUITE=trixie
    QEMU_DIR=build
    ;;
10.2)
    QEMU_DEB_VERSION=${QEMU_DEB_VERSION:-1:10.2.2+ds-1}
    QEMU_SUITE=sid
    QEMU_DIR=build/qemu-10.2
    ;;
*)
    echo "unknown QEMU_SERIES '$QEMU_SERIES' (10.0, 10.2 or newest)" >&2
    exit 2
    ;;
esac
MESON_MIN=1.5

# U-Boot (scripts/build-uboot.sh): Debian trixie's u-boot source package.
# Its .dsc is not served; the orig and Debian tarballs are.
UBOOT_DEB_VERSION=${UBOOT_DEB_VERSION:-2025.01-3+deb13u1}

# Where downloads, unpacked sources, built kernels and ccache live: outside
# the clone, so that a second clone (or CI run) reuses them.
CACHE_DIR=${APPLE_DART_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/apple-dart}

# dt-schema (scripts/dt-schema.sh): Debian sid's dt-schema, its newer
# Python dependencies from trixie, and the bindings of this Linux series.
DT_BINDINGS_LINUX=${DT_BINDINGS_LINUX:-7.2}

# The patches to QEMU's own files (patches/qemu/NAME.patch), in order;
# where a series moved the context of one, patches/qemu/SERIES/NAME.patch
# replaces it for that series.
qemu_patch_file() {
    local dir
    dir=$(cd "$(dirname "${BASH_SOURCE[0]}")/../patches/qemu" && pwd)
    if [ -f "$dir/$QEMU_SERIES/$1" ]; then
        echo "$dir/$QEMU_SERIES/$1"
    else
        echo "$dir/$1"
    fi
}
qemu_patches() {
    local p
    for p in "$(dirname "${BASH_SOURCE[0]}")"/../patches/qemu/*.patch; do
        qemu_patch_file "${p##*/}"
    done
}

# The project's one patched test kernel: Debian's linux-source-7.2 with
# our own series, then the re-introduced historical driver bugs
# (apple_dart.bug=NAME), as scripts/build-kernel.sh's PATCH_DIR, relative
# to the project's top.
PATCHED_KERNEL_SERIES=7.2
PATCHED_KERNEL_PATCHES=guest/linux/7.2:guest/linux/bugs

# The directories of ours that sit at QEMU's paths: prepare-qemu.sh links
# their files into QEMU's tree, make-patches.sh makes the series of them.
# tests/ holds the project's own suites too (tests/check.sh, tests/linux,
# ...), which are not QEMU's: only tests/qtest is overlaid.
OVERLAY_DIRS=(hw include tests/qtest docs configs)
