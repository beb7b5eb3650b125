#!/usr/bin/env bash
# Reproduce a historical apple-dart driver bug on apple-virt: boot the
# project's one patched kernel (scripts/versions.sh: PATCHED_KERNEL_*,
# guest/linux/7.2 then guest/linux/bugs) with apple_dart.bug=NAME and
# check that the machine shows the bug, then boot the same kernel
# without it and check that the same machine is clean.
#
#   linux-bugs-test.sh NAME [GEN]
#
#   error-streams   T8110 interrupt handler leaves ERROR_STREAMS set: a
#                   fault injected over QMP is reported once, then the
#                   line storms until "irq N: nobody cared"
#   streams-enable  reset leaves STREAMS_ENABLE as firmware had it
#                   (-M apple-virt,pcie-dart-disabled-streams=4): the
#                   model drops stream 4's DMA, the disk there never reads
#   sp-dis          DART1's SP_DIS bit in DART2 leaves (t6000, t8110):
#                   the model's PTE format check (dart-check-pte=on)
#                   reports them
#   tbl-index       top-level table index check one off: a map at IOVA
#                   1 << 36 (apple_dart.fixture_map_iova) oopses instead
#                   of failing with -ENOMEM
#   stream-select   T8020 stream select loop misses streams 32-63 (Linux
#                   7.2 as released; t8103-usb4, the disk moved to stream
#                   40): the stale-TLB detector names stream 40
#   pci-group       a PCI group's streams overwritten: two functions of
#                   slot 4 on streams 4 and 5, one group, removed and
#                   rescanned
#   sid2group       a freed group left in sid2group: the disk of slot 4
#                   removed and rescanned gets the freed group
#
# GEN is a generation of scripts/dart-gens.sh (t8103 by default). Prints
# TAP; exits non-zero on failure. docs/system/arm/apple-virt.rst, "Bugs
# apple-virt reproduces", lists them.
set -uo pipefail

top=$(cd "$(dirname "$0")/../.." && pwd)
bug=${1:?usage: linux-bugs-test.sh NAME [GEN]}
gen=${2:-t8103}
. "$top/scripts/versions.sh"       # QEMU_SERIES, PATCHED_KERNEL_*
qemu="${QEMU_BUILD:-$top/$QEMU_DIR/qemu-build}/qemu-system-aarch64"
name="linux-bug-$bug"
[ "$gen" = t8103 ] || name="$name-$gen"

. "$top/tests/lib/boot-test.sh"
boot_test_setup "$gen" "$PATCHED_KERNEL_SERIES" 16 "$PATCHED_KERNEL_PATCHES"

qmp() { "$top/scripts/qmp.py" "$work/qmp.sock" "$@"; }

# Boot with QEMU options "$@", machine options $machine_opts and kernel
# arguments $append (apple_dart.bug=$bug when $with_bug is set). The
# guest runs the tools checks (guest/init: run_tools_checks, or the
# $guest_test ones): it reads any virtio disk three times, then holds at
# "CHECK tools-ready" until it reads a line while the host runs
# $at_ready. A run that shows the bug may not get that far: $stop_on, a
# pattern of the trace log, ends it at once. Each boot keeps its console
# and trace log as $log.$1 and $trace.$1 ($1: bug or clean).
boot() {
    local kind=$1; shift
    local bug_arg=''
    [ "$kind" = clean ] || bug_arg="apple_dart.bug=$bug"
    rm -f "$work/serial-in" "$work/trace.log" "$log"
    append="$bug_arg $append" boot_held "$guest_test" "$@"
    cp "$log" "$log.$kind"
    touch "$work/trace.log"
    cp "$work/trace.log" "$work/trace.$kind"
    trace="$work/trace.$kind"
    out="$log.$kind"
}

ran_to_end() {
    check "$1: QEMU exited by itself (rc $rc)" test "$rc" -eq 0
    check "$1: guest ran its checks to the end" grep -q '^CHECK end' "$out"
}
no_bad() {
    check_guest_absent "$1: no WARN, BUG or Oops" '^CHECK bad' "$out"
}
has() {         # has DESCRIPTION FILE PATTERN: grep -E
    check "$1" grep -qE "$3" "$2"
}
lacks() {       # lacks DESCRIPTION FILE PATTERN: FILE there, without it
    check "$1" sh -c "[ -f '$2' ] && ! grep -qE '$3' '$2'"
}

# An 8 MiB disk of random data in slot 4 (stream 4 unless moved)
disk_setup() {
    head -c $((8 * 1024 * 1024)) /dev/urandom > "$work/read.img"
    read_sha=$(sha256sum "$work/read.img" | cut -d' ' -f1)
    # shellcheck disable=SC2054 # commas of QEMU options, not separators
    disk=(-drive if=none,id=rd,file="$work/read.img",format=raw,readonly=on
          -device virtio-blk-pci,addr=4.0,drive=rd)
}
disk_read_intact() {   # the three reads of the tools checks, all right
    check "$1: the disk read back intact, three times" \
        test "$(grep -c "^CHECK read-sha256 vda [123] $read_sha" "$out")" -eq 3
}

machine_opts='' append='' at_ready=: stop_on='' stop_on_console=''
guest_test=tools
case $bug in
error-streams)
    # A fault injected into the PCIe DART over QMP: the interrupt handler
    # reports it; with the bug the T8110 line then never drops.
    inject_fault() {
        qmp '{"execute": "qom-set", "arguments": {"path": "/machine/dart-pcie", "property": "inject-fault", "value": "stream=3,iova=0xfeed4000,fault=write"}}' > /dev/null
        # a storm (under TCG) lasts until the detector gives up: wait
        # for that with the bug, a few seconds without it
        for _ in $(seq "$(scaled "$storm_wait")"); do
            grep -q 'Disabling IRQ' "$log" && break
            sleep 0.1
        done
    }
    storm_wait=600
    at_ready=inject_fault
    report='9100000.iommu: translation fault: .*stream:3 .*at 0xfeed4000'
    boot bug
    ran_to_end bug
    has "bug: the handler reported the fault, stream 3 at 0xfeed4000" \
        "$out" "$report"
    has "bug: the line stormed: \"irq N: nobody cared\"" "$out" \
        'irq [0-9]+: nobody cared'
    has "bug: ... and the kernel disabled the DART's interrupt" "$out" \
        'Disabling IRQ #[0-9]+'
    storm_wait=30
    boot clean
    ran_to_end clean
    has "clean: the handler reported the fault, stream 3 at 0xfeed4000" \
        "$out" "$report"
    lacks "clean: no interrupt storm" "$out" 'nobody cared'
    no_bad clean
    ;;
streams-enable)
    # Firmware leaves stream 4 disabled in STREAMS_ENABLE at every reset.
    disk_setup
    machine_opts=,pcie-dart-disabled-streams=4
    dropped='apple_dart_translate_blocked dart-pcie: stream 4 iova 0x[0-9a-f]* dropped: stream disabled'
    stop_on=$dropped
    boot bug "${disk[@]}" -trace apple_dart_translate_blocked
    stop_on=''
    check "bug: the run ended at the model's report, not at the time-out (rc $rc)" \
        test "$rc" -ne 124
    has "bug: the model dropped the disk's DMA: stream 4 disabled" \
        "$trace" "$dropped"
    lacks "bug: the disk never read back" "$out" "^CHECK read-sha256 vda 1 $read_sha"
    boot clean "${disk[@]}" -trace apple_dart_translate_blocked
    ran_to_end clean
    lacks "clean: no DMA dropped" "$trace" 'dropped: stream disabled'
    disk_read_intact clean
    no_bad clean
    ;;
sp-dis)
    disk_setup
    machine_opts=,dart-check-pte=on
    report='apple_dart_pte_format dart-pcie: stream 4 iova 0x[0-9a-f]*: leaf 0x[0-9a-f]* sets bit 1'
    # Bit 1 is NO_CACHE in DART2, and Linux 7.2 sets it rightly on a
    # mapping without IOMMU_CACHE: the MSI doorbell's, write-only (NO_READ,
    # bit 3). The disk's buffers are readable and cacheable (dma-coherent):
    # the reports that matter are of readable leaves.
    readable_reports() {
        local n=0 pte
        while read -r pte; do
            [ $((pte & 0x8)) -ne 0 ] || n=$((n + 1))
        done < <(sed -n 's/^apple_dart_pte_format dart-pcie: .*: leaf \(0x[0-9a-f]*\) sets .*/\1/p' "$trace")
        echo $n
    }
    boot bug "${disk[@]}" -trace apple_dart_pte_format -d guest_errors
    ran_to_end bug
    reports=$(readable_reports)
    echo "# $name: $reports PTE format reports of readable PCIe DART leaves"
    check "bug: the PTE format check reported readable (data) leaves" \
        test "$reports" -gt 0
    has "bug: ... naming stream 4, an IOVA and bit 1" "$trace" "$report"
    has "bug: ... and logged it as a guest error" "$trace" \
        'dart-pcie: stream 4 iova 0x[0-9a-f]*: .* leaf 0x[0-9a-f]* sets bit 1'
    # DART2 has no way to turn subpage protection off: the DMA still works
    disk_read_intact bug
    boot clean "${disk[@]}" -trace apple_dart_pte_format -d guest_errors
    ran_to_end clean
    reports=$(readable_reports)
    echo "# $name: $reports PTE format reports of readable PCIe DART leaves" \
         "($(grep -c 'apple_dart_pte_format dart-pcie' "$trace") in all)"
    check "clean: no PTE format report of a readable PCIe DART leaf" \
        test "$reports" -eq 0
    disk_read_intact clean
    no_bad clean
    ;;
tbl-index)
    # The fixture maps one page at IOVA 1 << 36, beyond what two levels
    # of 16 KiB tables span, at the first paging attach.
    append=apple_dart.fixture_map_iova=0x1000000000
    boot bug
    has "bug: the kernel oopsed on a NULL pointer" "$out" \
        'Unable to handle kernel (NULL pointer dereference|paging request)'
    has "bug: ... in dart_map_pages" "$out" 'dart_map_pages'
    lacks "bug: the map never returned" "$out" \
        'fixture: map at IOVA 0x1000000000 returned'
    boot clean
    ran_to_end clean
    has "clean: the io-pgtable refused the IOVA (-ENOMEM)" "$out" \
        'fixture: map at IOVA 0x1000000000 returned -12'
    no_bad clean
    ;;
stream-select)
    # The disk on stream 40 of a 64-stream T8020 DART: upstream's select
    # loop never invalidates it. Stop at the first stale-TLB report: the
    # guest does not survive DMA through stale translations for long.
    disk_setup
    machine_opts=,pcie-dart-streams=4:40,dart-check-stale-tlb=on
    stale='apple_dart_stale_tlb dart-pcie: stream 40 iova 0x[0-9a-f]*'
    stop_on=$stale
    boot bug "${disk[@]}" -trace apple_dart_stale_tlb -d guest_errors
    stop_on=''
    check "bug: the run ended at the report, not at the time-out (rc $rc)" \
        test "$rc" -ne 124
    has "bug: the stale-TLB detector named stream 40 and an IOVA" \
        "$trace" "$stale"
    boot clean "${disk[@]}" -trace apple_dart_stale_tlb -d guest_errors
    ran_to_end clean
    lacks "clean: no stale translation used" "$trace" 'apple_dart_stale_tlb'
    disk_read_intact clean
    no_bad clean
    ;;
sid2group)
    # The disk of slot 4 removed and the bus rescanned (guest/init:
    # run_pci_rescan_checks): the driver finds stream 4's group again.
    disk_setup
    guest_test=pci-rescan
    # freed memory zeroed, so that the group the buggy driver finds again
    # is always a dead one (else what the memory holds decides, and the
    # bug may go unseen)
    append=init_on_free=1
    # the disk's DMA then faults and the guest waits for it for ever:
    # stop once the core has refused the group (a second later)
    stop_on_console='Failed to add to iommu group|refcount_t|use-after-free'
    boot bug "${disk[@]}"
    stop_on_console=''
    # what the freed memory holds decides the details; seen with 7.2:
    # "Failed to add to iommu group 38016656: -2" and a WARN
    has "bug: the rescan handed the core the freed group" "$out" \
        'pci 0000:00:04.0: Failed to add to iommu group|refcount_t|use-after-free|list_(add|del) corruption'
    has "bug: ... and the kernel complained (WARN, BUG or Oops)" "$out" \
        'WARNING:|BUG:|Oops'
    boot clean "${disk[@]}"
    ran_to_end clean
    has "clean: the disk is back in an IOMMU group after the rescan" \
        "$out" '^CHECK rescan-group 0000:00:04.0 [0-9]+'
    no_bad clean
    ;;
pci-group)
    # Two virtio functions of slot 4 on streams 4 and 5 (per-function
    # streams, iommu-map-mask 0xffff): conventional PCI functions of one
    # slot, which have no ACS and so share one PCI group. Both say they
    # are multi-function, as real devices' functions do: Linux adds a
    # function to its IOMMU group as soon as it is scanned, before it
    # marks functions other than 0 multi-function, so a rescanned
    # function 1 whose header did not say so would get a group of its own
    # and never meet the bug. The guest removes both and rescans
    # (guest/init: run_pci_rescan_checks).
    # shellcheck disable=SC2054 # commas of QEMU options, not separators
    fns=(-drive if=none,id=d0,file="$work/f0.img",format=raw
         -drive if=none,id=d1,file="$work/f1.img",format=raw
         -device virtio-blk-pci,addr=4.0,multifunction=on,drive=d0
         -device virtio-blk-pci,addr=4.1,multifunction=on,drive=d1)
    truncate -s 1M "$work/f0.img" "$work/f1.img"
    machine_opts=,pcie-dart-streams=4:4+4.1:5
    guest_test=pci-rescan
    append=init_on_free=1       # freed groups zeroed, as for sid2group
    stop_on_console='Failed to add to iommu group|refcount_t|use-after-free'
    boot bug "${fns[@]}"
    stop_on_console=''
    has "bug: both functions in one group at boot" \
        "$out" '^CHECK boot-group 0000:00:04.0 ([0-9]+) 0000:00:04.1 \1[^0-9]*$'
    has "bug: rescanning the slot hit the freed group (WARN, BUG or Oops)" \
        "$out" 'refcount_t|kobject|use-after-free|WARNING:|BUG:|Oops'
    boot clean "${fns[@]}"
    ran_to_end clean
    has "clean: both functions in one group at boot" \
        "$out" '^CHECK boot-group 0000:00:04.0 ([0-9]+) 0000:00:04.1 \1[^0-9]*$'
    has "clean: both functions back in one group after the rescan" \
        "$out" '^CHECK rescan-group 0000:00:04.0 ([0-9]+) 0000:00:04.1 \1[^0-9]*$'
    no_bad clean
    ;;
*)
    echo "linux-bugs-test: unknown bug $bug" >&2
    exit 2
    ;;
esac
tap_status
