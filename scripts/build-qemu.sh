#!/usr/bin/env bash
# Prepare the QEMU tree, configure it once, and build qemu-system-aarch64
# and our qtests. Incremental: a second run rebuilds only what changed.
#
# QEMU_SERIES (scripts/versions.sh) picks the QEMU: the default, 10.0,
# builds in build/qemu-src and build/qemu-build; another series in its own
# directory, e.g. build/qemu-10.2/{qemu-src,qemu-build}. Either way
# $QEMU_DIR/qemu-system-aarch64 is the binary.
#
# QEMU_SRC=/path/to/qemu builds against a user's own QEMU checkout (our
# files are linked into it and our patches applied to it, in place).
#
#   build-qemu.sh bench    a second configuration of the same tree, with
#                          QEMU's virt machine too, in build/qemu-bench
#                          (qemu-system-aarch64 only; for make bench)
#   build-qemu.sh san      a third one, with AddressSanitizer and
#                          UndefinedBehaviorSanitizer, in build/qemu-san
#                          (QEMU and our qtests; for make check-sanitizers)
#   build-qemu.sh fuzz     a libFuzzer configuration of the same tree, built
#                          with clang, ASan and source-based coverage, in
#                          build/qemu-fuzz (qemu-fuzz-aarch64; for make fuzz)
set -euo pipefail

# ccache keys objects on the locale too: build in the same one whoever
# calls us (a shell or a bare CI environment), so that builds share it.
unset LANG LANGUAGE LC_ALL LC_CTYPE LC_MESSAGES

top=$(cd "$(dirname "$0")/.." && pwd)
. "$top/scripts/versions.sh"
build="$top/$QEMU_DIR"
mkdir -p "$build"

export CCACHE_DIR="$CACHE_DIR/ccache"
export CCACHE_BASEDIR="$top"
export CCACHE_NOHASHDIR=1
export CCACHE_MAXSIZE=${CCACHE_MAXSIZE:-5G}
# QEMU's configure names the compiler itself, so meson would not add
# ccache on its own: put Debian's ccache wrappers first instead.
if [ -d /usr/lib/ccache ]; then
    export PATH="/usr/lib/ccache:$PATH"
fi

if [ -n "${QEMU_SRC:-}" ]; then
    tree=$(cd "$QEMU_SRC" && pwd)
    "$top/scripts/prepare-qemu.sh" "$tree"
else
    pristine=$("$top/scripts/fetch-qemu.sh")
    tree="$build/qemu-src"
    "$top/scripts/prepare-qemu.sh" "$tree" "$pristine"
fi

config=${1:-}
obj="$build/qemu-build"
devices=apple-virt
sanitizers=()
case $config in
'') ;;
bench)
    obj="$build/qemu-bench"
    devices=apple-virt-bench ;;
san)
    obj="$build/qemu-san"
    sanitizers=(--enable-asan --enable-ubsan) ;;
fuzz)
    obj="$build/qemu-fuzz" ;;
*)
    echo "build-qemu.sh: unknown configuration '$config' (bench, san, fuzz)" >&2
    exit 2 ;;
esac
configure_args=(
    --python=/usr/bin/python3
    --target-list=aarch64-softmmu
    --without-default-features --without-default-devices
    "--with-devices-aarch64=$devices"
    --enable-fdt=system --enable-slirp --enable-pixman --enable-vnc
    --disable-docs --disable-tools --disable-install-blobs --enable-werror
    --enable-trace-backends=log "${sanitizers[@]}"
)
if [ "$config" = fuzz ]; then
    # QEMU's generic-fuzz target (tests/qtest/fuzz) under libFuzzer, with
    # ASan, and clang's coverage mapping for make fuzz's line figures.
    # Counter relocation lets a replay keep its counts in the profile
    # file as it runs (LLVM_PROFILE_FILE's %c), so that an input that
    # aborts loses nothing of what the inputs before it covered.
    # No -Werror: clang warns about QEMU code that gcc is quiet on.
    configure_args=(
        --python=/usr/bin/python3
        --target-list=aarch64-softmmu
        --without-default-features --without-default-devices
        "--with-devices-aarch64=$devices"
        --enable-fdt=system --enable-pixman
        --disable-docs --disable-tools --disable-install-blobs
        --enable-trace-backends=log
        --cc=clang --cxx=clang++ --enable-fuzzing --enable-asan
        "--extra-cflags=-fprofile-instr-generate -fcoverage-mapping -mllvm -runtime-counter-relocation"
        --extra-ldflags=-fprofile-instr-generate
    )
fi
# Configure again (from scratch) only when the tree or the options change.
config_id="$tree ${configure_args[*]}"
if [ ! -f "$obj/build.ninja" ] || [ "$(cat "$obj/.apple-dart-config" 2>/dev/null)" != "$config_id" ]; then
    rm -rf "$obj"
    mkdir -p "$obj"
    (cd "$obj" && "$tree/configure" "${configure_args[@]}" \
        > "$obj/configure.log" 2>&1) ||
        { tail -n 30 "$obj/configure.log" >&2; exit 1; }
    echo "$config_id" > "$obj/.apple-dart-config"
fi

case $config in
bench)
    ninja -C "$obj" qemu-system-aarch64
    exit 0
    ;;
fuzz)
    ninja -C "$obj" -j "${FUZZ_BUILD_JOBS:-2}" qemu-fuzz-aarch64
    exit 0
    ;;
esac

# Our qtests: one per tests/qtest/apple-dart*-test.c. (Meson has no glob:
# our patch to tests/qtest/meson.build names each, or ninja knows no target.)
qtests=()
for t in "$top"/tests/qtest/apple-dart*-test.c; do
    qtests+=("tests/qtest/$(basename "$t" .c)")
done
ninja -C "$obj" qemu-system-aarch64 "${qtests[@]}"
if [ "$config" = san ]; then
    exit 0
fi
ln -sfn qemu-build/qemu-system-aarch64 "$build/qemu-system-aarch64"
