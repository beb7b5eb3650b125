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
#include "system/dma.h"      /* and address-spaces.h, which QEMU 10.1 moved */
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

static hwaddr av_fw_region_pa(AppleVirtFirmware *fw,
                              const AppleVirtFwRegion *r)
{
    return fw->carveout + r->offset;
}

/* Whether firmware puts @r in memory: mapped, or the framebuffer. */
static bool av_fw_region_present(const AppleVirtFwDart *d,
                                 const AppleVirtFwRegion *r)
{
    return r->framebuffer || d->cfg->preset == AV_PRESET_MAPPED;
}

hwaddr apple_virt_fw_framebuffer(AppleVirtFirmware *fw)
{
    return av_fw_region_pa(fw, fw->framebuffer);
}

/*
 * Page tables
 */

/* A new, zeroed table of @d's granule; returns its physical address. */
static bool av_fw_alloc_table(AppleVirtFirmware *fw, AppleVirtFwDart *d,
                              hwaddr *table, Error **errp)
{
    size_t granule = 1ull << d->geo->page_shift;
    size_t off = ROUND_UP(fw->tables_used, granule);

    if (off + granule > AV_FW_TABLES_SIZE) {
        error_setg(errp, "apple-virt firmware: out of page table memory"
                   " (%u KiB): preset fewer streams",
                   (unsigned)(AV_FW_TABLES_SIZE / KiB));
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
 * The table that entry @index of @table points to, made if there is
 * none yet. Firmware reads back what it wrote itself.
 */
static bool av_fw_next_table(AppleVirtFirmware *fw, AppleVirtFwDart *d,
                             hwaddr table, unsigned index, hwaddr *next,
                             Error **errp)
{
    uint64_t *entry = av_fw_entry(fw, table, index);

    if (*entry) {
        *next = apple_dart_pte_to_pa(d->geo, le64_to_cpu(*entry));
        return true;
    }
    if (!av_fw_alloc_table(fw, d, next, errp)) {
        return false;
    }
    *entry = cpu_to_le64(apple_dart_table_pte(d->geo, *next));
    return true;
}

static bool av_fw_map_page(AppleVirtFirmware *fw, AppleVirtFwDart *d,
                           unsigned sid, hwaddr iova, hwaddr pa,
                           bool read_only, Error **errp)
{
    const AppleDARTGeometry *geo = d->geo;
    uint64_t ttbr = apple_dart_ttbr_index(geo, iova);
    hwaddr *top = &d->top[sid][ttbr];
    hwaddr table;

    if (ttbr >= geo->gen->ttbrs_per_stream) {
        error_setg(errp, "apple-virt firmware: %s: iova 0x%" HWADDR_PRIx
                   " is beyond the reach of its TTBRs", d->cfg->name, iova);
        return false;
    }
    if (!*top && !av_fw_alloc_table(fw, d, top, errp)) {
        return false;
    }
    table = *top;
    for (unsigned level = geo->levels - 1; level > 0; level--) {
        if (!av_fw_next_table(fw, d, table,
                              apple_dart_pt_index(geo, iova, level),
                              &table, errp)) {
            return false;
        }
    }
    *av_fw_entry(fw, table, apple_dart_pt_index(geo, iova, 0)) =
        cpu_to_le64(apple_dart_leaf_pte(geo, pa, false, read_only));
    return true;
}

/* Map every region of @d's client for stream @sid, in its own tables. */
static bool av_fw_map_regions(AppleVirtFirmware *fw, AppleVirtFwDart *d,
                              unsigned sid, Error **errp)
{
    hwaddr granule = 1ull << d->geo->page_shift;

    for (unsigned i = 0; i < d->cfg->num_regions; i++) {
        const AppleVirtFwRegion *r = &d->cfg->regions[i];
        hwaddr pa = av_fw_region_pa(fw, r);

        for (hwaddr off = 0; off < r->size; off += granule) {
            if (!av_fw_map_page(fw, d, sid, r->iova + off, pa + off,
                                r->read_only, errp)) {
                return false;
            }
        }
    }
    return true;
}

/* The streams firmware can preset on @d */
static uint64_t av_fw_streams(AppleVirtFwDart *d)
{
    return MAKE_64BIT_MASK(0, MIN(d->geo->num_streams, AV_FW_MAX_STREAMS));
}

static void av_fw_log_stream(AppleVirtFwDart *d, unsigned sid)
{
    g_string_append_printf(d->log, "  stream %u:", sid);
    for (unsigned t = 0; t < APPLE_DART_MAX_TTBRS; t++) {
        if (d->top[sid][t]) {
            g_string_append_printf(d->log, " TTBR%u 0x%" PRIx32 " (table at"
                                   " 0x%" HWADDR_PRIx ")", t,
                                   apple_dart_ttbr_encode(d->geo,
                                                          d->top[sid][t]),
                                   d->top[sid][t]);
        }
    }
    g_string_append(d->log, "\n");
}

static void av_fw_log_regions(AppleVirtFirmware *fw, AppleVirtFwDart *d)
{
    for (unsigned i = 0; i < d->cfg->num_regions; i++) {
        const AppleVirtFwRegion *r = &d->cfg->regions[i];

        g_string_append_printf(d->log, "  iova 0x%" HWADDR_PRIx " -> pa 0x%"
                               HWADDR_PRIx " size 0x%" HWADDR_PRIx " %s (%s)\n",
                               r->iova, av_fw_region_pa(fw, r), r->size,
                               r->read_only ? "ro" : "rw", r->name);
    }
}

/*
 * Each stream firmware sets up gets tables of its own, as on a real
 * machine: a driver that adopts a stream's preset table must not find
 * another stream's mappings in it.
 */
static bool av_fw_build_dart(AppleVirtFirmware *fw, AppleVirtFwDart *d,
                             Error **errp)
{
    const AppleVirtFwDartConfig *cfg = d->cfg;

    d->log = g_string_new(NULL);
    g_string_append_printf(d->log, "%s: preset %s, %slocked", cfg->name,
                           apple_virt_fw_preset_lookup.array[cfg->preset],
                           cfg->lock ? "" : "not ");
    for (unsigned sid = 0; sid < APPLE_DART_MAX_STREAMS; sid++) {
        if (test_bit32(sid, cfg->disabled)) {
            g_string_append_printf(d->log, ", stream %u disabled", sid);
        }
    }
    if (cfg->streams & ~av_fw_streams(d)) {
        error_setg(errp, "apple-virt: %s-preset-streams=0x%" PRIx64 ": %s"
                   " has only streams 0x%" PRIx64, cfg->option, cfg->streams,
                   cfg->name, av_fw_streams(d));
        return false;
    }
    if (cfg->preset == AV_PRESET_NONE) {
        if (cfg->lock) {
            error_setg(errp, "apple-virt: %s-locked=on needs %s-preset=empty"
                       " or mapped: a DART locked without tables would block"
                       " its devices until reset", cfg->option, cfg->option);
            return false;
        }
        g_string_append(d->log, "\n");
        return true;
    }
    if (cfg->lock && !cfg->streams) {
        error_setg(errp, "apple-virt: %s-locked=on needs at least one stream"
                   " in %s-preset-streams", cfg->option, cfg->option);
        return false;
    }
    g_string_append_printf(d->log, "; streams 0x%" PRIx64 ": TCR 0x%" PRIx32
                           "\n", cfg->streams,
                           apple_dart_tcr_translate(d->geo));
    for (unsigned sid = 0; sid < AV_FW_MAX_STREAMS; sid++) {
        if (!(cfg->streams & BIT_ULL(sid))) {
            continue;
        }
        /* The first TTBR always has a table; the others only if used. */
        if (!av_fw_alloc_table(fw, d, &d->top[sid][0], errp)) {
            return false;
        }
        if (cfg->preset == AV_PRESET_MAPPED &&
            !av_fw_map_regions(fw, d, sid, errp)) {
            return false;
        }
        av_fw_log_stream(d, sid);
    }
    if (cfg->preset == AV_PRESET_MAPPED) {
        av_fw_log_regions(fw, d);
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

/* Put @r's contents in memory, to be restored at every reset. */
static void av_fw_load_region(AppleVirtFirmware *fw,
                              const AppleVirtFwRegion *r)
{
    g_autofree uint8_t *buf = g_malloc0(r->size);
    g_autofree char *name = g_strdup_printf("apple-virt-fw/%s", r->name);

    if (r->framebuffer) {
        assert(r->size == AV_FB_SIZE);
        av_fw_draw_splash((uint32_t *)buf);
    } else {
        av_fw_fill_region(buf, r);
    }
    rom_add_blob_fixed_as(name, buf, r->size, av_fw_region_pa(fw, r),
                          &address_space_memory);
}

bool apple_virt_fw_build(AppleVirtFirmware *fw,
                         const AppleVirtFwDartConfig *cfgs, unsigned n,
                         hwaddr ram_end, Error **errp)
{
    assert(n <= AV_FW_MAX_DARTS);
    fw->carveout = ram_end - AV_FW_CARVEOUT_SIZE;
    fw->tables = g_malloc0(AV_FW_TABLES_SIZE);
    fw->tables_used = 0;
    fw->num_darts = n;

    for (unsigned i = 0; i < n; i++) {
        AppleVirtFwDart *d = &fw->darts[i];

        d->cfg = &cfgs[i];
        d->geo = apple_dart_geometry(cfgs[i].dart);
        if (!av_fw_build_dart(fw, d, errp)) {
            return false;
        }
        for (unsigned j = 0; j < d->cfg->num_regions; j++) {
            const AppleVirtFwRegion *r = &d->cfg->regions[j];

            assert(r->offset >= AV_FW_TABLES_SIZE &&
                   r->offset + r->size <= AV_FW_CARVEOUT_SIZE);
            if (r->framebuffer) {
                assert(!fw->framebuffer);
                fw->framebuffer = r;
            }
            if (av_fw_region_present(d, r)) {
                av_fw_load_region(fw, r);
            }
        }
    }
    assert(fw->framebuffer);

    if (fw->tables_used) {
        rom_add_blob_fixed_as("apple-virt-fw/dart-tables", fw->tables,
                              fw->tables_used, fw->carveout,
                              &address_space_memory);
    }
    return true;
}

/*
 * Reset: program, then lock
 */

static void av_fw_write(AppleVirtFwDart *d, hwaddr offset, uint32_t val)
{
    address_space_stl_le(&address_space_memory, d->cfg->base + offset, val,
                         MEMTXATTRS_UNSPECIFIED, NULL);
}

/*
 * Leave the streams of @d->cfg->disabled off, as Apple's firmware left
 * some of the audio DART's (Linux's "Initialize DART_STREAMS_ENABLE").
 */
static void av_fw_disable_streams(AppleVirtFwDart *d)
{
    const AppleDARTRegMap *r = d->geo->gen->regs;

    for (unsigned w = 0; w < r->streams_enable_words; w++) {
        uint32_t off = d->cfg->disabled[w];

        if (r->streams_disable) {
            if (off) {
                av_fw_write(d, r->streams_disable + 4 * w, off);
            }
        } else {
            av_fw_write(d, r->streams_enable + 4 * w, ~off);
        }
    }
}

void apple_virt_fw_reset(AppleVirtFirmware *fw)
{
    for (unsigned i = 0; i < fw->num_darts; i++) {
        AppleVirtFwDart *d = &fw->darts[i];
        const AppleDARTGeometry *geo = d->geo;

        av_fw_disable_streams(d);
        if (d->cfg->preset == AV_PRESET_NONE) {
            continue;
        }
        for (unsigned sid = 0; sid < AV_FW_MAX_STREAMS; sid++) {
            if (!(d->cfg->streams & BIT_ULL(sid))) {
                continue;
            }
            for (unsigned t = 0; t < geo->gen->ttbrs_per_stream; t++) {
                hwaddr top = d->top[sid][t];

                av_fw_write(d, apple_dart_ttbr_offset(geo, sid, t),
                            top ? apple_dart_ttbr_encode(geo, top) : 0);
            }
            av_fw_write(d, apple_dart_tcr_offset(geo, sid),
                        apple_dart_tcr_translate(geo));
        }
        if (d->cfg->lock) {
            const AppleDARTRegMap *r = geo->gen->regs;

            av_fw_write(d, r->lock_reg, r->lock_val);
            if (r->lock_seal_reg) {
                av_fw_write(d, r->lock_seal_reg, r->lock_seal_val);
            }
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

/* A /reserved-memory node for @r; returns its phandle. */
static uint32_t av_fw_fdt_region(AppleVirtFirmware *fw, AppleVirtFwDart *d,
                                 const AppleVirtFwRegion *r, void *fdt)
{
    hwaddr pa = av_fw_region_pa(fw, r);
    g_autofree char *node = g_strdup_printf("/reserved-memory/%s@%"
                                            HWADDR_PRIx, r->name, pa);

    qemu_fdt_add_subnode(fdt, node);
    qemu_fdt_setprop_sized_cells(fdt, node, "reg", 2, pa, 2, r->size);
    qemu_fdt_setprop(fdt, node, "no-map", NULL, 0);
    if (d->cfg->preset == AV_PRESET_MAPPED) {
        qemu_fdt_setprop_sized_cells(fdt, node, "iommu-addresses",
                                     1, av_fdt_phandle(fdt, d->cfg->client),
                                     2, r->iova, 2, r->size);
    }
    return av_fdt_phandle(fdt, node);
}

/* The reserved-memory nodes of a DART client and its memory-region list */
static void av_fw_fdt_client(AppleVirtFirmware *fw, AppleVirtFwDart *d,
                             void *fdt)
{
    g_autofree uint32_t *phandles = g_new(uint32_t, d->cfg->num_regions);
    g_autofree const char **names = g_new(const char *,
                                          d->cfg->num_regions);
    unsigned n = 0;

    for (unsigned i = 0; i < d->cfg->num_regions; i++) {
        const AppleVirtFwRegion *r = &d->cfg->regions[i];

        if (av_fw_region_present(d, r)) {
            phandles[n] = cpu_to_be32(av_fw_fdt_region(fw, d, r, fdt));
            names[n++] = r->client_name;
        }
    }
    if (n && d->cfg->client_memory_region) {
        qemu_fdt_setprop(fdt, d->cfg->client, "memory-region", phandles,
                         n * sizeof(uint32_t));
        qemu_fdt_setprop_string_array(fdt, d->cfg->client,
                                      "memory-region-names",
                                      (char **)names, n);
    }
}

void apple_virt_fw_fdt(AppleVirtFirmware *fw, void *fdt)
{
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
    for (unsigned i = 0; i < fw->num_darts; i++) {
        av_fw_fdt_client(fw, &fw->darts[i], fdt);
    }

    /* The boot console, on the framebuffer, as m1n1 passes it */
    qemu_fdt_setprop_cell(fdt, "/chosen", "#address-cells", 2);
    qemu_fdt_setprop_cell(fdt, "/chosen", "#size-cells", 2);
    qemu_fdt_setprop(fdt, "/chosen", "ranges", NULL, 0);
    fb_node = g_strdup_printf("/chosen/framebuffer@%" HWADDR_PRIx, fb);
    qemu_fdt_add_subnode(fdt, fb_node);
    qemu_fdt_setprop_string(fdt, fb_node, "compatible", "simple-framebuffer");
    qemu_fdt_setprop_sized_cells(fdt, fb_node, "reg", 2, fb,
                                 2, fw->framebuffer->size);
    qemu_fdt_setprop_cell(fdt, fb_node, "width", AV_FB_WIDTH);
    qemu_fdt_setprop_cell(fdt, fb_node, "height", AV_FB_HEIGHT);
    qemu_fdt_setprop_cell(fdt, fb_node, "stride", AV_FB_STRIDE);
    qemu_fdt_setprop_string(fdt, fb_node, "format", "x8r8g8b8");
}

char *apple_virt_fw_describe(AppleVirtFirmware *fw)
{
    GString *out = g_string_new(NULL);

    for (unsigned i = 0; i < fw->num_darts; i++) {
        if (fw->darts[i].log) {
            g_string_append(out, fw->darts[i].log->str);
        }
    }
    return g_string_free(out, false);
}
