#!/usr/bin/env python3
"""Seed inputs for QEMU's generic-fuzz target on apple-virt (make fuzz).

    fuzz-seeds.py probe OUT                  the region probe (two inputs)
    fuzz-seeds.py seeds GEN REGIONS OUTDIR   seeds for DART generation GEN

generic-fuzz reads its input as operations separated by "FUZZ": an opcode
byte (modulo 10) and a packed struct of operands (tests/qtest/fuzz/
generic_fuzz.c). An MMIO operation names its region by index: the
index'th range, in address order, of the memory regions QEMU_FUZZ_OBJECTS
matched. Those indices depend on the machine (the XHCI's port count, and
whether edu's BAR is mapped yet), so make fuzz learns them first: it runs
the probe inputs under QTEST_LOG, and passes the addresses each index
reached, one "PHASE INDEX ADDRESS" a line, as REGIONS.

Page tables live in guest RAM, which generic-fuzz cannot write directly:
it fills RAM when a device reads it by DMA, with the input's DMA
patterns. So every seed that translates adds one pattern, an entry that
points at one page with VALID set and full subpage permissions: read as
a table entry it leads to that page, read as a leaf it maps it, at every
level. The DART's table walks (address_space_ldq_le on system memory)
are filled this way; DMA through the IOMMU is not (generic-fuzz fills
the CPU's view at the IOVA), so edu and the XHCI read the pattern only
through a bypassed stream.

The sequences are the drivers' (Linux's apple-dart, m1n1): reset reads,
attach (TTBR, TCR, stream enable), DMA, TLB invalidate, a fault and its
clearing, bypass, the T8020 lock, T8110 PROTECT/UNPROTECT/PROTECT_LOCK,
the XHCI's command ring through the USB DART, the display engine.
"""

import os
import struct
import sys

SEP = b"FUZZ"
OP_READ, OP_WRITE = 2, 3
OP_ADD_DMA_PATTERN, OP_CLEAR_DMA_PATTERNS, OP_CLOCK_STEP = 7, 8, 9
SIZES = {1: 0, 2: 1, 4: 2, 8: 3}

# apple-virt's memory map (hw/arm/apple-virt.c)
DART_PCIE, DART_USB, DART_DISP = 0x09100000, 0x09110000, 0x09120000
XHCI, DISPLAY, ECAM = 0x09200000, 0x09300000, 0x4010000000
EDU_BAR = 0x10000000            # where the seeds put edu's BAR 0
RAM = 0x800000000
TABLES = RAM + 0x100000         # as the qtests' harness
PAGE = RAM + 0x200000           # the page every pattern entry names
IOVA = 0x4000
EDU_SLOT, XHCI_SID = 3, 1
EDU_CFG = EDU_SLOT << 15        # ECAM offset of edu's config space
PROBE_MAX = 40                  # indices the probe tries

# DART generations: register layout, PTE format, streams, TTBR base
GENS = {
    "t8103": ("t8020", "dart1", 16, 0x200),
    "t8103-usb4": ("t8020", "dart1", 64, 0x400),
    "t6000": ("t8020", "dart2", 16, 0x200),
    "t8110": ("t8110", "dart2", 16, 0x1400),
    "t8110-va42": ("t8110", "dart2", 16, 0x1400),
}


class Seq:
    """One generic-fuzz input, built from operations on named regions."""

    def __init__(self, regions):
        self.regions = regions      # phase -> {address: index}
        self.phase = "pre"          # "post" once edu's BAR is mapped
        self.ops = []

    def _where(self, addr):
        best = None
        for base, idx in self.regions[self.phase].items():
            if base <= addr and (best is None or base > best[0]):
                best = (base, idx)
        if best is None:
            raise KeyError(f"no region at 0x{addr:x}")
        return best[1], addr - best[0]

    def wr(self, addr, val, size=4):
        idx, off = self._where(addr)
        self.ops.append(bytes([OP_WRITE]) +
                        struct.pack("<BBxxIQ", SIZES[size], idx, off, val))

    def rd(self, addr, size=4):
        idx, off = self._where(addr)
        self.ops.append(bytes([OP_READ]) +
                        struct.pack("<BBxxI", SIZES[size], idx, off))

    def pattern(self, data, index=0, stride=0):
        self.ops.append(bytes([OP_ADD_DMA_PATTERN, index, stride]) + data)

    def clear_patterns(self):
        self.ops.append(bytes([OP_CLEAR_DMA_PATTERNS]))

    def step(self):
        """Advance to the next timer; generic-fuzz aborts if none is set."""
        self.ops.append(bytes([OP_CLOCK_STEP]))

    def data(self):
        for op in self.ops:
            assert SEP not in op, f"an operation holds the separator: {op}"
        return SEP.join(self.ops)


def probe_inputs():
    """Read offset 0 of every index, map edu's BAR, and again."""
    pre = b"".join(bytes([OP_READ]) + struct.pack("<BBxxI", 2, i, 0) + SEP
                   for i in range(PROBE_MAX))
    return pre


def probe_post(regions):
    s = Seq(regions)
    s.wr(ECAM + EDU_CFG + 0x10, EDU_BAR)
    s.wr(ECAM + EDU_CFG + 0x04, 0x6)
    return s.data() + SEP + probe_inputs()


def pte(fmt, pa):
    """An entry for @pa in format @fmt: VALID, full subpage range."""
    full = 0xfff << 40
    if fmt == "dart1":
        return (pa & (((1 << 24) - 1) << 12)) | full | 1
    return ((pa >> 4) & (((1 << 28) - 1) << 10)) | full | 1


class Dart:
    """Driver-level operations on one DART of generation @gen."""

    def __init__(self, s, gen, base):
        self.s, self.base = s, base
        self.layout, self.fmt, self.streams, self.ttbr_base = GENS[gen]
        self.four_level = gen == "t8110-va42"

    def wr(self, off, val):
        self.s.wr(self.base + off, val)

    def rd(self, off):
        self.s.rd(self.base + off)

    def reset_reads(self):
        for off in (0x00, 0x04, 0x08, 0x0c):
            self.rd(off)
        if self.layout == "t8020":
            for off in (0x20, 0x40, 0x50, 0x54, 0x60, 0xfc):
                self.rd(off)
        else:
            for off in (0x80, 0x100, 0x104, 0x170, 0x174, 0x1c0, 0x200,
                        0x208, 0x700, 0xc00):
                self.rd(off)

    def tcr_off(self, sid):
        return (0x100 if self.layout == "t8020" else 0x1000) + 4 * sid

    def ttbr_off(self, sid, idx=0):
        stride = 16 if self.layout == "t8020" else 4
        return self.ttbr_base + stride * sid + 4 * idx

    def enable_streams(self):
        if self.layout == "t8020":
            self.wr(0xfc, 0xffffffff)
        else:
            for w in range((self.streams + 31) // 32):
                self.wr(0xc00 + 4 * w, 0xffffffff)

    def attach(self, sid, table=TABLES):
        if self.layout == "t8020":
            self.wr(self.ttbr_off(sid), (table >> 12) | 1 << 31)
            self.wr(self.tcr_off(sid), 1 << 7)
        else:
            self.wr(self.ttbr_off(sid), ((table >> 12) & 0x3ffffffc) | 1)
            self.wr(self.tcr_off(sid), 1 | (8 if self.four_level else 0))
        self.enable_streams()

    def bypass(self, sid):
        self.wr(self.tcr_off(sid), (1 << 8 | 1 << 12)
                if self.layout == "t8020" else 0x6)
        self.enable_streams()

    def detach(self, sid):
        self.wr(self.tcr_off(sid), 0)
        self.wr(self.ttbr_off(sid), 0)

    def invalidate(self, sid):
        if self.layout == "t8020":
            for w in range((self.streams + 31) // 32):
                mask = (1 << sid) >> (32 * w) & 0xffffffff
                self.wr(0x34 + 4 * w, mask)
            self.wr(0x20, 1 << 20)
            self.rd(0x20)
        else:
            self.wr(0x80, 1 << 8 | sid)
            self.rd(0x80)

    def invalidate_all(self):
        if self.layout == "t8020":
            for w in range((self.streams + 31) // 32):
                self.wr(0x34 + 4 * w, 0xffffffff)
            self.wr(0x20, 1 << 20)
        else:
            self.wr(0x80, 0)
        self.rd(0x80 if self.layout == "t8110" else 0x20)

    def fault_clear(self):
        err, lo, hi = ((0x40, 0x50, 0x54) if self.layout == "t8020"
                       else (0x100, 0x170, 0x174))
        self.rd(err)
        self.rd(lo)
        self.rd(hi)
        self.wr(err, 0xffffffff)
        self.rd(err)

    def lock(self):
        if self.layout == "t8020":
            self.wr(0x60, 1 << 15)
            self.rd(0x60)
        else:
            self.wr(0x200, 1)
            self.rd(0x200)

    def map_pattern(self, page=PAGE):
        self.s.pattern(struct.pack("<Q", pte(self.fmt, page)))


def edu_setup(s):
    s.wr(ECAM + EDU_CFG + 0x10, EDU_BAR)
    s.wr(ECAM + EDU_CFG + 0x04, 0x6)
    s.phase = "post"
    s.rd(EDU_BAR + 0x0)


def edu_dma(s, iova, to_ram=False, count=64):
    if to_ram:
        s.wr(EDU_BAR + 0x80, 0x40000, 8)
        s.wr(EDU_BAR + 0x88, iova, 8)
    else:
        s.wr(EDU_BAR + 0x80, iova, 8)
        s.wr(EDU_BAR + 0x88, 0x40000, 8)
    s.wr(EDU_BAR + 0x90, count, 8)
    s.wr(EDU_BAR + 0x98, 3 if to_ram else 1, 8)
    # edu's DMA timer is the one pending: a step with none aborts
    s.step()
    s.rd(EDU_BAR + 0x98, 8)


def seeds(gen, regions):
    out = {}

    def new():
        return Seq(regions)

    # Reset state of every DART, the display engine, the XHCI
    s = new()
    for base in (DART_PCIE, DART_USB, DART_DISP):
        Dart(s, gen, base).reset_reads()
    for off in range(0, 0x2c, 4):
        s.rd(DISPLAY + off)
    s.rd(XHCI)
    s.rd(XHCI + 0x40)
    out["reset"] = s

    # attach, map, DMA both ways, invalidate, DMA, detach
    s = new()
    d = Dart(s, gen, DART_PCIE)
    edu_setup(s)
    d.map_pattern()
    d.attach(EDU_SLOT)
    edu_dma(s, IOVA)
    edu_dma(s, IOVA, to_ram=True)
    d.invalidate(EDU_SLOT)
    edu_dma(s, IOVA + 0x4000)
    d.detach(EDU_SLOT)
    d.invalidate_all()
    edu_dma(s, IOVA)
    out["attach-map-dma"] = s

    # a fault: translation on, no valid TTBR; then read and clear it
    s = new()
    d = Dart(s, gen, DART_PCIE)
    edu_setup(s)
    d.wr(d.tcr_off(EDU_SLOT), 1 << 7 if d.layout == "t8020" else 1)
    d.enable_streams()
    edu_dma(s, IOVA)
    d.fault_clear()
    # ... and a missing leaf: tables that hold no valid entry
    s.pattern(struct.pack("<Q", 0))
    d.attach(EDU_SLOT)
    edu_dma(s, IOVA, to_ram=True)
    d.fault_clear()
    out["fault"] = s

    # bypass: edu DMA straight to RAM
    s = new()
    d = Dart(s, gen, DART_PCIE)
    edu_setup(s)
    s.pattern(b"\x5a\xa5", 0, 1)
    d.bypass(EDU_SLOT)
    edu_dma(s, PAGE)
    edu_dma(s, PAGE + 0x100, to_ram=True)
    out["bypass"] = s

    # lock after attach; writes to the locked registers are refused
    s = new()
    d = Dart(s, gen, DART_PCIE)
    edu_setup(s)
    d.map_pattern()
    d.attach(EDU_SLOT)
    d.lock()
    d.wr(d.ttbr_off(EDU_SLOT), 0)
    d.wr(d.tcr_off(EDU_SLOT), 0)
    d.rd(d.ttbr_off(EDU_SLOT))
    d.rd(d.tcr_off(EDU_SLOT))
    edu_dma(s, IOVA)
    d.invalidate(EDU_SLOT)
    out["lock"] = s

    if GENS[gen][0] == "t8110":
        # PROTECT, UNPROTECT, PROTECT again and seal it with PROTECT_LOCK
        s = new()
        d = Dart(s, gen, DART_PCIE)
        d.attach(EDU_SLOT)
        d.wr(0x200, 1)
        d.wr(d.ttbr_off(EDU_SLOT), 0)
        d.rd(d.ttbr_off(EDU_SLOT))
        d.wr(0x204, 1)
        d.wr(d.ttbr_off(EDU_SLOT), 0)
        d.wr(0x200, 0x1b)
        d.wr(0x208, 1)
        d.wr(0x204, 1)
        d.rd(0x200)
        d.rd(0x208)
        d.wr(0x104, 0xffffffff)
        d.rd(0x1c0)
        out["protect"] = s

    # XHCI: its command ring through the USB DART, bypassed and mapped
    s = new()
    d = Dart(s, gen, DART_USB)
    op = XHCI + 0x40
    s.rd(XHCI)
    d.bypass(XHCI_SID)
    # an Enable Slot command TRB with the cycle bit, and a NOOP
    s.pattern(struct.pack("<QII", 0, 0, 9 << 10 | 1))
    s.pattern(struct.pack("<QII", 0, 0, 23 << 10 | 1))
    s.wr(op + 0x00, 1 << 1)                 # USBCMD.HCRST
    s.rd(op + 0x04)
    s.wr(op + 0x38, 8)                      # CONFIG: slots
    s.wr(op + 0x30, PAGE)                   # DCBAAP
    s.wr(op + 0x34, PAGE >> 32)
    s.wr(op + 0x18, (PAGE + 0x1000) | 1)    # CRCR, RCS
    s.wr(op + 0x1c, PAGE >> 32)
    s.wr(op + 0x00, 1)                      # USBCMD.RUN
    s.wr(XHCI + 0x2000, 0)                  # doorbell 0
    s.rd(op + 0x04)
    d.detach(XHCI_SID)
    s.clear_patterns()
    d.map_pattern()
    d.attach(XHCI_SID)
    s.wr(op + 0x18, IOVA | 1)
    s.wr(op + 0x1c, 0)
    s.wr(XHCI + 0x2000, 0)
    d.fault_clear()
    out["xhci"] = s

    # the display engine: scan out at an IOVA the display DART maps, at
    # one it does not, resize, stop
    s = new()
    d = Dart(s, gen, DART_DISP)
    d.map_pattern()
    for off in (0x04, 0x08, 0x0c, 0x10, 0x14, 0x18, 0x28):
        s.rd(DISPLAY + off)
    s.wr(DISPLAY + 0x08, IOVA)
    s.wr(DISPLAY + 0x0c, 0)
    s.rd(DISPLAY + 0x20)
    s.rd(DISPLAY + 0x24)
    s.rd(DISPLAY + 0x28)
    d.fault_clear()
    s.wr(DISPLAY + 0x10, 64)
    s.wr(DISPLAY + 0x14, 64)
    s.wr(DISPLAY + 0x18, 256)
    s.wr(DISPLAY + 0x04, 1)
    s.wr(DISPLAY + 0x04, 0)
    s.rd(DISPLAY + 0x28)
    out["display"] = s
    return out


def read_regions(path):
    regions = {"pre": {}, "post": {}}
    with open(path) as f:
        for line in f:
            phase, idx, addr = line.split()
            regions[phase].setdefault(int(addr, 16), int(idx))
    return regions


def main(argv):
    if len(argv) == 3 and argv[1] == "probe":
        with open(argv[2] + ".pre", "wb") as f:
            f.write(probe_inputs())
        return 0
    if len(argv) == 4 and argv[1] == "probe-post":
        with open(argv[3], "wb") as f:
            f.write(probe_post(read_regions(argv[2])))
        return 0
    if len(argv) == 5 and argv[1] == "seeds" and argv[2] in GENS:
        regions = read_regions(argv[3])
        os.makedirs(argv[4], exist_ok=True)
        for name, s in seeds(argv[2], regions).items():
            with open(os.path.join(argv[4], "seed-" + name), "wb") as f:
                f.write(s.data())
        return 0
    print("usage: fuzz-seeds.py probe OUT | probe-post REGIONS OUT |"
          " seeds {%s} REGIONS OUTDIR" % ",".join(GENS), file=sys.stderr)
    return 1


if __name__ == "__main__":
    sys.exit(main(sys.argv))
