/*
 * QTest for locked Apple DARTs and the tables apple-virt's firmware
 * leaves in them, on every DART generation
 *
 * Copyright (c) 2026 The apple-dart QEMU model authors
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 *
 * apple-virt plays the boot firmware: at every reset it programs the
 * DARTs it is asked to preset, with page tables in a carve-out at the
 * top of RAM, and locks them the layout's way (CONFIG.LOCK on T8020,
 * PROTECT on T8110). QEMU's "edu" PCI device in slot 3 (stream 3 of the
 * PCIe DART) is the DMA master: with "pcie-dart-preset=mapped" the
 * firmware maps a region of its own at PCIE_FW_IOVA, which edu can read
 * and write. The display DART is preset and locked in every
 * configuration.
 */

#include "qemu/osdep.h"
#include "qemu/timer.h"
#include "apple-dart-qtest.h"

/* What firmware leaves, in the carve-out at the top of RAM */
#define CARVEOUT            (ADT_RAM_END - 0x800000ULL)
#define PCIE_FW_PA          (CARVEOUT + 0x300000ULL)
#define PCIE_FW_IOVA        0x0c000000ULL
#define PCIE_FW_SIZE        0x10000
#define FB_PA               (CARVEOUT + 0x400000ULL)
#define FB_IOVA             0xa0000000U
#define FB_WIDTH            1024
#define FB_HEIGHT           768
#define DISPLAY_REFRESH_HZ  60  /* apple-virt-display's refresh-rate */
#define LOCKED_PCIE         "pcie-dart-preset=mapped,pcie-dart-locked=on"

#define PCIE                ADT_DART_PCIE
#define DISP                ADT_DART_DISP
#define SID                 ADT_SID

/* What firmware put in its PCIe region: its name on each 32-byte line. */
static bool holds_fw_data(AppleDartTest *c, uint64_t pa)
{
    char buf[ADT_XFER];
    char line[33];

    snprintf(line, sizeof(line), "%-31s\n", "pcie-firmware");
    qtest_memread(c->qts, pa, buf, ADT_XFER);
    return !memcmp(buf, line, 32) && !memcmp(buf + 32, line, 32);
}

/* edu copies firmware's data within its region, through the DART. */
static void assert_fw_region_copies(AppleDartTest *c)
{
    adt_zero(c, PCIE_FW_PA + 0x8000, ADT_XFER);
    adt_dma_copy(c, PCIE_FW_IOVA, PCIE_FW_IOVA + 0x8000);
    g_assert_true(holds_fw_data(c, PCIE_FW_PA + 0x8000));
    adt_assert_no_fault(c);
}

/* The top-level entry of @dart stream @sid's preset tables for @iova */
static uint64_t preset_top_entry(AppleDartTest *c, uint64_t dart,
                                 unsigned sid, uint64_t iova)
{
    return adt_walk_to(c, dart, sid, iova, c->geo.levels - 1);
}

/* What firmware leaves on a locked PCIe DART, at start and after reset */
static void assert_firmware_state(AppleDartTest *c)
{
    const uint32_t lock = c->regs->lock_val;
    uint64_t tops[ADT_PCIE_STREAMS];

    g_assert_cmphex(adt_lock_state(c, PCIE) & lock, ==, lock);
    for (unsigned sid = 0; sid < ADT_PCIE_STREAMS; sid++) {
        uint64_t top = adt_top_table(c, PCIE, sid, PCIE_FW_IOVA);

        g_assert_cmphex(top, >=, CARVEOUT);
        g_assert_cmphex(top, <, ADT_RAM_END);
        g_assert_cmphex(adt_rd(c, adt_tcr(c, sid)), ==,
                        apple_dart_tcr_translate(&c->geo));
        for (unsigned i = 1; i < c->geo.gen->ttbrs_per_stream; i++) {
            g_assert_cmphex(adt_rd(c, adt_ttbr(c, sid, i)), ==, 0);
        }
        /* each stream has a table of its own */
        for (unsigned other = 0; other < sid; other++) {
            g_assert_cmphex(top, !=, tops[other]);
        }
        tops[sid] = top;
    }
    g_assert_cmphex(apple_dart_pte_to_pa(&c->geo,
                    adt_walk(c, PCIE, SID, PCIE_FW_IOVA)), ==, PCIE_FW_PA);
    g_assert_cmphex(apple_dart_pte_to_pa(&c->geo,
                    adt_walk(c, PCIE, SID, PCIE_FW_IOVA + 0xc000)), ==,
                    PCIE_FW_PA + 0xc000);
    g_assert_true(holds_fw_data(c, PCIE_FW_PA));
}

/* By default only the display DART is preset and locked, as on an M1. */
static void test_default_display_locked(AppleDartTest *c)
{
    uint64_t fb_pte;

    g_assert_cmphex(adt_lock_state(c, DISP), ==, c->regs->lock_val);
    g_assert_cmphex(adt_rd_at(c, DISP, adt_tcr(c, 0)), ==,
                    apple_dart_tcr_translate(&c->geo));
    for (unsigned sid = 1; sid < c->geo.num_streams; sid++) {
        g_assert_cmphex(adt_rd_at(c, DISP, adt_tcr(c, sid)), ==, 0);
    }
    /* the boot framebuffer, at an IOVA that is not its address */
    fb_pte = adt_walk(c, DISP, 0, FB_IOVA);
    g_assert_cmphex(apple_dart_pte_to_pa(&c->geo, fb_pte), ==, FB_PA);
    g_assert_cmphex(fb_pte & c->geo.gen->pte->no_write, ==, 0);
    g_assert_cmphex(apple_dart_pte_to_pa(&c->geo,
                    adt_walk(c, DISP, 0, FB_IOVA + 0x2fc000)), ==,
                    FB_PA + 0x2fc000);

    g_assert_cmphex(adt_lock_state(c, PCIE), ==, 0);
    g_assert_cmphex(adt_rd_at(c, PCIE, adt_tcr(c, SID)), ==, 0);
    g_assert_cmphex(adt_lock_state(c, ADT_DART_USB), ==, 0);
}

/* What firmware did is there for a user to read. */
static void test_firmware_property(AppleDartTest *c)
{
    g_autofree char *desc = NULL, *pcie = NULL;

    desc = adt_qom_str(c, "/machine", "dart-firmware");
    pcie = g_strdup_printf("dart-pcie: preset mapped, locked; streams 0xffff:"
                           " TCR 0x%" PRIx32 "\n  stream 0: TTBR0 0x",
                           apple_dart_tcr_translate(&c->geo));
    g_assert_nonnull(strstr(desc, "dart-disp: preset mapped, locked;"));
    g_assert_nonnull(strstr(desc, "iova 0xa0000000 -> pa 0x83fc00000"
                            " size 0x300000 rw (framebuffer)"));
    g_assert_nonnull(strstr(desc, pcie));
    g_assert_nonnull(strstr(desc, "iova 0xc000000 -> pa 0x83fb00000"
                            " size 0x10000 rw (pcie-firmware)"));
    g_assert_nonnull(strstr(desc, "dart-usb: preset none, not locked"));
}

/* The lock is set before the guest runs; TTBR and TCR are frozen. */
static void test_locked_at_reset(AppleDartTest *c)
{
    assert_firmware_state(c);
    g_assert_cmphex(adt_lock_state(c, PCIE), ==, c->regs->lock_val);
    for (unsigned sid = 0; sid < ADT_PCIE_STREAMS; sid++) {
        adt_wr(c, adt_tcr(c, sid), 0);
        g_assert_cmphex(adt_rd(c, adt_tcr(c, sid)), ==,
                        apple_dart_tcr_translate(&c->geo));
        for (unsigned i = 0; i < c->geo.gen->ttbrs_per_stream; i++) {
            uint32_t ttbr = adt_rd(c, adt_ttbr(c, sid, i));

            adt_wr(c, adt_ttbr(c, sid, i), 0);
            adt_wr(c, adt_ttbr(c, sid, i),
                   apple_dart_ttbr_encode(&c->geo, 0x1234000));
            g_assert_cmphex(adt_rd(c, adt_ttbr(c, sid, i)), ==, ttbr);
        }
    }
    assert_firmware_state(c);
}

/* edu reaches the firmware's own region through the preset tables. */
static void test_preset_translates(AppleDartTest *c)
{
    assert_fw_region_copies(c);
}

/*
 * The preset tables are ordinary memory: the guest may repoint their
 * top-level entry, and the DART uses the edit once the stream is
 * invalidated, not before.
 */
static void test_edit_preset_l1(AppleDartTest *c)
{
    uint64_t entry = preset_top_entry(c, PCIE, SID, PCIE_FW_IOVA);
    uint64_t sub;

    adt_zero(c, PCIE_FW_PA + 0x8000, ADT_XFER);
    adt_dma_copy(c, PCIE_FW_IOVA, PCIE_FW_IOVA + 0x8000);  /* now cached */

    /* tables of the guest's own, for the same IOVAs */
    adt_fill(c, ADT_BUF_A, 0x51);
    adt_zero(c, ADT_BUF_B, ADT_XFER);
    sub = adt_new_table(c);
    adt_map_from(c, sub, c->geo.levels - 2, PCIE_FW_IOVA,
                 adt_leaf(c, ADT_BUF_A, false, false));
    adt_map_from(c, sub, c->geo.levels - 2, PCIE_FW_IOVA + 0x8000,
                 adt_leaf(c, ADT_BUF_B, false, false));
    qtest_writeq(c->qts, entry, apple_dart_table_pte(&c->geo, sub));

    /* not invalidated: the old translations still hold */
    adt_zero(c, PCIE_FW_PA + 0x8000, ADT_XFER);
    adt_dma_copy(c, PCIE_FW_IOVA, PCIE_FW_IOVA + 0x8000);
    g_assert_true(holds_fw_data(c, PCIE_FW_PA + 0x8000));
    g_assert_false(adt_holds(c, ADT_BUF_B, 0x51));

    /* invalidation works on a locked DART */
    adt_flush(c, SID);
    adt_dma_copy(c, PCIE_FW_IOVA, PCIE_FW_IOVA + 0x8000);
    g_assert_true(adt_holds(c, ADT_BUF_B, 0x51));
    adt_assert_no_fault(c);
}

/* Faults are reported and cleared as usual on a locked DART. */
static void test_fault_locked(AppleDartTest *c)
{
    /* firmware's region is read-write, the rest of the space unmapped */
    adt_dma_to(c, 0x30000000);
    adt_assert_fault(c, APPLE_DART_FAULT_NO_PMD, SID, 0x30000000);
    g_assert_cmphex(adt_lock_state(c, PCIE), ==, c->regs->lock_val);
}

/*
 * No register write, of any value, anywhere, undoes the lock. (On T8110
 * the first sweep writes PROTECT_LOCK before a later one writes all ones
 * to UNPROTECT, which alone would lift firmware's PROTECT.)
 */
static void test_no_unlock(AppleDartTest *c)
{
    const uint32_t lock = c->regs->lock_val;
    const uint32_t vals[] = { 0, UINT32_MAX, lock, 0 };
    /* CONFIG keeps only LOCK; PROTECT keeps every bit it knows */
    const uint32_t swept = adt_is_t8110(c->g) ? T8110_PROTECT_KNOWN : lock;

    /* firmware made the lock final: UNPROTECT does not lift it */
    if (adt_is_t8110(c->g)) {
        g_assert_cmphex(adt_rd(c, A_T8110_PROTECT_LOCK), ==, 1);
        adt_wr(c, A_T8110_UNPROTECT, UINT32_MAX);
        g_assert_cmphex(adt_lock_state(c, PCIE), ==, lock);
        adt_wr(c, adt_tcr(c, SID), 0);
        g_assert_cmphex(adt_rd(c, adt_tcr(c, SID)), ==,
                        apple_dart_tcr_translate(&c->geo));
    }
    for (int v = 0; v < ARRAY_SIZE(vals); v++) {
        for (uint64_t off = 0; off < APPLE_DART_MMIO_SIZE; off += 4) {
            adt_wr(c, off, vals[v]);
        }
        g_assert_cmphex(adt_lock_state(c, PCIE) & lock, ==, lock);
    }
    g_assert_cmphex(adt_lock_state(c, PCIE), ==, swept);
    adt_enable_streams_at(c, PCIE);
    adt_wr(c, c->regs->error, UINT32_MAX);
    assert_firmware_state(c);

    /* and DMA still flows through the preset tables */
    assert_fw_region_copies(c);
}

/* system_reset brings back what firmware left: tables, TTBR, TCR, lock. */
static void test_system_reset(AppleDartTest *c)
{
    uint64_t entry, old;

    entry = preset_top_entry(c, PCIE, SID, PCIE_FW_IOVA);
    old = qtest_readq(c->qts, entry);
    qtest_writeq(c->qts, entry, 0);
    adt_zero(c, PCIE_FW_PA, PCIE_FW_SIZE);
    adt_flush(c, SID);
    adt_dma_from(c, PCIE_FW_IOVA);
    adt_assert_fault_latched(c, adt_top_miss(c), SID, PCIE_FW_IOVA);

    qtest_system_reset(c->qts);
    g_assert_cmphex(qtest_readq(c->qts, entry), ==, old);
    g_assert_cmphex(adt_rd(c, c->regs->error), ==, 0);
    assert_firmware_state(c);
    g_assert_cmphex(adt_lock_state(c, PCIE), ==, c->regs->lock_val);
    g_assert_cmphex(adt_lock_state(c, DISP), ==, c->regs->lock_val);

    adt_edu_enable(c);
    assert_fw_region_copies(c);
}

/* Preset but unlocked: the guest may take the DART over. */
static void test_preset_unlocked(AppleDartTest *c)
{
    g_assert_cmphex(adt_lock_state(c, PCIE), ==, 0);
    g_assert_cmphex(adt_rd(c, adt_tcr(c, SID)), ==,
                    apple_dart_tcr_translate(&c->geo));
    adt_top_table(c, PCIE, SID, PCIE_FW_IOVA);
    /* empty: nothing is mapped, not even firmware's region */
    adt_dma_from(c, PCIE_FW_IOVA);
    adt_assert_fault(c, adt_top_miss(c), SID, PCIE_FW_IOVA);
    adt_wr(c, adt_tcr(c, SID), 0);
    g_assert_cmphex(adt_rd(c, adt_tcr(c, SID)), ==, 0);
}

/* The colour at (@x, @y) of a screendump of the display engine. */
static uint32_t screen_pixel(AppleDartTest *c, const char *ppm, int x, int y)
{
    g_autofree char *data = NULL;
    unsigned width, height, maxval;
    int header = 0;
    size_t len;
    const uint8_t *p;

    qtest_qmp_assert_success(c->qts, "{'execute': 'screendump',"
                             " 'arguments': {'filename': %s}}", ppm);
    g_assert_true(g_file_get_contents(ppm, &data, &len, NULL));
    g_assert_cmpint(sscanf(data, "P6 %u %u %u%n", &width, &height, &maxval,
                           &header), ==, 3);
    g_assert_cmpuint(width, ==, FB_WIDTH);
    g_assert_cmpuint(height, ==, FB_HEIGHT);
    g_assert_cmpuint(len, ==, header + 1 + width * height * 3);
    p = (const uint8_t *)data + header + 1 + (y * width + x) * 3;
    return p[0] << 16 | p[1] << 8 | p[2];
}

/* Let one vertical blank pass: the display engine scans out a frame. */
static void next_frame(AppleDartTest *c)
{
    qtest_clock_step(c->qts, NANOSECONDS_PER_SECOND / DISPLAY_REFRESH_HZ);
}

static uint64_t display_stat(AppleDartTest *c, const char *name)
{
    return adt_qom_uint(c, "/machine/display", name);
}

/*
 * The display engine scans the framebuffer out through the locked
 * display DART at every vertical blank; a guest that breaks the mapping
 * breaks the screen at the next one, and the DART says why.
 */
static void test_display_scanout(AppleDartTest *c)
{
    g_autofree char *dir = g_dir_make_tmp("apple-dart-locked-XXXXXX", NULL);
    g_autofree char *ppm = g_build_filename(dir, "screen.ppm", NULL);

    /* no vblank yet (qtest's clock stands still): nothing was read */
    g_assert_cmpuint(display_stat(c, "stat-frames"), ==, 0);
    g_assert_cmpuint(adt_stat(c, "stat-walks"), ==, 0);

    /*
     * Firmware's splash, read through the DART: as there has been no
     * frame yet, the screendump has one scanned out.
     */
    g_assert_cmphex(screen_pixel(c, ppm, 10, 10), ==, 0x203048);
    g_assert_cmpuint(display_stat(c, "stat-frames"), ==, 1);
    /* from then on, a screendump shows the last frame: it reads nothing */
    g_assert_cmphex(screen_pixel(c, ppm, 512, 384), ==, 0xffffff);
    g_assert_cmpuint(display_stat(c, "stat-frames"), ==, 1);
    next_frame(c);
    g_assert_cmpuint(display_stat(c, "stat-scanout-errors"), ==, 0);
    g_assert_cmpuint(adt_stat(c, "stat-walks"), >, 0);
    adt_assert_no_fault(c);

    /* what the guest draws in the framebuffer shows at the next vblank */
    qtest_writel(c->qts, FB_PA + 4 * (20 * FB_WIDTH + 30), 0x00abcdef);
    g_assert_cmphex(screen_pixel(c, ppm, 30, 20), ==, 0x203048);
    next_frame(c);
    g_assert_cmphex(screen_pixel(c, ppm, 30, 20), ==, 0xabcdef);
    g_assert_cmpuint(display_stat(c, "stat-frames"), ==, 3);

    /*
     * Unmap it from the preset tables: the DART's TLB still holds the
     * translations, so frames go on until the guest invalidates; then
     * the next scan-out fails.
     */
    qtest_writeq(c->qts, preset_top_entry(c, DISP, 0, FB_IOVA), 0);
    next_frame(c);
    g_assert_cmphex(screen_pixel(c, ppm, 30, 20), ==, 0xabcdef);
    adt_flush(c, 0);
    adt_assert_no_fault(c);
    next_frame(c);
    g_assert_cmphex(screen_pixel(c, ppm, 0, 0), ==, 0xff0000);
    adt_assert_fault_latched(c, adt_top_miss(c), 0, FB_IOVA);
    g_assert_cmpuint(display_stat(c, "stat-scanout-errors"), ==, 1);
    /* and every frame after it, with or without anyone watching */
    next_frame(c);
    next_frame(c);
    g_assert_cmpuint(display_stat(c, "stat-scanout-errors"), ==, 3);
    g_assert_cmpuint(display_stat(c, "stat-frames"), ==, 7);

    /* a reset brings firmware's tables, and the picture, back */
    qtest_system_reset(c->qts);
    next_frame(c);
    g_assert_cmphex(screen_pixel(c, ppm, 512, 384), ==, 0xffffff);
    adt_assert_no_fault(c);
    unlink(ppm);
    rmdir(dir);
}

/*
 * Firmware presets the streams it is asked to, each with tables of its
 * own, and leaves the others as reset left them.
 */
static void test_preset_streams(AppleDartTest *c)
{
    uint64_t top3 = adt_top_table(c, PCIE, SID, PCIE_FW_IOVA);
    uint64_t top5 = adt_top_table(c, PCIE, 5, PCIE_FW_IOVA);
    uint64_t translate = apple_dart_tcr_translate(&c->geo);

    g_assert_cmphex(top3, !=, top5);
    for (unsigned sid = 0; sid < ADT_PCIE_STREAMS; sid++) {
        bool preset = sid == SID || sid == 5;

        g_assert_cmphex(adt_rd(c, adt_tcr(c, sid)), ==,
                        preset ? translate : 0);
        if (!preset) {
            g_assert_cmphex(adt_rd(c, adt_ttbr(c, sid, 0)), ==, 0);
        }
    }
    /* edu's stream reaches firmware's region through its own tables */
    assert_fw_region_copies(c);
    /* a guest edit of stream 5's table changes nothing for stream 3 */
    qtest_writeq(c->qts, preset_top_entry(c, PCIE, 5, PCIE_FW_IOVA), 0);
    adt_flush(c, SID);
    adt_flush(c, 5);
    assert_fw_region_copies(c);
    adt_assert_no_fault(c);
}

/* "refresh-rate" sets how often, in virtual time, a frame is scanned out. */
static void test_display_refresh_rate(AppleDartTest *c)
{
    const int64_t frame_ns = NANOSECONDS_PER_SECOND / 25;

    qtest_clock_step(c->qts, frame_ns - 1);
    g_assert_cmpuint(display_stat(c, "stat-frames"), ==, 0);
    qtest_clock_step(c->qts, 1);
    g_assert_cmpuint(display_stat(c, "stat-frames"), ==, 1);
    qtest_clock_step(c->qts, 3 * frame_ns);
    g_assert_cmpuint(display_stat(c, "stat-frames"), ==, 4);
    g_assert_cmpuint(display_stat(c, "stat-scanout-errors"), ==, 0);
    adt_assert_no_fault(c);
}

/* Combinations that make no sense stop QEMU with a one-line error. */
static void test_bad_options(void)
{
    static const AppleDartBadOption cases[] = {
        { "-M apple-virt,pcie-dart-locked=on",
          "pcie-dart-locked=on needs pcie-dart-preset=empty or mapped" },
        { "-M apple-virt,disp-dart-preset=none",
          "disp-dart-locked=on needs disp-dart-preset=empty or mapped" },
        { "-M apple-virt,usb-dart-preset=full", "usb-dart-preset" },
        { "-M apple-virt,usb-dart-locked=maybe", "usb-dart-locked" },
        { "-M apple-virt -m 64M", "at least 128 MiB of RAM" },
        { "-M apple-virt,pcie-dart-preset=mapped,"
          "pcie-dart-preset-streams=0x10000",
          "pcie-dart-preset-streams=0x10000: dart-pcie has only streams"
          " 0xffff" },
        { "-M apple-virt,disp-dart-preset-streams=0",
          "disp-dart-locked=on needs at least one stream in"
          " disp-dart-preset-streams" },
        { "-M apple-virt,pcie-dart-preset-streams=lots",
          "pcie-dart-preset-streams" },
        { "-M apple-virt,dart=t8103-usb4,pcie-dart-preset=mapped,"
          "pcie-dart-preset-streams=0xffffffffffffffff",
          "out of page table memory" },
    };

    adt_assert_bad_options(cases, ARRAY_SIZE(cases));
}

int main(int argc, char **argv)
{
    static const AppleDartTestCase tests[] = {
        { "locked/default-display-locked", test_default_display_locked },
        { "locked/firmware-property", test_firmware_property, LOCKED_PCIE },
        { "locked/locked-at-reset", test_locked_at_reset, LOCKED_PCIE },
        { "locked/preset-translates", test_preset_translates, LOCKED_PCIE },
        { "locked/edit-preset-l1", test_edit_preset_l1, LOCKED_PCIE },
        { "locked/fault", test_fault_locked, LOCKED_PCIE },
        { "locked/no-unlock", test_no_unlock, LOCKED_PCIE },
        { "locked/system-reset", test_system_reset, LOCKED_PCIE },
        { "locked/preset-streams", test_preset_streams,
          LOCKED_PCIE ",pcie-dart-preset-streams=0x28" },
        { "locked/preset-unlocked", test_preset_unlocked,
          "pcie-dart-preset=empty" },
        { "locked/display-scanout", test_display_scanout, NULL, NULL, DISP },
        { "locked/display-refresh-rate", test_display_refresh_rate, NULL,
          "-global apple-virt-display.refresh-rate=25", DISP },
    };

    g_test_init(&argc, &argv, NULL);
    for (int i = 0; i < ARRAY_SIZE(adt_gens); i++) {
        adt_add_cases(&adt_gens[i], tests, ARRAY_SIZE(tests));
    }
    qtest_add_func("/apple-dart/locked/bad-options", test_bad_options);
    return g_test_run();
}
