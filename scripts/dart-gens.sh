# The DART generations the Linux tests boot and the register layouts they
# use: what the host-side test scripts expect and where the guest's /init
# finds things, in one place (the hardware facts behind them are in
# docs/specs/apple-dart.rst). Plain POSIX sh:
# tests/linux/linux-test.sh and tests/linux/linux-locked-test.sh source it, and
# scripts/build-initramfs.sh puts it in the initramfs as /lib/dart-gens.sh
# for guest/init, which busybox sh runs.
# shellcheck shell=sh
# shellcheck disable=SC2034 # what it sets is for those who source it

# dart_layout COMPATIBLE|GEN: the register layout of a DART, named by its
# devicetree compatible ("apple,t8110-dart") or by a generation (t8110-va42).
#   DART_TCR_REG         offset of stream 0's TCR (stream n's at + 4n)
#   DART_LOCK_REG        the register Linux reads the firmware lock from,
#   DART_LOCK_BIT        and its lock bit (CONFIG.LOCK or PROTECT.TTBR_TCR)
#   DART_ERROR_REG       ERROR,
#   DART_ERROR_SID_SHIFT where it holds the stream,
#   DART_ERROR_NO_PMD    its NO_PMD code bit (bit 31 is FLAG on both)
#   DART_ERROR_ADDR_REG  ERROR_ADDR_LO (ERROR_ADDR_HI follows it)
#   DART_TCR_TRANSLATE, DART_TCR_FOUR_LEVEL, DART_TCR_BYPASS
#                        the TCR bits Linux writes
#   DART_TTBR_REG        offset of stream 0's TTBR0 (stream n's TTBR i at
#   DART_TTBR_STRIDE     + n * DART_TTBR_STRIDE + 4i)
#   DART_TTBR_ADDR_MASK  the table's address in a TTBR: (ttbr & mask) << 12
dart_layout() {
    case $1 in
    *t8110*)
        DART_TCR_REG=0x1000 DART_LOCK_REG=0x200 DART_LOCK_BIT=0x1
        DART_ERROR_REG=0x100 DART_ERROR_SID_SHIFT=20 DART_ERROR_NO_PMD=0x4
        DART_ERROR_ADDR_REG=0x170
        DART_TCR_TRANSLATE=0x1 DART_TCR_FOUR_LEVEL=0x8 DART_TCR_BYPASS=0x6
        DART_TTBR_REG=0x1400 DART_TTBR_STRIDE=4 DART_TTBR_ADDR_MASK=0x3ffffffc ;;
    *)      # T8020: t8103, t8103-usb4, t6000
        DART_TCR_REG=0x100 DART_LOCK_REG=0x60 DART_LOCK_BIT=0x8000
        DART_ERROR_REG=0x40 DART_ERROR_SID_SHIFT=24 DART_ERROR_NO_PMD=0x2
        DART_ERROR_ADDR_REG=0x50
        DART_TCR_TRANSLATE=0x80 DART_TCR_FOUR_LEVEL=0 DART_TCR_BYPASS=0x1100
        DART_TTBR_REG=0x200 DART_TTBR_STRIDE=16 DART_TTBR_ADDR_MASK=0x7fffffff
        case $1 in *usb4*) DART_TTBR_REG=0x400 ;; esac ;;
    esac
}

# dart_gen GEN: a DART generation of apple-virt, as the tests name it:
# t8103 (the default), t8103-usb4, t6000, t8110 (36-bit VA, three-level
# tables) or t8110-va42 (four-level tables). Sets its layout (dart_layout)
# and
#   DART_MACHINE     what it appends to "-M apple-virt"
#   DART_IAS, DART_OAS  its input and output address sizes
#   DART_STREAMS, DART_BYPASS  stream count (t8110s get the most PARAMS4
#                    can say, 256) and bypass support
#   DART_TRANSLATE   the TCR Linux writes for a translated stream, "0x%08x"
#   DART_LOCKED      the lock register of a locked DART as Linux prints it
# Returns 1 for an unknown generation.
dart_gen() {
    DART_STREAMS=16 DART_BYPASS=1
    case $1 in
    t8103)      DART_MACHINE='' DART_IAS=32 DART_OAS=36 ;;
    t8103-usb4) DART_MACHINE=,dart=t8103-usb4 DART_IAS=32 DART_OAS=36
                DART_STREAMS=64 DART_BYPASS=0 ;;
    t6000)      DART_MACHINE=,dart=t6000 DART_IAS=32 DART_OAS=42 ;;
    t8110)      DART_MACHINE=,dart=t8110,dart-num-streams=256
                DART_IAS=36 DART_OAS=42 DART_STREAMS=256 ;;
    t8110-va42) DART_MACHINE=,dart=t8110,dart-va-bits=42,dart-num-streams=256
                DART_IAS=42 DART_OAS=42 DART_STREAMS=256 ;;
    *) return 1 ;;
    esac
    dart_layout "$1"
    # 16 KiB pages: three levels cover 36 bits of IOVA, a wider one takes four
    DART_TRANSLATE=$DART_TCR_TRANSLATE
    [ "$DART_IAS" -le 36 ] || DART_TRANSLATE=$((DART_TRANSLATE | DART_TCR_FOUR_LEVEL))
    DART_TRANSLATE=$(printf '0x%08x' "$DART_TRANSLATE")
    DART_LOCKED=$(printf '%08x' "$DART_LOCK_BIT")
}

# dart_disk_streams: where the Linux boot tests put their disks, after
# dart_gen: on the DART's lowest stream, a middle one and its highest,
# so that bitmaps of several words, per-stream TLB commands and error
# bits all get used. Sets
#   DART_DISK_STREAMS  "LOW MID HIGH", the streams of root-bus slots 4, 5
#                      and 6 (a slot whose own stream that is swaps with it)
#   DART_DISK_MACHINE  the options that say so, to append to
#                      "-M apple-virt$DART_MACHINE"; the XHCI goes on the
#                      USB DART's highest stream
dart_disk_streams() {
    DART_DISK_STREAMS="0 $((DART_STREAMS / 2)) $((DART_STREAMS - 1))"
    map= slot=4
    for sid in $DART_DISK_STREAMS; do
        map="$map+$slot:$sid"
        if [ "$sid" -lt 16 ] && [ "$sid" -ne "$slot" ]; then
            map="$map+$sid:$slot"
        fi
        slot=$((slot + 1))
    done
    DART_DISK_MACHINE=",pcie-dart-streams=${map#+},usb-dart-stream=$((DART_STREAMS - 1))"
}
