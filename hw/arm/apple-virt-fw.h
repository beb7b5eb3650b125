/*
 * apple-virt boot firmware: what m1n1 leaves behind on an Apple machine
 *
 * Copyright (c) 2026 The apple-dart QEMU model authors
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#ifndef HW_ARM_APPLE_VIRT_FW_H
#define HW_ARM_APPLE_VIRT_FW_H

#include "hw/iommu/apple-dart.h"

/* What firmware leaves in a DART's page tables. */
typedef enum AppleVirtFwPreset {
    AV_PRESET_NONE,         /* nothing: the DART is as reset left it */
    AV_PRESET_EMPTY,        /* tables without mappings, translating */
    AV_PRESET_MAPPED,       /* tables with the firmware's own mappings */
    AV_PRESET__MAX,
} AppleVirtFwPreset;

extern const QEnumLookup apple_virt_fw_preset_lookup;

/*
 * Memory that firmware keeps in its carve-out for a DART's client and
 * maps for it when the DART's preset is "mapped". The framebuffer is
 * there whatever the preset, since the boot console is drawn in it.
 */
typedef struct AppleVirtFwRegion {
    const char *name;           /* reserved-memory node */
    const char *client_name;    /* its entry in memory-region-names */
    hwaddr offset;              /* in the carve-out */
    hwaddr size;
    hwaddr iova;
    bool read_only;
    bool framebuffer;           /* the boot framebuffer, not data */
} AppleVirtFwRegion;

/* Everything firmware is told about one DART. */
typedef struct AppleVirtFwDartConfig {
    const char *name;               /* QOM child name, e.g. "dart-disp" */
    const char *option;             /* machine option prefix: "disp-dart" */
    AppleDARTState *dart;
    hwaddr base;                    /* where its registers are */
    uint64_t streams;               /* the streams firmware sets up */
    /* the streams it leaves disabled in STREAMS_ENABLE, whatever preset */
    uint32_t disabled[APPLE_DART_STREAM_WORDS];
    AppleVirtFwPreset preset;
    bool lock;
    const char *node;               /* DT path of the DART */
    const char *client;             /* DT path of its client device */
    const AppleVirtFwRegion *regions;
    unsigned num_regions;
    /*
     * The client lists the regions in memory-region (and names them in
     * memory-region-names): only where its binding has the property, as
     * the display engine's does; the generic ECAM and XHCI ones do not.
     * Each region's iommu-addresses names the client either way.
     */
    bool client_memory_region;
} AppleVirtFwDartConfig;

#define AV_FW_MAX_DARTS         8
/* Firmware presets streams 0 to 63 at most (a uint64_t of streams) */
#define AV_FW_MAX_STREAMS       64

/* What firmware did to one DART */
typedef struct AppleVirtFwDart {
    const AppleVirtFwDartConfig *cfg;
    const AppleDARTGeometry *geo;
    /* each preset stream's own top-level table per TTBR, or 0 */
    hwaddr top[AV_FW_MAX_STREAMS][APPLE_DART_MAX_TTBRS];
    GString *log;                   /* what firmware did, for users */
} AppleVirtFwDart;

/* Memory that firmware keeps for itself at the top of RAM. */
#define AV_FW_CARVEOUT_SIZE     (8 * MiB)

/* The boot framebuffer: what the display engine scans out. */
#define AV_FB_WIDTH             1024
#define AV_FB_HEIGHT            768
#define AV_FB_STRIDE            (AV_FB_WIDTH * 4)
#define AV_FB_SIZE              (AV_FB_STRIDE * AV_FB_HEIGHT)

typedef struct AppleVirtFirmware {
    AppleVirtFwDart darts[AV_FW_MAX_DARTS];
    unsigned num_darts;
    const AppleVirtFwRegion *framebuffer;
    hwaddr carveout;                /* base of the carve-out */
    uint8_t *tables;                /* image of the table area */
    size_t tables_used;
} AppleVirtFirmware;

/*
 * At machine init, once the DARTs exist: check the settings in @cfgs
 * (which must outlive @fw), build page tables and the firmware's memory
 * contents below @ram_end, and register them to be restored at every
 * reset. Returns false with @errp set if the settings make no sense.
 */
bool apple_virt_fw_build(AppleVirtFirmware *fw,
                         const AppleVirtFwDartConfig *cfgs, unsigned n,
                         hwaddr ram_end, Error **errp);

/* Describe the carve-out and the preset mappings in the devicetree. */
void apple_virt_fw_fdt(AppleVirtFirmware *fw, void *fdt);

/* Where the boot framebuffer is in RAM. */
hwaddr apple_virt_fw_framebuffer(AppleVirtFirmware *fw);

/*
 * At every machine reset, after devices reset and memory is restored:
 * disable streams, program TTBRs and TCRs, then lock, as m1n1 leaves the
 * hardware.
 */
void apple_virt_fw_reset(AppleVirtFirmware *fw);

/* A human-readable account of the preset state, for QOM. */
char *apple_virt_fw_describe(AppleVirtFirmware *fw);

#endif /* HW_ARM_APPLE_VIRT_FW_H */
