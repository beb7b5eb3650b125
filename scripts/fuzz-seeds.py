#!/usr/bin/env python3
"""Seed inputs for the fuzz targets on apple-virt (make fuzz).

    fuzz-seeds.py probe OUT                  the region probe (two inputs)
    fuzz-seeds.py seeds GEN REGIONS OUTDIR [QEMU_ARGS]
                                             generic-fuzz's seeds for DART
                                             generation GEN on the machine
                                             QEMU_ARGS set up
    fuzz-seeds.py host-seeds GEN OUTDIR [QEMU_ARGS]
                                             apple-dart-host's, likewise

generic-fuzz reads its input as operations separated by "FUZZ": an opcode
byte (modulo 10) and a packed struct of operands (tests/qtest/fuzz/
generic_fuzz.c). An MMIO operation names its region by index: the
index'th range, in address order, of the memory regions QEMU_FUZZ_OBJECTS
matched. Those indices depend on the machine (the XHCI's port count, and
whether edu's BAR is mapped yet), so make fuzz learns them first: it runs
the probe inputs under QTEST_LOG, and passes the addresses each index
reached, one "PHASE INDEX ADDRESS" a line, as REGIONS. QEMU_ARGS (the
configuration's QEMU_FUZZ_ARGS) tells the seeds what the machine options
changed: the number of streams, edu's and the XHCI's streams, the page
size, four-level tables, which DARTs firmware locked.

Page tables live in guest RAM, which generic-fuzz cannot write directly:
it fills RAM when a device reads it by DMA, with the input's DMA
patterns. The DART's walks read RAM directly (not through
address_space_read), so nothing fills it for them: a seed that
translates first reads the table page by DMA through a bypassed stream,
which fills it with the pattern, an entry that names the table page
itself with VALID set. Read as a table entry it leads back to that page,
read as a leaf it maps it, at every level; DMA then lands in the same
page, at an offset (0x800) that no walk of the seeds reads. DMA through a
translating stream is filled at the IOVA in the CPU's view (nothing, at
the seeds' IOVAs), so edu and the XHCI read the pattern only through a
bypassed stream. The t8103-usb4 DARTs cannot bypass: there, only the
tables firmware left (pcie-dart-preset=mapped) translate.

The sequences are the drivers' (Linux's apple-dart, m1n1), then every
register and fault path the model has, one seed a path, so that the
replay of the seeds alone reaches what MMIO can reach: reset reads,
every register of each layout with its read-only and unimplemented
neighbours, attach (TTBR, TCR, stream enable), DMA, TLB invalidation
per stream and of all streams, stale TLB entries, every fault kind,
subpage windows, lost and masked faults, T8110's ERROR_STREAMS, bypass,
blocked and disabled streams, tables outside RAM, the T8020 lock, T8110
PROTECT/UNPROTECT/PROTECT_LOCK, BUSY polling, PTE format reports, the
XHCI's command ring through the USB DART and the display engine's
registers.

apple-dart-host (tests/qtest/fuzz/apple_dart_host_fuzz.c) reads its
input as operations too, without separators: an opcode byte (modulo 16)
and the packed operands of its struct for the operation. Its seeds
realize a DART of each generation as the machine does, on 4 KiB pages
and with 256 streams and four-level tables where the generation can,
map pages of it and use them from every side (translation of each kind,
DMA, the benchmark, the state dump, notifiers, invalidations by register
and by call, migration, reset); refuse every property realize refuses,
and the QOM properties before realize; BUSY of each kind, migrated
while it lasts; inject every fault kind and malformed specs; migrate
each DART and the display engine intact, damaged and cut short; register
each kind of notifier; call each function of the machine's; realize
display engines, valid and not, and ask for their pictures as a UI
does; and hit the state dump's bounds.
"""

import os
import shlex
import struct
import sys

SEP = b"FUZZ"
OP_READ, OP_WRITE = 2, 3
OP_ADD_DMA_PATTERN, OP_CLEAR_DMA_PATTERNS, OP_CLOCK_STEP = 7, 8, 9
SIZES = {1: 0, 2: 1, 4: 2, 8: 3}

# apple-virt's memory map (hw/arm/apple-virt.c)
DART_PCIE, DART_USB, DART_DISP = 0x09100000, 0x09110000, 0x09120000
DART_SIZE = 0x4000
XHCI, DISPLAY, ECAM = 0x09200000, 0x09300000, 0x4010000000
EDU_BAR = 0x10000000            # where the seeds put edu's BAR 0
RAM = 0x800000000
TABLES = RAM + 0x100000         # as the qtests' harness
PAGE = RAM + 0x200000           # the page every pattern entry names
EMPTY = RAM + 0x300000          # a page of invalid entries
IOVA = 0x4000
DATA = 0x800                    # where DMA lands in a mapped page
EDU_SLOT, XHCI_SID = 3, 1
EDU_DMA_MS = 100                # edu's DMA runs this long after its start
EDU_CFG = EDU_SLOT << 15        # ECAM offset of edu's config space
PROBE_MAX = 40                  # indices the probe tries
# generic-fuzz's -m 512M: firmware's carve-out is the top 8 MiB, and
# the PCIe DART's preset streams map its region at this IOVA
FW_PCIE_IOVA = 0x0c000000
# the boot framebuffer firmware maps in the display DART (stream 0)
FW_DISP_IOVA, FW_DISP_SIZE = 0xa0000000, 1024 * 768 * 4

# DART generations: register layout, PTE format, streams, TTBR base,
# whether streams can bypass translation
GENS = {
    "t8103": ("t8020", "dart1", 16, 0x200, True),
    "t8103-usb4": ("t8020", "dart1", 64, 0x400, False),
    "t6000": ("t8020", "dart2", 16, 0x200, True),
    "t8110": ("t8110", "dart2", 16, 0x1400, True),
    "t8110-va42": ("t8110", "dart2", 16, 0x1400, True),
}


class Config:
    """What the seeds need to know of one machine configuration."""

    def __init__(self, gen, qemu_args=""):
        self.gen = gen
        (self.layout, self.fmt, self.streams, self.ttbr_base,
         self.can_bypass) = GENS[gen]
        opts = {}
        globs = {}
        argv = shlex.split(qemu_args)
        for i, a in enumerate(argv[:-1]):
            if a in ("-M", "-machine"):
                for kv in argv[i + 1].split(","):
                    k, _, v = kv.partition("=")
                    opts[k] = v
            elif a == "-global":
                k, _, v = argv[i + 1].partition("=")
                globs[k.split(".", 1)[-1]] = v
        va_bits = int(opts.get("dart-va-bits", "0"), 0)
        self.four_level = gen == "t8110-va42" or (self.layout == "t8110" and
                                                  va_bits > 36)
        if self.layout == "t8110":
            self.streams = int(opts.get("dart-num-streams", "16"), 0)
        self.page_shift = 12 if globs.get("page-size") == "4096" else 14
        self.edu_sid = EDU_SLOT
        for item in filter(None, opts.get("pcie-dart-streams", "").split("+")):
            slot, _, sid = item.partition(":")
            if slot == str(EDU_SLOT):
                self.edu_sid = int(sid, 0)
        self.xhci_sid = int(opts.get("usb-dart-stream", str(XHCI_SID)), 0)
        self.locked = {
            DART_PCIE: opts.get("pcie-dart-locked") == "on",
            DART_USB: opts.get("usb-dart-locked") == "on",
            DART_DISP: opts.get("disp-dart-locked", "on") == "on",
        }
        self.pcie_preset = opts.get("pcie-dart-preset", "none")
        self.busy_ns = "busy-ns" in globs
        # clock steps to edu's DMA: the display engine's vblanks, so many
        # a second, come before it
        rate = int(globs.get("refresh-rate", "60"), 0)
        self.edu_steps = -(-EDU_DMA_MS * rate // 1000) + 1


class Seq:
    """One generic-fuzz input, built from operations on named regions."""

    def __init__(self, regions, edu_steps=1):
        self.regions = regions      # phase -> {address: index}
        self.edu_steps = edu_steps  # Config.edu_steps
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
        """Advance to the next timer (the display engine's vblank is
        always set; generic-fuzz aborts if none is)."""
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


def pte(fmt, pa, no_read=False, no_write=False, sub=(0, 0xfff), foreign=0):
    """An entry for @pa in format @fmt: VALID, subpage window @sub."""
    win = sub[0] << 52 | sub[1] << 40
    if fmt == "dart1":
        e = (pa & (((1 << 24) - 1) << 12)) | win | 1
        return e | (no_write << 7) | (no_read << 8)
    e = ((pa >> 4) & (((1 << 28) - 1) << 10)) | win | 1
    return e | (no_write << 2) | (no_read << 3) | foreign


class Dart:
    """Driver-level operations on one DART of configuration @cfg."""

    def __init__(self, s, cfg, base):
        self.s, self.cfg, self.base = s, cfg, base
        self.layout, self.fmt = cfg.layout, cfg.fmt
        self.streams, self.ttbr_base = cfg.streams, cfg.ttbr_base
        self.four_level = cfg.four_level
        self.t8020 = self.layout == "t8020"
        self.words = (self.streams + 31) // 32

    def wr(self, off, val):
        self.s.wr(self.base + off, val & 0xffffffff)

    def rd(self, off):
        self.s.rd(self.base + off)

    # register offsets
    def tcr_off(self, sid):
        return (0x100 if self.t8020 else 0x1000) + 4 * sid

    def ttbr_off(self, sid, idx=0):
        stride = 16 if self.t8020 else 4
        return self.ttbr_base + stride * sid + 4 * idx

    def err_regs(self):
        return (0x40, 0x50, 0x54) if self.t8020 else (0x100, 0x170, 0x174)

    def cmd_reg(self):
        return 0x20 if self.t8020 else 0x80

    # register values
    def ttbr_val(self, table):
        if self.t8020:
            return (table >> 12) & 0x7fffffff | 1 << 31
        return ((table >> 12) & 0x3ffffffc) | 1

    def tcr_translate(self):
        if self.t8020:
            return 1 << 7
        return 1 | (8 if self.four_level else 0)

    def tcr_bypass(self):
        return (1 << 8 | 1 << 12) if self.t8020 else 0x6

    def pte(self, pa, **kw):
        return pte(self.fmt, pa, **kw)

    def reset_reads(self):
        for off in (0x00, 0x04, 0x08, 0x0c):
            self.rd(off)
        if self.t8020:
            offs = [0x20, 0x40, 0x50, 0x54, 0x60, 0xfc]
            offs += [0x34 + 4 * w for w in range(self.words + 1)]
        else:
            offs = [0x80, 0x100, 0x104, 0x170, 0x174, 0x200, 0x204, 0x208,
                    0x700]
            for w in range(self.words):
                offs += [0x1c0 + 4 * w, 0xc00 + 4 * w, 0xc20 + 4 * w]
        for off in offs:
            self.rd(off)
        for sid in sorted({0, 1, self.streams - 1}):
            self.rd(self.tcr_off(sid))
            self.rd(self.ttbr_off(sid))
        # past the last stream, and a hole: unimplemented
        self.rd(self.tcr_off(self.streams))
        self.rd(self.ttbr_off(self.streams))
        self.rd(DART_SIZE - 4)

    def enable_streams(self):
        if self.t8020:
            self.wr(0xfc, 0xffffffff)
        else:
            for w in range(self.words):
                self.wr(0xc00 + 4 * w, 0xffffffff)

    def disable_stream(self, sid):
        if self.t8020:
            self.wr(0xfc, ~(1 << sid) if sid < 32 else 0xffffffff)
        else:
            self.wr(0xc20 + 4 * (sid // 32), 1 << (sid % 32))

    def attach(self, sid, table=TABLES):
        self.wr(self.ttbr_off(sid), self.ttbr_val(table))
        self.wr(self.tcr_off(sid), self.tcr_translate())
        self.enable_streams()

    def translate(self, sid):
        self.wr(self.tcr_off(sid), self.tcr_translate())

    def bypass(self, sid):
        self.wr(self.tcr_off(sid), self.tcr_bypass())
        self.enable_streams()

    def detach(self, sid):
        self.wr(self.tcr_off(sid), 0)
        self.wr(self.ttbr_off(sid), 0)

    def invalidate(self, sid):
        if self.t8020:
            for w in range(self.words):
                self.wr(0x34 + 4 * w, (1 << sid) >> (32 * w))
            self.wr(0x20, 1 << 20)
            self.rd(0x20)
        else:
            self.wr(0x80, 1 << 8 | sid)
            self.rd(0x80)

    def invalidate_all(self):
        if self.t8020:
            for w in range(self.words):
                self.wr(0x34 + 4 * w, 0xffffffff)
            self.wr(0x20, 1 << 20)
        else:
            self.wr(0x80, 0)
        self.rd(self.cmd_reg())

    def fault_read(self):
        for off in self.err_regs():
            self.rd(off)
        if not self.t8020:
            for w in range(self.words):
                self.rd(0x1c0 + 4 * w)

    def fault_clear(self):
        err = self.err_regs()[0]
        self.fault_read()
        self.wr(err, 0xffffffff)
        if not self.t8020:
            for w in range(self.words):
                self.wr(0x1c0 + 4 * w, 0xffffffff)
        self.rd(err)

    def lock(self):
        if self.t8020:
            self.wr(0x60, 1 << 15)
            self.rd(0x60)
        else:
            self.wr(0x200, 1)
            self.rd(0x200)

    def map_pattern(self, page=PAGE):
        self.s.pattern(struct.pack("<Q", self.pte(page)))


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
    # edu's DMA runs on a timer; a step runs the next timer due, and
    # the display engine's vblanks come first
    for _ in range(s.edu_steps):
        s.step()
    s.rd(EDU_BAR + 0x98, 8)


def fill(s, d, sid, page, entry):
    """Fill @page with @entry: bypass @sid, read the page by DMA, translate.

    The stream's TLB is left as it was: a stale entry stays stale."""
    s.clear_patterns()
    s.pattern(struct.pack("<Q", entry))
    d.bypass(sid)
    edu_dma(s, page, count=4096)
    d.translate(sid)


def seeds(gen, regions, qemu_args=""):
    cfg = Config(gen, qemu_args)
    out = {}
    sid = cfg.edu_sid
    va = IOVA + DATA                # DMA lands at PAGE + DATA
    vb = 2 * IOVA + DATA            # a second page

    def new():
        return Seq(regions, cfg.edu_steps)

    # Reset state of every DART, the display engine, the XHCI
    s = new()
    for base in (DART_PCIE, DART_USB, DART_DISP):
        Dart(s, cfg, base).reset_reads()
    for off in range(0, 0x2c, 4):
        s.rd(DISPLAY + off)
    s.rd(XHCI)
    s.rd(XHCI + 0x40)
    out["reset"] = s

    # Every register of each DART written: the read-only ones and the
    # holes (ignored, logged), the bits the model does not implement,
    # the stream bitmaps, each read back
    for base, name in ((DART_PCIE, "pcie"), (DART_USB, "usb"),
                       (DART_DISP, "disp")):
        s = new()
        d = Dart(s, cfg, base)
        err, lo, hi = d.err_regs()
        for off in (0x00, 0x04, lo, hi, DART_SIZE - 4):
            d.wr(off, 0x12345678)
            d.rd(off)
        d.wr(d.tcr_off(0), 0xffffffff)         # reserved bits
        d.rd(d.tcr_off(0))
        d.wr(d.tcr_off(d.streams), 1)          # no such stream
        d.wr(d.ttbr_off(d.streams), 1)
        d.wr(d.ttbr_off(1, 3), 0x80000001)     # the last TTBR of stream 1
        d.rd(d.ttbr_off(1, 3))
        d.wr(err, 0)
        if d.t8020:
            d.wr(0x20, 0x3)                     # not INVALIDATE
            d.wr(0x20, 1 << 20 | 1)
            for w in range(d.words + 1):
                d.wr(0x34 + 4 * w, 0xffffffff)
                d.rd(0x34 + 4 * w)
            d.wr(0xfc, 0x5)
            d.rd(0xfc)
            d.wr(0x60, 0x1)                     # not LOCK
            d.rd(0x60)
        else:
            d.wr(0x08, 0)                       # PARAMS3, PARAMS4
            d.wr(0x0c, 0)
            d.wr(0x80, 1 << 8 | (d.streams - 1))
            d.wr(0x80, 1 << 8 | 0xff)           # beyond the streams
            d.wr(0x80, 2 << 8)                  # not a flush
            d.wr(0x80, 0)
            d.rd(0x80)
            d.wr(0x104, 0xffffffff)
            d.rd(0x104)
            d.wr(0x104, 0)
            d.wr(0x700, 0)
            d.rd(0x700)
            d.wr(0x204, 0)
            d.rd(0x204)
            for w in range(d.words):
                d.wr(0xc20 + 4 * w, 0xffffffff)
                d.rd(0xc00 + 4 * w)
                d.wr(0xc00 + 4 * w, 0xffffffff)
                d.rd(0xc20 + 4 * w)
                d.wr(0x1c0 + 4 * w, 0xffffffff)
            d.wr(0xc00 + 4 * d.words, 1)        # past the last word
            d.rd(0x1c0 + 4 * d.words)
        out["registers-" + name] = s

    # attach, map, DMA both ways, invalidate, DMA, detach
    s = new()
    d = Dart(s, cfg, DART_PCIE)
    edu_setup(s)
    if cfg.can_bypass:
        fill(s, d, sid, PAGE, d.pte(PAGE))
    d.attach(sid, PAGE)
    edu_dma(s, va)
    edu_dma(s, va)                              # from the TLB
    edu_dma(s, va, to_ram=True)
    d.invalidate(sid)
    edu_dma(s, vb)
    edu_dma(s, va)
    d.invalidate_all()
    edu_dma(s, va, to_ram=True)
    d.detach(sid)
    d.invalidate_all()
    edu_dma(s, va)
    d.fault_clear()
    out["attach-map-dma"] = s

    # the firmware's tables, where it preset them
    if cfg.pcie_preset == "mapped":
        s = new()
        d = Dart(s, cfg, DART_PCIE)
        edu_setup(s)
        d.rd(d.ttbr_off(sid))
        d.rd(d.tcr_off(sid))
        edu_dma(s, FW_PCIE_IOVA)
        edu_dma(s, FW_PCIE_IOVA + 0x100, to_ram=True)
        edu_dma(s, FW_PCIE_IOVA + 0x10000)      # past the region
        d.fault_clear()
        d.invalidate(sid)
        edu_dma(s, FW_PCIE_IOVA)
        d.wr(d.tcr_off(sid), 0)                 # blocked (if not locked)
        edu_dma(s, FW_PCIE_IOVA)
        d.fault_clear()
        out["firmware-tables"] = s

    if cfg.can_bypass:
        # stale TLB entries: the tables change, the TLB does not
        s = new()
        d = Dart(s, cfg, DART_PCIE)
        edu_setup(s)
        fill(s, d, sid, PAGE, d.pte(PAGE))
        d.attach(sid, PAGE)
        edu_dma(s, va)
        edu_dma(s, vb)
        d.invalidate(sid)                       # nothing changed
        edu_dma(s, va)
        edu_dma(s, vb)
        fill(s, d, sid, PAGE, d.pte(PAGE, no_write=True))
        edu_dma(s, va)                          # stale: now read-only
        edu_dma(s, va)                          # (reported once)
        fill(s, d, sid, PAGE, 0)
        edu_dma(s, vb)                          # stale: now unmapped
        d.invalidate(sid)
        edu_dma(s, va, to_ram=True)             # walks: no entry
        d.fault_clear()
        out["stale-tlb"] = s

        # permissions: read-only and write-only leaves, a second fault
        # while the first is latched, and clearing
        s = new()
        d = Dart(s, cfg, DART_PCIE)
        edu_setup(s)
        fill(s, d, sid, PAGE, d.pte(PAGE, no_write=True))
        d.attach(sid, PAGE)
        edu_dma(s, va)
        edu_dma(s, va, to_ram=True)             # write fault
        d.fault_read()
        fill(s, d, sid, PAGE, d.pte(PAGE, no_read=True))
        d.invalidate(sid)
        edu_dma(s, va)                          # read fault, lost
        d.fault_clear()
        edu_dma(s, va)                          # read fault, latched
        edu_dma(s, va, to_ram=True)
        d.fault_clear()
        out["permissions"] = s

        # a subpage window: in it, across its end, outside it
        unit = 1 << (cfg.page_shift - 12)
        start = DATA // unit
        s = new()
        d = Dart(s, cfg, DART_PCIE)
        edu_setup(s)
        fill(s, d, sid, PAGE, d.pte(PAGE, sub=(start, start + 64 // unit - 1)))
        d.attach(sid, PAGE)
        edu_dma(s, va, count=32)
        edu_dma(s, va, to_ram=True, count=32)
        edu_dma(s, va, count=128)               # runs past the window
        d.fault_clear()
        edu_dma(s, va - 0x100, to_ram=True)     # before it
        d.fault_clear()
        edu_dma(s, va - 0x100)
        d.fault_clear()
        out["subpage"] = s

        # missing entries at each level, and tables outside RAM
        s = new()
        d = Dart(s, cfg, DART_PCIE)
        edu_setup(s)
        fill(s, d, sid, EMPTY, 0)
        fill(s, d, sid, TABLES, d.pte(EMPTY))
        d.attach(sid, EMPTY)
        edu_dma(s, va)                          # top level
        d.fault_clear()
        d.attach(sid, TABLES)
        edu_dma(s, va)                          # next level
        d.fault_clear()
        if cfg.four_level:
            fill(s, d, sid, PAGE, d.pte(TABLES))
            d.attach(sid, PAGE)
            d.invalidate(sid)
            edu_dma(s, va)                      # leaf
            d.fault_clear()
        d.attach(sid, DART_PCIE)                # tables in MMIO
        edu_dma(s, va)
        d.fault_clear()
        out["missing"] = s

    # faults without tables: no TTBR, a TTBR beyond the stream's, a
    # blocked stream, a disabled one; a multi-chunk DMA faults once
    s = new()
    d = Dart(s, cfg, DART_PCIE)
    edu_setup(s)
    d.wr(d.ttbr_off(sid), 0)
    d.translate(sid)
    d.enable_streams()
    edu_dma(s, va)
    d.fault_clear()
    edu_dma(s, va, to_ram=True, count=256)
    d.fault_clear()
    d.attach(sid, EMPTY)
    edu_dma(s, 1 << 36 | va)                    # TTBR 1 (T8020), or none
    d.fault_clear()
    if d.t8020:
        d.wr(d.ttbr_off(sid, 1), d.ttbr_val(EMPTY))
        edu_dma(s, 1 << 36 | va)
        d.fault_clear()
    d.wr(d.tcr_off(sid), 0)
    edu_dma(s, va)                              # blocked
    d.bypass(sid)
    d.disable_stream(sid)
    edu_dma(s, va)                              # disabled
    d.rd(0xfc if d.t8020 else 0xc00 + 4 * (sid // 32))
    d.fault_clear()
    out["fault"] = s

    # bypass: edu DMA straight to RAM
    s = new()
    d = Dart(s, cfg, DART_PCIE)
    edu_setup(s)
    s.pattern(b"\x5a\xa5", 0, 1)
    d.bypass(sid)
    edu_dma(s, PAGE)
    edu_dma(s, PAGE + 0x100, to_ram=True)
    d.fault_clear()
    out["bypass"] = s

    # lock after attach; writes to the locked registers are refused
    s = new()
    d = Dart(s, cfg, DART_PCIE)
    edu_setup(s)
    if cfg.can_bypass:
        fill(s, d, sid, PAGE, d.pte(PAGE))
    d.attach(sid, PAGE)
    d.lock()
    d.lock()                                    # again: no change
    d.wr(d.ttbr_off(sid), 0)
    d.wr(d.tcr_off(sid), 0)
    d.rd(d.ttbr_off(sid))
    d.rd(d.tcr_off(sid))
    edu_dma(s, va)
    d.invalidate(sid)
    d.invalidate_all()
    edu_dma(s, va)
    d.fault_clear()
    out["lock"] = s

    # the DARTs firmware locked: every write refused
    for base, name in ((DART_PCIE, "pcie"), (DART_USB, "usb"),
                       (DART_DISP, "disp")):
        if not cfg.locked[base]:
            continue
        s = new()
        d = Dart(s, cfg, base)
        for x in (0, 1):
            d.rd(d.ttbr_off(x))
            d.rd(d.tcr_off(x))
            d.wr(d.ttbr_off(x), 0)
            d.wr(d.tcr_off(x), d.tcr_bypass())
        d.lock()
        if not d.t8020:
            d.wr(0x204, 1)                      # UNPROTECT, sealed
            d.rd(0x200)
            d.rd(0x208)
        d.invalidate_all()
        out["locked-" + name] = s

    # BUSY after each invalidation: polled until clear (busy-reads),
    # or until virtual time passed (busy-ns)
    s = new()
    d = Dart(s, cfg, DART_PCIE)
    edu_setup(s)
    d.invalidate(sid)
    for _ in range(4):
        d.rd(d.cmd_reg())
    d.invalidate_all()
    if cfg.busy_ns:
        d.bypass(sid)
        edu_dma(s, PAGE)                        # a timer to step to
    d.rd(d.cmd_reg())
    d.rd(d.cmd_reg())
    out["busy"] = s

    if d.fmt == "dart2":
        # a DART1 leaf bit in DART2 tables (dart-check-pte=on reports it)
        s = new()
        d = Dart(s, cfg, DART_PCIE)
        edu_setup(s)
        fill(s, d, sid, PAGE, d.pte(PAGE, foreign=2))
        d.attach(sid, PAGE)
        edu_dma(s, va)
        edu_dma(s, vb)
        d.fault_clear()
        out["pte-format"] = s

    if cfg.layout == "t8110":
        # PROTECT, UNPROTECT, PROTECT again and seal it with PROTECT_LOCK
        s = new()
        d = Dart(s, cfg, DART_PCIE)
        d.attach(sid)
        d.wr(0x200, 1)
        d.wr(d.ttbr_off(sid), 0)
        d.rd(d.ttbr_off(sid))
        d.wr(0x204, 1)
        d.wr(d.ttbr_off(sid), 0)
        d.wr(0x200, 0x1b)
        d.wr(0x200, 0x20)                       # an unknown bit
        d.wr(0x208, 1)
        d.wr(0x204, 1)
        d.rd(0x200)
        d.rd(0x208)
        d.wr(0x104, 0xffffffff)
        d.rd(0x1c0)
        out["protect"] = s

        # ERROR_MASK hides faults; ERROR_STREAMS keeps the interrupt up
        # until cleared too, one bit a stream
        s = new()
        d = Dart(s, cfg, DART_PCIE)
        edu_setup(s)
        d.wr(d.ttbr_off(sid), 0)
        d.translate(sid)
        d.enable_streams()
        d.wr(0x104, 1)                          # NO_TTBR masked
        edu_dma(s, va)
        d.fault_read()
        d.wr(0x104, 0)
        edu_dma(s, va)
        d.fault_read()
        d.wr(0x100, 0xffffffff)                 # ERROR cleared ...
        d.rd(0x100)
        d.fault_read()                          # ... streams pending
        edu_dma(s, va, to_ram=True)
        d.wr(0x1c0 + 4 * (sid // 32), 1 << (sid % 32))
        d.fault_read()
        d.wr(0x100, 0xffffffff)
        d.fault_read()
        out["error-streams"] = s

    # XHCI: its command ring through the USB DART, bypassed and mapped
    s = new()
    d = Dart(s, cfg, DART_USB)
    xsid = cfg.xhci_sid
    op = XHCI + 0x40
    s.rd(XHCI)
    d.bypass(xsid)
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
    d.detach(xsid)
    s.clear_patterns()
    d.map_pattern()
    d.attach(xsid)
    s.wr(op + 0x18, IOVA | 1)
    s.wr(op + 0x1c, 0)
    s.wr(XHCI + 0x2000, 0)
    d.fault_clear()
    out["xhci"] = s

    # the display engine: every register, read-only and unknown ones
    # written, scan-out at an IOVA the display DART maps and at one it
    # does not, enable and disable
    s = new()
    d = Dart(s, cfg, DART_DISP)
    d.map_pattern()
    for off in (0x00, 0x04, 0x08, 0x0c, 0x10, 0x14, 0x18, 0x1c, 0x28):
        s.rd(DISPLAY + off)
    s.wr(DISPLAY + 0x08, IOVA)
    s.wr(DISPLAY + 0x0c, 1)
    s.rd(DISPLAY + 0x08)
    s.rd(DISPLAY + 0x0c)
    s.rd(DISPLAY + 0x20)
    s.rd(DISPLAY + 0x24)
    s.rd(DISPLAY + 0x28)
    d.fault_clear()
    for off in (0x00, 0x10, 0x14, 0x18, 0x20, 0x24, 0x28, 0x1c, 0xffc):
        s.wr(DISPLAY + off, 64)
    s.rd(DISPLAY + 0xffc)
    s.wr(DISPLAY + 0x04, 0)
    s.wr(DISPLAY + 0x04, 0)
    s.wr(DISPLAY + 0x04, 0xff)              # reserved bits, enable
    s.wr(DISPLAY + 0x04, 1)
    s.rd(DISPLAY + 0x04)
    s.rd(DISPLAY + 0x28)
    out["display"] = s
    return out


# apple-dart-host (tests/qtest/fuzz/apple_dart_host_fuzz.c): an opcode
# byte, then the packed operands of the operation's struct there
(H_REALIZE_DART, H_REALIZE_DISPLAY, H_INJECT_FAULT, H_STATE, H_MICROBENCH,
 H_MIGRATE, H_NOTIFY, H_MMIO_WRITE, H_MMIO_READ, H_API, H_CLOCK, H_MAP,
 H_RESET, H_FIRMWARE, H_FILL, H_UI) = range(16)
# the target's DART operand: the machine's in the order of their QOM
# paths, then the one the input realized
H_DISP, H_PCIE, H_USB, H_OWN = range(4)
# the migration operand: the DARTs, then the display engines
H_MIG_DISPLAY = 3                   # the machine's, with no DART of the input
# realize flags (RD_*, RV_*), busy kinds, MAP flags, FILL kinds, API calls
RD_STREAMS, RD_VA, RD_PA, RD_DMA, RD_STALE, RD_PTE, RD_EARLY = (
    1 << i for i in range(7))
BUSY_READS, BUSY_NS, BUSY_STUCK = 1, 2, 4
RV_DMA, RV_WIDTH, RV_HEIGHT, RV_STRIDE, RV_IOVA, RV_REFRESH = (
    1 << i for i in range(6))
MAP_NO_READ, MAP_NO_WRITE, MAP_ATTACH, MAP_INVALIDATE, MAP_SUBPAGE = (
    1 << i for i in range(5))
FILL_RAW, FILL_TABLES, FILL_LEAVES, FILL_LEAVES_APART = range(4)
(API_GEOMETRY, API_STREAM_AS, API_STREAM_MR, API_INVALIDATE, API_IS_LOCKED,
 API_MODE_NAME, API_PERM_NAME, API_MIN_PAGE_SIZE, API_TRANSLATE,
 API_DMA_READ) = range(10)
BENCH_FORMS = 7                     # BENCH_RUN first
NOTIFY_UNMAP, NOTIFY_MAP, NOTIFY_DEVIOTLB = 1, 2, 4
FAULT_KINDS = 8                     # inject-fault's seven, and a bogus one
HOST_GENS = ("t8103", "t8103-usb4", "t6000", "t8110")   # the QOM types'
U64 = (1 << 64) - 1
FRAMES_NS = 150 * 10 ** 6           # a frame or more at 10 Hz (fuzz.sh's)
# where a DART's ERROR_STREAMS words start in its migration stream (big
# endian): after ERROR, ERROR_ADDR, CONFIG, 8 + 8 bitmap words, 256 TCRs,
# 256 x 4 TTBRs and ERROR_MASK
MIG_ERROR_STREAMS = 4 + 8 + 4 + 4 * (8 + 8 + 256 + 256 * 4) + 4


class HostSeq:
    """One apple-dart-host input."""

    def __init__(self):
        self.ops = []

    def op(self, code, fmt="", *args):
        self.ops.append(bytes([code]) + struct.pack("<" + fmt, *args))

    def realize_dart(self, gen, flags=0, page=0, page_size=0, streams=0,
                     va=0, pa=0, bypass=0, busy=0, busy_val=0):
        """page: 0 default, 1 16 KiB, 2 4 KiB, 3 page_size; bypass: 0
        default, 1 on, 2 off, 3 auto"""
        self.op(H_REALIZE_DART, "BBBIHBBBBQ", HOST_GENS.index(gen), flags,
                page, page_size, streams, va, pa, bypass, busy, busy_val)

    def realize_display(self, flags, dart=H_DISP, stream=0, width=0,
                        height=0, stride=0, iova=0, refresh=0):
        self.op(H_REALIZE_DISPLAY, "BBHHHIQH", flags, dart, stream, width,
                height, stride, iova, refresh)

    def inject_fault(self, dart, stream, kind, iova=0):
        self.op(H_INJECT_FAULT, "BBHBQ", dart, 0, stream, kind, iova)

    def inject_raw(self, dart, spec):
        self.op(H_INJECT_FAULT, "BBHBQ", dart, 1, 0, 0, 0)
        self.ops[-1] += bytes([len(spec)]) + spec

    def state(self, dart):
        self.op(H_STATE, "B", dart)

    def microbench(self, dart, form, stream, iova, unmapped, count=1):
        self.op(H_MICROBENCH, "BBHBQQ", dart, form, stream, count - 1, iova,
                unmapped)

    def migrate(self, target, flips=(), length=0):
        self.op(H_MIGRATE, "BBH", target, len(flips), length)
        for off, xor in flips:
            self.ops[-1] += struct.pack("<HB", off, xor)

    def notify(self, dart, stream, slot, flags, start=0, length=U64):
        self.op(H_NOTIFY, "BHBBQQ", dart, stream, slot, flags, start, length)

    def mmio_write(self, dart, off, val):
        self.op(H_MMIO_WRITE, "BHI", dart, off, val & 0xffffffff)

    def mmio_read(self, dart, off):
        self.op(H_MMIO_READ, "BHI", dart, off, 0)

    def api(self, dart, call, stream=0, perm=0, iova=0, length=0):
        self.op(H_API, "BBHBQH", dart, call, stream, perm, iova, length)

    def clock(self, ns):
        self.op(H_CLOCK, "I", ns)

    def map(self, dart, stream, iova, tables=(0, 1, 2), leaf=3, flags=0,
            subpage=0):
        self.op(H_MAP, "BHBBBBBHQ", dart, stream, flags, *tables, leaf,
                subpage, iova)

    def reset(self, dart):
        self.op(H_RESET, "B", dart)

    def firmware(self):
        self.op(H_FIRMWARE)

    def fill(self, dart, page, kind, target=0, raw=0):
        self.op(H_FILL, "BBBBQ", dart, page, kind, target, raw)

    def ui(self, display, invalidate=True, update=True):
        """display: 0 the machine's, 1 the input's own"""
        self.op(H_UI, "BB", display, invalidate | update << 1)

    def data(self):
        return b"".join(self.ops)


class HostRegs:
    """Seq's register accesses, as apple-dart-host MMIO on DART @index:
    Dart(HostRegs(h, index), cfg, 0) drives it as the driver would."""

    def __init__(self, h, index):
        self.h, self.index = h, index

    def wr(self, addr, val, size=4):
        self.h.mmio_write(self.index, addr, val)

    def rd(self, addr, size=4):
        self.h.mmio_read(self.index, addr)


def host_own(gen, streams=0, va_bits=0, page_size=16384):
    """The Config of a DART an input realizes, for Dart()."""
    args = f"-M x,dart-num-streams={streams}" if streams else ""
    if page_size == 4096:
        args += " -global apple-dart.page-size=4096"
    return Config("t8110-va42" if va_bits > 36 else gen, args)


def host_exercise(h, cfg, sid):
    """Map three pages of stream @sid of the input's DART, use them from
    every side, and leave a notifier to hear the invalidations."""
    d = Dart(HostRegs(h, H_OWN), cfg, 0)
    page = 1 << cfg.page_shift
    iova = 4 * page
    h.notify(H_OWN, sid, 0, NOTIFY_UNMAP)
    for i in range(3):
        h.map(H_OWN, sid, iova + i * page, leaf=3 + i,
              flags=MAP_ATTACH if i == 0 else 0)
    h.map(H_OWN, sid, iova + 3 * page, leaf=7, flags=MAP_NO_WRITE)
    h.map(H_OWN, sid, iova + 4 * page, leaf=7, flags=MAP_NO_READ)
    h.map(H_OWN, sid, iova + 5 * page, leaf=6, flags=MAP_SUBPAGE,
          subpage=0x7ff)
    h.map(H_OWN, sid, iova + 6 * page, leaf=6,
          flags=MAP_SUBPAGE | MAP_INVALIDATE, subpage=0x100)
    for perm in range(4):
        h.api(H_OWN, API_TRANSLATE, sid, perm, iova + 0x800)
        h.api(H_OWN, API_TRANSLATE, sid, perm, iova + 3 * page)
        h.api(H_OWN, API_TRANSLATE, sid, perm, iova + 4 * page)
        h.api(H_OWN, API_TRANSLATE, sid, perm, iova + 6 * page + 0x10)
        h.api(H_OWN, API_TRANSLATE, sid, perm, iova + 7 * page - 16)
        h.api(H_OWN, API_TRANSLATE, sid, perm, 64 * page)     # unmapped
    h.api(H_OWN, API_DMA_READ, sid, 0, iova, 4096)
    h.api(H_OWN, API_DMA_READ, sid, 0, iova + 2 * page - 8, 16)
    h.api(H_OWN, API_DMA_READ, sid, 0, 64 * page, 4096)
    d.fault_clear()
    h.state(H_OWN)
    h.microbench(H_OWN, 0, sid, iova, 64 * page, count=4)
    d.invalidate(sid)
    d.invalidate_all()
    h.api(H_OWN, API_INVALIDATE, sid)
    h.api(H_OWN, API_MIN_PAGE_SIZE, sid)
    h.api(H_OWN, API_STREAM_AS, sid)
    h.api(H_OWN, API_MODE_NAME, sid)
    h.migrate(H_OWN)
    h.reset(H_OWN)
    h.state(H_OWN)


def host_seeds(gen, qemu_args=""):
    """Seeds for apple-dart-host on the machine of @qemu_args."""
    cfg = Config(gen, qemu_args)
    out = {}
    sid = cfg.edu_sid

    # a DART of every generation, realized as the machine does, used
    # from every side; on 4 KiB pages where its tables can have them;
    # with 256 streams and four-level tables where it can
    for g in HOST_GENS:
        h = HostSeq()
        h.realize_dart(g)
        own = host_own(g)
        host_exercise(h, own, 1)
        if own.fmt == "dart1":
            h.realize_dart(g, RD_DMA | RD_STALE, page=2, bypass=2)
            host_exercise(h, host_own(g, page_size=4096), 2)
        if g == "t8110":
            h.realize_dart(g, RD_STREAMS | RD_VA | RD_PA | RD_PTE, page=1,
                           streams=256, va=42, pa=42, bypass=3)
            host_exercise(h, host_own(g, streams=256, va_bits=42), 200)
        out["host-realize-" + g] = h

        # what realize refuses, one property at a time; and what the QOM
        # properties say of a DART not realized yet
        h = HostSeq()
        h.realize_dart(g, page=3, page_size=8192)
        h.realize_dart(g, page=3, page_size=0xffffffff)
        h.realize_dart(g, page=2)
        h.realize_dart(g, bypass=1)
        h.realize_dart(g, RD_STREAMS, streams=300)
        h.realize_dart(g, RD_STREAMS, streams=32)
        h.realize_dart(g, RD_VA, va=31)
        h.realize_dart(g, RD_VA, va=48)
        h.realize_dart(g, RD_PA, pa=35)
        h.realize_dart(g, RD_PA, pa=43)
        h.realize_dart(g, busy=BUSY_READS | BUSY_NS, busy_val=5)
        h.realize_dart(g, busy=BUSY_READS | BUSY_STUCK, busy_val=5)
        h.realize_dart(g, busy=BUSY_READS, busy_val=1000001)
        h.realize_dart(g, busy=BUSY_NS, busy_val=10 ** 10 + 1)
        h.realize_dart(g, RD_EARLY)
        out["host-realize-errors-" + g] = h

    # BUSY of each kind, after an invalidation, migrated while it lasts
    for busy, val, name in ((BUSY_READS, 3, "reads"), (BUSY_NS, 10 ** 6, "ns"),
                            (BUSY_STUCK, 0, "stuck")):
        h = HostSeq()
        h.realize_dart("t8110", busy=busy, busy_val=val)
        d = Dart(HostRegs(h, H_OWN), host_own("t8110"), 0)
        d.invalidate(1)
        h.migrate(H_OWN)
        h.migrate(H_OWN, [(0, 0xff)])
        d.rd(d.cmd_reg())
        h.clock(2 * 10 ** 6)
        d.rd(d.cmd_reg())
        out["host-busy-" + name] = h

    # inject-fault: every kind, a second one lost, a bogus kind, a
    # stream too far, and specs keyval or the DART refuses
    h = HostSeq()
    for kind in range(FAULT_KINDS):
        h.inject_fault(H_PCIE, sid, kind, 0x4000 + kind)
    h.inject_fault(H_PCIE, 999, 0)
    h.inject_fault(H_USB, cfg.xhci_sid, 4, 1 << 40)
    h.inject_fault(H_DISP, 0, 5)
    for spec in (b"", b"stream=1", b"stream=x,iova=1,fault=read",
                 b"stream=1,iova=2,fault=read,extra=1",
                 b"stream=1,iova=-1,fault=write", b"a=b=c,,",
                 b"stream=0x1,iova=0x10,fault=no-pte"):
        h.inject_raw(H_PCIE, spec)
    Dart(HostRegs(h, H_PCIE), cfg, 0).fault_clear()
    h.state(H_PCIE)
    out["host-inject-fault"] = h

    # the state of each DART and what firmware left in them; the
    # machine's display asked for a picture as a user interface does
    h = HostSeq()
    for dart in (H_DISP, H_PCIE, H_USB):
        h.state(dart)
    h.firmware()
    h.ui(0, update=False)
    h.ui(0)
    h.clock(FRAMES_NS)
    h.ui(0, invalidate=False)
    out["host-state"] = h

    # x-microbench on the machine's PCIe DART (firmware's tables map
    # FW_PCIE_IOVA where it preset them), and every spec it refuses
    h = HostSeq()
    for form in range(BENCH_FORMS):
        h.microbench(H_PCIE, form, sid, FW_PCIE_IOVA, 0x10000000, count=2)
    out["host-microbench"] = h

    # every DART's and the display engine's state saved and loaded back,
    # intact, damaged and cut short
    h = HostSeq()
    for target in (H_DISP, H_PCIE, H_USB, H_MIG_DISPLAY):
        h.migrate(target)
        h.migrate(target, [(3, 0x80), (40, 0xff), (700, 0x55)])
        h.migrate(target, length=9)
        h.state(target % 3)
    # an ERROR_STREAMS bit of a stream past the DART's 16: refused
    h.realize_dart("t8110")
    h.migrate(H_OWN, [(MIG_ERROR_STREAMS + 7, 1)])
    h.migrate(H_OWN, [(MIG_ERROR_STREAMS + 3, 1)])
    out["host-migrate"] = h

    # IOMMU notifiers: UNMAP accepted, MAP and DEVIOTLB refused; each
    # invalidation (one stream, all, a reset) reaches the UNMAP ones
    h = HostSeq()
    d = Dart(HostRegs(h, H_PCIE), cfg, 0)
    h.notify(H_PCIE, sid, 0, NOTIFY_UNMAP)
    h.notify(H_PCIE, sid, 1, NOTIFY_MAP)
    h.notify(H_PCIE, sid, 2, NOTIFY_DEVIOTLB)
    h.notify(H_PCIE, sid, 3, NOTIFY_UNMAP | NOTIFY_MAP)
    h.notify(H_PCIE, sid, 4, NOTIFY_UNMAP, 0x4000, 0x3fff)
    h.notify(H_USB, cfg.xhci_sid, 5, NOTIFY_UNMAP)
    d.invalidate(sid)
    d.invalidate_all()
    h.api(H_PCIE, API_INVALIDATE, sid)
    h.reset(H_PCIE)
    h.notify(H_PCIE, sid, 0, 0)             # unregistered
    h.api(H_PCIE, API_INVALIDATE, sid)
    out["host-notify"] = h

    # the functions the machine and the tools call
    h = HostSeq()
    for call in range(10):
        for perm in (0, 3):
            h.api(H_PCIE, call, sid, perm, 0x4000, 64)
    h.api(H_PCIE, API_PERM_NAME, perm=1)
    h.api(H_PCIE, API_PERM_NAME, perm=2)
    h.api(H_DISP, API_TRANSLATE, 0, 1, FW_DISP_IOVA)
    h.api(H_DISP, API_DMA_READ, 0, 0, FW_DISP_IOVA, 4096)
    out["host-api"] = h

    # display engines of the input's own: through the display DART's
    # stream, frames at a few refresh rates; and every mode realize
    # refuses
    h = HostSeq()
    h.realize_display(RV_DMA | RV_WIDTH | RV_HEIGHT | RV_IOVA, width=64,
                      height=32, iova=FW_DISP_IOVA)
    h.ui(1)
    h.clock(FRAMES_NS)
    h.ui(1, invalidate=False)
    h.migrate(H_MIG_DISPLAY + 1)
    h.migrate(H_MIG_DISPLAY + 1, [(3, 0x01)])
    h.clock(FRAMES_NS)
    h.realize_display(RV_DMA | RV_STRIDE | RV_REFRESH, stride=8192,
                      refresh=120)
    h.clock(FRAMES_NS)
    # a frame that runs out of the mapped framebuffer half-way, twice
    # (the second fails over lines read anew), and one at the top of
    # the IOVA space
    h.realize_display(RV_DMA | RV_WIDTH | RV_HEIGHT | RV_STRIDE | RV_IOVA,
                      width=64, height=32, stride=4096,
                      iova=FW_DISP_IOVA + FW_DISP_SIZE - 8 * 4096)
    h.clock(FRAMES_NS)
    h.clock(FRAMES_NS)
    h.realize_display(RV_DMA | RV_IOVA, iova=U64 - 15)
    h.clock(FRAMES_NS)
    h.realize_display(RV_WIDTH)
    h.realize_display(RV_DMA | RV_WIDTH, width=8)
    h.realize_display(RV_DMA | RV_HEIGHT, height=5000)
    h.realize_display(RV_DMA | RV_STRIDE, stride=6)
    h.realize_display(RV_DMA | RV_STRIDE, stride=1 << 20)
    h.realize_display(RV_DMA | RV_REFRESH, refresh=0)
    h.realize_display(RV_DMA | RV_REFRESH, refresh=60000)
    out["host-display"] = h

    # the state dump's bounds: more tables than it reads (two streams
    # through one top table that names the same table 2048 times), more
    # ranges than it lists (three leaf tables full of pages apart); a
    # table outside memory
    h = HostSeq()
    h.realize_dart("t8103")
    own = host_own("t8103")
    d = Dart(HostRegs(h, H_OWN), own, 0)
    span = 1 << (own.page_shift + (own.page_shift - 3))
    h.map(H_OWN, 1, 0, flags=MAP_ATTACH)
    h.map(H_OWN, 2, 0, flags=MAP_ATTACH)
    h.fill(H_OWN, 0, FILL_TABLES, 1)
    h.state(H_OWN)
    d.detach(2)
    h.fill(H_OWN, 0, FILL_RAW)
    for i in range(3):
        h.map(H_OWN, 1, i * span)
    h.fill(H_OWN, 1, FILL_LEAVES_APART, 3)
    h.state(H_OWN)
    d.wr(d.ttbr_off(1), d.ttbr_val(EDU_BAR))
    h.state(H_OWN)
    out["host-state-walk"] = h
    return out


def read_regions(path):
    regions = {"pre": {}, "post": {}}
    with open(path) as f:
        for line in f:
            phase, idx, addr = line.split()
            regions[phase].setdefault(int(addr, 16), int(idx))
    return regions


def write_seeds(outdir, inputs):
    os.makedirs(outdir, exist_ok=True)
    for name, s in inputs.items():
        with open(os.path.join(outdir, "seed-" + name), "wb") as f:
            f.write(s.data())


def main(argv):
    if len(argv) == 3 and argv[1] == "probe":
        with open(argv[2] + ".pre", "wb") as f:
            f.write(probe_inputs())
        return 0
    if len(argv) == 4 and argv[1] == "probe-post":
        with open(argv[3], "wb") as f:
            f.write(probe_post(read_regions(argv[2])))
        return 0
    if len(argv) in (5, 6) and argv[1] == "seeds" and argv[2] in GENS:
        regions = read_regions(argv[3])
        qemu_args = argv[5] if len(argv) == 6 else ""
        write_seeds(argv[4], seeds(argv[2], regions, qemu_args))
        return 0
    if len(argv) in (4, 5) and argv[1] == "host-seeds" and argv[2] in GENS:
        qemu_args = argv[4] if len(argv) == 5 else ""
        write_seeds(argv[3], host_seeds(argv[2], qemu_args))
        return 0
    print("usage: fuzz-seeds.py probe OUT | probe-post REGIONS OUT |"
          " seeds {%s} REGIONS OUTDIR [QEMU_ARGS] |"
          " host-seeds GEN OUTDIR [QEMU_ARGS]" % ",".join(GENS),
          file=sys.stderr)
    return 1


if __name__ == "__main__":
    sys.exit(main(sys.argv))
