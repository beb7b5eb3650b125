#!/usr/bin/env bash
# Boot the project's patched Linux (Debian's linux-source-7.2 with the
# series in guest/linux/7.2, and guest/linux/bugs) on apple-virt with DARTs that firmware preset
# and locked, and check that the driver takes them over without writing
# TTBR/TCR, keeping firmware's mappings working.
#
#   linux-locked-driver-test.sh display [GEN]
#       The locked display DART. Screendumps: before the kernel (firmware's
#       splash), after the take-over (the framebuffer console, still
#       scanned out through firmware's IOVA), after the apple-virt-display
#       driver moved scan-out to a framebuffer it allocated through the
#       DMA API (its picture), and after it was unbound (the console
#       again, through firmware's IOVA). No scan-out error, no DART fault,
#       no attempted TTBR/TCR write at any point.
#
#   linux-locked-driver-test.sh pcie [GEN]
#       The locked PCIe DART with two virtio-blk disks (streams 4 and 5):
#       concurrent reads and writes, the right SHA-256s, the written data
#       on the host after power-off, no fault. Needs firmware to give each
#       stream its own table: with one table for all streams the driver
#       refuses the second stream, and this fails.
#
#   linux-locked-driver-test.sh refuse [GEN]
#       apple_dart.locked=refuse: the patched kernel behaves as upstream
#       (refuses the locked display DART, writes nothing to it).
#
#   linux-locked-driver-test.sh reconstruct [GEN]
#       apple_dart.locked=reconstruct: a reconstruction of the 2025
#       series' "Assert !locked when configuring" on the locked PCIe DART.
#       The driver WARNs and writes TTBR/TCR anyway; the model ignores
#       the writes (traced), keeps firmware's tables, and edu's DMA faults.
#
# GEN: t8103 (default), t6000, t8110, t8110-va42. $KERNEL_IMAGE overrides
# the kernel (to iterate on a tree of your own). Prints TAP.
set -uo pipefail

top=$(cd "$(dirname "$0")/../.." && pwd)
scenario=$1
gen=${2:-t8103}
. "$top/scripts/versions.sh"       # QEMU_SERIES: which QEMU
qemu="${QEMU_BUILD:-$top/$QEMU_DIR/qemu-build}/qemu-system-aarch64"
name="locked-driver-$scenario-$gen"

work=${work:-$top/build/linux-$name}
. "$top/tests/lib/boot-test.sh"
boot_test_setup "$gen" "$PATCHED_KERNEL_SERIES" 16 "$PATCHED_KERNEL_PATCHES"
gen_opts=$DART_MACHINE translate=$DART_TRANSLATE
trace="$work/trace.log"

qmp() { "$top/scripts/qmp.py" "$work/qmp.sock" "$@"; }
qom() {     # qom QOM-PATH PROPERTY
    qmp "{\"execute\": \"qom-get\", \"arguments\": {\"path\": \"$1\", \"property\": \"$2\"}}"
}
screendump() {
    qmp "{\"execute\": \"screendump\", \"arguments\": {\"filename\": \"$1\"}}" > /dev/null
}
ppm() { "$top/tests/lib/ppm.py" "$@" 2>/dev/null; }
# TTBR0 of stream $2 of the DART at $1 as firmware left it: read through
# the monitor before the guest runs
fw_ttbr0() {
    local off=$((DART_TTBR_REG + DART_TTBR_STRIDE * $2))
    qmp "{\"execute\": \"human-monitor-command\", \"arguments\":
          {\"command-line\": \"xp /1wx $(($1 + off))\"}}" |
        grep -o ': 0x[0-9a-f]*' | cut -c3-
}

# Start QEMU stopped, with $@ as extra arguments; the guest reads lines
# from a FIFO on the serial console when it holds still at a step.
start_qemu() {
    mkfifo "$work/serial-in"
    exec 3<>"$work/serial-in"
    timeout "$(scaled "${qemu_timeout:-300}")" "$qemu" -M "apple-virt$gen_opts$machine_opts" -m 1G -smp 2 \
        -nographic -no-reboot -S \
        -kernel "$kernel" -initrd "$initrd" \
        -append "console=tty0 console=ttyAMA0 panic=-1 $append" \
        -qmp unix:"$work/qmp.sock",server=on,wait=off \
        -trace apple_dart_fault -trace apple_dart_locked_write -D "$trace" \
        "$@" < "$work/serial-in" > "$log" 2>&1 &
    qemu_pid=$!
    for _ in $(seq 100); do
        [ -S "$work/qmp.sock" ] && break
        kill -0 $qemu_pid 2>/dev/null || break
        sleep 0.1
    done
}

# Wait for the guest's line matching $1 (or QEMU's end); 0 if it came.
wait_for() {
    for _ in $(seq "$(scaled 1800)"); do
        grep -q "$1" "$log" && return 0
        kill -0 $qemu_pid 2>/dev/null || break
        sleep 0.1
    done
    grep -q "$1" "$log"
}

# At guest step $1: screendump, model statistics, then let it go on.
at_step() {
    wait_for "^CHECK step $1" || return 1
    screendump "$work/$1.ppm"
    echo "$1 $(qom /machine/display stat-scanout-errors) $(qom "$2" stat-faults)" \
        >> "$work/stats"
    echo >&3
}

finish_qemu() {
    # the guest holds still after its last check: read the counters
    wait_for '^CHECK end' && faults=$(qom "$1" stat-faults)
    echo >&3
    wait $qemu_pid
    rc=$?
    exec 3>&-
    sed -i 's/\r$//' "$log"        # the serial console's line ends
    check "QEMU exited by itself (rc $rc)" test "$rc" -eq 0 -a -z "${killed:-}"
    check "guest ran its checks to the end" grep -q '^CHECK end' "$log"
}

boot_time() {       # seconds from "cont" to the guest's first check
    local t1
    t1=$(cat "$work/t-begin" 2>/dev/null)
    [ -n "$t1" ] && awk -v a="$t0" -v b="$t1" -v n="$name" \
        'BEGIN { printf "# %s: boot to first check: %.1f s\n", n, b - a }'
}

# The number guest line "CHECK $1 VALUE" gave, equal to $2 (any base)?
guest_value_is() {
    local v
    v=$(sed -n "s/^CHECK $1 \([0-9a-fA-Fx]*\).*/\1/p" "$log" | head -n 1)
    [ -n "$v" ] && [ -n "$2" ] && [ $((v)) -eq $(($2)) ]
}

# Note when "CHECK begin" comes, in the background.
stamp_begin() {
    ( wait_for '^CHECK begin' && date +%s.%N > "$work/t-begin" ) &
}

no_locked_writes() {
    check_absent "no TTBR/TCR write was attempted (apple_dart_locked_write)" \
        -e apple_dart_locked_write "$trace"
}
no_bad() {
    check_guest_absent "no WARN, BUG or Oops" '^CHECK bad'
}

case $scenario in
display)
    machine_opts='' append="apple_virt.test=locked-driver-display apple_virt_display.scanout=0"
    start_qemu
    screendump "$work/before.ppm"
    echo "before $(qom /machine/display stat-scanout-errors) $(qom /machine/dart-disp stat-faults)" \
        > "$work/stats"
    fw_ttbr=$(fw_ttbr0 0x09120000 0)
    t0=$(date +%s.%N)
    qmp '{"execute": "cont"}' > /dev/null
    stamp_begin
    for step in takeover ours handback; do
        at_step $step /machine/dart-disp ||
            { echo "# $name: no step $step"; break; }
    done
    finish_qemu /machine/dart-disp
    boot_time
    check "the driver took the locked display DART over" \
        grep -q '^CHECK dmesg .*9120000.iommu: DART is locked by firmware: taking over 1 preset' "$log"
    check "... the display engine's stream 0" \
        grep -q '^CHECK dmesg .*9300000.display: 9120000.iommu: took over locked stream 0' "$log"
    check "... with firmware's framebuffer mapping at IOVA 0xa0000000 (not identity)" \
        grep -q '^CHECK dmesg .*9300000.display: firmware mapping IOVA 0x0*a0000000 -> 0x' "$log"
    check "... with firmware's permissions: rw framebuffer, ro coprocessor firmware" \
        sh -c "grep -q '^CHECK dmesg .*9300000.display: firmware mapping IOVA 0x0*a0000000 -> .*, rw) installed' '$log' &&
               grep -q '^CHECK dmesg .*9300000.display: firmware mapping IOVA 0x0*8000000 -> .*, ro) installed' '$log'"
    check "the display is in a DMA domain" \
        grep -Eq '^CHECK display-iommu-group DMA' "$log"
    check "firmware's TCR is there at the end ($translate)" \
        guest_value_is disp-dart-tcr0-end "$translate"
    check "firmware's TTBR0 is there at the end ($fw_ttbr)" \
        guest_value_is disp-dart-ttbr0-end "$fw_ttbr"
    check "before the kernel: firmware's splash" \
        test "$(ppm "$work/before.ppm" 10,10 512,384 | tr '\n' ' ')" = "203048 ffffff "
    text=$(ppm "$work/takeover.ppm" count aaaaaa)
    echo "# $name: $text console text pixels after the take-over"
    check "after the take-over: the console, through firmware's IOVA" \
        sh -c "test '${text:-0}' -gt 2000 &&
               grep -qi '^CHECK scanout-iova takeover 0x00000000:0xa0000000' '$log'"
    check "after the display driver moved scan-out: its picture" \
        test "$(ppm "$work/ours.ppm" 10,10 512,384 | tr '\n' ' ')" = "336699 ffcc00 "
    check "... all of its square (256x256 pixels)" \
        test "$(ppm "$work/ours.ppm" count ffcc00)" = 65536
    check "... at an IOVA of the driver's DMA domain" \
        sh -c "grep -i '^CHECK scanout-iova ours 0x[0-9a-f]\{8\}:0x[0-9a-f]\{8\}' '$log' |
               grep -qvi ':0xa0000000'"
    text=$(ppm "$work/handback.ppm" count aaaaaa)
    check "after unbind: scan-out back on firmware's mapping (console text $text)" \
        sh -c "test '${text:-0}' -gt 2000 &&
               test '$(ppm "$work/handback.ppm" count ffcc00)' = 0 &&
               grep -qi '^CHECK scanout-iova handback 0x00000000:0xa0000000' '$log'"
    # (the core refuses it already: the driver says a locked stream's
    # default domain must be DMA)
    check "an identity domain was refused on the locked DART, the DMA domain kept" \
        sh -c "grep -q '^CHECK identity-domain refused' '$log' &&
               grep -q '^CHECK display-iommu-group-end DMA' '$log'"
    check "no display DART fault at the end either (${faults:-?})" test "${faults:-x}" = 0
    sed 's/^/# stats: /' "$work/stats"
    check "no failed scan-out and no display DART fault at any step" \
        sh -c "test \$(wc -l < '$work/stats') = 4 &&
               ! grep -qv ' 0 0\$' '$work/stats'"
    no_locked_writes
    no_bad
    ;;
pcie)
    machine_opts=,pcie-dart-preset=mapped,pcie-dart-locked=on
    append="apple_virt.test=locked-driver-pcie apple_virt_display.scanout=0"
    # a disk whose stream was refused DMAs with physical addresses, which
    # the locked DART faults: its partition scan never ends
    qemu_timeout=150
    head -c $((4 * 1024 * 1024)) /dev/urandom > "$work/read.img"
    read_sha=$(sha256sum "$work/read.img" | cut -d' ' -f1)
    truncate -s 8M "$work/write.img"
    start_qemu \
        -drive if=none,id=rd,file="$work/read.img",format=raw,readonly=on \
        -device virtio-blk-pci,addr=4.0,drive=rd \
        -drive if=none,id=wr,file="$work/write.img",format=raw \
        -device virtio-blk-pci,addr=5.0,drive=wr
    # Stream 5's firmware table: where its TTBR0 points, and its contents
    # as firmware left them, while Linux has it, and once released
    ttbr5=$(fw_ttbr0 0x09100000 5)
    table=$(printf '0x%x' $(((ttbr5 & DART_TTBR_ADDR_MASK) << 12)))
    table5() {
        qmp "{\"execute\": \"pmemsave\", \"arguments\": {\"val\": $((table)),
              \"size\": 16384, \"filename\": \"$work/table5-$1.bin\"}}" > /dev/null
    }
    table5 before
    t0=$(date +%s.%N)
    qmp '{"execute": "cont"}' > /dev/null
    stamp_begin
    # With one firmware table for all streams the driver refuses the
    # disks' streams, and their DMA hangs the boot: do not wait for that.
    wait_for '^CHECK step taken\|^CHECK end\|refusing to share it'
    if grep -q '^CHECK step taken' "$log"; then
        table5 during
        echo >&3
        wait_for '^CHECK step released' && table5 after
        echo >&3
    elif grep -q 'refusing to share it' "$log"; then
        sleep 2
        killed=1
        kill $qemu_pid
        echo "# $name: the driver refused a stream that shares its firmware" \
             "table; firmware must give each preset stream its own:"
        grep 'refusing to share it' "$log" | sed 's/^/#   /'
    fi
    finish_qemu /machine/dart-pcie
    boot_time
    check_guest_absent "no stream refused for sharing its firmware table" \
        'refusing to share it'
    check "the driver took the locked PCIe DART over" \
        grep -q '^CHECK dmesg .*9100000.iommu: DART is locked by firmware: taking over' "$log"
    for s in 4 5; do
        check "stream $s taken over with its own firmware table" \
            grep -q "^CHECK dmesg .*0000:00:0$s.0: 9100000.iommu: took over locked stream $s" "$log"
    done
    check "firmware's TCR still translates ($translate)" \
        sh -c "test \$(grep -c '^CHECK pcie-dart-stream . tcr $translate' '$log') = 2"
    check "vda read twice, concurrently with the write, with the right SHA-256" \
        test "$(grep -c "^CHECK read-sha256 vda $read_sha" "$log")" = 2
    wrote=$(sed -n 's/^CHECK wrote-sha256 vdb \([0-9a-f]*\).*/\1/p' "$log")
    check "vdb read back what was written" \
        sh -c "test -n '$wrote' && grep -q '^CHECK reread-sha256 vdb $wrote' '$log'"
    got=$(head -c 4194304 "$work/write.img" | sha256sum | cut -d' ' -f1)
    check "the host finds the written data on vdb after power-off" \
        test -n "$wrote" -a "$got" = "$wrote"
    check "stream 5's TTBR0 still names firmware's table ($table)" \
        guest_value_is pcie-dart-stream5-table "$table"
    check "while Linux had stream 5, firmware's table held Linux's entries" \
        sh -c "test -s '$work/table5-before.bin' && test -s '$work/table5-during.bin' &&
               ! cmp -s '$work/table5-before.bin' '$work/table5-during.bin'"
    check "stream 5 released: firmware's table restored" \
        grep -q "^CHECK dmesg-release .*9100000.iommu: stream 5: firmware's table restored" "$log"
    check "... byte for byte as firmware left it" \
        same "$work/table5-before.bin" "$work/table5-after.bin"
    check "no fault in the PCIe DART (${faults:-?})" test "${faults:-x}" = 0
    check_guest_absent "no fault in the guest's log" '^CHECK fault'
    no_locked_writes
    no_bad
    ;;
reconstruct)
    machine_opts=,pcie-dart-preset=mapped,pcie-dart-locked=on
    append="apple_virt.test=locked-driver-reconstruct apple_dart.locked=reconstruct apple_virt_display.scanout=0"
    start_qemu -device edu,addr=3.0,dma_mask=0xffffffffffffffff
    fw_ttbr=$(fw_ttbr0 0x09100000 3)
    t0=$(date +%s.%N)
    qmp '{"execute": "cont"}' > /dev/null
    stamp_begin
    finish_qemu /machine/dart-pcie
    boot_time
    warns=$(sed -n 's/^CHECK warn-count //p' "$log")
    locked_writes=$(grep -c 'apple_dart_locked_write dart-pcie' "$trace")
    fault_lines=$(grep -c '^CHECK fault .*9100000.iommu: translation fault' "$log")
    echo "# $name: $warns WARNs, $locked_writes refused TTBR/TCR writes on the PCIe DART," \
         "${faults:-?} faults (model), $fault_lines fault reports (guest)"
    sed -n 's/^CHECK warn-site /#   WARN in /p' "$log"
    check "probe accepted the locked PCIe DART (reconstruction)" \
        grep -q '^CHECK dmesg .*9100000.iommu: DART is locked by firmware; apple_dart.locked=reconstruct' "$log"
    check "the configuration paths WARNed ($warns)" test "${warns:-0}" -gt 0
    check "edu got a DMA domain" grep -Eq '^CHECK edu-iommu-group DMA' "$log"
    check "the model refused and traced the TTBR and TCR writes ($locked_writes)" \
        sh -c "grep -q 'apple_dart_locked_write dart-pcie: locked, TTBR' '$trace' &&
               grep -q 'apple_dart_locked_write dart-pcie: locked, TCR' '$trace'"
    check "firmware's TCR of stream 3 unchanged ($translate)" \
        guest_value_is pcie-dart-tcr3 "$translate"
    check "firmware's TTBR of stream 3 unchanged ($fw_ttbr)" \
        guest_value_is pcie-dart-ttbr3 "$fw_ttbr"
    check "edu's DMA faulted, reported with stream 3 and the IOVA" \
        grep -q '^CHECK fault .*9100000.iommu: translation fault: .*stream:3 .* at 0x801000000' "$log"
    check "the model traced the fault" \
        grep -q 'apple_dart_fault dart-pcie: stream 3 iova 0x801000000' "$trace"
    check "the model counted faults (${faults:-?})" test "${faults:-0}" -gt 0
    ;;
refuse)
    machine_opts=
    append="apple_virt.test=locked-driver-refuse apple_dart.locked=refuse apple_virt_display.scanout=0"
    start_qemu
    fw_ttbr=$(fw_ttbr0 0x09120000 0)
    t0=$(date +%s.%N)
    qmp '{"execute": "cont"}' > /dev/null
    stamp_begin
    finish_qemu /machine/dart-disp
    boot_time
    check "apple_dart.locked=refuse: the upstream refusal" \
        grep -q '^CHECK dmesg .*9120000.iommu: DART is locked down until reboot' "$log"
    check_guest_absent "no take-over" 'taking over'
    check "the display got no IOMMU" grep -q '^CHECK display-iommu-group none' "$log"
    check "firmware's TCR and TTBR0 untouched ($translate, $fw_ttbr)" \
        sh -c "$(declare -f guest_value_is); log='$log';
               guest_value_is disp-dart-tcr0 '$translate' &&
               guest_value_is disp-dart-ttbr0 '$fw_ttbr'"
    check "no fault in the display DART (${faults:-?})" test "${faults:-x}" = 0
    no_locked_writes
    no_bad
    ;;
*)
    echo "linux-locked-driver-test: unknown scenario $scenario" >&2
    exit 2
    ;;
esac
tap_status
