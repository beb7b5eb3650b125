# Private apt configuration for fetching from Debian suites other than the
# host's (trixie for QEMU and linux-source, sid for the newest kernel, arm64
# for the guest's busybox), without touching the system's sources. Source
# versions.sh and cache-lock.sh first.
# shellcheck shell=bash

# Callers hold cache_lock fetch (cache-lock.sh): the lists and downloads
# are shared by every clone.
debian_apt_init() {
    APT_DIR="$CACHE_DIR/apt"
    mkdir -p "$APT_DIR/lists/partial" "$APT_DIR/cache/archives/partial"
    cat > "$APT_DIR/sources.list" <<EOS
deb-src http://deb.debian.org/debian trixie main
deb-src http://deb.debian.org/debian sid main
deb [arch=amd64,arm64] http://deb.debian.org/debian trixie main
deb [arch=amd64,arm64] http://deb.debian.org/debian sid main
EOS
    APT_OPTS=(-o "Dir::Etc::SourceList=$APT_DIR/sources.list"
              -o "Dir::Etc::SourceParts=/dev/null"
              -o "Dir::State::Lists=$APT_DIR/lists"
              -o "Dir::Cache=$APT_DIR/cache"
              -o "Dir::State::Status=$APT_DIR/status"
              -o "APT::Architecture=amd64"
              -o "APT::Architectures::=amd64"
              -o "APT::Architectures::=arm64"
              -o "APT::Sandbox::User=root"
              -o "Debug::NoLocking=1")
    touch "$APT_DIR/status"
    # Refresh the lists at most once a day.
    if [ -z "$(find "$APT_DIR/lists" -maxdepth 1 -name '*Sources*' -mtime -1 2>/dev/null)" ]; then
        apt-get "${APT_OPTS[@]}" -qq update >&2
    fi
}

# debian_deb PKG DIR GLOB: the newest DIR/GLOB (a .deb, e.g.
# busybox-static_*_arm64.deb), after downloading binary package PKG
# (busybox-static:arm64) into DIR if there is none. Prints its path. A
# .deb is moved into DIR once whole, so finding one needs no lock.
debian_deb() {
    local tmp
    # shellcheck disable=SC2086 # GLOB is one
    if [ -z "$(ls "$2"/$3 2>/dev/null)" ]; then
        cache_lock fetch
        if [ -z "$(ls "$2"/$3 2>/dev/null)" ]; then
            debian_apt_init
            mkdir -p "$2"
            tmp=$(mktemp -d "$2/.download.XXXXXX")
            # (no errexit here when called in a command substitution)
            if ! { (cd "$tmp" && apt-get "${APT_OPTS[@]}" -qq download "$1" >&2) &&
                   mv "$tmp"/*.deb "$2/"; }; then
                rm -rf "$tmp"
                return 1
            fi
            rmdir "$tmp"
        fi
        cache_unlock
    fi
    # shellcheck disable=SC2012,SC2086 # names without odd characters; GLOB
    ls "$2"/$3 | sort -V | tail -n 1
}

# Newest version of source package $1 in suite $2 matching glob $3.
# shellcheck disable=SC2254 # $3 is a glob
debian_src_version() {
    apt-cache "${APT_OPTS[@]}" showsrc "$1" 2>/dev/null |
        awk -v want="$3" '/^Version:/ { print $2 }' |
        while read -r v; do case "$v" in $3) echo "$v";; esac; done |
        sort -V -r | head -n 1
}

# debian_linux_source SERIES: Debian's linux-source-SERIES (e.g. 7.2),
# downloaded if need be. Sets LINUX_SRC_DEB, LINUX_SRC_VERSION (the
# package's) and LINUX_SRC, where debian_linux_source_unpack puts its tree.
debian_linux_source() {
    local pkg="linux-source-$1"
    LINUX_SRC_DEB=$(debian_deb "$pkg" "$CACHE_DIR/downloads/linux" "${pkg}_*_all.deb") ||
        return 1
    LINUX_SRC_VERSION=$(dpkg-deb -f "$LINUX_SRC_DEB" Version)
    LINUX_SRC="$CACHE_DIR/linux-src/$pkg-$LINUX_SRC_VERSION"
}

# debian_linux_source_unpack: unpack the tree debian_linux_source found,
# once for every clone (callers hold no lock).
debian_linux_source_unpack() {
    local src=$LINUX_SRC pkg
    pkg=$(dpkg-deb -f "$LINUX_SRC_DEB" Package)
    [ -f "$src/.unpacked" ] && return 0
    cache_lock fetch
    if [ ! -f "$src/.unpacked" ]; then
        echo "$(basename "$0"): unpacking $pkg $LINUX_SRC_VERSION" >&2
        rm -rf "$src" "$src.tmp" "$src.deb"
        mkdir -p "$src.deb" "$src.tmp"
        dpkg-deb -x "$LINUX_SRC_DEB" "$src.deb"
        tar -xaf "$src.deb/usr/src/$pkg".tar.* -C "$src.tmp" --strip-components=1
        rm -rf "$src.deb"
        touch "$src.tmp/.unpacked"
        mv "$src.tmp" "$src"
    fi
    cache_unlock
}
