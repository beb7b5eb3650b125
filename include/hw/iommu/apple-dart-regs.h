/*
 * Apple DART: register layouts, page table formats and generations
 *
 * Copyright (c) 2026 The apple-dart QEMU model authors
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 *
 * Every fact about the hardware that more than one piece of code needs
 * is written down here once, as data: the device model
 * (hw/iommu/apple-dart.c), the boot firmware of the apple-virt machine
 * (hw/arm/apple-virt-fw.c) and the qtests all read it. To add a DART
 * generation, describe it below with an AppleDARTGeneration and give it
 * a QOM type in apple-dart.c.
 */

#ifndef HW_IOMMU_APPLE_DART_REGS_H
#define HW_IOMMU_APPLE_DART_REGS_H

#include "qemu/bitops.h"
#include "hw/registerfields.h"

#define APPLE_DART_MMIO_SIZE    0x4000
#define APPLE_DART_MAX_STREAMS  256
#define APPLE_DART_MAX_TTBRS    4
#define APPLE_DART_STREAM_WORDS (APPLE_DART_MAX_STREAMS / 32)

/*
 * Registers
 */

/* Common to every layout */
REG32(PARAMS1, 0x00)
    FIELD(PARAMS1, PAGE_SHIFT, 24, 4)
REG32(PARAMS2, 0x04)
    FIELD(PARAMS2, BYPASS_SUPPORT, 0, 1)

/* T8020 layout: t8103, t8103-usb4, t6000 */
REG32(T8020_STREAM_COMMAND, 0x20)
    FIELD(T8020_STREAM_COMMAND, BUSY, 2, 1)
    FIELD(T8020_STREAM_COMMAND, INVALIDATE, 20, 1)
REG32(T8020_STREAM_SELECT, 0x34)
REG32(T8020_ERROR, 0x40)
    FIELD(T8020_ERROR, CODE, 0, 12)
    FIELD(T8020_ERROR, STREAM, 24, 4)
    FIELD(T8020_ERROR, FLAG, 31, 1)
REG32(T8020_ERROR_ADDR_LO, 0x50)
REG32(T8020_ERROR_ADDR_HI, 0x54)
REG32(T8020_CONFIG, 0x60)
    FIELD(T8020_CONFIG, LOCK, 15, 1)
REG32(T8020_STREAMS_ENABLE, 0xfc)
REG32(T8020_TCR, 0x100)
    FIELD(T8020_TCR, TRANSLATE_ENABLE, 7, 1)
    FIELD(T8020_TCR, BYPASS_DART, 8, 1)
    FIELD(T8020_TCR, BYPASS_DAPF, 12, 1)
REG32(T8020_TTBR, 0x200)
    FIELD(T8020_TTBR, ADDR, 0, 31)
    FIELD(T8020_TTBR, VALID, 31, 1)
#define T8020_USB4_TTBR     0x400       /* where t8103-usb4 has them */

/* T8110 layout: t8110, t6020 */
REG32(T8110_PARAMS3, 0x08)
    FIELD(T8110_PARAMS3, VER_MIN, 0, 8)
    FIELD(T8110_PARAMS3, VER_MAJ, 8, 8)
    FIELD(T8110_PARAMS3, VA_WIDTH, 16, 6)
    FIELD(T8110_PARAMS3, PA_WIDTH, 24, 6)
REG32(T8110_PARAMS4, 0x0c)
    FIELD(T8110_PARAMS4, NUM_SIDS, 0, 9)
    FIELD(T8110_PARAMS4, NUM_CLIENTS, 16, 9)
REG32(T8110_TLB_CMD, 0x80)
    FIELD(T8110_TLB_CMD, STREAM, 0, 8)
    FIELD(T8110_TLB_CMD, OP, 8, 3)
    FIELD(T8110_TLB_CMD, BUSY, 31, 1)
REG32(T8110_ERROR, 0x100)
    FIELD(T8110_ERROR, CODE, 0, 15)
    FIELD(T8110_ERROR, STREAM, 20, 8)
    FIELD(T8110_ERROR, FLAG, 31, 1)
REG32(T8110_ERROR_MASK, 0x104)
REG32(T8110_ERROR_ADDR_LO, 0x170)
REG32(T8110_ERROR_ADDR_HI, 0x174)
REG32(T8110_ERROR_STREAMS, 0x1c0)
REG32(T8110_PROTECT, 0x200)
    FIELD(T8110_PROTECT, TTBR_TCR, 0, 1)
REG32(T8110_UNPROTECT, 0x204)
REG32(T8110_PROTECT_LOCK, 0x208)
REG32(T8110_PERF0, 0x700)
REG32(T8110_ENABLE_STREAMS, 0xc00)
REG32(T8110_DISABLE_STREAMS, 0xc20)
REG32(T8110_TCR, 0x1000)
    FIELD(T8110_TCR, TRANSLATE_ENABLE, 0, 1)
    FIELD(T8110_TCR, BYPASS_DART, 1, 1)
    FIELD(T8110_TCR, BYPASS_DAPF, 2, 1)
    FIELD(T8110_TCR, FOUR_LEVEL, 3, 1)
REG32(T8110_TTBR, 0x1400)
    FIELD(T8110_TTBR, VALID, 0, 1)
    FIELD(T8110_TTBR, ADDR, 2, 28)      /* PA >> 14, i.e. PA >> 12 in place */

#define T8110_TLB_OP_FLUSH_ALL          0
#define T8110_TLB_OP_FLUSH_STREAM       1

/* PROTECT bits m1n1 names: TTBR/TCR, the 0x4xx registers, TZ config */
#define T8110_PROTECT_KNOWN     (BIT(0) | BIT(1) | BIT(3) | BIT(4))

/*
 * Faults, and how each layout encodes them in ERROR.CODE
 */
typedef enum AppleDARTFault {
    APPLE_DART_FAULT_NO_TTBR,
    APPLE_DART_FAULT_NO_PGD,        /* level 0 of a four-level walk */
    APPLE_DART_FAULT_NO_PMD,
    APPLE_DART_FAULT_NO_PTE,
    APPLE_DART_FAULT_READ,
    APPLE_DART_FAULT_WRITE,
    APPLE_DART_FAULT_SUBPAGE,
    APPLE_DART_FAULT__MAX,
} AppleDARTFault;

#define T8020_ERR_NO_TTBR       BIT(0)
#define T8020_ERR_NO_PMD        BIT(1)
#define T8020_ERR_NO_PTE        BIT(2)
#define T8020_ERR_WRITE_FAULT   BIT(3)
#define T8020_ERR_READ_FAULT    BIT(4)
#define T8020_ERR_SUBPAGE_PROT  BIT(7)

/*
 * Nothing public names a subpage protection code for T8110; the model
 * reports such faults as the access fault (read or write) they are.
 */
#define T8110_ERR_NO_TTBR       BIT(0)
#define T8110_ERR_NO_PGD        BIT(1)
#define T8110_ERR_NO_PMD        BIT(2)
#define T8110_ERR_NO_PTE        BIT(3)
#define T8110_ERR_WRITE_FAULT   BIT(4)
#define T8110_ERR_READ_FAULT    BIT(5)

/*
 * A register layout: the registers that every layout has, by meaning.
 * The model handles the rest of each layout with code of its own.
 */
typedef enum AppleDARTLayoutId {
    APPLE_DART_LAYOUT_T8020,
    APPLE_DART_LAYOUT_T8110,
} AppleDARTLayoutId;

typedef struct AppleDARTRegMap {
    const char *name;
    AppleDARTLayoutId id;
    uint64_t tcr_base;
    uint32_t tcr_writable;
    uint32_t tcr_translate;
    uint32_t tcr_bypass;            /* what Linux writes for bypass */
    uint32_t tcr_bypass_dart;       /* the bit that bypasses */
    uint32_t tcr_four_level;        /* a third table level, or 0 */
    uint32_t ttbr_valid;
    uint32_t ttbr_addr_mask;        /* table PA = (ttbr & mask) << 12 */
    uint64_t ttbr_stride;           /* between streams */
    uint64_t error;
    uint64_t error_addr_lo;
    uint64_t error_addr_hi;
    uint32_t error_flag;
    uint32_t error_code_mask;
    unsigned error_stream_shift;
    unsigned error_stream_len;
    uint32_t fault_code[APPLE_DART_FAULT__MAX];
    /*
     * ERROR_STREAMS, one bit per stream that faulted, or 0 where the
     * layout has none. Where it exists the interrupt stays asserted until
     * these bits are cleared as well as ERROR.FLAG (T8110; Linux's "Clear
     * stream error indicator bits for T8110 DARTs").
     */
    uint64_t error_streams;
    /*
     * Which streams may master: streams_enable_words words of one bit a
     * stream at streams_enable; written as a plain bitmap where there is
     * no streams_disable, else 1s there enable and 1s at streams_disable
     * disable.
     */
    uint64_t streams_enable;
    unsigned streams_enable_words;
    uint64_t streams_disable;
    uint64_t lock_reg;              /* writing lock_val there locks; */
    uint32_t lock_val;              /* reading it shows lock_val when locked */
    uint64_t lock_seal_reg;         /* then writing this makes it final, */
    uint32_t lock_seal_val;         /* or 0 where the lock always is */
} AppleDARTRegMap;

static const AppleDARTRegMap apple_dart_t8020_regs = {
    .name = "T8020",
    .id = APPLE_DART_LAYOUT_T8020,
    .tcr_base = A_T8020_TCR,
    .tcr_writable = R_T8020_TCR_TRANSLATE_ENABLE_MASK |
                    R_T8020_TCR_BYPASS_DART_MASK |
                    R_T8020_TCR_BYPASS_DAPF_MASK,
    .tcr_translate = R_T8020_TCR_TRANSLATE_ENABLE_MASK,
    .tcr_bypass = R_T8020_TCR_BYPASS_DART_MASK | R_T8020_TCR_BYPASS_DAPF_MASK,
    .tcr_bypass_dart = R_T8020_TCR_BYPASS_DART_MASK,
    .ttbr_valid = R_T8020_TTBR_VALID_MASK,
    .ttbr_addr_mask = R_T8020_TTBR_ADDR_MASK,
    .ttbr_stride = 4 * APPLE_DART_MAX_TTBRS,
    .error = A_T8020_ERROR,
    .error_addr_lo = A_T8020_ERROR_ADDR_LO,
    .error_addr_hi = A_T8020_ERROR_ADDR_HI,
    .error_flag = R_T8020_ERROR_FLAG_MASK,
    .error_code_mask = R_T8020_ERROR_CODE_MASK,
    .error_stream_shift = R_T8020_ERROR_STREAM_SHIFT,
    .error_stream_len = R_T8020_ERROR_STREAM_LENGTH,
    .fault_code = {
        [APPLE_DART_FAULT_NO_TTBR] = T8020_ERR_NO_TTBR,
        [APPLE_DART_FAULT_NO_PGD] = T8020_ERR_NO_PMD,
        [APPLE_DART_FAULT_NO_PMD] = T8020_ERR_NO_PMD,
        [APPLE_DART_FAULT_NO_PTE] = T8020_ERR_NO_PTE,
        [APPLE_DART_FAULT_READ] = T8020_ERR_READ_FAULT,
        [APPLE_DART_FAULT_WRITE] = T8020_ERR_WRITE_FAULT,
        [APPLE_DART_FAULT_SUBPAGE] = T8020_ERR_SUBPAGE_PROT,
    },
    /* (one word: on 64-stream DARTs a second one would be TCR 0) */
    .streams_enable = A_T8020_STREAMS_ENABLE,
    .streams_enable_words = 1,
    .lock_reg = A_T8020_CONFIG,
    .lock_val = R_T8020_CONFIG_LOCK_MASK,
};

static const AppleDARTRegMap apple_dart_t8110_regs = {
    .name = "T8110",
    .id = APPLE_DART_LAYOUT_T8110,
    .tcr_base = A_T8110_TCR,
    .tcr_writable = R_T8110_TCR_TRANSLATE_ENABLE_MASK |
                    R_T8110_TCR_BYPASS_DART_MASK |
                    R_T8110_TCR_BYPASS_DAPF_MASK |
                    R_T8110_TCR_FOUR_LEVEL_MASK,
    .tcr_translate = R_T8110_TCR_TRANSLATE_ENABLE_MASK,
    .tcr_bypass = R_T8110_TCR_BYPASS_DART_MASK | R_T8110_TCR_BYPASS_DAPF_MASK,
    .tcr_bypass_dart = R_T8110_TCR_BYPASS_DART_MASK,
    .tcr_four_level = R_T8110_TCR_FOUR_LEVEL_MASK,
    .ttbr_valid = R_T8110_TTBR_VALID_MASK,
    .ttbr_addr_mask = R_T8110_TTBR_ADDR_MASK,
    .ttbr_stride = 4,
    .error = A_T8110_ERROR,
    .error_addr_lo = A_T8110_ERROR_ADDR_LO,
    .error_addr_hi = A_T8110_ERROR_ADDR_HI,
    .error_flag = R_T8110_ERROR_FLAG_MASK,
    .error_code_mask = R_T8110_ERROR_CODE_MASK,
    .error_stream_shift = R_T8110_ERROR_STREAM_SHIFT,
    .error_stream_len = R_T8110_ERROR_STREAM_LENGTH,
    .fault_code = {
        [APPLE_DART_FAULT_NO_TTBR] = T8110_ERR_NO_TTBR,
        [APPLE_DART_FAULT_NO_PGD] = T8110_ERR_NO_PGD,
        [APPLE_DART_FAULT_NO_PMD] = T8110_ERR_NO_PMD,
        [APPLE_DART_FAULT_NO_PTE] = T8110_ERR_NO_PTE,
        [APPLE_DART_FAULT_READ] = T8110_ERR_READ_FAULT,
        [APPLE_DART_FAULT_WRITE] = T8110_ERR_WRITE_FAULT,
        [APPLE_DART_FAULT_SUBPAGE] = 0,     /* reported as READ/WRITE */
    },
    .error_streams = A_T8110_ERROR_STREAMS,
    .streams_enable = A_T8110_ENABLE_STREAMS,
    .streams_enable_words = APPLE_DART_STREAM_WORDS,
    .streams_disable = A_T8110_DISABLE_STREAMS,
    .lock_reg = A_T8110_PROTECT,
    .lock_val = R_T8110_PROTECT_TTBR_TCR_MASK,
    .lock_seal_reg = A_T8110_PROTECT_LOCK,  /* or UNPROTECT lifts it */
    .lock_seal_val = 1,
};

/*
 * Page table entries. Every table is one page of 8-byte entries; a
 * table entry holds the next table's address in the same encoding as a
 * leaf's, and VALID.
 */
#define APPLE_DART_PTE_SIZE                 8
#define APPLE_DART_PTE_VALID                BIT_ULL(0)
#define APPLE_DART_PTE_SUBPAGE_END_SHIFT    40
#define APPLE_DART_PTE_SUBPAGE_START_SHIFT  52
#define APPLE_DART_PTE_SUBPAGE_MASK         0xfffULL
#define APPLE_DART_PTE_SUBPAGE_FULL \
    (APPLE_DART_PTE_SUBPAGE_MASK << APPLE_DART_PTE_SUBPAGE_END_SHIFT)
#define APPLE_DART_TTBR_SHIFT               12  /* TTBR address unit */

/* How entries encode addresses and permissions. */
typedef struct AppleDARTPTEFormat {
    const char *name;
    uint64_t pa_mask;           /* address bits within the entry ... */
    unsigned pa_shift;          /* ... shifted left by this give the PA */
    uint64_t no_read;
    uint64_t no_write;
    /*
     * Leaf bits that do not change translation here but mean something
     * else in the other format, so that a driver which sets them on
     * every leaf has the other format in mind (check-pte-format=on
     * reports them), and what they are.
     */
    uint64_t foreign_bits;
    const char *foreign_desc;
} AppleDARTPTEFormat;

/* DART1: PA[35:12] in place. Bit 1 (SP_DIS) does not change translation. */
static const AppleDARTPTEFormat apple_dart_dart1_pte = {
    .name = "DART1",
    .pa_mask = MAKE_64BIT_MASK(12, 24),
    .pa_shift = 0,
    .no_write = BIT_ULL(7),
    .no_read = BIT_ULL(8),
};

/*
 * DART2: PA[41:14] as PA >> 4 in [37:10], so that tables and pages must
 * be 16 KiB aligned. Bit 1 (NO_CACHE, "realtime" to m1n1) does not
 * change translation.
 */
static const AppleDARTPTEFormat apple_dart_dart2_pte = {
    .name = "DART2",
    .pa_mask = MAKE_64BIT_MASK(10, 28),
    .pa_shift = 4,
    .no_write = BIT_ULL(2),
    .no_read = BIT_ULL(3),
    /* Linux's "Only set subpage protection disable for DART 1" */
    .foreign_bits = BIT_ULL(1),
    .foreign_desc = "bit 1, NO_CACHE in DART2 (DART1's SP_DIS)",
};

/*
 * Generations
 */
typedef struct AppleDARTGeneration {
    const char *compatible;
    const AppleDARTRegMap *regs;
    const AppleDARTPTEFormat *pte;
    unsigned num_streams;           /* default, and the maximum */
    unsigned ttbrs_per_stream;
    uint64_t ttbr_base;
    unsigned ias;                   /* defaults */
    unsigned oas;
    bool can_bypass;
    bool can_4k;                    /* 4 KiB pages possible */
    /*
     * Generations that describe themselves in PARAMS3/PARAMS4 come in
     * several sizes: the device's properties pick within these ranges.
     */
    bool configurable;
    unsigned ias_min, ias_max;
    unsigned oas_min, oas_max;
} AppleDARTGeneration;

/* M1 */
static const AppleDARTGeneration apple_dart_t8103 = {
    .compatible = "apple,t8103-dart",
    .regs = &apple_dart_t8020_regs,
    .pte = &apple_dart_dart1_pte,
    .num_streams = 16,
    .ttbrs_per_stream = 4,
    .ttbr_base = A_T8020_TTBR,
    .ias = 32,
    .oas = 36,
    .can_bypass = true,
    .can_4k = true,
};

/*
 * The USB4/Thunderbolt DART of M1: 64 streams, TTBRs further up, no
 * bypass. With 64 streams a second STREAMS_ENABLE word would sit at 0x100,
 * where stream 0's TCR is; Linux's reset writes 0xffffffff there all the
 * same. The model keeps TCR 0 there (streams 32-63 stay enabled), so the
 * write lands in TCR 0 and is masked like any TCR write.
 */
static const AppleDARTGeneration apple_dart_t8103_usb4 = {
    .compatible = "apple,t8103-usb4-dart",
    .regs = &apple_dart_t8020_regs,
    .pte = &apple_dart_dart1_pte,
    .num_streams = 64,
    .ttbrs_per_stream = 4,
    .ttbr_base = T8020_USB4_TTBR,
    .ias = 32,
    .oas = 36,
    .can_bypass = false,
    .can_4k = true,
};

/* M1 Pro/Max: T8020 registers with DART2 page tables. */
static const AppleDARTGeneration apple_dart_t6000 = {
    .compatible = "apple,t6000-dart",
    .regs = &apple_dart_t8020_regs,
    .pte = &apple_dart_dart2_pte,
    .num_streams = 16,
    .ttbrs_per_stream = 4,
    .ttbr_base = A_T8020_TTBR,
    .ias = 32,
    .oas = 42,
    .can_bypass = true,
    .can_4k = false,
};

/*
 * M2 and later: the T8110 layout describes its size in PARAMS3/PARAMS4,
 * one TTBR per stream, and four-level tables for a VA wider than 36 bits.
 */
static const AppleDARTGeneration apple_dart_t8110 = {
    .compatible = "apple,t8110-dart",
    .regs = &apple_dart_t8110_regs,
    .pte = &apple_dart_dart2_pte,
    .num_streams = 16,
    .ttbrs_per_stream = 1,
    .ttbr_base = A_T8110_TTBR,
    .ias = 36,
    .oas = 42,
    .can_bypass = true,
    .can_4k = false,
    .configurable = true,
    .ias_min = 32,
    .ias_max = 47,      /* four levels of 16 KiB tables */
    .oas_min = 36,
    .oas_max = 42,      /* what DART2 entries can hold */
};

/*
 * Geometry: a DART as configured, and the arithmetic of its tables.
 * "levels" counts the tables below the TTBR: two, or three with T8110's
 * FOUR_LEVEL (which counts the TTBR too).
 */
typedef struct AppleDARTGeometry {
    const AppleDARTGeneration *gen;
    unsigned page_shift;            /* every table is one page */
    unsigned levels;
    unsigned num_streams;
} AppleDARTGeometry;

/* Index bits a table resolves: a page of 8-byte entries. */
static inline unsigned apple_dart_pt_bits(const AppleDARTGeometry *g)
{
    return g->page_shift - 3;
}

/* Which of the stream's TTBRs translates @iova. */
static inline uint64_t apple_dart_ttbr_index(const AppleDARTGeometry *g,
                                             uint64_t iova)
{
    return iova >> (g->page_shift + apple_dart_pt_bits(g) * g->levels);
}

/* The entry for @iova in its table of @level (0: the leaf table). */
static inline unsigned apple_dart_pt_index(const AppleDARTGeometry *g,
                                           uint64_t iova, unsigned level)
{
    unsigned bits = apple_dart_pt_bits(g);

    return extract64(iova, g->page_shift + bits * level, bits);
}

/*
 * The levels firmware and Linux use for a VA of @ias bits: a third
 * table only when two cannot cover the VA and the layout has one.
 */
static inline unsigned apple_dart_levels_for(const AppleDARTGeneration *gen,
                                             unsigned page_shift,
                                             unsigned ias)
{
    unsigned two = page_shift + 2 * (page_shift - 3);

    return gen->regs->tcr_four_level && ias > two ? 3 : 2;
}

static inline uint64_t apple_dart_pte_to_pa(const AppleDARTGeometry *g,
                                            uint64_t pte)
{
    return (pte & g->gen->pte->pa_mask) << g->gen->pte->pa_shift;
}

static inline uint64_t apple_dart_pa_to_pte(const AppleDARTGeometry *g,
                                            uint64_t pa)
{
    return (pa >> g->gen->pte->pa_shift) & g->gen->pte->pa_mask;
}

/* An entry pointing at the next table. */
static inline uint64_t apple_dart_table_pte(const AppleDARTGeometry *g,
                                            uint64_t next_table)
{
    return apple_dart_pa_to_pte(g, next_table) | APPLE_DART_PTE_VALID;
}

/* A leaf for the whole page at @pa. */
static inline uint64_t apple_dart_leaf_pte(const AppleDARTGeometry *g,
                                           uint64_t pa, bool no_read,
                                           bool no_write)
{
    const AppleDARTPTEFormat *f = g->gen->pte;

    return apple_dart_pa_to_pte(g, pa) | APPLE_DART_PTE_VALID |
           APPLE_DART_PTE_SUBPAGE_FULL |
           (no_read ? f->no_read : 0) | (no_write ? f->no_write : 0);
}

/* @leaf, allowing only the page's subpage units @start to @end */
static inline uint64_t apple_dart_pte_subpage(uint64_t leaf, unsigned start,
                                              unsigned end)
{
    return (leaf & ~(APPLE_DART_PTE_SUBPAGE_MASK <<
                     APPLE_DART_PTE_SUBPAGE_START_SHIFT |
                     APPLE_DART_PTE_SUBPAGE_FULL)) |
           (start & APPLE_DART_PTE_SUBPAGE_MASK) <<
           APPLE_DART_PTE_SUBPAGE_START_SHIFT |
           (end & APPLE_DART_PTE_SUBPAGE_MASK) <<
           APPLE_DART_PTE_SUBPAGE_END_SHIFT;
}

/* Register offsets of stream @sid's TCR and TTBR @idx */
static inline uint64_t apple_dart_tcr_offset(const AppleDARTGeometry *g,
                                             unsigned sid)
{
    return g->gen->regs->tcr_base + 4 * sid;
}

static inline uint64_t apple_dart_ttbr_offset(const AppleDARTGeometry *g,
                                              unsigned sid, unsigned idx)
{
    return g->gen->ttbr_base + g->gen->regs->ttbr_stride * sid + 4 * idx;
}

/* The TTBR value for a top-level table at @table, and back */
static inline uint32_t apple_dart_ttbr_encode(const AppleDARTGeometry *g,
                                              uint64_t table)
{
    const AppleDARTRegMap *r = g->gen->regs;

    return r->ttbr_valid |
           ((table >> APPLE_DART_TTBR_SHIFT) & r->ttbr_addr_mask);
}

static inline uint64_t apple_dart_ttbr_table(const AppleDARTGeometry *g,
                                             uint32_t ttbr)
{
    return (uint64_t)(ttbr & g->gen->regs->ttbr_addr_mask) <<
           APPLE_DART_TTBR_SHIFT;
}

/* The TCR value that translates with the geometry's levels */
static inline uint32_t apple_dart_tcr_translate(const AppleDARTGeometry *g)
{
    const AppleDARTRegMap *r = g->gen->regs;

    return r->tcr_translate | (g->levels == 3 ? r->tcr_four_level : 0);
}

/* The fields of an ERROR value */
static inline unsigned apple_dart_error_stream(const AppleDARTRegMap *r,
                                               uint32_t error)
{
    return extract32(error, r->error_stream_shift, r->error_stream_len);
}

static inline uint32_t apple_dart_error_encode(const AppleDARTRegMap *r,
                                               AppleDARTFault fault,
                                               unsigned sid)
{
    return r->error_flag | r->fault_code[fault] |
           deposit32(0, r->error_stream_shift, r->error_stream_len, sid);
}

#endif /* HW_IOMMU_APPLE_DART_REGS_H */
