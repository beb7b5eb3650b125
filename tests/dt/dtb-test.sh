#!/usr/bin/env bash
# Check the devicetree apple-virt hands to the kernel: dtc must decompile
# it without a single warning, and the DART wiring must be what the
# apple,dart binding and the Linux driver expect.
#
#   dtb-test.sh [MACHINE_OPTIONS...]    e.g. dtb-test.sh "" ",dart=t8110"
#
# Each argument is appended to "-M apple-virt"; without arguments the
# default machine is checked. Prints TAP; exits non-zero on failure.
set -uo pipefail

top=$(cd "$(dirname "$0")/../.." && pwd)
. "$top/scripts/versions.sh"       # QEMU_SERIES: which QEMU
qemu="${QEMU_BUILD:-$top/$QEMU_DIR/qemu-build}/qemu-system-aarch64"
work=${work:-$top/build/dtb-test}
rm -rf "$work"
mkdir -p "$work"

. "$top/tests/lib/tap.sh"

[ $# -gt 0 ] || set -- ""
i=0
for opts in "$@"; do
    i=$((i + 1))
    m="apple-virt$opts"
    dtb="$work/$i.dtb"
    "$qemu" -M "$m,dumpdtb=$dtb" -display none > "$work/$i.qemu.log" 2>&1
    result $? "$m: dumpdtb"
    dtc -I dtb -O dts -o "$work/$i.dts" "$dtb" > "$work/$i.dtc.log" 2>&1
    rc=$?
    [ -s "$work/$i.dtc.log" ] && sed 's/^/# /' "$work/$i.dtc.log"
    result $(( rc != 0 || $(wc -c < "$work/$i.dtc.log") != 0 )) \
        "$m: dtc decompiles the devicetree without warnings"
    dts="$work/$i.dts"
    # every DART: one reg of 0x4000, one interrupt, #iommu-cells = 1
    darts=$(grep -c 'compatible = "apple,.*-dart' "$dts")
    cells=$(grep -c '#iommu-cells = <0x01>' "$dts")
    result $(( darts < 2 || darts != cells )) \
        "$m: $darts DART nodes, each with #iommu-cells = <1>"
    grep -q 'iommu-map = <0x00 0x[0-9a-f]* 0x00 0x01 0x08' "$dts"
    result $? "$m: PCIe maps RIDs to DART streams with iommu-map"
    grep -A8 'usb@9200000' "$dts" | grep -q 'iommus = <0x[0-9a-f]* 0x01>'
    result $? "$m: the XHCI names its DART stream with iommus"
    grep -A8 'display@9300000' "$dts" | grep -q 'iommus = <0x[0-9a-f]* 0x00>'
    result $? "$m: the display engine names the display DART's stream 0"
    grep -A8 'display@9300000' "$dts" |
        grep -qE 'memory-region-names = "firmware(\\0|", ")framebuffer"'
    result $? "$m: the display engine lists firmware's regions"
    # firmware's mappings: reg, no-map, iommu-addresses = <&client IOVA SIZE>
    grep -A5 'framebuffer@83fc00000 {' "$dts" |
        grep -q 'iommu-addresses = <0x[0-9a-f]* 0x00 0xa0000000 0x00 0x300000>'
    result $? "$m: the framebuffer's reserved-memory node has iommu-addresses"
    grep -A8 'framebuffer@83fc00000 {' "$dts" | grep -q 'compatible = "simple-framebuffer"'
    result $? "$m: /chosen/framebuffer is a simple-framebuffer on the same memory"
    # what firmware preset is in the registers, as m1n1 leaves it: the
    # DT has no node of its own for it (dt-schema's /chosen allows none)
    check_absent "$m: no /chosen/dart-presets" 'dart-presets' "$dts" 'chosen {'
    # memory-region only where the client's binding has it
    # (both there, and the 12 lines before their compatible have none)
    grep -q 'compatible = "generic-xhci"' "$dts" &&
        grep -q 'compatible = "pci-host-ecam-generic"' "$dts" &&
        grep -B12 'compatible = "\(generic-xhci\|pci-host-ecam-generic\)"' "$dts" |
        absent 'memory-region' - > /dev/null
    result $? "$m: the PCIe host and XHCI have no memory-region"
    bad=$(awk '/reserved-memory {/,/^\t};/' "$dts" | grep -c '@[0-9a-f]* {')
    nomap=$(awk '/reserved-memory {/,/^\t};/' "$dts" | grep -c 'no-map;')
    result $(( bad == 0 || bad != nomap )) \
        "$m: $bad reserved-memory regions, all no-map"
done

# Streams moved by options: iommu-map and iommus follow. RID 00:SS.0 is
# SS << 3; t8103-usb4 DARTs have 64 streams.
# dump_dts NAME MACHINE: $work/NAME.dts of -M MACHINE (a result for
# the dump); sets $dts and $map, its iommu-map line
dump_dts() {
    "$qemu" -M "$2,dumpdtb=$work/$1.dtb" -display none > "$work/$1.qemu.log" 2>&1
    result $? "$2: dumpdtb"
    dts=$work/$1.dts
    dtc -I dtb -O dts -o "$dts" "$work/$1.dtb" 2> /dev/null
    map=$(grep 'iommu-map = ' "$dts")
}
m="apple-virt,dart=t8103-usb4,pcie-dart-streams=4:0+0:4+5:32+6:63,usb-dart-stream=63"
dump_dts streams "$m"
found=0
for entry in "0x00 0x[0-9a-f]* 0x04 0x01" "0x20 0x[0-9a-f]* 0x00 0x01" \
             "0x28 0x[0-9a-f]* 0x20 0x01" "0x30 0x[0-9a-f]* 0x3f 0x01" \
             "0x18 0x[0-9a-f]* 0x03 0x01"; do
    grep -q "$entry" <<< "$map" && found=$((found + 1))
done
result $(( found != 5 )) "$m: iommu-map puts slots 0, 4, 5, 6 on streams 4, 0, 32, 63 (and slot 3 on its own)"
[ "$(sed 's/.*<//; s/>.*//' <<< "$map" | wc -w)" -eq $((16 * 4)) ]
result $? "$m: still one iommu-map entry for each of the 16 slots"
grep -A8 'usb@9200000' "$dts" | grep -q 'iommus = <0x[0-9a-f]* 0x3f>'
result $? "$m: the XHCI names its stream 63 with iommus"

# One function on a stream of its own: an entry per function, the mask
# keeps the function; slot 5, whose stream 5 went to 4.1, has none.
m="apple-virt,pcie-dart-streams=4.1:5"
dump_dts functions "$m"
grep -q 'iommu-map-mask = <0xffff>' "$dts" &&
    grep -q '0x20 0x[0-9a-f]* 0x04 0x01 0x21 0x[0-9a-f]* 0x05 0x01 0x22 0x[0-9a-f]* 0x04 0x01' <<< "$map" &&
    ! grep -q '0x28 0x[0-9a-f]* 0x05 0x01' <<< "$map" &&
    [ "$(sed 's/.*<//; s/>.*//' <<< "$map" | wc -w)" -eq $(((16 - 1) * 8 * 4)) ]
result $? "$m: 4.1 on stream 5, 4.0 and 4.2 on 4, slot 5 in no entry, mask 0xffff"
tap_status
