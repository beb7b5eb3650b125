# TAP output for the shell test scripts. Source it, set $name (a prefix
# for every description, may be empty), then call result or check; exit
# with tap_status at the end.
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
