# Locks on the shared cache ($CACHE_DIR, see versions.sh), which several
# clones, worktrees and CI jobs fill at once: whatever downloads, unpacks
# or builds into it does so holding a lock, and checks again under the
# lock whether another build did it meanwhile. Results are moved into
# place whole, so looking for one needs no lock.
#
#   fetch          apt's lists and downloads, and unpacking sources
#   kernel-NAME    building the kernel cached as kernels/NAME
#
# A script holds one lock at a time.
# shellcheck shell=bash

# cache_lock NAME: wait until no other process holds NAME, then hold it
# until cache_unlock or exit.
cache_lock() {
    mkdir -p "$CACHE_DIR/locks"
    exec {cache_lock_fd}>"$CACHE_DIR/locks/$1.lock"
    if ! flock -n "$cache_lock_fd"; then
        echo "$(basename "$0"): waiting for another build to release $CACHE_DIR/locks/$1.lock" >&2
        flock "$cache_lock_fd"
    fi
}

cache_unlock() {
    exec {cache_lock_fd}>&-
}

