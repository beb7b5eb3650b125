/*
 * Apple DART (Device Address Resolution Table) IOMMU
 *
 * Copyright (c) 2026 The apple-dart QEMU model authors
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 *
 * The DART sits between DMA masters and memory on Apple silicon. Each
 * master is a "stream"; a stream's TCR selects translation, bypass or
 * blocking, and its TTBRs point at two-level page tables (three with
 * T8110's FOUR_LEVEL, counting the TTBR as the first). Each DART
 * generation is described by an AppleDARTVariant: its register layout,
 * its PTE format and its sizes, so that the code below holds no
 * per-generation conditionals outside the layout-specific registers.
 *
 * Translations are cached per stream as the hardware TLB does: a guest
 * that edits its tables keeps using the old entries until it invalidates
 * the stream.
 */

#include "qemu/osdep.h"
#include "qemu/bitops.h"
#include "qemu/log.h"
#include "qemu/module.h"
#include "qapi/error.h"
#include "hw/irq.h"
#include "hw/qdev-properties.h"
#include "hw/registerfields.h"
#include "hw/iommu/apple-dart.h"
#include "migration/vmstate.h"
#include "exec/address-spaces.h"
#include "trace.h"

/* Registers common to every layout */
REG32(PARAMS1, 0x00)
    FIELD(PARAMS1, PAGE_SHIFT, 24, 4)
REG32(PARAMS2, 0x04)
    FIELD(PARAMS2, BYPASS_SUPPORT, 0, 1)

/* T8020 layout: t8103, t8103-usb4, t6000 */
REG32(T8020_STREAM_COMMAND, 0x20)
    FIELD(T8020_STREAM_COMMAND, BUSY, 2, 1)
    FIELD(T8020_STREAM_COMMAND, INVALIDATE, 20, 1)
REG32(T8020_STREAM_SELECT, 0x34)
REG32(T8020_ERROR, 0x40)
    FIELD(T8020_ERROR, CODE, 0, 12)
    FIELD(T8020_ERROR, STREAM, 24, 4)
    FIELD(T8020_ERROR, FLAG, 31, 1)
REG32(T8020_ERROR_ADDR_LO, 0x50)
REG32(T8020_ERROR_ADDR_HI, 0x54)
REG32(T8020_CONFIG, 0x60)
    FIELD(T8020_CONFIG, LOCK, 15, 1)
REG32(T8020_STREAMS_ENABLE, 0xfc)
REG32(T8020_TCR, 0x100)
    FIELD(T8020_TCR, TRANSLATE_ENABLE, 7, 1)
    FIELD(T8020_TCR, BYPASS_DART, 8, 1)
    FIELD(T8020_TCR, BYPASS_DAPF, 12, 1)
REG32(T8020_TTBR, 0x200)
    FIELD(T8020_TTBR, ADDR, 0, 31)
    FIELD(T8020_TTBR, VALID, 31, 1)

/* T8110 layout: t8110, t6020 */
REG32(T8110_PARAMS3, 0x08)
    FIELD(T8110_PARAMS3, VER_MIN, 0, 8)
    FIELD(T8110_PARAMS3, VER_MAJ, 8, 8)
    FIELD(T8110_PARAMS3, VA_WIDTH, 16, 6)
    FIELD(T8110_PARAMS3, PA_WIDTH, 24, 6)
REG32(T8110_PARAMS4, 0x0c)
    FIELD(T8110_PARAMS4, NUM_SIDS, 0, 9)
    FIELD(T8110_PARAMS4, NUM_CLIENTS, 16, 9)
REG32(T8110_TLB_CMD, 0x80)
    FIELD(T8110_TLB_CMD, STREAM, 0, 8)
    FIELD(T8110_TLB_CMD, OP, 8, 3)
    FIELD(T8110_TLB_CMD, BUSY, 31, 1)
REG32(T8110_ERROR, 0x100)
    FIELD(T8110_ERROR, CODE, 0, 15)
    FIELD(T8110_ERROR, STREAM, 20, 8)
    FIELD(T8110_ERROR, FLAG, 31, 1)
REG32(T8110_ERROR_MASK, 0x104)
REG32(T8110_ERROR_ADDR_LO, 0x170)
REG32(T8110_ERROR_ADDR_HI, 0x174)
REG32(T8110_ERROR_STREAMS, 0x1c0)
REG32(T8110_PROTECT, 0x200)
    FIELD(T8110_PROTECT, TTBR_TCR, 0, 1)
REG32(T8110_UNPROTECT, 0x204)
REG32(T8110_PROTECT_LOCK, 0x208)
REG32(T8110_PERF0, 0x700)
REG32(T8110_ENABLE_STREAMS, 0xc00)
REG32(T8110_DISABLE_STREAMS, 0xc20)
REG32(T8110_TCR, 0x1000)
    FIELD(T8110_TCR, TRANSLATE_ENABLE, 0, 1)
    FIELD(T8110_TCR, BYPASS_DART, 1, 1)
    FIELD(T8110_TCR, BYPASS_DAPF, 2, 1)
    FIELD(T8110_TCR, FOUR_LEVEL, 3, 1)
REG32(T8110_TTBR, 0x1400)
    FIELD(T8110_TTBR, VALID, 0, 1)
    FIELD(T8110_TTBR, ADDR, 2, 28)      /* PA >> 14 */

#define T8110_TLB_OP_FLUSH_ALL          0
#define T8110_TLB_OP_FLUSH_STREAM       1

/* PROTECT bits m1n1 names: TTBR/TCR, the 0x4xx registers, TZ config */
#define T8110_PROTECT_KNOWN     (BIT(0) | BIT(1) | BIT(3) | BIT(4))

/* Error codes of the T8020 layout (bits of ERROR.CODE) */
#define T8020_ERR_NO_TTBR       BIT(0)
#define T8020_ERR_NO_PMD        BIT(1)
#define T8020_ERR_NO_PTE        BIT(2)
#define T8020_ERR_WRITE_FAULT   BIT(3)
#define T8020_ERR_READ_FAULT    BIT(4)
#define T8020_ERR_SUBPAGE_PROT  BIT(7)

/*
 * Error codes of the T8110 layout. Nothing public names a subpage
 * protection code there; the model reports such faults as the access
 * fault (read or write) they are.
 */
#define T8110_ERR_NO_TTBR       BIT(0)
#define T8110_ERR_NO_PGD        BIT(1)
#define T8110_ERR_NO_PMD        BIT(2)
#define T8110_ERR_NO_PTE        BIT(3)
#define T8110_ERR_WRITE_FAULT   BIT(4)
#define T8110_ERR_READ_FAULT    BIT(5)

/* Page table entries */
#define DART_PTE_VALID          BIT_ULL(0)
#define DART_PTE_SUBPAGE_END_SHIFT      40
#define DART_PTE_SUBPAGE_START_SHIFT    52
#define DART_PTE_SUBPAGE_MASK           0xfff
#define DART_TTBR_SHIFT         12      /* TTBR address unit */
#define DART_PTE_SIZE           8

typedef enum AppleDARTFault {
    APPLE_DART_FAULT_NO_TTBR,
    APPLE_DART_FAULT_NO_PGD,        /* level 0 of a four-level walk */
    APPLE_DART_FAULT_NO_PMD,
    APPLE_DART_FAULT_NO_PTE,
    APPLE_DART_FAULT_READ,
    APPLE_DART_FAULT_WRITE,
    APPLE_DART_FAULT_SUBPAGE,
    APPLE_DART_FAULT__MAX,
} AppleDARTFault;

static const char *const fault_names[APPLE_DART_FAULT__MAX] = {
    [APPLE_DART_FAULT_NO_TTBR] = "no-ttbr",
    [APPLE_DART_FAULT_NO_PGD] = "no-pgd",
    [APPLE_DART_FAULT_NO_PMD] = "no-pmd",
    [APPLE_DART_FAULT_NO_PTE] = "no-pte",
    [APPLE_DART_FAULT_READ] = "read",
    [APPLE_DART_FAULT_WRITE] = "write",
    [APPLE_DART_FAULT_SUBPAGE] = "subpage",
};

/* How leaf and table entries encode addresses and permissions. */
typedef struct AppleDARTPTEFormat {
    const char *name;
    uint64_t pa_mask;           /* address bits within the entry ... */
    unsigned pa_shift;          /* ... shifted left by this to give the PA */
    uint64_t no_read;
    uint64_t no_write;
} AppleDARTPTEFormat;

/*
 * A register layout. Registers shared by meaning across layouts (TCR,
 * TTBR, ERROR, the lock) are described as data; the rest are handled by
 * the layout's own read/write hooks.
 */
typedef struct AppleDARTLayout {
    const char *name;
    hwaddr tcr_base;
    uint32_t tcr_writable;
    uint32_t tcr_translate;
    uint32_t tcr_bypass;
    uint32_t tcr_four_level;        /* a third table level, or 0 */
    uint32_t ttbr_valid;
    uint32_t ttbr_addr_mask;        /* PA = (ttbr & mask) << 12 */
    hwaddr ttbr_stride;             /* between streams */
    hwaddr error;
    hwaddr error_addr_lo;
    hwaddr error_addr_hi;
    uint32_t error_flag;
    unsigned error_stream_shift;
    unsigned error_stream_len;
    uint32_t fault_code[APPLE_DART_FAULT__MAX];
    hwaddr lock_reg;                /* writing lock_val there locks */
    uint32_t lock_val;
    hwaddr error_mask;              /* ERROR_MASK register, or 0 */
    hwaddr error_streams;           /* ERROR_STREAMS bitmap, or 0 */
    /* PARAMS3 and PARAMS4, for layouts that describe themselves */
    bool has_params34;
    /* Return true if @offset is one of the layout's own registers. */
    bool (*read)(AppleDARTState *s, hwaddr offset, uint32_t *val);
    bool (*write)(AppleDARTState *s, hwaddr offset, uint32_t val);
    bool (*locked)(AppleDARTState *s);
    void (*reset)(AppleDARTState *s);
} AppleDARTLayout;

/* One DART generation. */
struct AppleDARTVariant {
    const char *compatible;
    const AppleDARTLayout *layout;
    const AppleDARTPTEFormat *pte;
    unsigned num_streams;           /* default, and the maximum */
    unsigned ttbrs_per_stream;
    hwaddr ttbr_base;
    unsigned ias;                   /* defaults */
    unsigned oas;
    bool can_bypass;
    bool can_4k;                    /* 4 KiB pages possible */
    /*
     * Generations that describe themselves in PARAMS3/PARAMS4 come in
     * several sizes: the properties may pick within these ranges.
     */
    bool configurable;
    unsigned ias_min, ias_max;
    unsigned oas_min, oas_max;
};

static const AppleDARTPTEFormat dart1_pte = {
    .name = "DART1",
    .pa_mask = MAKE_64BIT_MASK(12, 24),     /* PA[35:12] in place */
    .pa_shift = 0,
    .no_write = BIT_ULL(7),
    .no_read = BIT_ULL(8),
};

/*
 * DART2: PA[41:14] as PA >> 4 in [37:10], so that tables and pages must
 * be 16 KiB aligned. Bit 1 (NO_CACHE, "realtime" to m1n1) does not
 * change translation.
 */
static const AppleDARTPTEFormat dart2_pte = {
    .name = "DART2",
    .pa_mask = MAKE_64BIT_MASK(10, 28),
    .pa_shift = 4,
    .no_write = BIT_ULL(2),
    .no_read = BIT_ULL(3),
};

static inline bool dart_stream_valid(AppleDARTState *s, unsigned sid)
{
    return sid < s->num_streams;
}

static inline const AppleDARTLayout *dart_layout(AppleDARTState *s)
{
    return s->variant->layout;
}

static void dart_update_irq(AppleDARTState *s)
{
    qemu_set_irq(s->irq, !!(s->error & dart_layout(s)->error_flag));
}

/*
 * Translation cache
 */

static inline unsigned dart_tlb_index(unsigned sid, uint64_t vpn)
{
    return (vpn ^ (vpn >> APPLE_DART_TLB_BITS) ^ (sid * 0x9e37u)) &
           (APPLE_DART_TLB_SIZE - 1);
}

static AppleDARTTLBEntry *dart_tlb_lookup(AppleDARTState *s, unsigned sid,
                                          uint64_t vpn)
{
    AppleDARTTLBEntry *e = &s->tlb[dart_tlb_index(sid, vpn)];

    if (e->valid && e->sid == sid && e->vpn == vpn &&
        e->epoch == s->epoch[sid]) {
        return e;
    }
    return NULL;
}

/*
 * Drop every cached translation of @sid. Entries are tagged with their
 * stream's epoch, so bumping it is enough; only on wrap-around do old
 * entries have to be cleared for real.
 */
static void dart_tlb_flush_stream(AppleDARTState *s, unsigned sid)
{
    if (++s->epoch[sid] == 0) {
        for (unsigned i = 0; i < APPLE_DART_TLB_SIZE; i++) {
            if (s->tlb[i].sid == sid) {
                s->tlb[i].valid = false;
            }
        }
    }
}

static void dart_tlb_flush_all(AppleDARTState *s)
{
    memset(s->tlb, 0, sizeof(s->tlb));
    memset(s->epoch, 0, sizeof(s->epoch));
}

static void dart_notify_unmap(AppleDARTState *s, unsigned sid)
{
    AppleDARTStream *st = s->streams[sid];
    IOMMUNotifier *n;

    if (!st || st->notifier_flags == IOMMU_NOTIFIER_NONE) {
        return;
    }
    IOMMU_NOTIFIER_FOREACH(n, &st->iommu) {
        memory_region_unmap_iommu_notifier_range(n);
    }
}

/* TLB invalidation of one stream, as the guest requests it. */
static void dart_invalidate_stream(AppleDARTState *s, unsigned sid)
{
    trace_apple_dart_invalidate(s->trace_name, sid);
    s->stat_invalidations++;
    qemu_mutex_lock(&s->lock);
    dart_tlb_flush_stream(s, sid);
    qemu_mutex_unlock(&s->lock);
    dart_notify_unmap(s, sid);
}

/*
 * Faults
 */

/*
 * Record a fault. The first fault is latched in ERROR/ERROR_ADDR and
 * raises the interrupt; later ones are only counted and traced until the
 * guest clears ERROR.FLAG.
 */
static void dart_record_fault(AppleDARTState *s, unsigned sid, hwaddr iova,
                              AppleDARTFault fault)
{
    const AppleDARTLayout *l = dart_layout(s);

    s->stat_faults++;
    if (l->error_streams) {
        set_bit32(sid, s->error_streams);
    }
    if (s->error_mask & l->fault_code[fault]) {
        trace_apple_dart_fault_masked(s->trace_name, sid, iova,
                                      fault_names[fault]);
        return;
    }
    if (s->error & l->error_flag) {
        trace_apple_dart_fault_lost(s->trace_name, sid, iova,
                                    fault_names[fault]);
        return;
    }
    trace_apple_dart_fault(s->trace_name, sid, iova, fault_names[fault],
                           l->fault_code[fault]);
    s->error = l->error_flag | l->fault_code[fault] |
               deposit32(0, l->error_stream_shift, l->error_stream_len, sid);
    s->error_addr = iova;
    dart_update_irq(s);
}

/*
 * Page table walk
 */

static inline hwaddr dart_pte_to_pa(AppleDARTState *s, uint64_t pte)
{
    const AppleDARTPTEFormat *f = s->variant->pte;

    return (pte & f->pa_mask) << f->pa_shift;
}

/*
 * Walk the tables of @sid for @iova. On success fill @out and return
 * true; otherwise return false with @fault set.
 */
static bool dart_walk(AppleDARTState *s, unsigned sid, hwaddr iova,
                      AppleDARTTLBEntry *out, AppleDARTFault *fault)
{
    const AppleDARTLayout *l = dart_layout(s);
    const AppleDARTPTEFormat *f = s->variant->pte;
    const unsigned bits = s->page_shift - 3;     /* index bits per level */
    const unsigned levels = (s->tcr[sid] & l->tcr_four_level) ? 3 : 2;
    const unsigned span = s->page_shift + bits * levels;
    uint64_t ttbr_idx = iova >> span;
    hwaddr table;
    uint64_t pte = 0;
    uint32_t ttbr;

    s->stat_walks++;
    if (ttbr_idx >= s->variant->ttbrs_per_stream) {
        *fault = APPLE_DART_FAULT_NO_TTBR;
        return false;
    }
    ttbr = s->ttbr[sid][ttbr_idx];
    if (!(ttbr & l->ttbr_valid)) {
        *fault = APPLE_DART_FAULT_NO_TTBR;
        return false;
    }
    table = (hwaddr)(ttbr & l->ttbr_addr_mask) << DART_TTBR_SHIFT;

    for (int level = levels - 1; level >= 0; level--) {
        unsigned shift = s->page_shift + bits * level;
        uint64_t index = extract64(iova, shift, bits);
        hwaddr pte_addr = table + index * DART_PTE_SIZE;
        MemTxResult res;

        pte = address_space_ldq_le(&s->dma_as, pte_addr,
                                   MEMTXATTRS_UNSPECIFIED, &res);
        trace_apple_dart_walk(s->trace_name, sid, iova, level, pte_addr, pte);
        if (res != MEMTX_OK) {
            qemu_log_mask(LOG_GUEST_ERROR,
                          "%s: stream %u: page table at 0x%" HWADDR_PRIx
                          " for iova 0x%" HWADDR_PRIx " is not in memory\n",
                          s->trace_name, sid, pte_addr, iova);
            pte = 0;
        }
        if (!(pte & DART_PTE_VALID)) {
            *fault = level == 0 ? APPLE_DART_FAULT_NO_PTE :
                     level == 1 ? APPLE_DART_FAULT_NO_PMD :
                     APPLE_DART_FAULT_NO_PGD;
            return false;
        }
        table = dart_pte_to_pa(s, pte);
    }

    out->sid = sid;
    out->vpn = iova >> s->page_shift;
    out->pa = table & ~(hwaddr)((1ull << s->page_shift) - 1);
    out->perm = (pte & f->no_read ? 0 : IOMMU_RO) |
                (pte & f->no_write ? 0 : IOMMU_WO);
    out->sub_start = (pte >> DART_PTE_SUBPAGE_START_SHIFT) &
                     DART_PTE_SUBPAGE_MASK;
    out->sub_end = (pte >> DART_PTE_SUBPAGE_END_SHIFT) &
                   DART_PTE_SUBPAGE_MASK;
    out->valid = true;
    return true;
}

/*
 * The stream's mode as its TCR selects it. Evaluated on every access: a
 * TCR change takes effect at once, only page translations are cached.
 */
typedef enum AppleDARTMode {
    DART_MODE_DISABLED,     /* stream off in STREAMS_ENABLE */
    DART_MODE_BLOCKED,
    DART_MODE_BYPASS,
    DART_MODE_TRANSLATE,
} AppleDARTMode;

static const char *const mode_names[] = {
    [DART_MODE_DISABLED] = "disabled",
    [DART_MODE_BLOCKED] = "blocked",
    [DART_MODE_BYPASS] = "bypass",
    [DART_MODE_TRANSLATE] = "translate",
};

static AppleDARTMode dart_stream_mode(AppleDARTState *s, unsigned sid)
{
    const AppleDARTLayout *l = dart_layout(s);
    uint32_t tcr = s->tcr[sid];

    if (!test_bit32(sid, s->streams_enable)) {
        return DART_MODE_DISABLED;
    }
    if ((tcr & l->tcr_bypass) && s->bypass_supported) {
        return DART_MODE_BYPASS;
    }
    if (tcr & l->tcr_translate) {
        return DART_MODE_TRANSLATE;
    }
    return DART_MODE_BLOCKED;
}

/*
 * A subpage window violation, as the layout reports it: T8020 has a code
 * for it; for T8110 nothing public names one, so it is the access fault.
 */
static AppleDARTFault dart_subpage_fault(AppleDARTState *s,
                                         IOMMUAccessFlags flag)
{
    if (dart_layout(s)->fault_code[APPLE_DART_FAULT_SUBPAGE]) {
        return APPLE_DART_FAULT_SUBPAGE;
    }
    return flag & IOMMU_WO ? APPLE_DART_FAULT_WRITE : APPLE_DART_FAULT_READ;
}

static IOMMUTLBEntry apple_dart_translate(IOMMUMemoryRegion *iommu,
                                          hwaddr addr, IOMMUAccessFlags flag,
                                          int iommu_idx)
{
    AppleDARTStream *st = container_of(iommu, AppleDARTStream, iommu);
    AppleDARTState *s = st->dart;
    const hwaddr page_mask = (1ull << s->page_shift) - 1;
    unsigned sid = st->sid;
    IOMMUTLBEntry ret = {
        .target_as = &s->dma_as,
        .iova = addr & ~page_mask,
        .translated_addr = 0,
        .addr_mask = page_mask,
        .perm = IOMMU_NONE,
    };
    AppleDARTTLBEntry walked, *e;
    AppleDARTFault fault;
    AppleDARTMode mode;
    hwaddr offset;

    mode = dart_stream_mode(s, sid);
    if (mode == DART_MODE_BYPASS) {
        ret.translated_addr = ret.iova;
        ret.perm = IOMMU_RW;
        return ret;
    }
    if (mode != DART_MODE_TRANSLATE) {
        trace_apple_dart_translate_blocked(s->trace_name, sid, addr,
                                           mode_names[mode]);
        return ret;
    }

    qemu_mutex_lock(&s->lock);
    e = dart_tlb_lookup(s, sid, addr >> s->page_shift);
    if (e) {
        s->stat_tlb_hits++;
    } else if (dart_walk(s, sid, addr, &walked, &fault)) {
        walked.epoch = s->epoch[sid];
        e = &s->tlb[dart_tlb_index(sid, walked.vpn)];
        *e = walked;
    } else {
        qemu_mutex_unlock(&s->lock);
        if (flag != IOMMU_NONE) {
            dart_record_fault(s, sid, addr, fault);
        }
        return ret;
    }
    walked = *e;
    qemu_mutex_unlock(&s->lock);

    ret.translated_addr = walked.pa;
    ret.perm = walked.perm;

    /*
     * Subpage protection limits access to [start, end] in units of
     * page/4096 bytes; start 0 and end 0xfff cover the whole page.
     */
    if (walked.sub_start != 0 || walked.sub_end != DART_PTE_SUBPAGE_MASK) {
        unsigned unit_shift = s->page_shift - 12;

        offset = (addr & page_mask) >> unit_shift;
        if (offset < walked.sub_start || offset > walked.sub_end) {
            ret.perm = IOMMU_NONE;
            if (flag != IOMMU_NONE) {
                dart_record_fault(s, sid, addr, dart_subpage_fault(s, flag));
            }
            return ret;
        }
        ret.addr_mask = (1ull << unit_shift) - 1;
        ret.iova = addr & ~ret.addr_mask;
        ret.translated_addr = walked.pa + (ret.iova & page_mask);
    }

    if ((flag & IOMMU_WO) && !(ret.perm & IOMMU_WO)) {
        dart_record_fault(s, sid, addr, APPLE_DART_FAULT_WRITE);
    } else if ((flag & IOMMU_RO) && !(ret.perm & IOMMU_RO)) {
        dart_record_fault(s, sid, addr, APPLE_DART_FAULT_READ);
    }
    trace_apple_dart_translate(s->trace_name, sid, addr,
                               ret.translated_addr | (addr & ret.addr_mask),
                               ret.perm);
    return ret;
}

static int apple_dart_notify_flag_changed(IOMMUMemoryRegion *iommu,
                                          IOMMUNotifierFlag old,
                                          IOMMUNotifierFlag new,
                                          Error **errp)
{
    AppleDARTStream *st = container_of(iommu, AppleDARTStream, iommu);

    if (new & (IOMMU_NOTIFIER_MAP | IOMMU_NOTIFIER_DEVIOTLB_UNMAP)) {
        error_setg(errp, "%s: stream %u: only UNMAP notifiers are supported",
                   st->dart->trace_name, st->sid);
        return -EINVAL;
    }
    st->notifier_flags = new;
    return 0;
}

static uint64_t apple_dart_get_min_page_size(IOMMUMemoryRegion *iommu)
{
    AppleDARTStream *st = container_of(iommu, AppleDARTStream, iommu);

    return 1ull << st->dart->page_shift;
}

/*
 * Streams
 */

unsigned apple_dart_num_streams(AppleDARTState *s)
{
    return s->num_streams;
}

const char *apple_dart_compatible(AppleDARTState *s)
{
    return s->variant->compatible;
}

static AppleDARTStream *dart_get_stream(AppleDARTState *s, unsigned sid)
{
    AppleDARTStream *st;
    g_autofree char *name = NULL;

    assert(dart_stream_valid(s, sid));
    if (s->streams[sid]) {
        return s->streams[sid];
    }
    st = g_new0(AppleDARTStream, 1);
    st->dart = s;
    st->sid = sid;
    name = g_strdup_printf("%s-stream-%u", s->trace_name, sid);
    memory_region_init_iommu(&st->iommu, sizeof(st->iommu),
                             TYPE_APPLE_DART_IOMMU_MEMORY_REGION,
                             OBJECT(s), name, UINT64_MAX);
    address_space_init(&st->as, MEMORY_REGION(&st->iommu), name);
    s->streams[sid] = st;
    return st;
}

AddressSpace *apple_dart_stream_as(AppleDARTState *s, unsigned sid)
{
    return &dart_get_stream(s, sid)->as;
}

MemoryRegion *apple_dart_stream_mr(AppleDARTState *s, unsigned sid)
{
    return MEMORY_REGION(&dart_get_stream(s, sid)->iommu);
}

/*
 * Registers
 */

static bool dart_t8020_locked(AppleDARTState *s)
{
    return FIELD_EX32(s->config, T8020_CONFIG, LOCK);
}

static unsigned dart_stream_words(AppleDARTState *s)
{
    return DIV_ROUND_UP(s->num_streams, 32);
}

/* Mask of the valid stream bits of bitmap word @word. */
static uint32_t dart_stream_word_mask(AppleDARTState *s, unsigned word)
{
    unsigned n = s->num_streams;

    if (n >= (word + 1) * 32) {
        return UINT32_MAX;
    }
    return n > word * 32 ? MAKE_64BIT_MASK(0, n - word * 32) : 0;
}

static void dart_t8020_reset(AppleDARTState *s)
{
    s->config = 0;
}

static bool dart_t8020_read(AppleDARTState *s, hwaddr offset, uint32_t *val)
{
    unsigned words = dart_stream_words(s);

    switch (offset) {
    case A_T8020_STREAM_COMMAND:
        *val = 0;       /* invalidations complete at once: never BUSY */
        return true;
    case A_T8020_CONFIG:
        *val = s->config;
        return true;
    }
    if (offset >= A_T8020_STREAM_SELECT &&
        offset < A_T8020_STREAM_SELECT + 4 * words) {
        *val = s->stream_select[(offset - A_T8020_STREAM_SELECT) / 4];
        return true;
    }
    if (offset == A_T8020_STREAMS_ENABLE) {
        *val = s->streams_enable[0];
        return true;
    }
    return false;
}

static bool dart_t8020_write(AppleDARTState *s, hwaddr offset, uint32_t val)
{
    unsigned words = dart_stream_words(s);

    switch (offset) {
    case A_T8020_STREAM_COMMAND:
        if (FIELD_EX32(val, T8020_STREAM_COMMAND, INVALIDATE)) {
            for (unsigned w = 0; w < words; w++) {
                uint32_t sel = s->stream_select[w];

                while (sel) {
                    unsigned bit = ctz32(sel);

                    dart_invalidate_stream(s, w * 32 + bit);
                    sel &= sel - 1;
                }
            }
        }
        if (val & ~R_T8020_STREAM_COMMAND_INVALIDATE_MASK) {
            qemu_log_mask(LOG_UNIMP, "%s: STREAM_COMMAND 0x%08" PRIx32
                          ": only INVALIDATE is implemented\n",
                          s->trace_name, val);
        }
        return true;
    case A_T8020_CONFIG:
        /* The lock cannot be undone short of a reset. */
        if (val & ~R_T8020_CONFIG_LOCK_MASK) {
            qemu_log_mask(LOG_UNIMP, "%s: CONFIG 0x%08" PRIx32
                          ": only LOCK is implemented\n", s->trace_name, val);
        }
        if ((val & R_T8020_CONFIG_LOCK_MASK) && !dart_t8020_locked(s)) {
            trace_apple_dart_lock(s->trace_name);
        }
        s->config |= val & R_T8020_CONFIG_LOCK_MASK;
        return true;
    }
    if (offset >= A_T8020_STREAM_SELECT &&
        offset < A_T8020_STREAM_SELECT + 4 * words) {
        unsigned w = (offset - A_T8020_STREAM_SELECT) / 4;

        s->stream_select[w] = val & dart_stream_word_mask(s, w);
        return true;
    }
    if (offset == A_T8020_STREAMS_ENABLE) {
        s->streams_enable[0] = val & dart_stream_word_mask(s, 0);
        return true;
    }
    return false;
}

static const AppleDARTLayout t8020_layout = {
    .name = "T8020",
    .tcr_base = A_T8020_TCR,
    .tcr_writable = R_T8020_TCR_TRANSLATE_ENABLE_MASK |
                    R_T8020_TCR_BYPASS_DART_MASK |
                    R_T8020_TCR_BYPASS_DAPF_MASK,
    .tcr_translate = R_T8020_TCR_TRANSLATE_ENABLE_MASK,
    .tcr_bypass = R_T8020_TCR_BYPASS_DART_MASK,
    .ttbr_valid = R_T8020_TTBR_VALID_MASK,
    .ttbr_addr_mask = R_T8020_TTBR_ADDR_MASK,
    .ttbr_stride = 4 * APPLE_DART_MAX_TTBRS,
    .error = A_T8020_ERROR,
    .error_addr_lo = A_T8020_ERROR_ADDR_LO,
    .error_addr_hi = A_T8020_ERROR_ADDR_HI,
    .error_flag = R_T8020_ERROR_FLAG_MASK,
    .error_stream_shift = R_T8020_ERROR_STREAM_SHIFT,
    .error_stream_len = R_T8020_ERROR_STREAM_LENGTH,
    .fault_code = {
        [APPLE_DART_FAULT_NO_TTBR] = T8020_ERR_NO_TTBR,
        [APPLE_DART_FAULT_NO_PGD] = T8020_ERR_NO_PMD,
        [APPLE_DART_FAULT_NO_PMD] = T8020_ERR_NO_PMD,
        [APPLE_DART_FAULT_NO_PTE] = T8020_ERR_NO_PTE,
        [APPLE_DART_FAULT_READ] = T8020_ERR_READ_FAULT,
        [APPLE_DART_FAULT_WRITE] = T8020_ERR_WRITE_FAULT,
        [APPLE_DART_FAULT_SUBPAGE] = T8020_ERR_SUBPAGE_PROT,
    },
    .lock_reg = A_T8020_CONFIG,
    .lock_val = R_T8020_CONFIG_LOCK_MASK,
    .read = dart_t8020_read,
    .write = dart_t8020_write,
    .locked = dart_t8020_locked,
    .reset = dart_t8020_reset,
};

/*
 * T8110 layout
 */

static bool dart_t8110_locked(AppleDARTState *s)
{
    return s->protect & R_T8110_PROTECT_TTBR_TCR_MASK;
}

static void dart_t8110_reset(AppleDARTState *s)
{
    s->protect = 0;
    s->protect_locked = false;
}

static void dart_flush_all_streams(AppleDARTState *s)
{
    for (unsigned sid = 0; sid < s->num_streams; sid++) {
        dart_invalidate_stream(s, sid);
    }
}

static bool dart_t8110_read(AppleDARTState *s, hwaddr offset, uint32_t *val)
{
    unsigned words = dart_stream_words(s);

    switch (offset) {
    case A_T8110_PARAMS3:
        *val = FIELD_DP32(0, T8110_PARAMS3, VA_WIDTH, s->ias);
        *val = FIELD_DP32(*val, T8110_PARAMS3, PA_WIDTH, s->oas);
        *val = FIELD_DP32(*val, T8110_PARAMS3, VER_MAJ, 2);
        return true;
    case A_T8110_PARAMS4:
        *val = FIELD_DP32(0, T8110_PARAMS4, NUM_SIDS, s->num_streams);
        *val = FIELD_DP32(*val, T8110_PARAMS4, NUM_CLIENTS, s->num_streams);
        return true;
    case A_T8110_TLB_CMD:
        *val = 0;       /* flushes complete at once: never BUSY */
        return true;
    case A_T8110_ERROR_MASK:
        *val = s->error_mask;
        return true;
    case A_T8110_PROTECT:
        *val = s->protect;
        return true;
    case A_T8110_UNPROTECT:
        *val = 0;
        return true;
    case A_T8110_PROTECT_LOCK:
        *val = s->protect_locked;
        return true;
    case A_T8110_PERF0:
        /* m1n1 polls bit 31 here after a flush: it must read clear */
        *val = 0;
        return true;
    }
    if (offset >= A_T8110_ERROR_STREAMS &&
        offset < A_T8110_ERROR_STREAMS + 4 * words) {
        *val = s->error_streams[(offset - A_T8110_ERROR_STREAMS) / 4];
        return true;
    }
    if (offset >= A_T8110_ENABLE_STREAMS &&
        offset < A_T8110_ENABLE_STREAMS + 4 * words) {
        *val = s->streams_enable[(offset - A_T8110_ENABLE_STREAMS) / 4];
        return true;
    }
    if (offset >= A_T8110_DISABLE_STREAMS &&
        offset < A_T8110_DISABLE_STREAMS + 4 * words) {
        *val = s->streams_enable[(offset - A_T8110_DISABLE_STREAMS) / 4];
        return true;
    }
    return false;
}

static void dart_t8110_tlb_cmd(AppleDARTState *s, uint32_t val)
{
    unsigned sid = FIELD_EX32(val, T8110_TLB_CMD, STREAM);

    switch (FIELD_EX32(val, T8110_TLB_CMD, OP)) {
    case T8110_TLB_OP_FLUSH_ALL:
        dart_flush_all_streams(s);
        break;
    case T8110_TLB_OP_FLUSH_STREAM:
        if (!dart_stream_valid(s, sid)) {
            qemu_log_mask(LOG_GUEST_ERROR, "%s: TLB_CMD flushes stream %u"
                          " of %u\n", s->trace_name, sid, s->num_streams);
            break;
        }
        dart_invalidate_stream(s, sid);
        break;
    default:
        qemu_log_mask(LOG_UNIMP, "%s: TLB_CMD 0x%08" PRIx32 ": only flush"
                      " operations are implemented\n", s->trace_name, val);
    }
}

static bool dart_t8110_write(AppleDARTState *s, hwaddr offset, uint32_t val)
{
    unsigned words = dart_stream_words(s);
    unsigned w;

    switch (offset) {
    case A_T8110_TLB_CMD:
        dart_t8110_tlb_cmd(s, val);
        return true;
    case A_T8110_ERROR_MASK:
        s->error_mask = val & MAKE_64BIT_MASK(0, R_T8110_ERROR_CODE_LENGTH);
        return true;
    case A_T8110_PROTECT:
        if (val & ~T8110_PROTECT_KNOWN) {
            qemu_log_mask(LOG_UNIMP, "%s: PROTECT 0x%08" PRIx32 ": unknown"
                          " bits ignored\n", s->trace_name, val);
        }
        if ((val & R_T8110_PROTECT_TTBR_TCR_MASK) && !dart_t8110_locked(s)) {
            trace_apple_dart_lock(s->trace_name);
        }
        s->protect |= val & T8110_PROTECT_KNOWN;
        return true;
    case A_T8110_UNPROTECT:
        if (s->protect_locked) {
            qemu_log_mask(LOG_GUEST_ERROR, "%s: UNPROTECT 0x%08" PRIx32
                          " after PROTECT_LOCK ignored\n", s->trace_name,
                          val);
            return true;
        }
        s->protect &= ~val;
        return true;
    case A_T8110_PROTECT_LOCK:
        /* Whatever was written, protection now stays until reset. */
        s->protect_locked = true;
        return true;
    case A_T8110_PARAMS3:
    case A_T8110_PARAMS4:
        qemu_log_mask(LOG_GUEST_ERROR, "%s: write to read-only register 0x%"
                      HWADDR_PRIx "\n", s->trace_name, offset);
        return true;
    }
    if (offset >= A_T8110_ERROR_STREAMS &&
        offset < A_T8110_ERROR_STREAMS + 4 * words) {
        /* write 1 to clear, as Linux's interrupt handler does */
        s->error_streams[(offset - A_T8110_ERROR_STREAMS) / 4] &= ~val;
        return true;
    }
    if (offset >= A_T8110_ENABLE_STREAMS &&
        offset < A_T8110_ENABLE_STREAMS + 4 * words) {
        w = (offset - A_T8110_ENABLE_STREAMS) / 4;
        s->streams_enable[w] |= val & dart_stream_word_mask(s, w);
        return true;
    }
    if (offset >= A_T8110_DISABLE_STREAMS &&
        offset < A_T8110_DISABLE_STREAMS + 4 * words) {
        w = (offset - A_T8110_DISABLE_STREAMS) / 4;
        s->streams_enable[w] &= ~val;
        return true;
    }
    return false;
}

static const AppleDARTLayout t8110_layout = {
    .name = "T8110",
    .tcr_base = A_T8110_TCR,
    .tcr_writable = R_T8110_TCR_TRANSLATE_ENABLE_MASK |
                    R_T8110_TCR_BYPASS_DART_MASK |
                    R_T8110_TCR_BYPASS_DAPF_MASK |
                    R_T8110_TCR_FOUR_LEVEL_MASK,
    .tcr_translate = R_T8110_TCR_TRANSLATE_ENABLE_MASK,
    .tcr_bypass = R_T8110_TCR_BYPASS_DART_MASK,
    .tcr_four_level = R_T8110_TCR_FOUR_LEVEL_MASK,
    .ttbr_valid = R_T8110_TTBR_VALID_MASK,
    .ttbr_addr_mask = R_T8110_TTBR_ADDR_MASK,  /* PA >> 14 << 2 = PA >> 12 */
    .ttbr_stride = 4,
    .error = A_T8110_ERROR,
    .error_addr_lo = A_T8110_ERROR_ADDR_LO,
    .error_addr_hi = A_T8110_ERROR_ADDR_HI,
    .error_flag = R_T8110_ERROR_FLAG_MASK,
    .error_stream_shift = R_T8110_ERROR_STREAM_SHIFT,
    .error_stream_len = R_T8110_ERROR_STREAM_LENGTH,
    .fault_code = {
        [APPLE_DART_FAULT_NO_TTBR] = T8110_ERR_NO_TTBR,
        [APPLE_DART_FAULT_NO_PGD] = T8110_ERR_NO_PGD,
        [APPLE_DART_FAULT_NO_PMD] = T8110_ERR_NO_PMD,
        [APPLE_DART_FAULT_NO_PTE] = T8110_ERR_NO_PTE,
        [APPLE_DART_FAULT_READ] = T8110_ERR_READ_FAULT,
        [APPLE_DART_FAULT_WRITE] = T8110_ERR_WRITE_FAULT,
        [APPLE_DART_FAULT_SUBPAGE] = 0,     /* see dart_subpage_fault() */
    },
    .error_mask = A_T8110_ERROR_MASK,
    .error_streams = A_T8110_ERROR_STREAMS,
    .has_params34 = true,
    .lock_reg = A_T8110_PROTECT,
    .lock_val = R_T8110_PROTECT_TTBR_TCR_MASK,
    .read = dart_t8110_read,
    .write = dart_t8110_write,
    .locked = dart_t8110_locked,
    .reset = dart_t8110_reset,
};

/*
 * The generations
 */

static const AppleDARTVariant t8103_variant = {
    .compatible = "apple,t8103-dart",
    .layout = &t8020_layout,
    .pte = &dart1_pte,
    .num_streams = 16,
    .ttbrs_per_stream = 4,
    .ttbr_base = A_T8020_TTBR,
    .ias = 32,
    .oas = 36,
    .can_bypass = true,
    .can_4k = true,
};

/*
 * The USB4/Thunderbolt DART of M1: 64 streams, TTBRs further up, no
 * bypass. With 64 streams a second STREAMS_ENABLE word would sit at 0x100,
 * where stream 0's TCR is; Linux's reset writes 0xffffffff there all the
 * same. The model keeps TCR 0 there (streams 32-63 stay enabled), so the
 * write lands in TCR 0 and is masked like any TCR write.
 */
static const AppleDARTVariant t8103_usb4_variant = {
    .compatible = "apple,t8103-usb4-dart",
    .layout = &t8020_layout,
    .pte = &dart1_pte,
    .num_streams = 64,
    .ttbrs_per_stream = 4,
    .ttbr_base = 0x400,
    .ias = 32,
    .oas = 36,
    .can_bypass = false,
    .can_4k = true,
};

/* M1 Pro/Max: T8020 registers with DART2 page tables. */
static const AppleDARTVariant t6000_variant = {
    .compatible = "apple,t6000-dart",
    .layout = &t8020_layout,
    .pte = &dart2_pte,
    .num_streams = 16,
    .ttbrs_per_stream = 4,
    .ttbr_base = A_T8020_TTBR,
    .ias = 32,
    .oas = 42,
    .can_bypass = true,
    .can_4k = false,
};

/*
 * M2 and later: the T8110 layout describes its size in PARAMS3/PARAMS4,
 * one TTBR per stream, and four-level tables for a VA wider than 36 bits.
 */
static const AppleDARTVariant t8110_variant = {
    .compatible = "apple,t8110-dart",
    .layout = &t8110_layout,
    .pte = &dart2_pte,
    .num_streams = 16,
    .ttbrs_per_stream = 1,
    .ttbr_base = A_T8110_TTBR,
    .ias = 36,
    .oas = 42,
    .can_bypass = true,
    .can_4k = false,
    .configurable = true,
    .ias_min = 32,
    .ias_max = 47,      /* four levels of 16 KiB tables */
    .oas_min = 36,
    .oas_max = 42,      /* what DART2 entries can hold */
};

/* Is @offset the TCR of a stream? Set *sid if so. */
static bool dart_decode_tcr(AppleDARTState *s, hwaddr offset, unsigned *sid)
{
    hwaddr base = dart_layout(s)->tcr_base;

    if (offset < base || (offset - base) % 4) {
        return false;
    }
    *sid = (offset - base) / 4;
    return dart_stream_valid(s, *sid);
}

static bool dart_decode_ttbr(AppleDARTState *s, hwaddr offset, unsigned *sid,
                             unsigned *idx)
{
    const AppleDARTVariant *v = s->variant;
    hwaddr stride = v->layout->ttbr_stride;
    hwaddr rel;

    if (offset < v->ttbr_base || (offset - v->ttbr_base) % 4) {
        return false;
    }
    rel = offset - v->ttbr_base;
    *sid = rel / stride;
    *idx = (rel % stride) / 4;
    return dart_stream_valid(s, *sid) && *idx < v->ttbrs_per_stream;
}

static uint32_t dart_params1(AppleDARTState *s)
{
    return FIELD_DP32(0, PARAMS1, PAGE_SHIFT, s->page_shift);
}

static uint64_t apple_dart_read(void *opaque, hwaddr offset, unsigned size)
{
    AppleDARTState *s = opaque;
    const AppleDARTLayout *l = dart_layout(s);
    unsigned sid, idx;
    uint32_t val = 0;

    if (offset == A_PARAMS1) {
        val = dart_params1(s);
    } else if (offset == A_PARAMS2) {
        val = FIELD_DP32(0, PARAMS2, BYPASS_SUPPORT, s->bypass_supported);
    } else if (offset == l->error) {
        val = s->error;
    } else if (offset == l->error_addr_lo) {
        val = s->error_addr;
    } else if (offset == l->error_addr_hi) {
        val = s->error_addr >> 32;
    } else if (l->read(s, offset, &val)) {
        /* layout-specific register */
    } else if (dart_decode_tcr(s, offset, &sid)) {
        val = s->tcr[sid];
    } else if (dart_decode_ttbr(s, offset, &sid, &idx)) {
        val = s->ttbr[sid][idx];
    } else {
        qemu_log_mask(LOG_UNIMP, "%s: read of unimplemented register 0x%"
                      HWADDR_PRIx "\n", s->trace_name, offset);
    }
    trace_apple_dart_reg_read(s->trace_name, offset, val);
    return val;
}

static void dart_locked_write(AppleDARTState *s, const char *reg,
                              unsigned sid, uint32_t val)
{
    qemu_log_mask(LOG_GUEST_ERROR, "%s: %s of stream %u is locked; write of"
                  " 0x%08" PRIx32 " ignored\n", s->trace_name, reg, sid, val);
    trace_apple_dart_locked_write(s->trace_name, reg, sid, val);
}

static void apple_dart_write(void *opaque, hwaddr offset, uint64_t value,
                             unsigned size)
{
    AppleDARTState *s = opaque;
    const AppleDARTLayout *l = dart_layout(s);
    uint32_t val = value;
    unsigned sid, idx;

    trace_apple_dart_reg_write(s->trace_name, offset, val);

    if (offset == l->error) {
        /* write 1 to clear */
        s->error &= ~val;
        dart_update_irq(s);
    } else if (l->write(s, offset, val)) {
        /* layout-specific register */
    } else if (dart_decode_tcr(s, offset, &sid)) {
        if (l->locked(s)) {
            dart_locked_write(s, "TCR", sid, val);
            return;
        }
        if (val & ~l->tcr_writable) {
            qemu_log_mask(LOG_GUEST_ERROR, "%s: TCR of stream %u: reserved"
                          " bits in 0x%08" PRIx32 " ignored\n",
                          s->trace_name, sid, val);
        }
        s->tcr[sid] = val & l->tcr_writable;
        if ((s->tcr[sid] & l->tcr_bypass) && !s->bypass_supported) {
            qemu_log_mask(LOG_GUEST_ERROR, "%s: stream %u: bypass requested"
                          " but not supported\n", s->trace_name, sid);
        }
    } else if (dart_decode_ttbr(s, offset, &sid, &idx)) {
        if (l->locked(s)) {
            dart_locked_write(s, "TTBR", sid, val);
            return;
        }
        s->ttbr[sid][idx] = val;
    } else if (offset == A_PARAMS1 || offset == A_PARAMS2 ||
               offset == l->error_addr_lo || offset == l->error_addr_hi) {
        qemu_log_mask(LOG_GUEST_ERROR, "%s: write to read-only register 0x%"
                      HWADDR_PRIx "\n", s->trace_name, offset);
    } else {
        qemu_log_mask(LOG_UNIMP, "%s: write of 0x%08" PRIx32 " to"
                      " unimplemented register 0x%" HWADDR_PRIx "\n",
                      s->trace_name, val, offset);
    }
}

static const MemoryRegionOps apple_dart_ops = {
    .read = apple_dart_read,
    .write = apple_dart_write,
    .endianness = DEVICE_LITTLE_ENDIAN,
    .valid = {
        .min_access_size = 4,
        .max_access_size = 4,
    },
};

/*
 * Firmware interface
 */

unsigned apple_dart_page_shift(AppleDARTState *s)
{
    return s->page_shift;
}

/* Firmware uses a third level when the VA is wider than two can cover. */
unsigned apple_dart_table_levels(AppleDARTState *s)
{
    return dart_layout(s)->tcr_four_level && s->ias > 36 ? 3 : 2;
}

unsigned apple_dart_ttbrs_per_stream(AppleDARTState *s)
{
    return s->variant->ttbrs_per_stream;
}

hwaddr apple_dart_tcr_offset(AppleDARTState *s, unsigned sid)
{
    assert(dart_stream_valid(s, sid));
    return dart_layout(s)->tcr_base + 4 * sid;
}

hwaddr apple_dart_ttbr_offset(AppleDARTState *s, unsigned sid, unsigned idx)
{
    assert(dart_stream_valid(s, sid) && idx < s->variant->ttbrs_per_stream);
    return s->variant->ttbr_base + sid * dart_layout(s)->ttbr_stride + 4 * idx;
}

uint32_t apple_dart_tcr_translate(AppleDARTState *s)
{
    const AppleDARTLayout *l = dart_layout(s);

    return l->tcr_translate |
           (apple_dart_table_levels(s) == 3 ? l->tcr_four_level : 0);
}

uint32_t apple_dart_ttbr_encode(AppleDARTState *s, hwaddr table)
{
    const AppleDARTLayout *l = dart_layout(s);

    return l->ttbr_valid | ((table >> DART_TTBR_SHIFT) & l->ttbr_addr_mask);
}

static uint64_t dart_pte_encode_pa(AppleDARTState *s, hwaddr pa)
{
    const AppleDARTPTEFormat *f = s->variant->pte;

    return (pa >> f->pa_shift) & f->pa_mask;
}

uint64_t apple_dart_table_pte(AppleDARTState *s, hwaddr next_table)
{
    return dart_pte_encode_pa(s, next_table) | DART_PTE_VALID;
}

uint64_t apple_dart_leaf_pte(AppleDARTState *s, hwaddr pa, bool read_only)
{
    return dart_pte_encode_pa(s, pa) | DART_PTE_VALID |
           ((uint64_t)DART_PTE_SUBPAGE_MASK << DART_PTE_SUBPAGE_END_SHIFT) |
           (read_only ? s->variant->pte->no_write : 0);
}

void apple_dart_lock_write(AppleDARTState *s, hwaddr *offset, uint32_t *val)
{
    *offset = dart_layout(s)->lock_reg;
    *val = dart_layout(s)->lock_val;
}

bool apple_dart_locked(AppleDARTState *s)
{
    return dart_layout(s)->locked(s);
}

/*
 * Device life cycle
 */

static void apple_dart_reset_hold(Object *obj, ResetType type)
{
    AppleDARTState *s = APPLE_DART(obj);

    s->error = 0;
    s->error_addr = 0;
    s->error_mask = 0;
    memset(s->error_streams, 0, sizeof(s->error_streams));
    memset(s->stream_select, 0, sizeof(s->stream_select));
    memset(s->tcr, 0, sizeof(s->tcr));
    memset(s->ttbr, 0, sizeof(s->ttbr));
    /* Streams come out of reset enabled; TCR 0 blocks them anyway. */
    for (unsigned w = 0; w < APPLE_DART_STREAM_WORDS; w++) {
        s->streams_enable[w] = dart_stream_word_mask(s, w);
    }
    dart_layout(s)->reset(s);

    qemu_mutex_lock(&s->lock);
    dart_tlb_flush_all(s);
    qemu_mutex_unlock(&s->lock);
    for (unsigned sid = 0; sid < s->num_streams; sid++) {
        dart_notify_unmap(s, sid);
    }
    trace_apple_dart_reset(s->trace_name);
}

static void apple_dart_reset_exit(Object *obj, ResetType type)
{
    dart_update_irq(APPLE_DART(obj));
}

/*
 * Stream count and address widths: fixed by the generation, or chosen
 * by the properties within its ranges. 0 means the generation's default.
 */
static bool dart_realize_sizes(AppleDARTState *s, Error **errp)
{
    const AppleDARTVariant *v = s->variant;

    s->num_streams = s->prop_num_streams ?: v->num_streams;
    s->ias = s->prop_va_bits ?: v->ias;
    s->oas = s->prop_pa_bits ?: v->oas;
    if (!v->configurable) {
        if (s->num_streams != v->num_streams || s->ias != v->ias ||
            s->oas != v->oas) {
            error_setg(errp, "%s DARTs have %u streams, %u VA and %u PA"
                       " bits; num-streams, va-bits and pa-bits cannot"
                       " change them", v->compatible, v->num_streams, v->ias,
                       v->oas);
            return false;
        }
        return true;
    }
    if (s->num_streams > APPLE_DART_MAX_STREAMS) {
        error_setg(errp, "num-streams must be 1 to %u, not %u",
                   APPLE_DART_MAX_STREAMS, s->num_streams);
        return false;
    }
    if (s->ias < v->ias_min || s->ias > v->ias_max) {
        error_setg(errp, "va-bits must be %u to %u, not %u", v->ias_min,
                   v->ias_max, s->ias);
        return false;
    }
    if (s->oas < v->oas_min || s->oas > v->oas_max) {
        error_setg(errp, "pa-bits must be %u to %u, not %u", v->oas_min,
                   v->oas_max, s->oas);
        return false;
    }
    return true;
}

static void apple_dart_realize(DeviceState *dev, Error **errp)
{
    AppleDARTState *s = APPLE_DART(dev);
    const AppleDARTVariant *v = s->variant;

    switch (s->page_size) {
    case 16384:
        break;
    case 4096:
        if (!v->can_4k) {
            error_setg(errp, "%s: page-size 4096 is not possible with %s"
                       " page tables; use 16384", v->compatible, v->pte->name);
            return;
        }
        break;
    default:
        error_setg(errp, "page-size must be 4096 or 16384, not %" PRIu32,
                   s->page_size);
        return;
    }
    s->page_shift = ctz32(s->page_size);

    if (s->bypass == ON_OFF_AUTO_ON && !v->can_bypass) {
        error_setg(errp, "%s DARTs cannot bypass translation; "
                   "drop bypass=on", v->compatible);
        return;
    }
    s->bypass_supported = s->bypass == ON_OFF_AUTO_AUTO ? v->can_bypass :
                          s->bypass == ON_OFF_AUTO_ON;

    if (!dart_realize_sizes(s, errp)) {
        return;
    }

    s->trace_name = g_strdup(dev->id ? dev->id :
                             object_get_canonical_path_component(OBJECT(s)));
    if (!s->dma_mr) {
        s->dma_mr = get_system_memory();
    }
    address_space_init(&s->dma_as, s->dma_mr, "apple-dart-dma");
    memory_region_init_io(&s->iomem, OBJECT(s), &apple_dart_ops, s,
                          "apple-dart", APPLE_DART_MMIO_SIZE);
    sysbus_init_mmio(SYS_BUS_DEVICE(s), &s->iomem);
    sysbus_init_irq(SYS_BUS_DEVICE(s), &s->irq);
}

static void apple_dart_init(Object *obj)
{
    AppleDARTState *s = APPLE_DART(obj);

    s->variant = APPLE_DART_GET_CLASS(obj)->variant;
    qemu_mutex_init(&s->lock);
    object_property_add_uint64_ptr(obj, "stat-walks", &s->stat_walks,
                                   OBJ_PROP_FLAG_READ);
    object_property_add_uint64_ptr(obj, "stat-tlb-hits", &s->stat_tlb_hits,
                                   OBJ_PROP_FLAG_READ);
    object_property_add_uint64_ptr(obj, "stat-faults", &s->stat_faults,
                                   OBJ_PROP_FLAG_READ);
    object_property_add_uint64_ptr(obj, "stat-invalidations",
                                   &s->stat_invalidations, OBJ_PROP_FLAG_READ);
}

static void apple_dart_finalize(Object *obj)
{
    AppleDARTState *s = APPLE_DART(obj);

    qemu_mutex_destroy(&s->lock);
    g_free(s->trace_name);
}

static int apple_dart_post_load(void *opaque, int version_id)
{
    AppleDARTState *s = opaque;

    /* Cached translations are not migrated: the destination walks anew. */
    dart_tlb_flush_all(s);
    return 0;
}

static const VMStateDescription vmstate_apple_dart = {
    .name = "apple-dart",
    .version_id = 2,
    .minimum_version_id = 2,
    .post_load = apple_dart_post_load,
    .fields = (const VMStateField[]) {
        VMSTATE_UINT32(error, AppleDARTState),
        VMSTATE_UINT64(error_addr, AppleDARTState),
        VMSTATE_UINT32(config, AppleDARTState),
        VMSTATE_UINT32_ARRAY(stream_select, AppleDARTState,
                             APPLE_DART_STREAM_WORDS),
        VMSTATE_UINT32_ARRAY(streams_enable, AppleDARTState,
                             APPLE_DART_STREAM_WORDS),
        VMSTATE_UINT32_ARRAY(tcr, AppleDARTState, APPLE_DART_MAX_STREAMS),
        VMSTATE_UINT32_2DARRAY(ttbr, AppleDARTState, APPLE_DART_MAX_STREAMS,
                               APPLE_DART_MAX_TTBRS),
        VMSTATE_UINT32(error_mask, AppleDARTState),
        VMSTATE_UINT32_ARRAY(error_streams, AppleDARTState,
                             APPLE_DART_STREAM_WORDS),
        VMSTATE_UINT32(protect, AppleDARTState),
        VMSTATE_BOOL(protect_locked, AppleDARTState),
        VMSTATE_END_OF_LIST()
    },
};

static const Property apple_dart_properties[] = {
    DEFINE_PROP_UINT32("page-size", AppleDARTState, page_size, 16384),
    DEFINE_PROP_ON_OFF_AUTO("bypass", AppleDARTState, bypass,
                            ON_OFF_AUTO_AUTO),
    DEFINE_PROP_LINK("dma-memory", AppleDARTState, dma_mr,
                     TYPE_MEMORY_REGION, MemoryRegion *),
    /* 0: the generation's own; only T8110 DARTs come in several sizes */
    DEFINE_PROP_UINT32("num-streams", AppleDARTState, prop_num_streams, 0),
    DEFINE_PROP_UINT32("va-bits", AppleDARTState, prop_va_bits, 0),
    DEFINE_PROP_UINT32("pa-bits", AppleDARTState, prop_pa_bits, 0),
};

static void apple_dart_class_init(ObjectClass *klass, void *data)
{
    DeviceClass *dc = DEVICE_CLASS(klass);
    ResettableClass *rc = RESETTABLE_CLASS(klass);

    dc->realize = apple_dart_realize;
    dc->vmsd = &vmstate_apple_dart;
    dc->desc = "Apple DART IOMMU";
    device_class_set_props(dc, apple_dart_properties);
    rc->phases.hold = apple_dart_reset_hold;
    rc->phases.exit = apple_dart_reset_exit;
    set_bit(DEVICE_CATEGORY_MISC, dc->categories);
}

static void apple_dart_variant_class_init(ObjectClass *klass, void *data)
{
    AppleDARTClass *adc = APPLE_DART_CLASS(klass);

    adc->variant = data;
}

static void apple_dart_iommu_memory_region_class_init(ObjectClass *klass,
                                                      void *data)
{
    IOMMUMemoryRegionClass *imrc = IOMMU_MEMORY_REGION_CLASS(klass);

    imrc->translate = apple_dart_translate;
    imrc->notify_flag_changed = apple_dart_notify_flag_changed;
    imrc->get_min_page_size = apple_dart_get_min_page_size;
}

static const TypeInfo apple_dart_types[] = {
    {
        .name = TYPE_APPLE_DART,
        .parent = TYPE_SYS_BUS_DEVICE,
        .instance_size = sizeof(AppleDARTState),
        .instance_init = apple_dart_init,
        .instance_finalize = apple_dart_finalize,
        .class_size = sizeof(AppleDARTClass),
        .class_init = apple_dart_class_init,
        .abstract = true,
    }, {
        .name = TYPE_APPLE_DART_T8103,
        .parent = TYPE_APPLE_DART,
        .class_init = apple_dart_variant_class_init,
        .class_data = (void *)&t8103_variant,
    }, {
        .name = TYPE_APPLE_DART_T8103_USB4,
        .parent = TYPE_APPLE_DART,
        .class_init = apple_dart_variant_class_init,
        .class_data = (void *)&t8103_usb4_variant,
    }, {
        .name = TYPE_APPLE_DART_T6000,
        .parent = TYPE_APPLE_DART,
        .class_init = apple_dart_variant_class_init,
        .class_data = (void *)&t6000_variant,
    }, {
        .name = TYPE_APPLE_DART_T8110,
        .parent = TYPE_APPLE_DART,
        .class_init = apple_dart_variant_class_init,
        .class_data = (void *)&t8110_variant,
    }, {
        .name = TYPE_APPLE_DART_IOMMU_MEMORY_REGION,
        .parent = TYPE_IOMMU_MEMORY_REGION,
        .class_init = apple_dart_iommu_memory_region_class_init,
    },
};

DEFINE_TYPES(apple_dart_types)
