/*
 * QTest for the Apple DART IOMMU on the apple-virt machine: the t8103
 * DART in detail
 *
 * Copyright (c) 2026 The apple-dart QEMU model authors
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 *
 * QEMU's "edu" PCI device is the DMA master: it sits in slot 3 of the
 * root bus, which apple-virt routes through stream 3 of its PCIe DART.
 * Every DMA test checks the bytes that arrived (or did not), the DART's
 * ERROR registers and its interrupt line. What every generation does is
 * tested for all of them in apple-dart-variants-test.c.
 */

#include "qemu/osdep.h"
#include "apple-dart-qtest.h"

#define SID                 ADT_SID
#define BUF_A               ADT_BUF_A
#define BUF_B               ADT_BUF_B
#define BUF_C               ADT_BUF_C
#define PAGE_4K             "-global apple-dart-t8103.page-size=4096"

static uint32_t params1(unsigned page_shift)
{
    return FIELD_DP32(0, PARAMS1, PAGE_SHIFT, page_shift);
}

static uint64_t leaf(AppleDartTest *c, uint64_t pa)
{
    return adt_leaf(c, pa, false, false);
}

static void assert_reset_state(AppleDartTest *c)
{
    g_assert_cmphex(adt_rd(c, A_PARAMS1), ==, params1(14));
    g_assert_cmphex(adt_rd(c, A_PARAMS2), ==,
                    R_PARAMS2_BYPASS_SUPPORT_MASK);
    g_assert_cmphex(adt_rd(c, A_T8020_STREAM_COMMAND), ==, 0);
    g_assert_cmphex(adt_rd(c, A_T8020_STREAM_SELECT), ==, 0);
    g_assert_cmphex(adt_rd(c, A_T8020_ERROR), ==, 0);
    g_assert_cmphex(adt_rd(c, A_T8020_ERROR_ADDR_LO), ==, 0);
    g_assert_cmphex(adt_rd(c, A_T8020_ERROR_ADDR_HI), ==, 0);
    g_assert_cmphex(adt_rd(c, A_T8020_CONFIG), ==, 0);
    g_assert_cmphex(adt_rd(c, A_T8020_STREAMS_ENABLE), ==, 0xffff);
    adt_assert_streams_reset(c);
    g_assert_false(adt_irq(c));
}

static void test_reset_values(AppleDartTest *c)
{
    assert_reset_state(c);
}

static void test_params_4k(AppleDartTest *c)
{
    g_assert_cmphex(adt_rd(c, A_PARAMS1), ==, params1(12));
}

static void test_write_masks(AppleDartTest *c)
{
    uint32_t translate = c->regs->tcr_translate;
    uint32_t bypass = c->regs->tcr_bypass;

    adt_wr(c, adt_tcr(c, 5), 0xffffffff);
    g_assert_cmphex(adt_rd(c, adt_tcr(c, 5)), ==, c->regs->tcr_writable);
    adt_wr(c, adt_ttbr(c, 5, 2), 0xffffffff);
    g_assert_cmphex(adt_rd(c, adt_ttbr(c, 5, 2)), ==, 0xffffffff);
    adt_wr(c, A_T8020_STREAM_SELECT, 0xffffffff);
    g_assert_cmphex(adt_rd(c, A_T8020_STREAM_SELECT), ==, 0xffff);
    adt_wr(c, A_T8020_STREAMS_ENABLE, 0xffff0f0f);
    g_assert_cmphex(adt_rd(c, A_T8020_STREAMS_ENABLE), ==, 0x0f0f);

    /* read-only registers */
    adt_wr(c, A_PARAMS1, 0);
    adt_wr(c, A_PARAMS2, 0);
    adt_wr(c, A_T8020_ERROR_ADDR_LO, 0x1234);
    g_assert_cmphex(adt_rd(c, A_PARAMS1), ==, params1(14));
    g_assert_cmphex(adt_rd(c, A_PARAMS2), ==, 1);
    g_assert_cmphex(adt_rd(c, A_T8020_ERROR_ADDR_LO), ==, 0);

    /* ERROR is write-1-to-clear: writing to it never sets a fault */
    adt_wr(c, A_T8020_ERROR, 0xffffffff);
    adt_assert_no_fault(c);

    /* unknown offsets, and TCR/TTBR slots of streams that do not exist */
    adt_wr(c, 0x3000, 0xdeadbeef);
    g_assert_cmphex(adt_rd(c, 0x3000), ==, 0);
    adt_wr(c, adt_tcr(c, 16), 0xffffffff);
    g_assert_cmphex(adt_rd(c, adt_tcr(c, 16)), ==, 0);
    adt_wr(c, 0x3ffc, 1);
    g_assert_cmphex(adt_rd(c, 0x3ffc), ==, 0);

    /* byte and halfword accesses are refused by the bus */
    qtest_writeb(c->qts, c->dart + adt_tcr(c, 6), translate);
    qtest_writew(c->qts, c->dart + adt_tcr(c, 6), translate);
    qtest_readb(c->qts, c->dart + A_PARAMS1 + 3);
    g_assert_cmphex(adt_rd(c, adt_tcr(c, 6)), ==, 0);
    g_assert_cmphex(adt_rd(c, A_PARAMS1), ==, params1(14));
    /* a 64-bit access is two 32-bit ones */
    qtest_writeq(c->qts, c->dart + adt_tcr(c, 6),
                 translate | (uint64_t)bypass << 32);
    g_assert_cmphex(adt_rd(c, adt_tcr(c, 6)), ==, translate);
    g_assert_cmphex(adt_rd(c, adt_tcr(c, 7)), ==, bypass);
    g_assert_cmphex(qtest_readq(c->qts, c->dart + A_PARAMS1), ==,
                    (1ULL << 32) | params1(14));
}

static void test_dma_translated(AppleDartTest *c)
{
    const uint64_t src = 0x4000, dst = 0x2008000;   /* second L1 entry */
    uint64_t top = adt_attach(c, SID);

    adt_map(c, top, src, leaf(c, BUF_A));
    adt_map(c, top, dst, leaf(c, BUF_B));
    g_assert_cmpuint(c->tables, ==, 3);              /* L1 and two L2 */
    adt_flush(c, SID);

    adt_fill(c, BUF_A + 0x100, 0x40);
    adt_zero(c, BUF_B, adt_page_size(c));
    adt_dma_copy(c, src + 0x100, dst + 0x200);
    g_assert_true(adt_holds(c, BUF_B + 0x200, 0x40));
    adt_assert_no_fault(c);
    g_assert_cmpuint(adt_stat(c, "stat-walks"), >=, 2);
}

/* 4 KiB pages: the TTBR comes from iova[31:30], then two 9-bit levels. */
static void test_dma_4k_pages(AppleDartTest *c)
{
    const uint64_t src = 0x1000;            /* TTBR 0, L1 0, L2 1 */
    const uint64_t dst = 0x40003000;        /* TTBR 1, L1 0, L2 3 */
    uint64_t top;

    c->geo.page_shift = 12;                 /* as PAGE_4K made it */
    g_assert_cmpuint(apple_dart_ttbr_index(&c->geo, dst), ==, 1);
    g_assert_cmpuint(apple_dart_pt_index(&c->geo, dst, 1), ==, 0);
    g_assert_cmpuint(apple_dart_pt_index(&c->geo, dst, 0), ==, 3);
    top = adt_attach(c, SID);
    adt_set_ttbr(c, SID, 1, top);          /* the same tables */
    adt_map(c, top, src, leaf(c, BUF_A + 0x1000));
    adt_map(c, top, dst, leaf(c, BUF_B + 0x3000));
    adt_flush(c, SID);

    adt_fill(c, BUF_A + 0x1010, 0x11);
    adt_zero(c, BUF_B, 0x4000);
    adt_dma_copy(c, src + 0x10, dst + 0x20);
    g_assert_true(adt_holds(c, BUF_B + 0x3020, 0x11));
    adt_assert_no_fault(c);

    /* TTBR 2 is not valid */
    adt_dma_from(c, 0x80000000);
    adt_assert_fault(c, APPLE_DART_FAULT_NO_TTBR, SID, 0x80000000);
}

static void test_fault_no_ttbr(AppleDartTest *c)
{
    adt_wr(c, adt_tcr(c, SID), apple_dart_tcr_translate(&c->geo));
    adt_dma_from(c, 0x4000);
    adt_assert_fault(c, APPLE_DART_FAULT_NO_TTBR, SID, 0x4000);
    /* an IOVA beyond what the TTBRs cover */
    adt_attach(c, SID);
    adt_dma_from(c, 0x1000000000ULL * 4 + 0x8000);
    adt_assert_fault(c, APPLE_DART_FAULT_NO_TTBR, SID, 0x4000008000ULL);
}

static void test_fault_no_pmd(AppleDartTest *c)
{
    adt_attach(c, SID);
    adt_dma_from(c, 0x2004000);
    adt_assert_fault(c, APPLE_DART_FAULT_NO_PMD, SID, 0x2004000);
}

static void test_fault_no_pte(AppleDartTest *c)
{
    uint64_t top = adt_attach(c, SID);

    adt_map(c, top, 0x4000, 0);            /* an empty L2 table */
    adt_dma_to(c, 0xc040);
    adt_assert_fault(c, APPLE_DART_FAULT_NO_PTE, SID, 0xc040);
}

static void test_fault_permissions(AppleDartTest *c)
{
    uint64_t top = adt_attach(c, SID);

    adt_map(c, top, 0x4000, adt_leaf(c, BUF_A, true, false));
    adt_map(c, top, 0x8000, adt_leaf(c, BUF_B, false, true));
    adt_fill(c, BUF_A, 0x20);
    adt_fill(c, BUF_C, 0x60);
    adt_zero(c, BUF_B, adt_page_size(c));

    /* a write-only page cannot be read */
    adt_dma_from(c, 0x4000);
    adt_assert_fault(c, APPLE_DART_FAULT_READ, SID, 0x4000);

    /* a read-only page can be read but not written */
    adt_dma_from(c, 0x8000);
    adt_assert_no_fault(c);
    adt_dma_to(c, 0x8000);
    adt_assert_fault(c, APPLE_DART_FAULT_WRITE, SID, 0x8000);
    g_assert_false(adt_holds(c, BUF_B, 0));
    adt_zero(c, BUF_A, ADT_XFER);
    adt_dma_to(c, 0x4000);             /* write-only page: the write lands */
    adt_assert_no_fault(c);
}

static void test_subpage(AppleDartTest *c)
{
    uint64_t top = adt_attach(c, SID);

    /* allow only units 0x100..0x1ff: bytes 0x400..0x7ff of a 16K page */
    adt_map(c, top, 0x4000, adt_subpage_leaf(c, BUF_B, 0x100, 0x1ff));
    adt_flush(c, SID);
    adt_map(c, top, 0x8000, leaf(c, BUF_C));
    adt_flush(c, SID);
    adt_fill(c, BUF_B + 0x400, 0x33);
    adt_zero(c, BUF_C, adt_page_size(c));
    adt_dma_copy(c, 0x4400, 0x8000);
    g_assert_true(adt_holds(c, BUF_C, 0x33));
    adt_assert_no_fault(c);
    adt_dma_to(c, 0x4000);
    adt_assert_fault(c, APPLE_DART_FAULT_SUBPAGE, SID, 0x4000);
    adt_dma_from(c, 0x4800);
    adt_assert_fault(c, APPLE_DART_FAULT_SUBPAGE, SID, 0x4800);
}

static void test_bypass(AppleDartTest *c)
{
    adt_wr(c, adt_tcr(c, SID), c->regs->tcr_bypass);
    adt_fill(c, BUF_A, 0x51);
    adt_zero(c, BUF_B, adt_page_size(c));
    adt_dma_copy(c, BUF_A, BUF_B);
    g_assert_true(adt_holds(c, BUF_B, 0x51));
    adt_assert_no_fault(c);
}

static void test_bypass_unsupported(AppleDartTest *c)
{
    g_assert_cmphex(adt_rd(c, A_PARAMS2), ==, 0);
    adt_load_edu(c, 0x51);
    adt_wr(c, adt_tcr(c, SID), c->regs->tcr_bypass);
    adt_zero(c, BUF_B, adt_page_size(c));
    adt_dma_to(c, BUF_B);
    g_assert_cmphex(qtest_readq(c->qts, BUF_B), ==, 0);
    adt_assert_no_fault(c);
}

static void test_blocked(AppleDartTest *c)
{
    adt_load_edu(c, 0x61);
    /* TCR 0 with valid tables, Linux's blocked domain: nothing passes */
    adt_wr(c, adt_tcr(c, SID), 0);
    adt_zero(c, BUF_B, adt_page_size(c));
    adt_dma_to(c, 0x8000);
    adt_dma_to(c, BUF_B);
    g_assert_cmphex(qtest_readq(c->qts, BUF_B), ==, 0);
    adt_assert_no_fault(c);
}

static void test_disabled_stream(AppleDartTest *c)
{
    adt_load_edu(c, 0x71);
    adt_zero(c, BUF_B, adt_page_size(c));
    adt_wr(c, A_T8020_STREAMS_ENABLE, 0xffff & ~BIT(SID));
    adt_dma_to(c, 0x8000);
    g_assert_cmphex(qtest_readq(c->qts, BUF_B), ==, 0);
    adt_wr(c, A_T8020_STREAMS_ENABLE, 0xffff);
    adt_dma_to(c, 0x8000);
    g_assert_true(adt_holds(c, BUF_B, 0x71));
    adt_assert_no_fault(c);
}

/* Table edits take effect only once the stream is invalidated. */
static void test_stale_tlb(AppleDartTest *c)
{
    uint64_t top = adt_attach_ab(c);

    adt_fill(c, BUF_A, 0x01);
    adt_fill(c, BUF_C, 0x02);
    adt_zero(c, BUF_B, adt_page_size(c));
    adt_dma_copy(c, 0x4000, 0x8000);
    g_assert_true(adt_holds(c, BUF_B, 0x01));

    /* repoint 0x4000 at C without invalidating: A is still read */
    adt_map(c, top, 0x4000, leaf(c, BUF_C));
    adt_dma_copy(c, 0x4000, 0x8000);
    g_assert_true(adt_holds(c, BUF_B, 0x01));

    /* unmap 0x8000: the stale entry keeps the write going to B */
    adt_map(c, top, 0x8000, 0);
    adt_fill(c, BUF_A, 0x03);
    adt_dma_from(c, 0x4000);
    g_assert_true(adt_holds(c, BUF_B, 0x01));

    /* invalidating other streams changes nothing */
    adt_t8020_invalidate(c, BIT(SID + 1) | BIT(0));
    adt_dma_copy(c, 0x4000, 0x8000);
    g_assert_true(adt_holds(c, BUF_B, 0x03));
    adt_assert_no_fault(c);

    /* invalidating ours: reads come from C, the write faults */
    adt_flush(c, SID);
    adt_fill(c, BUF_C, 0x04);
    adt_dma_from(c, 0x4000);
    adt_zero(c, BUF_B, adt_page_size(c));
    adt_dma_to(c, 0x8000);
    adt_assert_fault(c, APPLE_DART_FAULT_NO_PTE, SID, 0x8000);
    g_assert_false(adt_holds(c, BUF_B, 0x04));
    adt_map(c, top, 0x8000, leaf(c, BUF_B));
    adt_flush(c, SID);
    adt_dma_to(c, 0x8000);
    g_assert_true(adt_holds(c, BUF_B, 0x04));
    g_assert_cmpuint(adt_stat(c, "stat-tlb-hits"), >, 0);
}

static void test_system_reset(AppleDartTest *c)
{
    uint64_t top = adt_load_edu(c, 0x21);

    adt_zero(c, BUF_B, adt_page_size(c));
    adt_zero(c, BUF_C, adt_page_size(c));
    adt_dma_to(c, 0x8000);                         /* caches 0x8000 -> B */
    g_assert_true(adt_holds(c, BUF_B, 0x21));
    adt_dma_from(c, 0xc000);                       /* latches a fault */
    adt_map(c, top, 0x8000, leaf(c, BUF_C));      /* no invalidate */
    adt_wr(c, A_T8020_STREAM_SELECT, 0x00ff);
    adt_wr(c, A_T8020_STREAMS_ENABLE, 0x0ff0);
    adt_wr(c, adt_tcr(c, 1), c->regs->tcr_bypass);
    adt_wr(c, adt_ttbr(c, 2, 3), apple_dart_ttbr_encode(&c->geo, 0x1234000));
    adt_wr(c, c->regs->lock_reg, c->regs->lock_val);
    g_assert_true(adt_irq(c));

    qtest_system_reset(c->qts);
    assert_reset_state(c);
    /* the reset cleared edu's BAR and bus mastering too */
    adt_edu_enable(c);

    /* the cached 0x8000 -> B is gone: the table now says C */
    adt_set_ttbr(c, SID, 0, top);
    adt_wr(c, adt_tcr(c, SID), apple_dart_tcr_translate(&c->geo));
    adt_dma_copy(c, 0x4000, 0x8000);
    g_assert_true(adt_holds(c, BUF_C, 0x21));
    g_assert_cmphex(qtest_readq(c->qts, BUF_B + ADT_XFER), ==, 0);
    adt_assert_no_fault(c);
}

static void test_lock(AppleDartTest *c)
{
    uint64_t top = adt_attach_ab(c);

    adt_wr(c, c->regs->lock_reg, c->regs->lock_val);
    g_assert_cmphex(adt_lock_state(c, c->dart), ==, c->regs->lock_val);

    /* TCR and TTBR are frozen on every stream; nothing unlocks */
    for (unsigned sid = 0; sid < c->geo.num_streams; sid++) {
        adt_wr(c, adt_tcr(c, sid), c->regs->tcr_bypass);
        adt_wr(c, adt_ttbr(c, sid, 0),
               apple_dart_ttbr_encode(&c->geo, 0x42000));
    }
    adt_wr(c, c->regs->lock_reg, 0);
    g_assert_cmphex(adt_lock_state(c, c->dart), ==, c->regs->lock_val);
    g_assert_cmphex(adt_rd(c, adt_tcr(c, SID)), ==,
                    apple_dart_tcr_translate(&c->geo));
    g_assert_cmphex(adt_rd(c, adt_ttbr(c, SID, 0)), ==,
                    apple_dart_ttbr_encode(&c->geo, top));
    g_assert_cmphex(adt_rd(c, adt_tcr(c, 0)), ==, 0);
    g_assert_cmphex(adt_rd(c, adt_ttbr(c, 0, 0)), ==, 0);

    /* the tables are still memory, used once invalidated */
    adt_fill(c, BUF_A, 0x31);
    adt_zero(c, BUF_B, adt_page_size(c));
    adt_dma_copy(c, 0x4000, 0x8000);
    g_assert_true(adt_holds(c, BUF_B, 0x31));
    adt_map(c, top, 0x8000, 0);
    adt_flush(c, SID);
    adt_dma_to(c, 0x8000);
    adt_assert_fault(c, APPLE_DART_FAULT_NO_PTE, SID, 0x8000);
}

static void test_bad_tables(AppleDartTest *c)
{
    uint64_t top;

    /* TTBR pointing outside RAM: the L1 fetch fails */
    adt_set_ttbr(c, SID, 0, ADT_OUTSIDE_RAM);
    adt_wr(c, adt_tcr(c, SID), apple_dart_tcr_translate(&c->geo));
    adt_flush(c, SID);
    adt_dma_from(c, 0x4000);
    adt_assert_fault(c, APPLE_DART_FAULT_NO_PMD, SID, 0x4000);

    /* L1 entry pointing outside RAM */
    top = adt_attach(c, SID);
    adt_set_entry(c, top, 1, 0x4000,
                  apple_dart_table_pte(&c->geo, ADT_OUTSIDE_RAM));
    adt_dma_from(c, 0x4000);
    adt_assert_fault(c, APPLE_DART_FAULT_NO_PTE, SID, 0x4000);

    /* leaf pointing outside RAM: translated, the access goes nowhere */
    adt_set_entry(c, top, 1, 0x4000, 0);
    adt_map(c, top, 0x4000, leaf(c, ADT_OUTSIDE_RAM));
    adt_flush(c, SID);
    adt_dma_to(c, 0x4000);
    adt_assert_no_fault(c);

    /* a table that points at itself: its entries are taken as leaves */
    adt_set_entry(c, top, 1, 0, apple_dart_table_pte(&c->geo, top));
    adt_flush(c, SID);
    adt_dma_from(c, 0);
    adt_dma_to(c, 0x100);
    g_assert_cmphex(adt_rd(c, A_PARAMS1), ==, params1(14));

    /* every stream at once, and a TTBR with all bits set */
    adt_wr(c, adt_ttbr(c, SID, 0), 0xffffffff);
    adt_t8020_invalidate(c, UINT32_MAX);
    adt_dma_from(c, 0x4000);
    g_assert_cmphex(adt_rd(c, A_T8020_ERROR) & R_T8020_ERROR_FLAG_MASK, ==,
                    R_T8020_ERROR_FLAG_MASK);
    adt_wr(c, A_T8020_ERROR, 0xffffffff);
}

/*
 * Tables are read from RAM only. A top table in edu's register page
 * would read as valid entries (edu answers 8-byte reads below 0x80 with
 * all ones) and lead the walk to a leaf table outside RAM, a missing
 * PTE; refused, the top table's entry is what is missing.
 */
static void test_table_in_mmio(AppleDartTest *c)
{
    adt_set_ttbr(c, SID, 0, c->edu.bar.addr);
    adt_wr(c, adt_tcr(c, SID), apple_dart_tcr_translate(&c->geo));
    adt_flush(c, SID);
    adt_dma_from(c, 0x4000);
    adt_assert_fault(c, APPLE_DART_FAULT_NO_PMD, SID, 0x4000);
    /* and edu, whose registers were not read, still works */
    adt_load_edu(c, 0x3c);
}

/*
 * A refused DMA is one fault however long it is (QEMU's core retries it
 * 4 bytes at a time); the first stays latched and the rest are counted.
 */
static void test_fault_flood(AppleDartTest *c)
{
    uint64_t top, before;

    top = adt_attach(c, SID);
    before = adt_stat(c, "stat-faults");
    for (int i = 0; i < 50; i++) {
        adt_edu_dma(c, 0x4000 + i * adt_page_size(c), EDU_BUF, 4096,
                    false);
    }
    g_assert_cmphex(adt_rd(c, A_T8020_ERROR_ADDR_LO), ==, 0x4000);
    g_assert_cmpuint(adt_stat(c, "stat-faults") - before, ==, 50);
    /* the same IOVA again is another transaction, and another fault */
    adt_edu_dma(c, EDU_BUF, 0x4000, 4096, true);
    g_assert_cmpuint(adt_stat(c, "stat-faults") - before, ==, 51);
    adt_assert_fault(c, APPLE_DART_FAULT_NO_PMD, SID, 0x4000);

    /* mapped and invalidated, the page that just faulted translates */
    adt_map(c, top, 0x4000, leaf(c, BUF_A));
    adt_flush(c, SID);
    adt_dma_from(c, 0x4000);
    adt_assert_no_fault(c);
    adt_dma_from(c, 0x8000 + 8);
    adt_assert_fault(c, APPLE_DART_FAULT_NO_PTE, SID, 0x8000 + 8);
}

/* A bad option stops QEMU at once with a one-line error. */
static void test_bad_options(void)
{
    static const AppleDartBadOption cases[] = {
        { "-M apple-virt -global apple-dart-t8103.page-size=8192",
          "page-size must be 4096 or 16384" },
        { "-M apple-virt -global apple-dart-t8103.page-size=abc",
          "page-size" },
        { "-M apple-virt -global apple-dart-t8103.bypass=maybe", "bypass" },
        { "-M apple-virt -cpu cortex-a57", "Invalid CPU model", true },
    };

    adt_assert_bad_options(cases, ARRAY_SIZE(cases));
}

int main(int argc, char **argv)
{
    static const AppleDartTestCase tests[] = {
        { "reset-values", test_reset_values },
        { "params-4k", test_params_4k, NULL, PAGE_4K },
        { "write-masks", test_write_masks },
        { "dma-translated", test_dma_translated },
        { "dma-4k-pages", test_dma_4k_pages, NULL, PAGE_4K },
        { "fault-no-ttbr", test_fault_no_ttbr },
        { "fault-no-pmd", test_fault_no_pmd },
        { "fault-no-pte", test_fault_no_pte },
        { "fault-permissions", test_fault_permissions },
        { "subpage", test_subpage },
        { "bypass", test_bypass },
        { "bypass-unsupported", test_bypass_unsupported, NULL,
          "-global apple-dart-t8103.bypass=off" },
        { "blocked", test_blocked },
        { "disabled-stream", test_disabled_stream },
        { "stale-tlb", test_stale_tlb },
        { "system-reset", test_system_reset },
        { "lock", test_lock },
        { "bad-tables", test_bad_tables },
        { "table-in-mmio", test_table_in_mmio },
        { "fault-flood", test_fault_flood },
    };

    g_test_init(&argc, &argv, NULL);
    adt_add_cases(adt_gen("t8103"), tests, ARRAY_SIZE(tests));
    qtest_add_func("/apple-dart/t8103/bad-options", test_bad_options);
    return g_test_run();
}
