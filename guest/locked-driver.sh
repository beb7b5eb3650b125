# In-guest checks of the patched apple-dart driver taking over DARTs that
# firmware locked (guest/linux/7.2, tests/linux/linux-locked-driver-test.sh).
# guest/init sources this file and calls locked_driver_main for
# "apple_virt.test=locked-driver-<scenario>"; it uses guest/init's helpers
# (dart_tcr, pci_dev, edu_dma_from, untimestamp). Prints "CHECK ..." lines;
# at each "CHECK step NAME" it holds still until the host sends a line on
# the serial console (after a screendump or a look at the model's stats).
# shellcheck shell=sh

LD_DISPLAY=9300000.display
LD_DISPLAY_DRV=/sys/bus/platform/drivers/apple-virt-display

# TTBR $3 of stream $1 of the DART at $2
ld_dart_ttbr() {
    dart_layout "$(dart_compat "$2")"
    off=$((DART_TTBR_REG + DART_TTBR_STRIDE * $1 + 4 * ${3:-0}))
    devmem "$(printf '0x%x' $(($2 + off)))" 32
}

# The address of the table TTBR0 of stream $1 of the DART at $2 names
ld_dart_table() {
    t=$(ld_dart_ttbr "$1" "$2")
    dart_layout "$(dart_compat "$2")"     # the subshell's is gone
    printf '0x%x\n' $(((t & DART_TTBR_ADDR_MASK) << 12))
}

ld_step() {
    echo "CHECK step $1"
    # shellcheck disable=SC3045 # busybox's read has -t
    read -r -t 120 _
}

ld_dmesg() {
    dmesg | grep -E "$1" | untimestamp | sed "s/^/CHECK ${2:-dmesg} /"
}

ld_scanout() {
    echo "CHECK scanout-iova $1" \
         "$(devmem 0x0930000c 32):$(devmem 0x09300008 32)"
}

# The display DART's take-over, then our driver moving scan-out to its own
# framebuffer and back.
ld_display() {
    echo "CHECK disp-dart-tcr0 $(dart_tcr 0 "$DART_DISP")"
    echo "CHECK disp-dart-ttbr0 $(ld_dart_ttbr 0 "$DART_DISP")"
    ld_dmesg 'apple-dart|apple-virt-display|9300000.display'
    if [ -e /sys/class/graphics/fb0 ]; then
        echo "CHECK fb0 $(cat /sys/class/graphics/fb0/name)" \
             "$(cat /sys/class/graphics/fb0/virtual_size)"
    fi
    g=/sys/bus/platform/devices/$LD_DISPLAY/iommu_group
    [ -e $g ] && echo "CHECK display-iommu-group $(cat $g/type)"
    for _ in $(seq 8); do
        echo "apple-virt: this console reaches the screen through the" \
             "locked display DART, taken over by Linux" > /dev/tty1
    done
    ld_scanout takeover
    ld_step takeover

    echo 1 > /sys/module/apple_virt_display/parameters/scanout
    echo $LD_DISPLAY > $LD_DISPLAY_DRV/unbind
    echo $LD_DISPLAY > $LD_DISPLAY_DRV/bind
    ld_scanout ours
    ld_step ours

    echo $LD_DISPLAY > $LD_DISPLAY_DRV/unbind
    ld_scanout handback
    ld_step handback

    # No driver on the display: ask the core for an identity domain,
    # which a locked DART cannot give (its TCR cannot change).
    g=/sys/bus/platform/devices/$LD_DISPLAY/iommu_group
    if echo identity > $g/type 2>/dev/null; then
        echo "CHECK identity-domain accepted"
    else
        echo "CHECK identity-domain refused"
    fi
    echo "CHECK display-iommu-group-end $(cat $g/type)"
    ld_dmesg 'domain refused' dmesg-refused
    echo "CHECK disp-dart-tcr0-end $(dart_tcr 0 "$DART_DISP")"
    echo "CHECK disp-dart-ttbr0-end $(ld_dart_ttbr 0 "$DART_DISP")"
    ld_dmesg 'scan-out|restored' dmesg-end
}

# Two virtio-blk disks behind the locked PCIe DART: read one while
# writing the other, then read back what was written.
ld_pcie() {
    ld_dmesg 'apple-dart|virtio|0000:00:0[45].0'
    for s in 4 5; do
        echo "CHECK pcie-dart-stream $s tcr $(dart_tcr "$s" "$DART_PCIE")" \
             "ttbr0 $(ld_dart_ttbr "$s" "$DART_PCIE")"
        g=$(pci_dev $s)/iommu_group
        [ -e "$g" ] && echo "CHECK iommu-group $s $(cat "$g/type")"
    done
    if [ -b /dev/vda ] && [ -b /dev/vdb ]; then
        yes 'apple-dart: written through a locked DART Linux took over' |
            head -c 4194304 > /tmp/pattern
        sha256sum /dev/vda > /tmp/read1 &
        r1=$!
        dd if=/tmp/pattern of=/dev/vdb bs=65536 conv=fsync 2>/dev/null
        sha256sum /dev/vda > /tmp/read2
        wait $r1
        echo "CHECK read-sha256 vda $(cut -d' ' -f1 /tmp/read1)"
        echo "CHECK read-sha256 vda $(cut -d' ' -f1 /tmp/read2)"
        echo "CHECK wrote-sha256 vdb $(sha256sum /tmp/pattern | cut -d' ' -f1)"
        echo 3 > /proc/sys/vm/drop_caches
        echo "CHECK reread-sha256 vdb $(head -c 4194304 /dev/vdb | sha256sum | cut -d' ' -f1)"
    fi
    ld_dmesg 'translation fault' fault
    # Let go of stream 5: firmware's table must get its contents back.
    d=$(pci_dev 5)
    if [ -e "$d" ]; then
        echo "CHECK pcie-dart-stream5-table $(ld_dart_table 5 "$DART_PCIE")"
        ld_step taken
        echo 1 > "$d/remove"
        ld_dmesg 'stream 5: firmware' dmesg-release
        ld_step released
    fi
}

# apple_dart.locked=reconstruct: the configuration paths WARN on the
# locked DART and write anyway; edu gets a DMA domain whose tables the
# DART never sees, and its DMA faults.
ld_reconstruct() {
    d=$(pci_dev 3)
    edu_dma_from 0x801000000
    [ -e "$d/iommu_group" ] &&
        echo "CHECK edu-iommu-group $(cat "$d/iommu_group/type")"
    echo "CHECK pcie-dart-tcr3 $(dart_tcr 3 "$DART_PCIE")"
    echo "CHECK pcie-dart-ttbr3 $(ld_dart_ttbr 3 "$DART_PCIE")"
    echo "CHECK warn-count $(dmesg | grep -c 'WARNING:')"
    dmesg | grep 'WARNING:' | sed -n 's/.* at \([a-z_0-9]*\)+.*/\1/p' |
        sort | uniq -c | while read -r n f; do echo "CHECK warn-site $f $n"; done
    ld_dmesg 'apple-dart|0000:00:03.0'
    ld_dmesg 'translation fault' fault
}

# apple_dart.locked=refuse: upstream's behaviour, in the patched kernel.
ld_refuse() {
    ld_dmesg 'locked down|apple-dart|apple-virt-display'
    echo "CHECK disp-dart-tcr0 $(dart_tcr 0 "$DART_DISP")"
    echo "CHECK disp-dart-ttbr0 $(ld_dart_ttbr 0 "$DART_DISP")"
    # (no display device is no "none")
    [ -d /sys/bus/platform/devices/$LD_DISPLAY ] &&
        [ ! -e /sys/bus/platform/devices/$LD_DISPLAY/iommu_group ] &&
        echo "CHECK display-iommu-group none"
}

locked_driver_main() {
    echo "CHECK begin"
    echo "CHECK cmdline $(cat /proc/cmdline)"
    case $(cat /proc/cmdline) in
    *apple_virt.test=locked-driver-display*) ld_display ;;
    *apple_virt.test=locked-driver-pcie*) ld_pcie ;;
    *apple_virt.test=locked-driver-reconstruct*) ld_reconstruct ;;
    *apple_virt.test=locked-driver-refuse*) ld_refuse ;;
    esac
    dmesg_bad       # (guest/init's)
    echo "CHECK end"
    # the host reads the model's counters before the power-off
    # shellcheck disable=SC3045 # busybox's read has -t
    read -r -t 120 _
}
