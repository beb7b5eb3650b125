/*
 * The harness of the Apple DART qtests: every DART generation apple-virt
 * can be built with, a machine with QEMU's "edu" PCI device as the DMA
 * master, register access, page tables, DMA, faults and QOM
 *
 * Copyright (c) 2026 The apple-dart QEMU model authors
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 *
 * Registers, fault codes, PTE formats and table arithmetic all come from
 * hw/iommu/apple-dart-regs.h, the header the device model describes the
 * hardware with: a test names what it means ("the TCR of stream 3",
 * "a leaf for this page, read-only") and the generation's data says where
 * and how. edu sits in root-bus slot 3, which apple-virt routes through
 * stream 3 of its PCIe DART.
 */

#ifndef TESTS_QTEST_APPLE_DART_QTEST_H
#define TESTS_QTEST_APPLE_DART_QTEST_H

#include "libqtest.h"
#include "libqos/pci.h"
#include "libqos/generic-pcihost.h"
#include "qobject/qdict.h"
#include "hw/iommu/apple-dart-regs.h"

/* apple-virt, with its default 1 GiB of RAM */
#define ADT_RAM_BASE        0x800000000ULL
#define ADT_RAM_END         (ADT_RAM_BASE + 0x40000000ULL)
#define ADT_OUTSIDE_RAM     0x100000000ULL  /* nothing is mapped here */
#define ADT_DART_PCIE       0x09100000ULL
#define ADT_DART_USB        0x09110000ULL
#define ADT_DART_DISP       0x09120000ULL
#define ADT_PCIE_STREAMS    16              /* root-bus slots behind it */
#define ADT_EDU_SLOT        3
#define ADT_SID             ADT_EDU_SLOT    /* edu's stream */

/* Guest memory the tests use, far from firmware's carve-out */
#define ADT_TABLES          (ADT_RAM_BASE + 0x100000)   /* adt_new_table() */
#define ADT_TABLES_END      (ADT_RAM_BASE + 0x200000)
#define ADT_BUF_A           (ADT_RAM_BASE + 0x200000)
#define ADT_BUF_B           (ADT_RAM_BASE + 0x204000)
#define ADT_BUF_C           (ADT_RAM_BASE + 0x208000)
#define ADT_XFER            64                          /* bytes a DMA moves */

/* edu's DMA engine */
#define EDU_DMA_SRC         0x80
#define EDU_DMA_DST         0x88
#define EDU_DMA_CNT         0x90
#define EDU_DMA_CMD         0x98
#define   EDU_DMA_RUN       1
#define   EDU_DMA_TO_RAM    2
#define EDU_BUF             0x40000         /* its buffer, as DMA sees it */
#define EDU_DMA_NS          (200 * 1000 * 1000)

/*
 * Generations
 */

/* A DART generation as apple-virt builds it, and the geometry it gets. */
typedef struct AppleDartTestGen {
    const char *name;           /* /apple-dart/<name>/... */
    const char *machine;        /* -M apple-virt,<machine> */
    AppleDARTGeometry geo;
    unsigned ias;               /* VA bits */
} AppleDartTestGen;

#define ADT_GEN(n, m, g, levels, streams, va) \
    { .name = n, .machine = m, .geo = { &g, 14, levels, streams }, .ias = va }

static const AppleDartTestGen adt_gens[] = {
    ADT_GEN("t8103", "dart=t8103", apple_dart_t8103, 2, 16, 32),
    ADT_GEN("t8103-usb4", "dart=t8103-usb4", apple_dart_t8103_usb4, 2, 64, 32),
    ADT_GEN("t6000", "dart=t6000", apple_dart_t6000, 2, 16, 32),
    ADT_GEN("t8110", "dart=t8110", apple_dart_t8110, 2, 16, 36),
    ADT_GEN("t8110-four-level", "dart=t8110,dart-va-bits=42",
            apple_dart_t8110, 3, 16, 42),
};

static inline const AppleDartTestGen *adt_gen(const char *name)
{
    for (int i = 0; i < ARRAY_SIZE(adt_gens); i++) {
        if (!strcmp(adt_gens[i].name, name)) {
            return &adt_gens[i];
        }
    }
    g_assert_not_reached();
}

static inline bool adt_is_t8110(const AppleDartTestGen *g)
{
    return g->geo.gen->regs->id == APPLE_DART_LAYOUT_T8110;
}

/* Register @fn as /apple-dart/<gen>/<name>, called with @g. */
static inline void adt_add(const AppleDartTestGen *g, const char *name,
                           GTestDataFunc fn)
{
    g_autofree char *path = g_strdup_printf("/apple-dart/%s/%s", g->name,
                                            name);

    qtest_add_data_func(path, g, fn);
}

/*
 * The machine
 */

/* edu in root-bus slot @slot, which apple-virt makes PCIe DART stream @slot */
typedef struct AppleDartEdu {
    QGenericPCIBus bus;
    QPCIDevice *dev;
    QPCIBar bar;
} AppleDartEdu;

/* A running apple-virt, and the DART under test in it. */
typedef struct AppleDartTest {
    const AppleDartTestGen *g;
    AppleDARTGeometry geo;      /* g's, unless the test changes the DART */
    const AppleDARTRegMap *regs;
    QTestState *qts;
    AppleDartEdu edu;
    uint64_t dart;              /* its base; its interrupt is intercepted */
    unsigned tables;            /* allocated by adt_new_table() so far */
} AppleDartTest;

static inline const char *adt_dart_qom(uint64_t dart)
{
    switch (dart) {
    case ADT_DART_PCIE:
        return "/machine/dart-pcie";
    case ADT_DART_USB:
        return "/machine/dart-usb";
    case ADT_DART_DISP:
        return "/machine/dart-disp";
    }
    g_assert_not_reached();
}

/* Memory space and bus mastering; again after every system reset. */
static inline void adt_edu_enable(AppleDartTest *c)
{
    qpci_device_enable(c->edu.dev);
    c->edu.bar = qpci_iomap(c->edu.dev, 0, NULL);
}

static inline void adt_edu_init(AppleDartTest *c)
{
    qpci_init_generic(&c->edu.bus, c->qts, NULL, false);
    c->edu.dev = qpci_device_find(&c->edu.bus.bus, QPCI_DEVFN(ADT_EDU_SLOT, 0));
    g_assert(c->edu.dev);
    adt_edu_enable(c);
}

/*
 * Start apple-virt with @g's DARTs, more machine options @machine_opts
 * and more arguments @extra (either may be NULL), and intercept the
 * interrupt of @dart, the DART under test; edu is not set up yet.
 */
static inline void adt_launch(AppleDartTest *c, const AppleDartTestGen *g,
                              uint64_t dart, const char *machine_opts,
                              const char *extra)
{
    memset(c, 0, sizeof(*c));
    c->g = g;
    c->geo = g->geo;
    c->regs = g->geo.gen->regs;
    c->dart = dart;
    c->qts = qtest_initf("-M apple-virt,%s%s%s -device edu,addr=%d.0,"
                         "dma_mask=0xffffffffffffffff %s", g->machine,
                         machine_opts ? "," : "",
                         machine_opts ? machine_opts : "", ADT_EDU_SLOT,
                         extra ? extra : "");
    qtest_irq_intercept_out_named(c->qts, adt_dart_qom(dart), "sysbus-irq");
}

/* The same, with edu ready to DMA */
static inline void adt_start_dart(AppleDartTest *c, const AppleDartTestGen *g,
                                  uint64_t dart, const char *machine_opts,
                                  const char *extra)
{
    adt_launch(c, g, dart, machine_opts, extra);
    adt_edu_init(c);
}

/* ... with the PCIe DART, edu's, under test */
static inline void adt_start(AppleDartTest *c, const AppleDartTestGen *g,
                             const char *machine_opts, const char *extra)
{
    adt_start_dart(c, g, ADT_DART_PCIE, machine_opts, extra);
}

static inline void adt_stop(AppleDartTest *c)
{
    g_free(c->edu.dev);
    qtest_quit(c->qts);
}

static inline uint64_t adt_page_size(AppleDartTest *c)
{
    return 1ULL << c->geo.page_shift;
}

/*
 * A test case: @fn runs on a machine started with @machine_opts and
 * @extra (see adt_launch()), with @dart (the PCIe DART if 0) under test.
 */
typedef struct AppleDartTestCase {
    const char *name;
    void (*fn)(AppleDartTest *c);
    const char *machine_opts;
    const char *extra;
    uint64_t dart;
} AppleDartTestCase;

typedef struct AppleDartTestRun {
    const AppleDartTestGen *g;
    const AppleDartTestCase *t;
} AppleDartTestRun;

static inline void adt_run(const void *data)
{
    const AppleDartTestRun *r = data;
    AppleDartTest c;

    adt_start_dart(&c, r->g, r->t->dart ? r->t->dart : ADT_DART_PCIE,
                   r->t->machine_opts, r->t->extra);
    r->t->fn(&c);
    adt_stop(&c);
}

/* Register @n cases @tests as /apple-dart/<gen>/<name>, run on @g. */
static inline void adt_add_cases(const AppleDartTestGen *g,
                                 const AppleDartTestCase *tests, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        AppleDartTestRun *r = g_new(AppleDartTestRun, 1);
        g_autofree char *path = g_strdup_printf("/apple-dart/%s/%s",
                                                g->name, tests[i].name);

        r->g = g;
        r->t = &tests[i];
        qtest_add_data_func_full(path, r, adt_run, g_free);
    }
}

/*
 * Registers: of any DART by its base, or of the DART under test
 */

static inline uint32_t adt_rd_at(AppleDartTest *c, uint64_t dart,
                                 uint64_t off)
{
    return qtest_readl(c->qts, dart + off);
}

static inline void adt_wr_at(AppleDartTest *c, uint64_t dart, uint64_t off,
                             uint32_t val)
{
    qtest_writel(c->qts, dart + off, val);
}

static inline uint32_t adt_rd(AppleDartTest *c, uint64_t off)
{
    return adt_rd_at(c, c->dart, off);
}

static inline void adt_wr(AppleDartTest *c, uint64_t off, uint32_t val)
{
    adt_wr_at(c, c->dart, off, val);
}

static inline uint64_t adt_tcr(AppleDartTest *c, unsigned sid)
{
    return apple_dart_tcr_offset(&c->geo, sid);
}

static inline uint64_t adt_ttbr(AppleDartTest *c, unsigned sid, unsigned idx)
{
    return apple_dart_ttbr_offset(&c->geo, sid, idx);
}

static inline bool adt_irq(AppleDartTest *c)
{
    return qtest_get_irq(c->qts, 0);
}

static inline uint32_t adt_lock_state(AppleDartTest *c, uint64_t dart)
{
    return adt_rd_at(c, dart, c->regs->lock_reg);
}

/* Every stream's TCR and TTBRs are as reset leaves them: 0. */
static inline void adt_assert_streams_reset(AppleDartTest *c)
{
    for (unsigned sid = 0; sid < c->geo.num_streams; sid++) {
        g_assert_cmphex(adt_rd(c, adt_tcr(c, sid)), ==, 0);
        for (unsigned i = 0; i < c->geo.gen->ttbrs_per_stream; i++) {
            g_assert_cmphex(adt_rd(c, adt_ttbr(c, sid, i)), ==, 0);
        }
    }
}

/* Words of per-stream bitmaps (STREAM_SELECT, ENABLE_STREAMS, ...) */
static inline unsigned adt_stream_words(AppleDartTest *c)
{
    return DIV_ROUND_UP(c->geo.num_streams, 32);
}

/* T8020: invalidate the streams of @mask with STREAM_SELECT/COMMAND. */
static inline void adt_t8020_invalidate_at(AppleDartTest *c, uint64_t dart,
                                           uint64_t mask)
{
    g_assert(c->regs->id == APPLE_DART_LAYOUT_T8020);
    for (unsigned w = 0; w < adt_stream_words(c); w++) {
        adt_wr_at(c, dart, A_T8020_STREAM_SELECT + 4 * w, mask >> (32 * w));
    }
    adt_wr_at(c, dart, A_T8020_STREAM_COMMAND,
              R_T8020_STREAM_COMMAND_INVALIDATE_MASK);
    g_assert_cmphex(adt_rd_at(c, dart, A_T8020_STREAM_COMMAND) &
                    R_T8020_STREAM_COMMAND_BUSY_MASK, ==, 0);
}

static inline void adt_t8020_invalidate(AppleDartTest *c, uint64_t mask)
{
    adt_t8020_invalidate_at(c, c->dart, mask);
}

/* T8110: one TLB_CMD operation */
static inline void adt_t8110_tlb_cmd_at(AppleDartTest *c, uint64_t dart,
                                        unsigned op, unsigned sid)
{
    uint32_t cmd = FIELD_DP32(0, T8110_TLB_CMD, OP, op);

    g_assert(c->regs->id == APPLE_DART_LAYOUT_T8110);
    cmd = FIELD_DP32(cmd, T8110_TLB_CMD, STREAM, sid);
    adt_wr_at(c, dart, A_T8110_TLB_CMD, cmd);
    g_assert_cmphex(adt_rd_at(c, dart, A_T8110_TLB_CMD) &
                    R_T8110_TLB_CMD_BUSY_MASK, ==, 0);
}

/* Drop stream @sid's cached translations, the layout's way. */
static inline void adt_flush_at(AppleDartTest *c, uint64_t dart,
                                unsigned sid)
{
    if (c->regs->id == APPLE_DART_LAYOUT_T8110) {
        adt_t8110_tlb_cmd_at(c, dart, T8110_TLB_OP_FLUSH_STREAM, sid);
    } else {
        adt_t8020_invalidate_at(c, dart, BIT_ULL(sid));
    }
}

static inline void adt_flush(AppleDartTest *c, unsigned sid)
{
    adt_flush_at(c, c->dart, sid);
}

/* ... and every stream's */
static inline void adt_flush_all(AppleDartTest *c)
{
    if (c->regs->id == APPLE_DART_LAYOUT_T8110) {
        adt_t8110_tlb_cmd_at(c, c->dart, T8110_TLB_OP_FLUSH_ALL, 0);
    } else {
        adt_t8020_invalidate(c, MAKE_64BIT_MASK(0, c->geo.num_streams));
    }
}

/* Turn every stream of @dart on, the layout's way. */
static inline void adt_enable_streams_at(AppleDartTest *c, uint64_t dart)
{
    if (c->regs->id == APPLE_DART_LAYOUT_T8110) {
        for (unsigned w = 0; w < adt_stream_words(c); w++) {
            adt_wr_at(c, dart, A_T8110_ENABLE_STREAMS + 4 * w, UINT32_MAX);
        }
    } else {
        adt_wr_at(c, dart, A_T8020_STREAMS_ENABLE, UINT32_MAX);
    }
}

/*
 * Page tables
 */

/* A new, zeroed table (one page) in the tests' table memory */
static inline uint64_t adt_new_table(AppleDartTest *c)
{
    uint64_t t = ADT_TABLES + adt_page_size(c) * c->tables++;

    g_assert_cmphex(t + adt_page_size(c), <=, ADT_TABLES_END);
    qtest_memset(c->qts, t, 0, adt_page_size(c));
    return t;
}

/*
 * DART1's SP_DIS, which Linux sets in every entry; the model does not
 * change translation for it, and apple-dart-regs.h does not name it.
 */
#define ADT_DART1_PTE_SP_DIS    BIT_ULL(1)

/* A leaf for the page at @pa, with what Linux adds to one */
static inline uint64_t adt_leaf(AppleDartTest *c, uint64_t pa, bool no_read,
                                bool no_write)
{
    uint64_t sp_dis = c->geo.gen->pte == &apple_dart_dart1_pte ?
                      ADT_DART1_PTE_SP_DIS : 0;

    return apple_dart_leaf_pte(&c->geo, pa, no_read, no_write) | sp_dis;
}

/* A leaf that allows only subpage units @start to @end (page / 4096) */
static inline uint64_t adt_subpage_leaf(AppleDartTest *c, uint64_t pa,
                                        unsigned start, unsigned end)
{
    return apple_dart_pte_subpage(apple_dart_leaf_pte(&c->geo, pa, false,
                                                      false), start, end);
}

/* The address of @iova's entry in @table, a table of level @level */
static inline uint64_t adt_entry(AppleDartTest *c, uint64_t table,
                                 unsigned level, uint64_t iova)
{
    return table + APPLE_DART_PTE_SIZE *
                   apple_dart_pt_index(&c->geo, iova, level);
}

static inline void adt_set_entry(AppleDartTest *c, uint64_t table,
                                 unsigned level, uint64_t iova, uint64_t pte)
{
    qtest_writeq(c->qts, adt_entry(c, table, level, iova), pte);
}

/*
 * Below @table, of level @level, put @pte in @iova's leaf entry, making
 * the tables on the way that are not there yet.
 */
static inline void adt_map_from(AppleDartTest *c, uint64_t table,
                                unsigned level, uint64_t iova, uint64_t pte)
{
    for (; level > 0; level--) {
        uint64_t entry = adt_entry(c, table, level, iova);
        uint64_t next = qtest_readq(c->qts, entry);

        if (!next) {
            next = apple_dart_table_pte(&c->geo, adt_new_table(c));
            qtest_writeq(c->qts, entry, next);
        }
        table = apple_dart_pte_to_pa(&c->geo, next);
    }
    adt_set_entry(c, table, 0, iova, pte);
}

/* ... below the top table @top of the DART's geometry */
static inline void adt_map(AppleDartTest *c, uint64_t top, uint64_t iova,
                           uint64_t pte)
{
    adt_map_from(c, top, c->geo.levels - 1, iova, pte);
}

/* Point stream @sid's TTBR @idx at @top. */
static inline void adt_set_ttbr(AppleDartTest *c, unsigned sid, unsigned idx,
                                uint64_t top)
{
    adt_wr(c, adt_ttbr(c, sid, idx), apple_dart_ttbr_encode(&c->geo, top));
}

/*
 * What Linux does for a paging domain: stream @sid translates through a
 * fresh, empty top table in its first TTBR; returns that table.
 */
static inline uint64_t adt_attach(AppleDartTest *c, unsigned sid)
{
    uint64_t top = adt_new_table(c);

    adt_set_ttbr(c, sid, 0, top);
    for (unsigned i = 1; i < c->geo.gen->ttbrs_per_stream; i++) {
        adt_wr(c, adt_ttbr(c, sid, i), 0);
    }
    adt_wr(c, adt_tcr(c, sid), apple_dart_tcr_translate(&c->geo));
    adt_flush(c, sid);
    return top;
}

/* The top table of @dart's stream @sid holding @iova, as Linux finds it */
static inline uint64_t adt_top_table(AppleDartTest *c, uint64_t dart,
                                     unsigned sid, uint64_t iova)
{
    uint32_t ttbr = adt_rd_at(c, dart, adt_ttbr(c, sid,
                              apple_dart_ttbr_index(&c->geo, iova)));

    g_assert_cmphex(ttbr & c->regs->ttbr_valid, ==, c->regs->ttbr_valid);
    return apple_dart_ttbr_table(&c->geo, ttbr);
}

/*
 * Walk @dart's tables for stream @sid and @iova by hand down to @level:
 * the address of the entry there; every entry on the way must be valid.
 */
static inline uint64_t adt_walk_to(AppleDartTest *c, uint64_t dart,
                                   unsigned sid, uint64_t iova,
                                   unsigned level)
{
    uint64_t table = adt_top_table(c, dart, sid, iova);

    for (unsigned l = c->geo.levels - 1; l > level; l--) {
        uint64_t pte = qtest_readq(c->qts, adt_entry(c, table, l, iova));

        g_assert_cmphex(pte & APPLE_DART_PTE_VALID, ==, APPLE_DART_PTE_VALID);
        table = apple_dart_pte_to_pa(&c->geo, pte);
    }
    return adt_entry(c, table, level, iova);
}

/* ... the leaf, which must be valid and cover its whole page */
static inline uint64_t adt_walk(AppleDartTest *c, uint64_t dart, unsigned sid,
                                uint64_t iova)
{
    uint64_t pte = qtest_readq(c->qts, adt_walk_to(c, dart, sid, iova, 0));

    g_assert_cmphex(pte & APPLE_DART_PTE_VALID, ==, APPLE_DART_PTE_VALID);
    g_assert_cmphex(pte & APPLE_DART_PTE_SUBPAGE_FULL, ==,
                    APPLE_DART_PTE_SUBPAGE_FULL);
    return pte;
}

/* The fault an IOVA gets when its top table has no entry for it */
static inline AppleDARTFault adt_top_miss(AppleDartTest *c)
{
    return c->geo.levels == 3 ? APPLE_DART_FAULT_NO_PGD
                              : APPLE_DART_FAULT_NO_PMD;
}

/*
 * Faults
 */

/* The DART under test latched @fault of stream @sid at @iova, and says so. */
static inline void adt_assert_fault_latched(AppleDartTest *c,
                                            AppleDARTFault fault,
                                            unsigned sid, uint64_t iova)
{
    const AppleDARTRegMap *r = c->regs;
    uint32_t err = adt_rd(c, r->error);

    g_assert_cmphex(err & r->error_flag, ==, r->error_flag);
    g_assert_cmphex(err & r->error_code_mask, ==, r->fault_code[fault]);
    g_assert_cmpuint(apple_dart_error_stream(r, err), ==, sid);
    g_assert_cmphex(err, ==, apple_dart_error_encode(r, fault, sid));
    g_assert_cmphex(adt_rd(c, r->error_addr_lo), ==, (uint32_t)iova);
    g_assert_cmphex(adt_rd(c, r->error_addr_hi), ==, iova >> 32);
    g_assert_true(adt_irq(c));
}

static inline void adt_assert_no_fault(AppleDartTest *c)
{
    g_assert_cmphex(adt_rd(c, c->regs->error), ==, 0);
    g_assert_false(adt_irq(c));
}

/* Clear ERROR_STREAMS, where the layout has it, as Linux's handler does. */
static inline void adt_clear_error_streams(AppleDartTest *c)
{
    for (unsigned w = 0; c->regs->error_streams && w < adt_stream_words(c);
         w++) {
        adt_wr(c, c->regs->error_streams + 4 * w, UINT32_MAX);
    }
}

/*
 * ... and clear it as Linux's handler does: ERROR write-1-to-clear, then
 * the ERROR_STREAMS bitmap.
 */
static inline void adt_assert_fault(AppleDartTest *c, AppleDARTFault fault,
                                    unsigned sid, uint64_t iova)
{
    adt_assert_fault_latched(c, fault, sid, iova);
    adt_wr(c, c->regs->error, adt_rd(c, c->regs->error));
    adt_clear_error_streams(c);
    adt_assert_no_fault(c);
}

/*
 * DMA and memory
 */

/* One edu DMA of @len bytes; @to_ram copies edu's buffer out. */
static inline void adt_edu_dma(AppleDartTest *c, uint64_t src, uint64_t dst,
                               uint32_t len, bool to_ram)
{
    AppleDartEdu *e = &c->edu;

    qpci_io_writeq(e->dev, e->bar, EDU_DMA_SRC, src);
    qpci_io_writeq(e->dev, e->bar, EDU_DMA_DST, dst);
    qpci_io_writeq(e->dev, e->bar, EDU_DMA_CNT, len);
    qpci_io_writeq(e->dev, e->bar, EDU_DMA_CMD,
                   EDU_DMA_RUN | (to_ram ? EDU_DMA_TO_RAM : 0));
    qtest_clock_step(c->qts, EDU_DMA_NS);
    g_assert_cmphex(qpci_io_readq(e->dev, e->bar, EDU_DMA_CMD) & EDU_DMA_RUN,
                    ==, 0);
}

/* edu reads ADT_XFER bytes at @iova into its buffer ... */
static inline void adt_dma_from(AppleDartTest *c, uint64_t iova)
{
    adt_edu_dma(c, iova, EDU_BUF, ADT_XFER, false);
}

/* ... writes them to @iova ... */
static inline void adt_dma_to(AppleDartTest *c, uint64_t iova)
{
    adt_edu_dma(c, EDU_BUF, iova, ADT_XFER, true);
}

/* ... or both: a copy through the device. */
static inline void adt_dma_copy(AppleDartTest *c, uint64_t src, uint64_t dst)
{
    adt_dma_from(c, src);
    adt_dma_to(c, dst);
}

/* A recognisable pattern of ADT_XFER bytes at @pa ... */
static inline void adt_fill(AppleDartTest *c, uint64_t pa, uint8_t seed)
{
    uint8_t buf[ADT_XFER];

    for (size_t i = 0; i < ADT_XFER; i++) {
        buf[i] = seed + i;
    }
    qtest_memwrite(c->qts, pa, buf, ADT_XFER);
}

/* ... and whether it is there. */
static inline bool adt_holds(AppleDartTest *c, uint64_t pa, uint8_t seed)
{
    uint8_t buf[ADT_XFER];

    qtest_memread(c->qts, pa, buf, ADT_XFER);
    for (size_t i = 0; i < ADT_XFER; i++) {
        if (buf[i] != (uint8_t)(seed + i)) {
            return false;
        }
    }
    return true;
}

static inline void adt_zero(AppleDartTest *c, uint64_t pa, size_t len)
{
    qtest_memset(c->qts, pa, 0, len);
}

/*
 * Attach stream ADT_SID to new tables that map IOVA 0x4000 to ADT_BUF_A
 * and 0x8000 to ADT_BUF_B, read-write; returns the top table.
 */
static inline uint64_t adt_attach_ab(AppleDartTest *c)
{
    uint64_t top = adt_attach(c, ADT_SID);

    adt_map(c, top, 0x4000, adt_leaf(c, ADT_BUF_A, false, false));
    adt_map(c, top, 0x8000, adt_leaf(c, ADT_BUF_B, false, false));
    return top;
}

/* ... and load edu's buffer with a pattern through 0x4000. */
static inline uint64_t adt_load_edu(AppleDartTest *c, uint8_t seed)
{
    uint64_t top = adt_attach_ab(c);

    adt_fill(c, ADT_BUF_A, seed);
    adt_dma_from(c, 0x4000);
    adt_assert_no_fault(c);
    return top;
}

/*
 * QOM and QMP
 */

static inline QDict *adt_qom_get(AppleDartTest *c, const char *path,
                                 const char *prop)
{
    QDict *rsp = qtest_qmp(c->qts, "{'execute': 'qom-get', 'arguments':"
                           " {'path': %s, 'property': %s}}", path, prop);

    g_assert(qdict_haskey(rsp, "return"));
    return rsp;
}

static inline uint64_t adt_qom_uint(AppleDartTest *c, const char *path,
                                    const char *prop)
{
    QDict *rsp = adt_qom_get(c, path, prop);
    uint64_t val = qdict_get_int(rsp, "return");

    qobject_unref(rsp);
    return val;
}

static inline char *adt_qom_str(AppleDartTest *c, const char *path,
                                const char *prop)
{
    QDict *rsp = adt_qom_get(c, path, prop);
    char *val = g_strdup(qdict_get_str(rsp, "return"));

    qobject_unref(rsp);
    return val;
}

/* A counter of the DART under test */
static inline uint64_t adt_stat(AppleDartTest *c, const char *name)
{
    return adt_qom_uint(c, adt_dart_qom(c->dart), name);
}

/*
 * Bad options
 */

typedef struct AppleDartBadOption {
    const char *args;
    const char *error;
    bool multi_line;            /* our own errors are one line */
} AppleDartBadOption;

/*
 * @err less the notes a sanitizer's runtime may print ("==PID==WARNING:
 * ASan doesn't fully support makecontext/swapcontext ..." with
 * --enable-asan): they are not QEMU's words. Its reports ("==PID==ERROR:
 * ...") stay, for the checks to fail on.
 */
static inline char *adt_drop_sanitizer_notes(const char *err)
{
    g_auto(GStrv) lines = g_strsplit(err, "\n", -1);
    GString *out = g_string_new(NULL);

    for (char **l = lines; *l; l++) {
        if (g_str_has_prefix(*l, "==")) {
            const char *pid = *l + 2, *end = pid + strspn(pid, "0123456789");

            if (end > pid && g_str_has_prefix(end, "==WARNING: ")) {
                continue;
            }
        }
        g_string_append(out, *l);
        if (l[1]) {
            g_string_append_c(out, '\n');
        }
    }
    return g_string_free(out, false);
}

/* QEMU started with @o->args must stop at once, exit non-zero, say why. */
static inline void adt_assert_bad_option(const AppleDartBadOption *o)
{
    const char *qemu = g_getenv("QTEST_QEMU_BINARY");
    g_autofree char *cmd = NULL, *out = NULL, *err = NULL, *msg = NULL;
    g_auto(GStrv) argv = NULL;
    int status;

    g_assert(qemu);
    /* a QEMU that takes the options waits at -S: do not wait for ever */
    cmd = g_strdup_printf("timeout 30 %s -S -display none -nodefaults %s",
                          qemu, o->args);
    g_assert_true(g_shell_parse_argv(cmd, NULL, &argv, NULL));
    g_assert_true(g_spawn_sync(NULL, argv, NULL, G_SPAWN_SEARCH_PATH, NULL,
                               NULL, &out, &err, &status, NULL));
    /* QEMU's stderr is ours here: pass a sanitizer's report on, and fail */
    if (strstr(err, "runtime error: ") || strstr(err, "==ERROR: ")) {
        g_printerr("%s", err);
    }
    g_assert_null(strstr(err, "runtime error: "));
    g_assert_null(strstr(err, "==ERROR: "));
    g_assert_true(WIFEXITED(status) && WEXITSTATUS(status) != 0);
    msg = adt_drop_sanitizer_notes(err);
    g_assert_nonnull(strstr(msg, o->error));
    if (!o->multi_line) {
        g_assert_cmpint(strchr(msg, '\n') - msg + 1, ==, strlen(msg));
    }
}

static inline void adt_assert_bad_options(const AppleDartBadOption *o,
                                          size_t n)
{
    for (size_t i = 0; i < n; i++) {
        adt_assert_bad_option(&o[i]);
    }
}

#endif /* TESTS_QTEST_APPLE_DART_QTEST_H */
