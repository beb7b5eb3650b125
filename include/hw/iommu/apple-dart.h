/*
 * Apple DART (Device Address Resolution Table) IOMMU
 *
 * Copyright (c) 2026 The apple-dart QEMU model authors
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#ifndef HW_IOMMU_APPLE_DART_H
#define HW_IOMMU_APPLE_DART_H

#include "hw/sysbus.h"
#include "qemu/thread.h"
#include "qom/object.h"
#include "hw/iommu/apple-dart-regs.h"

#define TYPE_APPLE_DART "apple-dart"
OBJECT_DECLARE_TYPE(AppleDARTState, AppleDARTClass, APPLE_DART)

/* One concrete type per DART generation, named after its compatible. */
#define TYPE_APPLE_DART_T8103 "apple-dart-t8103"
#define TYPE_APPLE_DART_T8103_USB4 "apple-dart-t8103-usb4"
#define TYPE_APPLE_DART_T6000 "apple-dart-t6000"
#define TYPE_APPLE_DART_T8110 "apple-dart-t8110"

#define TYPE_APPLE_DART_IOMMU_MEMORY_REGION "apple-dart-iommu-memory-region"

/* Translation cache: direct-mapped, power-of-two number of entries. */
#define APPLE_DART_TLB_BITS     10
#define APPLE_DART_TLB_SIZE     (1u << APPLE_DART_TLB_BITS)

/* the longest a busy-reads / busy-ns invalidation may stay BUSY */
#define APPLE_DART_BUSY_READS_MAX   1000000u
#define APPLE_DART_BUSY_NS_MAX      UINT64_C(10000000000)   /* 10 s */

typedef struct AppleDARTLayoutOps AppleDARTLayoutOps;

/*
 * A cached leaf translation: one page of one stream, as translate()
 * returns it, and the subpage window that limits it further.
 */
typedef struct AppleDARTTLBEntry {
    IOMMUTLBEntry entry;
    uint32_t epoch;         /* valid while equal to the stream's epoch */
    uint16_t sid;
    bool valid;
    uint16_t sub_start;     /* subpage window, in page/4096 units */
    uint16_t sub_end;
} AppleDARTTLBEntry;

/* The DMA view of one stream: what its masters see. */
typedef struct AppleDARTStream {
    IOMMUMemoryRegion iommu;
    AddressSpace as;
    AppleDARTState *dart;
    uint32_t sid;
    IOMMUNotifierFlag notifier_flags;
    /* the faulting transaction in progress: see dart_fault_run_continues() */
    uint64_t fault_run;
} AppleDARTStream;

/*
 * The guest-visible registers: what reset clears and migration carries.
 * Registers of one layout only read as zero in the other.
 */
typedef struct AppleDARTRegs {
    uint32_t error;
    uint64_t error_addr;
    uint32_t config;                /* T8020: LOCK */
    uint32_t stream_select[APPLE_DART_STREAM_WORDS];
    uint32_t streams_enable[APPLE_DART_STREAM_WORDS];
    uint32_t tcr[APPLE_DART_MAX_STREAMS];
    uint32_t ttbr[APPLE_DART_MAX_STREAMS][APPLE_DART_MAX_TTBRS];
    uint32_t error_mask;            /* T8110 */
    uint32_t error_streams[APPLE_DART_STREAM_WORDS];
    uint32_t protect;
    bool protect_locked;
} AppleDARTRegs;

struct AppleDARTState {
    SysBusDevice parent_obj;

    MemoryRegion iomem;
    qemu_irq irq;
    QEMUBH *irq_bh;         /* raises it for faults outside the BQL */
    MemoryRegion *dma_mr;   /* "dma-memory": where tables and DMA go */
    AddressSpace dma_as;
    const AppleDARTGeneration *gen;
    const AppleDARTLayoutOps *ops;
    char *trace_name;

    /* properties */
    uint32_t page_size;
    OnOffAuto bypass;
    uint32_t prop_num_streams;
    uint32_t prop_va_bits;
    uint32_t prop_pa_bits;
    bool check_stale_tlb;   /* report use of stale cached translations */
    bool check_pte_format;  /* report leaves with the other format's bits */
    uint32_t busy_reads;    /* invalidation BUSY for this many reads, */
    uint64_t busy_ns;       /* or this long, */
    bool busy_stuck;        /* or for ever */

    /* derived in realize */
    AppleDARTGeometry geo;  /* levels: as firmware and Linux choose them */
    bool bypass_supported;
    unsigned ias;           /* VA width */
    unsigned oas;           /* PA width */

    AppleDARTRegs regs;
    /* an invalidation in progress, as BUSY emulation shows it */
    uint32_t busy_reads_left;
    int64_t busy_until_ns;

    /* translation cache, protected by @lock */
    QemuMutex lock;
    AppleDARTTLBEntry tlb[APPLE_DART_TLB_SIZE];
    uint32_t epoch[APPLE_DART_MAX_STREAMS];

    AppleDARTStream *streams[APPLE_DART_MAX_STREAMS];

    /* statistics, readable as QOM properties */
    uint64_t stat_walks;
    uint64_t stat_tlb_hits;
    uint64_t stat_faults;
    uint64_t stat_invalidations;
    /* stale-TLB detector, when check-stale-tlb is on */
    GHashTable *stale_reported;     /* (stream, page) already reported */
    uint64_t stat_stale_tlb_hits;
    uint64_t stat_stale_unmapped_hits;
    uint64_t stat_stale_reports;
    uint64_t stat_redundant_invalidations;
    /* PTE format check, when check-pte-format is on */
    uint64_t stat_pte_format_reports;
    uint32_t pte_format_reported[APPLE_DART_STREAM_WORDS];  /* logged */
    char *microbench_result;        /* JSON, see apple-dart-bench.c */
};

struct AppleDARTClass {
    SysBusDeviceClass parent_class;
    const AppleDARTGeneration *gen;
};

/*
 * The address space through which DMA masters of stream @sid reach
 * memory, created on first use. @sid must be below the DART's stream
 * count (apple_dart_geometry()->num_streams).
 */
AddressSpace *apple_dart_stream_as(AppleDARTState *s, unsigned sid);

/* The same, as a memory region, for devices with a "dma" link property. */
MemoryRegion *apple_dart_stream_mr(AppleDARTState *s, unsigned sid);

/*
 * The DART as realized: its generation (compatible, registers, PTE
 * format), page size, stream count, and the table levels that boot
 * firmware and Linux use for its VA width. With the encoders of
 * apple-dart-regs.h this is all that firmware needs to build tables
 * and program the DART through its registers.
 */
const AppleDARTGeometry *apple_dart_geometry(AppleDARTState *s);

#endif /* HW_IOMMU_APPLE_DART_H */
