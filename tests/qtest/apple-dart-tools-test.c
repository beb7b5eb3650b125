/*
 * QTest for the Apple DART's driver-bug tools: the stale-TLB detector,
 * BUSY emulation, fault injection and the state dump, on every
 * generation
 *
 * Copyright (c) 2026 The apple-dart QEMU model authors
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 *
 * QEMU's "edu" PCI device in slot 3 (stream 3 of the PCIe DART) is the
 * DMA master, as in the other DART qtests (apple-dart-qtest.h).
 */

#include "qemu/osdep.h"
#include "qemu/bitops.h"
#include "apple-dart-qtest.h"
#include "qapi/error.h"
#include "qobject/qdict.h"
#include "qobject/qjson.h"
#include "qobject/qlist.h"
#include "qobject/qstring.h"

#define SID             ADT_SID
#define STALE_CHECK     "dart-check-stale-tlb=on"

/*
 * Stale-TLB detector
 */

/*
 * A PTE changed without an invalidate, then used by edu: exactly one
 * report for that stream and page, however often it is used, and the
 * DMA still goes where the stale entry says, as on hardware.
 */
static void test_stale_remap(AppleDartTest *c)
{
    uint64_t top = adt_attach_ab(c);

    adt_fill(c, ADT_BUF_A, 0x11);
    adt_fill(c, ADT_BUF_C, 0x22);
    adt_dma_from(c, 0x4000);                    /* cached */
    adt_map(c, top, 0x4000, adt_leaf(c, ADT_BUF_C, false, false));
    adt_dma_copy(c, 0x4000, 0x8000);
    adt_dma_copy(c, 0x4000, 0x8000);
    g_assert_true(adt_holds(c, ADT_BUF_B, 0x11));        /* stale */
    g_assert_cmpuint(adt_stat(c, "stat-stale-tlb-hits"), ==, 2);
    g_assert_cmpuint(adt_stat(c, "stat-stale-unmapped-hits"), ==, 0);
    g_assert_cmpuint(adt_stat(c, "stat-stale-reports"), ==, 1);

    /* unmapped without an invalidate: a DMA to an IOVA still cached */
    adt_dma_to(c, 0x8000);
    adt_map(c, top, 0x8000, 0);
    adt_dma_to(c, 0x8000);
    g_assert_cmpuint(adt_stat(c, "stat-stale-tlb-hits"), ==, 3);
    g_assert_cmpuint(adt_stat(c, "stat-stale-unmapped-hits"), ==, 1);
    g_assert_cmpuint(adt_stat(c, "stat-stale-reports"), ==, 2);

    /* the fix: invalidate, and the tables are used, with no report */
    adt_map(c, top, 0xc000, adt_leaf(c, ADT_BUF_B, false, false));
    adt_flush(c, SID);
    adt_zero(c, ADT_BUF_B, ADT_XFER);
    adt_dma_copy(c, 0x4000, 0xc000);
    g_assert_true(adt_holds(c, ADT_BUF_B, 0x22));
    adt_assert_no_fault(c);
    adt_dma_to(c, 0x8000);
    adt_assert_fault(c, APPLE_DART_FAULT_NO_PTE, SID, 0x8000);
    g_assert_cmpuint(adt_stat(c, "stat-stale-tlb-hits"), ==, 3);
    g_assert_cmpuint(adt_stat(c, "stat-stale-reports"), ==, 2);
}

/* A driver that invalidates after every change is never reported. */
static void test_stale_clean(AppleDartTest *c)
{
    uint64_t top = adt_attach_ab(c);
    uint64_t redundant;

    adt_fill(c, ADT_BUF_A, 0x31);
    adt_fill(c, ADT_BUF_C, 0x32);
    adt_dma_copy(c, 0x4000, 0x8000);
    adt_map(c, top, 0x4000, adt_leaf(c, ADT_BUF_C, false, false));
    adt_flush(c, SID);
    adt_dma_copy(c, 0x4000, 0x8000);
    adt_dma_copy(c, 0x4000, 0x8000);            /* from the TLB */
    g_assert_true(adt_holds(c, ADT_BUF_B, 0x32));
    adt_assert_no_fault(c);
    g_assert_cmpuint(adt_stat(c, "stat-tlb-hits"), >=, 2);
    g_assert_cmpuint(adt_stat(c, "stat-stale-tlb-hits"), ==, 0);
    g_assert_cmpuint(adt_stat(c, "stat-stale-reports"), ==, 0);

    /* an invalidation with nothing changed since is counted as such */
    redundant = adt_stat(c, "stat-redundant-invalidations");
    adt_flush(c, SID);
    g_assert_cmpuint(adt_stat(c, "stat-redundant-invalidations"), ==,
                     redundant + 1);
}

/* Off by default: the same bug goes unseen, as on a Mac. */
static void test_stale_off(AppleDartTest *c)
{
    uint64_t top = adt_attach_ab(c);

    adt_fill(c, ADT_BUF_A, 0x41);
    adt_dma_from(c, 0x4000);
    adt_map(c, top, 0x4000, adt_leaf(c, ADT_BUF_C, false, false));
    adt_dma_copy(c, 0x4000, 0x8000);
    g_assert_true(adt_holds(c, ADT_BUF_B, 0x41));
    g_assert_cmpuint(adt_stat(c, "stat-stale-tlb-hits"), ==, 0);
    g_assert_cmpuint(adt_stat(c, "stat-stale-reports"), ==, 0);
}

/*
 * BUSY emulation
 */

/* Write an invalidation command of @sid, the layout's way. */
static void invalidate_cmd(AppleDartTest *c, unsigned sid)
{
    if (adt_is_t8110(c->g)) {
        adt_wr(c, A_T8110_TLB_CMD,
               FIELD_DP32(sid, T8110_TLB_CMD, OP, T8110_TLB_OP_FLUSH_STREAM));
    } else {
        adt_wr(c, A_T8020_STREAM_SELECT, BIT(sid));
        adt_wr(c, A_T8020_STREAM_COMMAND,
               R_T8020_STREAM_COMMAND_INVALIDATE_MASK);
    }
}

static bool busy(AppleDartTest *c)
{
    if (adt_is_t8110(c->g)) {
        return adt_rd(c, A_T8110_TLB_CMD) & R_T8110_TLB_CMD_BUSY_MASK;
    }
    return adt_rd(c, A_T8020_STREAM_COMMAND) &
           R_T8020_STREAM_COMMAND_BUSY_MASK;
}

/* busy-reads=3: BUSY for three reads after each command, then clear */
static void test_busy_reads(AppleDartTest *c)
{
    g_assert_false(busy(c));
    for (int round = 0; round < 2; round++) {
        invalidate_cmd(c, SID);
        for (int i = 0; i < 3; i++) {
            g_assert_true(busy(c));
        }
        g_assert_false(busy(c));
        g_assert_false(busy(c));
    }
}

/* busy-ns: BUSY until that much virtual time has passed */
static void test_busy_ns(AppleDartTest *c)
{
    invalidate_cmd(c, SID);
    g_assert_true(busy(c));
    qtest_clock_step(c->qts, 400 * 1000);
    g_assert_true(busy(c));
    qtest_clock_step(c->qts, 200 * 1000);
    g_assert_false(busy(c));
}

/* busy-stuck: never clears, but a reset brings the DART back */
static void test_busy_stuck(AppleDartTest *c)
{
    g_assert_false(busy(c));
    invalidate_cmd(c, SID);
    for (int i = 0; i < 1000; i++) {
        g_assert_true(busy(c));
    }
    qtest_system_reset(c->qts);
    g_assert_false(busy(c));
    /* the invalidation itself was done: the model never delays it */
    g_assert_cmpuint(adt_stat(c, "stat-invalidations"), >=, 1);
}

/*
 * Fault injection
 */

static void inject(AppleDartTest *c, const char *spec)
{
    qtest_qmp_assert_success(c->qts, "{'execute': 'qom-set', 'arguments':"
                             " {'path': %s, 'property': 'inject-fault',"
                             " 'value': %s}}", adt_dart_qom(c->dart), spec);
}

static void inject_refused(AppleDartTest *c, const char *spec)
{
    QDict *rsp = qtest_qmp(c->qts, "{'execute': 'qom-set', 'arguments':"
                           " {'path': %s, 'property': 'inject-fault',"
                           " 'value': %s}}", adt_dart_qom(c->dart), spec);

    g_assert_true(qdict_haskey(rsp, "error"));
    qobject_unref(rsp);
}

/* An injected fault is latched and interrupts as a DMA's would. */
static void test_inject_fault(AppleDartTest *c)
{
    /* the last stream ERROR.STREAM can name (usb4 has 64, 4 bits) */
    unsigned last = MIN(c->geo.num_streams,
                        1u << c->regs->error_stream_len) - 1;
    g_autofree char *spec = g_strdup_printf("stream=%u,iova=0x123454000,"
                                            "fault=write", last);

    adt_assert_no_fault(c);
    inject(c, "stream=3,iova=0xbadd000,fault=read");
    adt_assert_fault_latched(c, APPLE_DART_FAULT_READ, SID, 0xbadd000);
    /* a second one is not latched over the first, only counted */
    inject(c, spec);
    adt_assert_fault(c, APPLE_DART_FAULT_READ, SID, 0xbadd000);
    inject(c, spec);
    adt_assert_fault(c, APPLE_DART_FAULT_WRITE, last, 0x123454000);
    inject(c, "stream=0,iova=0,fault=no-pte");
    adt_assert_fault(c, APPLE_DART_FAULT_NO_PTE, 0, 0);
    g_assert_cmpuint(adt_stat(c, "stat-faults"), ==, 4);

    /* nonsense is refused, and nothing is latched */
    inject_refused(c, "stream=999,iova=0,fault=read");
    inject_refused(c, "stream=1,fault=sideways");
    adt_assert_no_fault(c);
}

/*
 * State dump
 */

static QDict *dart_state(AppleDartTest *c)
{
    g_autofree char *json = adt_qom_str(c, adt_dart_qom(c->dart), "state");
    QDict *d = qobject_to(QDict, qobject_from_json(json, &error_abort));

    g_assert_nonnull(d);
    return d;
}

/* The entry of stream @sid in the dump's "streams", or NULL */
static QDict *state_stream(QDict *d, unsigned sid)
{
    QListEntry *e;

    QLIST_FOREACH_ENTRY(qdict_get_qlist(d, "streams"), e) {
        QDict *s = qobject_to(QDict, qlist_entry_obj(e));

        if (qdict_get_int(s, "stream") == sid) {
            return s;
        }
    }
    return NULL;
}

/* Element @n of @list, as a dictionary */
static QDict *nth(QList *list, unsigned n)
{
    QListEntry *e;

    QLIST_FOREACH_ENTRY(list, e) {
        if (!n--) {
            return qobject_to(QDict, qlist_entry_obj(e));
        }
    }
    g_assert_not_reached();
}

static uint64_t hex(QDict *d, const char *key)
{
    return g_ascii_strtoull(qdict_get_str(d, key), NULL, 16);
}

/* The dump lists exactly the mappings the test wrote, merged. */
static void test_state_dump(AppleDartTest *c)
{
    uint64_t top = adt_attach_ab(c);      /* 0x4000 -> A, 0x8000 -> B */
    uint64_t far = 0x10000000;
    QDict *d, *s, *m;
    QList *maps;

    adt_map(c, top, far, adt_leaf(c, ADT_BUF_C, false, true));
    d = dart_state(c);
    g_assert_cmpstr(qdict_get_str(d, "compatible"), ==,
                    c->geo.gen->compatible);
    g_assert_false(qdict_get_bool(d, "locked"));
    g_assert_cmpint(qdict_get_int(d, "num-streams"), ==,
                    c->geo.num_streams);
    s = state_stream(d, SID);
    g_assert_nonnull(s);
    g_assert_cmpstr(qdict_get_str(s, "mode"), ==, "translate");
    g_assert_cmphex(hex(s, "tcr"), ==, apple_dart_tcr_translate(&c->geo));
    g_assert_cmpint(qdict_get_int(s, "levels"), ==, c->geo.levels);
    maps = qdict_get_qlist(s, "mappings");
    g_assert_cmpuint(qlist_size(maps), ==, 2);
    /* A and B are adjacent pages, mapped at adjacent IOVAs: one range */
    m = nth(maps, 0);
    g_assert_cmphex(hex(m, "iova"), ==, 0x4000);
    g_assert_cmphex(hex(m, "pa"), ==, ADT_BUF_A);
    g_assert_cmphex(hex(m, "size"), ==, 2 * adt_page_size(c));
    g_assert_cmpstr(qdict_get_str(m, "perm"), ==, "rw");
    m = nth(maps, 1);
    g_assert_cmphex(hex(m, "iova"), ==, far);
    g_assert_cmphex(hex(m, "pa"), ==, ADT_BUF_C);
    g_assert_cmphex(hex(m, "size"), ==, adt_page_size(c));
    g_assert_cmpstr(qdict_get_str(m, "perm"), ==, "r");
    /* streams nobody programmed are left out */
    g_assert_null(state_stream(d, SID + 1));
    qobject_unref(d);
}

/* Tables that point at themselves or outside RAM: the dump ends. */
static void test_state_dump_garbage(AppleDartTest *c)
{
    uint64_t top = adt_attach(c, SID);
    QDict *d, *s;

    /* every entry of the top table points at the top table */
    for (unsigned i = 0; i < 64; i++) {
        qtest_writeq(c->qts, top + 8 * i, apple_dart_table_pte(&c->geo, top));
    }
    qtest_writeq(c->qts, top + 8 * 64,
                 apple_dart_table_pte(&c->geo, ADT_OUTSIDE_RAM));
    d = dart_state(c);
    s = state_stream(d, SID);
    g_assert_nonnull(s);
    g_assert_true(qdict_haskey(s, "problems"));
    qobject_unref(d);
}

/*
 * A table in MMIO (here the display DART's registers) is not read, as a
 * translation would not read it either: reading registers has side
 * effects, and the dump reports the table instead.
 */
static void test_state_dump_mmio_table(AppleDartTest *c)
{
    uint64_t top = adt_attach(c, SID);
    g_autofree char *want = g_strdup_printf("table not in RAM at 0x%" PRIx64,
                                            (uint64_t)ADT_DART_DISP);
    QDict *d, *s;
    QList *problems;

    qtest_writeq(c->qts, top, apple_dart_table_pte(&c->geo, ADT_DART_DISP));
    d = dart_state(c);
    s = state_stream(d, SID);
    g_assert_nonnull(s);
    g_assert_cmpuint(qlist_size(qdict_get_qlist(s, "mappings")), ==, 0);
    problems = qdict_get_qlist(s, "problems");
    g_assert_nonnull(problems);
    g_assert_cmpuint(qlist_size(problems), ==, 1);
    g_assert_cmpstr(qstring_get_str(qobject_to(QString,
                                               qlist_peek(problems))), ==,
                    want);
    qobject_unref(d);
}

/* The firmware's preset, locked display DART, as the dump shows it */
static void test_state_dump_locked(AppleDartTest *c)
{
    QDict *d = dart_state(c);
    QDict *s = state_stream(d, 0);
    QListEntry *e;
    bool fb = false;

    g_assert_true(qdict_get_bool(d, "locked"));
    g_assert_nonnull(s);
    QLIST_FOREACH_ENTRY(qdict_get_qlist(s, "mappings"), e) {
        QDict *m = qobject_to(QDict, qlist_entry_obj(e));

        if (hex(m, "iova") == 0xa0000000) {
            g_assert_cmphex(hex(m, "size"), ==, 0x300000);
            fb = true;
        }
    }
    g_assert_true(fb);
    qobject_unref(d);
}

/* Properties that make no sense are refused with one line. */
static void test_bad_options(void)
{
    static const AppleDartBadOption cases[] = {
        { "-M apple-virt -global apple-dart.busy-reads=2"
          " -global apple-dart.busy-stuck=on",
          "busy-reads, busy-ns and busy-stuck exclude each other" },
        { "-M apple-virt,dart-check-stale-tlb=maybe",
          "dart-check-stale-tlb" },
    };

    adt_assert_bad_options(cases, ARRAY_SIZE(cases));
}

int main(int argc, char **argv)
{
    static const AppleDartTestCase every_gen[] = {
        { "tools/stale-tlb-remap", test_stale_remap, STALE_CHECK },
        { "tools/stale-tlb-clean", test_stale_clean, STALE_CHECK },
        { "tools/stale-tlb-off", test_stale_off },
        { "tools/busy-reads", test_busy_reads, NULL,
          "-global apple-dart.busy-reads=3" },
        { "tools/busy-ns", test_busy_ns, NULL,
          "-global apple-dart.busy-ns=500000" },
        { "tools/busy-stuck", test_busy_stuck, NULL,
          "-global apple-dart.busy-stuck=on" },
        { "tools/inject-fault", test_inject_fault },
        { "tools/state-dump", test_state_dump },
        { "tools/state-dump-garbage", test_state_dump_garbage },
        { "tools/state-dump-mmio-table", test_state_dump_mmio_table },
        { "tools/state-dump-locked", test_state_dump_locked, NULL, NULL,
          ADT_DART_DISP },
    };

    g_test_init(&argc, &argv, NULL);
    for (int i = 0; i < ARRAY_SIZE(adt_gens); i++) {
        adt_add_cases(&adt_gens[i], every_gen, ARRAY_SIZE(every_gen));
    }
    qtest_add_func("/apple-dart/tools/bad-options", test_bad_options);
    return g_test_run();
}
