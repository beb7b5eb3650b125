/*
 * Apple DART: a micro-benchmark of the model's own hot paths
 *
 * Copyright (c) 2026 The apple-dart QEMU model authors
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 *
 * DMA throughput measured through a guest mixes the model with
 * everything else QEMU and Linux do. To judge a change to the
 * translation path by numbers, "qom-set <dart> x-microbench
 * stream=N,iova=ADDR,unmapped=ADDR[,count=N]" times the model alone on
 * tables the caller has set up (stream N translating, ADDR mapped,
 * the second address not), calling its translate() as the memory core
 * does, and "qom-get <dart> x-microbench" returns nanoseconds per
 * operation as JSON:
 *   tlb-hit      a translation served from the TLB
 *   walk         a TLB miss: the walk of every level, and caching it
 *   invalidate   a TLB invalidation of one stream
 *   fault        a DMA to an unmapped address, recorded as a fault
 *   dma-read     a 4 KiB DMA read through the stream, TLB warm
 *   dma-fault    a refused 4 KiB DMA read: QEMU's core offers it to
 *                translate() 4 bytes at a time, one fault in all
 * The guest's registers and the statistics are restored afterwards; the
 * stream's TLB ends up invalidated, as after any guest invalidation.
 */

#include "qemu/osdep.h"
#include "qemu/keyval.h"
#include "qemu/timer.h"
#include "qapi/error.h"
#include "hw/irq.h"
#include "qobject/qdict.h"
#include "qobject/qjson.h"
#include "apple-dart-internal.h"

#define DART_BENCH_DMA_SIZE 4096

typedef struct DartBenchArgs {
    uint64_t stream;
    uint64_t iova;
    uint64_t unmapped;
    uint64_t count;
} DartBenchArgs;

static bool dart_bench_parse(AppleDARTState *s, const char *spec,
                             DartBenchArgs *a, Error **errp)
{
    g_autoptr(QDict) args = keyval_parse(spec, NULL, NULL, NULL);
    bool ok = args &&
              apple_dart_arg_u64(args, "stream", &a->stream) &&
              apple_dart_arg_u64(args, "iova", &a->iova) &&
              apple_dart_arg_u64(args, "unmapped", &a->unmapped);

    a->count = 100000;
    if (ok && qdict_haskey(args, "count")) {
        ok = apple_dart_arg_u64(args, "count", &a->count);
    }
    if (!ok || qdict_size(args) != 3 + qdict_haskey(args, "count") ||
        a->stream >= s->geo.num_streams || !a->count ||
        a->count > 100000000) {
        error_setg(errp, "x-microbench takes stream=N,iova=ADDR,"
                   "unmapped=ADDR[,count=N] with N below %u and count 1 to"
                   " 10^8, not '%s'", s->geo.num_streams, spec);
        return false;
    }
    return true;
}

/* ns per call of @op, @count times */
#define DART_BENCH(count, op) ({                            \
        int64_t t0_ = get_clock();                          \
        for (uint64_t i_ = 0; i_ < (count); i_++) {         \
            op;                                             \
        }                                                   \
        (double)(get_clock() - t0_) / (count);              \
    })

static void dart_bench_put(QDict *d, const char *key, double ns)
{
    qdict_put_int(d, key, (int64_t)(ns * 10 + 0.5));
}

void apple_dart_microbench(AppleDARTState *s, const char *spec,
                           Error **errp)
{
    IOMMUMemoryRegion *mr;
    IOMMUMemoryRegionClass *imrc;
    DartBenchArgs a;
    AppleDARTRegs saved_regs = s->regs;
    uint64_t saved[] = {
        s->stat_walks, s->stat_tlb_hits, s->stat_faults,
        s->stat_invalidations, s->stat_redundant_invalidations,
    };
    IOMMUTLBEntry probe;
    g_autofree uint8_t *buf = g_malloc(DART_BENCH_DMA_SIZE);
    AddressSpace *as;
    double hit, walk_inv, inv, fault, dma_read, dma_fault;
    QDict *d;
    g_autoptr(GString) json = NULL;

    if (!dart_bench_parse(s, spec, &a, errp)) {
        return;
    }
    mr = IOMMU_MEMORY_REGION(apple_dart_stream_mr(s, a.stream));
    as = apple_dart_stream_as(s, a.stream);
    imrc = IOMMU_MEMORY_REGION_GET_CLASS(mr);
    probe = imrc->translate(mr, a.iova, IOMMU_RO, 0);
    if (!(probe.perm & IOMMU_RO)) {
        error_setg(errp, "x-microbench: stream %" PRIu64 " does not map iova"
                   " 0x%" PRIx64 " for reading", a.stream, a.iova);
        s->regs = saved_regs;
        return;
    }

    hit = DART_BENCH(a.count, imrc->translate(mr, a.iova, IOMMU_RO, 0));
    inv = DART_BENCH(a.count, apple_dart_invalidate(s, a.stream));
    walk_inv = DART_BENCH(a.count, {
        apple_dart_invalidate(s, a.stream);
        imrc->translate(mr, a.iova, IOMMU_RO, 0);
    });
    fault = DART_BENCH(a.count, imrc->translate(mr, a.unmapped, IOMMU_RO, 0));
    dma_read = DART_BENCH(DIV_ROUND_UP(a.count, 16),
                          address_space_read(as, a.iova & ~0xfffULL,
                                             MEMTXATTRS_UNSPECIFIED, buf,
                                             DART_BENCH_DMA_SIZE));
    dma_fault = DART_BENCH(DIV_ROUND_UP(a.count, 16),
                           address_space_read(as, a.unmapped & ~0xfffULL,
                                              MEMTXATTRS_UNSPECIFIED, buf,
                                              DART_BENCH_DMA_SIZE));

    /* what the guest sees is as it was */
    s->regs = saved_regs;
    apple_dart_invalidate(s, a.stream);
    s->stat_walks = saved[0];
    s->stat_tlb_hits = saved[1];
    s->stat_faults = saved[2];
    s->stat_invalidations = saved[3];
    s->stat_redundant_invalidations = saved[4];
    qemu_set_irq(s->irq, !!(s->regs.error & s->gen->regs->error_flag));

    d = qdict_new();
    qdict_put_str(d, "compatible", s->gen->compatible);
    qdict_put_int(d, "levels", s->regs.tcr[a.stream] &
                  s->gen->regs->tcr_four_level ? 3 : 2);
    qdict_put_int(d, "count", a.count);
    /* tenths of a nanosecond */
    dart_bench_put(d, "tlb-hit-ns10", hit);
    dart_bench_put(d, "walk-ns10", walk_inv > inv ? walk_inv - inv : 0);
    dart_bench_put(d, "invalidate-ns10", inv);
    dart_bench_put(d, "fault-ns10", fault);
    dart_bench_put(d, "dma-read-ns10", dma_read);
    dart_bench_put(d, "dma-fault-ns10", dma_fault);
    json = qobject_to_json(QOBJECT(d));
    qobject_unref(d);
    g_free(s->microbench_result);
    s->microbench_result = g_strdup(json->str);
}
