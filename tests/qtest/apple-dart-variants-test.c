/*
 * QTest for every Apple DART generation: t8103, t8103-usb4, t6000 and
 * t8110 (with two and three table levels)
 *
 * Copyright (c) 2026 The apple-dart QEMU model authors
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 *
 * apple-virt builds all its DARTs of the generation "-M apple-virt,dart="
 * names. QEMU's "edu" PCI device in slot 3 is the DMA master, stream 3
 * of the PCIe DART. The harness (apple-dart-qtest.h) knows each
 * generation's register layout, PTE format and geometry, so that one set
 * of tests drives them all; the layout-specific registers have tests of
 * their own.
 */

#include "qemu/osdep.h"
#include "qobject/qlist.h"
#include "apple-dart-qtest.h"

#define SID                 ADT_SID
#define BUF_A               ADT_BUF_A
#define BUF_B               ADT_BUF_B
#define BUF_C               ADT_BUF_C

static uint64_t leaf(AppleDartTest *c, uint64_t pa)
{
    return adt_leaf(c, pa, false, false);
}

/* Reset values, and what the DART says of itself */
static void test_params(AppleDartTest *c)
{
    const AppleDartTestGen *g = c->g;
    const AppleDARTGeneration *gen = g->geo.gen;

    g_assert_cmphex(adt_rd(c, A_PARAMS1), ==,
                    FIELD_DP32(0, PARAMS1, PAGE_SHIFT, g->geo.page_shift));
    g_assert_cmphex(adt_rd(c, A_PARAMS2), ==, gen->can_bypass);
    /* the levels firmware and Linux choose for the VA are the table's */
    g_assert_cmpuint(apple_dart_levels_for(gen, g->geo.page_shift, g->ias),
                     ==, g->geo.levels);
    g_assert_cmphex(adt_rd(c, c->regs->error), ==, 0);
    g_assert_cmphex(adt_lock_state(c, c->dart), ==, 0);
    adt_assert_streams_reset(c);
    if (adt_is_t8110(g)) {
        uint32_t params3 = FIELD_DP32(0, T8110_PARAMS3, VA_WIDTH, g->ias);

        params3 = FIELD_DP32(params3, T8110_PARAMS3, PA_WIDTH, gen->oas);
        params3 = FIELD_DP32(params3, T8110_PARAMS3, VER_MAJ, 2);
        g_assert_cmphex(adt_rd(c, A_T8110_PARAMS3), ==, params3);
        g_assert_cmphex(adt_rd(c, A_T8110_PARAMS4), ==,
                        g->geo.num_streams << 16 | g->geo.num_streams);
        g_assert_cmphex(adt_rd(c, A_T8110_ENABLE_STREAMS), ==, 0xffff);
        /* m1n1 polls bit 31 here after a flush */
        g_assert_cmphex(adt_rd(c, A_T8110_PERF0) & BIT(31), ==, 0);
    }
}

/* DMA through the generation's tables and PTE format, both ways */
static void test_dma(AppleDartTest *c)
{
    uint64_t top = adt_attach(c, SID);

    adt_map(c, top, 0x4000, leaf(c, BUF_A));
    adt_map(c, top, 0x12344000, leaf(c, BUF_B));
    adt_fill(c, BUF_A, 0x11);
    adt_zero(c, BUF_B, ADT_XFER);
    adt_dma_copy(c, 0x4000, 0x12344000);
    g_assert_true(adt_holds(c, BUF_B, 0x11));
    adt_assert_no_fault(c);
}

/* Every fault code of the layout, with stream, address and interrupt */
static void test_faults(AppleDartTest *c)
{
    uint64_t top;

    /* no valid TTBR */
    adt_wr(c, adt_tcr(c, SID), apple_dart_tcr_translate(&c->geo));
    adt_dma_from(c, 0x4000);
    adt_assert_fault(c, APPLE_DART_FAULT_NO_TTBR, SID, 0x4000);

    top = adt_attach(c, SID);
    adt_map(c, top, 0x4000, adt_leaf(c, BUF_A, false, true));
    adt_map(c, top, 0x8000, adt_leaf(c, BUF_B, true, false));
    adt_flush(c, SID);
    adt_dma_to(c, 0x4000);
    adt_assert_fault(c, APPLE_DART_FAULT_WRITE, SID, 0x4000);
    adt_dma_from(c, 0x8000);
    adt_assert_fault(c, APPLE_DART_FAULT_READ, SID, 0x8000);
    adt_dma_from(c, 0xc000);                       /* same last table */
    adt_assert_fault(c, APPLE_DART_FAULT_NO_PTE, SID, 0xc000);
    if (c->geo.levels == 3) {
        /* iova[46:36] selects the L0 entry: nothing at 1 */
        adt_dma_from(c, 0x1000000000ULL);
        adt_assert_fault(c, APPLE_DART_FAULT_NO_PGD, SID, 0x1000000000ULL);
        /* a valid L0 entry with an empty L1 table under it */
        adt_set_entry(c, top, 2, 0x2000000000ULL,
                      apple_dart_table_pte(&c->geo, adt_new_table(c)));
        adt_dma_from(c, 0x2000000000ULL);
        adt_assert_fault(c, APPLE_DART_FAULT_NO_PMD, SID, 0x2000000000ULL);
    } else {
        adt_dma_from(c, 0x10000000);
        adt_assert_fault(c, APPLE_DART_FAULT_NO_PMD, SID, 0x10000000);
    }
}

/* Cached translations stay until flushed, one stream or all of them */
static void test_flush(AppleDartTest *c)
{
    uint64_t top = adt_attach_ab(c);

    adt_fill(c, BUF_A, 0x21);
    adt_fill(c, BUF_C, 0x42);
    adt_dma_copy(c, 0x4000, 0x8000);               /* both cached */
    g_assert_true(adt_holds(c, BUF_B, 0x21));

    adt_map(c, top, 0x4000, leaf(c, BUF_C));
    adt_dma_copy(c, 0x4000, 0x8000);
    g_assert_true(adt_holds(c, BUF_B, 0x21));      /* stale, as it must */
    adt_flush(c, SID + 1);
    adt_dma_copy(c, 0x4000, 0x8000);
    g_assert_true(adt_holds(c, BUF_B, 0x21));      /* another stream */
    adt_flush_all(c);
    adt_dma_copy(c, 0x4000, 0x8000);
    g_assert_true(adt_holds(c, BUF_B, 0x42));
}

/* T8110: ERROR_STREAMS and ERROR_MASK */
static void test_t8110_error_regs(AppleDartTest *c)
{
    AppleDARTFault miss;        /* empty tables: the first level misses */
    uint32_t miss_code;

    miss = adt_top_miss(c);
    miss_code = c->regs->fault_code[miss];
    adt_attach(c, SID);
    adt_dma_from(c, 0x4000);
    g_assert_cmphex(adt_rd(c, A_T8110_ERROR_STREAMS), ==, BIT(SID));
    adt_assert_fault_latched(c, miss, SID, 0x4000);

    /*
     * The interrupt is held by ERROR_STREAMS as well as ERROR.FLAG: a
     * handler that clears ERROR alone leaves it asserted (an interrupt
     * storm on t602x, fixed in Linux by "Clear stream error indicator
     * bits for T8110 DARTs").
     */
    adt_wr(c, A_T8110_ERROR, adt_rd(c, A_T8110_ERROR));
    g_assert_cmphex(adt_rd(c, A_T8110_ERROR), ==, 0);
    g_assert_true(adt_irq(c));
    /* Linux's handler writes all ones to clear the bitmap */
    adt_wr(c, A_T8110_ERROR_STREAMS, UINT32_MAX);
    g_assert_cmphex(adt_rd(c, A_T8110_ERROR_STREAMS), ==, 0);
    g_assert_false(adt_irq(c));

    /* in the other order, ERROR.FLAG holds it until cleared */
    adt_dma_from(c, 0x4000);
    adt_wr(c, A_T8110_ERROR_STREAMS, UINT32_MAX);
    g_assert_true(adt_irq(c));
    adt_assert_fault(c, miss, SID, 0x4000);

    /* a masked code neither latches nor interrupts */
    adt_wr(c, A_T8110_ERROR_MASK, miss_code);
    g_assert_cmphex(adt_rd(c, A_T8110_ERROR_MASK), ==, miss_code);
    adt_dma_from(c, 0x4000);
    adt_assert_no_fault(c);
    adt_wr(c, A_T8110_ERROR_MASK, 0);
    adt_dma_from(c, 0x4000);
    adt_assert_fault(c, miss, SID, 0x4000);
}

/* T8110: ENABLE_STREAMS / DISABLE_STREAMS set and clear the bitmap */
static void test_t8110_streams(AppleDartTest *c)
{
    uint64_t top = adt_attach(c, SID);

    adt_map(c, top, 0x4000, leaf(c, BUF_A));
    adt_fill(c, BUF_A, 0x33);
    adt_wr(c, A_T8110_DISABLE_STREAMS, BIT(SID));
    g_assert_cmphex(adt_rd(c, A_T8110_ENABLE_STREAMS), ==,
                    0xffff & ~BIT(SID));
    adt_zero(c, BUF_B, ADT_XFER);
    adt_map(c, top, 0x8000, leaf(c, BUF_B));
    adt_dma_copy(c, 0x4000, 0x8000);
    g_assert_false(adt_holds(c, BUF_B, 0x33));     /* stream off */
    adt_wr(c, A_T8110_ENABLE_STREAMS, BIT(SID));
    g_assert_cmphex(adt_rd(c, A_T8110_ENABLE_STREAMS), ==, 0xffff);
    adt_dma_copy(c, 0x4000, 0x8000);
    g_assert_true(adt_holds(c, BUF_B, 0x33));
}

/* T8110: PROTECT locks TTBR/TCR, UNPROTECT unlocks until PROTECT_LOCK */
static void test_t8110_protect(AppleDartTest *c)
{
    uint32_t translate, lock;

    translate = apple_dart_tcr_translate(&c->geo);
    lock = c->regs->lock_val;
    g_assert_cmphex(c->regs->lock_reg, ==, A_T8110_PROTECT);
    adt_wr(c, A_T8110_PROTECT, lock);
    g_assert_cmphex(adt_rd(c, A_T8110_PROTECT), ==, lock);
    adt_wr(c, adt_tcr(c, SID), translate);
    adt_wr(c, adt_ttbr(c, SID, 0), 0x1235);
    g_assert_cmphex(adt_rd(c, adt_tcr(c, SID)), ==, 0);
    g_assert_cmphex(adt_rd(c, adt_ttbr(c, SID, 0)), ==, 0);

    adt_wr(c, A_T8110_UNPROTECT, lock);
    g_assert_cmphex(adt_rd(c, A_T8110_PROTECT), ==, 0);
    adt_wr(c, adt_tcr(c, SID), translate);
    g_assert_cmphex(adt_rd(c, adt_tcr(c, SID)), ==, translate);

    adt_wr(c, A_T8110_PROTECT, lock);
    adt_wr(c, A_T8110_PROTECT_LOCK, 1);
    adt_wr(c, A_T8110_UNPROTECT, UINT32_MAX);
    g_assert_cmphex(adt_rd(c, A_T8110_PROTECT), ==, lock);
    adt_wr(c, adt_tcr(c, SID), 0);
    g_assert_cmphex(adt_rd(c, adt_tcr(c, SID)), ==, translate);

    /* flushing and faults still work; a reset lifts it all */
    adt_flush(c, SID);
    adt_dma_from(c, 0x4000);
    adt_assert_fault(c, APPLE_DART_FAULT_NO_TTBR, SID, 0x4000);
    qtest_system_reset(c->qts);
    g_assert_cmphex(adt_rd(c, A_T8110_PROTECT), ==, 0);
    g_assert_cmphex(adt_rd(c, A_T8110_PROTECT_LOCK), ==, 0);
    adt_wr(c, adt_tcr(c, SID), translate);
    g_assert_cmphex(adt_rd(c, adt_tcr(c, SID)), ==, translate);
}

/*
 * usb4: 64 streams, TTBRs at 0x400, no bypass; Linux's reset writes
 * all ones where a second STREAMS_ENABLE word would be (stream 0's TCR)
 * and its stream-select loop only reaches the first word.
 */
static void test_usb4(AppleDartTest *c)
{
    uint64_t ttbr63;

    g_assert_cmphex(adt_tcr(c, 0), ==, A_T8020_STREAMS_ENABLE + 4);
    adt_wr(c, A_T8020_STREAMS_ENABLE, UINT32_MAX);
    adt_wr(c, adt_tcr(c, 0), UINT32_MAX);
    g_assert_cmphex(adt_rd(c, adt_tcr(c, 0)), ==, c->regs->tcr_writable);
    g_assert_cmphex(adt_rd(c, A_T8020_STREAMS_ENABLE), ==, UINT32_MAX);

    /* the last stream's TTBRs are at 0x400 + 16 * 63 */
    ttbr63 = adt_ttbr(c, 63, 3);
    g_assert_cmphex(ttbr63, ==, T8020_USB4_TTBR + 16 * 63 + 12);
    adt_wr(c, ttbr63, apple_dart_ttbr_encode(&c->geo, 0x1234000));
    g_assert_cmphex(adt_rd(c, ttbr63), ==,
                    apple_dart_ttbr_encode(&c->geo, 0x1234000));
    adt_flush(c, 63);

    /* bypass is not there: TCR's bypass bits block */
    adt_fill(c, BUF_A, 0x55);
    adt_wr(c, adt_tcr(c, SID), c->regs->tcr_bypass);
    adt_zero(c, BUF_B, ADT_XFER);
    adt_dma_copy(c, BUF_A, BUF_B);
    g_assert_false(adt_holds(c, BUF_B, 0x55));

    adt_attach_ab(c);
    adt_dma_copy(c, 0x4000, 0x8000);
    g_assert_true(adt_holds(c, BUF_B, 0x55));
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
    const AppleDartTestGen *g = data;
    g_autofree char *dir = g_dir_make_tmp("apple-dart-migrate-XXXXXX", NULL);
    g_autofree char *file = g_build_filename(dir, "state", NULL);
    g_autofree char *uri = g_strdup_printf("exec:cat > %s", file);
    g_autofree char *incoming = g_strdup_printf("-incoming 'exec:cat %s'",
                                                file);
    uint64_t regs[] = {
        A_T8110_ERROR, A_T8110_ERROR_ADDR_LO, A_T8110_ERROR_MASK,
        A_T8110_ERROR_STREAMS, A_T8110_PROTECT, A_T8110_PROTECT_LOCK,
        A_T8110_ENABLE_STREAMS, apple_dart_tcr_offset(&g->geo, SID),
        apple_dart_ttbr_offset(&g->geo, SID, 0),
    };
    uint32_t before[ARRAY_SIZE(regs)];
    AppleDartTest c, to;

    adt_start(&c, g, NULL, NULL);
    adt_attach_ab(&c);
    adt_fill(&c, BUF_A, 0x61);
    adt_dma_copy(&c, 0x4000, 0x8000);
    g_assert_true(adt_holds(&c, BUF_B, 0x61));
    adt_dma_from(&c, 0x10000000);                   /* latched */
    adt_wr(&c, A_T8110_ERROR_MASK,
           c.regs->fault_code[APPLE_DART_FAULT_READ]);
    adt_wr(&c, A_T8110_DISABLE_STREAMS, BIT(5));
    adt_wr(&c, A_T8110_PROTECT, c.regs->lock_val);
    adt_wr(&c, A_T8110_PROTECT_LOCK, 1);
    for (int i = 0; i < ARRAY_SIZE(regs); i++) {
        before[i] = adt_rd(&c, regs[i]);
    }
    g_assert_cmphex(before[0] & c.regs->error_flag, ==, c.regs->error_flag);

    qtest_qmp_assert_success(c.qts, "{'execute': 'migrate',"
                             " 'arguments': {'uri': %s}}", uri);
    wait_migration(c.qts);
    adt_stop(&c);

    adt_launch(&to, g, ADT_DART_PCIE, NULL, incoming);
    wait_migration(to.qts);
    for (int i = 0; i < ARRAY_SIZE(regs); i++) {
        g_assert_cmphex(adt_rd(&to, regs[i]), ==, before[i]);
    }
    /* still locked; the tables came along in RAM and are walked again */
    adt_wr(&to, adt_tcr(&to, SID), 0);
    g_assert_cmphex(adt_rd(&to, adt_tcr(&to, SID)), ==,
                    apple_dart_tcr_translate(&to.geo));
    adt_wr(&to, A_T8110_ERROR, before[0]);
    adt_edu_init(&to);
    adt_fill(&to, BUF_A, 0x71);
    adt_dma_copy(&to, 0x4000, 0x8000);
    g_assert_true(adt_holds(&to, BUF_B, 0x71));
    g_assert_cmphex(adt_rd(&to, A_T8110_ERROR), ==, 0);
    adt_stop(&to);
    unlink(file);
    rmdir(dir);
}

/*
 * Streams beyond the root-bus slots: "pcie-dart-streams=3:N" puts edu
 * (slot 3) on stream N, the DART's last, and everything follows it: its
 * tables, the bitmaps of several words, per-stream TLB commands, faults.
 */
typedef struct AppleDartHighStream {
    const char *gen;
    unsigned num_streams;           /* as the machine is told */
    const char *machine_opts;
} AppleDartHighStream;

static void test_high_stream(const void *data)
{
    const AppleDartHighStream *h = data;
    const AppleDartTestGen *g = adt_gen(h->gen);
    unsigned high = h->num_streams - 1;
    /* (slot high, if there is one, takes stream 3 in exchange) */
    g_autofree char *opts = high < ADT_PCIE_STREAMS ?
        g_strdup_printf("pcie-dart-streams=3:%u+%u:3%s", high, high,
                        h->machine_opts) :
        g_strdup_printf("pcie-dart-streams=3:%u%s", high, h->machine_opts);
    AppleDartTest c;
    uint64_t top;
    unsigned shown;

    adt_start(&c, g, opts, NULL);
    c.geo.num_streams = h->num_streams;
    if (adt_is_t8110(g)) {
        g_assert_cmphex(adt_rd(&c, A_T8110_PARAMS4) & 0x1ff, ==,
                        h->num_streams);
    }

    /* DMA goes through stream high's tables, and no longer stream 3's */
    adt_attach(&c, SID);
    top = adt_attach(&c, high);
    adt_map(&c, top, 0x4000, leaf(&c, BUF_A));
    adt_map(&c, top, 0x8000, leaf(&c, BUF_B));
    adt_fill(&c, BUF_A, 0x5a);
    adt_zero(&c, BUF_B, ADT_XFER);
    adt_dma_copy(&c, 0x4000, 0x8000);
    g_assert_true(adt_holds(&c, BUF_B, 0x5a));

    /*
     * A fault names stream high: in full in T8110's 8-bit STREAM field;
     * T8020's is 4 bits wide, so t8103-usb4's streams 16-63 show there
     * as the stream modulo 16.
     */
    shown = high & MAKE_64BIT_MASK(0, c.regs->error_stream_len);
    adt_dma_from(&c, 0x10000);
    if (c.regs->error_streams) {
        g_assert_cmphex(adt_rd(&c, c.regs->error_streams + 4 * (high / 32)),
                        ==, BIT(high % 32));
    }
    adt_assert_fault(&c, APPLE_DART_FAULT_NO_PTE, shown, 0x10000);

    /* the TLB of stream high, not of slot 3's stream, is the one flushed */
    adt_fill(&c, BUF_C, 0xc3);
    adt_map(&c, top, 0x4000, leaf(&c, BUF_C));
    adt_dma_copy(&c, 0x4000, 0x8000);
    g_assert_true(adt_holds(&c, BUF_B, 0x5a));     /* stale, as it must */
    adt_flush(&c, SID);
    adt_dma_copy(&c, 0x4000, 0x8000);
    g_assert_true(adt_holds(&c, BUF_B, 0x5a));
    adt_flush(&c, high);
    adt_dma_copy(&c, 0x4000, 0x8000);
    g_assert_true(adt_holds(&c, BUF_B, 0xc3));

    /* T8110: the enable bitmap's last word holds stream high */
    if (adt_is_t8110(g)) {
        adt_wr(&c, A_T8110_DISABLE_STREAMS + 4 * (high / 32),
               BIT(high % 32));
        adt_fill(&c, BUF_C, 0x99);
        adt_flush(&c, high);
        adt_dma_copy(&c, 0x4000, 0x8000);
        g_assert_true(adt_holds(&c, BUF_B, 0xc3));  /* stream off */
        adt_assert_no_fault(&c);
        adt_wr(&c, A_T8110_ENABLE_STREAMS + 4 * (high / 32), BIT(high % 32));
        adt_dma_copy(&c, 0x4000, 0x8000);
        g_assert_true(adt_holds(&c, BUF_B, 0x99));
    }
    adt_stop(&c);
}

/*
 * "pcie-dart-disabled-streams": firmware leaves streams off in
 * STREAMS_ENABLE at every reset, as Apple's did on the audio DART; a
 * driver that does not enable them gets no DMA through them.
 */
static void test_disabled_streams(AppleDartTest *c)
{
    uint64_t top;
    uint32_t want = 0xffff & ~BIT(SID) & ~BIT(9);

    if (adt_is_t8110(c->g)) {
        g_assert_cmphex(adt_rd(c, A_T8110_ENABLE_STREAMS), ==, want);
    } else {
        g_assert_cmphex(adt_rd(c, A_T8020_STREAMS_ENABLE) & 0xffff, ==, want);
    }
    top = adt_attach(c, SID);
    adt_map(c, top, 0x4000, leaf(c, BUF_A));
    adt_map(c, top, 0x8000, leaf(c, BUF_B));
    adt_fill(c, BUF_A, 0x42);
    adt_zero(c, BUF_B, ADT_XFER);
    adt_dma_copy(c, 0x4000, 0x8000);
    g_assert_false(adt_holds(c, BUF_B, 0x42));      /* no DMA, no fault */
    adt_assert_no_fault(c);
    adt_enable_streams_at(c, c->dart);
    adt_dma_copy(c, 0x4000, 0x8000);
    g_assert_true(adt_holds(c, BUF_B, 0x42));

    /* and firmware disables them again at the next reset */
    qtest_system_reset(c->qts);
    adt_edu_enable(c);
    if (adt_is_t8110(c->g)) {
        g_assert_cmphex(adt_rd(c, A_T8110_ENABLE_STREAMS), ==, want);
    } else {
        g_assert_cmphex(adt_rd(c, A_T8020_STREAMS_ENABLE) & 0xffff, ==, want);
    }
}

/* Sizes that do not exist are refused with one line. */
static void test_bad_options(void)
{
    static const AppleDartBadOption cases[] = {
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
        { "-M apple-virt -global apple-dart.page-size=8192",
          "page-size must be 4096 or 16384, not 8192" },
        { "-M apple-virt,dart=t8110,dart-va-bits=31",
          "va-bits must be 32 to 47, not 31" },
        { "-M apple-virt,dart=t8110 -global apple-dart-t8110.pa-bits=35",
          "pa-bits must be 36 to 42, not 35" },
        { "-M apple-virt,dart=t8110,dart-num-streams=257",
          "num-streams must be 1 to 256, not 257" },
        { "-M apple-virt,pcie-dart-streams=3-4",
          "pcie-dart-streams=3-4: '3-4' is not SLOT[.FN]:STREAM with a slot"
          " of 0 to 31, a function of 0 to 7 and a stream of 0 to 255" },
        { "-M apple-virt,pcie-dart-streams=32:1",
          "'32:1' is not SLOT[.FN]:STREAM" },
        { "-M apple-virt,pcie-dart-streams=4.8:1", "'4.8:1' is not" },
        { "-M apple-virt,pcie-dart-streams=4:7+5:", "'5:' is not" },
        { "-M apple-virt,dart=t8103-usb4,pcie-dart-streams=4:40+5.2:40",
          "pcie-dart-streams=4:40+5.2:40: slots 4 and 5 both on stream 40" },
        { "-M apple-virt,dart=t8103-usb4,pcie-dart-streams=3:64",
          "3.0 on stream 64, but t8103-usb4 DARTs have streams 0 to 63" },
        { "-M apple-virt,dart=t8110,dart-num-streams=40,usb-dart-stream=40",
          "usb-dart-stream=40, but t8110 DARTs have streams 0 to 39" },
        { "-M apple-virt,dart=t8103-usb4,usb-dart-disabled-streams=1+40",
          "usb-dart-disabled-streams: stream 40, but firmware can disable"
          " streams 0 to 31 of t8103-usb4 DARTs" },
        { "-M apple-virt,pcie-dart-disabled-streams=2++3",
          "'' is not a stream of 0 to 255 (STREAM[+STREAM...])" },

    };

    adt_assert_bad_options(cases, ARRAY_SIZE(cases));
}

/*
 * Every option of the machine and every property of our devices has a
 * bad value here, and test_every_property_has_a_bad_value() fails when a
 * new one is added without one. Read-only properties (stat-*, state,
 * dart-firmware) are covered by "is not writable".
 */
typedef struct AppleDartBadValue {
    const char *owner;          /* "machine", "dart" or "display" */
    const char *prop;
    AppleDartBadOption option;
} AppleDartBadValue;

#define DART_GLOBAL "-M apple-virt -global apple-dart."
#define DISP_GLOBAL "-M apple-virt -global apple-virt-display."

static const AppleDartBadValue bad_values[] = {
    { "machine", "dart", { "-M apple-virt,dart=m5", "not 'm5'" } },
    { "machine", "dart-va-bits",
      { "-M apple-virt,dart-va-bits=wide", "dart-va-bits" } },
    { "machine", "dart-num-streams",
      { "-M apple-virt,dart-num-streams=64",
        "dart-num-streams is for dart=t8110" } },
    { "machine", "pcie-dart-streams",
      { "-M apple-virt,pcie-dart-streams=3:16",
        "3.0 on stream 16, but t8103 DARTs have streams 0 to 15" } },
    { "machine", "usb-dart-stream",
      { "-M apple-virt,usb-dart-stream=16",
        "usb-dart-stream=16, but t8103 DARTs have streams 0 to 15" } },
    { "machine", "dart-check-pte",
      { "-M apple-virt,dart-check-pte=yes-please", "dart-check-pte" } },
    { "machine", "pcie-dart-disabled-streams",
      { "-M apple-virt,pcie-dart-disabled-streams=16",
        "stream 16, but firmware can disable streams 0 to 15" } },
    { "machine", "usb-dart-disabled-streams",
      { "-M apple-virt,usb-dart-disabled-streams=one",
        "'one' is not a stream" } },
    { "machine", "disp-dart-disabled-streams",
      { "-M apple-virt,disp-dart-disabled-streams=1+",
        "'' is not a stream" } },
    { "machine", "dart-check-stale-tlb",
      { "-M apple-virt,dart-check-stale-tlb=2", "dart-check-stale-tlb" } },
    { "machine", "dart-firmware",
      { "-M apple-virt,dart-firmware=x", "is not writable" } },
    { "machine", "pcie-dart-preset",
      { "-M apple-virt,pcie-dart-preset=all", "pcie-dart-preset" } },
    { "machine", "pcie-dart-locked",
      { "-M apple-virt,pcie-dart-locked=yes", "pcie-dart-locked=on needs" } },
    { "machine", "pcie-dart-preset-streams",
      { "-M apple-virt,pcie-dart-preset=empty,pcie-dart-preset-streams=-1",
        "dart-pcie has only streams 0xffff" } },
    { "machine", "usb-dart-preset",
      { "-M apple-virt,usb-dart-preset=", "usb-dart-preset" } },
    { "machine", "usb-dart-locked",
      { "-M apple-virt,usb-dart-locked=2", "usb-dart-locked" } },
    { "machine", "usb-dart-preset-streams",
      { "-M apple-virt,usb-dart-preset-streams=0x1g",
        "usb-dart-preset-streams" } },
    { "machine", "disp-dart-preset",
      { "-M apple-virt,disp-dart-preset=fw", "disp-dart-preset" } },
    { "machine", "disp-dart-locked",
      { "-M apple-virt,disp-dart-locked=of", "disp-dart-locked" } },
    { "machine", "disp-dart-preset-streams",
      { "-M apple-virt,disp-dart-preset-streams=0x10000",
        "dart-disp has only streams 0xffff" } },

    { "dart", "page-size", { DART_GLOBAL "page-size=0", "not 0" } },
    { "dart", "bypass", { DART_GLOBAL "bypass=2", "bypass" } },
    { "dart", "dma-memory", { DART_GLOBAL "dma-memory=/x", "'/x' not found" } },
    { "dart", "num-streams",
      { DART_GLOBAL "num-streams=1", "num-streams, va-bits and pa-bits"
        " cannot change them" } },
    { "dart", "va-bits",
      { "-M apple-virt,dart=t8110 -global apple-dart.va-bits=64",
        "va-bits must be 32 to 47, not 64" } },
    { "dart", "pa-bits",
      { "-M apple-virt,dart=t8110 -global apple-dart.pa-bits=0x",
        "pa-bits" } },
    { "dart", "check-pte-format",
      { DART_GLOBAL "check-pte-format=2", "check-pte-format" } },
    { "dart", "check-stale-tlb",
      { DART_GLOBAL "check-stale-tlb=1", "check-stale-tlb" } },
    { "dart", "busy-reads",
      { DART_GLOBAL "busy-reads=1000001", "busy-reads must be at most" } },
    { "dart", "busy-ns",
      { DART_GLOBAL "busy-ns=-1", "busy-ns at most 10000000000" } },
    { "dart", "busy-stuck", { DART_GLOBAL "busy-stuck=sometimes",
                              "busy-stuck" } },
    { "dart", "inject-fault", { DART_GLOBAL "inject-fault=stream=0,iova=0,"
                                "fault=read", "not running yet" } },
    { "dart", "x-microbench", { DART_GLOBAL "x-microbench=stream=0,iova=0,"
                                "unmapped=0", "not running yet" } },

    { "display", "dma", { DISP_GLOBAL "dma=/x", "'/x' not found" } },
    { "display", "width", { DISP_GLOBAL "width=0", "width cannot be set" } },
    { "display", "height", { DISP_GLOBAL "height=99999",
                             "height cannot be set" } },
    { "display", "stride", { DISP_GLOBAL "stride=3", "stride cannot be set" } },
    { "display", "iova", { DISP_GLOBAL "iova=0x3", "iova cannot be set" } },
    { "display", "refresh-rate", { DISP_GLOBAL "refresh-rate=241",
                                   "refresh-rate must be 1 to 240 (Hz),"
                                   " not 241" } },
};

/* Our own properties of @type: those its QOM ancestor @base has not. */
static GStrv own_properties(QTestState *qts, const char *type,
                            const char *base)
{
    g_autoptr(GHashTable) inherited = g_hash_table_new_full(g_str_hash,
                                                            g_str_equal,
                                                            g_free, NULL);
    g_autoptr(GPtrArray) own = g_ptr_array_new();
    QDict *r;
    QListEntry *e;

    r = qtest_qmp(qts, "{'execute': 'qom-list-properties',"
                  " 'arguments': {'typename': %s}}", base);
    QLIST_FOREACH_ENTRY(qdict_get_qlist(r, "return"), e) {
        const char *name = qdict_get_str(qobject_to(QDict, e->value), "name");

        g_hash_table_add(inherited, g_strdup(name));
    }
    qobject_unref(r);
    r = qtest_qmp(qts, "{'execute': 'qom-list-properties',"
                  " 'arguments': {'typename': %s}}", type);
    QLIST_FOREACH_ENTRY(qdict_get_qlist(r, "return"), e) {
        const char *name = qdict_get_str(qobject_to(QDict, e->value), "name");

        /* link properties' legacy twins, and child memory regions */
        if (!g_hash_table_contains(inherited, name) &&
            !g_str_has_prefix(name, "legacy-") && !strchr(name, '[')) {
            g_ptr_array_add(own, g_strdup(name));
        }
    }
    qobject_unref(r);
    g_assert_cmpuint(own->len, >, 0);
    g_ptr_array_add(own, NULL);
    return (GStrv)g_ptr_array_free(g_steal_pointer(&own), false);
}

static const AppleDartBadValue *bad_value_for(const char *owner,
                                              const char *prop)
{
    for (int i = 0; i < ARRAY_SIZE(bad_values); i++) {
        if (!strcmp(bad_values[i].owner, owner) &&
            !strcmp(bad_values[i].prop, prop)) {
            return &bad_values[i];
        }
    }
    return NULL;
}

static void test_every_property_has_a_bad_value(void)
{
    static const struct {
        const char *owner, *type, *base, *global;
    } owners[] = {
        /*
         * the empty machine, not the abstract "machine": TYPE_MACHINE's
         * instance_init adds generic properties too (QEMU 10.1's "spcr")
         */
        { "machine", "apple-virt-machine", "none-machine", NULL },
        { "dart", "apple-dart-t8110", "sys-bus-device", "apple-dart" },
        { "display", "apple-virt-display", "sys-bus-device",
          "apple-virt-display" },
    };
    QTestState *qts = qtest_init("-M apple-virt");
    unsigned tested = 0, from_table = 0;

    for (int i = 0; i < ARRAY_SIZE(owners); i++) {
        g_auto(GStrv) props = own_properties(qts, owners[i].type,
                                             owners[i].base);

        for (char **p = props; *p; p++) {
            const AppleDartBadValue *v = bad_value_for(owners[i].owner, *p);
            g_autofree char *args = NULL;

            if (v) {
                adt_assert_bad_option(&v->option);
                from_table++;
            } else if (owners[i].global && (g_str_has_prefix(*p, "stat-") ||
                                            !strcmp(*p, "state"))) {
                args = g_strdup_printf("-M apple-virt -global %s.%s=1",
                                       owners[i].global, *p);
                adt_assert_bad_option(&(AppleDartBadOption) {
                    args, "is not writable" });
            } else {
                g_test_message("%s property %s has no bad-value case",
                               owners[i].type, *p);
                g_test_fail();
                continue;
            }
            tested++;
        }
    }
    qtest_quit(qts);
    /* and no case in the table names a property that does not exist */
    g_assert_cmpuint(from_table, ==, ARRAY_SIZE(bad_values));
    g_test_message("%u options and properties refused a bad value", tested);
}

int main(int argc, char **argv)
{
    static const AppleDartTestCase every_gen[] = {
        { "params", test_params },
        { "dma", test_dma },
        { "faults", test_faults },
        { "flush", test_flush },
        { "disabled-streams", test_disabled_streams,
          "pcie-dart-disabled-streams=3+9" },
    };
    static const AppleDartHighStream high_streams[] = {
        { "t8103", 16, "" },
        { "t8103-usb4", 64, "" },
        { "t6000", 16, "" },
        { "t8110", 256, ",dart-num-streams=256" },
        { "t8110-four-level", 200, ",dart-num-streams=200" },
    };
    static const AppleDartTestCase t8110[] = {
        { "error-regs", test_t8110_error_regs },
        { "streams", test_t8110_streams },
        { "protect", test_t8110_protect },
    };
    static const AppleDartTestCase usb4[] = {
        { "linux-quirks", test_usb4 },
    };

    g_test_init(&argc, &argv, NULL);
    for (int i = 0; i < ARRAY_SIZE(adt_gens); i++) {
        const AppleDartTestGen *g = &adt_gens[i];

        adt_add_cases(g, every_gen, ARRAY_SIZE(every_gen));
        if (adt_is_t8110(g)) {
            adt_add_cases(g, t8110, ARRAY_SIZE(t8110));
            adt_add(g, "migration", test_t8110_migration);
        }
    }
    adt_add_cases(adt_gen("t8103-usb4"), usb4, ARRAY_SIZE(usb4));
    for (int i = 0; i < ARRAY_SIZE(high_streams); i++) {
        g_autofree char *path = g_strdup_printf("/apple-dart/%s/high-stream",
                                                high_streams[i].gen);

        qtest_add_data_func(path, &high_streams[i], test_high_stream);
    }
    qtest_add_func("/apple-dart/variants/bad-options", test_bad_options);
    qtest_add_func("/apple-dart/variants/every-property-has-a-bad-value",
                   test_every_property_has_a_bad_value);
    return g_test_run();
}
