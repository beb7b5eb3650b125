# Private apt configuration for fetching from Debian suites other than the
# host's (trixie for QEMU and linux-source, sid for the newest kernel, arm64
# for the guest's busybox), without touching the system's sources.
# shellcheck shell=bash

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

# Newest version of source package $1 in suite $2 matching glob $3.
debian_src_version() {
    apt-cache "${APT_OPTS[@]}" showsrc "$1" 2>/dev/null |
        awk -v want="$3" '/^Version:/ { print $2 }' |
        while read -r v; do case "$v" in $3) echo "$v";; esac; done |
        sort -V -r | head -n 1
}
