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

/* The DARTs firmware knows about. */
typedef enum AppleVirtFwDartId {
    AV_FW_DART_PCIE,
    AV_FW_DART_USB,
    AV_FW_DART_DISP,
    AV_FW_DART__MAX,
} AppleVirtFwDartId;

/* Firmware's settings for one DART, filled in by the machine. */
typedef struct AppleVirtFwDart {
    const char *name;               /* QOM child name, e.g. "dart-disp" */
    const char *option;             /* machine option prefix: "disp-dart" */
    AppleDARTState *dart;
    hwaddr base;                    /* where its registers are */
    uint64_t streams;               /* the streams firmware sets up */
    int preset;                     /* AppleVirtFwPreset */
    bool lock;
    const char *client;             /* DT path of its client device */

    /* derived */
    hwaddr top[APPLE_DART_MAX_TTBRS]; /* top-level table per TTBR, or 0 */
    GString *log;                   /* what firmware did, for users */
    GString *maps;                  /* the mappings it installed */
} AppleVirtFwDart;

/* Memory that firmware keeps for itself at the top of RAM. */
#define AV_FW_CARVEOUT_SIZE     (8 * MiB)

/* The boot framebuffer: what the display engine scans out. */
#define AV_FB_WIDTH             1024
#define AV_FB_HEIGHT            768
#define AV_FB_STRIDE            (AV_FB_WIDTH * 4)
#define AV_FB_SIZE              (AV_FB_STRIDE * AV_FB_HEIGHT)
#define AV_FB_IOVA              0xa0000000ULL

typedef struct AppleVirtFirmware {
    AppleVirtFwDart darts[AV_FW_DART__MAX];
    hwaddr carveout;                /* base of the carve-out */
    uint8_t *tables;                /* image of the table area */
    size_t tables_used;
} AppleVirtFirmware;

/*
 * At machine init, once the DARTs exist and @fw->darts is filled in:
 * check the settings, build page tables and the firmware's memory
 * contents below @ram_end, and register them to be restored at every
 * reset. Returns false with @errp set if the settings make no sense.
 */
bool apple_virt_fw_build(AppleVirtFirmware *fw, hwaddr ram_end,
                         Error **errp);

/* Describe the carve-out and the preset mappings in the devicetree. */
void apple_virt_fw_fdt(AppleVirtFirmware *fw, void *fdt);

/* Where the boot framebuffer is in RAM. */
hwaddr apple_virt_fw_framebuffer(AppleVirtFirmware *fw);

/*
 * At every machine reset, after devices reset and memory is restored:
 * program TTBRs and TCRs, then lock, as m1n1 leaves the hardware.
 */
void apple_virt_fw_reset(AppleVirtFirmware *fw);

/* A human-readable account of the preset state, for QOM. */
char *apple_virt_fw_describe(AppleVirtFirmware *fw);

#endif /* HW_ARM_APPLE_VIRT_FW_H */
