#!/usr/bin/env bash
# Point the DART model's driver-bug tools (docs/specs/apple-dart.rst,
# "Finding driver bugs") at a Linux driver and check what the driver and
# the model say.
#
#   linux-tools-test.sh SERIES SCENARIO [GEN [KERNEL_PATCHES]]
#
#   busy-stuck   every invalidation stays BUSY: the driver's poll loop
#                must give up with its timeout message and the probe fail
#   busy-reads   BUSY for 20 reads after each invalidation: the driver's
#                poll loop waits it out and the DARTs work
#   inject       a fault injected into the PCIe DART over QMP: the driver's
#                interrupt handler must report it with our stream and IOVA
#   stale        a kernel whose driver skips its TLB flushes after map and
#                unmap (KERNEL_PATCHES with the apple_dart.fixture_skip_flush
#                fixture): the stale-TLB detector must name the stream
#                and IOVA of the DMA that used a stale translation; the
#                same kernel without the fixture trips nothing
#
# GEN is a generation of scripts/dart-gens.sh (t8103 by default). Prints
# TAP; exits non-zero on failure.
set -uo pipefail

top=$(cd "$(dirname "$0")/../.." && pwd)
series=$1
scenario=$2
gen=${3:-t8103}
patches=${4:-}
. "$top/scripts/versions.sh"       # QEMU_SERIES: which QEMU
qemu="${QEMU_BUILD:-$top/$QEMU_DIR/qemu-build}/qemu-system-aarch64"
name="linux-$series-tools-$scenario"
[ "$gen" = t8103 ] || name="$name-$gen"

. "$top/tests/lib/boot-test.sh"
boot_test_setup "$gen" "$series" 16 "$patches"

qmp() { "$top/scripts/qmp.py" "$work/qmp.sock" "$@"; }
qom_get() {     # qom_get QOM-PATH PROPERTY
    qmp "{\"execute\": \"qom-get\", \"arguments\": {\"path\": \"$1\", \"property\": \"$2\"}}"
}

# Boot with QEMU options "$@", edu in slot 3 and kernel arguments
# $append: the tools checks of guest/init (boot_held, boot-test.sh).
boot() {
    boot_held tools -device edu,addr=3.0 "$@"
}

ran_to_end() {
    check "QEMU exited by itself (rc $rc)" test "$rc" -eq 0
    check "guest ran its checks to the end" grep -q '^CHECK end' "$log"
}

machine_opts='' append='' at_ready=: stop_on=''
dart_init="DART \\[pagesize 4000, $DART_STREAMS streams"
case $scenario in
busy-stuck)
    boot -global apple-dart.busy-stuck=on -trace apple_dart_busy
    ran_to_end
    # T8020 drivers name the stream bitmap, T8110 ones the stream
    check "the driver timed out on BUSY for the PCIe DART" \
        grep -q "^CHECK dmesg .*9100000.iommu: busy bit did not clear after command" "$log"
    check "... and for the USB DART" \
        grep -q "^CHECK dmesg .*9110000.iommu: busy bit did not clear after command" "$log"
    check_guest_absent "no DART initialized over a stuck BUSY" \
        "^CHECK dmesg .*$dart_init"
    check "the model kept BUSY set through the poll loop" \
        test "$(grep -c apple_dart_busy "$work/trace.log")" -gt 10
    ;;
busy-reads)
    boot -global apple-dart.busy-reads=20 -trace apple_dart_busy
    ran_to_end
    check "the driver initialized the PCIe DART after waiting for BUSY" \
        grep -q "^CHECK dmesg .*9100000.iommu: $dart_init" "$log"
    check "... and the USB DART" \
        grep -q "^CHECK dmesg .*9110000.iommu: $dart_init" "$log"
    check_guest_absent "no BUSY timeout" 'busy bit did not clear'
    busy_reads=$(grep -c apple_dart_busy "$work/trace.log")
    echo "# $name: $busy_reads reads of a BUSY command register"
    check "the driver polled through BUSY" test "$busy_reads" -ge 20
    ;;
inject)
    inject_fault() {
        qmp '{"execute": "qom-set", "arguments": {"path": "/machine/dart-pcie", "property": "inject-fault", "value": "stream=3,iova=0xfeed4000,fault=write"}}' > /dev/null
        faults=$(qom_get /machine/dart-pcie stat-faults)
    }
    at_ready=inject_fault
    boot -trace apple_dart_fault_injected
    ran_to_end
    check "the model injected the fault (stat-faults ${faults:-?})" \
        test "${faults:-0}" -ge 1
    check "the driver's interrupt handler reported it, stream 3 at 0xfeed4000" \
        grep -q '^CHECK fault .*9100000.iommu: translation fault: .*stream:3 .*at 0xfeed4000' "$log"
    ;;
stale)
    # two disks' worth of reads: IOVAs are mapped, unmapped and reused
    head -c $((8 * 1024 * 1024)) /dev/urandom > "$work/read.img"
    read_sha=$(sha256sum "$work/read.img" | cut -d' ' -f1)
    # shellcheck disable=SC2054 # commas of QEMU options, not separators
    disk=(-drive if=none,id=rd,file="$work/read.img",format=raw,readonly=on
          -device virtio-blk-pci,addr=4.0,drive=rd)
    machine_opts=,dart-check-stale-tlb=on
    # The bug: DMA lands where a stale translation says, in pages the
    # kernel may have handed to someone else; the guest may not survive
    # it, so only what the detector saw is checked here.
    # The guest does not survive the bug for long (virtio's rings go
    # stale too): stop at the first report.
    append=apple_dart.fixture_skip_flush=1 stop_on='DMA used a cached translation'
    boot "${disk[@]}" -trace apple_dart_stale_tlb -d guest_errors
    stop_on=''
    reports=$(grep -c 'apple_dart_stale_tlb dart-pcie: stream 4 ' "$work/trace.log")
    echo "# $name: $reports stale-TLB reports for stream 4 before the run was stopped"
    check "the run ended at the report, not at the time-out (rc $rc)" \
        sh -c "test $rc -ne 124 && grep -q 'DMA used a cached translation' '$work/trace.log'"
    check "the detector named the disk's stream 4 and an IOVA" \
        grep -q 'dart-pcie: stream 4 iova 0x[0-9a-f]*: DMA used a cached translation the tables no longer hold' "$work/trace.log"
    mv "$log" "$log.fixture"
    mv "$work/trace.log" "$work/trace.log.fixture"
    append=
    boot "${disk[@]}" -trace apple_dart_stale_tlb -d guest_errors
    ran_to_end
    check_absent "without the fixture, the same kernel trips nothing" \
        -e apple_dart_stale_tlb "$work/trace.log"
    check "and reads the disk intact" \
        grep -q "^CHECK read-sha256 vda 3 $read_sha" "$log"
    ;;
*)
    echo "linux-tools-test: unknown scenario $scenario" >&2
    exit 2
    ;;
esac
check_guest_absent "no WARN, BUG or Oops" '^CHECK bad'
tap_status
