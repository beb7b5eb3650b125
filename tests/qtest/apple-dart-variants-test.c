/*
 * QTest for every Apple DART generation: t8103-usb4, t6000 and t8110
 *
 * Copyright (c) 2026 The apple-dart QEMU model authors
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 *
 * apple-virt builds all its DARTs of the generation "-M apple-virt,dart="
 * names. QEMU's "edu" PCI device in slot 3 is the DMA master, stream 3
 * of the PCIe DART. Each generation is described below by its register
 * layout and PTE format, so that one set of tests drives them all; the
 * layout-specific registers have tests of their own.
 */

#include "qemu/osdep.h"
#include "qemu/bitops.h"
#include "apple-dart-qtest.h"
#include "qobject/qdict.h"

#define RAM_BASE            0x800000000ULL
#define DART_BASE           0x09100000ULL
#define DART_QOM            "/machine/dart-pcie"
#define EDU_SLOT            3
#define SID                 EDU_SLOT
#define PAGE_SIZE           0x4000ULL

#define PARAMS1             0x00
#define PARAMS2             0x04

/* T8020 layout */
#define T8020_STREAM_COMMAND        0x20
#define T8020_STREAM_SELECT         0x34
#define T8020_ERROR                 0x40
#define T8020_ERROR_ADDR_LO         0x50
#define T8020_CONFIG                0x60

/* T8110 layout */
#define T8110_PARAMS3               0x08
#define T8110_PARAMS4               0x0c
#define T8110_TLB_CMD               0x80
#define   T8110_TLB_FLUSH_ALL       (0 << 8)
#define   T8110_TLB_FLUSH_STREAM(s) ((1 << 8) | (s))
#define   T8110_TLB_BUSY            BIT(31)
#define T8110_ERROR                 0x100
#define T8110_ERROR_MASK            0x104
#define T8110_ERROR_ADDR_LO         0x170
#define T8110_ERROR_STREAMS         0x1c0
#define T8110_PROTECT               0x200
#define T8110_UNPROTECT             0x204
#define T8110_PROTECT_LOCK          0x208
#define T8110_PERF0                 0x700
#define T8110_ENABLE_STREAMS        0xc00
#define T8110_DISABLE_STREAMS       0xc20

/* Test memory */
#define TABLES              (RAM_BASE + 0x100000)   /* L0, L1, L2 */
#define BUF_A               (RAM_BASE + 0x200000)
#define BUF_B               (RAM_BASE + 0x204000)
#define BUF_C               (RAM_BASE + 0x208000)

#define XFER                64

typedef struct Gen {
    const char *machine;        /* -M apple-virt,... */
    bool t8110;                 /* layout: T8110, else T8020 */
    bool dart2;                 /* PTE format: DART2, else DART1 */
    bool bypass;
    unsigned streams;
    unsigned levels;            /* table levels below the TTBR */
    uint64_t tcr_base, ttbr_base, ttbr_stride;
    uint32_t tcr_translate;
    uint32_t ttbr_valid;
    uint64_t error, error_addr_lo;
    unsigned error_stream_shift, error_stream_mask;
    uint32_t lock_reg, lock_val;
    uint32_t no_ttbr, no_pgd, no_pmd, no_pte, write_fault, read_fault;
} Gen;

static const Gen gen_usb4 = {
    .machine = "apple-virt,dart=t8103-usb4",
    .streams = 64, .levels = 2,
    .tcr_base = 0x100, .ttbr_base = 0x400, .ttbr_stride = 16,
    .tcr_translate = 0x80, .ttbr_valid = BIT(31),
    .error = T8020_ERROR, .error_addr_lo = T8020_ERROR_ADDR_LO,
    .error_stream_shift = 24, .error_stream_mask = 0xf,
    .lock_reg = T8020_CONFIG, .lock_val = BIT(15),
    .no_ttbr = BIT(0), .no_pmd = BIT(1), .no_pte = BIT(2),
    .write_fault = BIT(3), .read_fault = BIT(4),
};

static const Gen gen_t6000 = {
    .machine = "apple-virt,dart=t6000",
    .dart2 = true, .bypass = true,
    .streams = 16, .levels = 2,
    .tcr_base = 0x100, .ttbr_base = 0x200, .ttbr_stride = 16,
    .tcr_translate = 0x80, .ttbr_valid = BIT(31),
    .error = T8020_ERROR, .error_addr_lo = T8020_ERROR_ADDR_LO,
    .error_stream_shift = 24, .error_stream_mask = 0xf,
    .lock_reg = T8020_CONFIG, .lock_val = BIT(15),
    .no_ttbr = BIT(0), .no_pmd = BIT(1), .no_pte = BIT(2),
    .write_fault = BIT(3), .read_fault = BIT(4),
};

#define T8110_COMMON \
    .t8110 = true, .dart2 = true, .bypass = true, .streams = 16, \
    .tcr_base = 0x1000, .ttbr_base = 0x1400, .ttbr_stride = 4, \
    .ttbr_valid = BIT(0), \
    .error = T8110_ERROR, .error_addr_lo = T8110_ERROR_ADDR_LO, \
    .error_stream_shift = 20, .error_stream_mask = 0xff, \
    .lock_reg = T8110_PROTECT, .lock_val = BIT(0), \
    .no_ttbr = BIT(0), .no_pgd = BIT(1), .no_pmd = BIT(2), \
    .no_pte = BIT(3), .write_fault = BIT(4), .read_fault = BIT(5)

static const Gen gen_t8110 = {
    .machine = "apple-virt,dart=t8110",
    .levels = 2, .tcr_translate = 0x1,
    T8110_COMMON,
};

static const Gen gen_t8110_4l = {
    .machine = "apple-virt,dart=t8110,dart-va-bits=42",
    .levels = 3, .tcr_translate = 0x9,      /* TRANSLATE | FOUR_LEVEL */
    T8110_COMMON,
};

typedef struct Ctx {
    const Gen *g;
    QTestState *qts;
    AppleDartEdu edu;
    unsigned tables;            /* allocated so far */
} Ctx;

static uint32_t rd(Ctx *c, uint64_t off)
{
    return qtest_readl(c->qts, DART_BASE + off);
}

static void wr(Ctx *c, uint64_t off, uint32_t val)
{
    qtest_writel(c->qts, DART_BASE + off, val);
}

static uint64_t tcr(Ctx *c, unsigned sid)
{
    return c->g->tcr_base + 4 * sid;
}

static uint64_t ttbr(Ctx *c, unsigned sid)
{
    return c->g->ttbr_base + c->g->ttbr_stride * sid;
}

static void ctx_start(Ctx *c, const Gen *g)
{
    c->g = g;
    c->tables = 0;
    c->qts = qtest_initf("-M %s -device edu,addr=%d.0,"
                         "dma_mask=0xffffffffffffffff", g->machine, EDU_SLOT);
    qtest_irq_intercept_out_named(c->qts, DART_QOM, "sysbus-irq");
    apple_dart_edu_init(&c->edu, c->qts, EDU_SLOT);
}

static void ctx_stop(Ctx *c)
{
    apple_dart_edu_free(&c->edu);
    qtest_quit(c->qts);
}

/* Drop stream @sid's cached translations, the layout's way. */
static void flush(Ctx *c, unsigned sid)
{
    if (c->g->t8110) {
        wr(c, T8110_TLB_CMD, T8110_TLB_FLUSH_STREAM(sid));
        g_assert_cmphex(rd(c, T8110_TLB_CMD) & T8110_TLB_BUSY, ==, 0);
    } else {
        wr(c, T8020_STREAM_SELECT + 4 * (sid / 32), BIT(sid % 32));
        wr(c, T8020_STREAM_COMMAND, BIT(20));
        g_assert_cmphex(rd(c, T8020_STREAM_COMMAND) & BIT(2), ==, 0);
    }
}

static uint64_t pte_addr(Ctx *c, uint64_t pa)
{
    return c->g->dart2 ? pa >> 4 : pa;
}

static uint64_t leaf(Ctx *c, uint64_t pa, bool no_read, bool no_write)
{
    uint64_t pte = pte_addr(c, pa) | 1 | (0xfffULL << 40);

    if (no_write) {
        pte |= c->g->dart2 ? BIT(2) : BIT(7);
    }
    if (no_read) {
        pte |= c->g->dart2 ? BIT(3) : BIT(8);
    }
    return pte;
}

static uint64_t new_table(Ctx *c)
{
    uint64_t t = TABLES + PAGE_SIZE * c->tables++;

    qtest_memset(c->qts, t, 0, PAGE_SIZE);
    return t;
}

/* Attach stream SID to fresh, empty tables, as Linux does. */
static uint64_t attach(Ctx *c)
{
    uint64_t top = new_table(c);

    wr(c, ttbr(c, SID), c->g->ttbr_valid | (top >> 12));
    wr(c, tcr(c, SID), c->g->tcr_translate);
    flush(c, SID);
    return top;
}

/* Map @iova to @pa below @top, making the tables it needs. */
static void map(Ctx *c, uint64_t top, uint64_t iova, uint64_t leaf_pte)
{
    uint64_t table = top;

    for (int level = c->g->levels - 1; level > 0; level--) {
        uint64_t entry = table + 8 * ((iova >> (14 + 11 * level)) & 0x7ff);
        uint64_t pte = qtest_readq(c->qts, entry);

        if (!pte) {
            uint64_t next = new_table(c);

            pte = pte_addr(c, next) | 1;
            qtest_writeq(c->qts, entry, pte);
        }
        table = c->g->dart2 ? (pte & MAKE_64BIT_MASK(10, 28)) << 4 :
                              pte & MAKE_64BIT_MASK(12, 24);
    }
    qtest_writeq(c->qts, table + 8 * ((iova >> 14) & 0x7ff), leaf_pte);
}

static void edu_dma(Ctx *c, uint64_t src, uint64_t dst, bool to_ram)
{
    apple_dart_edu_dma(&c->edu, c->qts, src, dst, XFER, to_ram);
}

static void dma_copy(Ctx *c, uint64_t src, uint64_t dst)
{
    edu_dma(c, src, EDU_BUF, false);
    edu_dma(c, EDU_BUF, dst, true);
}

static void fill(Ctx *c, uint64_t pa, uint8_t seed)
{
    apple_dart_fill(c->qts, pa, seed, XFER);
}

static bool holds(Ctx *c, uint64_t pa, uint8_t seed)
{
    return apple_dart_holds(c->qts, pa, seed, XFER);
}

static void assert_fault(Ctx *c, uint32_t code, uint64_t iova)
{
    uint32_t err = rd(c, c->g->error);

    g_assert_cmphex(err & BIT(31), ==, BIT(31));
    g_assert_cmphex(err & MAKE_64BIT_MASK(0, 15), ==, code);
    g_assert_cmpuint((err >> c->g->error_stream_shift) &
                     c->g->error_stream_mask, ==, SID);
    g_assert_cmphex(rd(c, c->g->error_addr_lo), ==, (uint32_t)iova);
    g_assert_true(qtest_get_irq(c->qts, 0));
    wr(c, c->g->error, err);
    g_assert_cmphex(rd(c, c->g->error), ==, 0);
    g_assert_false(qtest_get_irq(c->qts, 0));
}

/* Reset values, and what the DART says of itself */
static void test_params(gconstpointer data)
{
    const Gen *g = data;
    Ctx c;

    ctx_start(&c, g);
    g_assert_cmphex(rd(&c, PARAMS1), ==, 14 << 24);
    g_assert_cmphex(rd(&c, PARAMS2), ==, g->bypass);
    g_assert_cmphex(rd(&c, g->error), ==, 0);
    g_assert_cmphex(rd(&c, g->lock_reg), ==, 0);
    for (unsigned sid = 0; sid < g->streams; sid++) {
        g_assert_cmphex(rd(&c, tcr(&c, sid)), ==, 0);
        g_assert_cmphex(rd(&c, ttbr(&c, sid)), ==, 0);
    }
    if (g->t8110) {
        unsigned va = g->levels == 3 ? 42 : 36;

        /* PA_WIDTH 42, VA_WIDTH, version 2.0 */
        g_assert_cmphex(rd(&c, T8110_PARAMS3), ==,
                        42 << 24 | va << 16 | 2 << 8);
        g_assert_cmphex(rd(&c, T8110_PARAMS4), ==, 16 << 16 | 16);
        g_assert_cmphex(rd(&c, T8110_ENABLE_STREAMS), ==, 0xffff);
        /* m1n1 polls bit 31 here after a flush */
        g_assert_cmphex(rd(&c, T8110_PERF0) & BIT(31), ==, 0);
    }
    ctx_stop(&c);
}

/* DMA through the generation's tables and PTE format, both ways */
static void test_dma(gconstpointer data)
{
    Ctx c;
    uint64_t top;

    ctx_start(&c, data);
    top = attach(&c);
    map(&c, top, 0x4000, leaf(&c, BUF_A, false, false));
    map(&c, top, 0x12344000, leaf(&c, BUF_B, false, false));
    fill(&c, BUF_A, 0x11);
    qtest_memset(c.qts, BUF_B, 0, XFER);
    dma_copy(&c, 0x4000, 0x12344000);
    g_assert_true(holds(&c, BUF_B, 0x11));
    g_assert_cmphex(rd(&c, c.g->error), ==, 0);
    ctx_stop(&c);
}

/* Every fault code of the layout, with stream, address and interrupt */
static void test_faults(gconstpointer data)
{
    const Gen *g = data;
    Ctx c;
    uint64_t top, l1;

    ctx_start(&c, g);
    /* no valid TTBR */
    wr(&c, tcr(&c, SID), g->tcr_translate);
    edu_dma(&c, 0x4000, EDU_BUF, false);
    assert_fault(&c, g->no_ttbr, 0x4000);

    top = attach(&c);
    map(&c, top, 0x4000, leaf(&c, BUF_A, false, true));
    map(&c, top, 0x8000, leaf(&c, BUF_B, true, false));
    flush(&c, SID);
    edu_dma(&c, EDU_BUF, 0x4000, true);
    assert_fault(&c, g->write_fault, 0x4000);
    edu_dma(&c, 0x8000, EDU_BUF, false);
    assert_fault(&c, g->read_fault, 0x8000);
    edu_dma(&c, 0xc000, EDU_BUF, false);             /* same last table */
    assert_fault(&c, g->no_pte, 0xc000);
    if (g->levels == 3) {
        /* iova[46:36] selects the L0 entry: nothing at 1 */
        edu_dma(&c, 0x1000000000ULL, EDU_BUF, false);
        assert_fault(&c, g->no_pgd, 0x1000000000ULL);
        /* a valid L0 entry with an empty L1 table under it */
        l1 = new_table(&c);
        qtest_writeq(c.qts, top + 8 * 2, pte_addr(&c, l1) | 1);
        edu_dma(&c, 0x2000000000ULL, EDU_BUF, false);
        assert_fault(&c, g->no_pmd, 0x2000000000ULL);
    } else {
        edu_dma(&c, 0x10000000, EDU_BUF, false);
        assert_fault(&c, g->no_pmd, 0x10000000);
    }
    ctx_stop(&c);
}

/* Cached translations stay until flushed, one stream or all of them */
static void test_flush(gconstpointer data)
{
    const Gen *g = data;
    Ctx c;
    uint64_t top;

    ctx_start(&c, g);
    top = attach(&c);
    fill(&c, BUF_A, 0x21);
    fill(&c, BUF_C, 0x42);
    map(&c, top, 0x4000, leaf(&c, BUF_A, false, false));
    map(&c, top, 0x8000, leaf(&c, BUF_B, false, false));
    dma_copy(&c, 0x4000, 0x8000);                   /* both cached */
    g_assert_true(holds(&c, BUF_B, 0x21));

    map(&c, top, 0x4000, leaf(&c, BUF_C, false, false));
    dma_copy(&c, 0x4000, 0x8000);
    g_assert_true(holds(&c, BUF_B, 0x21));          /* stale, as it must */
    if (g->t8110) {
        wr(&c, T8110_TLB_CMD, T8110_TLB_FLUSH_STREAM(SID + 1));
        dma_copy(&c, 0x4000, 0x8000);
        g_assert_true(holds(&c, BUF_B, 0x21));      /* another stream */
        wr(&c, T8110_TLB_CMD, T8110_TLB_FLUSH_ALL);
    } else {
        flush(&c, SID);
    }
    dma_copy(&c, 0x4000, 0x8000);
    g_assert_true(holds(&c, BUF_B, 0x42));
    ctx_stop(&c);
}

/* T8110: ERROR_STREAMS and ERROR_MASK */
static void test_t8110_error_regs(gconstpointer data)
{
    const Gen *g = data;
    /* empty tables: the first level misses */
    uint32_t miss = g->levels == 3 ? g->no_pgd : g->no_pmd;
    Ctx c;

    ctx_start(&c, g);
    attach(&c);
    edu_dma(&c, 0x4000, EDU_BUF, false);
    g_assert_cmphex(rd(&c, T8110_ERROR_STREAMS), ==, BIT(SID));
    assert_fault(&c, miss, 0x4000);
    /* Linux's handler writes all ones to clear the bitmap */
    wr(&c, T8110_ERROR_STREAMS, UINT32_MAX);
    g_assert_cmphex(rd(&c, T8110_ERROR_STREAMS), ==, 0);

    /* a masked code neither latches nor interrupts */
    wr(&c, T8110_ERROR_MASK, miss);
    g_assert_cmphex(rd(&c, T8110_ERROR_MASK), ==, miss);
    edu_dma(&c, 0x4000, EDU_BUF, false);
    g_assert_cmphex(rd(&c, T8110_ERROR), ==, 0);
    g_assert_false(qtest_get_irq(c.qts, 0));
    wr(&c, T8110_ERROR_MASK, 0);
    edu_dma(&c, 0x4000, EDU_BUF, false);
    assert_fault(&c, miss, 0x4000);
    ctx_stop(&c);
}

/* T8110: ENABLE_STREAMS / DISABLE_STREAMS set and clear the bitmap */
static void test_t8110_streams(gconstpointer data)
{
    Ctx c;
    uint64_t top;

    ctx_start(&c, data);
    top = attach(&c);
    map(&c, top, 0x4000, leaf(&c, BUF_A, false, false));
    fill(&c, BUF_A, 0x33);
    wr(&c, T8110_DISABLE_STREAMS, BIT(SID));
    g_assert_cmphex(rd(&c, T8110_ENABLE_STREAMS), ==, 0xffff & ~BIT(SID));
    qtest_memset(c.qts, BUF_B, 0, XFER);
    map(&c, top, 0x8000, leaf(&c, BUF_B, false, false));
    dma_copy(&c, 0x4000, 0x8000);
    g_assert_false(holds(&c, BUF_B, 0x33));         /* stream off */
    wr(&c, T8110_ENABLE_STREAMS, BIT(SID));
    g_assert_cmphex(rd(&c, T8110_ENABLE_STREAMS), ==, 0xffff);
    dma_copy(&c, 0x4000, 0x8000);
    g_assert_true(holds(&c, BUF_B, 0x33));
    ctx_stop(&c);
}

/* T8110: PROTECT locks TTBR/TCR, UNPROTECT unlocks until PROTECT_LOCK */
static void test_t8110_protect(gconstpointer data)
{
    const Gen *g = data;
    Ctx c;

    ctx_start(&c, g);
    wr(&c, T8110_PROTECT, BIT(0));
    g_assert_cmphex(rd(&c, T8110_PROTECT), ==, BIT(0));
    wr(&c, tcr(&c, SID), g->tcr_translate);
    wr(&c, ttbr(&c, SID), 0x1235);
    g_assert_cmphex(rd(&c, tcr(&c, SID)), ==, 0);
    g_assert_cmphex(rd(&c, ttbr(&c, SID)), ==, 0);

    wr(&c, T8110_UNPROTECT, BIT(0));
    g_assert_cmphex(rd(&c, T8110_PROTECT), ==, 0);
    wr(&c, tcr(&c, SID), g->tcr_translate);
    g_assert_cmphex(rd(&c, tcr(&c, SID)), ==, g->tcr_translate);

    wr(&c, T8110_PROTECT, BIT(0));
    wr(&c, T8110_PROTECT_LOCK, 1);
    wr(&c, T8110_UNPROTECT, UINT32_MAX);
    g_assert_cmphex(rd(&c, T8110_PROTECT), ==, BIT(0));
    wr(&c, tcr(&c, SID), 0);
    g_assert_cmphex(rd(&c, tcr(&c, SID)), ==, g->tcr_translate);

    /* flushing and faults still work; a reset lifts it all */
    flush(&c, SID);
    edu_dma(&c, 0x4000, EDU_BUF, false);
    assert_fault(&c, g->no_ttbr, 0x4000);
    qtest_system_reset(c.qts);
    g_assert_cmphex(rd(&c, T8110_PROTECT), ==, 0);
    g_assert_cmphex(rd(&c, T8110_PROTECT_LOCK), ==, 0);
    wr(&c, tcr(&c, SID), g->tcr_translate);
    g_assert_cmphex(rd(&c, tcr(&c, SID)), ==, g->tcr_translate);
    ctx_stop(&c);
}

/*
 * usb4: 64 streams, TTBRs at 0x400, no bypass; Linux's reset writes
 * all ones where a second STREAMS_ENABLE word would be (stream 0's TCR)
 * and its stream-select loop only reaches the first word.
 */
static void test_usb4(void)
{
    Ctx c;
    uint64_t top;

    ctx_start(&c, &gen_usb4);
    wr(&c, 0xfc, UINT32_MAX);
    wr(&c, 0x100, UINT32_MAX);
    g_assert_cmphex(rd(&c, 0x100), ==, 0x1180);     /* TCR 0, masked */
    g_assert_cmphex(rd(&c, 0xfc), ==, UINT32_MAX);

    /* the last stream's TTBRs are at 0x400 + 16 * 63 */
    wr(&c, ttbr(&c, 63) + 12, BIT(31) | 0x1234);
    g_assert_cmphex(rd(&c, 0x400 + 16 * 63 + 12), ==, BIT(31) | 0x1234);
    wr(&c, T8020_STREAM_SELECT + 4, BIT(63 - 32));
    wr(&c, T8020_STREAM_COMMAND, BIT(20));

    /* bypass is not there: TCR 0x1100 blocks */
    fill(&c, BUF_A, 0x55);
    wr(&c, tcr(&c, SID), 0x1100);
    qtest_memset(c.qts, BUF_B, 0, XFER);
    dma_copy(&c, BUF_A, BUF_B);
    g_assert_false(holds(&c, BUF_B, 0x55));

    top = attach(&c);
    map(&c, top, 0x4000, leaf(&c, BUF_A, false, false));
    map(&c, top, 0x8000, leaf(&c, BUF_B, false, false));
    dma_copy(&c, 0x4000, 0x8000);
    g_assert_true(holds(&c, BUF_B, 0x55));
    ctx_stop(&c);
}

/* Wait until the migration @qts takes part in is over. */
static void wait_migration(QTestState *qts)
{
    for (int i = 0; i < 600; i++) {
        QDict *rsp = qtest_qmp(qts, "{'execute': 'query-migrate'}");
        QDict *ret = qdict_get_qdict(rsp, "return");
        const char *status = ret && qdict_haskey(ret, "status") ?
                             qdict_get_str(ret, "status") : "none";
        bool done = !strcmp(status, "completed");

        g_assert_cmpstr(status, !=, "failed");
        qobject_unref(rsp);
        if (done) {
            return;
        }
        g_usleep(50 * 1000);
    }
    g_assert_not_reached();
}

/*
 * Registers, the latched fault, the lock and the tables (guest RAM)
 * migrate; cached translations do not, so the destination walks again.
 */
static void test_t8110_migration(gconstpointer data)
{
    const Gen *g = data;
    g_autofree char *dir = g_dir_make_tmp("apple-dart-migrate-XXXXXX", NULL);
    g_autofree char *file = g_build_filename(dir, "state", NULL);
    g_autofree char *uri = g_strdup_printf("exec:cat > %s", file);
    static const uint64_t regs[] = {
        T8110_ERROR, T8110_ERROR_ADDR_LO, T8110_ERROR_MASK,
        T8110_ERROR_STREAMS, T8110_PROTECT, T8110_PROTECT_LOCK,
        T8110_ENABLE_STREAMS, 0x1000 + 4 * SID, 0x1400 + 4 * SID,
    };
    uint32_t before[ARRAY_SIZE(regs)];
    Ctx c, to = { .g = g };
    uint64_t top;

    ctx_start(&c, g);
    top = attach(&c);
    map(&c, top, 0x4000, leaf(&c, BUF_A, false, false));
    map(&c, top, 0x8000, leaf(&c, BUF_B, false, false));
    fill(&c, BUF_A, 0x61);
    dma_copy(&c, 0x4000, 0x8000);
    g_assert_true(holds(&c, BUF_B, 0x61));
    edu_dma(&c, 0x10000000, EDU_BUF, false);       /* latched */
    wr(&c, T8110_ERROR_MASK, g->read_fault);
    wr(&c, T8110_DISABLE_STREAMS, BIT(5));
    wr(&c, T8110_PROTECT, BIT(0));
    wr(&c, T8110_PROTECT_LOCK, 1);
    for (int i = 0; i < ARRAY_SIZE(regs); i++) {
        before[i] = rd(&c, regs[i]);
    }
    g_assert_cmphex(before[0] & BIT(31), ==, BIT(31));

    qtest_qmp_assert_success(c.qts, "{'execute': 'migrate',"
                             " 'arguments': {'uri': %s}}", uri);
    wait_migration(c.qts);
    ctx_stop(&c);

    to.qts = qtest_initf("-M %s -device edu,addr=%d.0,"
                         "dma_mask=0xffffffffffffffff -incoming 'exec:cat %s'",
                         g->machine, EDU_SLOT, file);
    wait_migration(to.qts);
    for (int i = 0; i < ARRAY_SIZE(regs); i++) {
        g_assert_cmphex(rd(&to, regs[i]), ==, before[i]);
    }
    /* still locked; the tables came along in RAM and are walked again */
    wr(&to, tcr(&to, SID), 0);
    g_assert_cmphex(rd(&to, tcr(&to, SID)), ==, g->tcr_translate);
    wr(&to, T8110_ERROR, before[0]);
    apple_dart_edu_init(&to.edu, to.qts, EDU_SLOT);
    fill(&to, BUF_A, 0x71);
    dma_copy(&to, 0x4000, 0x8000);
    g_assert_true(holds(&to, BUF_B, 0x71));
    g_assert_cmphex(rd(&to, T8110_ERROR), ==, 0);
    ctx_stop(&to);
    unlink(file);
    rmdir(dir);
}

/* Sizes that do not exist are refused with one line. */
static void test_bad_options(void)
{
    static const struct {
        const char *args;
        const char *error;
    } cases[] = {
        { "-M apple-virt,dart=t9999",
          "dart must be t8103, t8103-usb4, t6000 or t8110, not 't9999'" },
        { "-M apple-virt,dart-va-bits=40",
          "dart-va-bits is for dart=t8110" },
        { "-M apple-virt,dart=t8110,dart-va-bits=48",
          "va-bits must be 32 to 47, not 48" },
        { "-M apple-virt,dart=t8110 -global apple-dart-t8110.num-streams=257",
          "num-streams must be 1 to 256, not 257" },
        { "-M apple-virt,dart=t8110 -global apple-dart-t8110.pa-bits=48",
          "pa-bits must be 36 to 42, not 48" },
        { "-M apple-virt,dart=t6000 -global apple-dart-t6000.page-size=4096",
          "page-size 4096 is not possible with DART2 page tables" },
        { "-M apple-virt,dart=t6000 -global apple-dart-t6000.num-streams=8",
          "apple,t6000-dart DARTs have 16 streams" },
        { "-M apple-virt,dart=t8103-usb4"
          " -global apple-dart-t8103-usb4.bypass=on",
          "cannot bypass translation" },
    };

    for (int i = 0; i < ARRAY_SIZE(cases); i++) {
        apple_dart_assert_bad_option(cases[i].args, cases[i].error, true);
    }
}

static void add(const char *gen, const char *name, const Gen *g,
                GTestDataFunc fn)
{
    g_autofree char *path = g_strdup_printf("/apple-dart/%s/%s", gen, name);

    qtest_add_data_func(path, g, fn);
}

int main(int argc, char **argv)
{
    static const struct {
        const char *name;
        const Gen *g;
    } gens[] = {
        { "t8103-usb4", &gen_usb4 },
        { "t6000", &gen_t6000 },
        { "t8110", &gen_t8110 },
        { "t8110-four-level", &gen_t8110_4l },
    };

    g_test_init(&argc, &argv, NULL);
    for (int i = 0; i < ARRAY_SIZE(gens); i++) {
        add(gens[i].name, "params", gens[i].g, test_params);
        add(gens[i].name, "dma", gens[i].g, test_dma);
        add(gens[i].name, "faults", gens[i].g, test_faults);
        add(gens[i].name, "flush", gens[i].g, test_flush);
        if (gens[i].g->t8110) {
            add(gens[i].name, "error-regs", gens[i].g,
                test_t8110_error_regs);
            add(gens[i].name, "streams", gens[i].g, test_t8110_streams);
            add(gens[i].name, "protect", gens[i].g, test_t8110_protect);
            add(gens[i].name, "migration", gens[i].g, test_t8110_migration);
        }
    }
    qtest_add_func("/apple-dart/t8103-usb4/linux-quirks", test_usb4);
    qtest_add_func("/apple-dart/variants/bad-options", test_bad_options);
    return g_test_run();
}
