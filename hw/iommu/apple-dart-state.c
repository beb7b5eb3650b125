/*
 * Apple DART: the device's state as JSON, live mappings included
 *
 * Copyright (c) 2026 The apple-dart QEMU model authors
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 *
 * "qom-get <dart> state" answers what a kernel developer asks first
 * when DMA goes wrong: is the DART locked, which streams translate,
 * with which tables, and what do those tables map right now. The
 * mappings come from a walk of the tables in guest memory, merged into
 * IOVA ranges; the walk reads each table once, bounds the number of
 * tables it reads (tables may point anywhere, even at each other) and
 * says where it stopped.
 */

#include "qemu/osdep.h"
#include "qemu/bswap.h"
#include "qobject/qdict.h"
#include "qobject/qjson.h"
#include "qobject/qlist.h"
#include "apple-dart-internal.h"

/* At most this many tables are read, and ranges listed, for one dump. */
#define DART_STATE_MAX_TABLES   4096
#define DART_STATE_MAX_RANGES   4096

typedef struct DartStateWalk {
    AppleDARTState *s;
    AppleDARTGeometry geo;
    QList *list;            /* the mappings */
    unsigned tables_read;
    unsigned ranges;
    QList *problems;        /* tables that could not be read */
    /* the range being merged */
    bool open;
    uint64_t iova, pa, size;
    int perm;
} DartStateWalk;

static void put_hex(QDict *d, const char *key, uint64_t val)
{
    g_autofree char *str = g_strdup_printf("0x%" PRIx64, val);

    qdict_put_str(d, key, str);
}

static void walk_close_range(DartStateWalk *w)
{
    QDict *r;

    if (!w->open) {
        return;
    }
    w->open = false;
    if (w->ranges++ == DART_STATE_MAX_RANGES) {
        qlist_append_str(w->problems, "too many mappings: list cut short");
    }
    if (w->ranges > DART_STATE_MAX_RANGES) {
        return;
    }
    r = qdict_new();
    put_hex(r, "iova", w->iova);
    put_hex(r, "pa", w->pa);
    put_hex(r, "size", w->size);
    qdict_put_str(r, "perm", apple_dart_perm_name(w->perm));
    qlist_append(w->list, r);
}

static void walk_leaf(DartStateWalk *w, uint64_t iova, uint64_t pte)
{
    const AppleDARTPTEFormat *f = w->geo.gen->pte;
    uint64_t page = 1ull << w->geo.page_shift;
    uint64_t pa = apple_dart_pte_to_pa(&w->geo, pte);
    int perm = (pte & f->no_read ? 0 : IOMMU_RO) |
               (pte & f->no_write ? 0 : IOMMU_WO);

    if (w->open && iova == w->iova + w->size && pa == w->pa + w->size &&
        perm == w->perm) {
        w->size += page;
        return;
    }
    walk_close_range(w);
    w->open = true;
    w->iova = iova;
    w->pa = pa;
    w->size = page;
    w->perm = perm;
}

static void walk_problem(DartStateWalk *w, const char *what, uint64_t table)
{
    g_autofree char *str = g_strdup_printf("%s at 0x%" PRIx64, what, table);

    qlist_append_str(w->problems, str);
}

/* The table at @table, of @level (0: leaves), maps from @base on. */
static void walk_table(DartStateWalk *w, uint64_t table, unsigned level,
                       uint64_t base)
{
    unsigned entries = 1u << apple_dart_pt_bits(&w->geo);
    g_autofree uint64_t *pte = g_new(uint64_t, entries);
    unsigned shift = w->geo.page_shift + apple_dart_pt_bits(&w->geo) * level;

    if (w->tables_read++ >= DART_STATE_MAX_TABLES) {
        walk_problem(w, "walk stopped: too many tables", table);
        return;
    }
    if (!apple_dart_read_tables(w->s, table, pte, entries * sizeof(*pte))) {
        walk_problem(w, "table not in RAM", table);
        return;
    }
    for (unsigned i = 0; i < entries; i++) {
        uint64_t e = le64_to_cpu(pte[i]);
        uint64_t iova = base + ((uint64_t)i << shift);

        if (!(e & APPLE_DART_PTE_VALID)) {
            continue;
        }
        if (level == 0) {
            walk_leaf(w, iova, e);
        } else {
            walk_table(w, apple_dart_pte_to_pa(&w->geo, e), level - 1, iova);
        }
    }
}

/* @tables_read and @ranges count across the whole dump. */
static QDict *stream_state(AppleDARTState *s, unsigned sid,
                           unsigned *tables_read, unsigned *ranges)
{
    const AppleDARTRegMap *r = s->gen->regs;
    QDict *d = qdict_new();
    QList *ttbrs = qlist_new();
    DartStateWalk w = {
        .s = s, .geo = s->geo, .list = qlist_new(),
        .tables_read = *tables_read, .ranges = *ranges,
        .problems = qlist_new(),
    };

    w.geo.levels = (s->regs.tcr[sid] & r->tcr_four_level) ? 3 : 2;
    qdict_put_int(d, "stream", sid);
    qdict_put_str(d, "mode", apple_dart_stream_mode_name(s, sid));
    put_hex(d, "tcr", s->regs.tcr[sid]);
    for (unsigned t = 0; t < s->gen->ttbrs_per_stream; t++) {
        uint32_t ttbr = s->regs.ttbr[sid][t];
        g_autofree char *str = g_strdup_printf("0x%08" PRIx32, ttbr);

        qlist_append_str(ttbrs, str);
        if (ttbr & r->ttbr_valid) {
            walk_table(&w, apple_dart_ttbr_table(&w.geo, ttbr),
                       w.geo.levels - 1,
                       (uint64_t)t << (w.geo.page_shift +
                                       apple_dart_pt_bits(&w.geo) *
                                       w.geo.levels));
        }
    }
    walk_close_range(&w);
    qdict_put(d, "ttbr", ttbrs);
    qdict_put_int(d, "levels", w.geo.levels);
    qdict_put(d, "mappings", w.list);
    if (qlist_empty(w.problems)) {
        qobject_unref(w.problems);
    } else {
        qdict_put(d, "problems", w.problems);
    }
    *tables_read = w.tables_read;
    *ranges = w.ranges;
    return d;
}

/* A stream worth showing: programmed, whatever its mode. */
static bool stream_in_use(AppleDARTState *s, unsigned sid)
{
    for (unsigned t = 0; t < s->gen->ttbrs_per_stream; t++) {
        if (s->regs.ttbr[sid][t]) {
            return true;
        }
    }
    return s->regs.tcr[sid] != 0;
}

char *apple_dart_state_json(AppleDARTState *s)
{
    QDict *d = qdict_new();
    QDict *stats = qdict_new();
    QList *streams = qlist_new();
    unsigned tables_read = 0, ranges = 0;
    g_autoptr(GString) json = NULL;

    qdict_put_str(d, "dart", s->trace_name);
    qdict_put_str(d, "compatible", s->gen->compatible);
    qdict_put_str(d, "layout", s->gen->regs->name);
    qdict_put_int(d, "page-size", 1 << s->geo.page_shift);
    qdict_put_int(d, "va-bits", s->ias);
    qdict_put_int(d, "pa-bits", s->oas);
    qdict_put_int(d, "num-streams", s->geo.num_streams);
    qdict_put_bool(d, "bypass-supported", s->bypass_supported);
    qdict_put_bool(d, "locked", apple_dart_is_locked(s));
    put_hex(d, "error", s->regs.error);
    put_hex(d, "error-addr", s->regs.error_addr);
    for (unsigned sid = 0; sid < s->geo.num_streams; sid++) {
        if (stream_in_use(s, sid)) {
            qlist_append(streams, stream_state(s, sid, &tables_read,
                                               &ranges));
        }
    }
    qdict_put(d, "streams", streams);

    qdict_put_int(stats, "walks", s->stat_walks);
    qdict_put_int(stats, "tlb-hits", s->stat_tlb_hits);
    qdict_put_int(stats, "faults", s->stat_faults);
    qdict_put_int(stats, "invalidations", s->stat_invalidations);
    if (s->check_stale_tlb) {
        qdict_put_int(stats, "stale-tlb-hits", s->stat_stale_tlb_hits);
        qdict_put_int(stats, "stale-unmapped-hits",
                      s->stat_stale_unmapped_hits);
        qdict_put_int(stats, "stale-reports", s->stat_stale_reports);
        qdict_put_int(stats, "redundant-invalidations",
                      s->stat_redundant_invalidations);
    }
    if (s->check_pte_format) {
        qdict_put_int(stats, "pte-format-reports",
                      s->stat_pte_format_reports);
    }
    qdict_put(d, "stats", stats);

    json = qobject_to_json(QOBJECT(d));
    qobject_unref(d);
    return g_strdup(json->str);
}
