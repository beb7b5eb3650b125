# Pinned versions of what the build fetches. The one place to change them.
# shellcheck shell=bash
# shellcheck disable=SC2034 # what it sets is for those who source it

# QEMU: Debian trixie's qemu source package (10.0 LTS series).
QEMU_DEB_VERSION=${QEMU_DEB_VERSION:-1:10.0.13+ds-0+deb13u1}
QEMU_SUITE=${QEMU_SUITE:-trixie}
MESON_MIN=1.5

# Where downloads, unpacked sources, built kernels and ccache live: outside
# the clone, so that a second clone (or CI run) reuses them.
CACHE_DIR=${APPLE_DART_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/apple-dart}

# dt-schema (scripts/dt-schema.sh): Debian sid's dt-schema, its newer
# Python dependencies from trixie, and the bindings of this Linux series.
DT_BINDINGS_LINUX=${DT_BINDINGS_LINUX:-7.2}
