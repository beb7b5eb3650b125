#!/usr/bin/env bash
# Fetch Debian trixie's QEMU source package and unpack it, with Debian's
# patches applied, into the cache. Prints the unpacked tree's path.
# Nothing is downloaded when the pinned version is already unpacked.
#
# The tree is read-only: every clone builds from it, so it must stay as
# Debian shipped it. scripts/prepare-qemu.sh copies it to change it.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
. "$here/versions.sh"
. "$here/debian-apt.sh"
. "$here/cache-lock.sh"

# rm -rf, also of a read-only tree
rm_tree() {
    if [ -e "$1" ]; then
        chmod -R u+w "$1"
        rm -rf "$1"
    fi
}

# Select Debian version $1: sets version, upstream and dest; exits early
# (printing the tree) when that version is already unpacked.
use_version() {
    version=$1
    upstream=${version#*:}
    upstream=${upstream%-*}
    dest="$CACHE_DIR/qemu-src/$upstream"
    if [ -f "$dest/.unpacked" ]; then
        # unpacked by an older script that left it writable
        if [ -n "$(find "$dest" -maxdepth 0 -perm -u=w)" ]; then
            chmod -R a-w "$dest"
        fi
        echo "$dest"
        exit 0
    fi
}

use_version "$QEMU_DEB_VERSION"
cache_lock fetch
use_version "$QEMU_DEB_VERSION"         # another build unpacked it meanwhile
debian_apt_init
# (grep without -q: reading all of it spares apt-cache a SIGPIPE, which
# pipefail would take for "not found")
if ! apt-cache "${APT_OPTS[@]}" showsrc qemu 2>/dev/null |
        grep -x "Version: $version" >/dev/null; then
    # Stable point releases replace the pinned version on the mirror; take
    # the newest of the same series rather than failing.
    series=$(echo "$upstream" | cut -d. -f1-2)
    newer=$(debian_src_version qemu "$QEMU_SUITE" "1:$series.*")
    [ -n "$newer" ] || { echo "fetch-qemu: no qemu $series.x source in Debian" >&2; exit 1; }
    echo "fetch-qemu: qemu $version is no longer on the mirror; using $newer" >&2
    use_version "$newer"
fi

dl="$CACHE_DIR/downloads/qemu-$upstream"
mkdir -p "$dl"
(cd "$dl" && apt-get "${APT_OPTS[@]}" -qq source --download-only "qemu=$version" >&2)
rm_tree "$dest.tmp"
mkdir -p "$(dirname "$dest")"
dpkg-source --no-check -x "$dl"/qemu_*.dsc "$dest.tmp" >&2
touch "$dest.tmp/.unpacked"
chmod -R a-w "$dest.tmp"
rm_tree "$dest"
mv "$dest.tmp" "$dest"
rm -f "$(dirname "$dest")"/*.orig.tar.*
echo "$dest"
