# TAP output for the shell test scripts. Source it, set $name (a prefix
# for every description, may be empty), then call result or check; exit
# with tap_status at the end. For what must be absent, or true of every
# item, check_absent and check_each (below), which fail on no input.
# shellcheck shell=bash

n=0
failed=0

result() {     # result STATUS DESCRIPTION: STATUS 0 passes
    n=$((n + 1))
    if [ "$1" = 0 ]; then
        echo "ok $n - ${name:+$name: }$2"
    else
        echo "not ok $n - ${name:+$name: }$2"
        failed=$((failed + 1))
    fi
}

check() {      # check DESCRIPTION COMMAND...: passes if COMMAND succeeds
    local desc=$1; shift
    "$@" >/dev/null 2>&1
    result $? "$desc"
}

tap_status() {
    [ "$failed" -eq 0 ]
}

# A check that something is absent, or true of every item, passes on
# nothing at all: "! grep" on a log that was never written, a loop over
# an empty list. These fail instead when their input is missing.

absent() {     # absent [-e] PATTERN FILE [WITNESS]
    # FILE has no line that matches PATTERN (grep's basic regular
    # expression), and is there to be searched: it exists and is not
    # empty (with -e, only exists: a log that stays empty when all is
    # well), and has a line that matches WITNESS, if given (what shows
    # that whatever writes it got as far as to write PATTERN's lines).
    # FILE "-" is standard input. Says why not in "# " lines.
    local empty_ok= pattern file witness rc
    if [ "$1" = -e ]; then empty_ok=1; shift; fi
    pattern=$1 file=$2 witness=${3:-}
    if [ "$file" = - ]; then
        local tmp
        tmp=$(mktemp) || return 1
        cat > "$tmp"
        absent ${empty_ok:+-e} "$pattern" "$tmp" "$witness" |
            sed "s#$tmp#standard input#"
        rc=${PIPESTATUS[0]}
        rm -f "$tmp"
        return "$rc"
    fi
    if [ ! -f "$file" ]; then
        echo "# $file: missing"
        return 1
    fi
    if [ -z "$empty_ok" ] && [ ! -s "$file" ]; then
        echo "# $file: empty"
        return 1
    fi
    if [ -n "$witness" ] && ! grep -q -- "$witness" "$file"; then
        echo "# $file: no line matches '$witness'"
        return 1
    fi
    grep -q -- "$pattern" "$file"
    rc=$?
    case $rc in
    0) grep -- "$pattern" "$file" | head -n 5 | sed 's/^/# found: /'
       return 1 ;;
    1) return 0 ;;
    *) return 1 ;;      # (unreadable)
    esac
}

check_absent() {   # check_absent DESCRIPTION [-e] PATTERN FILE [WITNESS]
    local desc=$1 why rc; shift
    why=$(absent "$@")
    rc=$?
    [ -z "$why" ] || printf '%s\n' "$why"
    result "$rc" "$desc"
}

check_each() {     # check_each DESCRIPTION COMMAND ITEM...
    # passes if there is an ITEM and "COMMAND ITEM" succeeds for each
    # (COMMAND may say why not in "# " lines)
    local desc=$1 cmd=$2 item bad=0; shift 2
    if [ $# -eq 0 ]; then
        echo "# nothing to check"
        bad=1
    fi
    for item in "$@"; do
        "$cmd" "$item" || bad=1
    done
    result "$bad" "$desc"
}

same() {       # same FILE1 FILE2: both exist, are not empty, and are equal
    [ -s "$1" ] && [ -s "$2" ] && cmp -s "$1" "$2"
}
