#!/usr/bin/env bash
# Validate the devicetree of every machine configuration the tests use
# with dt-schema (scripts/dt-schema.sh): the kernel's bindings (apple,dart,
# reserved-memory with iommu-addresses, simple-framebuffer, the generic
# ECAM host and XHCI, GICv3, PL011, ...) and ours (docs/devicetree/bindings,
# which first pass dt-schema's meta-schema check). One "dt-schema: CONFIG:
# 0 errors" line per configuration; any error fails it and is shown. A
# copy of the first with an error planted must fail.
#
#   dt-schema-test.sh [MACHINE_OPTIONS...]
#
# Each argument is appended to "-M apple-virt" (with the Linux tests' -m 1G
# -smp 2); without arguments, the configurations of make check's suites.
# Prints TAP; exits non-zero on failure.
set -uo pipefail

top=$(cd "$(dirname "$0")/../.." && pwd)
qemu="$top/build/qemu-system-aarch64"
work="$top/build/dt-schema-test"
rm -rf "$work"
mkdir -p "$work"

. "$top/tests/lib/tap.sh"
. "$top/scripts/dart-gens.sh"

if [ $# -eq 0 ]; then
    # every DART generation, as linux-test.sh boots it ...
    for gen in t8103 t8103-usb4 t6000 t8110 t8110-va42; do
        dart_gen "$gen"
        dart_disk_streams
        set -- "$@" "$DART_MACHINE$DART_DISK_MACHINE,dart-check-stale-tlb=on"
    done
    # ... firmware's presets: the locked PCIe DART (linux-locked-test.sh,
    # linux-locked-driver-test.sh), every DART preset, none, one stream
    for gen in t8103 t6000 t8110-va42; do
        dart_gen "$gen"
        set -- "$@" "$DART_MACHINE,pcie-dart-preset=mapped,pcie-dart-locked=on"
    done
    set -- "$@" \
        ",pcie-dart-preset=mapped,usb-dart-preset=mapped,usb-dart-locked=on" \
        ",pcie-dart-preset=mapped,usb-dart-preset=empty,disp-dart-locked=off" \
        ",disp-dart-preset=none,disp-dart-locked=off" \
        ",pcie-dart-preset=mapped,pcie-dart-preset-streams=0x8"
fi

# the project's bindings themselves
out=$("$top/scripts/dt-schema.sh" doc 2>&1)
rc=$?
# (dt-doc-validate finds nothing wrong with no bindings at all)
bindings=("$top"/docs/devicetree/bindings/*/*.yaml)
[ -f "${bindings[0]}" ] || { out="no docs/devicetree/bindings/*/*.yaml${out:+
$out}"; rc=1; }
[ -z "$out" ] || printf '%s\n' "$out" | sed 's/^/# /'
result "$rc" "dt-schema: docs/devicetree/bindings pass dt-doc-validate"

dtbs=() names=()
i=0
for opts in "$@"; do
    i=$((i + 1))
    m="apple-virt$opts"
    dtb="$work/$i.dtb"
    if "$qemu" -M "$m,dumpdtb=$dtb" -m 1G -smp 2 -display none \
           > "$work/$i.qemu.log" 2>&1; then
        dtbs+=("$dtb")
        names+=("$m")
    else
        sed 's/^/# /' "$work/$i.qemu.log"
        result 1 "dt-schema: $m: dumpdtb"
    fi
done
# the examples of our bindings, as the kernel's dt_binding_check does
for yaml in "$top"/docs/devicetree/bindings/*/*.yaml; do
    grep -q '^examples:' "$yaml" || continue
    i=$((i + 1))
    rel=${yaml#"$top"/}
    if "$top/scripts/dt-schema.sh" example "$yaml" "$work/$i.dtb" \
           > "$work/$i.dtc.log" 2>&1; then
        dtbs+=("$work/$i.dtb")
        names+=("the example in $rel")
    else
        sed 's/^/# /' "$work/$i.dtc.log"
        result 1 "dt-schema: the example in $rel compiles without warnings"
    fi
done
[ ${#dtbs[@]} -gt 0 ] || { tap_status; exit; }
# and one that must fail, so that an error is seen to be one: the first
# configuration with a property no binding allows in its first DART
planted=-1
if dtc -q -I dtb -O dts "${dtbs[0]}" |
        sed '0,/compatible = "apple,[a-z0-9]*-dart";/s//&\n\t\tplanted-error = <1>;/' |
        dtc -q -I dts -O dtb -o "$work/planted.dtb" -; then
    planted=${#dtbs[@]}
    dtbs+=("$work/planted.dtb")
    names+=("a DART node with a planted unknown property")
else
    result 1 "dt-schema: plant an error in ${dtbs[0]}"
fi

# one dt-validate for all: loading the processed schema is most of its time
"$top/scripts/dt-schema.sh" validate "${dtbs[@]}" > "$work/validate.log" 2>&1
rc=$?
for j in "${!dtbs[@]}"; do
    # a report starts with "DTB: "; its continuation lines are indented
    awk -v p="${dtbs[$j]}: " 'index($0, p) == 1 { on = 1; print; next }
                              /^[ \t]/ && on { print; next } { on = 0 }' \
        "$work/validate.log" > "$work/$((j + 1)).errors"
    errors=$(grep -c "^${dtbs[$j]}: " "$work/$((j + 1)).errors")
    sed 's/^/# /' "$work/$((j + 1)).errors"
    if [ "$j" -eq "$planted" ]; then
        result "$((errors == 0))" "dt-schema: ${names[$j]} fails ($errors errors)"
    else
        result "$errors" "dt-schema: ${names[$j]}: $errors errors"
    fi
done
# whatever dt-validate said that is no DTB's (it failing to run, say)
if [ "$rc" -ne 0 ] && ! grep -q "^$work/" "$work/validate.log"; then
    sed 's/^/# /' "$work/validate.log"
    result 1 "dt-schema: dt-validate ran"
fi
tap_status
