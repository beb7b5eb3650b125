# Source it: no git command after it starts an automatic "git gc" or
# "git maintenance" of its own. A big commit (QEMU's whole tree) starts
# one in the background, which then holds gc.pid while our own "git gc"
# runs ("gc is already running"), and would go on writing into a
# repository that we are about to move into the cache.
# shellcheck shell=bash
export GIT_CONFIG_COUNT=2
export GIT_CONFIG_KEY_0=gc.auto GIT_CONFIG_VALUE_0=0
export GIT_CONFIG_KEY_1=maintenance.auto GIT_CONFIG_VALUE_1=false
