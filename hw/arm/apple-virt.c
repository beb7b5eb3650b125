/*
 * apple-virt: a virtual machine with Apple DART IOMMUs in front of its
 * DMA masters, so that the unmodified Linux apple-dart driver can be
 * exercised without Apple hardware.
 *
 * Copyright (c) 2026 The apple-dart QEMU model authors
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 *
 * RAM starts at 0x8_0000_0000 as on M1. Interrupts go through a GICv3
 * and the console is a PL011, so that a generic arm64 kernel boots; the
 * PCIe host is QEMU's generic ECAM host at the same addresses as on the
 * "virt" machine. Every device on the root bus in slot S < 16 reaches
 * memory through stream S of the PCIe DART, or the stream that the
 * "pcie-dart-streams" option gives its slot. A platform XHCI controller,
 * like M1's USB controllers, sits behind a DART of its own and is tied to
 * it with "iommus" in the devicetree, and a display engine scans the boot
 * framebuffer out through a display DART. The machine also plays the
 * boot firmware, which presets and locks DARTs (apple-virt-fw.c).
 */

#include "qemu/osdep.h"
#include "qemu/cutils.h"
#include "qemu/error-report.h"
#include "qemu/units.h"
#include "qapi/error.h"
#include "qapi/util.h"
#include "qapi/visitor.h"
#include "hw/boards.h"
#include "hw/apple-qemu-compat.h"
#include "hw/arm/boot.h"
#include "hw/arm/bsa.h"
#include "hw/arm/fdt.h"
#include "hw/char/pl011.h"
#include "hw/display/apple-virt-display.h"
#include "hw/intc/arm_gicv3_common.h"
#include "hw/intc/arm_gicv3_its_common.h"
#include "hw/iommu/apple-dart.h"
#include "hw/pci/pci.h"
#include "hw/pci/pci_bus.h"
#include "hw/pci-host/gpex.h"
#include "hw/qdev-properties.h"
#include "hw/sysbus.h"
#include "hw/usb/xhci.h"
#include "qobject/qlist.h"
#include "qobject/qobject.h"
#include "qom/qom-qobject.h"
#include "system/device_tree.h"
#include "system/reset.h"
#include "system/system.h"
#include "target/arm/cpu.h"
#include "target/arm/cpu-qom.h"
#include <libfdt.h>
#include "apple-virt-fw.h"

#define TYPE_APPLE_VIRT_MACHINE MACHINE_TYPE_NAME("apple-virt")
OBJECT_DECLARE_SIMPLE_TYPE(AppleVirtMachineState, APPLE_VIRT_MACHINE)

enum {
    AV_GIC_DIST,
    AV_GIC_REDIST,
    AV_GIC_ITS,
    AV_UART,
    AV_DART_PCIE,
    AV_DART_USB,
    AV_DART_DISP,
    AV_XHCI,
    AV_DISPLAY,
    AV_PCIE_MMIO,
    AV_PCIE_PIO,
    AV_PCIE_ECAM,
    AV_MEM,
};

/*
 * The PCIe windows are the "virt" machine's, so that QEMU's generic PCI
 * test library (libqos generic-pcihost) drives this machine unchanged.
 */
static const MemMapEntry apple_virt_memmap[] = {
    [AV_GIC_DIST] =     { 0x08000000, 0x00010000 },
    [AV_GIC_ITS] =      { 0x08080000, 0x00020000 },
    [AV_GIC_REDIST] =   { 0x080a0000, 0x00f60000 },
    [AV_UART] =         { 0x09000000, 0x00001000 },
    [AV_DART_PCIE] =    { 0x09100000, APPLE_DART_MMIO_SIZE },
    [AV_DART_USB] =     { 0x09110000, APPLE_DART_MMIO_SIZE },
    [AV_DART_DISP] =    { 0x09120000, APPLE_DART_MMIO_SIZE },
    [AV_XHCI] =         { 0x09200000, 0x00010000 },
    [AV_DISPLAY] =      { 0x09300000, APPLE_VIRT_DISPLAY_MMIO_SIZE },
    [AV_PCIE_MMIO] =    { 0x10000000, 0x2eff0000 },
    [AV_PCIE_PIO] =     { 0x3eff0000, 0x00010000 },
    [AV_PCIE_ECAM] =    { 0x4010000000ULL, 0x10000000 },
    [AV_MEM] =          { 0x800000000ULL, 0 },
};

/* SPI numbers */
enum {
    AV_IRQ_UART = 1,
    AV_IRQ_PCIE = 3,            /* four INTx lines */
    AV_IRQ_DART_PCIE = 8,
    AV_IRQ_DART_USB = 9,
    AV_IRQ_XHCI = 10,
    AV_IRQ_DART_DISP = 11,
    AV_NUM_SPIS = 64,
};

/* RAM must stay below 64 GiB, the limit of DART1's 36-bit output. */
#define AV_RAM_LIMIT    (64 * GiB)
/* ... and leave room for a kernel beside the firmware's carve-out. */
#define AV_RAM_MIN      (128 * MiB)

/* Root-bus slots S < 16 are stream S unless "pcie-dart-streams" says */
#define AV_PCIE_DART_SLOTS 16

/*
 * The XHCI's stream on its DART unless "usb-dart-stream" says; M1's USB
 * DARTs also use more than 0.
 */
#define AV_XHCI_SID     1
/* The display engine's stream on the display DART */
#define AV_DISP_SID     0
/* Where firmware maps the boot framebuffer for the display engine */
#define AV_FB_IOVA      0xa0000000ULL

/* The machine's DARTs, in the order of av_darts[] */
typedef enum AppleVirtDartId {
    AV_DART_ID_PCIE,
    AV_DART_ID_USB,
    AV_DART_ID_DISP,
    AV_NUM_DARTS,
} AppleVirtDartId;

/* What the firmware options ("<dart>-preset", "<dart>-locked") chose */
typedef struct AppleVirtFwSettings {
    int preset;                     /* AppleVirtFwPreset */
    bool lock;
    uint64_t streams;               /* "<dart>-preset-streams", ... */
    bool streams_set;               /* ... if given */
    char *disabled_streams;         /* "<dart>-disabled-streams", as given */
    uint32_t disabled[APPLE_DART_STREAM_WORDS];     /* ... as a bitmap */
} AppleVirtFwSettings;

struct AppleVirtMachineState {
    MachineState parent_obj;

    struct arm_boot_info bootinfo;
    DeviceState *gic;
    AppleDARTState *darts[AV_NUM_DARTS];
    AppleVirtFwSettings fw_settings[AV_NUM_DARTS];
    AppleVirtFwDartConfig fw_cfg[AV_NUM_DARTS];
    AppleVirtFirmware fw;
    int dart_gen;                   /* AppleVirtDartGen */
    uint32_t dart_va_bits;
    uint32_t dart_num_streams;
    /* each root-bus device's (devfn's) stream on the PCIe DART, or -1 */
    int pcie_stream[PCI_DEVFN_MAX];
    bool pcie_stream_per_function;  /* some function differs from its slot */
    char *pcie_dart_streams;        /* the option, as given */
    uint32_t xhci_stream;
    bool dart_check_stale_tlb;
    bool dart_check_pte;
    PCIBus *pci_bus;
    int fdt_size;
    uint32_t gic_phandle;
    uint32_t its_phandle;
    uint32_t clock_phandle;
};

static qemu_irq av_spi(AppleVirtMachineState *avms, int spi)
{
    return qdev_get_gpio_in(avms->gic, spi);
}

/* The GIC's input for private interrupt @intid of CPU @cpu */
static qemu_irq av_ppi(AppleVirtMachineState *avms, int cpu, int intid)
{
    return qdev_get_gpio_in(avms->gic,
                            AV_NUM_SPIS + cpu * GIC_INTERNAL + intid);
}

static void av_create_cpus(AppleVirtMachineState *avms)
{
    MachineState *ms = MACHINE(avms);

    for (unsigned n = 0; n < ms->smp.cpus; n++) {
        Object *cpuobj = object_new(ms->cpu_type);

        object_property_set_int(cpuobj, "mp-affinity",
                                arm_build_mp_affinity(n, 8), NULL);
        /* The kernel runs at EL1 and asks QEMU's PSCI for CPUs. */
        object_property_set_bool(cpuobj, "has_el3", false, NULL);
        if (object_property_find(cpuobj, "has_el2")) {
            object_property_set_bool(cpuobj, "has_el2", false, NULL);
        }
        object_property_set_int(cpuobj, "psci-conduit",
                                QEMU_PSCI_CONDUIT_HVC, NULL);
        object_property_set_bool(cpuobj, "start-powered-off", n > 0, NULL);
        qdev_realize(DEVICE(cpuobj), NULL, &error_fatal);
        object_unref(cpuobj);
    }
}

static void av_create_gic(AppleVirtMachineState *avms)
{
    MachineState *ms = MACHINE(avms);
    unsigned ncpus = ms->smp.cpus;
    SysBusDevice *busdev;
    QList *redist_count = qlist_new();

    avms->gic = qdev_new(gicv3_class_name());
    qdev_prop_set_uint32(avms->gic, "revision", 3);
    qdev_prop_set_uint32(avms->gic, "num-cpu", ncpus);
    qdev_prop_set_uint32(avms->gic, "num-irq", AV_NUM_SPIS + GIC_INTERNAL);
    qlist_append_int(redist_count, ncpus);
    qdev_prop_set_array(avms->gic, "redist-region-count", redist_count);
    /* LPIs, for the ITS that PCIe MSIs go to */
    object_property_set_link(OBJECT(avms->gic), "sysmem",
                             OBJECT(get_system_memory()), &error_fatal);
    qdev_prop_set_bit(avms->gic, "has-lpi", true);
    busdev = SYS_BUS_DEVICE(avms->gic);
    sysbus_realize_and_unref(busdev, &error_fatal);
    sysbus_mmio_map(busdev, 0, apple_virt_memmap[AV_GIC_DIST].base);
    sysbus_mmio_map(busdev, 1, apple_virt_memmap[AV_GIC_REDIST].base);

    for (unsigned i = 0; i < ncpus; i++) {
        DeviceState *cpudev = DEVICE(qemu_get_cpu(i));
        static const int timer_ppi[] = {
            [GTIMER_PHYS] = ARCH_TIMER_NS_EL1_IRQ,
            [GTIMER_VIRT] = ARCH_TIMER_VIRT_IRQ,
            [GTIMER_HYP] = ARCH_TIMER_NS_EL2_IRQ,
            [GTIMER_SEC] = ARCH_TIMER_S_EL1_IRQ,
        };

        for (unsigned t = 0; t < ARRAY_SIZE(timer_ppi); t++) {
            qdev_connect_gpio_out(cpudev, t, av_ppi(avms, i, timer_ppi[t]));
        }
        qdev_connect_gpio_out_named(cpudev, "pmu-interrupt", 0,
                                    av_ppi(avms, i, VIRTUAL_PMU_IRQ));
        sysbus_connect_irq(busdev, i, qdev_get_gpio_in(cpudev, ARM_CPU_IRQ));
        sysbus_connect_irq(busdev, i + ncpus,
                           qdev_get_gpio_in(cpudev, ARM_CPU_FIQ));
        sysbus_connect_irq(busdev, i + 2 * ncpus,
                           qdev_get_gpio_in(cpudev, ARM_CPU_VIRQ));
        sysbus_connect_irq(busdev, i + 3 * ncpus,
                           qdev_get_gpio_in(cpudev, ARM_CPU_VFIQ));
    }
}

static void av_create_its(AppleVirtMachineState *avms)
{
    DeviceState *dev = qdev_new(its_class_name());

    object_property_set_link(OBJECT(dev), "parent-gicv3", OBJECT(avms->gic),
                             &error_abort);
    sysbus_realize_and_unref(SYS_BUS_DEVICE(dev), &error_fatal);
    sysbus_mmio_map(SYS_BUS_DEVICE(dev), 0, apple_virt_memmap[AV_GIC_ITS].base);
}

/*
 * The DART generations the machine can be built with ("dart" option):
 * every DART of the machine is of that generation.
 */
typedef enum AppleVirtDartGen {
    AV_DART_GEN_T8103,          /* M1 */
    AV_DART_GEN_T8103_USB4,     /* M1's USB4 DARTs */
    AV_DART_GEN_T6000,          /* M1 Pro/Max */
    AV_DART_GEN_T8110,          /* M2 and later */
    AV_DART_GEN__MAX,
} AppleVirtDartGen;

static const char *const av_dart_gen_names[] = {
    [AV_DART_GEN_T8103] = "t8103",
    [AV_DART_GEN_T8103_USB4] = "t8103-usb4",
    [AV_DART_GEN_T6000] = "t6000",
    [AV_DART_GEN_T8110] = "t8110",
};

static const QEnumLookup av_dart_gen_lookup = {
    .array = av_dart_gen_names,
    .size = AV_DART_GEN__MAX,
};

static const char *const av_dart_gen_types[] = {
    [AV_DART_GEN_T8103] = TYPE_APPLE_DART_T8103,
    [AV_DART_GEN_T8103_USB4] = TYPE_APPLE_DART_T8103_USB4,
    [AV_DART_GEN_T6000] = TYPE_APPLE_DART_T6000,
    [AV_DART_GEN_T8110] = TYPE_APPLE_DART_T8110,
};

/* Only T8110 DARTs come in several VA widths and stream counts */
#define AV_DART_GEN_CONFIGURABLE(gen)   ((gen) == AV_DART_GEN_T8110)

/*
 * A root-bus device with a stream (pcie_stream[]) reaches memory
 * through that stream of the PCIe DART; anything else (a slot without
 * one, or a device behind a bridge a user added) goes straight to memory
 * and is not described in the devicetree's iommu-map.
 */
static AddressSpace *av_pci_dma_as(PCIBus *bus, void *opaque, int devfn)
{
    AppleVirtMachineState *avms = opaque;
    int sid = avms->pcie_stream[devfn];

    if (pci_bus_is_root(bus) && sid >= 0) {
        return apple_dart_stream_as(avms->darts[AV_DART_ID_PCIE], sid);
    }
    return &address_space_memory;
}

static const PCIIOMMUOps av_pci_iommu_ops = {
    .get_address_space = av_pci_dma_as,
};

/* The PCIe host, whose root-bus devices the PCIe DART translates */
static void av_create_pcie(AppleVirtMachineState *avms, AppleDARTState *dart)
{
    const MemMapEntry *ecam = &apple_virt_memmap[AV_PCIE_ECAM];
    const MemMapEntry *mmio = &apple_virt_memmap[AV_PCIE_MMIO];
    DeviceState *dev = qdev_new(TYPE_GPEX_HOST);
    SysBusDevice *busdev = SYS_BUS_DEVICE(dev);
    MemoryRegion *ecam_alias = g_new0(MemoryRegion, 1);
    MemoryRegion *mmio_alias = g_new0(MemoryRegion, 1);

    sysbus_realize_and_unref(busdev, &error_fatal);
    memory_region_init_alias(ecam_alias, OBJECT(dev), "pcie-ecam",
                             sysbus_mmio_get_region(busdev, 0), 0, ecam->size);
    memory_region_add_subregion(get_system_memory(), ecam->base, ecam_alias);
    /* The MMIO window maps PCI addresses 1:1. */
    memory_region_init_alias(mmio_alias, OBJECT(dev), "pcie-mmio",
                             sysbus_mmio_get_region(busdev, 1),
                             mmio->base, mmio->size);
    memory_region_add_subregion(get_system_memory(), mmio->base, mmio_alias);
    sysbus_mmio_map(busdev, 2, apple_virt_memmap[AV_PCIE_PIO].base);

    for (int i = 0; i < PCI_NUM_PINS; i++) {
        sysbus_connect_irq(busdev, i, av_spi(avms, AV_IRQ_PCIE + i));
        gpex_set_irq_num(GPEX_HOST(dev), i, AV_IRQ_PCIE + i);
    }
    avms->pci_bus = PCI_HOST_BRIDGE(dev)->bus;
    pci_setup_iommu(avms->pci_bus, &av_pci_iommu_ops, avms);
}

/*
 * The display engine: it scans the boot framebuffer out through the
 * display DART, at the IOVA where firmware mapped it.
 */
static void av_create_display(AppleVirtMachineState *avms,
                              AppleDARTState *dart)
{
    static const char *const mode_props[] = { "width", "height", "stride",
                                              "iova" };
    DeviceState *dev = qdev_new(TYPE_APPLE_VIRT_DISPLAY);

    /*
     * The mode is the boot framebuffer's, which firmware placed and
     * mapped: a -global that changes it would be silently undone.
     */
    for (int i = 0; i < ARRAY_SIZE(mode_props); i++) {
        ObjectProperty *p = object_property_find(OBJECT(dev), mode_props[i]);
        QObject *cur = object_property_get_qobject(OBJECT(dev),
                                                   mode_props[i],
                                                   &error_abort);
        bool set = !qobject_is_equal(p->defval, cur);

        qobject_unref(cur);
        if (set) {
            error_report("apple-virt: %s.%s cannot be set: the display"
                         " scans out firmware's boot framebuffer, %ux%u"
                         " at iova 0x%llx", TYPE_APPLE_VIRT_DISPLAY,
                         mode_props[i], AV_FB_WIDTH, AV_FB_HEIGHT,
                         AV_FB_IOVA);
            exit(1);
        }
    }
    object_property_add_child(OBJECT(avms), "display", OBJECT(dev));
    qdev_prop_set_uint32(dev, "width", AV_FB_WIDTH);
    qdev_prop_set_uint32(dev, "height", AV_FB_HEIGHT);
    qdev_prop_set_uint32(dev, "stride", AV_FB_STRIDE);
    qdev_prop_set_uint64(dev, "iova", AV_FB_IOVA);
    object_property_set_link(OBJECT(dev), "dma",
                             OBJECT(apple_dart_stream_mr(dart, AV_DISP_SID)),
                             &error_abort);
    sysbus_realize_and_unref(SYS_BUS_DEVICE(dev), &error_fatal);
    sysbus_mmio_map(SYS_BUS_DEVICE(dev), 0,
                    apple_virt_memmap[AV_DISPLAY].base);
}

/* A USB 3 host controller whose DMA goes through the USB DART. */
static void av_create_xhci(AppleVirtMachineState *avms, AppleDARTState *dart)
{
    DeviceState *dev = qdev_new(TYPE_XHCI_SYSBUS);

    object_property_add_child(OBJECT(avms), "xhci", OBJECT(dev));
    qdev_prop_set_uint32(dev, "intrs", 1);
    object_property_set_link(OBJECT(dev), "dma",
                             OBJECT(apple_dart_stream_mr(dart,
                                                         avms->xhci_stream)),
                             &error_abort);
    sysbus_realize_and_unref(SYS_BUS_DEVICE(dev), &error_fatal);
    sysbus_mmio_map(SYS_BUS_DEVICE(dev), 0, apple_virt_memmap[AV_XHCI].base);
    sysbus_connect_irq(SYS_BUS_DEVICE(dev), 0, av_spi(avms, AV_IRQ_XHCI));
}

/*
 * Devicetree
 */

static char *av_fdt_node(const char *name, int idx)
{
    return g_strdup_printf("/%s@%" PRIx64, name, apple_virt_memmap[idx].base);
}

static void av_fdt_spi(void *fdt, const char *node, int spi)
{
    qemu_fdt_setprop_cells(fdt, node, "interrupts", GIC_FDT_IRQ_TYPE_SPI, spi,
                           GIC_FDT_IRQ_FLAGS_LEVEL_HI);
}

static void av_fdt_reg(void *fdt, const char *node, int idx)
{
    qemu_fdt_setprop_sized_cells(fdt, node, "reg",
                                 2, apple_virt_memmap[idx].base,
                                 2, apple_virt_memmap[idx].size);
}

static void av_fdt_cpus(AppleVirtMachineState *avms, void *fdt)
{
    MachineState *ms = MACHINE(avms);

    qemu_fdt_add_subnode(fdt, "/cpus");
    qemu_fdt_setprop_cell(fdt, "/cpus", "#address-cells", 1);
    qemu_fdt_setprop_cell(fdt, "/cpus", "#size-cells", 0);
    for (int n = ms->smp.cpus - 1; n >= 0; n--) {
        ARMCPU *cpu = ARM_CPU(qemu_get_cpu(n));
        g_autofree char *node = g_strdup_printf("/cpus/cpu@%d", n);

        qemu_fdt_add_subnode(fdt, node);
        qemu_fdt_setprop_string(fdt, node, "device_type", "cpu");
        qemu_fdt_setprop_string(fdt, node, "compatible", cpu->dtb_compatible);
        qemu_fdt_setprop_cell(fdt, node, "reg", cpu->mp_affinity);
        if (ms->smp.cpus > 1) {
            qemu_fdt_setprop_string(fdt, node, "enable-method", "psci");
        }
    }
}

static void av_fdt_gic_timer(AppleVirtMachineState *avms, void *fdt)
{
    g_autofree char *node = av_fdt_node("interrupt-controller", AV_GIC_DIST);
    g_autofree char *its = NULL;
    const uint32_t ppi_flags = GIC_FDT_IRQ_FLAGS_LEVEL_HI;

    avms->gic_phandle = qemu_fdt_alloc_phandle(fdt);
    qemu_fdt_setprop_cell(fdt, "/", "interrupt-parent", avms->gic_phandle);

    qemu_fdt_add_subnode(fdt, node);
    qemu_fdt_setprop_string(fdt, node, "compatible", "arm,gic-v3");
    qemu_fdt_setprop_cell(fdt, node, "#interrupt-cells", 3);
    qemu_fdt_setprop(fdt, node, "interrupt-controller", NULL, 0);
    qemu_fdt_setprop_cell(fdt, node, "#address-cells", 2);
    qemu_fdt_setprop_cell(fdt, node, "#size-cells", 2);
    qemu_fdt_setprop(fdt, node, "ranges", NULL, 0);
    qemu_fdt_setprop_cell(fdt, node, "#redistributor-regions", 1);
    qemu_fdt_setprop_sized_cells(fdt, node, "reg",
                                 2, apple_virt_memmap[AV_GIC_DIST].base,
                                 2, apple_virt_memmap[AV_GIC_DIST].size,
                                 2, apple_virt_memmap[AV_GIC_REDIST].base,
                                 2, apple_virt_memmap[AV_GIC_REDIST].size);
    qemu_fdt_setprop_cell(fdt, node, "phandle", avms->gic_phandle);

    avms->its_phandle = qemu_fdt_alloc_phandle(fdt);
    its = g_strdup_printf("%s/msi-controller@%" PRIx64, node,
                          apple_virt_memmap[AV_GIC_ITS].base);
    qemu_fdt_add_subnode(fdt, its);
    qemu_fdt_setprop_string(fdt, its, "compatible", "arm,gic-v3-its");
    qemu_fdt_setprop(fdt, its, "msi-controller", NULL, 0);
    qemu_fdt_setprop_cell(fdt, its, "#msi-cells", 1);
    qemu_fdt_setprop_sized_cells(fdt, its, "reg",
                                 2, apple_virt_memmap[AV_GIC_ITS].base,
                                 2, apple_virt_memmap[AV_GIC_ITS].size);
    qemu_fdt_setprop_cell(fdt, its, "phandle", avms->its_phandle);

    qemu_fdt_add_subnode(fdt, "/timer");
    qemu_fdt_setprop_string(fdt, "/timer", "compatible", "arm,armv8-timer");
    qemu_fdt_setprop(fdt, "/timer", "always-on", NULL, 0);
    qemu_fdt_setprop_cells(fdt, "/timer", "interrupts",
        GIC_FDT_IRQ_TYPE_PPI, INTID_TO_PPI(ARCH_TIMER_S_EL1_IRQ), ppi_flags,
        GIC_FDT_IRQ_TYPE_PPI, INTID_TO_PPI(ARCH_TIMER_NS_EL1_IRQ), ppi_flags,
        GIC_FDT_IRQ_TYPE_PPI, INTID_TO_PPI(ARCH_TIMER_VIRT_IRQ), ppi_flags,
        GIC_FDT_IRQ_TYPE_PPI, INTID_TO_PPI(ARCH_TIMER_NS_EL2_IRQ), ppi_flags);
}

static void av_fdt_uart(AppleVirtMachineState *avms, void *fdt)
{
    g_autofree char *node = av_fdt_node("serial", AV_UART);

    avms->clock_phandle = qemu_fdt_alloc_phandle(fdt);
    qemu_fdt_add_subnode(fdt, "/apb-pclk");
    qemu_fdt_setprop_string(fdt, "/apb-pclk", "compatible", "fixed-clock");
    qemu_fdt_setprop_cell(fdt, "/apb-pclk", "#clock-cells", 0);
    qemu_fdt_setprop_cell(fdt, "/apb-pclk", "clock-frequency", 24000000);
    qemu_fdt_setprop_string(fdt, "/apb-pclk", "clock-output-names",
                            "clk24mhz");
    qemu_fdt_setprop_cell(fdt, "/apb-pclk", "phandle", avms->clock_phandle);

    qemu_fdt_add_subnode(fdt, node);
    qemu_fdt_setprop(fdt, node, "compatible", "arm,pl011\0arm,primecell",
                     sizeof("arm,pl011\0arm,primecell"));
    av_fdt_reg(fdt, node, AV_UART);
    av_fdt_spi(fdt, node, AV_IRQ_UART);
    qemu_fdt_setprop_cells(fdt, node, "clocks", avms->clock_phandle,
                           avms->clock_phandle);
    qemu_fdt_setprop(fdt, node, "clock-names", "uartclk\0apb_pclk",
                     sizeof("uartclk\0apb_pclk"));

    qemu_fdt_add_subnode(fdt, "/chosen");
    qemu_fdt_setprop_string(fdt, "/chosen", "stdout-path", node);
}

/* A DART node as apple,dart.yaml wants it; returns its phandle. */

/* A DART node as apple,dart.yaml wants it; returns its phandle. */
static uint32_t av_fdt_dart(void *fdt, AppleDARTState *dart, int map,
                            int spi)
{
    g_autofree char *node = av_fdt_node("iommu", map);
    uint32_t phandle = qemu_fdt_alloc_phandle(fdt);

    qemu_fdt_add_subnode(fdt, node);
    qemu_fdt_setprop_string(fdt, node, "compatible",
                            apple_dart_geometry(dart)->gen->compatible);
    av_fdt_reg(fdt, node, map);
    av_fdt_spi(fdt, node, spi);
    qemu_fdt_setprop_cell(fdt, node, "#iommu-cells", 1);
    qemu_fdt_setprop_cell(fdt, node, "phandle", phandle);
    return phandle;
}

/* The PCIe host: its root-bus slots are the PCIe DART's streams. */
static void av_fdt_pcie(AppleVirtMachineState *avms, void *fdt,
                        const char *node, uint32_t dart_phandle)
{
    const MemMapEntry *mmio = &apple_virt_memmap[AV_PCIE_MMIO];
    const MemMapEntry *pio = &apple_virt_memmap[AV_PCIE_PIO];
    const MemMapEntry *ecam = &apple_virt_memmap[AV_PCIE_ECAM];
    uint32_t irq_map[4 * PCI_NUM_PINS * 10];
    uint32_t iommu_map[PCI_DEVFN_MAX * 4];
    /* one entry a slot, unless some function has a stream of its own */
    int step = avms->pcie_stream_per_function ? 1 : PCI_FUNC_MAX;
    uint32_t *p = irq_map;
    unsigned n = 0;

    qemu_fdt_add_subnode(fdt, node);
    qemu_fdt_setprop_string(fdt, node, "compatible", "pci-host-ecam-generic");
    qemu_fdt_setprop_string(fdt, node, "device_type", "pci");
    qemu_fdt_setprop_cell(fdt, node, "#address-cells", 3);
    qemu_fdt_setprop_cell(fdt, node, "#size-cells", 2);
    qemu_fdt_setprop_cell(fdt, node, "linux,pci-domain", 0);
    qemu_fdt_setprop_cells(fdt, node, "bus-range", 0,
                           ecam->size / PCIE_MMCFG_SIZE_MIN - 1);
    qemu_fdt_setprop(fdt, node, "dma-coherent", NULL, 0);
    qemu_fdt_setprop_cells(fdt, node, "msi-map", 0, avms->its_phandle,
                           0, 0x10000);
    qemu_fdt_setprop_sized_cells(fdt, node, "reg", 2, ecam->base,
                                 2, ecam->size);
    qemu_fdt_setprop_sized_cells(fdt, node, "ranges",
                                 1, FDT_PCI_RANGE_IOPORT, 2, 0,
                                 2, pio->base, 2, pio->size,
                                 1, FDT_PCI_RANGE_MMIO, 2, mmio->base,
                                 2, mmio->base, 2, mmio->size);

    /* INTx: the usual swizzle over four slots, masked to repeat. */
    qemu_fdt_setprop_cell(fdt, node, "#interrupt-cells", 1);
    for (int slot = 0; slot < 4; slot++) {
        for (int pin = 0; pin < PCI_NUM_PINS; pin++) {
            uint32_t entry[10] = {
                PCI_DEVFN(slot, 0) << 8, 0, 0, pin + 1,
                avms->gic_phandle, 0, 0, GIC_FDT_IRQ_TYPE_SPI,
                AV_IRQ_PCIE + (slot + pin) % PCI_NUM_PINS,
                GIC_FDT_IRQ_FLAGS_LEVEL_HI,
            };

            for (int i = 0; i < 10; i++) {
                *p++ = cpu_to_be32(entry[i]);
            }
        }
    }
    qemu_fdt_setprop(fdt, node, "interrupt-map", irq_map, sizeof(irq_map));
    qemu_fdt_setprop_cells(fdt, node, "interrupt-map-mask",
                           PCI_DEVFN(3, 0) << 8, 0, 0, 7);

    /*
     * RID 00:SS.F -> its stream. Where every function has its slot's,
     * the mask drops the function and one entry a slot does.
     */
    for (int devfn = 0; devfn < PCI_DEVFN_MAX; devfn += step) {
        if (avms->pcie_stream[devfn] < 0) {
            continue;
        }
        iommu_map[n++] = cpu_to_be32(devfn);
        iommu_map[n++] = cpu_to_be32(dart_phandle);
        iommu_map[n++] = cpu_to_be32(avms->pcie_stream[devfn]);
        iommu_map[n++] = cpu_to_be32(1);
    }
    qemu_fdt_setprop(fdt, node, "iommu-map", iommu_map,
                     n * sizeof(iommu_map[0]));
    qemu_fdt_setprop_cell(fdt, node, "iommu-map-mask",
                          step == 1 ? 0xffff : 0xfff8);
}

static void av_fdt_xhci(AppleVirtMachineState *avms, void *fdt,
                        const char *node, uint32_t dart_phandle)
{
    qemu_fdt_add_subnode(fdt, node);
    qemu_fdt_setprop_string(fdt, node, "compatible", "generic-xhci");
    av_fdt_reg(fdt, node, AV_XHCI);
    av_fdt_spi(fdt, node, AV_IRQ_XHCI);
    qemu_fdt_setprop(fdt, node, "dma-coherent", NULL, 0);
    qemu_fdt_setprop_cells(fdt, node, "iommus", dart_phandle,
                           avms->xhci_stream);
}

static void av_fdt_display(AppleVirtMachineState *avms, void *fdt,
                           const char *node, uint32_t dart_phandle)
{
    qemu_fdt_add_subnode(fdt, node);
    qemu_fdt_setprop_string(fdt, node, "compatible",
                            "qemu,apple-virt-display");
    av_fdt_reg(fdt, node, AV_DISPLAY);
    qemu_fdt_setprop_cells(fdt, node, "iommus", dart_phandle, AV_DISP_SID);
}

/*
 * The machine's DARTs
 */

/* Memory firmware keeps for the DARTs' clients, in its carve-out */
static const AppleVirtFwRegion av_pcie_fw_regions[] = {
    {
        .name = "pcie-firmware", .client_name = "firmware",
        .offset = 3 * MiB, .size = 64 * KiB, .iova = 0x0c000000,
    },
};

static const AppleVirtFwRegion av_usb_fw_regions[] = {
    {
        .name = "usb-firmware", .client_name = "firmware",
        .offset = 2 * MiB, .size = 64 * KiB, .iova = 0x0c000000,
    },
};

static const AppleVirtFwRegion av_disp_fw_regions[] = {
    {
        .name = "dcp-firmware", .client_name = "firmware",
        .offset = 1 * MiB, .size = 256 * KiB, .iova = 0x08000000,
        .read_only = true,
    }, {
        .name = "framebuffer", .client_name = "framebuffer",
        .offset = 4 * MiB, .size = AV_FB_SIZE, .iova = AV_FB_IOVA,
        .framebuffer = true,
    },
};

static uint64_t av_pcie_streams(AppleVirtMachineState *avms)
{
    uint64_t streams = 0;

    for (int devfn = 0; devfn < PCI_DEVFN_MAX; devfn++) {
        int sid = avms->pcie_stream[devfn];

        if (sid >= 0 && sid < AV_FW_MAX_STREAMS) {
            streams |= BIT_ULL(sid);
        }
    }
    return streams;
}

static uint64_t av_xhci_streams(AppleVirtMachineState *avms)
{
    return avms->xhci_stream < AV_FW_MAX_STREAMS ?
           BIT_ULL(avms->xhci_stream) : 0;
}

static uint64_t av_disp_streams(AppleVirtMachineState *avms)
{
    return BIT_ULL(AV_DISP_SID);
}

/*
 * Everything about one DART of the machine, in one place: to add a
 * DART, add an entry here (and its id to AppleVirtDartId).
 */
typedef struct AppleVirtDart {
    const char *name;               /* QOM child of the machine */
    int map;                        /* its apple_virt_memmap[] entry */
    int spi;
    const char *option;             /* "<option>-preset", "-locked" */
    const char *what;               /* for the options' descriptions */
    AppleVirtFwPreset preset;       /* what firmware does by default */
    bool locked;
    /* its client's streams below 64, which firmware presets by default */
    uint64_t (*client_streams)(AppleVirtMachineState *avms);
    const AppleVirtFwRegion *fw_regions;
    bool client_memory_region;      /* its binding has memory-region */
    unsigned num_fw_regions;
    /* The device it fronts: created after the DART, named in the DT */
    const char *client_node;
    int client_map;
    void (*create_client)(AppleVirtMachineState *avms, AppleDARTState *dart);
    void (*fdt_client)(AppleVirtMachineState *avms, void *fdt,
                       const char *node, uint32_t dart_phandle);
} AppleVirtDart;

static const AppleVirtDart av_darts[AV_NUM_DARTS] = {
    [AV_DART_ID_PCIE] = {
        .name = "dart-pcie", .map = AV_DART_PCIE, .spi = AV_IRQ_DART_PCIE,
        .option = "pcie-dart", .what = "the PCIe DART",
        .preset = AV_PRESET_NONE, .locked = false,
        .client_streams = av_pcie_streams,
        .fw_regions = av_pcie_fw_regions,
        .num_fw_regions = ARRAY_SIZE(av_pcie_fw_regions),
        .client_node = "pcie", .client_map = AV_PCIE_MMIO,
        .create_client = av_create_pcie, .fdt_client = av_fdt_pcie,
    },
    [AV_DART_ID_USB] = {
        .name = "dart-usb", .map = AV_DART_USB, .spi = AV_IRQ_DART_USB,
        .option = "usb-dart", .what = "the USB DART",
        .preset = AV_PRESET_NONE, .locked = false,
        .client_streams = av_xhci_streams,
        .fw_regions = av_usb_fw_regions,
        .num_fw_regions = ARRAY_SIZE(av_usb_fw_regions),
        .client_node = "usb", .client_map = AV_XHCI,
        .create_client = av_create_xhci, .fdt_client = av_fdt_xhci,
    },
    /* Locked with the boot framebuffer mapped, as m1n1 leaves an M1 */
    [AV_DART_ID_DISP] = {
        .name = "dart-disp", .map = AV_DART_DISP, .spi = AV_IRQ_DART_DISP,
        .option = "disp-dart", .what = "the display DART",
        .preset = AV_PRESET_MAPPED, .locked = true,
        .client_streams = av_disp_streams,
        .fw_regions = av_disp_fw_regions,
        .num_fw_regions = ARRAY_SIZE(av_disp_fw_regions),
        .client_memory_region = true,
        .client_node = "display", .client_map = AV_DISPLAY,
        .create_client = av_create_display, .fdt_client = av_fdt_display,
    },
};

QEMU_BUILD_BUG_ON(AV_NUM_DARTS > AV_FW_MAX_DARTS);

/* The DT path of @d's client */
static char *av_dart_client_path(const AppleVirtDart *d)
{
    return av_fdt_node(d->client_node, d->client_map);
}

/*
 * The stream options against the streams @dart has: "pcie-dart-streams"
 * for the PCIe DART, "usb-dart-stream" for the USB DART, and
 * "<dart>-disabled-streams" for each.
 */
static void av_check_streams(AppleVirtMachineState *avms, AppleVirtDartId id,
                             AppleDARTState *dart)
{
    const AppleDARTGeometry *geo = apple_dart_geometry(dart);
    const AppleVirtDart *d = &av_darts[id];
    const uint32_t *disabled = avms->fw_settings[id].disabled;
    unsigned n = geo->num_streams;
    unsigned words = geo->gen->regs->streams_enable_words;

    if (id == AV_DART_ID_PCIE) {
        for (int devfn = 0; devfn < PCI_DEVFN_MAX; devfn++) {
            int sid = avms->pcie_stream[devfn];

            if (sid >= (int)n) {
                error_report("apple-virt: pcie-dart-streams: %d.%d on"
                             " stream %d, but %s DARTs have streams 0 to %u",
                             PCI_SLOT(devfn), PCI_FUNC(devfn), sid,
                             av_dart_gen_names[avms->dart_gen], n - 1);
                exit(1);
            }
        }
    }
    if (id == AV_DART_ID_USB && avms->xhci_stream >= n) {
        error_report("apple-virt: usb-dart-stream=%u, but %s DARTs have"
                     " streams 0 to %u", avms->xhci_stream,
                     av_dart_gen_names[avms->dart_gen], n - 1);
        exit(1);
    }
    for (unsigned sid = 0; sid < APPLE_DART_MAX_STREAMS; sid++) {
        if (test_bit32(sid, disabled) && (sid >= n || sid >= 32 * words)) {
            error_report("apple-virt: %s-disabled-streams: stream %u, but"
                         " firmware can disable streams 0 to %u of %s DARTs",
                         d->option, sid, MIN(n, 32 * words) - 1,
                         av_dart_gen_names[avms->dart_gen]);
            exit(1);
        }
    }
}

/* Every DART, each followed by the device it fronts */
static void av_create_darts(AppleVirtMachineState *avms)
{
    for (unsigned i = 0; i < AV_NUM_DARTS; i++) {
        const AppleVirtDart *d = &av_darts[i];
        DeviceState *dev = qdev_new(av_dart_gen_types[avms->dart_gen]);

        if (avms->dart_va_bits) {
            qdev_prop_set_uint32(dev, "va-bits", avms->dart_va_bits);
        }
        if (avms->dart_num_streams) {
            qdev_prop_set_uint32(dev, "num-streams", avms->dart_num_streams);
        }
        if (avms->dart_check_stale_tlb) {
            qdev_prop_set_bit(dev, "check-stale-tlb", true);
        }
        if (avms->dart_check_pte) {
            qdev_prop_set_bit(dev, "check-pte-format", true);
        }
        object_property_add_child(OBJECT(avms), d->name, OBJECT(dev));
        sysbus_realize_and_unref(SYS_BUS_DEVICE(dev), &error_fatal);
        sysbus_mmio_map(SYS_BUS_DEVICE(dev), 0, apple_virt_memmap[d->map].base);
        sysbus_connect_irq(SYS_BUS_DEVICE(dev), 0, av_spi(avms, d->spi));
        avms->darts[i] = APPLE_DART(dev);
        av_check_streams(avms, i, avms->darts[i]);
        d->create_client(avms, avms->darts[i]);
    }
}

static void av_fdt_darts(AppleVirtMachineState *avms, void *fdt)
{
    for (unsigned i = 0; i < AV_NUM_DARTS; i++) {
        const AppleVirtDart *d = &av_darts[i];
        g_autofree char *client = av_dart_client_path(d);
        uint32_t phandle = av_fdt_dart(fdt, avms->darts[i], d->map, d->spi);

        d->fdt_client(avms, fdt, client, phandle);
    }
}

static void av_create_fdt(AppleVirtMachineState *avms)
{
    MachineState *ms = MACHINE(avms);
    void *fdt = create_device_tree(&avms->fdt_size);

    if (!fdt) {
        error_report("apple-virt: cannot create the devicetree");
        exit(1);
    }
    ms->fdt = fdt;
    qemu_fdt_setprop_string(fdt, "/", "compatible", "qemu,apple-virt");
    qemu_fdt_setprop_string(fdt, "/", "model", "QEMU apple-virt");
    qemu_fdt_setprop_cell(fdt, "/", "#address-cells", 2);
    qemu_fdt_setprop_cell(fdt, "/", "#size-cells", 2);

    av_fdt_cpus(avms, fdt);
    av_fdt_gic_timer(avms, fdt);
    av_fdt_uart(avms, fdt);
    av_fdt_darts(avms, fdt);
}

/*
 * Firmware
 */

/* Tell firmware about every DART, as the options set it up. */
static void av_firmware_init(AppleVirtMachineState *avms)
{
    MachineState *ms = MACHINE(avms);
    Error *err = NULL;

    for (unsigned i = 0; i < AV_NUM_DARTS; i++) {
        const AppleVirtDart *d = &av_darts[i];
        const AppleVirtFwSettings *set = &avms->fw_settings[i];

        avms->fw_cfg[i] = (AppleVirtFwDartConfig) {
            .name = d->name,
            .option = d->option,
            .dart = avms->darts[i],
            .base = apple_virt_memmap[d->map].base,
            .streams = set->streams_set ? set->streams :
                       d->client_streams(avms),
            .preset = avms->fw_settings[i].preset,
            .lock = avms->fw_settings[i].lock,
            .node = av_fdt_node("iommu", d->map),
            .client = av_dart_client_path(d),
            .regions = d->fw_regions,
            .num_regions = d->num_fw_regions,
            .client_memory_region = d->client_memory_region,
        };
        memcpy(avms->fw_cfg[i].disabled, set->disabled,
               sizeof(set->disabled));
    }
    if (!apple_virt_fw_build(&avms->fw, avms->fw_cfg, AV_NUM_DARTS,
                             apple_virt_memmap[AV_MEM].base + ms->ram_size,
                             &err)) {
        error_report_err(err);
        exit(1);
    }
}

static void apple_virt_reset(MachineState *ms, ResetType type)
{
    AppleVirtMachineState *avms = APPLE_VIRT_MACHINE(ms);

    qemu_devices_reset(type);
    apple_virt_fw_reset(&avms->fw);
}

static char *av_get_firmware(Object *obj, Error **errp)
{
    return apple_virt_fw_describe(&APPLE_VIRT_MACHINE(obj)->fw);
}

/*
 * Options. The per-DART ones ("<dart>-preset": none, empty, mapped;
 * "<dart>-locked": on, off) have their av_darts[] entry as opaque.
 */

static AppleVirtFwSettings *av_fw_settings(Object *obj, void *opaque)
{
    const AppleVirtDart *d = opaque;

    return &APPLE_VIRT_MACHINE(obj)->fw_settings[d - av_darts];
}

static void av_get_preset(Object *obj, Visitor *v, const char *name,
                          void *opaque, Error **errp)
{
    visit_type_enum(v, name, &av_fw_settings(obj, opaque)->preset,
                    &apple_virt_fw_preset_lookup, errp);
}

static void av_set_preset(Object *obj, Visitor *v, const char *name,
                          void *opaque, Error **errp)
{
    int preset;

    if (visit_type_enum(v, name, &preset, &apple_virt_fw_preset_lookup,
                        errp)) {
        av_fw_settings(obj, opaque)->preset = preset;
    }
}

static void av_get_locked(Object *obj, Visitor *v, const char *name,
                          void *opaque, Error **errp)
{
    visit_type_bool(v, name, &av_fw_settings(obj, opaque)->lock, errp);
}

static void av_set_locked(Object *obj, Visitor *v, const char *name,
                          void *opaque, Error **errp)
{
    bool locked;

    if (visit_type_bool(v, name, &locked, errp)) {
        av_fw_settings(obj, opaque)->lock = locked;
    }
}

static void av_get_preset_streams(Object *obj, Visitor *v, const char *name,
                                  void *opaque, Error **errp)
{
    const AppleVirtDart *d = opaque;
    AppleVirtFwSettings *set = av_fw_settings(obj, opaque);
    uint64_t streams = set->streams_set ? set->streams :
                       d->client_streams(APPLE_VIRT_MACHINE(obj));

    visit_type_uint64(v, name, &streams, errp);
}

static void av_set_preset_streams(Object *obj, Visitor *v, const char *name,
                                  void *opaque, Error **errp)
{
    AppleVirtFwSettings *set = av_fw_settings(obj, opaque);

    if (visit_type_uint64(v, name, &set->streams, errp)) {
        set->streams_set = true;
    }
}

/*
 * A stream list, "N+N+..." ("<dart>-disabled-streams"; "+" since ","
 * separates the machine's options): each number below
 * APPLE_DART_MAX_STREAMS goes to @add. Returns false with @errp set.
 */
static bool av_parse_stream_list(const char *name, const char *value,
                                 void (*add)(void *ctx, unsigned sid),
                                 void *ctx, Error **errp)
{
    g_auto(GStrv) items = g_strsplit(value, "+", -1);

    for (char **it = items; *it; it++) {
        uint64_t sid;

        if (qemu_strtou64(*it, NULL, 0, &sid) ||
            sid >= APPLE_DART_MAX_STREAMS) {
            error_setg(errp, "%s=%s: '%s' is not a stream of 0 to %u"
                       " (STREAM[+STREAM...])", name, value, *it,
                       APPLE_DART_MAX_STREAMS - 1);
            return false;
        }
        add(ctx, sid);
    }
    return true;
}

static void av_disable_stream(void *ctx, unsigned sid)
{
    set_bit32(sid, ctx);
}

static void av_get_disabled(Object *obj, Visitor *v, const char *name,
                            void *opaque, Error **errp)
{
    char *value = g_strdup(av_fw_settings(obj, opaque)->disabled_streams ?:
                           "");

    visit_type_str(v, name, &value, errp);
    g_free(value);
}

static void av_set_disabled(Object *obj, Visitor *v, const char *name,
                            void *opaque, Error **errp)
{
    AppleVirtFwSettings *set = av_fw_settings(obj, opaque);
    uint32_t disabled[APPLE_DART_STREAM_WORDS] = { 0 };
    g_autofree char *value = NULL;

    if (!visit_type_str(v, name, &value, errp)) {
        return;
    }
    if (*value && !av_parse_stream_list(name, value, av_disable_stream,
                                        disabled, errp)) {
        return;
    }
    memcpy(set->disabled, disabled, sizeof(disabled));
    g_free(set->disabled_streams);
    set->disabled_streams = g_steal_pointer(&value);
}

static char *av_get_pcie_dart_streams(Object *obj, Error **errp)
{
    return g_strdup(APPLE_VIRT_MACHINE(obj)->pcie_dart_streams ?: "");
}

/* The default: root-bus slot S < 16 on stream S, all its functions */
static void av_pcie_default_streams(int *stream)
{
    for (int devfn = 0; devfn < PCI_DEVFN_MAX; devfn++) {
        stream[devfn] = PCI_SLOT(devfn) < AV_PCIE_DART_SLOTS ?
                        PCI_SLOT(devfn) : -1;
    }
}

/*
 * "pcie-dart-streams=SLOT[.FN]:STREAM[+...]": a slot's functions, or one
 * function, on a stream. Entries for whole slots apply first, then those
 * for functions. Two slots given one stream are refused; a slot whose
 * default stream is given to another loses it (and is no longer behind
 * the DART, nor in iommu-map).
 */
static void av_set_pcie_dart_streams(Object *obj, const char *value,
                                     Error **errp)
{
    AppleVirtMachineState *avms = APPLE_VIRT_MACHINE(obj);
    g_auto(GStrv) items = g_strsplit(value, "+", -1);
    int given[PCI_DEVFN_MAX], stream[PCI_DEVFN_MAX];
    bool per_function = false;

    memset(given, -1, sizeof(given));
    for (int pass = 0; *value && pass < 2; pass++) {
        for (char **it = items; *it; it++) {
            const char *p = *it;
            uint64_t slot, fn = 0, sid;
            bool ok, one_fn;

            ok = !qemu_strtou64(p, &p, 10, &slot) && slot < PCI_SLOT_MAX;
            one_fn = ok && *p == '.';
            if (one_fn) {
                ok = !qemu_strtou64(p + 1, &p, 10, &fn) && fn < PCI_FUNC_MAX;
            }
            if (!ok || *p++ != ':' || qemu_strtou64(p, NULL, 0, &sid) ||
                sid >= APPLE_DART_MAX_STREAMS) {
                error_setg(errp, "pcie-dart-streams=%s: '%s' is not"
                           " SLOT[.FN]:STREAM with a slot of 0 to %u, a"
                           " function of 0 to %u and a stream of 0 to %u",
                           value, *it, PCI_SLOT_MAX - 1, PCI_FUNC_MAX - 1,
                           APPLE_DART_MAX_STREAMS - 1);
                return;
            }
            if (one_fn != pass) {
                continue;
            }
            for (int f = one_fn ? fn : 0; f < (one_fn ? fn + 1 : PCI_FUNC_MAX);
                 f++) {
                given[PCI_DEVFN(slot, f)] = sid;
            }
            per_function |= one_fn;
        }
    }
    av_pcie_default_streams(stream);
    for (int devfn = 0; devfn < PCI_DEVFN_MAX; devfn++) {
        for (int other = 0; given[devfn] >= 0 && other < PCI_DEVFN_MAX;
             other++) {
            if (PCI_SLOT(other) == PCI_SLOT(devfn) ||
                (given[other] < 0 && stream[other] != given[devfn])) {
                continue;
            }
            if (given[other] == given[devfn]) {
                error_setg(errp, "pcie-dart-streams=%s: slots %d and %d both"
                           " on stream %d", value,
                           MIN(PCI_SLOT(other), PCI_SLOT(devfn)),
                           MAX(PCI_SLOT(other), PCI_SLOT(devfn)),
                           given[devfn]);
                return;
            }
            if (given[other] < 0) {
                stream[other] = -1;     /* a default, displaced */
            }
        }
    }
    for (int devfn = 0; devfn < PCI_DEVFN_MAX; devfn++) {
        if (given[devfn] >= 0) {
            stream[devfn] = given[devfn];
        }
    }
    memcpy(avms->pcie_stream, stream, sizeof(stream));
    avms->pcie_stream_per_function = per_function;
    g_free(avms->pcie_dart_streams);
    avms->pcie_dart_streams = g_strdup(value);
}

static void av_get_xhci_stream(Object *obj, Visitor *v, const char *name,
                               void *opaque, Error **errp)
{
    visit_type_uint32(v, name, &APPLE_VIRT_MACHINE(obj)->xhci_stream, errp);
}

static void av_set_xhci_stream(Object *obj, Visitor *v, const char *name,
                               void *opaque, Error **errp)
{
    visit_type_uint32(v, name, &APPLE_VIRT_MACHINE(obj)->xhci_stream, errp);
}

static void av_get_dart_num_streams(Object *obj, Visitor *v,
                                    const char *name, void *opaque,
                                    Error **errp)
{
    visit_type_uint32(v, name, &APPLE_VIRT_MACHINE(obj)->dart_num_streams,
                      errp);
}

static void av_set_dart_num_streams(Object *obj, Visitor *v,
                                    const char *name, void *opaque,
                                    Error **errp)
{
    visit_type_uint32(v, name, &APPLE_VIRT_MACHINE(obj)->dart_num_streams,
                      errp);
}

static void av_get_dart(Object *obj, Visitor *v, const char *name,
                        void *opaque, Error **errp)
{
    visit_type_enum(v, name, &APPLE_VIRT_MACHINE(obj)->dart_gen,
                    &av_dart_gen_lookup, errp);
}

/* Like visit_type_enum(), but the error lists what there is. */
static void av_set_dart(Object *obj, Visitor *v, const char *name,
                        void *opaque, Error **errp)
{
    g_autofree char *value = NULL;
    g_autoptr(GString) names = g_string_new(NULL);
    int gen;

    if (!visit_type_str(v, name, &value, errp)) {
        return;
    }
    gen = qapi_enum_parse(&av_dart_gen_lookup, value, -1, NULL);
    if (gen >= 0) {
        APPLE_VIRT_MACHINE(obj)->dart_gen = gen;
        return;
    }
    for (int i = 0; i < AV_DART_GEN__MAX; i++) {
        g_string_append_printf(names, "%s%s", av_dart_gen_names[i],
                               i == AV_DART_GEN__MAX - 1 ? "" :
                               i == AV_DART_GEN__MAX - 2 ? " or " : ", ");
    }
    error_setg(errp, "dart must be %s, not '%s'", names->str, value);
}

static void av_get_dart_va_bits(Object *obj, Visitor *v, const char *name,
                                void *opaque, Error **errp)
{
    visit_type_uint32(v, name, &APPLE_VIRT_MACHINE(obj)->dart_va_bits, errp);
}

static void av_set_dart_va_bits(Object *obj, Visitor *v, const char *name,
                                void *opaque, Error **errp)
{
    visit_type_uint32(v, name, &APPLE_VIRT_MACHINE(obj)->dart_va_bits, errp);
}

static bool av_get_check_stale_tlb(Object *obj, Error **errp)
{
    return APPLE_VIRT_MACHINE(obj)->dart_check_stale_tlb;
}

static void av_set_check_stale_tlb(Object *obj, bool value, Error **errp)
{
    APPLE_VIRT_MACHINE(obj)->dart_check_stale_tlb = value;
}

static bool av_get_check_pte(Object *obj, Error **errp)
{
    return APPLE_VIRT_MACHINE(obj)->dart_check_pte;
}

static void av_set_check_pte(Object *obj, bool value, Error **errp)
{
    APPLE_VIRT_MACHINE(obj)->dart_check_pte = value;
}

static void av_dart_class_properties(ObjectClass *oc)
{
    object_class_property_add(oc, "dart", "AppleVirtDartGen",
                              av_get_dart, av_set_dart, NULL, NULL);
    object_class_property_set_description(oc, "dart",
        "Generation of the machine's DARTs: t8103 (M1, default),"
        " t8103-usb4, t6000 (M1 Pro/Max) or t8110 (M2 and later)");
    object_class_property_add(oc, "dart-va-bits", "uint32",
                              av_get_dart_va_bits, av_set_dart_va_bits,
                              NULL, NULL);
    object_class_property_set_description(oc, "dart-va-bits",
        "VA width of t8110 DARTs, 32 to 47 (default 36); above 36 they"
        " take four-level tables");
    object_class_property_add(oc, "dart-num-streams", "uint32",
                              av_get_dart_num_streams,
                              av_set_dart_num_streams, NULL, NULL);
    object_class_property_set_description(oc, "dart-num-streams",
        "Streams of each t8110 DART, 1 to 256, as PARAMS4 reports them"
        " (default 16)");
    object_class_property_add_str(oc, "pcie-dart-streams",
                                  av_get_pcie_dart_streams,
                                  av_set_pcie_dart_streams);
    object_class_property_set_description(oc, "pcie-dart-streams",
        "Put root-bus slots, or single functions, on other streams of the"
        " PCIe DART: SLOT[.FN]:STREAM[+...] (default: slot S < 16 on"
        " stream S)");
    object_class_property_add(oc, "usb-dart-stream", "uint32",
                              av_get_xhci_stream, av_set_xhci_stream,
                              NULL, NULL);
    object_class_property_set_description(oc, "usb-dart-stream",
        "The XHCI's stream on the USB DART (default 1)");
    object_class_property_add_bool(oc, "dart-check-stale-tlb",
                                   av_get_check_stale_tlb,
                                   av_set_check_stale_tlb);
    object_class_property_set_description(oc, "dart-check-stale-tlb",
        "Report DMA that a DART serves from a cached translation its tables"
        " no longer hold (a missing TLB invalidate); off by default");
    object_class_property_add_bool(oc, "dart-check-pte", av_get_check_pte,
                                   av_set_check_pte);
    object_class_property_set_description(oc, "dart-check-pte",
        "Report page table leaves that set bits meaning something else in"
        " the DART's PTE format (a driver written for the other format);"
        " off by default");
}

static void av_fw_class_properties(ObjectClass *oc)
{
    for (unsigned i = 0; i < AV_NUM_DARTS; i++) {
        const AppleVirtDart *d = &av_darts[i];
        g_autofree char *preset = g_strdup_printf("%s-preset", d->option);
        g_autofree char *locked = g_strdup_printf("%s-locked", d->option);
        g_autofree char *streams = g_strdup_printf("%s-preset-streams",
                                                   d->option);
        g_autofree char *disabled = g_strdup_printf("%s-disabled-streams",
                                                    d->option);
        g_autofree char *disabled_desc = NULL;
        g_autofree char *preset_desc = NULL;
        g_autofree char *locked_desc = NULL;
        g_autofree char *streams_desc = NULL;

        object_class_property_add(oc, preset, "AppleVirtFwPreset",
                                  av_get_preset, av_set_preset, NULL,
                                  (void *)d);
        preset_desc = g_strdup_printf("What firmware leaves in %s's page"
                                      " tables: none, empty or mapped"
                                      " (default %s)", d->what,
                                      apple_virt_fw_preset_lookup.array[
                                          d->preset]);
        object_class_property_set_description(oc, preset, preset_desc);
        object_class_property_add(oc, locked, "bool",
                                  av_get_locked, av_set_locked, NULL,
                                  (void *)d);
        locked_desc = g_strdup_printf("Whether firmware locks %s's TTBRs"
                                      " and TCRs (default %s)", d->what,
                                      d->locked ? "on" : "off");
        object_class_property_set_description(oc, locked, locked_desc);
        object_class_property_add(oc, streams, "uint64",
                                  av_get_preset_streams,
                                  av_set_preset_streams, NULL, (void *)d);
        streams_desc = g_strdup_printf("The streams of %s that firmware"
                                       " presets, each with tables of its"
                                       " own, as a bitmap (default: its"
                                       " client's streams)", d->what);
        object_class_property_set_description(oc, streams, streams_desc);
        object_class_property_add(oc, disabled, "str",
                                  av_get_disabled, av_set_disabled, NULL,
                                  (void *)d);
        disabled_desc = g_strdup_printf("Streams of %s that firmware leaves"
                                        " disabled in STREAMS_ENABLE:"
                                        " STREAM[+STREAM...] (default"
                                        " none)", d->what);
        object_class_property_set_description(oc, disabled, disabled_desc);
    }
    object_class_property_add_str(oc, "dart-firmware", av_get_firmware, NULL);
    object_class_property_set_description(oc, "dart-firmware",
        "What firmware left in the DARTs: tables, mappings, locks");
}

static void apple_virt_instance_init(Object *obj)
{
    AppleVirtMachineState *avms = APPLE_VIRT_MACHINE(obj);

    avms->dart_gen = AV_DART_GEN_T8103;
    for (unsigned i = 0; i < AV_NUM_DARTS; i++) {
        avms->fw_settings[i].preset = av_darts[i].preset;
        avms->fw_settings[i].lock = av_darts[i].locked;
    }
    av_pcie_default_streams(avms->pcie_stream);
    avms->xhci_stream = AV_XHCI_SID;
}

static void *av_get_dtb(const struct arm_boot_info *binfo, int *fdt_size)
{
    const AppleVirtMachineState *avms =
        container_of(binfo, AppleVirtMachineState, bootinfo);

    *fdt_size = avms->fdt_size;
    return MACHINE(avms)->fdt;
}

static void apple_virt_init(MachineState *ms)
{
    AppleVirtMachineState *avms = APPLE_VIRT_MACHINE(ms);
    MemoryRegion *sysmem = get_system_memory();
    DeviceState *uart;

    if (apple_virt_memmap[AV_MEM].base + ms->ram_size > AV_RAM_LIMIT) {
        error_report("apple-virt: at most %" PRIu64 " GiB of RAM: its DARTs"
                     " cannot reach memory above 64 GiB",
                     (AV_RAM_LIMIT - apple_virt_memmap[AV_MEM].base) / GiB);
        exit(1);
    }
    if (avms->dart_va_bits && !AV_DART_GEN_CONFIGURABLE(avms->dart_gen)) {
        error_report("apple-virt: dart-va-bits is for dart=t8110; %s DARTs"
                     " have a fixed VA width",
                     av_dart_gen_names[avms->dart_gen]);
        exit(1);
    }
    if (avms->dart_num_streams &&
        !AV_DART_GEN_CONFIGURABLE(avms->dart_gen)) {
        error_report("apple-virt: dart-num-streams is for dart=t8110; %s"
                     " DARTs have a fixed number of streams",
                     av_dart_gen_names[avms->dart_gen]);
        exit(1);
    }
    if (ms->ram_size < AV_RAM_MIN) {
        error_report("apple-virt: at least %" PRIu64 " MiB of RAM are needed"
                     " (firmware keeps %" PRIu64 " MiB for itself)",
                     (uint64_t)AV_RAM_MIN / MiB,
                     (uint64_t)AV_FW_CARVEOUT_SIZE / MiB);
        exit(1);
    }
    memory_region_add_subregion(sysmem, apple_virt_memmap[AV_MEM].base,
                                ms->ram);

    av_create_cpus(avms);
    av_create_gic(avms);
    av_create_its(avms);

    uart = qdev_new(TYPE_PL011);
    qdev_prop_set_chr(uart, "chardev", serial_hd(0));
    sysbus_realize_and_unref(SYS_BUS_DEVICE(uart), &error_fatal);
    sysbus_mmio_map(SYS_BUS_DEVICE(uart), 0, apple_virt_memmap[AV_UART].base);
    sysbus_connect_irq(SYS_BUS_DEVICE(uart), 0, av_spi(avms, AV_IRQ_UART));

    av_create_darts(avms);
    av_firmware_init(avms);
    av_create_fdt(avms);
    apple_virt_fw_fdt(&avms->fw, ms->fdt);

    avms->bootinfo.ram_size = ms->ram_size;
    avms->bootinfo.board_id = -1;
    avms->bootinfo.loader_start = apple_virt_memmap[AV_MEM].base;
    avms->bootinfo.get_dtb = av_get_dtb;
    avms->bootinfo.psci_conduit = QEMU_PSCI_CONDUIT_HVC;
    arm_load_kernel(ARM_CPU(first_cpu), ms, &avms->bootinfo);
}

/*
 * On Apple silicon every DMA goes through a DART. Make virtio devices use
 * the IOMMU too (VIRTIO_F_ACCESS_PLATFORM, which needs a modern device);
 * otherwise the guest hands them physical addresses and QEMU lets them
 * bypass translation.
 */
static GlobalProperty apple_virt_globals[] = {
    { "virtio-device", "iommu_platform", "on" },
    { "virtio-pci", "disable-legacy", "on" },
};

static void apple_virt_class_init(ObjectClass *oc, AppleClassData *data)
{
    MachineClass *mc = MACHINE_CLASS(oc);
    static const char * const valid_cpu_types[] = {
        ARM_CPU_TYPE_NAME("cortex-a76"),
        ARM_CPU_TYPE_NAME("cortex-a710"),
        ARM_CPU_TYPE_NAME("neoverse-n1"),
        ARM_CPU_TYPE_NAME("neoverse-n2"),
        ARM_CPU_TYPE_NAME("neoverse-v1"),
        ARM_CPU_TYPE_NAME("max"),
        NULL
    };

    mc->desc = "Virtual machine with Apple DART IOMMUs";
    mc->init = apple_virt_init;
    mc->reset = apple_virt_reset;
    mc->max_cpus = 8;
    /* Apple's cores support the 16 KiB granule; cortex-a57 does not. */
    mc->default_cpu_type = ARM_CPU_TYPE_NAME("cortex-a76");
    mc->valid_cpu_types = valid_cpu_types;
    mc->default_ram_size = 1 * GiB;
    mc->default_ram_id = "apple-virt.ram";
    mc->block_default_type = IF_VIRTIO;
    mc->no_cdrom = 1;
    mc->pci_allow_0_address = true;
    mc->minimum_page_bits = 12;
    compat_props_add(mc->compat_props, apple_virt_globals,
                     G_N_ELEMENTS(apple_virt_globals));
    av_fw_class_properties(oc);
    av_dart_class_properties(oc);
}

static const TypeInfo apple_virt_machine_info = {
    .name = TYPE_APPLE_VIRT_MACHINE,
    .parent = TYPE_MACHINE,
    .instance_size = sizeof(AppleVirtMachineState),
    .instance_init = apple_virt_instance_init,
    .class_init = apple_virt_class_init,
    .interfaces = APPLE_AARCH64_MACHINE_INTERFACES,
};

static void apple_virt_machine_register_types(void)
{
    type_register_static(&apple_virt_machine_info);
}

type_init(apple_virt_machine_register_types)
