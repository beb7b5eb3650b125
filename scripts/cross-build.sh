# What build-kernel.sh and build-uboot.sh share: both cross-compile a
# Kbuild tree (Linux's, U-Boot's) from a cached pristine source, patched,
# configured from a defconfig and a fragment of ours, with ccache.
#
# Each build of a kind runs in the same two directories, under a lock the
# caller holds: the compiler then sees the same paths whatever the
# patches, and ccache (in preprocessor mode once the config header
# differs) finds every object that a patch or an option did not change.
# shellcheck shell=bash

# cross_build_tree PRISTINE BUILD_DIR TAG [PATCH...]: set $src to a tree of
# hard links to PRISTINE with the patches applied, $obj to an empty
# object directory, and $cross_cc to the compiler (ccache'd when there).
# patch replaces the files it changes (a new file each, the link
# broken), and the build writes only under $obj, so PRISTINE is never
# touched. A copy would cost minutes to delete on a disk that discards
# what is freed: the last build's objects are deleted in the background.
# TAG prefixes the progress lines.
cross_build_tree() {
    local pristine=$1 dir=$2 tag=$3 d p
    shift 3
    src="$dir/src"
    obj="$dir/obj"
    mkdir -p "$dir"
    rm -rf "$src"
    [ ! -d "$obj" ] || mv "$obj" "$dir/obj.old.$$"
    for d in "$dir"/obj.old.*; do
        # (not on our output: whoever reads the result's path would wait)
        [ ! -d "$d" ] || (rm -rf "$d" > /dev/null 2>&1 &)
    done
    cp -al "$pristine" "$src"
    find "$src" -type d -exec chmod u+w {} +
    for p in "$@"; do
        echo "$tag: applying ${p##*/}" >&2
        patch -s -p1 -d "$src" < "$p" >&2
    done
    mkdir -p "$obj"
    cross_cc=aarch64-linux-gnu-gcc
    if command -v ccache >/dev/null; then
        cross_cc="ccache $cross_cc"
        # ccache keys objects on the locale too: the same one for every
        # caller (a shell or a bare CI environment)
        unset LANG LANGUAGE LC_ALL LC_CTYPE LC_MESSAGES
        export CCACHE_DIR="$CACHE_DIR/ccache" CCACHE_NOHASHDIR=1
        export CCACHE_BASEDIR="$dir"
    fi
}

# cross_configure TAG MAKE_FUNCTION BASE_TARGET FRAGMENT: make BASE_TARGET
# (allnoconfig, a defconfig), merge FRAGMENT over it, olddefconfig, and
# fail if an option FRAGMENT sets did not survive (a dependency missing).
cross_configure() {
    local tag=$1 mk=$2 base=$3 frag=$4 missing
    "$mk" -s "$base" >&2
    (cd "$obj" && "$src/scripts/kconfig/merge_config.sh" -m -O "$obj" \
        .config "$frag" > /dev/null)
    "$mk" -s olddefconfig >&2
    missing=$(grep -E '^CONFIG_[A-Za-z0-9_]+=' "$frag" | while read -r opt; do
        grep -qxF "$opt" "$obj/.config" || echo "$opt"
    done)
    if [ -n "$missing" ]; then
        echo "$tag: options lost in the merge: $(echo "$missing" | tr '\n' ' ')" >&2
        return 1
    fi
}
