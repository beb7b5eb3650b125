#!/usr/bin/env bash
# Validate devicetrees with dt-schema against the Linux kernel's bindings
# and the project's own (docs/devicetree/bindings).
#
#   dt-schema.sh validate DTB...  dt-validate every DTB (one run), printing
#                                 its report; exits 1 if it reported anything
#   dt-schema.sh doc              dt-doc-validate the project's bindings
#                                 against dt-schema's meta-schemas
#   dt-schema.sh example YAML DTB compile the examples of binding YAML into
#                                 DTB (dtc warnings are errors), to validate
#   dt-schema.sh schema           print the processed schema's path
#   dt-schema.sh version          print the dt-schema version
#
# dt-schema is Debian sid's, and jsonschema (>= 4.18), referencing and
# jsonschema-specifications are trixie's: their .debs are unpacked into
# the cache, not installed. The rest comes from Debian 12 (setup-host.sh),
# but for rpds, whose Debian build is for newer Pythons: scripts/pylib has
# a pure-Python stand-in. The bindings are those of Debian's
# linux-source-$DT_BINDINGS_LINUX (the tree build-kernel.sh unpacks); the
# processed schema (all bindings, about a minute to make) is cached, keyed
# by kernel, dt-schema and the project's bindings.
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
. "$top/scripts/versions.sh"
. "$top/scripts/debian-apt.sh"
. "$top/scripts/cache-lock.sh"

ours="$top/docs/devicetree/bindings"
py=/usr/bin/python3                 # Debian's: not a pyenv or venv one
me=$(basename "$0")

usage() {
    echo "usage: $me validate DTB... | doc | example YAML DTB | schema | version" >&2
    exit 2
}

# The unpacked tools: sets PYTHONPATH and DT_SCHEMA_VERSION.
dt_tools() {
    local dl="$CACHE_DIR/downloads/dt-schema" debs=() p key tools tmp
    debs+=("$(debian_deb dt-schema "$dl" 'dt-schema_*_all.deb')")
    for p in python3-jsonschema python3-referencing \
             python3-jsonschema-specifications; do
        debs+=("$(debian_deb "$p/trixie" "$dl" "${p}_*_all.deb")")
    done
    for p in "${debs[@]}"; do
        [ -n "$p" ] || { echo "$me: could not download dt-schema's packages" >&2; exit 1; }
    done
    DT_SCHEMA_VERSION=$(dpkg-deb -f "${debs[0]}" Version)
    key=$(printf '%s\n' "${debs[@]##*/}" | sha256sum | cut -c1-12)
    tools="$CACHE_DIR/dt-schema/tools-$DT_SCHEMA_VERSION-$key"
    if [ ! -f "$tools/.unpacked" ]; then
        cache_lock fetch
        if [ ! -f "$tools/.unpacked" ]; then
            tmp="$tools.tmp"
            rm -rf "$tmp"
            mkdir -p "$tmp"
            for p in "${debs[@]}"; do
                dpkg-deb -x "$p" "$tmp"
            done
            touch "$tmp/.unpacked"
            rm -rf "$tools"
            mv "$tmp" "$tools"
        fi
        cache_unlock
    fi
    export PYTHONPATH="$top/scripts/pylib:$tools/usr/lib/python3/dist-packages"
    DT_TOOLS=$tools
}

# run TOOL ARGS...: one of dt-schema's commands
run() {
    local tool=$1; shift
    "$py" "$DT_TOOLS/usr/bin/$tool" "$@"
}

# silent_ok COMMAND...: run it, print what it said; true if it succeeded
# without a word (dt-validate and dtc warn and still exit 0)
silent_ok() {
    local out rc=0
    out=$("$@" 2>&1) || rc=$?
    [ -z "$out" ] || printf '%s\n' "$out"
    [ "$rc" -eq 0 ] && [ -z "$out" ]
}

# The kernel's bindings: sets BINDINGS.
dt_bindings() {
    debian_linux_source "$DT_BINDINGS_LINUX" ||
        { echo "$me: could not download linux-source-$DT_BINDINGS_LINUX" >&2; exit 1; }
    debian_linux_source_unpack
    BINDINGS="$LINUX_SRC/Documentation/devicetree/bindings"
}

# The processed schema of every binding, kernel's and ours: sets SCHEMA.
dt_schema() {
    local key tmp
    dt_bindings
    key=$( (cd "$ours" && find . -name '*.yaml' | LC_ALL=C sort |
            xargs sha256sum) | sha256sum | cut -c1-12)
    SCHEMA="$CACHE_DIR/dt-schema/processed-linux-$LINUX_SRC_VERSION-dtschema-$DT_SCHEMA_VERSION-$key.json"
    if [ -f "$SCHEMA" ]; then
        touch "$SCHEMA"             # in use: see the clean-up below
        return 0
    fi
    cache_lock "dt-schema"
    # those of other bindings (27 MB each) that nobody used for a week
    find "$CACHE_DIR/dt-schema" -maxdepth 1 -name 'processed-*.json' \
        -mtime +7 -delete 2>/dev/null || true
    if [ ! -f "$SCHEMA" ]; then
        echo "$me: processing the bindings of Linux $LINUX_SRC_VERSION (about a minute)" >&2
        tmp=$(mktemp "$SCHEMA.XXXXXX")
        find "$BINDINGS" "$ours" -name '*.yaml' ! -name 'processed-schema*' \
            > "$tmp.list"
        if ! run dt-mk-schema -j "@$tmp.list" > "$tmp"; then
            rm -f "$tmp" "$tmp.list"
            echo "$me: dt-mk-schema failed" >&2
            exit 1
        fi
        rm -f "$tmp.list"
        mv "$tmp" "$SCHEMA"
    fi
    cache_unlock
}

[ $# -gt 0 ] || usage
cmd=$1; shift
case $cmd in
validate)
    [ $# -gt 0 ] || usage
    dt_tools
    dt_schema
    # -m: a compatible no binding knows is an error too
    silent_ok run dt-validate -m -s "$SCHEMA" "$@"
    ;;
doc)
    dt_tools
    dt_bindings
    silent_ok run dt-doc-validate -u "$BINDINGS" "$ours"
    ;;
example)
    [ $# -eq 2 ] || usage
    dt_tools
    run dt-extract-example "$1" > "$2.dts"
    # dtc's warnings, but for the two the example's wrapper always
    # triggers (the kernel's dt_binding_check leaves them out too)
    silent_ok dtc -I dts -O dtb -Wno-interrupt_provider \
        -Wno-avoid_unnecessary_addr_size -o "$2" "$2.dts"
    ;;
schema)
    dt_tools
    dt_schema
    echo "$SCHEMA"
    ;;
version)
    dt_tools
    run dt-validate --version
    ;;
*)
    usage
    ;;
esac
