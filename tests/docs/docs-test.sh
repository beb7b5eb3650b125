#!/usr/bin/env bash
# Build our docs pages with Sphinx, warnings as errors, as TAP.
#
#   docs-test.sh           our pages, with QEMU's docs/conf.py and Sphinx
#                          extensions (build/docs-test); a second run with
#                          the same inputs repeats the first one's results
#   docs-test.sh full      QEMU's whole manual from the tree TREE (default
#                          build/patches-test/qemu-src, the series applied;
#                          make check-patches)
#
# Our pages are docs/specs/apple-dart.rst and docs/system/arm/apple-virt.rst
# (docs/*.rst of this repository). The default build is of a reduced
# source tree: QEMU's conf.py, extensions, templates and defs.rst.inc,
# our pages at their paths and an index.rst that lists them, so that it
# takes seconds (the whole manual takes 2 CPU minutes), and so that a
# warning from one of QEMU's own pages under another Sphinx could not
# fail us (Debian 12's Sphinx 5.3 builds QEMU 10.0's manual without one).
# The toctree entries of QEMU's indexes (patches/qemu/0004) are checked
# to name our pages.
set -uo pipefail

top=$(cd "$(dirname "$0")/../.." && pwd)
. "$top/scripts/versions.sh"
mapfile -t qemu_patch_files < <(qemu_patches)
. "$top/tests/lib/tap.sh"
name=docs
mode=${1:-}
case "$mode" in
    ""|full) ;;
    *) echo "docs-test: unknown argument '$mode' (expected nothing or 'full')" >&2; exit 2 ;;
esac
work="$top/build/docs-test"
mkdir -p "$work"
log="$work/log"

command -v sphinx-build >/dev/null ||
    { echo "docs-test: sphinx-build is missing (make setup installs python3-sphinx)" >&2; exit 1; }

if [ "$mode" = full ]; then
    tree=${TREE:-$top/build/patches-test/qemu-src}
    [ -f "$tree/docs/conf.py" ] ||
        { echo "docs-test: no QEMU tree at $tree (run tests/series/patches-test.sh first)" >&2; exit 1; }
    start=$SECONDS
    rm -rf "$work/full"
    # as QEMU's docs/meson.build runs it with --enable-werror
    (cd "$tree" && CONFDIR=/etc/qemu nice -n 10 sphinx-build -q -W -Dkerneldoc_werror=1 -j 2 \
        -b html -d "$work/full/doctrees" docs "$work/full/html") > "$log" 2>&1
    rc=$?
    sed 's/^/# /' "$log"
    result $rc "QEMU's manual, with the series applied, builds with warnings as errors ($((SECONDS - start)) s)"
    for page in specs/apple-dart system/arm/apple-virt; do
        check "the manual has $page.html" test -s "$work/full/html/$page.html"
    done
    tap_status
    exit
fi

pristine=$("$top/scripts/fetch-qemu.sh") || exit 1
mapfile -t pages < <(cd "$top" && find docs -name '*.rst' | LC_ALL=C sort)

inputs=$(cd "$top" && {
    echo "$pristine $(sphinx-build --version)"
    sha256sum "${pages[@]}" tests/docs/docs-test.sh "${qemu_patch_files[@]}"
    find docs -type f ! -name '*.rst' | LC_ALL=C sort | xargs -r sha256sum
} | sha256sum | cut -c1-16)
stamp="$work/stamp"
if [ -f "$stamp" ] && [ "$(head -n1 "$stamp")" = "$inputs" ] &&
   grep -q '^ok' "$stamp" && ! grep -q '^not ok' "$stamp"; then
    echo "# inputs unchanged since the run of $(date -r "$stamp" -u '+%F %T UTC'): its results"
    tail -n +2 "$stamp"
    exit 0
fi

# make_src DIR: the reduced source tree in DIR/docs
make_src() {
    local src=$1/docs p
    rm -rf "$1"
    mkdir -p "$src"
    for p in conf.py sphinx _templates sphinx-static defs.rst.inc; do
        ln -s "$pristine/docs/$p" "$src/$p"
    done
    # conf.py reads ../VERSION, the extensions import ../scripts
    ln -s "$pristine/VERSION" "$1/VERSION"
    ln -s "$pristine/scripts" "$1/scripts"
    ln -s "$pristine/ui" "$1/ui"        # (the logo)
    (cd "$top" && cp --parents -r docs "$1/")
    {
        echo "QEMU (the apple-dart pages)"
        echo "==========================="
        echo
        echo ".. toctree::"
        echo
        for p in "${pages[@]}"; do
            p=${p#docs/}
            echo "   ${p%.rst}"
        done
    } > "$src/index.rst"
}

# sphinx SRC OUT: build, warnings as errors, as QEMU's build does
sphinx() {
    (cd "$1" && CONFDIR=/etc/qemu sphinx-build -q -W -Dkerneldoc_werror=1 -j 2 \
        -b html -d "$2/doctrees" docs "$2/html")
}

main() {
    local src="$work/src" out="$work/out" rc page
    make_src "$src"
    rm -rf "$out"
    # (with no page, Sphinx builds an empty index without a warning)
    [ ${#pages[@]} -gt 0 ] && sphinx "$src" "$out" > "$log" 2>&1
    rc=$?
    sed 's/^/# /' "$log"
    result $rc "Sphinx $(sphinx-build --version | awk '{print $NF}') builds ${pages[*]#docs/} with QEMU's conf.py, warnings as errors"
    for page in "${pages[@]}"; do
        page=${page#docs/}
        check "$page becomes ${page%.rst}.html" test -s "$out/html/${page%.rst}.html"
    done
    # cross references between the two pages became links
    grep -q 'href="../../specs/apple-dart.html#apple-dart-lock"' \
        "$out/html/system/arm/apple-virt.html" 2>/dev/null
    result $? "system/arm/apple-virt links to the lock's section of specs/apple-dart"

    # QEMU's indexes name our pages (patches/qemu/0004)
    local idx="$work/idx"
    rm -rf "$idx" && mkdir -p "$idx/docs/system" "$idx/docs/specs"
    cp "$pristine/docs/system/target-arm.rst" "$idx/docs/system/"
    cp "$pristine/docs/specs/index.rst" "$idx/docs/specs/"
    chmod -R u+w "$idx"
    for p in "${qemu_patch_files[@]}"; do
        # (only the hunks for these two files)
        filterdiff_docs "$p" | patch -d "$idx" -p1 -s --no-backup-if-mismatch >/dev/null 2>&1
    done
    check "the Arm board index (docs/system/target-arm.rst) lists arm/apple-virt" \
        grep -qx '   arm/apple-virt' "$idx/docs/system/target-arm.rst"
    check "the specs index (docs/specs/index.rst) lists apple-dart" \
        grep -qx '   apple-dart' "$idx/docs/specs/index.rst"

    # and a markup error in a page fails the build (the test can fail)
    local bad="$work/bad"
    make_src "$bad"
    # shellcheck disable=SC2016 # (backquotes of rST)
    printf '\nSee `No such section`_.\n' >> "$bad/docs/specs/apple-dart.rst"
    sphinx "$bad" "$bad/out" > "$log" 2>&1
    rc=$?
    [ $rc -ne 0 ] && grep -q 'Unknown target name' "$log"
    result $? "a reference to a missing section fails the build"
    rm -rf "$bad"
}

# filterdiff_docs PATCH: the parts of PATCH for the two docs indexes
filterdiff_docs() {
    awk '/^--- / { keep = ($2 ~ /docs\/(system\/target-arm|specs\/index)\.rst$/) }
         keep' "$1"
}

main | tee "$work/results"
rc=${PIPESTATUS[0]}
grep -q '^not ok' "$work/results" && rc=1
{ echo "$inputs"; cat "$work/results"; } > "$stamp"
exit "$rc"
