/*
 * apple-virt display engine: scans a boot framebuffer out through a DART
 *
 * Copyright (c) 2026 The apple-dart QEMU model authors
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 *
 * Like a real display controller, the engine scans out at every vertical
 * blank ("refresh-rate" times a second of virtual time) whether or not
 * anyone watches: a mapping broken under it faults in the DART within a
 * frame, headless or not, and FRAME_COUNT counts vblanks. The UI only
 * ever sees the last frame scanned out. Every frame is read afresh from
 * the "dma" address space with address_space_read(), so that each
 * scan-out goes through the IOMMU in front of the device: nothing keeps
 * a host pointer into guest RAM. The console surface doubles as the copy
 * of what is on screen, so only the lines that changed since the last
 * frame are pushed to the UI.
 *
 * A frame whose read fails (the IOMMU refused a translation, which it
 * records as a fault of its own, or nothing answers at that address) is
 * shown as a red field with darker diagonal stripes and counted in
 * ERROR_COUNT. The pixel format is x8r8g8b8, little endian.
 */

#include "qemu/osdep.h"
#include "qemu/bswap.h"
#include "qemu/host-utils.h"
#include "qemu/log.h"
#include "qemu/module.h"
#include "qemu/timer.h"
#include "qapi/error.h"
#include "hw/apple-qemu-compat.h"
#include "hw/display/apple-virt-display.h"
#include "hw/qdev-properties.h"
#include "hw/registerfields.h"
#include "hw/resettable.h"
#include "migration/vmstate.h"
#include "ui/console.h"
#include "trace.h"

REG32(ID, 0x00)
REG32(CTRL, 0x04)
    FIELD(CTRL, ENABLE, 0, 1)
REG32(SCANOUT_IOVA_LO, 0x08)
REG32(SCANOUT_IOVA_HI, 0x0c)
REG32(WIDTH, 0x10)
REG32(HEIGHT, 0x14)
REG32(STRIDE, 0x18)
REG32(FRAME_COUNT, 0x20)
REG32(ERROR_COUNT, 0x24)
REG32(STATUS, 0x28)
    FIELD(STATUS, SCANOUT_FAILED, 0, 1)

/* "ADSP" */
#define AVD_ID_VALUE        0x41445350
#define AVD_CTRL_RESET      R_CTRL_ENABLE_MASK

/* Width of the failure pattern's stripes, in pixels */
#define AVD_STRIPE_WIDTH    16

/* What the console surface currently holds */
enum {
    SHOWN_UNKNOWN,      /* nothing known: redraw everything */
    SHOWN_BLACK,        /* disabled */
    SHOWN_FRAME,        /* the last frame scanned out */
    SHOWN_FAILED,       /* the failure pattern */
};

static void avd_fill_black(AppleVirtDisplayState *s, DisplaySurface *ds)
{
    uint8_t *data = surface_data(ds);
    int stride = surface_stride(ds);

    for (uint32_t y = 0; y < s->height; y++) {
        memset(data + y * stride, 0, s->width * sizeof(uint32_t));
    }
}

/* Draw lines [@y0, @y1) of the failure pattern. */
static void avd_fill_failed(AppleVirtDisplayState *s, DisplaySurface *ds,
                            uint32_t y0, uint32_t y1)
{
    uint8_t *data = surface_data(ds);
    int stride = surface_stride(ds);

    for (uint32_t y = y0; y < y1; y++) {
        uint32_t *line = (uint32_t *)(data + y * stride);

        for (uint32_t x = 0; x < s->width; x++) {
            bool stripe = ((x + y) / AVD_STRIPE_WIDTH) % 2;

            line[x] = stripe ? APPLE_VIRT_DISPLAY_FAIL_STRIPE
                             : APPLE_VIRT_DISPLAY_FAIL_COLOR;
        }
    }
}

/*
 * Read the frame at SCANOUT_IOVA line by line into the surface. Lines
 * that differ from what the surface holds (all of them with @full) are
 * copied, and [*@first, *@last] grows to cover them. On a failed read,
 * stop at once, leaving the failing line's IOVA in *@fault_iova: the
 * whole frame is lost anyway, and reading on through an unmapped range
 * would only make the IOMMU fault over and over.
 */
static MemTxResult avd_scanout(AppleVirtDisplayState *s, DisplaySurface *ds,
                               bool full, int *first, int *last,
                               uint64_t *fault_iova)
{
    uint8_t *data = surface_data(ds);
    int stride = surface_stride(ds);
    size_t line_bytes = s->width * sizeof(uint32_t);

    for (uint32_t y = 0; y < s->height; y++) {
        uint32_t *dst = (uint32_t *)(data + y * stride);
        uint64_t addr;
        MemTxResult res;

        /* The engine does not wrap around the top of the DMA space. */
        if (uadd64_overflow(s->scanout_iova, (uint64_t)y * s->stride, &addr) ||
            addr > UINT64_MAX - (line_bytes - 1)) {
            *fault_iova = addr;
            return MEMTX_DECODE_ERROR;
        }
        res = address_space_read(&s->dma_as, addr, MEMTXATTRS_UNSPECIFIED,
                                 s->line_buf, line_bytes);
        if (res != MEMTX_OK) {
            *fault_iova = addr;
            return res;
        }
        for (uint32_t x = 0; x < s->width; x++) {
            s->pix_buf[x] = ldl_le_p(s->line_buf + x * sizeof(uint32_t));
        }
        if (full || memcmp(dst, s->pix_buf, line_bytes)) {
            memcpy(dst, s->pix_buf, line_bytes);
            if (*first < 0) {
                *first = y;
            }
            *last = y;
        }
    }
    return MEMTX_OK;
}

/* Scan out one frame, at a vertical blank. */
static void avd_frame(AppleVirtDisplayState *s)
{
    DisplaySurface *ds = qemu_console_surface(s->con);
    bool full = false;
    int first = -1, last = -1;
    uint64_t fault_iova = 0;
    MemTxResult res;

    if (!FIELD_EX32(s->ctrl, CTRL, ENABLE)) {
        if (s->shown != SHOWN_BLACK) {
            avd_fill_black(s, ds);
            s->shown = SHOWN_BLACK;
            full = true;
        }
        goto out;
    }

    s->stat_frames++;
    res = avd_scanout(s, ds, s->shown == SHOWN_UNKNOWN, &first, &last,
                      &fault_iova);
    if (res == MEMTX_OK) {
        s->status = FIELD_DP32(s->status, STATUS, SCANOUT_FAILED, 0);
        s->shown = SHOWN_FRAME;
        goto out;
    }

    s->stat_errors++;
    s->status = FIELD_DP32(s->status, STATUS, SCANOUT_FAILED, 1);
    trace_apple_virt_display_scanout_failed(s->scanout_iova, fault_iova, res);
    if (s->shown != SHOWN_FAILED) {
        qemu_log_mask(LOG_GUEST_ERROR, "%s: scan-out of the frame at IOVA"
                      " 0x%" PRIx64 " failed at IOVA 0x%" PRIx64
                      " (result 0x%x)\n", TYPE_APPLE_VIRT_DISPLAY,
                      s->scanout_iova, fault_iova, res);
        avd_fill_failed(s, ds, 0, s->height);
        s->shown = SHOWN_FAILED;
        full = true;
    } else if (first >= 0) {
        /* Lines read before the failure overwrote part of the pattern. */
        avd_fill_failed(s, ds, first, last + 1);
    }

out:
    if (full) {
        dpy_gfx_update_full(s->con);
    } else if (first >= 0) {
        dpy_gfx_update(s->con, 0, first, s->width, last - first + 1);
    }
}

/* The next vblank is a frame from now. */
static void avd_arm_vblank(AppleVirtDisplayState *s)
{
    timer_mod(s->vblank, qemu_clock_get_ns(QEMU_CLOCK_VIRTUAL) +
                         NANOSECONDS_PER_SECOND / s->refresh_rate);
}

static void avd_vblank(void *opaque)
{
    AppleVirtDisplayState *s = opaque;

    avd_frame(s);
    avd_arm_vblank(s);
}

/*
 * The UI's refresh: the surface holds the last frame scanned out, so
 * there is nothing to read, only a whole-screen push to make when the UI
 * asked for one (a console switch, a new window). The exception is a
 * screen with no frame yet, at start-up or after an incoming migration
 * (firmware turned the display on long before; a machine started with
 * -S has had no vblank): that frame is scanned out as the UI asks.
 */
static void avd_gfx_update(void *opaque)
{
    AppleVirtDisplayState *s = opaque;

    if (s->shown == SHOWN_UNKNOWN) {
        avd_frame(s);
    }
    if (s->invalidate) {
        s->invalidate = false;
        dpy_gfx_update_full(s->con);
    }
}

static void avd_invalidate(void *opaque)
{
    AppleVirtDisplayState *s = opaque;

    s->invalidate = true;
}

static const GraphicHwOps avd_gfx_ops = {
    .invalidate = avd_invalidate,
    .gfx_update = avd_gfx_update,
};

static void avd_set_ctrl(AppleVirtDisplayState *s, uint32_t val)
{
    bool was = FIELD_EX32(s->ctrl, CTRL, ENABLE);
    bool now = FIELD_EX32(val, CTRL, ENABLE);

    s->ctrl = val;
    if (was != now) {
        trace_apple_virt_display_enable(now);
    }
}

static uint64_t avd_read(void *opaque, hwaddr offset, unsigned size)
{
    AppleVirtDisplayState *s = opaque;
    uint32_t val;

    switch (offset) {
    case A_ID:
        val = AVD_ID_VALUE;
        break;
    case A_CTRL:
        val = s->ctrl;
        break;
    case A_SCANOUT_IOVA_LO:
        val = extract64(s->scanout_iova, 0, 32);
        break;
    case A_SCANOUT_IOVA_HI:
        val = extract64(s->scanout_iova, 32, 32);
        break;
    case A_WIDTH:
        val = s->width;
        break;
    case A_HEIGHT:
        val = s->height;
        break;
    case A_STRIDE:
        val = s->stride;
        break;
    case A_FRAME_COUNT:
        val = s->stat_frames;
        break;
    case A_ERROR_COUNT:
        val = s->stat_errors;
        break;
    case A_STATUS:
        val = s->status;
        break;
    default:
        qemu_log_mask(LOG_GUEST_ERROR, "%s: read of unknown register 0x%"
                      HWADDR_PRIx "\n", TYPE_APPLE_VIRT_DISPLAY, offset);
        val = 0;
        break;
    }
    trace_apple_virt_display_reg_read(offset, val);
    return val;
}

static void avd_write(void *opaque, hwaddr offset, uint64_t value,
                      unsigned size)
{
    AppleVirtDisplayState *s = opaque;
    uint32_t val = value;

    trace_apple_virt_display_reg_write(offset, val);
    switch (offset) {
    case A_CTRL:
        if (val & ~R_CTRL_ENABLE_MASK) {
            qemu_log_mask(LOG_GUEST_ERROR, "%s: CTRL: reserved bits in 0x%08"
                          PRIx32 " ignored\n", TYPE_APPLE_VIRT_DISPLAY, val);
        }
        avd_set_ctrl(s, val & R_CTRL_ENABLE_MASK);
        break;
    case A_SCANOUT_IOVA_LO:
        s->scanout_iova = deposit64(s->scanout_iova, 0, 32, val);
        break;
    case A_SCANOUT_IOVA_HI:
        s->scanout_iova = deposit64(s->scanout_iova, 32, 32, val);
        break;
    case A_ID:
    case A_WIDTH:
    case A_HEIGHT:
    case A_STRIDE:
    case A_FRAME_COUNT:
    case A_ERROR_COUNT:
    case A_STATUS:
        qemu_log_mask(LOG_GUEST_ERROR, "%s: write of 0x%08" PRIx32
                      " to read-only register 0x%" HWADDR_PRIx "\n",
                      TYPE_APPLE_VIRT_DISPLAY, val, offset);
        break;
    default:
        qemu_log_mask(LOG_GUEST_ERROR, "%s: write of 0x%08" PRIx32
                      " to unknown register 0x%" HWADDR_PRIx "\n",
                      TYPE_APPLE_VIRT_DISPLAY, val, offset);
        break;
    }
}

static const MemoryRegionOps avd_mmio_ops = {
    .read = avd_read,
    .write = avd_write,
    .endianness = DEVICE_LITTLE_ENDIAN,
    /*
     * 32-bit registers, aligned 32-bit accesses only: the bus refuses
     * others (logged with -d invalid_mem).
     */
    .valid = {
        .min_access_size = 4,
        .max_access_size = 4,
    },
};

static void avd_reset_hold(Object *obj, ResetType type)
{
    AppleVirtDisplayState *s = APPLE_VIRT_DISPLAY(obj);

    /* As firmware left it: on, showing its framebuffer. */
    avd_set_ctrl(s, AVD_CTRL_RESET);
    s->scanout_iova = s->iova;
    s->status = 0;
    s->invalidate = true;
    avd_arm_vblank(s);
}

static void avd_realize(DeviceState *dev, Error **errp)
{
    AppleVirtDisplayState *s = APPLE_VIRT_DISPLAY(dev);
    uint32_t min_stride;

    if (!s->dma_mr) {
        error_setg(errp, "%s: the 'dma' link is not set: it must name the"
                   " memory region (a DART stream) that scan-out reads from",
                   TYPE_APPLE_VIRT_DISPLAY);
        return;
    }
    if (s->width < APPLE_VIRT_DISPLAY_MIN_DIM ||
        s->width > APPLE_VIRT_DISPLAY_MAX_DIM ||
        s->height < APPLE_VIRT_DISPLAY_MIN_DIM ||
        s->height > APPLE_VIRT_DISPLAY_MAX_DIM) {
        error_setg(errp, "%s: %" PRIu32 "x%" PRIu32 " is not a valid mode:"
                   " width and height must be between %d and %d",
                   TYPE_APPLE_VIRT_DISPLAY, s->width, s->height,
                   APPLE_VIRT_DISPLAY_MIN_DIM, APPLE_VIRT_DISPLAY_MAX_DIM);
        return;
    }
    min_stride = s->width * sizeof(uint32_t);
    if (!s->stride) {
        s->stride = min_stride;
    }
    if (s->stride < min_stride || s->stride % 4 ||
        s->stride > APPLE_VIRT_DISPLAY_MAX_STRIDE) {
        error_setg(errp, "%s: stride %" PRIu32 " is invalid: it must be a"
                   " multiple of 4 between %" PRIu32 " (width * 4) and %d",
                   TYPE_APPLE_VIRT_DISPLAY, s->stride, min_stride,
                   APPLE_VIRT_DISPLAY_MAX_STRIDE);
        return;
    }

    if (s->refresh_rate < 1 ||
        s->refresh_rate > APPLE_VIRT_DISPLAY_MAX_REFRESH) {
        error_setg(errp, "%s: refresh-rate must be 1 to %d (Hz), not %"
                   PRIu32, TYPE_APPLE_VIRT_DISPLAY,
                   APPLE_VIRT_DISPLAY_MAX_REFRESH, s->refresh_rate);
        return;
    }

    address_space_init(&s->dma_as, s->dma_mr, "apple-virt-display-dma");
    s->line_buf = g_malloc(min_stride);
    s->pix_buf = g_new(uint32_t, s->width);

    s->con = graphic_console_init(dev, 0, &avd_gfx_ops, s);
    dpy_gfx_replace_surface(s->con,
                            qemu_create_displaysurface(s->width, s->height));
    s->shown = SHOWN_UNKNOWN;
    s->invalidate = true;
    /* armed by reset */
    s->vblank = timer_new_ns(QEMU_CLOCK_VIRTUAL, avd_vblank, s);
}

static void avd_unrealize(DeviceState *dev)
{
    AppleVirtDisplayState *s = APPLE_VIRT_DISPLAY(dev);

    timer_free(s->vblank);
    graphic_console_close(s->con);
    address_space_destroy(&s->dma_as);
    g_free(s->line_buf);
    g_free(s->pix_buf);
}

static void avd_init(Object *obj)
{
    AppleVirtDisplayState *s = APPLE_VIRT_DISPLAY(obj);

    memory_region_init_io(&s->iomem, obj, &avd_mmio_ops, s,
                          TYPE_APPLE_VIRT_DISPLAY,
                          APPLE_VIRT_DISPLAY_MMIO_SIZE);
    sysbus_init_mmio(SYS_BUS_DEVICE(obj), &s->iomem);

    object_property_add_uint64_ptr(obj, "stat-frames", &s->stat_frames,
                                   OBJ_PROP_FLAG_READ);
    object_property_add_uint64_ptr(obj, "stat-scanout-errors",
                                   &s->stat_errors, OBJ_PROP_FLAG_READ);
}

static int avd_post_load(void *opaque, int version_id)
{
    AppleVirtDisplayState *s = opaque;

    s->shown = SHOWN_UNKNOWN;
    s->invalidate = true;
    return 0;
}

static const VMStateDescription vmstate_apple_virt_display = {
    .name = TYPE_APPLE_VIRT_DISPLAY,
    .version_id = 1,
    .minimum_version_id = 1,
    .post_load = avd_post_load,
    .fields = (const VMStateField[]) {
        VMSTATE_UINT32(ctrl, AppleVirtDisplayState),
        VMSTATE_UINT64(scanout_iova, AppleVirtDisplayState),
        VMSTATE_UINT32(status, AppleVirtDisplayState),
        VMSTATE_UINT64(stat_frames, AppleVirtDisplayState),
        VMSTATE_UINT64(stat_errors, AppleVirtDisplayState),
        VMSTATE_END_OF_LIST()
    },
};

static const Property avd_properties[] = {
    DEFINE_PROP_LINK("dma", AppleVirtDisplayState, dma_mr,
                     TYPE_MEMORY_REGION, MemoryRegion *),
    DEFINE_PROP_UINT32("width", AppleVirtDisplayState, width, 1024),
    DEFINE_PROP_UINT32("height", AppleVirtDisplayState, height, 768),
    /* 0: width * 4 */
    DEFINE_PROP_UINT32("stride", AppleVirtDisplayState, stride, 0),
    DEFINE_PROP_UINT64("iova", AppleVirtDisplayState, iova, 0),
    /* vertical blanks a second: how often a frame is scanned out */
    DEFINE_PROP_UINT32("refresh-rate", AppleVirtDisplayState, refresh_rate,
                       60),
};

static void avd_class_init(ObjectClass *klass, AppleClassData *data)
{
    DeviceClass *dc = DEVICE_CLASS(klass);
    ResettableClass *rc = RESETTABLE_CLASS(klass);

    dc->desc = "apple-virt display engine (scan-out through a DART)";
    dc->realize = avd_realize;
    dc->unrealize = avd_unrealize;
    dc->vmsd = &vmstate_apple_virt_display;
    /* The machine wires it to a DART stream and presets the mapping. */
    dc->user_creatable = false;
    device_class_set_props(dc, avd_properties);
    set_bit(DEVICE_CATEGORY_DISPLAY, dc->categories);
    rc->phases.hold = avd_reset_hold;
}

static const TypeInfo avd_info = {
    .name = TYPE_APPLE_VIRT_DISPLAY,
    .parent = TYPE_SYS_BUS_DEVICE,
    .instance_size = sizeof(AppleVirtDisplayState),
    .instance_init = avd_init,
    .class_init = avd_class_init,
};

static void avd_register_types(void)
{
    type_register_static(&avd_info);
}

type_init(avd_register_types)
