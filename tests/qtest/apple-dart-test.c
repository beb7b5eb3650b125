/*
 * QTest for the Apple DART IOMMU on the apple-virt machine
 *
 * Copyright (c) 2026 The apple-dart QEMU model authors
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 *
 * QEMU's "edu" PCI device is the DMA master: it sits in slot 3 of the
 * root bus, which apple-virt routes through stream 3 of its PCIe DART.
 * Every DMA test checks the bytes that arrived (or did not), the DART's
 * ERROR registers and its interrupt line.
 */

#include "qemu/osdep.h"
#include "qemu/bitops.h"
#include "apple-dart-qtest.h"
#include "qobject/qdict.h"

/* apple-virt */
#define RAM_BASE            0x800000000ULL
#define DART_BASE           0x09100000ULL
#define DART_QOM            "/machine/dart-pcie"
#define EDU_SLOT            3
#define SID                 EDU_SLOT

/* T8020 registers */
#define PARAMS1             0x00
#define PARAMS2             0x04
#define STREAM_COMMAND      0x20
#define   STREAM_COMMAND_INVALIDATE BIT(20)
#define   STREAM_COMMAND_BUSY       BIT(2)
#define STREAM_SELECT       0x34
#define ERROR               0x40
#define   ERROR_FLAG        BIT(31)
#define   ERROR_STREAM(x)   (((x) >> 24) & 0xf)
#define   ERROR_CODE(x)     ((x) & 0xfff)
#define   ERR_NO_TTBR       BIT(0)
#define   ERR_NO_PMD        BIT(1)
#define   ERR_NO_PTE        BIT(2)
#define   ERR_WRITE         BIT(3)
#define   ERR_READ          BIT(4)
#define   ERR_SUBPAGE       BIT(7)
#define ERROR_ADDR_LO       0x50
#define ERROR_ADDR_HI       0x54
#define CONFIG              0x60
#define   CONFIG_LOCK       BIT(15)
#define STREAMS_ENABLE      0xfc
#define TCR(sid)            (0x100 + 4 * (sid))
#define   TCR_TRANSLATE     0x80
#define   TCR_BYPASS        0x1100
#define TTBR(sid, i)        (0x200 + 16 * (sid) + 4 * (i))
#define   TTBR_VALID        BIT(31)

/* DART1 page tables, 16 KiB pages */
#define PAGE_SIZE           0x4000ULL
#define PTE_VALID           BIT_ULL(0)
#define PTE_SP_DIS          BIT_ULL(1)
#define PTE_NO_WRITE        BIT_ULL(7)
#define PTE_NO_READ         BIT_ULL(8)
#define PTE_SUBPAGE_FULL    (0xfffULL << 40)
#define L1_INDEX(iova)      (((iova) >> 25) & 0x7ff)
#define L2_INDEX(iova)      (((iova) >> 14) & 0x7ff)

/* Guest memory used by the tests */
#define L1_TABLE            (RAM_BASE + 0x100000)
#define L2_TABLE            (RAM_BASE + 0x104000)
#define L2_TABLE_B          (RAM_BASE + 0x108000)
#define BUF_A               (RAM_BASE + 0x200000)
#define BUF_B               (RAM_BASE + 0x204000)
#define BUF_C               (RAM_BASE + 0x208000)
#define OUTSIDE_RAM         0x100000000ULL     /* nothing is mapped here */


#define XFER                64

typedef struct Ctx {
    QTestState *qts;
    AppleDartEdu edu;
} Ctx;

static uint32_t dart_rd(Ctx *c, uint64_t off)
{
    return qtest_readl(c->qts, DART_BASE + off);
}

static void dart_wr(Ctx *c, uint64_t off, uint32_t val)
{
    qtest_writel(c->qts, DART_BASE + off, val);
}

static bool dart_irq(Ctx *c)
{
    return qtest_get_irq(c->qts, 0);
}

static uint64_t dart_stat(Ctx *c, const char *name)
{
    QDict *rsp = qtest_qmp(c->qts, "{'execute': 'qom-get', 'arguments':"
                           " {'path': %s, 'property': %s}}", DART_QOM, name);
    uint64_t val;

    g_assert(qdict_haskey(rsp, "return"));
    val = qdict_get_int(rsp, "return");
    qobject_unref(rsp);
    return val;
}

static void ctx_start(Ctx *c, const char *extra)
{
    c->qts = qtest_initf("-M apple-virt -device edu,addr=%d.0,"
                         "dma_mask=0xffffffffffffffff %s",
                         EDU_SLOT, extra ? extra : "");
    qtest_irq_intercept_out_named(c->qts, DART_QOM, "sysbus-irq");
    apple_dart_edu_init(&c->edu, c->qts, EDU_SLOT);
}

static void ctx_stop(Ctx *c)
{
    apple_dart_edu_free(&c->edu);
    qtest_quit(c->qts);
}

static void invalidate(Ctx *c, uint32_t streams)
{
    dart_wr(c, STREAM_SELECT, streams);
    dart_wr(c, STREAM_COMMAND, STREAM_COMMAND_INVALIDATE);
    g_assert_cmphex(dart_rd(c, STREAM_COMMAND) & STREAM_COMMAND_BUSY, ==, 0);
}

/* One edu DMA; @to_ram copies edu's buffer out, otherwise in. */
static void edu_dma(Ctx *c, uint64_t src, uint64_t dst, uint32_t len,
                    bool to_ram)
{
    apple_dart_edu_dma(&c->edu, c->qts, src, dst, len, to_ram);
}

/* Device reads @iova into its buffer. */
static void dma_from(Ctx *c, uint64_t iova)
{
    edu_dma(c, iova, EDU_BUF, XFER, false);
}

/* Device writes its buffer to @iova. */
static void dma_to(Ctx *c, uint64_t iova)
{
    edu_dma(c, EDU_BUF, iova, XFER, true);
}

static void fill(Ctx *c, uint64_t pa, uint8_t seed)
{
    apple_dart_fill(c->qts, pa, seed, XFER);
}

static bool holds(Ctx *c, uint64_t pa, uint8_t seed)
{
    return apple_dart_holds(c->qts, pa, seed, XFER);
}

/* Copy through the device: read @src_iova, write @dst_iova. */
static void dma_copy(Ctx *c, uint64_t src_iova, uint64_t dst_iova)
{
    dma_from(c, src_iova);
    dma_to(c, dst_iova);
}

static uint64_t leaf(uint64_t pa, uint64_t flags)
{
    return pa | PTE_VALID | PTE_SP_DIS | PTE_SUBPAGE_FULL | flags;
}

static void set_l1(Ctx *c, uint64_t l1, uint64_t iova, uint64_t entry)
{
    qtest_writeq(c->qts, l1 + 8 * L1_INDEX(iova), entry);
}

static void set_l2(Ctx *c, uint64_t l2, uint64_t iova, uint64_t entry)
{
    qtest_writeq(c->qts, l2 + 8 * L2_INDEX(iova), entry);
}

/* The program Linux runs for a paging domain, with empty tables. */
static void attach_translated(Ctx *c, uint32_t sid)
{
    qtest_memset(c->qts, L1_TABLE, 0, PAGE_SIZE);
    qtest_memset(c->qts, L2_TABLE, 0, PAGE_SIZE);
    dart_wr(c, TTBR(sid, 0), TTBR_VALID | (L1_TABLE >> 12));
    for (int i = 1; i < 4; i++) {
        dart_wr(c, TTBR(sid, i), 0);
    }
    dart_wr(c, TCR(sid), TCR_TRANSLATE);
    invalidate(c, BIT(sid));
}

static void map(Ctx *c, uint64_t iova, uint64_t pa, uint64_t flags)
{
    set_l1(c, L1_TABLE, iova, L2_TABLE | PTE_VALID);
    set_l2(c, L2_TABLE, iova, leaf(pa, flags));
}

static void assert_fault(Ctx *c, uint32_t code, uint64_t iova)
{
    uint32_t err = dart_rd(c, ERROR);

    g_assert_cmphex(err & ERROR_FLAG, ==, ERROR_FLAG);
    g_assert_cmphex(ERROR_CODE(err), ==, code);
    g_assert_cmpuint(ERROR_STREAM(err), ==, SID);
    g_assert_cmphex(dart_rd(c, ERROR_ADDR_LO), ==, (uint32_t)iova);
    g_assert_cmphex(dart_rd(c, ERROR_ADDR_HI), ==, iova >> 32);
    g_assert_true(dart_irq(c));

    /* write-1-to-clear, as Linux's handler does */
    dart_wr(c, ERROR, err);
    g_assert_cmphex(dart_rd(c, ERROR), ==, 0);
    g_assert_false(dart_irq(c));
}

static void assert_no_fault(Ctx *c)
{
    g_assert_cmphex(dart_rd(c, ERROR), ==, 0);
    g_assert_false(dart_irq(c));
}

static void assert_reset_state(Ctx *c)
{
    g_assert_cmphex(dart_rd(c, PARAMS1), ==, 14 << 24);
    g_assert_cmphex(dart_rd(c, PARAMS2), ==, 1);
    g_assert_cmphex(dart_rd(c, STREAM_COMMAND), ==, 0);
    g_assert_cmphex(dart_rd(c, STREAM_SELECT), ==, 0);
    g_assert_cmphex(dart_rd(c, ERROR), ==, 0);
    g_assert_cmphex(dart_rd(c, ERROR_ADDR_LO), ==, 0);
    g_assert_cmphex(dart_rd(c, ERROR_ADDR_HI), ==, 0);
    g_assert_cmphex(dart_rd(c, CONFIG), ==, 0);
    g_assert_cmphex(dart_rd(c, STREAMS_ENABLE), ==, 0xffff);
    for (int sid = 0; sid < 16; sid++) {
        g_assert_cmphex(dart_rd(c, TCR(sid)), ==, 0);
        for (int i = 0; i < 4; i++) {
            g_assert_cmphex(dart_rd(c, TTBR(sid, i)), ==, 0);
        }
    }
    g_assert_false(dart_irq(c));
}

static void test_reset_values(void)
{
    Ctx c;

    ctx_start(&c, NULL);
    assert_reset_state(&c);
    ctx_stop(&c);
}

static void test_params_4k(void)
{
    Ctx c;

    ctx_start(&c, "-global apple-dart-t8103.page-size=4096");
    g_assert_cmphex(dart_rd(&c, PARAMS1), ==, 12 << 24);
    ctx_stop(&c);
}

static void test_write_masks(void)
{
    Ctx c;

    ctx_start(&c, NULL);
    dart_wr(&c, TCR(5), 0xffffffff);
    g_assert_cmphex(dart_rd(&c, TCR(5)), ==, 0x1180);
    dart_wr(&c, TTBR(5, 2), 0xffffffff);
    g_assert_cmphex(dart_rd(&c, TTBR(5, 2)), ==, 0xffffffff);
    dart_wr(&c, STREAM_SELECT, 0xffffffff);
    g_assert_cmphex(dart_rd(&c, STREAM_SELECT), ==, 0xffff);
    dart_wr(&c, STREAMS_ENABLE, 0xffff0f0f);
    g_assert_cmphex(dart_rd(&c, STREAMS_ENABLE), ==, 0x0f0f);

    /* read-only registers */
    dart_wr(&c, PARAMS1, 0);
    dart_wr(&c, PARAMS2, 0);
    dart_wr(&c, ERROR_ADDR_LO, 0x1234);
    g_assert_cmphex(dart_rd(&c, PARAMS1), ==, 14 << 24);
    g_assert_cmphex(dart_rd(&c, PARAMS2), ==, 1);
    g_assert_cmphex(dart_rd(&c, ERROR_ADDR_LO), ==, 0);

    /* ERROR is write-1-to-clear: writing to it never sets a fault */
    dart_wr(&c, ERROR, 0xffffffff);
    assert_no_fault(&c);

    /* unknown offsets, and TCR/TTBR slots of streams that do not exist */
    dart_wr(&c, 0x3000, 0xdeadbeef);
    g_assert_cmphex(dart_rd(&c, 0x3000), ==, 0);
    dart_wr(&c, TCR(16), 0xffffffff);
    g_assert_cmphex(dart_rd(&c, TCR(16)), ==, 0);
    dart_wr(&c, 0x3ffc, 1);
    g_assert_cmphex(dart_rd(&c, 0x3ffc), ==, 0);

    /* byte and halfword accesses are refused by the bus */
    qtest_writeb(c.qts, DART_BASE + TCR(6), 0x80);
    qtest_writew(c.qts, DART_BASE + TCR(6), 0x80);
    qtest_readb(c.qts, DART_BASE + PARAMS1 + 3);
    g_assert_cmphex(dart_rd(&c, TCR(6)), ==, 0);
    g_assert_cmphex(dart_rd(&c, PARAMS1), ==, 14 << 24);
    /* a 64-bit access is two 32-bit ones */
    qtest_writeq(c.qts, DART_BASE + TCR(6), 0x80 | (0x1100ULL << 32));
    g_assert_cmphex(dart_rd(&c, TCR(6)), ==, 0x80);
    g_assert_cmphex(dart_rd(&c, TCR(7)), ==, 0x1100);
    g_assert_cmphex(qtest_readq(c.qts, DART_BASE + PARAMS1), ==,
                    (1ULL << 32) | (14 << 24));
    ctx_stop(&c);
}

static void test_dma_translated(void)
{
    Ctx c;
    const uint64_t src = 0x4000, dst = 0x2008000;   /* second L1 entry */

    ctx_start(&c, NULL);
    attach_translated(&c, SID);
    qtest_memset(c.qts, L2_TABLE_B, 0, PAGE_SIZE);
    map(&c, src, BUF_A, 0);
    set_l1(&c, L1_TABLE, dst, L2_TABLE_B | PTE_VALID);
    set_l2(&c, L2_TABLE_B, dst, leaf(BUF_B, 0));
    invalidate(&c, BIT(SID));

    fill(&c, BUF_A + 0x100, 0x40);
    qtest_memset(c.qts, BUF_B, 0, PAGE_SIZE);
    dma_copy(&c, src + 0x100, dst + 0x200);
    g_assert_true(holds(&c, BUF_B + 0x200, 0x40));
    assert_no_fault(&c);
    g_assert_cmpuint(dart_stat(&c, "stat-walks"), >=, 2);
    ctx_stop(&c);
}

/* 4 KiB pages: the TTBR comes from iova[31:30], then two 9-bit levels. */
static void test_dma_4k_pages(void)
{
    Ctx c;
    const uint64_t src = 0x1000;            /* TTBR 0, L1 0, L2 1 */
    const uint64_t dst = 0x40003000;        /* TTBR 1, L1 0, L2 3 */

    ctx_start(&c, "-global apple-dart-t8103.page-size=4096");
    qtest_memset(c.qts, L1_TABLE, 0, 0x1000);
    qtest_memset(c.qts, L2_TABLE, 0, 0x1000);
    dart_wr(&c, TTBR(SID, 0), TTBR_VALID | (L1_TABLE >> 12));
    dart_wr(&c, TTBR(SID, 1), TTBR_VALID | (L1_TABLE >> 12));
    qtest_writeq(c.qts, L1_TABLE, L2_TABLE | PTE_VALID);
    qtest_writeq(c.qts, L2_TABLE + 8 * 1, leaf(BUF_A + 0x1000, 0));
    qtest_writeq(c.qts, L2_TABLE + 8 * 3, leaf(BUF_B + 0x3000, 0));
    dart_wr(&c, TCR(SID), TCR_TRANSLATE);
    invalidate(&c, BIT(SID));

    fill(&c, BUF_A + 0x1010, 0x11);
    qtest_memset(c.qts, BUF_B, 0, PAGE_SIZE);
    dma_copy(&c, src + 0x10, dst + 0x20);
    g_assert_true(holds(&c, BUF_B + 0x3020, 0x11));
    assert_no_fault(&c);

    /* TTBR 2 is not valid */
    dma_from(&c, 0x80000000);
    assert_fault(&c, ERR_NO_TTBR, 0x80000000);
    ctx_stop(&c);
}

static void test_fault_no_ttbr(void)
{
    Ctx c;

    ctx_start(&c, NULL);
    dart_wr(&c, TCR(SID), TCR_TRANSLATE);
    dma_from(&c, 0x4000);
    assert_fault(&c, ERR_NO_TTBR, 0x4000);
    /* an IOVA beyond what the TTBRs cover */
    attach_translated(&c, SID);
    dma_from(&c, 0x1000000000ULL * 4 + 0x8000);
    assert_fault(&c, ERR_NO_TTBR, 0x4000008000ULL);
    ctx_stop(&c);
}

static void test_fault_no_pmd(void)
{
    Ctx c;

    ctx_start(&c, NULL);
    attach_translated(&c, SID);
    dma_from(&c, 0x2004000);
    assert_fault(&c, ERR_NO_PMD, 0x2004000);
    ctx_stop(&c);
}

static void test_fault_no_pte(void)
{
    Ctx c;

    ctx_start(&c, NULL);
    attach_translated(&c, SID);
    set_l1(&c, L1_TABLE, 0x4000, L2_TABLE | PTE_VALID);
    dma_to(&c, 0xc040);
    assert_fault(&c, ERR_NO_PTE, 0xc040);
    ctx_stop(&c);
}

static void test_fault_permissions(void)
{
    Ctx c;

    ctx_start(&c, NULL);
    attach_translated(&c, SID);
    map(&c, 0x4000, BUF_A, PTE_NO_READ);
    map(&c, 0x8000, BUF_B, PTE_NO_WRITE);
    fill(&c, BUF_A, 0x20);
    fill(&c, BUF_C, 0x60);
    qtest_memset(c.qts, BUF_B, 0, PAGE_SIZE);

    /* a write-only page cannot be read */
    dma_from(&c, 0x4000);
    assert_fault(&c, ERR_READ, 0x4000);

    /* a read-only page can be read but not written */
    dma_from(&c, 0x8000);
    assert_no_fault(&c);
    dma_to(&c, 0x8000);
    assert_fault(&c, ERR_WRITE, 0x8000);
    g_assert_false(holds(&c, BUF_B, 0));
    qtest_memset(c.qts, BUF_A, 0, XFER);
    dma_to(&c, 0x4000);             /* write-only page: the write lands */
    assert_no_fault(&c);
    ctx_stop(&c);
}

static void test_subpage(void)
{
    Ctx c;
    /* allow only units 0x100..0x1ff: bytes 0x400..0x7ff of a 16K page */
    uint64_t pte = BUF_B | PTE_VALID | (0x100ULL << 52) | (0x1ffULL << 40);

    ctx_start(&c, NULL);
    attach_translated(&c, SID);
    set_l1(&c, L1_TABLE, 0x4000, L2_TABLE | PTE_VALID);
    set_l2(&c, L2_TABLE, 0x4000, pte);
    invalidate(&c, BIT(SID));
    map(&c, 0x8000, BUF_C, 0);
    invalidate(&c, BIT(SID));
    fill(&c, BUF_B + 0x400, 0x33);
    qtest_memset(c.qts, BUF_C, 0, PAGE_SIZE);
    dma_copy(&c, 0x4400, 0x8000);
    g_assert_true(holds(&c, BUF_C, 0x33));
    assert_no_fault(&c);
    dma_to(&c, 0x4000);
    assert_fault(&c, ERR_SUBPAGE, 0x4000);
    dma_from(&c, 0x4800);
    assert_fault(&c, ERR_SUBPAGE, 0x4800);
    ctx_stop(&c);
}

static void test_bypass(void)
{
    Ctx c;

    ctx_start(&c, NULL);
    dart_wr(&c, TCR(SID), TCR_BYPASS);
    fill(&c, BUF_A, 0x51);
    qtest_memset(c.qts, BUF_B, 0, PAGE_SIZE);
    dma_copy(&c, BUF_A, BUF_B);
    g_assert_true(holds(&c, BUF_B, 0x51));
    assert_no_fault(&c);
    ctx_stop(&c);
}

/* Load edu's buffer with a known pattern through a translated stream. */
static void load_edu(Ctx *c, uint8_t seed)
{
    attach_translated(c, SID);
    map(c, 0x4000, BUF_A, 0);
    invalidate(c, BIT(SID));
    fill(c, BUF_A, seed);
    dma_from(c, 0x4000);
    assert_no_fault(c);
}

static void test_bypass_unsupported(void)
{
    Ctx c;

    ctx_start(&c, "-global apple-dart-t8103.bypass=off");
    g_assert_cmphex(dart_rd(&c, PARAMS2), ==, 0);
    load_edu(&c, 0x51);
    dart_wr(&c, TCR(SID), TCR_BYPASS);
    qtest_memset(c.qts, BUF_B, 0, PAGE_SIZE);
    dma_to(&c, BUF_B);
    g_assert_cmphex(qtest_readq(c.qts, BUF_B), ==, 0);
    assert_no_fault(&c);
    ctx_stop(&c);
}

static void test_blocked(void)
{
    Ctx c;

    ctx_start(&c, NULL);
    load_edu(&c, 0x61);
    /* TCR 0 with valid tables, Linux's blocked domain: nothing passes */
    map(&c, 0x8000, BUF_B, 0);
    invalidate(&c, BIT(SID));
    dart_wr(&c, TCR(SID), 0);
    qtest_memset(c.qts, BUF_B, 0, PAGE_SIZE);
    dma_to(&c, 0x8000);
    dma_to(&c, BUF_B);
    g_assert_cmphex(qtest_readq(c.qts, BUF_B), ==, 0);
    assert_no_fault(&c);
    ctx_stop(&c);
}

static void test_disabled_stream(void)
{
    Ctx c;

    ctx_start(&c, NULL);
    load_edu(&c, 0x71);
    map(&c, 0x8000, BUF_B, 0);
    qtest_memset(c.qts, BUF_B, 0, PAGE_SIZE);
    dart_wr(&c, STREAMS_ENABLE, 0xffff & ~BIT(SID));
    dma_to(&c, 0x8000);
    g_assert_cmphex(qtest_readq(c.qts, BUF_B), ==, 0);
    dart_wr(&c, STREAMS_ENABLE, 0xffff);
    dma_to(&c, 0x8000);
    g_assert_true(holds(&c, BUF_B, 0x71));
    assert_no_fault(&c);
    ctx_stop(&c);
}

/* Table edits take effect only once the stream is invalidated. */
static void test_stale_tlb(void)
{
    Ctx c;

    ctx_start(&c, NULL);
    attach_translated(&c, SID);
    map(&c, 0x4000, BUF_A, 0);
    map(&c, 0x8000, BUF_B, 0);
    fill(&c, BUF_A, 0x01);
    fill(&c, BUF_C, 0x02);
    qtest_memset(c.qts, BUF_B, 0, PAGE_SIZE);
    dma_copy(&c, 0x4000, 0x8000);
    g_assert_true(holds(&c, BUF_B, 0x01));

    /* repoint 0x4000 at C without invalidating: A is still read */
    set_l2(&c, L2_TABLE, 0x4000, leaf(BUF_C, 0));
    dma_copy(&c, 0x4000, 0x8000);
    g_assert_true(holds(&c, BUF_B, 0x01));

    /* unmap 0x8000: the stale entry keeps the write going to B */
    set_l2(&c, L2_TABLE, 0x8000, 0);
    fill(&c, BUF_A, 0x03);
    dma_from(&c, 0x4000);
    g_assert_true(holds(&c, BUF_B, 0x01));

    /* invalidating another stream changes nothing */
    invalidate(&c, BIT(SID + 1) | BIT(0));
    dma_from(&c, 0x4000);
    dma_to(&c, 0x8000);
    g_assert_true(holds(&c, BUF_B, 0x03));
    assert_no_fault(&c);

    /* invalidating ours: reads come from C, the write faults */
    invalidate(&c, BIT(SID));
    fill(&c, BUF_C, 0x04);
    dma_from(&c, 0x4000);
    qtest_memset(c.qts, BUF_B, 0, PAGE_SIZE);
    dma_to(&c, 0x8000);
    assert_fault(&c, ERR_NO_PTE, 0x8000);
    g_assert_false(holds(&c, BUF_B, 0x04));
    set_l2(&c, L2_TABLE, 0x8000, leaf(BUF_B, 0));
    invalidate(&c, BIT(SID));
    dma_to(&c, 0x8000);
    g_assert_true(holds(&c, BUF_B, 0x04));
    g_assert_cmpuint(dart_stat(&c, "stat-tlb-hits"), >, 0);
    ctx_stop(&c);
}

static void test_system_reset(void)
{
    Ctx c;

    ctx_start(&c, NULL);
    load_edu(&c, 0x21);
    map(&c, 0x8000, BUF_B, 0);
    qtest_memset(c.qts, BUF_B, 0, PAGE_SIZE);
    qtest_memset(c.qts, BUF_C, 0, PAGE_SIZE);
    dma_to(&c, 0x8000);                         /* caches 0x8000 -> B */
    g_assert_true(holds(&c, BUF_B, 0x21));
    dma_from(&c, 0xc000);                       /* latches a fault */
    set_l2(&c, L2_TABLE, 0x8000, leaf(BUF_C, 0));  /* no invalidate */
    dart_wr(&c, STREAM_SELECT, 0x00ff);
    dart_wr(&c, STREAMS_ENABLE, 0x0ff0);
    dart_wr(&c, TCR(1), TCR_BYPASS);
    dart_wr(&c, TTBR(2, 3), TTBR_VALID | 0x1234);
    dart_wr(&c, CONFIG, CONFIG_LOCK);
    g_assert_true(dart_irq(&c));

    qtest_system_reset(c.qts);
    assert_reset_state(&c);
    /* the reset cleared edu's BAR and bus mastering too */
    apple_dart_edu_enable(&c.edu);

    /* the cached 0x8000 -> B is gone: the table now says C */
    dart_wr(&c, TTBR(SID, 0), TTBR_VALID | (L1_TABLE >> 12));
    dart_wr(&c, TCR(SID), TCR_TRANSLATE);
    dma_from(&c, 0x4000);
    dma_to(&c, 0x8000);
    g_assert_true(holds(&c, BUF_C, 0x21));
    g_assert_cmphex(qtest_readq(c.qts, BUF_B + XFER), ==, 0);
    assert_no_fault(&c);
    ctx_stop(&c);
}

static void test_lock(void)
{
    Ctx c;

    ctx_start(&c, NULL);
    attach_translated(&c, SID);
    map(&c, 0x4000, BUF_A, 0);
    map(&c, 0x8000, BUF_B, 0);
    dart_wr(&c, CONFIG, CONFIG_LOCK);
    g_assert_cmphex(dart_rd(&c, CONFIG), ==, CONFIG_LOCK);

    /* TCR and TTBR are frozen on every stream; nothing unlocks */
    for (int sid = 0; sid < 16; sid++) {
        dart_wr(&c, TCR(sid), TCR_BYPASS);
        dart_wr(&c, TTBR(sid, 0), TTBR_VALID | 0x42);
    }
    dart_wr(&c, CONFIG, 0);
    g_assert_cmphex(dart_rd(&c, CONFIG), ==, CONFIG_LOCK);
    g_assert_cmphex(dart_rd(&c, TCR(SID)), ==, TCR_TRANSLATE);
    g_assert_cmphex(dart_rd(&c, TTBR(SID, 0)), ==,
                    TTBR_VALID | (L1_TABLE >> 12));
    g_assert_cmphex(dart_rd(&c, TCR(0)), ==, 0);
    g_assert_cmphex(dart_rd(&c, TTBR(0, 0)), ==, 0);

    /* the tables are still memory, used once invalidated */
    fill(&c, BUF_A, 0x31);
    qtest_memset(c.qts, BUF_B, 0, PAGE_SIZE);
    dma_copy(&c, 0x4000, 0x8000);
    g_assert_true(holds(&c, BUF_B, 0x31));
    set_l2(&c, L2_TABLE, 0x8000, 0);
    invalidate(&c, BIT(SID));
    dma_to(&c, 0x8000);
    assert_fault(&c, ERR_NO_PTE, 0x8000);
    ctx_stop(&c);
}

static void test_bad_tables(void)
{
    Ctx c;

    ctx_start(&c, NULL);

    /* TTBR pointing outside RAM: the L1 fetch fails */
    dart_wr(&c, TTBR(SID, 0), TTBR_VALID | (OUTSIDE_RAM >> 12));
    dart_wr(&c, TCR(SID), TCR_TRANSLATE);
    invalidate(&c, BIT(SID));
    dma_from(&c, 0x4000);
    assert_fault(&c, ERR_NO_PMD, 0x4000);

    /* L1 entry pointing outside RAM */
    attach_translated(&c, SID);
    set_l1(&c, L1_TABLE, 0x4000, OUTSIDE_RAM | PTE_VALID);
    dma_from(&c, 0x4000);
    assert_fault(&c, ERR_NO_PTE, 0x4000);

    /* leaf pointing outside RAM: translated, the access goes nowhere */
    map(&c, 0x4000, OUTSIDE_RAM, 0);
    invalidate(&c, BIT(SID));
    dma_to(&c, 0x4000);
    assert_no_fault(&c);

    /* a table that points at itself: its entries are taken as leaves */
    set_l1(&c, L1_TABLE, 0, L1_TABLE | PTE_VALID);
    invalidate(&c, BIT(SID));
    dma_from(&c, 0);
    dma_to(&c, 0x100);
    g_assert_cmphex(dart_rd(&c, PARAMS1), ==, 14 << 24);

    /* every stream at once, and a TTBR with all bits set */
    dart_wr(&c, TTBR(SID, 0), 0xffffffff);
    invalidate(&c, 0xffffffff);
    dma_from(&c, 0x4000);
    g_assert_cmphex(dart_rd(&c, ERROR) & ERROR_FLAG, ==, ERROR_FLAG);
    dart_wr(&c, ERROR, 0xffffffff);
    ctx_stop(&c);
}

static void test_fault_flood(void)
{
    Ctx c;
    uint64_t before;

    ctx_start(&c, NULL);
    attach_translated(&c, SID);
    before = dart_stat(&c, "stat-faults");
    for (int i = 0; i < 50; i++) {
        dma_from(&c, 0x4000 + i * PAGE_SIZE);
    }
    /* the first fault stays latched; the rest are counted */
    g_assert_cmphex(dart_rd(&c, ERROR_ADDR_LO), ==, 0x4000);
    g_assert_cmpuint(dart_stat(&c, "stat-faults") - before, >=, 50);
    assert_fault(&c, ERR_NO_PMD, 0x4000);
    dma_from(&c, 0x8000);
    assert_fault(&c, ERR_NO_PMD, 0x8000);
    ctx_stop(&c);
}

/* A bad option stops QEMU at once with a one-line error. */
static void test_bad_options(void)
{
    static const struct {
        const char *args;
        const char *error;
        bool one_line;          /* our own errors are one line */
    } cases[] = {
        { "-global apple-dart-t8103.page-size=8192",
          "page-size must be 4096 or 16384", true },
        { "-global apple-dart-t8103.page-size=abc", "page-size", true },
        { "-global apple-dart-t8103.bypass=maybe", "bypass", true },
        { "-cpu cortex-a57", "Invalid CPU model", false },
    };

    for (int i = 0; i < ARRAY_SIZE(cases); i++) {
        g_autofree char *args = g_strdup_printf("-M apple-virt %s",
                                                cases[i].args);

        apple_dart_assert_bad_option(args, cases[i].error,
                                     cases[i].one_line);
    }
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);

    qtest_add_func("/apple-dart/t8103/reset-values", test_reset_values);
    qtest_add_func("/apple-dart/t8103/params-4k", test_params_4k);
    qtest_add_func("/apple-dart/t8103/write-masks", test_write_masks);
    qtest_add_func("/apple-dart/t8103/dma-translated", test_dma_translated);
    qtest_add_func("/apple-dart/t8103/dma-4k-pages", test_dma_4k_pages);
    qtest_add_func("/apple-dart/t8103/fault-no-ttbr", test_fault_no_ttbr);
    qtest_add_func("/apple-dart/t8103/fault-no-pmd", test_fault_no_pmd);
    qtest_add_func("/apple-dart/t8103/fault-no-pte", test_fault_no_pte);
    qtest_add_func("/apple-dart/t8103/fault-permissions",
                   test_fault_permissions);
    qtest_add_func("/apple-dart/t8103/subpage", test_subpage);
    qtest_add_func("/apple-dart/t8103/bypass", test_bypass);
    qtest_add_func("/apple-dart/t8103/bypass-unsupported",
                   test_bypass_unsupported);
    qtest_add_func("/apple-dart/t8103/blocked", test_blocked);
    qtest_add_func("/apple-dart/t8103/disabled-stream", test_disabled_stream);
    qtest_add_func("/apple-dart/t8103/stale-tlb", test_stale_tlb);
    qtest_add_func("/apple-dart/t8103/system-reset", test_system_reset);
    qtest_add_func("/apple-dart/t8103/lock", test_lock);
    qtest_add_func("/apple-dart/t8103/bad-tables", test_bad_tables);
    qtest_add_func("/apple-dart/t8103/fault-flood", test_fault_flood);
    qtest_add_func("/apple-dart/t8103/bad-options", test_bad_options);

    return g_test_run();
}
