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
 * generation is described by an AppleDARTGeneration (apple-dart-regs.h):
 * its register layout, PTE format and sizes, so that the code below holds no
 * per-generation conditionals outside the layout-specific registers.
 *
 * Translations are cached per stream as the hardware TLB does: a guest
 * that edits its tables keeps using the old entries until it invalidates
 * the stream.
 */

#include "qemu/osdep.h"
#include "qemu/bitops.h"
#include "qemu/error-report.h"
#include "qemu/log.h"
#include "qemu/main-loop.h"
#include "qemu/module.h"
#include "qapi/error.h"
#include "qemu/cutils.h"
#include "qemu/keyval.h"
#include "qapi/util.h"
#include "qobject/qdict.h"
#include "qemu/timer.h"
#include "hw/apple-qemu-compat.h"
#include "hw/irq.h"
#include "hw/qdev-properties.h"
#include "hw/iommu/apple-dart.h"
#include "apple-dart-internal.h"
#include "migration/vmstate.h"
#include "system/dma.h"      /* and address-spaces.h, which QEMU 10.1 moved */
#include "trace.h"

static const char *const fault_names[APPLE_DART_FAULT__MAX] = {
    [APPLE_DART_FAULT_NO_TTBR] = "no-ttbr",
    [APPLE_DART_FAULT_NO_PGD] = "no-pgd",
    [APPLE_DART_FAULT_NO_PMD] = "no-pmd",
    [APPLE_DART_FAULT_NO_PTE] = "no-pte",
    [APPLE_DART_FAULT_READ] = "read",
    [APPLE_DART_FAULT_WRITE] = "write",
    [APPLE_DART_FAULT_SUBPAGE] = "subpage",
};

/*
 * What a register layout needs beyond the data of its AppleDARTRegMap:
 * its own registers, and how it tells that TTBR and TCR are locked.
 */
struct AppleDARTLayoutOps {
    /* Return true if @offset is one of the layout's own registers. */
    bool (*read)(AppleDARTState *s, hwaddr offset, uint32_t *val);
    bool (*write)(AppleDARTState *s, hwaddr offset, uint32_t val);
    bool (*locked)(AppleDARTState *s);
};

static inline bool dart_stream_valid(AppleDARTState *s, unsigned sid)
{
    return sid < s->geo.num_streams;
}

static inline const AppleDARTRegMap *dart_regs(AppleDARTState *s)
{
    return s->gen->regs;
}

static bool dart_error_streams_pending(AppleDARTState *s)
{
    for (unsigned w = 0; w < APPLE_DART_STREAM_WORDS; w++) {
        if (s->regs.error_streams[w]) {
            return true;
        }
    }
    return false;
}

static void dart_update_irq(AppleDARTState *s)
{
    bool level = s->regs.error & dart_regs(s)->error_flag;

    if (dart_regs(s)->error_streams && !level) {
        level = dart_error_streams_pending(s);
    }
    qemu_set_irq(s->irq, level);
}

static void dart_irq_bh(void *opaque)
{
    dart_update_irq(opaque);
}

/*
 * DMA may be translated outside the BQL (an iothread's virtio-blk, a
 * vCPU thread); the interrupt line may only move under it, so from
 * there the update goes through a bottom half in the main loop.
 */
static void dart_update_irq_any_thread(AppleDARTState *s)
{
    if (bql_locked()) {
        dart_update_irq(s);
    } else {
        qemu_bh_schedule(s->irq_bh);
    }
}

static inline hwaddr dart_page_mask(AppleDARTState *s)
{
    return (1ull << s->geo.page_shift) - 1;
}

/*
 * Translation cache
 */

static inline unsigned dart_tlb_index(unsigned sid, uint64_t vpn)
{
    return (vpn ^ (vpn >> APPLE_DART_TLB_BITS) ^ (sid * 0x9e37u)) &
           (APPLE_DART_TLB_SIZE - 1);
}

static AppleDARTTLBEntry *dart_tlb_slot(AppleDARTState *s, unsigned sid,
                                        hwaddr page)
{
    return &s->tlb[dart_tlb_index(sid, page >> s->geo.page_shift)];
}

static AppleDARTTLBEntry *dart_tlb_lookup(AppleDARTState *s, unsigned sid,
                                          hwaddr page)
{
    AppleDARTTLBEntry *e = dart_tlb_slot(s, sid, page);

    if (e->valid && e->sid == sid && e->entry.iova == page &&
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

/*
 * One fault per transaction. QEMU's memory core hands a DMA that its
 * IOMMU refuses to the unassigned region in chunks of at most 4 bytes
 * and translates each again, so a refused 4 KiB read arrives as 1024
 * translations; the DART reports one fault for it. A stream remembers
 * the last chunk of its faulting transaction (address, access and a
 * valid bit, in one word: translations run in several threads), and a
 * translation of the next chunk of the same page is refused at once,
 * without a walk or a second fault. Only page-wide faults start a run,
 * and an invalidation, a TCR or TTBR write or a reset ends it.
 */
#define FAULT_RUN_VALID     BIT_ULL(63)
#define FAULT_RUN_FLAG_SHIFT 61
#define FAULT_RUN_ADDR_MASK MAKE_64BIT_MASK(0, 56)
#define FAULT_RUN_MAX_CHUNK 8

static uint64_t dart_fault_run_word(hwaddr addr, IOMMUAccessFlags flag)
{
    return FAULT_RUN_VALID | (uint64_t)flag << FAULT_RUN_FLAG_SHIFT | addr;
}

static void dart_fault_run_start(AppleDARTStream *st, hwaddr addr,
                                 IOMMUAccessFlags flag)
{
    if (!(addr & ~FAULT_RUN_ADDR_MASK)) {
        qatomic_set(&st->fault_run, dart_fault_run_word(addr, flag));
    }
}

static void dart_fault_run_end(AppleDARTState *s, unsigned sid)
{
    if (s->streams[sid]) {
        qatomic_set(&s->streams[sid]->fault_run, 0);
    }
}

static bool dart_fault_run_continues(AppleDARTStream *st, hwaddr addr,
                                     IOMMUAccessFlags flag, hwaddr page_mask)
{
    uint64_t run = qatomic_read(&st->fault_run);
    hwaddr last = run & FAULT_RUN_ADDR_MASK;

    if (run != dart_fault_run_word(last, flag) || addr <= last ||
        addr - last > FAULT_RUN_MAX_CHUNK ||
        (addr & ~page_mask) != (last & ~page_mask)) {
        return false;
    }
    qatomic_set(&st->fault_run, dart_fault_run_word(addr, flag));
    return true;
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

static bool dart_stream_tlb_current(AppleDARTState *s, unsigned sid);

/* TLB invalidation of one stream, as the guest requests it. */
static void dart_invalidate_stream(AppleDARTState *s, unsigned sid)
{
    trace_apple_dart_invalidate(s->trace_name, sid);
    s->stat_invalidations++;
    qemu_mutex_lock(&s->lock);
    if (unlikely(s->check_stale_tlb) && dart_stream_tlb_current(s, sid)) {
        s->stat_redundant_invalidations++;
        trace_apple_dart_invalidate_redundant(s->trace_name, sid);
    }
    dart_tlb_flush_stream(s, sid);
    qemu_mutex_unlock(&s->lock);
    dart_fault_run_end(s, sid);
    dart_notify_unmap(s, sid);
}

/*
 * BUSY emulation: the model's invalidations complete at once, but a
 * driver must poll BUSY and give up in time. busy-reads, busy-ns and
 * busy-stuck keep BUSY set after each invalidation command for that
 * many reads, that much virtual time, or for ever.
 */
static void dart_busy_start(AppleDARTState *s)
{
    s->busy_reads_left = s->busy_stuck ? UINT32_MAX : s->busy_reads;
    s->busy_until_ns = s->busy_ns ?
        qemu_clock_get_ns(QEMU_CLOCK_VIRTUAL) + s->busy_ns : 0;
}

/* Whether a read of the command register now shows BUSY */
static bool dart_busy(AppleDARTState *s)
{
    bool busy = false;

    if (s->busy_reads_left) {
        s->busy_reads_left -= !s->busy_stuck;
        busy = true;
    } else if (s->busy_until_ns &&
               qemu_clock_get_ns(QEMU_CLOCK_VIRTUAL) < s->busy_until_ns) {
        busy = true;
    }
    if (busy) {
        trace_apple_dart_busy(s->trace_name, s->busy_reads_left);
    }
    return busy;
}

void apple_dart_invalidate(AppleDARTState *s, unsigned sid)
{
    dart_invalidate_stream(s, sid);
}

static void dart_invalidate_all(AppleDARTState *s)
{
    for (unsigned sid = 0; sid < s->geo.num_streams; sid++) {
        dart_invalidate_stream(s, sid);
    }
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
    const AppleDARTRegMap *r = dart_regs(s);
    bool latched = false;

    qemu_mutex_lock(&s->lock);
    s->stat_faults++;
    if (s->regs.error_mask & r->fault_code[fault]) {
        /* (a masked fault raises nothing, so marks no stream either) */
        trace_apple_dart_fault_masked(s->trace_name, sid, iova,
                                      fault_names[fault]);
        qemu_mutex_unlock(&s->lock);
        return;
    }
    if (r->error_streams) {
        set_bit32(sid, s->regs.error_streams);
    }
    if (s->regs.error & r->error_flag) {
        trace_apple_dart_fault_lost(s->trace_name, sid, iova,
                                    fault_names[fault]);
    } else {
        trace_apple_dart_fault(s->trace_name, sid, iova, fault_names[fault],
                               r->fault_code[fault]);
        s->regs.error = apple_dart_error_encode(r, fault, sid);
        s->regs.error_addr = iova;
        latched = true;
    }
    qemu_mutex_unlock(&s->lock);
    if (latched) {
        dart_update_irq_any_thread(s);
    }
}

/*
 * Page table walk
 */

/*
 * Tables must be in RAM (or ROM). A table the guest put in MMIO is
 * refused rather than read: the read would run a device's register
 * callbacks, with side effects, from inside a translation that may be
 * on an iothread holding our lock, or 16 KiB of them for a state dump.
 */
bool apple_dart_read_tables(AppleDARTState *s, hwaddr addr, void *buf,
                            hwaddr size)
{
    MemoryRegion *mr;
    hwaddr xlat, len = size;

    RCU_READ_LOCK_GUARD();
    mr = address_space_translate(&s->dma_as, addr, &xlat, &len, false,
                                 MEMTXATTRS_UNSPECIFIED);
    if (!memory_region_is_ram(mr) || len < size) {
        return false;
    }
    memcpy(buf, (uint8_t *)memory_region_get_ram_ptr(mr) + xlat, size);
    return true;
}

/* Read the table entry at @addr. */
static bool dart_read_pte(AppleDARTState *s, hwaddr addr, uint64_t *pte)
{
    if ((addr & (APPLE_DART_PTE_SIZE - 1)) ||
        !apple_dart_read_tables(s, addr, pte, APPLE_DART_PTE_SIZE)) {
        return false;
    }
    *pte = le64_to_cpu(*pte);
    return true;
}

/* The fault for a missing entry in the table of @level (0: the leaf). */
static const AppleDARTFault dart_missing_entry_fault[] = {
    APPLE_DART_FAULT_NO_PTE, APPLE_DART_FAULT_NO_PMD, APPLE_DART_FAULT_NO_PGD,
};

/*
 * PTE format check (check-pte-format=on): a leaf with bits that mean
 * something else in the other PTE format, as a driver that mixes the two
 * up writes them. Each is counted and traced; the first of each stream
 * is also logged as a guest error.
 */
static void dart_report_pte_format(AppleDARTState *s, unsigned sid,
                                   hwaddr iova, uint64_t pte)
{
    const AppleDARTPTEFormat *f = s->gen->pte;

    /* (walks run under s->lock) */
    s->stat_pte_format_reports++;
    trace_apple_dart_pte_format(s->trace_name, sid, iova, pte,
                                f->foreign_desc);
    if (!test_bit32(sid, s->pte_format_reported)) {
        set_bit32(sid, s->pte_format_reported);
        qemu_log_mask(LOG_GUEST_ERROR, "%s: stream %u iova 0x%" HWADDR_PRIx
                      ": %s leaf 0x%016" PRIx64 " sets %s\n", s->trace_name,
                      sid, iova, f->name, pte, f->foreign_desc);
    }
}

/*
 * Walk the tables of @sid for the page of @iova. On success fill @out
 * and return true; otherwise return false with @fault set.
 */
static bool dart_walk(AppleDARTState *s, unsigned sid, hwaddr iova,
                      AppleDARTTLBEntry *out, AppleDARTFault *fault)
{
    const AppleDARTRegMap *r = dart_regs(s);
    const AppleDARTPTEFormat *f = s->gen->pte;
    AppleDARTGeometry geo = s->geo;
    uint64_t ttbr_idx;
    hwaddr table;
    uint64_t pte = 0;
    uint32_t ttbr;

    /* the stream's TCR, not the DART's VA width, decides the levels */
    geo.levels = (s->regs.tcr[sid] & r->tcr_four_level) ? 3 : 2;
    ttbr_idx = apple_dart_ttbr_index(&geo, iova);
    ttbr = ttbr_idx < s->gen->ttbrs_per_stream ?
           s->regs.ttbr[sid][ttbr_idx] : 0;
    if (!(ttbr & r->ttbr_valid)) {
        *fault = APPLE_DART_FAULT_NO_TTBR;
        return false;
    }
    table = apple_dart_ttbr_table(&geo, ttbr);

    for (int level = geo.levels - 1; level >= 0; level--) {
        hwaddr pte_addr = table + APPLE_DART_PTE_SIZE *
                          apple_dart_pt_index(&geo, iova, level);

        if (!dart_read_pte(s, pte_addr, &pte)) {
            qemu_log_mask(LOG_GUEST_ERROR,
                          "%s: stream %u: page table at 0x%" HWADDR_PRIx
                          " for iova 0x%" HWADDR_PRIx " is not in RAM\n",
                          s->trace_name, sid, pte_addr, iova);
            pte = 0;
        }
        trace_apple_dart_walk(s->trace_name, sid, iova, level, pte_addr, pte);
        if (!(pte & APPLE_DART_PTE_VALID)) {
            *fault = dart_missing_entry_fault[level];
            return false;
        }
        table = apple_dart_pte_to_pa(&geo, pte);
    }
    if (unlikely(s->check_pte_format) && (pte & f->foreign_bits)) {
        dart_report_pte_format(s, sid, iova, pte);
    }

    *out = (AppleDARTTLBEntry) {
        .entry = {
            .target_as = &s->dma_as,
            .iova = iova & ~dart_page_mask(s),
            .translated_addr = table & ~dart_page_mask(s),
            .addr_mask = dart_page_mask(s),
            .perm = (pte & f->no_read ? 0 : IOMMU_RO) |
                    (pte & f->no_write ? 0 : IOMMU_WO),
        },
        .sid = sid,
        .valid = true,
        .sub_start = (pte >> APPLE_DART_PTE_SUBPAGE_START_SHIFT) &
                     APPLE_DART_PTE_SUBPAGE_MASK,
        .sub_end = (pte >> APPLE_DART_PTE_SUBPAGE_END_SHIFT) &
                   APPLE_DART_PTE_SUBPAGE_MASK,
    };
    return true;
}

/*
 * Stale-TLB detector (check-stale-tlb=on). The hardware serves cached
 * translations until they are invalidated, and so does the model; a
 * driver that forgets an invalidation after it unmaps or remaps a page
 * corrupts memory silently on a Mac. Here every translation served from
 * the TLB is checked against what the tables in memory say now.
 */

static bool dart_same_translation(const AppleDARTTLBEntry *a,
                                  const AppleDARTTLBEntry *b)
{
    return a->entry.translated_addr == b->entry.translated_addr &&
           a->entry.perm == b->entry.perm &&
           a->sub_start == b->sub_start && a->sub_end == b->sub_end;
}

/* Whether cached @e still matches the tables; *now is what they say. */
static bool dart_tlb_entry_current(AppleDARTState *s,
                                   const AppleDARTTLBEntry *e,
                                   AppleDARTTLBEntry *now, bool *mapped)
{
    AppleDARTFault fault;

    *mapped = dart_walk(s, e->sid, e->entry.iova, now, &fault);
    return *mapped && dart_same_translation(e, now);
}

const char *apple_dart_perm_name(IOMMUAccessFlags perm)
{
    static const char *const names[] = {
        [IOMMU_NONE] = "none", [IOMMU_RO] = "r", [IOMMU_WO] = "w",
        [IOMMU_RW] = "rw",
    };

    return names[perm & IOMMU_RW];
}

/* Report, once per stream and page, a DMA served by a stale entry. */
static void dart_check_stale_hit(AppleDARTState *s,
                                 const AppleDARTTLBEntry *e)
{
    uint64_t key = (uint64_t)e->sid << 56 | e->entry.iova;
    g_autofree char *now_str = NULL;
    AppleDARTTLBEntry now;
    bool mapped;

    if (dart_tlb_entry_current(s, e, &now, &mapped)) {
        return;
    }
    s->stat_stale_tlb_hits++;
    if (!mapped) {
        s->stat_stale_unmapped_hits++;
    }
    if (g_hash_table_contains(s->stale_reported, &key)) {
        return;
    }
    g_hash_table_add(s->stale_reported, g_memdup2(&key, sizeof(key)));
    s->stat_stale_reports++;
    now_str = mapped ? g_strdup_printf("pa 0x%" HWADDR_PRIx " perm %s",
                                       now.entry.translated_addr,
                                       apple_dart_perm_name(now.entry.perm)) :
                       g_strdup("unmapped");
    trace_apple_dart_stale_tlb(s->trace_name, e->sid, e->entry.iova,
                               e->entry.translated_addr, e->entry.perm,
                               now_str);
    qemu_log_mask(LOG_GUEST_ERROR, "%s: stream %u iova 0x%" HWADDR_PRIx
                  ": DMA used a cached translation the tables no longer"
                  " hold (cached pa 0x%" HWADDR_PRIx " perm %s, tables now:"
                  " %s): missing TLB invalidate after an unmap/remap\n",
                  s->trace_name, e->sid, e->entry.iova,
                  e->entry.translated_addr, apple_dart_perm_name(e->entry.perm),
                  now_str);
}

/* Whether every cached translation of @sid still matches the tables. */
static bool dart_stream_tlb_current(AppleDARTState *s, unsigned sid)
{
    for (unsigned i = 0; i < APPLE_DART_TLB_SIZE; i++) {
        const AppleDARTTLBEntry *e = &s->tlb[i];
        AppleDARTTLBEntry now;
        bool mapped;

        if (e->valid && e->sid == sid && e->epoch == s->epoch[sid] &&
            !dart_tlb_entry_current(s, e, &now, &mapped)) {
            return false;
        }
    }
    return true;
}

/*
 * The translation of @iova's page for @sid: from the TLB, or walked and
 * cached. Returns false with @fault set if the tables do not map it.
 */
static bool dart_lookup(AppleDARTState *s, unsigned sid, hwaddr iova,
                        AppleDARTTLBEntry *out, AppleDARTFault *fault)
{
    hwaddr page = iova & ~dart_page_mask(s);
    AppleDARTTLBEntry *e;
    bool found = true;

    qemu_mutex_lock(&s->lock);
    e = dart_tlb_lookup(s, sid, page);
    if (e) {
        s->stat_tlb_hits++;
        if (unlikely(s->check_stale_tlb)) {
            dart_check_stale_hit(s, e);
        }
        *out = *e;
    } else {
        s->stat_walks++;
        found = dart_walk(s, sid, iova, out, fault);
        if (found) {
            out->epoch = s->epoch[sid];
            *dart_tlb_slot(s, sid, page) = *out;
        }
    }
    qemu_mutex_unlock(&s->lock);
    return found;
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
    const AppleDARTRegMap *r = dart_regs(s);
    uint32_t tcr = s->regs.tcr[sid];

    if (!test_bit32(sid, s->regs.streams_enable)) {
        return DART_MODE_DISABLED;
    }
    if ((tcr & r->tcr_bypass_dart) && s->bypass_supported) {
        return DART_MODE_BYPASS;
    }
    if (tcr & r->tcr_translate) {
        return DART_MODE_TRANSLATE;
    }
    return DART_MODE_BLOCKED;
}

const char *apple_dart_stream_mode_name(AppleDARTState *s, unsigned sid)
{
    return mode_names[dart_stream_mode(s, sid)];
}

/*
 * A subpage window violation, as the layout reports it: T8020 has a code
 * for it; for T8110 nothing public names one, so it is the access fault.
 */
static AppleDARTFault dart_subpage_fault(AppleDARTState *s,
                                         IOMMUAccessFlags flag)
{
    if (dart_regs(s)->fault_code[APPLE_DART_FAULT_SUBPAGE]) {
        return APPLE_DART_FAULT_SUBPAGE;
    }
    return flag & IOMMU_WO ? APPLE_DART_FAULT_WRITE : APPLE_DART_FAULT_READ;
}

/*
 * Check an access of kind @flag at @addr against the cached translation
 * @t, narrowing @ret to the subpage window if there is one. Returns the
 * fault the access raises, or APPLE_DART_FAULT__MAX if it may proceed.
 */
static AppleDARTFault dart_check_access(AppleDARTState *s,
                                        const AppleDARTTLBEntry *t,
                                        hwaddr addr, IOMMUAccessFlags flag,
                                        IOMMUTLBEntry *ret)
{
    *ret = t->entry;

    /*
     * Subpage protection limits access to [start, end] in units of
     * page/4096 bytes; start 0 and end 0xfff cover the whole page.
     */
    if (t->sub_start != 0 || t->sub_end != APPLE_DART_PTE_SUBPAGE_MASK) {
        unsigned unit_shift = s->geo.page_shift - 12;
        hwaddr unit = (addr & dart_page_mask(s)) >> unit_shift;

        if (unit < t->sub_start || unit > t->sub_end) {
            ret->perm = IOMMU_NONE;
            return flag != IOMMU_NONE ? dart_subpage_fault(s, flag) :
                                        APPLE_DART_FAULT__MAX;
        }
        ret->addr_mask = (1ull << unit_shift) - 1;
        ret->iova = addr & ~ret->addr_mask;
        ret->translated_addr += ret->iova & dart_page_mask(s);
    }
    if ((flag & IOMMU_WO) && !(ret->perm & IOMMU_WO)) {
        return APPLE_DART_FAULT_WRITE;
    }
    if ((flag & IOMMU_RO) && !(ret->perm & IOMMU_RO)) {
        return APPLE_DART_FAULT_READ;
    }
    return APPLE_DART_FAULT__MAX;
}

static IOMMUTLBEntry apple_dart_translate(IOMMUMemoryRegion *iommu,
                                          hwaddr addr, IOMMUAccessFlags flag,
                                          int iommu_idx)
{
    AppleDARTStream *st = container_of(iommu, AppleDARTStream, iommu);
    AppleDARTState *s = st->dart;
    unsigned sid = st->sid;
    IOMMUTLBEntry ret = {
        .target_as = &s->dma_as,
        .iova = addr & ~dart_page_mask(s),
        .translated_addr = 0,
        .addr_mask = dart_page_mask(s),
        .perm = IOMMU_NONE,
    };
    AppleDARTTLBEntry t;
    AppleDARTFault fault;
    AppleDARTMode mode;

    if (flag != IOMMU_NONE &&
        dart_fault_run_continues(st, addr, flag, dart_page_mask(s))) {
        return ret;         /* the rest of a transaction that faulted */
    }
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

    if (!dart_lookup(s, sid, addr, &t, &fault)) {
        if (flag != IOMMU_NONE) {
            dart_record_fault(s, sid, addr, fault);
            dart_fault_run_start(st, addr, flag);
        }
        return ret;
    }
    fault = dart_check_access(s, &t, addr, flag, &ret);
    if (fault != APPLE_DART_FAULT__MAX) {
        dart_record_fault(s, sid, addr, fault);
        if (t.sub_start == 0 && t.sub_end == APPLE_DART_PTE_SUBPAGE_MASK) {
            dart_fault_run_start(st, addr, flag);
        }
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

    return 1ull << st->dart->geo.page_shift;
}

/*
 * Streams
 */

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

const AppleDARTGeometry *apple_dart_geometry(AppleDARTState *s)
{
    return &s->geo;
}

/*
 * Registers
 */

/* Mask of the valid stream bits of bitmap word @word. */
static uint32_t dart_stream_word_mask(AppleDARTState *s, unsigned word)
{
    unsigned n = s->geo.num_streams;

    if (n >= (word + 1) * 32) {
        return UINT32_MAX;
    }
    return n > word * 32 ? MAKE_64BIT_MASK(0, n - word * 32) : 0;
}

/*
 * Is @offset a word of the stream bitmap register window at @base (one
 * bit per stream)? Set *word to its index if so.
 */
static bool dart_bitmap_word(AppleDARTState *s, hwaddr offset, hwaddr base,
                             unsigned *word)
{
    if (offset < base || (offset - base) % 4 ||
        (offset - base) / 4 >= DIV_ROUND_UP(s->geo.num_streams, 32)) {
        return false;
    }
    *word = (offset - base) / 4;
    return true;
}

/*
 * T8020 layout
 */

static bool dart_t8020_locked(AppleDARTState *s)
{
    return FIELD_EX32(s->regs.config, T8020_CONFIG, LOCK);
}

static bool dart_t8020_read(AppleDARTState *s, hwaddr offset, uint32_t *val)
{
    unsigned w;

    switch (offset) {
    case A_T8020_STREAM_COMMAND:
        *val = FIELD_DP32(0, T8020_STREAM_COMMAND, BUSY, dart_busy(s));
        return true;
    case A_T8020_CONFIG:
        *val = s->regs.config;
        return true;
    case A_T8020_STREAMS_ENABLE:
        *val = s->regs.streams_enable[0];
        return true;
    }
    if (dart_bitmap_word(s, offset, A_T8020_STREAM_SELECT, &w)) {
        *val = s->regs.stream_select[w];
        return true;
    }
    return false;
}

static void dart_t8020_stream_command(AppleDARTState *s, uint32_t val)
{
    if (FIELD_EX32(val, T8020_STREAM_COMMAND, INVALIDATE)) {
        dart_busy_start(s);
        for (unsigned sid = 0; sid < s->geo.num_streams; sid++) {
            if (test_bit32(sid, s->regs.stream_select)) {
                dart_invalidate_stream(s, sid);
            }
        }
    }
    if (val & ~R_T8020_STREAM_COMMAND_INVALIDATE_MASK) {
        qemu_log_mask(LOG_UNIMP, "%s: STREAM_COMMAND 0x%08" PRIx32
                      ": only INVALIDATE is implemented\n",
                      s->trace_name, val);
    }
}

static bool dart_t8020_write(AppleDARTState *s, hwaddr offset, uint32_t val)
{
    unsigned w;

    switch (offset) {
    case A_T8020_STREAM_COMMAND:
        dart_t8020_stream_command(s, val);
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
        s->regs.config |= val & R_T8020_CONFIG_LOCK_MASK;
        return true;
    case A_T8020_STREAMS_ENABLE:
        s->regs.streams_enable[0] = val & dart_stream_word_mask(s, 0);
        return true;
    }
    if (dart_bitmap_word(s, offset, A_T8020_STREAM_SELECT, &w)) {
        s->regs.stream_select[w] = val & dart_stream_word_mask(s, w);
        return true;
    }
    return false;
}

static const AppleDARTLayoutOps t8020_ops = {
    .read = dart_t8020_read,
    .write = dart_t8020_write,
    .locked = dart_t8020_locked,
};

/*
 * T8110 layout
 */

static bool dart_t8110_locked(AppleDARTState *s)
{
    return s->regs.protect & R_T8110_PROTECT_TTBR_TCR_MASK;
}

static bool dart_t8110_read(AppleDARTState *s, hwaddr offset, uint32_t *val)
{
    unsigned w;

    switch (offset) {
    case A_T8110_PARAMS3:
        *val = FIELD_DP32(0, T8110_PARAMS3, VA_WIDTH, s->ias);
        *val = FIELD_DP32(*val, T8110_PARAMS3, PA_WIDTH, s->oas);
        *val = FIELD_DP32(*val, T8110_PARAMS3, VER_MAJ, 2);
        return true;
    case A_T8110_PARAMS4:
        *val = FIELD_DP32(0, T8110_PARAMS4, NUM_SIDS, s->geo.num_streams);
        *val = FIELD_DP32(*val, T8110_PARAMS4, NUM_CLIENTS,
                          s->geo.num_streams);
        return true;
    case A_T8110_TLB_CMD:
        *val = FIELD_DP32(0, T8110_TLB_CMD, BUSY, dart_busy(s));
        return true;
    case A_T8110_ERROR_MASK:
        *val = s->regs.error_mask;
        return true;
    case A_T8110_PROTECT:
        *val = s->regs.protect;
        return true;
    case A_T8110_UNPROTECT:
        *val = 0;
        return true;
    case A_T8110_PROTECT_LOCK:
        *val = s->regs.protect_locked;
        return true;
    case A_T8110_PERF0:
        /* m1n1 polls bit 31 here after a flush: it must read clear */
        *val = 0;
        return true;
    }
    if (dart_bitmap_word(s, offset, A_T8110_ERROR_STREAMS, &w)) {
        *val = s->regs.error_streams[w];
        return true;
    }
    /* both read back the enabled streams */
    if (dart_bitmap_word(s, offset, A_T8110_ENABLE_STREAMS, &w) ||
        dart_bitmap_word(s, offset, A_T8110_DISABLE_STREAMS, &w)) {
        *val = s->regs.streams_enable[w];
        return true;
    }
    return false;
}

static void dart_t8110_tlb_cmd(AppleDARTState *s, uint32_t val)
{
    unsigned sid = FIELD_EX32(val, T8110_TLB_CMD, STREAM);

    dart_busy_start(s);
    switch (FIELD_EX32(val, T8110_TLB_CMD, OP)) {
    case T8110_TLB_OP_FLUSH_ALL:
        dart_invalidate_all(s);
        break;
    case T8110_TLB_OP_FLUSH_STREAM:
        if (!dart_stream_valid(s, sid)) {
            qemu_log_mask(LOG_GUEST_ERROR, "%s: TLB_CMD flushes stream %u"
                          " of %u\n", s->trace_name, sid, s->geo.num_streams);
            break;
        }
        dart_invalidate_stream(s, sid);
        break;
    default:
        qemu_log_mask(LOG_UNIMP, "%s: TLB_CMD 0x%08" PRIx32 ": only flush"
                      " operations are implemented\n", s->trace_name, val);
    }
}

static void dart_t8110_protect(AppleDARTState *s, uint32_t val)
{
    if (val & ~T8110_PROTECT_KNOWN) {
        qemu_log_mask(LOG_UNIMP, "%s: PROTECT 0x%08" PRIx32 ": unknown"
                      " bits ignored\n", s->trace_name, val);
    }
    if ((val & R_T8110_PROTECT_TTBR_TCR_MASK) && !dart_t8110_locked(s)) {
        trace_apple_dart_lock(s->trace_name);
    }
    s->regs.protect |= val & T8110_PROTECT_KNOWN;
}

static bool dart_t8110_write(AppleDARTState *s, hwaddr offset, uint32_t val)
{
    unsigned w;

    switch (offset) {
    case A_T8110_TLB_CMD:
        dart_t8110_tlb_cmd(s, val);
        return true;
    case A_T8110_ERROR_MASK:
        s->regs.error_mask = val & R_T8110_ERROR_CODE_MASK;
        return true;
    case A_T8110_PROTECT:
        dart_t8110_protect(s, val);
        return true;
    case A_T8110_UNPROTECT:
        if (s->regs.protect_locked) {
            qemu_log_mask(LOG_GUEST_ERROR, "%s: UNPROTECT 0x%08" PRIx32
                          " after PROTECT_LOCK ignored\n", s->trace_name,
                          val);
            return true;
        }
        s->regs.protect &= ~val;
        return true;
    case A_T8110_PROTECT_LOCK:
        /* Whatever was written, protection now stays until reset. */
        s->regs.protect_locked = true;
        return true;
    case A_T8110_PARAMS3:
    case A_T8110_PARAMS4:
        qemu_log_mask(LOG_GUEST_ERROR, "%s: write to read-only register 0x%"
                      HWADDR_PRIx "\n", s->trace_name, offset);
        return true;
    }
    if (dart_bitmap_word(s, offset, A_T8110_ERROR_STREAMS, &w)) {
        /* write 1 to clear, as Linux's interrupt handler does */
        qemu_mutex_lock(&s->lock);
        s->regs.error_streams[w] &= ~val;
        qemu_mutex_unlock(&s->lock);
        dart_update_irq(s);
        return true;
    }
    if (dart_bitmap_word(s, offset, A_T8110_ENABLE_STREAMS, &w)) {
        s->regs.streams_enable[w] |= val & dart_stream_word_mask(s, w);
        return true;
    }
    if (dart_bitmap_word(s, offset, A_T8110_DISABLE_STREAMS, &w)) {
        s->regs.streams_enable[w] &= ~val;
        return true;
    }
    return false;
}

static const AppleDARTLayoutOps t8110_ops = {
    .read = dart_t8110_read,
    .write = dart_t8110_write,
    .locked = dart_t8110_locked,
};

static const AppleDARTLayoutOps *const layout_ops[] = {
    [APPLE_DART_LAYOUT_T8020] = &t8020_ops,
    [APPLE_DART_LAYOUT_T8110] = &t8110_ops,
};

bool apple_dart_is_locked(AppleDARTState *s)
{
    return s->ops->locked(s);
}

/*
 * Registers of every layout
 */

/* Is @offset the TCR of a stream? Set *sid if so. */
static bool dart_decode_tcr(AppleDARTState *s, hwaddr offset, unsigned *sid)
{
    hwaddr base = dart_regs(s)->tcr_base;

    if (offset < base || (offset - base) % 4) {
        return false;
    }
    *sid = (offset - base) / 4;
    return dart_stream_valid(s, *sid);
}

static bool dart_decode_ttbr(AppleDARTState *s, hwaddr offset, unsigned *sid,
                             unsigned *idx)
{
    const AppleDARTGeneration *gen = s->gen;
    hwaddr stride = gen->regs->ttbr_stride;
    hwaddr rel;

    if (offset < gen->ttbr_base || (offset - gen->ttbr_base) % 4) {
        return false;
    }
    rel = offset - gen->ttbr_base;
    *sid = rel / stride;
    *idx = (rel % stride) / 4;
    return dart_stream_valid(s, *sid) && *idx < gen->ttbrs_per_stream;
}

static uint64_t apple_dart_read(void *opaque, hwaddr offset, unsigned size)
{
    AppleDARTState *s = opaque;
    const AppleDARTRegMap *r = dart_regs(s);
    unsigned sid, idx;
    uint32_t val = 0;

    if (offset == A_PARAMS1) {
        val = FIELD_DP32(0, PARAMS1, PAGE_SHIFT, s->geo.page_shift);
    } else if (offset == A_PARAMS2) {
        val = FIELD_DP32(0, PARAMS2, BYPASS_SUPPORT, s->bypass_supported);
    } else if (offset == r->error) {
        val = s->regs.error;
    } else if (offset == r->error_addr_lo) {
        val = s->regs.error_addr;
    } else if (offset == r->error_addr_hi) {
        val = s->regs.error_addr >> 32;
    } else if (s->ops->read(s, offset, &val)) {
        /* layout-specific register */
    } else if (dart_decode_tcr(s, offset, &sid)) {
        val = s->regs.tcr[sid];
    } else if (dart_decode_ttbr(s, offset, &sid, &idx)) {
        val = s->regs.ttbr[sid][idx];
    } else {
        qemu_log_mask(LOG_UNIMP, "%s: read of unimplemented register 0x%"
                      HWADDR_PRIx "\n", s->trace_name, offset);
    }
    trace_apple_dart_reg_read(s->trace_name, offset, val);
    return val;
}

/* Whether a write to @reg of @sid must be dropped: the DART is locked. */
static bool dart_write_locked(AppleDARTState *s, const char *reg,
                              unsigned sid, uint32_t val)
{
    if (!s->ops->locked(s)) {
        return false;
    }
    qemu_log_mask(LOG_GUEST_ERROR, "%s: %s of stream %u is locked; write of"
                  " 0x%08" PRIx32 " ignored\n", s->trace_name, reg, sid, val);
    trace_apple_dart_locked_write(s->trace_name, reg, sid, val);
    return true;
}

static void dart_write_tcr(AppleDARTState *s, unsigned sid, uint32_t val)
{
    const AppleDARTRegMap *r = dart_regs(s);

    if (dart_write_locked(s, "TCR", sid, val)) {
        return;
    }
    if (val & ~r->tcr_writable) {
        qemu_log_mask(LOG_GUEST_ERROR, "%s: TCR of stream %u: reserved"
                      " bits in 0x%08" PRIx32 " ignored\n",
                      s->trace_name, sid, val);
    }
    s->regs.tcr[sid] = val & r->tcr_writable;
    dart_fault_run_end(s, sid);
    if ((s->regs.tcr[sid] & r->tcr_bypass_dart) && !s->bypass_supported) {
        qemu_log_mask(LOG_GUEST_ERROR, "%s: stream %u: bypass requested"
                      " but not supported\n", s->trace_name, sid);
    }
}

static void apple_dart_write(void *opaque, hwaddr offset, uint64_t value,
                             unsigned size)
{
    AppleDARTState *s = opaque;
    const AppleDARTRegMap *r = dart_regs(s);
    uint32_t val = value;
    unsigned sid, idx;

    trace_apple_dart_reg_write(s->trace_name, offset, val);

    if (offset == r->error) {
        /* write 1 to clear; faults may be recorded meanwhile elsewhere */
        qemu_mutex_lock(&s->lock);
        s->regs.error &= ~val;
        qemu_mutex_unlock(&s->lock);
        dart_update_irq(s);
    } else if (s->ops->write(s, offset, val)) {
        /* layout-specific register */
    } else if (dart_decode_tcr(s, offset, &sid)) {
        dart_write_tcr(s, sid, val);
    } else if (dart_decode_ttbr(s, offset, &sid, &idx)) {
        if (!dart_write_locked(s, "TTBR", sid, val)) {
            s->regs.ttbr[sid][idx] = val;
            dart_fault_run_end(s, sid);
        }
    } else if (offset == A_PARAMS1 || offset == A_PARAMS2 ||
               offset == r->error_addr_lo || offset == r->error_addr_hi) {
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
 * Device life cycle
 */

static void apple_dart_reset_hold(Object *obj, ResetType type)
{
    AppleDARTState *s = APPLE_DART(obj);

    memset(&s->regs, 0, sizeof(s->regs));
    s->busy_reads_left = 0;
    s->busy_until_ns = 0;
    /* Streams come out of reset enabled; TCR 0 blocks them anyway. */
    for (unsigned w = 0; w < APPLE_DART_STREAM_WORDS; w++) {
        s->regs.streams_enable[w] = dart_stream_word_mask(s, w);
    }

    qemu_mutex_lock(&s->lock);
    dart_tlb_flush_all(s);
    g_hash_table_remove_all(s->stale_reported);
    memset(s->pte_format_reported, 0, sizeof(s->pte_format_reported));
    qemu_mutex_unlock(&s->lock);
    for (unsigned sid = 0; sid < s->geo.num_streams; sid++) {
        dart_fault_run_end(s, sid);
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
    const AppleDARTGeneration *gen = s->gen;

    s->geo.num_streams = s->prop_num_streams ?: gen->num_streams;
    s->ias = s->prop_va_bits ?: gen->ias;
    s->oas = s->prop_pa_bits ?: gen->oas;
    if (!gen->configurable) {
        if (s->geo.num_streams != gen->num_streams || s->ias != gen->ias ||
            s->oas != gen->oas) {
            error_setg(errp, "%s DARTs have %u streams, %u VA and %u PA"
                       " bits; num-streams, va-bits and pa-bits cannot"
                       " change them", gen->compatible, gen->num_streams,
                       gen->ias, gen->oas);
            return false;
        }
        return true;
    }
    if (s->geo.num_streams > APPLE_DART_MAX_STREAMS) {
        error_setg(errp, "num-streams must be 1 to %u, not %u",
                   APPLE_DART_MAX_STREAMS, s->geo.num_streams);
        return false;
    }
    if (s->ias < gen->ias_min || s->ias > gen->ias_max) {
        error_setg(errp, "va-bits must be %u to %u, not %u", gen->ias_min,
                   gen->ias_max, s->ias);
        return false;
    }
    if (s->oas < gen->oas_min || s->oas > gen->oas_max) {
        error_setg(errp, "pa-bits must be %u to %u, not %u", gen->oas_min,
                   gen->oas_max, s->oas);
        return false;
    }
    return true;
}

static bool dart_realize_page_size(AppleDARTState *s, Error **errp)
{
    switch (s->page_size) {
    case 16384:
        break;
    case 4096:
        if (!s->gen->can_4k) {
            error_setg(errp, "%s: page-size 4096 is not possible with %s"
                       " page tables; use 16384", s->gen->compatible,
                       s->gen->pte->name);
            return false;
        }
        break;
    default:
        error_setg(errp, "page-size must be 4096 or 16384, not %" PRIu32,
                   s->page_size);
        return false;
    }
    s->geo.page_shift = ctz32(s->page_size);
    return true;
}

static void apple_dart_realize(DeviceState *dev, Error **errp)
{
    AppleDARTState *s = APPLE_DART(dev);
    const AppleDARTGeneration *gen = s->gen;

    if (!dart_realize_page_size(s, errp)) {
        return;
    }
    if (s->bypass == ON_OFF_AUTO_ON && !gen->can_bypass) {
        error_setg(errp, "%s DARTs cannot bypass translation; "
                   "drop bypass=on", gen->compatible);
        return;
    }
    s->bypass_supported = s->bypass == ON_OFF_AUTO_AUTO ? gen->can_bypass :
                          s->bypass == ON_OFF_AUTO_ON;
    if (!dart_realize_sizes(s, errp)) {
        return;
    }
    if (!!s->busy_reads + !!s->busy_ns + s->busy_stuck > 1) {
        error_setg(errp, "busy-reads, busy-ns and busy-stuck exclude each"
                   " other");
        return;
    }
    /* longer than any driver waits is busy-stuck's job, and ns overflow */
    if (s->busy_reads > APPLE_DART_BUSY_READS_MAX ||
        s->busy_ns > APPLE_DART_BUSY_NS_MAX) {
        error_setg(errp, "busy-reads must be at most %u and busy-ns at most"
                   " %" PRIu64 " (10 s); busy-stuck=on never finishes",
                   APPLE_DART_BUSY_READS_MAX, APPLE_DART_BUSY_NS_MAX);
        return;
    }
    s->geo.gen = gen;
    s->geo.levels = apple_dart_levels_for(gen, s->geo.page_shift, s->ias);

    s->trace_name = g_strdup(dev->id ? dev->id :
                             object_get_canonical_path_component(OBJECT(s)));
    /*
     * (not stored in dma_mr: the link holds a reference to what it
     * names, and would drop one it never took at finalize)
     */
    address_space_init(&s->dma_as, s->dma_mr ?: get_system_memory(),
                       "apple-dart-dma");
    memory_region_init_io(&s->iomem, OBJECT(s), &apple_dart_ops, s,
                          "apple-dart", APPLE_DART_MMIO_SIZE);
    sysbus_init_mmio(SYS_BUS_DEVICE(s), &s->iomem);
    sysbus_init_irq(SYS_BUS_DEVICE(s), &s->irq);
    s->irq_bh = qemu_bh_new_guarded(dart_irq_bh, s,
                                    &dev->mem_reentrancy_guard);
}

/*
 * Fault injection: "stream=N,iova=ADDR,fault=KIND" latches a fault and
 * raises the interrupt exactly as a faulting DMA would, to exercise a
 * driver's interrupt handler. KIND is one of fault_names[].
 */
static const QEnumLookup fault_lookup = {
    .array = fault_names,
    .size = APPLE_DART_FAULT__MAX,
};

static bool dart_parse_fault(AppleDARTState *s, const char *spec,
                             unsigned *sid, hwaddr *iova,
                             AppleDARTFault *fault, Error **errp)
{
    g_autoptr(QDict) args = keyval_parse(spec, NULL, NULL, NULL);
    uint64_t stream, addr;
    int kind = -1;

    if (args && qdict_size(args) == 3 &&
        apple_dart_arg_u64(args, "stream", &stream) &&
        apple_dart_arg_u64(args, "iova", &addr) &&
        qdict_get_try_str(args, "fault")) {
        kind = qapi_enum_parse(&fault_lookup,
                               qdict_get_str(args, "fault"), -1, NULL);
    }
    if (kind < 0 || stream >= s->geo.num_streams) {
        error_setg(errp, "inject-fault takes stream=N,iova=ADDR,fault=KIND"
                   " with N below %u and KIND no-ttbr, no-pgd, no-pmd,"
                   " no-pte, read, write or subpage, not '%s'",
                   s->geo.num_streams, spec);
        return false;
    }
    *sid = stream;
    *iova = addr;
    *fault = kind;
    return true;
}

static void dart_set_inject_fault(Object *obj, const char *value,
                                  Error **errp)
{
    AppleDARTState *s = APPLE_DART(obj);
    AppleDARTFault fault;
    unsigned sid;
    hwaddr iova;

    if (!DEVICE(obj)->realized) {
        error_setg(errp, "inject-fault: the DART is not running yet; set it"
                   " with qom-set");
        return;
    }
    if (dart_parse_fault(s, value, &sid, &iova, &fault, errp)) {
        trace_apple_dart_fault_injected(s->trace_name, sid, iova,
                                        fault_names[fault]);
        dart_record_fault(s, sid, iova, fault);
    }
}

static void dart_set_microbench(Object *obj, const char *value, Error **errp)
{
    if (!DEVICE(obj)->realized) {
        error_setg(errp, "x-microbench: the DART is not running yet; set it"
                   " with qom-set");
        return;
    }
    apple_dart_microbench(APPLE_DART(obj), value, errp);
}

static char *dart_get_microbench(Object *obj, Error **errp)
{
    AppleDARTState *s = APPLE_DART(obj);

    return g_strdup(s->microbench_result ?: "{}");
}

static char *dart_get_state(Object *obj, Error **errp)
{
    if (!DEVICE(obj)->realized) {
        error_setg(errp, "state: the DART is not running yet");
        return NULL;
    }
    return apple_dart_state_json(APPLE_DART(obj));
}

static void apple_dart_init(Object *obj)
{
    AppleDARTState *s = APPLE_DART(obj);

    s->gen = APPLE_DART_GET_CLASS(obj)->gen;
    s->ops = layout_ops[s->gen->regs->id];
    qemu_mutex_init(&s->lock);
    object_property_add_uint64_ptr(obj, "stat-walks", &s->stat_walks,
                                   OBJ_PROP_FLAG_READ);
    object_property_add_uint64_ptr(obj, "stat-tlb-hits", &s->stat_tlb_hits,
                                   OBJ_PROP_FLAG_READ);
    object_property_add_uint64_ptr(obj, "stat-faults", &s->stat_faults,
                                   OBJ_PROP_FLAG_READ);
    object_property_add_uint64_ptr(obj, "stat-invalidations",
                                   &s->stat_invalidations, OBJ_PROP_FLAG_READ);
    object_property_add_uint64_ptr(obj, "stat-stale-tlb-hits",
                                   &s->stat_stale_tlb_hits,
                                   OBJ_PROP_FLAG_READ);
    object_property_add_uint64_ptr(obj, "stat-stale-unmapped-hits",
                                   &s->stat_stale_unmapped_hits,
                                   OBJ_PROP_FLAG_READ);
    object_property_add_uint64_ptr(obj, "stat-stale-reports",
                                   &s->stat_stale_reports,
                                   OBJ_PROP_FLAG_READ);
    object_property_add_uint64_ptr(obj, "stat-redundant-invalidations",
                                   &s->stat_redundant_invalidations,
                                   OBJ_PROP_FLAG_READ);
    object_property_add_uint64_ptr(obj, "stat-pte-format-reports",
                                   &s->stat_pte_format_reports,
                                   OBJ_PROP_FLAG_READ);
    object_property_add_str(obj, "inject-fault", NULL, dart_set_inject_fault);
    object_property_add_str(obj, "state", dart_get_state, NULL);
    object_property_add_str(obj, "x-microbench", dart_get_microbench,
                            dart_set_microbench);
    s->stale_reported = g_hash_table_new_full(g_int64_hash, g_int64_equal,
                                              g_free, NULL);
}

/*
 * Address spaces are destroyed after an RCU grace period, and must not
 * outlive what they are in: each stream's holds the DART through its
 * root, which the DART owns; dma_as is in the DART, which qdev lets go
 * of after a grace period too, and RCU callbacks run in order. So
 * finalize, which frees the streams, comes after them all.
 */
static void apple_dart_unrealize(DeviceState *dev)
{
    AppleDARTState *s = APPLE_DART(dev);

    for (unsigned sid = 0; sid < APPLE_DART_MAX_STREAMS; sid++) {
        if (s->streams[sid]) {
            address_space_destroy(&s->streams[sid]->as);
        }
    }
    address_space_destroy(&s->dma_as);
    qemu_bh_delete(s->irq_bh);
    s->irq_bh = NULL;
}

static void apple_dart_finalize(Object *obj)
{
    AppleDARTState *s = APPLE_DART(obj);

    for (unsigned sid = 0; sid < APPLE_DART_MAX_STREAMS; sid++) {
        g_free(s->streams[sid]);
    }
    qemu_mutex_destroy(&s->lock);
    g_hash_table_destroy(s->stale_reported);
    g_free(s->microbench_result);
    g_free(s->trace_name);
}

static int apple_dart_post_load(void *opaque, int version_id)
{
    AppleDARTState *s = opaque;

    /*
     * An ERROR_STREAMS bit holds the interrupt up until the guest
     * clears it, which it cannot for a stream past the DART's: no
     * source sets one.
     */
    for (unsigned w = 0; w < APPLE_DART_STREAM_WORDS; w++) {
        if (s->regs.error_streams[w] & ~dart_stream_word_mask(s, w)) {
            error_report("%s: ERROR_STREAMS word %u: 0x%08" PRIx32 " names"
                         " streams past the DART's %u", s->trace_name, w,
                         s->regs.error_streams[w], s->geo.num_streams);
            return -EINVAL;
        }
    }
    /* Cached translations are not migrated: the destination walks anew. */
    dart_tlb_flush_all(s);
    return 0;
}

static const VMStateDescription vmstate_apple_dart_regs = {
    .name = "apple-dart/regs",
    .version_id = 1,
    .minimum_version_id = 1,
    .fields = (const VMStateField[]) {
        VMSTATE_UINT32(error, AppleDARTRegs),
        VMSTATE_UINT64(error_addr, AppleDARTRegs),
        VMSTATE_UINT32(config, AppleDARTRegs),
        VMSTATE_UINT32_ARRAY(stream_select, AppleDARTRegs,
                             APPLE_DART_STREAM_WORDS),
        VMSTATE_UINT32_ARRAY(streams_enable, AppleDARTRegs,
                             APPLE_DART_STREAM_WORDS),
        VMSTATE_UINT32_ARRAY(tcr, AppleDARTRegs, APPLE_DART_MAX_STREAMS),
        VMSTATE_UINT32_2DARRAY(ttbr, AppleDARTRegs, APPLE_DART_MAX_STREAMS,
                               APPLE_DART_MAX_TTBRS),
        VMSTATE_UINT32(error_mask, AppleDARTRegs),
        VMSTATE_UINT32_ARRAY(error_streams, AppleDARTRegs,
                             APPLE_DART_STREAM_WORDS),
        VMSTATE_UINT32(protect, AppleDARTRegs),
        VMSTATE_BOOL(protect_locked, AppleDARTRegs),
        VMSTATE_END_OF_LIST()
    },
};

static bool dart_busy_needed(void *opaque)
{
    AppleDARTState *s = opaque;

    return s->busy_reads_left || s->busy_until_ns;
}

/* An invalidation still BUSY, with BUSY emulation on */
static const VMStateDescription vmstate_apple_dart_busy = {
    .name = "apple-dart/busy",
    .version_id = 1,
    .minimum_version_id = 1,
    .needed = dart_busy_needed,
    .fields = (const VMStateField[]) {
        VMSTATE_UINT32(busy_reads_left, AppleDARTState),
        VMSTATE_INT64(busy_until_ns, AppleDARTState),
        VMSTATE_END_OF_LIST()
    },
};

/* IOMMUs load before the devices whose DMA they translate. */
static const VMStateDescription vmstate_apple_dart = {
    .name = "apple-dart",
    .version_id = 3,
    .minimum_version_id = 3,
    .priority = MIG_PRI_IOMMU,
    .post_load = apple_dart_post_load,
    .fields = (const VMStateField[]) {
        VMSTATE_STRUCT(regs, AppleDARTState, 1, vmstate_apple_dart_regs,
                       AppleDARTRegs),
        VMSTATE_END_OF_LIST()
    },
    .subsections = (const VMStateDescription * const []) {
        &vmstate_apple_dart_busy,
        NULL
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
    /* Driver-bug tools, off by default */
    DEFINE_PROP_BOOL("check-pte-format", AppleDARTState, check_pte_format,
                     false),
    DEFINE_PROP_BOOL("check-stale-tlb", AppleDARTState, check_stale_tlb,
                     false),
    DEFINE_PROP_UINT32("busy-reads", AppleDARTState, busy_reads, 0),
    DEFINE_PROP_UINT64("busy-ns", AppleDARTState, busy_ns, 0),
    DEFINE_PROP_BOOL("busy-stuck", AppleDARTState, busy_stuck, false),
};

static void apple_dart_class_init(ObjectClass *klass, AppleClassData *data)
{
    DeviceClass *dc = DEVICE_CLASS(klass);
    ResettableClass *rc = RESETTABLE_CLASS(klass);

    dc->realize = apple_dart_realize;
    dc->unrealize = apple_dart_unrealize;
    dc->vmsd = &vmstate_apple_dart;
    dc->desc = "Apple DART IOMMU";
    device_class_set_props(dc, apple_dart_properties);
    rc->phases.hold = apple_dart_reset_hold;
    rc->phases.exit = apple_dart_reset_exit;
    set_bit(DEVICE_CATEGORY_MISC, dc->categories);
}

static void apple_dart_generation_class_init(ObjectClass *klass,
                                             AppleClassData *data)
{
    APPLE_DART_CLASS(klass)->gen = data;
}

static void apple_dart_iommu_memory_region_class_init(ObjectClass *klass,
                                                      AppleClassData *data)
{
    IOMMUMemoryRegionClass *imrc = IOMMU_MEMORY_REGION_CLASS(klass);

    imrc->translate = apple_dart_translate;
    imrc->notify_flag_changed = apple_dart_notify_flag_changed;
    imrc->get_min_page_size = apple_dart_get_min_page_size;
}

#define APPLE_DART_GENERATION_TYPE(type, generation) {  \
        .name = (type),                                 \
        .parent = TYPE_APPLE_DART,                      \
        .class_init = apple_dart_generation_class_init, \
        .class_data = (void *)&(generation),            \
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
    },
    APPLE_DART_GENERATION_TYPE(TYPE_APPLE_DART_T8103, apple_dart_t8103),
    APPLE_DART_GENERATION_TYPE(TYPE_APPLE_DART_T8103_USB4,
                               apple_dart_t8103_usb4),
    APPLE_DART_GENERATION_TYPE(TYPE_APPLE_DART_T6000, apple_dart_t6000),
    APPLE_DART_GENERATION_TYPE(TYPE_APPLE_DART_T8110, apple_dart_t8110),
    {
        .name = TYPE_APPLE_DART_IOMMU_MEMORY_REGION,
        .parent = TYPE_IOMMU_MEMORY_REGION,
        .class_init = apple_dart_iommu_memory_region_class_init,
    },
};

DEFINE_TYPES(apple_dart_types)
