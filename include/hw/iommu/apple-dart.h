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
#include "exec/memory.h"
#include "qemu/thread.h"
#include "qom/object.h"

#define TYPE_APPLE_DART "apple-dart"
OBJECT_DECLARE_TYPE(AppleDARTState, AppleDARTClass, APPLE_DART)

/* One concrete type per DART generation, named after its compatible. */
#define TYPE_APPLE_DART_T8103 "apple-dart-t8103"
#define TYPE_APPLE_DART_T8103_USB4 "apple-dart-t8103-usb4"
#define TYPE_APPLE_DART_T6000 "apple-dart-t6000"
#define TYPE_APPLE_DART_T8110 "apple-dart-t8110"

#define TYPE_APPLE_DART_IOMMU_MEMORY_REGION "apple-dart-iommu-memory-region"

#define APPLE_DART_MMIO_SIZE    0x4000
#define APPLE_DART_MAX_STREAMS  256
#define APPLE_DART_MAX_TTBRS    4
#define APPLE_DART_STREAM_WORDS (APPLE_DART_MAX_STREAMS / 32)

/* Translation cache: direct-mapped, power-of-two number of entries. */
#define APPLE_DART_TLB_BITS     10
#define APPLE_DART_TLB_SIZE     (1u << APPLE_DART_TLB_BITS)

typedef struct AppleDARTVariant AppleDARTVariant;

/* A cached leaf translation: one page of one stream. */
typedef struct AppleDARTTLBEntry {
    uint64_t vpn;           /* iova >> page_shift */
    hwaddr pa;              /* page-aligned output address */
    uint32_t epoch;         /* valid while equal to the stream's epoch */
    uint16_t sid;
    uint8_t perm;           /* IOMMUAccessFlags */
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
} AppleDARTStream;

struct AppleDARTState {
    SysBusDevice parent_obj;

    MemoryRegion iomem;
    qemu_irq irq;
    MemoryRegion *dma_mr;   /* where tables and translated DMA go */
    AddressSpace dma_as;
    const AppleDARTVariant *variant;
    char *trace_name;

    /* properties */
    uint32_t page_size;
    OnOffAuto bypass;
    uint32_t prop_num_streams;
    uint32_t prop_va_bits;
    uint32_t prop_pa_bits;

    /* derived in realize */
    unsigned page_shift;
    bool bypass_supported;
    unsigned num_streams;
    unsigned ias;           /* VA width */
    unsigned oas;           /* PA width */

    /* registers */
    uint32_t error;
    uint64_t error_addr;
    uint32_t config;
    uint32_t stream_select[APPLE_DART_STREAM_WORDS];
    uint32_t streams_enable[APPLE_DART_STREAM_WORDS];
    uint32_t tcr[APPLE_DART_MAX_STREAMS];
    uint32_t ttbr[APPLE_DART_MAX_STREAMS][APPLE_DART_MAX_TTBRS];
    /* T8110 only */
    uint32_t error_mask;
    uint32_t error_streams[APPLE_DART_STREAM_WORDS];
    uint32_t protect;
    bool protect_locked;

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
};

struct AppleDARTClass {
    SysBusDeviceClass parent_class;
    const AppleDARTVariant *variant;
};

/*
 * The address space through which DMA masters of stream @sid reach
 * memory, created on first use. @sid must be below the DART's stream
 * count (apple_dart_num_streams()).
 */
AddressSpace *apple_dart_stream_as(AppleDARTState *s, unsigned sid);

/* The same, as a memory region, for devices with a "dma" link property. */
MemoryRegion *apple_dart_stream_mr(AppleDARTState *s, unsigned sid);

unsigned apple_dart_num_streams(AppleDARTState *s);

/* The devicetree "compatible" of this DART's generation. */
const char *apple_dart_compatible(AppleDARTState *s);

/*
 * Firmware interface: what boot firmware (apple-virt, playing m1n1)
 * needs to build page tables in memory and program a DART through its
 * registers, whatever the DART's generation.
 */

/* log2 of the translation granule; every table is one granule. */
unsigned apple_dart_page_shift(AppleDARTState *s);

/* Number of table levels below the TTBR that a translating TCR selects. */
unsigned apple_dart_table_levels(AppleDARTState *s);

/* TTBRs per stream: each covers the next slice of the IOVA space. */
unsigned apple_dart_ttbrs_per_stream(AppleDARTState *s);

/* Register offsets of stream @sid's TCR and TTBR @idx. */
hwaddr apple_dart_tcr_offset(AppleDARTState *s, unsigned sid);
hwaddr apple_dart_ttbr_offset(AppleDARTState *s, unsigned sid, unsigned idx);

/* TCR value that turns translation on; TTBR value for table @table. */
uint32_t apple_dart_tcr_translate(AppleDARTState *s);
uint32_t apple_dart_ttbr_encode(AppleDARTState *s, hwaddr table);

/* Page table entries: a pointer to the next table, a leaf for @pa. */
uint64_t apple_dart_table_pte(AppleDARTState *s, hwaddr next_table);
uint64_t apple_dart_leaf_pte(AppleDARTState *s, hwaddr pa, bool read_only);

/* The register write that locks TTBR and TCR until the next reset. */
void apple_dart_lock_write(AppleDARTState *s, hwaddr *offset, uint32_t *val);

/* Whether TTBR and TCR are locked. */
bool apple_dart_locked(AppleDARTState *s);

#endif /* HW_IOMMU_APPLE_DART_H */
