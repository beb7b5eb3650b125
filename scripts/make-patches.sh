#!/usr/bin/env bash
# Write the project as a patch series for QEMU's own tree: a cover letter
# and one patch per step of patches/series/ (the DART, the display engine,
# the machine, the qtests, the docs), which "git am" applies to the QEMU
# source the build uses (scripts/fetch-qemu.sh) and which is signed off
# with your git identity.
#
#   make-patches.sh [OUTDIR]        (default build/patches)
#
# The identity is git's user.name and user.email, or GIT_AUTHOR_NAME and
# GIT_AUTHOR_EMAIL if set. patches/series/N-* say which files each step
# adds and which patches/qemu edits it makes; every file under hw/,
# include/, tests/, docs/ and configs/ belongs to exactly one step or is
# in patches/series/exclude, and every patches/qemu edit to one step, or
# this fails. patches/series/MAINTAINERS is the entry the steps add to
# QEMU's MAINTAINERS, patches/series/cover-letter the cover letter.
#
# Prints OUTDIR. The commits are also left in the bare repository
# OUTDIR.git (branch HEAD, tag "base" for QEMU's tree).
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
. "$top/scripts/versions.sh"
. "$top/scripts/cache-lock.sh"
series=${PATCHES_SERIES:-$top/patches/series}     # (tests point elsewhere)
out=${1:-$top/build/patches}
overlay_dirs=("${OVERLAY_DIRS[@]}")

die() { echo "make-patches: $*" >&2; exit 1; }

# (set but empty, GIT_AUTHOR_NAME/EMAIL hide git's configuration)
name=${GIT_AUTHOR_NAME-$(git -C "$top" config user.name || true)}
email=${GIT_AUTHOR_EMAIL-$(git -C "$top" config user.email || true)}
if [ -z "$name" ] || [ -z "$email" ]; then
    die "no git identity to sign off with: set git config user.name and user.email (or GIT_AUTHOR_NAME and GIT_AUTHOR_EMAIL)"
fi
ident="$name <$email>"
# Commit dates from the project's last commit, so that the same sources
# give the same series.
date=$(git -C "$top" log -1 --format=%cD 2>/dev/null || date -R)

# From here on git sees neither the user's nor the system's configuration
# (signing, hooks, format.* options): the series depends on ours only.
export GIT_CONFIG_NOSYSTEM=1 GIT_CONFIG_GLOBAL=/dev/null
. "$top/scripts/git-no-auto-gc.sh"
export GIT_AUTHOR_NAME="$name" GIT_AUTHOR_EMAIL="$email" GIT_AUTHOR_DATE="$date"
export GIT_COMMITTER_NAME="$name" GIT_COMMITTER_EMAIL="$email" GIT_COMMITTER_DATE="$date"

# --- the steps, checked before anything is written ---------------------

steps=()
for s in "$series"/[0-9]*; do
    steps+=("$(basename "$s")")
done
[ ${#steps[@]} -gt 0 ] || die "no steps in $series"
qemu_patches=()
for p in "$top"/patches/qemu/*.patch; do
    qemu_patches+=("$(basename "$p")")
done
# The steps' file lists are patterns: no pathname expansion from here on.
set -f

# step_field STEP KEY: the words of the step's "KEY:" lines
step_field() {
    sed -n '/^---$/q; s/^'"$2"'://p' "$series/$1" | xargs -r
}
# step_message STEP: the commit message, after the "---" line
step_message() {
    sed '1,/^---$/d' "$series/$1"
}
excludes=$(sed 's/#.*//' "$series/exclude" | xargs -r)

# pattern PATTERN FILE: whether FILE matches (shell pattern, * crosses /)
matches() {
    # shellcheck disable=SC2053 # a pattern, on purpose
    [[ $2 == $1 ]]
}

overlay_files=$(cd "$top" && for d in "${overlay_dirs[@]}"; do
    [ -d "$d" ] && find "$d" -type f; done | LC_ALL=C sort)
declare -A step_of=()
bad=0
declare -A step_files=()
for s in "${steps[@]}"; do
    step_files[$s]=$(step_field "$s" files)
done
for f in $overlay_files; do
    owners=()
    for s in "${steps[@]}"; do
        for p in ${step_files[$s]}; do
            if matches "$p" "$f"; then owners+=("$s"); break; fi
        done
    done
    for p in $excludes; do
        if matches "$p" "$f"; then owners+=(exclude); break; fi
    done
    if [ ${#owners[@]} -ne 1 ]; then
        echo "make-patches: $f belongs to ${#owners[@]} steps (${owners[*]:-none}) of patches/series/" >&2
        bad=1
    fi
    step_of[$f]=${owners[0]:-}
done
for p in "${qemu_patches[@]}"; do
    n=0
    for s in "${steps[@]}"; do
        for q in $(step_field "$s" qemu); do
            [ "$q" = "$p" ] && n=$((n + 1))
        done
    done
    if [ "$n" -ne 1 ]; then
        echo "make-patches: patches/qemu/$p is in $n steps of patches/series/" >&2
        bad=1
    fi
done
for s in "${steps[@]}"; do
    for q in $(step_field "$s" qemu); do
        [ -f "$top/patches/qemu/$q" ] ||
            { echo "make-patches: $s names patches/qemu/$q, which does not exist" >&2; bad=1; }
    done
    [ -n "$(step_message "$s")" ] ||
        { echo "make-patches: $s has no commit message" >&2; bad=1; }
done
[ "$bad" = 0 ] || exit 1

# --- QEMU's tree as a git repository (cached, shared by clones) ---------

pristine=$("$top/scripts/fetch-qemu.sh")
base="$CACHE_DIR/qemu-git/$(basename "$pristine").git"
# A repository is whole once it holds apple-dart-base, written last, just
# before it is moved into place; anything else (a $base.tmp left by an
# interrupted run, or a $base without the mark) is made again.
if [ ! -f "$base/apple-dart-base" ]; then
    cache_lock qemu-git
    if [ ! -f "$base/apple-dart-base" ]; then
        rm -rf "$base.tmp"
        git init -q --bare "$base.tmp"
        # The read-only tree is added in place: nothing is copied.
        GIT_DIR="$base.tmp" GIT_WORK_TREE="$pristine" git add -A -f .
        GIT_DIR="$base.tmp" git rm -q --cached .unpacked
        GIT_DIR="$base.tmp" GIT_WORK_TREE="$pristine" git commit -q -m \
            "QEMU $(basename "$pristine") (Debian's qemu source package, patched)"
        GIT_DIR="$base.tmp" git tag base
        GIT_DIR="$base.tmp" git gc -q
        touch "$base.tmp/apple-dart-base"
        rm -rf "$base"
        mv "$base.tmp" "$base"
    fi
    cache_unlock
fi

# --- the commits --------------------------------------------------------

# No work tree: every step is made in the index (git apply --cached,
# update-index, commit-tree), so nothing of QEMU's tree is checked out.
repo="${out%/}.git"
rm -rf "$repo"
git clone -q --bare --shared "$base" "$repo"
export GIT_DIR="$repo"
export GIT_INDEX_FILE="$repo/apple-dart-index"
git read-tree base

maint_before=$(sed -n '/^---$/q; s/^before: *//p' "$series/MAINTAINERS")
maint_entry=$(sed '1,/^---$/d; s/@IDENT@/'"$(printf '%s' "$ident" | sed 's/[&/\]/\\&/g')"'/' \
    "$series/MAINTAINERS")
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
git show base:MAINTAINERS > "$tmp/MAINTAINERS.base"
grep -qxF "$maint_before" "$tmp/MAINTAINERS.base" ||
    die "QEMU's MAINTAINERS has no line '$maint_before' (patches/series/MAINTAINERS)"
maint_files=""

for s in "${steps[@]}"; do
    for f in $overlay_files; do
        [ "${step_of[$f]}" = "$s" ] || continue
        git update-index --add --cacheinfo \
            "100644,$(git hash-object -w "$top/$f"),$f"
    done
    for q in $(step_field "$s" qemu); do
        mkdir -p "$tmp/none"       # (git apply wants a work tree)
        GIT_WORK_TREE="$tmp/none" git apply --cached "$(qemu_patch_file "$q")" ||
            die "patches/qemu/$q does not apply to QEMU $(basename "$pristine")"
    done
    for m in $(step_field "$s" maintainers); do
        maint_files+="F: $m"$'\n'
    done
    if [ -n "$maint_files" ]; then
        { printf '%s\n' "$maint_entry"; printf '%s\n' "$maint_files"; } > "$tmp/entry"
        awk -v before="$maint_before" -v entry="$tmp/entry" '
            $0 == before { while ((getline l < entry) > 0) print l }
            { print }' "$tmp/MAINTAINERS.base" > "$tmp/MAINTAINERS"
        git update-index --cacheinfo \
            "100644,$(git hash-object -w "$tmp/MAINTAINERS"),MAINTAINERS"
    fi
    { step_message "$s"; echo; echo "Signed-off-by: $ident"; } > "$tmp/msg"
    commit=$(git commit-tree "$(git write-tree)" -p HEAD -F "$tmp/msg")
    git update-ref HEAD "$commit"
done

# --- the series ---------------------------------------------------------

branch=$(git symbolic-ref --short HEAD)
git config "branch.$branch.description" "$(cat "$series/cover-letter")"
rm -rf "$out"
mkdir -p "$out"
git format-patch -q --cover-letter --cover-from-description=subject \
    --no-signature -o "$out" base..HEAD
echo "$out"
