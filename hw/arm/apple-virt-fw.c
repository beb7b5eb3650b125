/*
 * apple-virt boot firmware: what m1n1 leaves behind on an Apple machine
 *
 * Copyright (c) 2026 The apple-dart QEMU model authors
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 *
 * On Apple silicon the OS does not find its DARTs in reset state. The
 * boot firmware has set some of them up, with page tables in memory it
 * keeps for itself, mappings for its own use (the display coprocessor's
 * firmware, the boot framebuffer), and it has locked the display DART
 * so that nothing can reprogram TTBR and TCR until the SoC resets.
 *
 * apple-virt has no firmware of its own, so the machine plays that part:
 * at init it builds the tables and the memory contents firmware would
 * leave in a carve-out at the top of RAM and registers them as ROM
 * blobs (restored at every reset, listed by "info roms"); at every reset
 * it programs TTBR and TCR through the DART's registers and then locks
 * it with a register write, as m1n1 does. The devicetree describes the
 * result the way m1n1 does: /reserved-memory nodes with "iommu-addresses"
 * and "memory-region" on the client devices.
 */

#include "qemu/osdep.h"
#include "qemu/units.h"
#include "qapi/error.h"
#include "qapi/util.h"
#include "exec/address-spaces.h"
#include "hw/loader.h"
#include "system/device_tree.h"
#include <libfdt.h>
#include "apple-virt-fw.h"

static const char *const preset_names[] = {
    [AV_PRESET_NONE] = "none",
    [AV_PRESET_EMPTY] = "empty",
    [AV_PRESET_MAPPED] = "mapped",
};

const QEnumLookup apple_virt_fw_preset_lookup = {
    .array = preset_names,
    .size = AV_PRESET__MAX,
};

/* Page tables live at the bottom of the carve-out. */
#define AV_FW_TABLES_SIZE       (1 * MiB)

/*
 * Memory firmware keeps and maps for a DART's client. A DART's regions
 * are mapped when its preset is "mapped"; the framebuffer is always
 * there, since the console is drawn in it whatever the display DART
 * does.
 */
typedef struct AppleVirtFwRegion {
    const char *name;           /* reserved-memory node */
    const char *client_name;    /* its entry in memory-region-names */
    hwaddr offset;              /* in the carve-out */
    hwaddr size;
    AppleVirtFwDartId dart;
    hwaddr iova;
    bool read_only;
} AppleVirtFwRegion;

static const AppleVirtFwRegion av_fw_regions[] = {
    {
        .name = "dcp-firmware", .client_name = "firmware",
        .offset = 1 * MiB, .size = 256 * KiB,
        .dart = AV_FW_DART_DISP, .iova = 0x08000000, .read_only = true,
    }, {
        .name = "usb-firmware", .client_name = "firmware",
        .offset = 2 * MiB, .size = 64 * KiB,
        .dart = AV_FW_DART_USB, .iova = 0x0c000000,
    }, {
        .name = "pcie-firmware", .client_name = "firmware",
        .offset = 3 * MiB, .size = 64 * KiB,
        .dart = AV_FW_DART_PCIE, .iova = 0x0c000000,
    }, {
        .name = "framebuffer", .client_name = "framebuffer",
        .offset = 4 * MiB, .size = AV_FB_SIZE,
        .dart = AV_FW_DART_DISP, .iova = AV_FB_IOVA,
    },
};

#define AV_FW_FB_REGION (ARRAY_SIZE(av_fw_regions) - 1)

QEMU_BUILD_BUG_ON(4 * MiB + AV_FB_SIZE > AV_FW_CARVEOUT_SIZE);

static hwaddr av_fw_region_pa(AppleVirtFirmware *fw,
                              const AppleVirtFwRegion *r)
{
    return fw->carveout + r->offset;
}

static bool av_fw_region_mapped(AppleVirtFirmware *fw,
                                const AppleVirtFwRegion *r)
{
    return fw->darts[r->dart].preset == AV_PRESET_MAPPED;
}

hwaddr apple_virt_fw_framebuffer(AppleVirtFirmware *fw)
{
    return av_fw_region_pa(fw, &av_fw_regions[AV_FW_FB_REGION]);
}

/*
 * Page tables
 */

/* A new, zeroed table of @d's granule; returns its physical address. */
static bool av_fw_alloc_table(AppleVirtFirmware *fw, AppleVirtFwDart *d,
                              hwaddr *table, Error **errp)
{
    size_t granule = 1ull << apple_dart_page_shift(d->dart);
    size_t off = ROUND_UP(fw->tables_used, granule);

    if (off + granule > AV_FW_TABLES_SIZE) {
        error_setg(errp, "apple-virt firmware: out of page table memory");
        return false;
    }
    fw->tables_used = off + granule;
    *table = fw->carveout + off;
    return true;
}

static uint64_t *av_fw_entry(AppleVirtFirmware *fw, hwaddr table,
                             uint64_t index)
{
    return (uint64_t *)(fw->tables + (table - fw->carveout)) + index;
}

/*
 * Firmware built these tables itself, so it remembers where each
 * table entry points instead of decoding PTE formats.
 */
typedef struct AppleVirtFwNext {
    hwaddr entry;
    hwaddr table;
} AppleVirtFwNext;

static bool av_fw_map_page(AppleVirtFirmware *fw, AppleVirtFwDart *d,
                           GArray *nexts, hwaddr iova, hwaddr pa,
                           bool read_only, Error **errp)
{
    AppleDARTState *s = d->dart;
    const unsigned shift = apple_dart_page_shift(s);
    const unsigned bits = shift - 3;
    const unsigned levels = apple_dart_table_levels(s);
    uint64_t ttbr = iova >> (shift + bits * levels);
    hwaddr table;

    if (ttbr >= apple_dart_ttbrs_per_stream(s)) {
        error_setg(errp, "apple-virt firmware: %s: iova 0x%" HWADDR_PRIx
                   " is beyond the reach of its TTBRs", d->name, iova);
        return false;
    }
    if (!d->top[ttbr] && !av_fw_alloc_table(fw, d, &d->top[ttbr], errp)) {
        return false;
    }
    table = d->top[ttbr];
    for (int level = levels - 1; level > 0; level--) {
        uint64_t index = extract64(iova, shift + bits * level, bits);
        hwaddr entry = table + index * sizeof(uint64_t);
        hwaddr next = 0;

        for (unsigned i = 0; i < nexts->len; i++) {
            if (g_array_index(nexts, AppleVirtFwNext, i).entry == entry) {
                next = g_array_index(nexts, AppleVirtFwNext, i).table;
            }
        }
        if (!next) {
            AppleVirtFwNext n = { .entry = entry };

            if (!av_fw_alloc_table(fw, d, &next, errp)) {
                return false;
            }
            n.table = next;
            g_array_append_val(nexts, n);
            *av_fw_entry(fw, table, index) =
                cpu_to_le64(apple_dart_table_pte(s, next));
        }
        table = next;
    }
    *av_fw_entry(fw, table, extract64(iova, shift, bits)) =
        cpu_to_le64(apple_dart_leaf_pte(s, pa, read_only));
    return true;
}

static bool av_fw_map_regions(AppleVirtFirmware *fw, AppleVirtFwDart *d,
                              Error **errp);

static bool av_fw_build_dart(AppleVirtFirmware *fw, AppleVirtFwDart *d,
                             Error **errp)
{
    d->log = g_string_new(NULL);
    d->maps = g_string_new(NULL);
    g_string_append_printf(d->log, "%s: preset %s, %slocked", d->name,
                           preset_names[d->preset], d->lock ? "" : "not ");
    if (d->preset == AV_PRESET_NONE) {
        if (d->lock) {
            error_setg(errp, "apple-virt: %s-locked=on needs %s-preset=empty"
                       " or mapped: a DART locked without tables would block"
                       " its devices until reset", d->option, d->option);
            return false;
        }
        g_string_append(d->log, "\n");
        return true;
    }
    /* The first TTBR always has a table; the others only if used. */
    if (!av_fw_alloc_table(fw, d, &d->top[0], errp)) {
        return false;
    }
    if (d->preset == AV_PRESET_MAPPED) {
        if (!av_fw_map_regions(fw, d, errp)) {
            return false;
        }
    }
    g_string_append_printf(d->log, "; streams 0x%" PRIx64 ": TCR 0x%" PRIx32,
                           d->streams, apple_dart_tcr_translate(d->dart));
    for (unsigned t = 0; t < APPLE_DART_MAX_TTBRS; t++) {
        if (d->top[t]) {
            g_string_append_printf(d->log, ", TTBR%u 0x%" PRIx32 " (table at"
                                   " 0x%" HWADDR_PRIx ")", t,
                                   apple_dart_ttbr_encode(d->dart, d->top[t]),
                                   d->top[t]);
        }
    }
    g_string_append_printf(d->log, "\n%s", d->maps->str);
    return true;
}

static bool av_fw_map_regions(AppleVirtFirmware *fw, AppleVirtFwDart *d,
                              Error **errp)
{
    g_autoptr(GArray) nexts = g_array_new(false, false,
                                          sizeof(AppleVirtFwNext));
    hwaddr granule = 1ull << apple_dart_page_shift(d->dart);

    for (unsigned i = 0; i < ARRAY_SIZE(av_fw_regions); i++) {
        const AppleVirtFwRegion *r = &av_fw_regions[i];
        hwaddr pa = av_fw_region_pa(fw, r);

        if (&fw->darts[r->dart] != d) {
            continue;
        }
        for (hwaddr off = 0; off < r->size; off += granule) {
            if (!av_fw_map_page(fw, d, nexts, r->iova + off, pa + off,
                                r->read_only, errp)) {
                return false;
            }
        }
        g_string_append_printf(d->maps, "  iova 0x%" HWADDR_PRIx " -> pa 0x%"
                               HWADDR_PRIx " size 0x%" HWADDR_PRIx " %s (%s)\n",
                               r->iova, pa, r->size,
                               r->read_only ? "ro" : "rw", r->name);
    }
    return true;
}

/*
 * Memory contents
 */

/*
 * A boot splash, drawn by "firmware" before the OS runs: a white
 * square on dark blue, so that a screendump shows whether the display
 * engine reaches the framebuffer.
 */
static void av_fw_draw_splash(uint32_t *fb)
{
    const unsigned side = 192;
    const unsigned x0 = (AV_FB_WIDTH - side) / 2;
    const unsigned y0 = (AV_FB_HEIGHT - side) / 2;

    for (unsigned y = 0; y < AV_FB_HEIGHT; y++) {
        for (unsigned x = 0; x < AV_FB_WIDTH; x++) {
            bool logo = x - x0 < side && y - y0 < side;

            fb[y * AV_FB_WIDTH + x] = cpu_to_le32(logo ? 0xffffff : 0x203048);
        }
    }
}

/* Firmware data: its name on every 32-byte line, easy to recognise. */
static void av_fw_fill_region(uint8_t *buf, const AppleVirtFwRegion *r)
{
    g_autofree char *line = g_strdup_printf("%-31.31s\n", r->name);

    for (hwaddr off = 0; off < r->size; off += 32) {
        memcpy(buf + off, line, 32);
    }
}

bool apple_virt_fw_build(AppleVirtFirmware *fw, hwaddr ram_end, Error **errp)
{
    fw->carveout = ram_end - AV_FW_CARVEOUT_SIZE;
    fw->tables = g_malloc0(AV_FW_TABLES_SIZE);
    fw->tables_used = 0;

    for (unsigned i = 0; i < AV_FW_DART__MAX; i++) {
        if (!av_fw_build_dart(fw, &fw->darts[i], errp)) {
            return false;
        }
    }

    if (fw->tables_used) {
        rom_add_blob_fixed_as("apple-virt-fw/dart-tables", fw->tables,
                              fw->tables_used, fw->carveout,
                              &address_space_memory);
    }
    for (unsigned i = 0; i < ARRAY_SIZE(av_fw_regions); i++) {
        const AppleVirtFwRegion *r = &av_fw_regions[i];
        g_autofree uint8_t *buf = NULL;
        g_autofree char *name = NULL;

        if (i != AV_FW_FB_REGION && !av_fw_region_mapped(fw, r)) {
            continue;
        }
        buf = g_malloc0(r->size);
        if (i == AV_FW_FB_REGION) {
            av_fw_draw_splash((uint32_t *)buf);
        } else {
            av_fw_fill_region(buf, r);
        }
        name = g_strdup_printf("apple-virt-fw/%s", r->name);
        rom_add_blob_fixed_as(name, buf, r->size, av_fw_region_pa(fw, r),
                              &address_space_memory);
    }
    return true;
}

/*
 * Reset: program, then lock
 */

static void av_fw_write(AppleVirtFwDart *d, hwaddr offset, uint32_t val)
{
    address_space_stl_le(&address_space_memory, d->base + offset, val,
                         MEMTXATTRS_UNSPECIFIED, NULL);
}

void apple_virt_fw_reset(AppleVirtFirmware *fw)
{
    for (unsigned i = 0; i < AV_FW_DART__MAX; i++) {
        AppleVirtFwDart *d = &fw->darts[i];
        hwaddr lock_reg;
        uint32_t lock_val;

        if (d->preset == AV_PRESET_NONE) {
            continue;
        }
        for (unsigned sid = 0; sid < apple_dart_num_streams(d->dart); sid++) {
            if (!(d->streams & BIT_ULL(sid))) {
                continue;
            }
            for (unsigned t = 0; t < apple_dart_ttbrs_per_stream(d->dart);
                 t++) {
                av_fw_write(d, apple_dart_ttbr_offset(d->dart, sid, t),
                            d->top[t] ? apple_dart_ttbr_encode(d->dart,
                                                               d->top[t]) : 0);
            }
            av_fw_write(d, apple_dart_tcr_offset(d->dart, sid),
                        apple_dart_tcr_translate(d->dart));
        }
        if (d->lock) {
            apple_dart_lock_write(d->dart, &lock_reg, &lock_val);
            av_fw_write(d, lock_reg, lock_val);
        }
    }
}

/*
 * Devicetree
 */

/* The phandle of node @path, given one if it has none yet. */
static uint32_t av_fdt_phandle(void *fdt, const char *path)
{
    uint32_t phandle = fdt_get_phandle(fdt, fdt_path_offset(fdt, path));

    if (!phandle) {
        phandle = qemu_fdt_alloc_phandle(fdt);
        qemu_fdt_setprop_cell(fdt, path, "phandle", phandle);
    }
    return phandle;
}

void apple_virt_fw_fdt(AppleVirtFirmware *fw, void *fdt)
{
    const AppleVirtFwRegion *fb_region = &av_fw_regions[AV_FW_FB_REGION];
    hwaddr fb = apple_virt_fw_framebuffer(fw);
    g_autofree char *fb_node = NULL;

    qemu_fdt_add_subnode(fdt, "/reserved-memory");
    qemu_fdt_setprop_cell(fdt, "/reserved-memory", "#address-cells", 2);
    qemu_fdt_setprop_cell(fdt, "/reserved-memory", "#size-cells", 2);
    qemu_fdt_setprop(fdt, "/reserved-memory", "ranges", NULL, 0);

    if (fw->tables_used) {
        g_autofree char *node = g_strdup_printf("/reserved-memory/"
                                                "dart-tables@%" HWADDR_PRIx,
                                                fw->carveout);

        qemu_fdt_add_subnode(fdt, node);
        qemu_fdt_setprop_sized_cells(fdt, node, "reg", 2, fw->carveout,
                                     2, AV_FW_TABLES_SIZE);
        qemu_fdt_setprop(fdt, node, "no-map", NULL, 0);
    }

    /* Regions, and their clients' memory-region lists */
    for (unsigned i = 0; i < AV_FW_DART__MAX; i++) {
        AppleVirtFwDart *d = &fw->darts[i];
        g_autofree uint32_t *phandles = g_new(uint32_t,
                                              ARRAY_SIZE(av_fw_regions));
        GString *names = g_string_new(NULL);
        unsigned n = 0;

        for (unsigned j = 0; j < ARRAY_SIZE(av_fw_regions); j++) {
            const AppleVirtFwRegion *r = &av_fw_regions[j];
            hwaddr pa = av_fw_region_pa(fw, r);
            g_autofree char *node = NULL;
            uint32_t phandle;

            if (r->dart != i ||
                (j != AV_FW_FB_REGION && !av_fw_region_mapped(fw, r))) {
                continue;
            }
            node = g_strdup_printf("/reserved-memory/%s@%" HWADDR_PRIx,
                                   r->name, pa);
            qemu_fdt_add_subnode(fdt, node);
            qemu_fdt_setprop_sized_cells(fdt, node, "reg", 2, pa,
                                         2, r->size);
            qemu_fdt_setprop(fdt, node, "no-map", NULL, 0);
            if (d->client && av_fw_region_mapped(fw, r)) {
                qemu_fdt_setprop_cells(fdt, node, "iommu-addresses",
                                       av_fdt_phandle(fdt, d->client),
                                       r->iova >> 32, (uint32_t)r->iova,
                                       r->size >> 32, (uint32_t)r->size);
            }
            phandle = av_fdt_phandle(fdt, node);
            phandles[n++] = cpu_to_be32(phandle);
            g_string_append_len(names, r->client_name,
                                strlen(r->client_name) + 1);
        }
        if (n && d->client) {
            qemu_fdt_setprop(fdt, d->client, "memory-region", phandles,
                             n * sizeof(uint32_t));
            qemu_fdt_setprop(fdt, d->client, "memory-region-names",
                             names->str, names->len);
        }
        g_string_free(names, true);
    }

    /* The boot console, on the framebuffer, as m1n1 passes it */
    qemu_fdt_setprop_cell(fdt, "/chosen", "#address-cells", 2);
    qemu_fdt_setprop_cell(fdt, "/chosen", "#size-cells", 2);
    qemu_fdt_setprop(fdt, "/chosen", "ranges", NULL, 0);
    fb_node = g_strdup_printf("/chosen/framebuffer@%" HWADDR_PRIx, fb);
    qemu_fdt_add_subnode(fdt, fb_node);
    qemu_fdt_setprop_string(fdt, fb_node, "compatible", "simple-framebuffer");
    qemu_fdt_setprop_sized_cells(fdt, fb_node, "reg", 2, fb,
                                 2, fb_region->size);
    qemu_fdt_setprop_cell(fdt, fb_node, "width", AV_FB_WIDTH);
    qemu_fdt_setprop_cell(fdt, fb_node, "height", AV_FB_HEIGHT);
    qemu_fdt_setprop_cell(fdt, fb_node, "stride", AV_FB_STRIDE);
    qemu_fdt_setprop_string(fdt, fb_node, "format", "x8r8g8b8");
}

char *apple_virt_fw_describe(AppleVirtFirmware *fw)
{
    GString *out = g_string_new(NULL);

    for (unsigned i = 0; i < AV_FW_DART__MAX; i++) {
        if (fw->darts[i].log) {
            g_string_append(out, fw->darts[i].log->str);
        }
    }
    return g_string_free(out, false);
}
