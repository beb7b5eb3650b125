/*
 * Helpers shared by the Apple DART qtests: QEMU's "edu" PCI device as
 * the DMA master behind a DART, test patterns, and bad-option checks
 *
 * Copyright (c) 2026 The apple-dart QEMU model authors
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#ifndef TESTS_QTEST_APPLE_DART_QTEST_H
#define TESTS_QTEST_APPLE_DART_QTEST_H

#include "libqtest.h"
#include "libqos/pci.h"
#include "libqos/generic-pcihost.h"

/* edu's DMA engine */
#define EDU_DMA_SRC         0x80
#define EDU_DMA_DST         0x88
#define EDU_DMA_CNT         0x90
#define EDU_DMA_CMD         0x98
#define   EDU_DMA_RUN       1
#define   EDU_DMA_TO_RAM    2
#define EDU_BUF             0x40000         /* its buffer, as DMA sees it */
#define EDU_DMA_NS          (200 * 1000 * 1000)

/* edu in root-bus slot @slot, which apple-virt makes PCIe DART stream @slot */
typedef struct AppleDartEdu {
    QGenericPCIBus bus;
    QPCIDevice *dev;
    QPCIBar bar;
} AppleDartEdu;

/* Memory space and bus mastering; again after every system reset. */
static inline void apple_dart_edu_enable(AppleDartEdu *e)
{
    qpci_device_enable(e->dev);
    e->bar = qpci_iomap(e->dev, 0, NULL);
}

static inline void apple_dart_edu_init(AppleDartEdu *e, QTestState *qts,
                                       int slot)
{
    qpci_init_generic(&e->bus, qts, NULL, false);
    e->dev = qpci_device_find(&e->bus.bus, QPCI_DEVFN(slot, 0));
    g_assert(e->dev);
    apple_dart_edu_enable(e);
}

static inline void apple_dart_edu_free(AppleDartEdu *e)
{
    g_free(e->dev);
}

/* One edu DMA of @len bytes; @to_ram copies edu's buffer out. */
static inline void apple_dart_edu_dma(AppleDartEdu *e, QTestState *qts,
                                      uint64_t src, uint64_t dst,
                                      uint32_t len, bool to_ram)
{
    qpci_io_writeq(e->dev, e->bar, EDU_DMA_SRC, src);
    qpci_io_writeq(e->dev, e->bar, EDU_DMA_DST, dst);
    qpci_io_writeq(e->dev, e->bar, EDU_DMA_CNT, len);
    qpci_io_writeq(e->dev, e->bar, EDU_DMA_CMD,
                   EDU_DMA_RUN | (to_ram ? EDU_DMA_TO_RAM : 0));
    qtest_clock_step(qts, EDU_DMA_NS);
    g_assert_cmphex(qpci_io_readq(e->dev, e->bar, EDU_DMA_CMD) & EDU_DMA_RUN,
                    ==, 0);
}

/* A recognisable pattern of @len bytes at @pa ... */
static inline void apple_dart_fill(QTestState *qts, uint64_t pa,
                                   uint8_t seed, size_t len)
{
    g_autofree uint8_t *buf = g_malloc(len);

    for (size_t i = 0; i < len; i++) {
        buf[i] = seed + i;
    }
    qtest_memwrite(qts, pa, buf, len);
}

/* ... and whether it is there. */
static inline bool apple_dart_holds(QTestState *qts, uint64_t pa,
                                    uint8_t seed, size_t len)
{
    g_autofree uint8_t *buf = g_malloc(len);

    qtest_memread(qts, pa, buf, len);
    for (size_t i = 0; i < len; i++) {
        if (buf[i] != (uint8_t)(seed + i)) {
            return false;
        }
    }
    return true;
}

/*
 * QEMU started with @args must stop at once, exit non-zero and say
 * @error, on a single line if @one_line.
 */
static inline void apple_dart_assert_bad_option(const char *args,
                                                const char *error,
                                                bool one_line)
{
    const char *qemu = g_getenv("QTEST_QEMU_BINARY");
    g_autofree char *cmd = NULL, *out = NULL, *err = NULL;
    g_auto(GStrv) argv = NULL;
    int status;

    g_assert(qemu);
    cmd = g_strdup_printf("%s -S -display none -nodefaults %s", qemu, args);
    g_assert_true(g_shell_parse_argv(cmd, NULL, &argv, NULL));
    g_assert_true(g_spawn_sync(NULL, argv, NULL, G_SPAWN_DEFAULT, NULL, NULL,
                               &out, &err, &status, NULL));
    g_assert_true(WIFEXITED(status) && WEXITSTATUS(status) != 0);
    g_assert_nonnull(strstr(err, error));
    if (one_line) {
        g_assert_cmpint(strchr(err, '\n') - err + 1, ==, strlen(err));
    }
}

#endif /* TESTS_QTEST_APPLE_DART_QTEST_H */
