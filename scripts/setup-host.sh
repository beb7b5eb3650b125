#!/usr/bin/env bash
# Install what building and testing this project needs, from Debian only.
# Idempotent: packages already present are not reinstalled, and nothing is
# done when every tool is already there. Must run as root on Debian 12.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
. "$here/versions.sh"

need_pkgs=(
    build-essential git ninja-build pkg-config python3-venv flex bison bzip2
    xz-utils ccache dpkg-dev libglib2.0-dev libpixman-1-dev libfdt-dev
    libslirp-dev device-tree-compiler cpio
    gcc-aarch64-linux-gnu libc6-dev-arm64-cross bc libssl-dev libelf-dev
    python3-sphinx python3-sphinx-rtd-theme
    # dt-schema's dependencies that Debian 12 has new enough
    # (scripts/dt-schema.sh unpacks the rest)
    python3-ruamel.yaml python3-rfc3987 python3-libfdt python3-attr
    python3-typing-extensions
    # U-Boot (scripts/build-uboot.sh): its download, and the host tools
    # its build makes (mkeficapsule needs GnuTLS and libuuid)
    curl libgnutls28-dev uuid-dev
    # the U-Boot tests' ext4 disk (mkfs.ext4 -d)
    e2fsprogs
)
case "${1:-}" in
bench)
    need_pkgs+=(python3-matplotlib)
    ;;
fuzz)
    # make fuzz: clang with libFuzzer and ASan (libclang-rt), llvm-cov,
    # llvm-profdata and llvm-symbolizer
    need_pkgs+=(clang llvm libclang-rt-14-dev)
    ;;
esac

missing=()
for p in "${need_pkgs[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'ok installed' ||
        missing+=("$p")
done

meson_ok() {
    local v
    v=$(/usr/bin/meson --version 2>/dev/null) || return 1
    dpkg --compare-versions "$v" ge "$MESON_MIN"
}

if [ ${#missing[@]} -eq 0 ] && meson_ok; then
    exit 0
fi

if [ "$(id -u)" != 0 ]; then
    echo "setup-host: missing packages (${missing[*]:-meson >= $MESON_MIN});" \
         "run 'make setup' as root" >&2
    exit 1
fi

export DEBIAN_FRONTEND=noninteractive
codename=$(. /etc/os-release && echo "${VERSION_CODENAME:-}")
if ! meson_ok && [ "$codename" = bookworm ]; then
    # QEMU 10.0 needs meson >= 1.5; Debian 12 has it in backports only.
    src=/etc/apt/sources.list.d/bookworm-backports.sources
    if ! grep -rqs 'bookworm-backports' /etc/apt/sources.list /etc/apt/sources.list.d/; then
        cat > "$src" <<EOS
Types: deb
URIs: http://deb.debian.org/debian
Suites: bookworm-backports
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
EOS
    fi
fi

apt-get update -qq
if [ ${#missing[@]} -gt 0 ]; then
    apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi
if ! meson_ok; then
    if [ "$codename" = bookworm ]; then
        apt-get install -y -qq --no-install-recommends -t bookworm-backports meson
    else
        apt-get install -y -qq --no-install-recommends meson
    fi
fi
meson_ok || { echo "setup-host: could not get meson >= $MESON_MIN" >&2; exit 1; }
