/*
 * apple-virt display engine: scans a boot framebuffer out through a DART
 *
 * Copyright (c) 2026 The apple-dart QEMU model authors
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 *
 * On Apple silicon the display controller reads the boot framebuffer
 * through a display DART that firmware has programmed and locked, at an
 * IOVA that differs from the framebuffer's physical address. This device
 * plays that controller: at every vertical blank ("refresh-rate" times a
 * second) it reads a frame from its "dma" address space (a DART stream)
 * at SCANOUT_IOVA, so a broken or missing mapping shows up on the screen
 * and in the DART's fault registers within a frame.
 *
 * Wiring (by the machine, acting as firmware):
 *
 *   dev = qdev_new(TYPE_APPLE_VIRT_DISPLAY);
 *   qdev_prop_set_uint32(dev, "width", 1024);    (also "height", "stride")
 *   qdev_prop_set_uint64(dev, "iova", fb_iova);
 *   object_property_set_link(OBJECT(dev), "dma",
 *                            OBJECT(apple_dart_stream_mr(dart, sid)),
 *                            &error_fatal);
 *   sysbus_realize_and_unref(SYS_BUS_DEVICE(dev), &error_fatal);
 *   sysbus_mmio_map(SYS_BUS_DEVICE(dev), 0, base);
 */

#ifndef HW_DISPLAY_APPLE_VIRT_DISPLAY_H
#define HW_DISPLAY_APPLE_VIRT_DISPLAY_H

#include "hw/sysbus.h"
#include "qom/object.h"
#include "qemu/timer.h"

#define TYPE_APPLE_VIRT_DISPLAY "apple-virt-display"
OBJECT_DECLARE_SIMPLE_TYPE(AppleVirtDisplayState, APPLE_VIRT_DISPLAY)

#define APPLE_VIRT_DISPLAY_MMIO_SIZE    0x1000

/* Limits of the "width"/"height" and "stride" properties */
#define APPLE_VIRT_DISPLAY_MIN_DIM      16
#define APPLE_VIRT_DISPLAY_MAX_DIM      4096
#define APPLE_VIRT_DISPLAY_MAX_STRIDE   (64 * 1024)
/* Limit of the "refresh-rate" property, in Hz */
#define APPLE_VIRT_DISPLAY_MAX_REFRESH  240

/* The colours a failed scan-out is drawn with (x8r8g8b8) */
#define APPLE_VIRT_DISPLAY_FAIL_COLOR   0x00ff0000
#define APPLE_VIRT_DISPLAY_FAIL_STRIPE  0x00800000

struct AppleVirtDisplayState {
    SysBusDevice parent_obj;

    MemoryRegion iomem;
    MemoryRegion *dma_mr;
    AddressSpace dma_as;
    QemuConsole *con;
    QEMUTimer *vblank;      /* a frame is scanned out when it fires */
    uint8_t *line_buf;      /* one line, as read from the DMA space */
    uint32_t *pix_buf;      /* the same line, converted for the surface */
    int shown;              /* what the surface holds (SHOWN_* in .c) */
    bool invalidate;        /* push the whole surface on the next update */

    /* properties */
    uint32_t width;
    uint32_t height;
    uint32_t stride;
    uint64_t iova;
    uint32_t refresh_rate;

    /* registers */
    uint32_t ctrl;
    uint64_t scanout_iova;
    uint32_t status;

    /* statistics, also readable as QOM properties */
    uint64_t stat_frames;
    uint64_t stat_errors;
};

#endif /* HW_DISPLAY_APPLE_VIRT_DISPLAY_H */
