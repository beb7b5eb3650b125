/*
 * QTest for locked Apple DARTs and the tables apple-virt's firmware
 * leaves in them
 *
 * Copyright (c) 2026 The apple-dart QEMU model authors
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 *
 * apple-virt plays the boot firmware: at every reset it programs the
 * DARTs it is asked to preset, with page tables in a carve-out at the
 * top of RAM, and locks them. QEMU's "edu" PCI device in slot 3 (stream
 * 3 of the PCIe DART) is the DMA master: with "pcie-dart-preset=mapped"
 * the firmware maps a region of its own at PCIE_FW_IOVA, which edu can
 * read and write.
 */

#include "qemu/osdep.h"
#include "qemu/bitops.h"
#include "apple-dart-qtest.h"
#include "qobject/qdict.h"

/* apple-virt, with its default 1 GiB of RAM */
#define RAM_BASE            0x800000000ULL
#define RAM_END             (RAM_BASE + 0x40000000ULL)
#define CARVEOUT            (RAM_END - 0x800000ULL)
#define PCIE_FW_PA          (CARVEOUT + 0x300000ULL)
#define PCIE_FW_IOVA        0x0c000000ULL
#define FB_PA               (CARVEOUT + 0x400000ULL)
#define FB_IOVA             0xa0000000U
#define DART_PCIE           0x09100000ULL
#define DART_USB            0x09110000ULL
#define DART_DISP           0x09120000ULL
#define DART_PCIE_QOM       "/machine/dart-pcie"
#define EDU_SLOT            3
#define SID                 EDU_SLOT
#define LOCKED_PCIE         "pcie-dart-preset=mapped,pcie-dart-locked=on"

/* T8020 registers */
#define STREAM_COMMAND      0x20
#define   STREAM_COMMAND_INVALIDATE BIT(20)
#define STREAM_SELECT       0x34
#define ERROR               0x40
#define   ERROR_FLAG        BIT(31)
#define   ERROR_STREAM(x)   (((x) >> 24) & 0xf)
#define   ERROR_CODE(x)     ((x) & 0xfff)
#define   ERR_NO_PMD        BIT(1)
#define   ERR_WRITE         BIT(3)
#define ERROR_ADDR_LO       0x50
#define CONFIG              0x60
#define   CONFIG_LOCK       BIT(15)
#define STREAMS_ENABLE      0xfc
#define TCR(sid)            (0x100 + 4 * (sid))
#define   TCR_TRANSLATE     0x80
#define TTBR(sid, i)        (0x200 + 16 * (sid) + 4 * (i))
#define   TTBR_VALID        BIT(31)
#define   TTBR_PA(x)        ((uint64_t)((x) & 0x7fffffff) << 12)

/* DART1 tables, 16 KiB pages */
#define PAGE_SIZE           0x4000ULL
#define PTE_VALID           BIT_ULL(0)
#define PTE_NO_WRITE        BIT_ULL(7)
#define PTE_PA(x)           ((x) & MAKE_64BIT_MASK(12, 24))
#define PTE_SUBPAGE_FULL    (0xfffULL << 40)
#define L1_INDEX(iova)      (((iova) >> 25) & 0x7ff)
#define L2_INDEX(iova)      (((iova) >> 14) & 0x7ff)

/* Test memory, far from the carve-out */
#define NEW_L2              (RAM_BASE + 0x100000)
#define BUF_A               (RAM_BASE + 0x200000)
#define BUF_B               (RAM_BASE + 0x204000)


#define XFER                64

typedef struct Ctx {
    QTestState *qts;
    AppleDartEdu edu;
} Ctx;

static uint32_t rd(Ctx *c, uint64_t dart, uint64_t off)
{
    return qtest_readl(c->qts, dart + off);
}

static void wr(Ctx *c, uint64_t dart, uint64_t off, uint32_t val)
{
    qtest_writel(c->qts, dart + off, val);
}

static void ctx_start(Ctx *c, const char *machine_opts)
{
    c->qts = qtest_initf("-M apple-virt%s%s -device edu,addr=%d.0,"
                         "dma_mask=0xffffffffffffffff",
                         machine_opts ? "," : "",
                         machine_opts ? machine_opts : "", EDU_SLOT);
    qtest_irq_intercept_out_named(c->qts, DART_PCIE_QOM, "sysbus-irq");
    apple_dart_edu_init(&c->edu, c->qts, EDU_SLOT);
}

static void ctx_stop(Ctx *c)
{
    apple_dart_edu_free(&c->edu);
    qtest_quit(c->qts);
}

static void edu_dma(Ctx *c, uint64_t src, uint64_t dst, bool to_ram)
{
    apple_dart_edu_dma(&c->edu, c->qts, src, dst, XFER, to_ram);
}

/* edu reads @src into its buffer, then writes it to @dst. */
static void dma_copy(Ctx *c, uint64_t src, uint64_t dst)
{
    edu_dma(c, src, EDU_BUF, false);
    edu_dma(c, EDU_BUF, dst, true);
}

/* What firmware put in its PCIe region: its name on each 32-byte line. */
static bool holds_fw_data(Ctx *c, uint64_t pa)
{
    char buf[XFER];
    char line[33];

    snprintf(line, sizeof(line), "%-31s\n", "pcie-firmware");
    qtest_memread(c->qts, pa, buf, XFER);
    return !memcmp(buf, line, 32) && !memcmp(buf + 32, line, 32);
}

static void fill(Ctx *c, uint64_t pa, uint8_t seed)
{
    apple_dart_fill(c->qts, pa, seed, XFER);
}

static bool holds(Ctx *c, uint64_t pa, uint8_t seed)
{
    return apple_dart_holds(c->qts, pa, seed, XFER);
}

static void assert_no_fault(Ctx *c)
{
    g_assert_cmphex(rd(c, DART_PCIE, ERROR), ==, 0);
    g_assert_false(qtest_get_irq(c->qts, 0));
}

/* The L1 table firmware left behind for @sid, found as Linux would. */
static uint64_t preset_l1(Ctx *c, uint64_t dart, unsigned sid)
{
    uint32_t ttbr = rd(c, dart, TTBR(sid, 0));

    g_assert_cmphex(ttbr & TTBR_VALID, ==, TTBR_VALID);
    return TTBR_PA(ttbr);
}

/* Walk the preset tables of @dart stream @sid by hand. */
static uint64_t walk(Ctx *c, uint64_t dart, unsigned sid, uint64_t iova)
{
    uint64_t l1e = qtest_readq(c->qts, preset_l1(c, dart, sid) +
                               8 * L1_INDEX(iova));
    uint64_t l2e;

    g_assert_cmphex(l1e & PTE_VALID, ==, PTE_VALID);
    l2e = qtest_readq(c->qts, PTE_PA(l1e) + 8 * L2_INDEX(iova));
    g_assert_cmphex(l2e & PTE_VALID, ==, PTE_VALID);
    g_assert_cmphex(l2e & PTE_SUBPAGE_FULL, ==, PTE_SUBPAGE_FULL);
    return l2e;
}

/* What firmware leaves on a locked PCIe DART, at start and after reset */
static void assert_firmware_state(Ctx *c)
{
    uint64_t l1 = preset_l1(c, DART_PCIE, 0);

    g_assert_cmphex(rd(c, DART_PCIE, CONFIG), ==, CONFIG_LOCK);
    g_assert_cmphex(l1, >=, CARVEOUT);
    g_assert_cmphex(l1, <, RAM_END);
    for (int sid = 0; sid < 16; sid++) {
        g_assert_cmphex(rd(c, DART_PCIE, TCR(sid)), ==, TCR_TRANSLATE);
        /* every stream has a table of its own, in the carve-out */
        g_assert_cmphex(preset_l1(c, DART_PCIE, sid), >=, CARVEOUT);
        g_assert_cmphex(preset_l1(c, DART_PCIE, sid), <, RAM_END);
        for (int other = 0; other < sid; other++) {
            g_assert_cmphex(preset_l1(c, DART_PCIE, sid), !=,
                            preset_l1(c, DART_PCIE, other));
        }
        for (int i = 1; i < 4; i++) {
            g_assert_cmphex(rd(c, DART_PCIE, TTBR(sid, i)), ==, 0);
        }
    }
    g_assert_cmphex(PTE_PA(walk(c, DART_PCIE, SID, PCIE_FW_IOVA)), ==,
                    PCIE_FW_PA);
    g_assert_cmphex(PTE_PA(walk(c, DART_PCIE, SID, PCIE_FW_IOVA + 0xc000)),
                    ==, PCIE_FW_PA + 0xc000);
    g_assert_true(holds_fw_data(c, PCIE_FW_PA));
}

/* By default only the display DART is preset and locked, as on an M1. */
static void test_default_display_locked(void)
{
    Ctx c;
    uint64_t fb_pte;

    ctx_start(&c, NULL);
    g_assert_cmphex(rd(&c, DART_DISP, CONFIG), ==, CONFIG_LOCK);
    g_assert_cmphex(rd(&c, DART_DISP, TCR(0)), ==, TCR_TRANSLATE);
    for (int sid = 1; sid < 16; sid++) {
        g_assert_cmphex(rd(&c, DART_DISP, TCR(sid)), ==, 0);
    }
    /* the boot framebuffer, at an IOVA that is not its address */
    fb_pte = walk(&c, DART_DISP, 0, FB_IOVA);
    g_assert_cmphex(PTE_PA(fb_pte), ==, FB_PA);
    g_assert_cmphex(fb_pte & PTE_NO_WRITE, ==, 0);
    g_assert_cmphex(PTE_PA(walk(&c, DART_DISP, 0, FB_IOVA + 0x2fc000)), ==,
                    FB_PA + 0x2fc000);

    g_assert_cmphex(rd(&c, DART_PCIE, CONFIG), ==, 0);
    g_assert_cmphex(rd(&c, DART_PCIE, TCR(SID)), ==, 0);
    g_assert_cmphex(rd(&c, DART_USB, CONFIG), ==, 0);
    ctx_stop(&c);
}

/* What firmware did is there for a user to read. */
static void test_firmware_property(void)
{
    Ctx c;
    QDict *rsp;
    const char *desc;

    ctx_start(&c, LOCKED_PCIE);
    rsp = qtest_qmp(c.qts, "{'execute': 'qom-get', 'arguments':"
                    " {'path': '/machine', 'property': 'dart-firmware'}}");
    g_assert(qdict_haskey(rsp, "return"));
    desc = qdict_get_str(rsp, "return");
    g_assert_nonnull(strstr(desc, "dart-disp: preset mapped, locked;"));
    g_assert_nonnull(strstr(desc, "iova 0xa0000000 -> pa 0x83fc00000"
                            " size 0x300000 rw (framebuffer)"));
    g_assert_nonnull(strstr(desc, "dart-pcie: preset mapped, locked;"
                            " streams 0xffff: TCR 0x80\n  stream 0: TTBR0 0x"));
    g_assert_nonnull(strstr(desc, "iova 0xc000000 -> pa 0x83fb00000"
                            " size 0x10000 rw (pcie-firmware)"));
    g_assert_nonnull(strstr(desc, "dart-usb: preset none, not locked"));
    qobject_unref(rsp);
    ctx_stop(&c);
}

/* The lock is set before the guest runs; TTBR and TCR are frozen. */
static void test_locked_at_reset(void)
{
    Ctx c;
    uint32_t ttbr;

    ctx_start(&c, LOCKED_PCIE);
    assert_firmware_state(&c);
    for (int sid = 0; sid < 16; sid++) {
        ttbr = rd(&c, DART_PCIE, TTBR(sid, 0));
        wr(&c, DART_PCIE, TCR(sid), 0);
        wr(&c, DART_PCIE, TTBR(sid, 0), 0);
        wr(&c, DART_PCIE, TTBR(sid, 1), TTBR_VALID | 0x1234);
        g_assert_cmphex(rd(&c, DART_PCIE, TCR(sid)), ==, TCR_TRANSLATE);
        g_assert_cmphex(rd(&c, DART_PCIE, TTBR(sid, 0)), ==, ttbr);
        g_assert_cmphex(rd(&c, DART_PCIE, TTBR(sid, 1)), ==, 0);
    }
    assert_firmware_state(&c);
    ctx_stop(&c);
}

/* edu reaches the firmware's own region through the preset tables. */
static void test_preset_translates(void)
{
    Ctx c;

    ctx_start(&c, LOCKED_PCIE);
    qtest_memset(c.qts, PCIE_FW_PA + 0x8000, 0, XFER);
    dma_copy(&c, PCIE_FW_IOVA, PCIE_FW_IOVA + 0x8000);
    g_assert_true(holds_fw_data(&c, PCIE_FW_PA + 0x8000));
    assert_no_fault(&c);
    ctx_stop(&c);
}

/*
 * The preset L1 is ordinary memory: the guest may repoint it, and the
 * DART uses the edit once the stream is invalidated, not before.
 */
static void test_edit_preset_l1(void)
{
    Ctx c;
    uint64_t l1, entry;

    ctx_start(&c, LOCKED_PCIE);
    l1 = preset_l1(&c, DART_PCIE, SID);
    entry = l1 + 8 * L1_INDEX(PCIE_FW_IOVA);
    qtest_memset(c.qts, PCIE_FW_PA + 0x8000, 0, XFER);
    dma_copy(&c, PCIE_FW_IOVA, PCIE_FW_IOVA + 0x8000);  /* now cached */

    /* a table of the guest's own, for the same IOVAs */
    fill(&c, BUF_A, 0x51);
    qtest_memset(c.qts, BUF_B, 0, XFER);
    qtest_memset(c.qts, NEW_L2, 0, PAGE_SIZE);
    qtest_writeq(c.qts, NEW_L2 + 8 * L2_INDEX(PCIE_FW_IOVA),
                 BUF_A | PTE_VALID | PTE_SUBPAGE_FULL);
    qtest_writeq(c.qts, NEW_L2 + 8 * L2_INDEX(PCIE_FW_IOVA + 0x8000),
                 BUF_B | PTE_VALID | PTE_SUBPAGE_FULL);
    qtest_writeq(c.qts, entry, NEW_L2 | PTE_VALID);

    /* not invalidated: the old translations still hold */
    qtest_memset(c.qts, PCIE_FW_PA + 0x8000, 0, XFER);
    dma_copy(&c, PCIE_FW_IOVA, PCIE_FW_IOVA + 0x8000);
    g_assert_true(holds_fw_data(&c, PCIE_FW_PA + 0x8000));
    g_assert_false(holds(&c, BUF_B, 0x51));

    /* invalidation works on a locked DART */
    wr(&c, DART_PCIE, STREAM_SELECT, BIT(SID));
    wr(&c, DART_PCIE, STREAM_COMMAND, STREAM_COMMAND_INVALIDATE);
    dma_copy(&c, PCIE_FW_IOVA, PCIE_FW_IOVA + 0x8000);
    g_assert_true(holds(&c, BUF_B, 0x51));
    assert_no_fault(&c);
    ctx_stop(&c);
}

/* Faults are reported and cleared as usual on a locked DART. */
static void test_fault_locked(void)
{
    Ctx c;
    uint32_t err;

    ctx_start(&c, LOCKED_PCIE);
    /* firmware's region is read-write, the rest of the space unmapped */
    edu_dma(&c, EDU_BUF, 0x30000000, true);
    err = rd(&c, DART_PCIE, ERROR);
    g_assert_cmphex(err & ERROR_FLAG, ==, ERROR_FLAG);
    g_assert_cmphex(ERROR_CODE(err), ==, ERR_NO_PMD);
    g_assert_cmpuint(ERROR_STREAM(err), ==, SID);
    g_assert_cmphex(rd(&c, DART_PCIE, ERROR_ADDR_LO), ==, 0x30000000);
    g_assert_true(qtest_get_irq(c.qts, 0));
    wr(&c, DART_PCIE, ERROR, err);
    assert_no_fault(&c);
    g_assert_cmphex(rd(&c, DART_PCIE, CONFIG), ==, CONFIG_LOCK);
    ctx_stop(&c);
}

/* No register write, of any value, anywhere, undoes the lock. */
static void test_no_unlock(void)
{
    static const uint32_t vals[] = { 0, UINT32_MAX, CONFIG_LOCK, 0 };
    Ctx c;

    ctx_start(&c, LOCKED_PCIE);
    for (int v = 0; v < ARRAY_SIZE(vals); v++) {
        for (uint64_t off = 0; off < 0x4000; off += 4) {
            wr(&c, DART_PCIE, off, vals[v]);
        }
        g_assert_cmphex(rd(&c, DART_PCIE, CONFIG) & CONFIG_LOCK, ==,
                        CONFIG_LOCK);
    }
    wr(&c, DART_PCIE, STREAMS_ENABLE, 0xffff);
    wr(&c, DART_PCIE, ERROR, UINT32_MAX);
    assert_firmware_state(&c);

    /* and DMA still flows through the preset tables */
    qtest_memset(c.qts, PCIE_FW_PA + 0x8000, 0, XFER);
    dma_copy(&c, PCIE_FW_IOVA, PCIE_FW_IOVA + 0x8000);
    g_assert_true(holds_fw_data(&c, PCIE_FW_PA + 0x8000));
    ctx_stop(&c);
}

/* system_reset brings back what firmware left: tables, TTBR, TCR, lock. */
static void test_system_reset(void)
{
    Ctx c;
    uint64_t l1, entry, old;

    ctx_start(&c, LOCKED_PCIE);
    l1 = preset_l1(&c, DART_PCIE, SID);
    entry = l1 + 8 * L1_INDEX(PCIE_FW_IOVA);
    old = qtest_readq(c.qts, entry);
    qtest_writeq(c.qts, entry, 0);
    qtest_memset(c.qts, PCIE_FW_PA, 0, 0x10000);
    wr(&c, DART_PCIE, STREAM_SELECT, BIT(SID));
    wr(&c, DART_PCIE, STREAM_COMMAND, STREAM_COMMAND_INVALIDATE);
    edu_dma(&c, PCIE_FW_IOVA, EDU_BUF, false);
    g_assert_cmphex(rd(&c, DART_PCIE, ERROR) & ERROR_FLAG, ==, ERROR_FLAG);

    qtest_system_reset(c.qts);
    g_assert_cmphex(qtest_readq(c.qts, entry), ==, old);
    g_assert_cmphex(rd(&c, DART_PCIE, ERROR), ==, 0);
    assert_firmware_state(&c);
    g_assert_cmphex(rd(&c, DART_DISP, CONFIG), ==, CONFIG_LOCK);

    apple_dart_edu_enable(&c.edu);
    qtest_memset(c.qts, PCIE_FW_PA + 0x8000, 0, XFER);
    dma_copy(&c, PCIE_FW_IOVA, PCIE_FW_IOVA + 0x8000);
    g_assert_true(holds_fw_data(&c, PCIE_FW_PA + 0x8000));
    assert_no_fault(&c);
    ctx_stop(&c);
}

/* Preset but unlocked: the guest may take the DART over. */
static void test_preset_unlocked(void)
{
    Ctx c;

    ctx_start(&c, "pcie-dart-preset=empty");
    g_assert_cmphex(rd(&c, DART_PCIE, CONFIG), ==, 0);
    g_assert_cmphex(rd(&c, DART_PCIE, TCR(SID)), ==, TCR_TRANSLATE);
    preset_l1(&c, DART_PCIE, SID);
    /* empty: nothing is mapped, not even firmware's region */
    edu_dma(&c, PCIE_FW_IOVA, EDU_BUF, false);
    g_assert_cmphex(ERROR_CODE(rd(&c, DART_PCIE, ERROR)), ==, ERR_NO_PMD);
    wr(&c, DART_PCIE, ERROR, UINT32_MAX);
    wr(&c, DART_PCIE, TCR(SID), 0);
    g_assert_cmphex(rd(&c, DART_PCIE, TCR(SID)), ==, 0);
    ctx_stop(&c);
}

/* The colour at (@x, @y) of a screendump of the display engine. */
static uint32_t screen_pixel(Ctx *c, const char *ppm, int x, int y)
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
    g_assert_cmpuint(width, ==, 1024);
    g_assert_cmpuint(height, ==, 768);
    g_assert_cmpuint(len, ==, header + 1 + width * height * 3);
    p = (const uint8_t *)data + header + 1 + (y * width + x) * 3;
    return p[0] << 16 | p[1] << 8 | p[2];
}

static uint64_t qom_uint(Ctx *c, const char *path, const char *prop)
{
    QDict *rsp = qtest_qmp(c->qts, "{'execute': 'qom-get', 'arguments':"
                           " {'path': %s, 'property': %s}}", path, prop);
    uint64_t val;

    g_assert(qdict_haskey(rsp, "return"));
    val = qdict_get_int(rsp, "return");
    qobject_unref(rsp);
    return val;
}

/*
 * The display engine scans the framebuffer out through the locked
 * display DART; a guest that breaks the mapping breaks the screen, and
 * the DART says why.
 */
static void test_display_scanout(void)
{
    g_autofree char *dir = g_dir_make_tmp("apple-dart-locked-XXXXXX", NULL);
    g_autofree char *ppm = g_build_filename(dir, "screen.ppm", NULL);
    uint64_t entry;
    uint32_t err;
    Ctx c;

    ctx_start(&c, NULL);
    /* firmware's splash, read through the DART */
    g_assert_cmphex(screen_pixel(&c, ppm, 10, 10), ==, 0x203048);
    g_assert_cmphex(screen_pixel(&c, ppm, 512, 384), ==, 0xffffff);
    g_assert_cmpuint(qom_uint(&c, "/machine/display", "stat-frames"), >, 0);
    g_assert_cmpuint(qom_uint(&c, "/machine/display", "stat-scanout-errors"),
                     ==, 0);
    g_assert_cmpuint(qom_uint(&c, "/machine/dart-disp", "stat-walks"), >, 0);

    /* what the guest draws in the framebuffer shows */
    qtest_writel(c.qts, FB_PA + 4 * (20 * 1024 + 30), 0x00abcdef);
    g_assert_cmphex(screen_pixel(&c, ppm, 30, 20), ==, 0xabcdef);

    /* unmap it from the preset L1 and invalidate: the scan-out fails */
    entry = preset_l1(&c, DART_DISP, 0) + 8 * L1_INDEX(FB_IOVA);
    qtest_writeq(c.qts, entry, 0);
    g_assert_cmphex(screen_pixel(&c, ppm, 30, 20), ==, 0xabcdef);
    wr(&c, DART_DISP, STREAM_SELECT, BIT(0));
    wr(&c, DART_DISP, STREAM_COMMAND, STREAM_COMMAND_INVALIDATE);
    g_assert_cmphex(screen_pixel(&c, ppm, 0, 0), ==, 0xff0000);
    err = rd(&c, DART_DISP, ERROR);
    g_assert_cmphex(err & ERROR_FLAG, ==, ERROR_FLAG);
    g_assert_cmphex(ERROR_CODE(err), ==, ERR_NO_PMD);
    g_assert_cmpuint(ERROR_STREAM(err), ==, 0);
    g_assert_cmphex(rd(&c, DART_DISP, ERROR_ADDR_LO), ==, FB_IOVA);
    g_assert_cmpuint(qom_uint(&c, "/machine/display", "stat-scanout-errors"),
                     >, 0);

    /* a reset brings firmware's tables, and the picture, back */
    qtest_system_reset(c.qts);
    g_assert_cmphex(screen_pixel(&c, ppm, 512, 384), ==, 0xffffff);
    g_assert_cmphex(rd(&c, DART_DISP, ERROR), ==, 0);
    ctx_stop(&c);
    unlink(ppm);
    rmdir(dir);
}

/* Combinations that make no sense stop QEMU with a one-line error. */
static void test_bad_options(void)
{
    static const struct {
        const char *args;
        const char *error;
    } cases[] = {
        { "-M apple-virt,pcie-dart-locked=on",
          "pcie-dart-locked=on needs pcie-dart-preset=empty or mapped" },
        { "-M apple-virt,disp-dart-preset=none",
          "disp-dart-locked=on needs disp-dart-preset=empty or mapped" },
        { "-M apple-virt,usb-dart-preset=full", "usb-dart-preset" },
        { "-M apple-virt,usb-dart-locked=maybe", "usb-dart-locked" },
        { "-M apple-virt -m 64M", "at least 128 MiB of RAM" },
    };

    for (int i = 0; i < ARRAY_SIZE(cases); i++) {
        apple_dart_assert_bad_option(cases[i].args, cases[i].error, true);
    }
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);

    qtest_add_func("/apple-dart/locked/default-display-locked",
                   test_default_display_locked);
    qtest_add_func("/apple-dart/locked/firmware-property",
                   test_firmware_property);
    qtest_add_func("/apple-dart/locked/locked-at-reset", test_locked_at_reset);
    qtest_add_func("/apple-dart/locked/preset-translates",
                   test_preset_translates);
    qtest_add_func("/apple-dart/locked/edit-preset-l1", test_edit_preset_l1);
    qtest_add_func("/apple-dart/locked/fault", test_fault_locked);
    qtest_add_func("/apple-dart/locked/no-unlock", test_no_unlock);
    qtest_add_func("/apple-dart/locked/system-reset", test_system_reset);
    qtest_add_func("/apple-dart/locked/preset-unlocked",
                   test_preset_unlocked);
    qtest_add_func("/apple-dart/locked/display-scanout",
                   test_display_scanout);
    qtest_add_func("/apple-dart/locked/bad-options", test_bad_options);
    return g_test_run();
}
