#!/usr/bin/env bash
# Put this project's files into a QEMU source tree and apply its patches to
# QEMU's own build files.
#
#   prepare-qemu.sh TREE [PRISTINE]
#
# With PRISTINE, TREE is (re)made as a copy of that unpacked Debian source
# (read-only, shared by every clone: see fetch-qemu.sh), which the patches
# then change. Without it, TREE is a user's own QEMU checkout, changed in
# place. Either way our files are symbolic links to the clone, so editing
# them needs only a rebuild, and running this again is cheap and
# idempotent.
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
tree=$1
pristine=${2:-}
. "$top/scripts/versions.sh"
overlay_dirs=("${OVERLAY_DIRS[@]}")
mapfile -t qemu_patches < <(qemu_patches)

if [ -n "$pristine" ]; then
    stamp="$tree/.apple-dart-prepared"
    # ("copy": trees that older scripts hard-linked to PRISTINE are remade)
    want="$pristine copy $(cat "${qemu_patches[@]}" | sha256sum | cut -c1-16)"
    if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$want" ]; then
        rm -rf "$tree"
        mkdir -p "$(dirname "$tree")"
        # A real copy (a reflink where the filesystem can), not hard
        # links: nothing done to TREE may reach PRISTINE. Timestamps are
        # kept, so a remade tree rebuilds only what the patches touch.
        cp -a --reflink=auto "$pristine" "$tree"
        chmod -R u+w "$tree"
        for p in "${qemu_patches[@]}"; do
            patch -d "$tree" -p1 -s --no-backup-if-mismatch < "$p"
        done
        echo "$want" > "$stamp"
    fi
else
    [ -f "$tree/include/qemu/osdep.h" ] ||
        { echo "prepare-qemu: $tree does not look like a QEMU tree" >&2; exit 1; }
    # A user's tree may be any QEMU: of each patch, the first variant
    # (QEMU_SERIES's, the default, then the other series') that is
    # already applied or applies.
    for p in "${qemu_patches[@]}"; do
        name=${p##*/}
        applied=
        for v in "$p" "$top/patches/qemu/$name" "$top"/patches/qemu/*/"$name"; do
            [ -f "$v" ] || continue
            if patch -d "$tree" -p1 -s -f --dry-run -R < "$v" >/dev/null 2>&1 ||
               { patch -d "$tree" -p1 -s -f --dry-run < "$v" >/dev/null 2>&1 &&
                 patch -d "$tree" -p1 -s --no-backup-if-mismatch < "$v"; }; then
                applied=1
                break
            fi
        done
        [ -n "$applied" ] ||
            { echo "prepare-qemu: no variant of $name applies to $tree" >&2; exit 1; }
    done
fi

# Link every file of ours into the tree (new files appear on the next run).
cd "$top"
for d in "${overlay_dirs[@]}"; do
    [ -d "$d" ] && find "$d" -type f
done | while read -r f; do
    dst="$tree/$f"
    if [ "$(readlink "$dst" 2>/dev/null)" != "$top/$f" ]; then
        mkdir -p "$(dirname "$dst")"
        ln -sfn "$top/$f" "$dst"
    fi
done
