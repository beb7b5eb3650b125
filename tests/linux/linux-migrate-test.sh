#!/usr/bin/env bash
# Migrate a whole apple-virt running Linux, with live DMA mappings in the
# PCIe DART, the locked display DART scanning the console out and a fault
# latched in it, to a file and into a new QEMU, and check that nothing
# was lost: the guest goes on, its disks read and write right through the
# DART, the lock and firmware's tables are kept, the screen is the same.
#
#   linux-migrate-test.sh SERIES [GEN]
#
# Prints TAP; exits non-zero on failure.
set -uo pipefail

top=$(cd "$(dirname "$0")/../.." && pwd)
series=$1
gen=${2:-t8103}
. "$top/scripts/versions.sh"       # QEMU_SERIES: which QEMU
qemu="${QEMU_BUILD:-$top/$QEMU_DIR/qemu-build}/qemu-system-aarch64"
name="linux-$series-migrate"
[ "$gen" = t8103 ] || name="$name-$gen"

. "$top/tests/lib/boot-test.sh"
boot_test_setup "$gen" "$series" 16
# the disks on the lowest and a middle stream of the PCIe DART
dart_disk_streams
read -r lo _ <<< "$DART_DISK_STREAMS"
head -c $((4 * 1024 * 1024)) /dev/urandom > "$work/read.img"
read_sha=$(sha256sum "$work/read.img" | cut -d' ' -f1)
truncate -s 2M "$work/write.img"

qmp() { "$top/scripts/qmp.py" "$work/$sock" "$@"; }
state() {       # state DART: its state, less the statistics, as JSON
    qmp "{\"execute\": \"qom-get\", \"arguments\": {\"path\": \"/machine/$1\", \"property\": \"state\"}}" |
        python3 -c 'import json, sys; d = json.loads(json.load(sys.stdin)); del d["stats"]; print(json.dumps(d, sort_keys=True))'
}
wait_migrated() {    # sets $status
    status=none
    for _ in $(seq "$(scaled 600)"); do
        status=$(qmp '{"execute": "query-migrate"}' |
                 python3 -c 'import json, sys; print(json.load(sys.stdin).get("status", "none"))')
        [ "$status" = completed ] || [ "$status" = failed ] && break
        kill -0 "$qemu_pid" 2>/dev/null || break
        sleep 0.1
    done
}

# Start QEMU ($1: a name) with the console on a FIFO; more options follow.
start() {
    local run=$1; shift
    sock=$run.sock
    mkfifo "$work/$run.in"
    timeout "$(scaled 300)" "$qemu" -M "apple-virt$DART_MACHINE$DART_DISK_MACHINE" -m 1G -smp 2 \
        -nographic -no-reboot \
        -kernel "$kernel" -initrd "$initrd" \
        -append "console=tty0 console=ttyAMA0 apple_virt.test=migrate panic=-1" \
        -device edu,addr=3.0 \
        -drive if=none,id=rd,file="$work/read.img",format=raw,readonly=on \
        -device virtio-blk-pci,addr=4.0,drive=rd \
        -drive if=none,id=wr,file="$work/write.img",format=raw \
        -device virtio-blk-pci,addr=5.0,drive=wr \
        -qmp unix:"$work/$sock",server=on,wait=off "$@" \
        < "$work/$run.in" > "$work/$run.log" 2>&1 &
    qemu_pid=$!
    exec 3>"$work/$run.in"
    for _ in $(seq 100); do
        [ -S "$work/$sock" ] && break
        kill -0 $qemu_pid 2>/dev/null || break
        sleep 0.1
    done
}

# The source: boot until the guest holds still, then leave a fault
# latched in the display DART (whose interrupt Linux does not handle:
# it refused the locked DART), take stock and migrate.
start source
for _ in $(seq "$(scaled 1200)"); do
    grep -q '^CHECK migrate-ready' "$work/source.log" && break
    kill -0 $qemu_pid 2>/dev/null || break
    sleep 0.1
done
check "the guest read the disk through the DART before the migration" \
    grep -q "^CHECK read-sha256 vda before $read_sha" "$work/source.log"
qmp '{"execute": "qom-set", "arguments": {"path": "/machine/dart-disp", "property": "inject-fault", "value": "stream=5,iova=0xdead0000,fault=read"}}' > /dev/null
qmp '{"execute": "stop"}' > /dev/null
qmp "{\"execute\": \"screendump\", \"arguments\": {\"filename\": \"$work/before.ppm\"}}" > /dev/null
state dart-pcie > "$work/pcie-before.json"
state dart-disp > "$work/disp-before.json"
qmp "{\"execute\": \"migrate\", \"arguments\": {\"uri\": \"exec:cat > $work/state\"}}" > /dev/null
wait_migrated
check "the source migrated ($status)" test "$status" = completed
qmp '{"execute": "quit"}' > /dev/null
wait $qemu_pid
exec 3>&-

# The destination
start dest -incoming "exec:cat $work/state" -S
wait_migrated
check "the destination took the state ($status)" test "$status" = completed
qmp "{\"execute\": \"screendump\", \"arguments\": {\"filename\": \"$work/after.ppm\"}}" > /dev/null
state dart-pcie > "$work/pcie-after.json"
state dart-disp > "$work/disp-after.json"
qmp '{"execute": "cont"}' > /dev/null
(echo >&3) 2>/dev/null   # (a subshell: a QEMU gone would SIGPIPE us)
wait $qemu_pid
rc=$?
exec 3>&-
log="$work/dest.log"

check "the screen is the same, scanned out through the locked DART" \
    same "$work/before.ppm" "$work/after.ppm"
check "the console's text was on it" \
    test "$("$top/tests/lib/ppm.py" "$work/after.ppm" count aaaaaa)" -gt 2000
check "the PCIe DART's streams, tables and live mappings came along" \
    same "$work/pcie-before.json" "$work/pcie-after.json"
check "... with the read disk's live mappings in its stream $lo" \
    python3 -c 'import json, sys; d = json.load(open(sys.argv[1])); sys.exit(not [s for s in d["streams"] if s["stream"] == int(sys.argv[2]) and s["mappings"]])' "$work/pcie-after.json" "$lo"
check "the display DART came along: lock, firmware's tables, latched fault" \
    same "$work/disp-before.json" "$work/disp-after.json"
check "... still locked" grep -q '"locked": true' "$work/disp-after.json"
check_absent "... with the fault latched" \
    '"error": "0x0"' "$work/disp-after.json" '"error": "0x'
check "QEMU exited by itself after the migration (rc $rc)" test "$rc" -eq 0
check "the guest went on to the end" grep -q '^CHECK end' "$log"
check "the guest read the disk intact through the DART after it" \
    grep -q "^CHECK read-sha256 vda after $read_sha" "$log"
wrote=$(sed -n 's/^CHECK wrote-sha256 vdb \([0-9a-f]*\).*/\1/p' "$log")
got=$(head -c 1048576 "$work/write.img" | sha256sum | cut -d' ' -f1)
check "host found what the guest wrote after the migration" \
    test -n "$wrote" -a "$wrote" = "$got"
check_guest_absent "no translation fault" '^CHECK fault'
check_guest_absent "no WARN, BUG or Oops" '^CHECK bad'
tap_status
