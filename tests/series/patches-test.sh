#!/usr/bin/env bash
# Test the upstream series (scripts/make-patches.sh), as TAP: it is
# written, signed off, applies with "git am" to a fresh git tree of the
# QEMU source the build uses, passes that tree's checkpatch.pl with no
# error and no warning, and gives exactly the tree that was built and
# tested (build/qemu-src, links followed), but for the files
# patches/series/exclude keeps out and the series' MAINTAINERS entry,
# which names every file the series adds. make-patches.sh refuses a file
# that no step claims and a missing identity.
#
#   patches-test.sh           the above; a second run with the same
#                             inputs repeats the first run's results
#   patches-test.sh build     also configure and build the applied tree
#                             at every step of the series, as
#                             scripts/build-qemu.sh does, and run the
#                             qtests against the result (make
#                             check-patches)
#   patches-test.sh series DIR
#                             only the checks of the written series (its
#                             patches, cover letter and identity) on the
#                             series in DIR: tests/selftest/tap-selftest.sh
#                             shows that they fail on a missing or empty
#                             one
#
# Works in build/patches-test. The series is signed off by a test
# identity, whatever the user's.
set -uo pipefail

top=$(cd "$(dirname "$0")/../.." && pwd)
. "$top/scripts/versions.sh"
. "$top/tests/lib/tap.sh"
name=patches
mode=${1:-}
case "$mode" in
    ""|build) ;;
    series) [ $# -eq 2 ] || { echo "patches-test: series DIR" >&2; exit 2; } ;;
    *) echo "patches-test: unknown argument '$mode' (expected nothing, 'build' or 'series DIR')" >&2; exit 2 ;;
esac
export GIT_CONFIG_NOSYSTEM=1 GIT_CONFIG_GLOBAL=/dev/null
. "$top/scripts/git-no-auto-gc.sh"
export GIT_AUTHOR_NAME="apple-dart patches test"
export GIT_AUTHOR_EMAIL="patches-test@example.invalid"
export GIT_COMMITTER_NAME="$GIT_AUTHOR_NAME" GIT_COMMITTER_EMAIL="$GIT_AUTHOR_EMAIL"
ident="$GIT_AUTHOR_NAME <$GIT_AUTHOR_EMAIL>"
n_steps=$(find "$top/patches/series" -name '[0-9]*' | wc -l)

# series_checks DIR: the series in DIR has a cover letter and a patch
# per step, from and signed off by $ident; sets $patches
from_ident() {
    if ! grep -qxF "Signed-off-by: $ident" "$1" ||
       ! grep -qF "From: $GIT_AUTHOR_NAME" "$1"; then
        echo "# $(basename "$1") is not from and signed off by $ident"
        return 1
    fi
}
series_checks() {
    local series=$1
    patches=()
    [ -d "$series" ] &&
        mapfile -t patches < <(find "$series" -name '*.patch' ! -name '0000-cover-letter.patch' | sort)
    [ -f "$series/0000-cover-letter.patch" ] && [ ${#patches[@]} -eq "$n_steps" ]
    result $? "a cover letter and $n_steps patches (one per step of patches/series)"
    check_absent "the cover letter has its subject and text" \
        '\*\*\* \(SUBJECT\|BLURB\) HERE \*\*\*' "$series/0000-cover-letter.patch" '^Subject: '
    check_each "every patch is from and signed off by the identity" \
        from_ident "${patches[@]}"
}
if [ "$mode" = series ]; then
    series_checks "$2"
    tap_status
    exit
fi

work="$top/build/patches-test"
mkdir -p "$work"

pristine=$("$top/scripts/fetch-qemu.sh") || exit 1
base="$CACHE_DIR/qemu-git/$(basename "$pristine").git"

# The same inputs give the same results: replay a run that passed (not
# for "build").
inputs=$(cd "$top" && {
    echo "$pristine $mode"
    git ls-files -s -- hw include tests docs configs patches \
        scripts/make-patches.sh tests/series/patches-test.sh scripts/prepare-qemu.sh \
        scripts/versions.sh
    # and what is not committed yet
    git diff HEAD -- hw include tests docs configs patches scripts
    git ls-files -o --exclude-standard -- hw include tests docs configs patches |
        xargs -r sha256sum
} | sha256sum | cut -c1-16)
stamp="$work/stamp"
if [ -z "$mode" ] && [ -f "$stamp" ] && [ "$(head -n1 "$stamp")" = "$inputs" ] &&
   grep -q '^ok' "$stamp" && ! grep -q '^not ok' "$stamp"; then
    echo "# inputs unchanged since the run of $(date -r "$stamp" -u '+%F %T UTC'): its results"
    tail -n +2 "$stamp"
    exit 0
fi

series="$work/series"
log="$work/log"

main() {
    # --- the series -------------------------------------------------------
    "$top/scripts/make-patches.sh" "$series" > "$log" 2>&1
    result $? "make-patches.sh writes the series"
    series_checks "$series"

    # --- git am onto a fresh tree ----------------------------------------
    local tree="$work/qemu-src"
    if [ -d "$tree/.git" ]; then
        git -C "$tree" am --abort >/dev/null 2>&1
        git -C "$tree" checkout -q -f --detach base &&
            git -C "$tree" reset -q --hard base && git -C "$tree" clean -q -f -f -d -x
    else
        rm -rf "$tree"
        git clone -q --shared "$base" "$tree" && git -C "$tree" checkout -q --detach base
    fi > "$log" 2>&1
    # (with no patch, git am would read standard input)
    [ ${#patches[@]} -gt 0 ] && git -C "$tree" am -q "${patches[@]}" < /dev/null >> "$log" 2>&1
    local rc=$?
    result $rc "git am applies the series to QEMU $(basename "$pristine")"
    if [ $rc -ne 0 ]; then
        sed 's/^/# /' "$log"
        git -C "$tree" am --abort >/dev/null 2>&1
        return
    fi

    git -C "$tree" diff --check base HEAD > "$log" 2>&1
    rc=$?
    sed 's/^/# /' "$log" | head -n 20
    result $rc "no whitespace errors (git diff --check)"

    # --- checkpatch ------------------------------------------------------
    for p in "${patches[@]}"; do
        (cd "$tree" && perl scripts/checkpatch.pl "$p") > "$log" 2>&1
        rc=$?
        local total
        total=$(grep '^total:' "$log")
        [ $rc -eq 0 ] && [[ $total == "total: 0 errors, 0 warnings, "* ]]
        rc=$?
        [ $rc -ne 0 ] && grep -E '^(ERROR|WARNING)' "$log" | sed 's/^/# /'
        result $rc "checkpatch: $(basename "$p"): ${total:-no total}"
    done

    # --- the applied tree is what we built and tested ---------------------
    local built="$top/build/qemu-src"
    if [ ! -f "$built/.apple-dart-prepared" ]; then
        # (a build with QEMU_SRC has none: make one the same way)
        built="$work/prepared"
        "$top/scripts/prepare-qemu.sh" "$built" "$pristine" > "$log" 2>&1 ||
            sed 's/^/# /' "$log"
    fi
    local excludes x
    excludes=$(sed 's/#.*//' "$top/patches/series/exclude" | xargs -r)
    # (not compared: the stamps of fetch-qemu.sh and prepare-qemu.sh, and
    # python/wheels, which configure leaves in the source tree)
    diff -rq --exclude=.git --exclude=.unpacked --exclude=.apple-dart-prepared \
        --exclude=wheels --exclude=__pycache__ "$tree" "$built" > "$log" 2>&1
    local unexpected=()
    while read -r line; do
        case "$line" in
            "Files $tree/MAINTAINERS and $built/MAINTAINERS differ") continue ;;
            "Only in $built/"*)
                f=${line#"Only in $built/"}
                f="${f%%: *}/${f#*: }"
                for x in $excludes; do
                    [ "$f" = "$x" ] && continue 2
                done
                # a directory of excluded files only
                if [ -d "$built/$f" ] && ! (cd "$built" && find -L "$f" -type f) |
                        grep -vxF -f <(tr ' ' '\n' <<< "$excludes") -q; then
                    continue
                fi ;;
            "Only in $built: "*)
                f=${line#"Only in $built: "}
                for x in $excludes; do
                    [ "$f" = "$x" ] && continue 2
                done ;;
        esac
        unexpected+=("$line")
    done < "$log"
    [ ${#unexpected[@]} -eq 0 ]
    result $? "the applied tree is build/qemu-src but for MAINTAINERS and patches/series/exclude"
    for x in "${unexpected[@]}"; do echo "# ${x//$top\//}"; done
    excluded_ok() {
        if [ ! -e "$built/$1" ] || [ -e "$tree/$1" ]; then
            echo "# excluded $1: not in the build tree, or in the series"
            return 1
        fi
    }
    # shellcheck disable=SC2086 # one word per file
    check_each "the excluded files are built with but not in the series" \
        excluded_ok $excludes

    # --- MAINTAINERS -----------------------------------------------------
    git -C "$tree" diff base HEAD -- MAINTAINERS > "$log"
    ! grep -q '^-[^-]' "$log" && grep -qxF "+M: $ident" "$log"
    result $? "MAINTAINERS: the series adds an entry with the identity and removes nothing"
    local pats added uncovered=()
    set -f      # (patterns)
    pats=$(sed -n 's/^+F: *//p' "$log")
    added=$(git -C "$tree" diff --name-only --diff-filter=A base HEAD)
    for f in $added; do
        local covered=0 pat
        for pat in $pats; do
            # (a directory covers what is under it; else a pattern)
            # shellcheck disable=SC2053
            if [[ $pat == */ && $f == "$pat"* ]] || [[ $f == $pat ]]; then
                covered=1
            fi
        done
        [ $covered = 1 ] || uncovered+=("$f")
    done
    set +f
    [ -n "$added" ] && [ ${#uncovered[@]} -eq 0 ]
    result $? "MAINTAINERS: the entry covers each of the $(echo "$added" | wc -w) files the series adds"
    for f in "${uncovered[@]}"; do echo "# not in MAINTAINERS: $f"; done

    # --- refusals ----------------------------------------------------------
    local t="$work/refuse"
    rm -rf "$t" && mkdir -p "$t" && cp -r "$top/patches/series" "$t/series"
    sed -i 's#^files: .*#files: hw/iommu/apple-dart.c#' "$t/series/1-apple-dart"
    PATCHES_SERIES="$t/series" "$top/scripts/make-patches.sh" "$t/out" > "$log" 2>&1
    rc=$?
    [ $rc -ne 0 ] && grep -q 'hw/iommu/apple-dart-state.c belongs to 0 steps' "$log"
    result $? "make-patches.sh refuses a file that no step claims"
    GIT_AUTHOR_NAME="" GIT_AUTHOR_EMAIL="" "$top/scripts/make-patches.sh" "$t/out" > "$log" 2>&1
    rc=$?
    [ $rc -ne 0 ] && [ "$(wc -l < "$log")" = 1 ] && grep -q 'no git identity' "$log"
    result $? "make-patches.sh refuses to sign off without an identity, in one line"
    rm -rf "$t"

    if [ "$mode" = build ]; then
        build_steps "$tree"
    fi
}

# Configure and build the applied tree at each step, in one build
# directory, incrementally. From the step that adds the machine on, the
# project's configuration (apple-virt.mak): qemu-system-aarch64 and the
# qtests the step has are built, from ccache mostly; then the qtests run
# against the last step's build.
# Before it, the configuration is the symbols the series has so far, and
# the C files it has added are compiled (a whole build there would miss
# ccache throughout: every object includes config-poison.h, which lists
# the configuration's symbols).
build_steps() {
    local tree=$1 obj="$work/qemu-build" mak=apple-virt-series
    local commits c i=0 rc
    mapfile -t commits < <(git -C "$tree" rev-list --reverse base..HEAD)
    # ccache sees the same relative paths as in the project's build
    export CCACHE_DIR="$CACHE_DIR/ccache" CCACHE_BASEDIR="$work" CCACHE_NOHASHDIR=1
    export CCACHE_MAXSIZE=${CCACHE_MAXSIZE:-5G}
    [ -d /usr/lib/ccache ] && export PATH="/usr/lib/ccache:$PATH"
    unset LANG LANGUAGE LC_ALL LC_CTYPE LC_MESSAGES
    local m="$tree/configs/devices/aarch64-softmmu/$mak.mak"
    for c in "${commits[@]}"; do
        i=$((i + 1))
        git -C "$tree" checkout -q "$c"
        local machine=0
        if grep -qx 'config APPLE_VIRT' "$tree/hw/arm/Kconfig"; then
            machine=1
            cp "$top/configs/devices/aarch64-softmmu/apple-virt.mak" "$m"
        else
            : > "$m"
            local sym
            for sym in APPLE_DART APPLE_VIRT_DISPLAY; do
                if grep -rqx "config $sym" "$tree/hw" --include=Kconfig; then
                    echo "CONFIG_$sym=y" >> "$m"
                fi
            done
        fi
        local subject start=$SECONDS
        subject=$(git -C "$tree" log -1 --format=%s "$c")
        if [ ! -f "$obj/build.ninja" ]; then
            rm -rf "$obj" && mkdir -p "$obj"
            (cd "$obj" && "$tree/configure" --python=/usr/bin/python3 \
                --target-list=aarch64-softmmu \
                --without-default-features --without-default-devices \
                "--with-devices-aarch64=$mak" \
                --enable-fdt=system --enable-slirp --enable-pixman --enable-vnc \
                --disable-docs --disable-tools --disable-install-blobs \
                --enable-werror --enable-trace-backends=log) > "$log" 2>&1
        else
            # (meson runs again when Kconfig, meson.build or the .mak change)
            nice -n 10 ninja -C "$obj" build.ninja > "$log" 2>&1
        fi
        rc=$?
        local targets=() what
        if [ $machine = 1 ]; then
            targets=(qemu-system-aarch64)
            what="qemu-system-aarch64"
            for t in "$tree"/tests/qtest/apple-dart*-test.c; do
                [ -f "$t" ] || continue
                targets+=("tests/qtest/$(basename "$t" .c)")
                what="qemu-system-aarch64 and the qtests"
            done
        else
            local added
            mapfile -t added < <(git -C "$tree" diff --name-only --diff-filter=A base "$c" -- '*.c')
            mapfile -t targets < <(python3 - "$obj/compile_commands.json" "${added[@]}" <<'PY'
import json, sys
cmds = json.load(open(sys.argv[1]))
for f in sys.argv[2:]:
    outs = [e["output"] for e in cmds if e["file"] == "../qemu-src/" + f]
    print("\n".join(outs) if outs else "missing-object-for-" + f)
PY
            )
            what="the ${#added[@]} C files the series has added (${added[*]##*/})"
        fi
        if [ $rc -eq 0 ]; then
            nice -n 10 ninja -C "$obj" -j 2 "${targets[@]}" >> "$log" 2>&1
            rc=$?
        fi
        [ $rc -ne 0 ] && tail -n 30 "$log" | sed 's/^/# /'
        # (and meson did take the step's device configuration)
        local want
        while read -r want; do
            grep -qx "$want" "$obj/aarch64-softmmu-config-devices.mak" ||
                { echo "# the build has no $want"; rc=1; }
        done < <(grep -o '^CONFIG_[A-Z_]*=y' "$m")
        result $rc "step $i ($subject): builds $what ($((SECONDS - start)) s)"
        [ $rc -eq 0 ] || break
    done
    rm -f "$m"
    [ $rc -eq 0 ] || return
    for t in "$tree"/tests/qtest/apple-dart*-test.c; do
        t=$(basename "$t" .c)
        QTEST_QEMU_BINARY="$obj/qemu-system-aarch64" "$obj/tests/qtest/$t" --tap -k > "$log" 2>&1
        rc=$?
        local pass fail
        pass=$(grep -c '^ok ' "$log")
        fail=$(grep -c '^not ok ' "$log")
        [ $rc -eq 0 ] && [ "$fail" -eq 0 ] && [ "$pass" -gt 0 ]
        result $? "$t against the applied tree's build: $pass passed, $fail failed"
    done
}

main | tee "$work/out"
rc=${PIPESTATUS[0]}
grep -q '^not ok' "$work/out" && rc=1
if [ -z "$mode" ]; then
    { echo "$inputs"; cat "$work/out"; } > "$stamp"
fi
exit "$rc"
