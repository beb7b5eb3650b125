/*
 * apple-dart-host: fuzz what QEMU and its user do with an Apple DART
 *
 * Copyright (c) 2026 The apple-dart QEMU model authors
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 *
 * generic-fuzz reaches the DART model through MMIO and DMA, which is all
 * a guest has. The rest of its interface is the host's: realize with any
 * properties, and unrealize; the QOM properties inject-fault, state and
 * x-microbench; migration of its state, intact or damaged; IOMMU
 * notifiers and the invalidations that reach them; the functions the
 * machine calls. This target drives those in-process, on the machine
 * QEMU_FUZZ_ARGS sets up (by default a bare apple-virt), together with
 * MMIO to any DART, page tables written for it, and virtual time.
 *
 * An input is a sequence of operations: an opcode byte (modulo the number
 * of operations), then the operation's packed little-endian operands
 * (the *Op structs below); the input ends where an operation finds too
 * few bytes for its operands. What an input creates (a DART, a display
 * engine, notifiers, page tables in RAM) is undone at its end and the
 * machine reset, so that no input depends on those before it.
 */

#include "qemu/osdep.h"
#include "qemu/bswap.h"
#include "qemu/rcu.h"
#include "qemu/units.h"
#include "qapi/error.h"
#include "qom/object.h"
#include "hw/apple-qemu-compat.h"
#include "hw/boards.h"
#include "hw/qdev-core.h"
#include "hw/sysbus.h"
#include "hw/iommu/apple-dart.h"
#include "hw/iommu/apple-dart-internal.h"
#include "hw/display/apple-virt-display.h"
#include "system/dma.h"      /* and address-spaces.h, which QEMU 10.1 moved */
#include "migration/vmstate.h"
#include "migration/qemu-file-types.h"
#include "migration/qemu-file.h"
#include "migration/savevm.h"
#include "io/channel-buffer.h"
#include "ui/console.h"
#include "tests/qtest/libqtest.h"
#include "fuzz.h"

/* at most this many DARTs of the machine; notifiers of an input */
#define HF_MAX_DARTS            8
#define HF_NOTIFIERS            8
/* page tables go to a pool of pages this far into RAM */
#define HF_POOL_OFFSET          (16 * MiB)
#define HF_POOL_PAGES           8
#define HF_POOL_SIZE            (HF_POOL_PAGES * 16 * KiB)
/* bounds that keep one input to a few milliseconds */
#define HF_MAX_STEP_NS          (200 * 1000 * 1000)
#define HF_MAX_STRING           64
#define HF_MAX_BENCH_COUNT      16
#define HF_MAX_DMA              4096
#define HF_MAX_FLIPS            8

typedef enum HostFuzzOp {
    OP_REALIZE_DART,
    OP_REALIZE_DISPLAY,
    OP_INJECT_FAULT,
    OP_STATE,
    OP_MICROBENCH,
    OP_MIGRATE,
    OP_NOTIFY,
    OP_MMIO_WRITE,
    OP_MMIO_READ,
    OP_API,
    OP_CLOCK,
    OP_MAP,
    OP_RESET,
    OP_FIRMWARE,
    OP_FILL,
    OP_UI,
    OP__MAX,
} HostFuzzOp;

/* An IOMMU notifier an input registered, and how often it was called */
typedef struct HostNotifier {
    IOMMUNotifier n;
    MemoryRegion *mr;           /* NULL: the slot is free */
    AppleDARTState *dart;
    unsigned sid;
    uint64_t calls;
} HostNotifier;

static struct {
    AppleDARTState *darts[HF_MAX_DARTS];    /* the machine's */
    unsigned num_darts;
    DeviceState *display;                   /* the machine's, if any */
    AppleDARTState *dart;                   /* the input's own */
    DeviceState *own_display;
    HostNotifier notifiers[HF_NOTIFIERS];
    hwaddr pool;
    bool pool_dirty;
    bool destroyed;                         /* finalize is pending */
} hf;

static const char *const dart_types[] = {
    TYPE_APPLE_DART_T8103, TYPE_APPLE_DART_T8103_USB4,
    TYPE_APPLE_DART_T6000, TYPE_APPLE_DART_T8110,
};

/* inject-fault's kinds, and one it does not know */
static const char *const fault_kinds[] = {
    "no-ttbr", "no-pgd", "no-pmd", "no-pte", "read", "write", "subpage",
    "no-such-fault",
};

typedef struct Input {
    const uint8_t *p;
    size_t left;
} Input;

static bool take(Input *in, void *buf, size_t n)
{
    if (in->left < n) {
        in->left = 0;
        return false;
    }
    memcpy(buf, in->p, n);
    in->p += n;
    in->left -= n;
    return true;
}

/* A string of at most HF_MAX_STRING bytes: a length byte, the bytes */
static char *take_string(Input *in)
{
    uint8_t len;
    char buf[HF_MAX_STRING];

    if (!take(in, &len, 1)) {
        return NULL;
    }
    len %= HF_MAX_STRING + 1;
    if (!take(in, buf, len)) {
        return NULL;
    }
    return g_strndup(buf, len);
}

/* The DART operand @b names: the machine's, then the input's own */
static AppleDARTState *pick_dart(uint8_t b)
{
    unsigned n = hf.num_darts + !!hf.dart;
    unsigned i = b % n;

    return i < hf.num_darts ? hf.darts[i] : hf.dart;
}

static unsigned dart_streams(AppleDARTState *s)
{
    return apple_dart_geometry(s)->num_streams;
}

/*
 * A stream of @s for an operation that needs its memory region. Of the
 * machine's DARTs only the streams their devices already use: a stream
 * created here would outlive the input, and inputs would no longer run
 * alike. The input's own DART has them all.
 */
static bool pick_stream(AppleDARTState *s, uint16_t b, unsigned *sid)
{
    unsigned n = dart_streams(s);

    for (unsigned i = 0; i < n; i++) {
        *sid = (b + i) % n;
        if (s == hf.dart || s->streams[*sid]) {
            return true;
        }
    }
    return false;
}

static uint32_t mmio_read(AppleDARTState *s, hwaddr offset)
{
    uint64_t val = 0;

    memory_region_dispatch_read(&s->iomem, offset, &val, MO_LEUL,
                                MEMTXATTRS_UNSPECIFIED);
    return val;
}

static void mmio_write(AppleDARTState *s, hwaddr offset, uint32_t val)
{
    memory_region_dispatch_write(&s->iomem, offset, val, MO_LEUL,
                                 MEMTXATTRS_UNSPECIFIED);
}

/*
 * Notifiers
 */

static void host_notify(IOMMUNotifier *n, IOMMUTLBEntry *entry)
{
    HostNotifier *hn = container_of(n, HostNotifier, n);

    hn->calls++;
}

static void notifier_del(HostNotifier *hn)
{
    if (hn->mr) {
        memory_region_unregister_iommu_notifier(hn->mr, &hn->n);
        hn->mr = NULL;
    }
}

/* Unregister the notifiers on streams of @s (NULL: of every DART). */
static void notifiers_del(AppleDARTState *s)
{
    for (unsigned i = 0; i < HF_NOTIFIERS; i++) {
        if (!s || hf.notifiers[i].dart == s) {
            notifier_del(&hf.notifiers[i]);
        }
    }
}

/*
 * An invalidation of stream @sid of @s, checked: every UNMAP notifier
 * of the stream hears of it once, and no other.
 */
static void invalidate_checked(AppleDARTState *s, unsigned sid)
{
    uint64_t before[HF_NOTIFIERS];

    for (unsigned i = 0; i < HF_NOTIFIERS; i++) {
        before[i] = hf.notifiers[i].calls;
    }
    apple_dart_invalidate(s, sid);
    for (unsigned i = 0; i < HF_NOTIFIERS; i++) {
        HostNotifier *hn = &hf.notifiers[i];
        bool told = hn->mr && hn->dart == s && hn->sid == sid;

        g_assert_cmpuint(hn->calls, ==, before[i] + told);
    }
}

/*
 * The input's own devices
 */

/*
 * Unparent @dev, which unrealizes it. qdev drops its last reference
 * only after an RCU grace period: the input's end waits for that
 * (drain_call_rcu(), some 50 ms, once), so that finalize runs in the
 * input that asked for it, not in a later one.
 */
static void destroy(DeviceState *dev)
{
    object_unparent(OBJECT(dev));
    hf.destroyed = true;
}

static void destroy_display(void)
{
    if (hf.own_display) {
        destroy(hf.own_display);
        hf.own_display = NULL;
    }
}

static void destroy_dart(void)
{
    if (hf.dart) {
        notifiers_del(hf.dart);
        destroy(DEVICE(hf.dart));
        hf.dart = NULL;
    }
}

/*
 * Add @dev to the machine as @name and realize it; false (and gone) if
 * realize fails. The fixed name keeps a DART's trace name, and with it
 * its memory regions' names, the same from one input to the next.
 */
static bool realize_child(DeviceState *dev, const char *name)
{
    Error *err = NULL;

    object_property_add_child(qdev_get_machine(), name, OBJECT(dev));
    object_unref(OBJECT(dev));
    if (!sysbus_realize(SYS_BUS_DEVICE(dev), &err)) {
        error_free(err);
        destroy(dev);
        return false;
    }
    return true;
}

/* Set property @name of @obj to @val; a value it refuses is no matter. */
static void set_uint(Object *obj, const char *name, uint64_t val)
{
    object_property_set_uint(obj, name, val, NULL);
}

/* REALIZE_DART: a DART of any generation with any properties */
typedef struct QEMU_PACKED RealizeDartOp {
    uint8_t gen;
    uint8_t set;                /* RD_* */
    uint8_t page_kind;          /* modulo 4: default, 16 KiB, 4 KiB, raw */
    uint32_t page_size;
    uint16_t num_streams;
    uint8_t va_bits;
    uint8_t pa_bits;
    uint8_t bypass;             /* modulo 4: default, on, off, auto */
    uint8_t busy;               /* RD_BUSY_* */
    uint64_t busy_val;
} RealizeDartOp;

#define RD_NUM_STREAMS  BIT(0)
#define RD_VA_BITS      BIT(1)
#define RD_PA_BITS      BIT(2)
#define RD_DMA_MEMORY   BIT(3)
#define RD_CHECK_STALE  BIT(4)
#define RD_CHECK_PTE    BIT(5)
#define RD_EARLY_QOM    BIT(6)  /* the QOM properties before realize */

#define RD_BUSY_READS   BIT(0)
#define RD_BUSY_NS      BIT(1)
#define RD_BUSY_STUCK   BIT(2)

static void op_realize_dart(Input *in)
{
    static const char *const bypass[] = { "on", "off", "auto" };
    RealizeDartOp op;
    DeviceState *dev;
    Object *obj;
    char *str;

    if (!take(in, &op, sizeof(op))) {
        return;
    }
    destroy_dart();
    dev = qdev_new(dart_types[op.gen % ARRAY_SIZE(dart_types)]);
    obj = OBJECT(dev);
    switch (op.page_kind % 4) {
    case 1:
        set_uint(obj, "page-size", 16384);
        break;
    case 2:
        set_uint(obj, "page-size", 4096);
        break;
    case 3:
        set_uint(obj, "page-size", le32_to_cpu(op.page_size));
        break;
    }
    if (op.set & RD_NUM_STREAMS) {
        set_uint(obj, "num-streams", le16_to_cpu(op.num_streams));
    }
    if (op.set & RD_VA_BITS) {
        set_uint(obj, "va-bits", op.va_bits);
    }
    if (op.set & RD_PA_BITS) {
        set_uint(obj, "pa-bits", op.pa_bits);
    }
    if (op.set & RD_DMA_MEMORY) {
        object_property_set_link(obj, "dma-memory",
                                 OBJECT(get_system_memory()), &error_abort);
    }
    if (op.bypass % 4) {
        object_property_set_str(obj, "bypass", bypass[op.bypass % 4 - 1],
                                &error_abort);
    }
    object_property_set_bool(obj, "check-stale-tlb",
                             op.set & RD_CHECK_STALE, &error_abort);
    object_property_set_bool(obj, "check-pte-format",
                             op.set & RD_CHECK_PTE, &error_abort);
    if (op.busy & RD_BUSY_READS) {
        set_uint(obj, "busy-reads", (uint32_t)le64_to_cpu(op.busy_val));
    }
    if (op.busy & RD_BUSY_NS) {
        set_uint(obj, "busy-ns", le64_to_cpu(op.busy_val));
    }
    object_property_set_bool(obj, "busy-stuck", op.busy & RD_BUSY_STUCK,
                             &error_abort);
    if (op.set & RD_EARLY_QOM) {
        /* refused until realize, and none of them may crash */
        object_property_set_str(obj, "inject-fault",
                                "stream=0,iova=0,fault=read", NULL);
        object_property_set_str(obj, "x-microbench",
                                "stream=0,iova=0,unmapped=0,count=1", NULL);
        g_free(object_property_get_str(obj, "x-microbench", NULL));
        g_free(object_property_get_str(obj, "state", NULL));
    }
    if (!realize_child(dev, "fuzz-dart")) {
        return;
    }
    hf.dart = APPLE_DART(dev);

    /* a first look, so that an input of one operation does something */
    str = object_property_get_str(obj, "state", &error_abort);
    g_free(str);
    invalidate_checked(hf.dart, dart_streams(hf.dart) - 1);
}

/* REALIZE_DISPLAY: a display engine, scanning out through a DART stream */
typedef struct QEMU_PACKED RealizeDisplayOp {
    uint8_t set;                /* RV_* */
    uint8_t dart;
    uint16_t stream;
    uint16_t width;
    uint16_t height;
    uint32_t stride;
    uint64_t iova;
    uint16_t refresh;
} RealizeDisplayOp;

#define RV_DMA          BIT(0)
#define RV_WIDTH        BIT(1)
#define RV_HEIGHT       BIT(2)
#define RV_STRIDE       BIT(3)
#define RV_IOVA         BIT(4)
#define RV_REFRESH      BIT(5)

/*
 * A width or height: one realize refuses as it is, one it accepts made
 * small. A large mode costs a large surface and its scan-out every
 * frame, and its limit is checked by the values just past it.
 */
static uint32_t display_dim(uint16_t v)
{
    if (v < APPLE_VIRT_DISPLAY_MIN_DIM || v > APPLE_VIRT_DISPLAY_MAX_DIM) {
        return v;
    }
    return APPLE_VIRT_DISPLAY_MIN_DIM + v % 241;
}

static void op_realize_display(Input *in)
{
    RealizeDisplayOp op;
    DeviceState *dev;
    Object *obj;
    unsigned sid;

    if (!take(in, &op, sizeof(op))) {
        return;
    }
    destroy_display();
    dev = qdev_new(TYPE_APPLE_VIRT_DISPLAY);
    obj = OBJECT(dev);
    if (op.set & RV_DMA) {
        /*
         * Through one of the machine's DARTs only: the input's own may
         * be destroyed first, and with it the stream under the display.
         */
        AppleDARTState *s = hf.darts[op.dart % hf.num_darts];

        if (pick_stream(s, le16_to_cpu(op.stream), &sid)) {
            object_property_set_link(obj, "dma",
                                     OBJECT(apple_dart_stream_mr(s, sid)),
                                     &error_abort);
        }
    }
    if (op.set & RV_WIDTH) {
        set_uint(obj, "width", display_dim(le16_to_cpu(op.width)));
    }
    if (op.set & RV_HEIGHT) {
        set_uint(obj, "height", display_dim(le16_to_cpu(op.height)));
    }
    if (op.set & RV_STRIDE) {
        set_uint(obj, "stride", le32_to_cpu(op.stride));
    }
    if (op.set & RV_IOVA) {
        set_uint(obj, "iova", le64_to_cpu(op.iova));
    }
    if ((op.set & RV_REFRESH) && object_property_find(obj, "refresh-rate")) {
        set_uint(obj, "refresh-rate", le16_to_cpu(op.refresh));
    }
    if (realize_child(dev, "fuzz-display")) {
        hf.own_display = dev;
    }
}

/*
 * The QOM properties
 */

/* INJECT_FAULT: a fault spec, well-formed or not; or raw bytes */
typedef struct QEMU_PACKED InjectFaultOp {
    uint8_t dart;
    uint8_t raw;                /* odd: a string (take_string()) follows */
    uint16_t stream;
    uint8_t kind;
    uint64_t iova;
} InjectFaultOp;

static void op_inject_fault(Input *in)
{
    InjectFaultOp op;
    char *spec;

    if (!take(in, &op, sizeof(op))) {
        return;
    }
    if (op.raw & 1) {
        spec = take_string(in);
        if (!spec) {
            return;
        }
    } else {
        spec = g_strdup_printf("stream=%u,iova=0x%" PRIx64 ",fault=%s",
                               le16_to_cpu(op.stream), le64_to_cpu(op.iova),
                               fault_kinds[op.kind %
                                           ARRAY_SIZE(fault_kinds)]);
    }
    object_property_set_str(OBJECT(pick_dart(op.dart)), "inject-fault", spec,
                            NULL);
    g_free(spec);
}

/* STATE: the JSON dump */
static void op_state(Input *in)
{
    uint8_t dart;

    if (take(in, &dart, 1)) {
        g_free(object_property_get_str(OBJECT(pick_dart(dart)), "state",
                                       &error_abort));
    }
}

/*
 * MICROBENCH: the benchmark, with a spec of one of these forms. All set
 * "count": without one it runs 10^5 times, seconds for one input, and
 * a count of 10^8, which it accepts, far longer.
 */
typedef enum BenchForm {
    BENCH_RUN,                  /* a small count on a stream */
    BENCH_COUNT_ZERO,
    BENCH_COUNT_HUGE,           /* above its limit */
    BENCH_NO_STREAM,            /* past the DART's streams */
    BENCH_MISSING_KEY,
    BENCH_EXTRA_KEY,
    BENCH_NOT_A_NUMBER,
    BENCH__MAX,
} BenchForm;

typedef struct QEMU_PACKED MicrobenchOp {
    uint8_t dart;
    uint8_t form;               /* modulo BENCH__MAX */
    uint16_t stream;
    uint8_t count;
    uint64_t iova;
    uint64_t unmapped;
} MicrobenchOp;

static void op_microbench(Input *in)
{
    MicrobenchOp op;
    AppleDARTState *s;
    Object *obj;
    unsigned sid = 0;
    uint64_t iova, unmapped;
    unsigned count;
    char *spec;

    if (!take(in, &op, sizeof(op))) {
        return;
    }
    s = pick_dart(op.dart);
    obj = OBJECT(s);
    iova = le64_to_cpu(op.iova);
    unmapped = le64_to_cpu(op.unmapped);
    count = 1 + op.count % HF_MAX_BENCH_COUNT;
    switch (op.form % BENCH__MAX) {
    case BENCH_RUN:
        if (!pick_stream(s, le16_to_cpu(op.stream), &sid)) {
            return;
        }
        break;
    case BENCH_COUNT_ZERO:
        count = 0;
        break;
    case BENCH_COUNT_HUGE:
        count = 100000001;
        break;
    case BENCH_NO_STREAM:
        sid = dart_streams(s) + le16_to_cpu(op.stream);
        break;
    }
    switch (op.form % BENCH__MAX) {
    case BENCH_MISSING_KEY:
        spec = g_strdup_printf("stream=0,iova=0x%" PRIx64 ",count=%u", iova,
                               count);
        break;
    case BENCH_EXTRA_KEY:
        spec = g_strdup_printf("stream=0,iova=0x%" PRIx64 ",unmapped=0x%"
                               PRIx64 ",count=%u,x=1", iova, unmapped, count);
        break;
    case BENCH_NOT_A_NUMBER:
        spec = g_strdup_printf("stream=s,iova=0x%" PRIx64 ",unmapped=0x%"
                               PRIx64 ",count=%u", iova, unmapped, count);
        break;
    default:
        spec = g_strdup_printf("stream=%u,iova=0x%" PRIx64 ",unmapped=0x%"
                               PRIx64 ",count=%u", sid, iova, unmapped,
                               count);
    }
    object_property_set_str(obj, "x-microbench", spec, NULL);
    g_free(spec);
    g_free(object_property_get_str(obj, "x-microbench", &error_abort));
}

/*
 * UI: what a user interface asks of a display engine's console: a
 * whole new picture (a console switch, a new window), and its refresh
 * (a display's timer, screendump). Under qtest there is none to ask.
 */
typedef struct QEMU_PACKED UiOp {
    uint8_t display;            /* the machine's, then the input's own */
    uint8_t what;               /* UI_* */
} UiOp;

#define UI_INVALIDATE   BIT(0)
#define UI_UPDATE       BIT(1)

static void op_ui(Input *in)
{
    UiOp op;
    DeviceState *devs[] = { hf.display, hf.own_display };
    DeviceState *dev;
    QemuConsole *con;

    if (!take(in, &op, sizeof(op))) {
        return;
    }
    dev = devs[op.display % ARRAY_SIZE(devs)];
    if (!dev) {
        return;
    }
    /*
     * (not qemu_console_lookup_by_device(), which aborts on the way at
     * a text console: those have no device)
     */
    con = APPLE_VIRT_DISPLAY(dev)->con;
    if (op.what & UI_INVALIDATE) {
        graphic_hw_invalidate(con);
    }
    if (op.what & UI_UPDATE) {
        graphic_hw_update(con);
    }
}

/* FIRMWARE: what apple-virt's firmware left in the DARTs */
static void op_firmware(Input *in)
{
    Object *machine = qdev_get_machine();

    if (object_property_find(machine, "dart-firmware")) {
        g_free(object_property_get_str(machine, "dart-firmware",
                                       &error_abort));
    }
}

/*
 * Migration
 */

/*
 * MIGRATE: save a device's state, damage it (MigrateFlip) and load it
 * back into the same device: into the live machine's devices too, as
 * QEMU's vmstate code refuses a stream it cannot parse without
 * aborting, and what it accepts is for the device's own checks.
 */
typedef struct QEMU_PACKED MigrateOp {
    uint8_t target;             /* a DART, or past them a display engine */
    uint8_t flips;              /* modulo HF_MAX_FLIPS + 1 */
    uint16_t len;               /* if not 0 and below its size, load that */
} MigrateOp;

typedef struct QEMU_PACKED MigrateFlip {
    uint16_t offset;            /* modulo the state's size */
    uint8_t xor;
} MigrateFlip;

static void op_migrate(Input *in)
{
    MigrateOp op;
    MigrateFlip flip;
    DeviceState *devs[HF_MAX_DARTS + 3];
    unsigned n = 0;
    DeviceState *dev;
    const VMStateDescription *vmsd;
    QIOChannelBuffer *bioc;
    QEMUFile *f;
    g_autofree uint8_t *buf = NULL;
    size_t len;

    if (!take(in, &op, sizeof(op))) {
        return;
    }
    for (unsigned i = 0; i < hf.num_darts; i++) {
        devs[n++] = DEVICE(hf.darts[i]);
    }
    if (hf.dart) {
        devs[n++] = DEVICE(hf.dart);
    }
    if (hf.display) {
        devs[n++] = hf.display;
    }
    if (hf.own_display) {
        devs[n++] = hf.own_display;
    }
    dev = devs[op.target % n];
    vmsd = DEVICE_GET_CLASS(dev)->vmsd;

    bioc = qio_channel_buffer_new(4096);
    f = qemu_file_new_output(QIO_CHANNEL(bioc));
    g_assert_cmpint(apple_vmstate_save(f, vmsd, dev, &error_abort), ==, 0);
    /* what follows a device in a stream: its end, here */
    qemu_put_byte(f, QEMU_VM_EOF);
    g_assert_cmpint(qemu_fflush(f), ==, 0);
    len = bioc->usage;
    buf = g_memdup2(bioc->data, len);
    qemu_fclose(f);
    object_unref(OBJECT(bioc));

    for (unsigned i = 0; i < op.flips % (HF_MAX_FLIPS + 1); i++) {
        if (!take(in, &flip, sizeof(flip))) {
            return;
        }
        buf[le16_to_cpu(flip.offset) % len] ^= flip.xor;
    }
    if (op.len && le16_to_cpu(op.len) < len) {
        len = le16_to_cpu(op.len);
    }

    bioc = qio_channel_buffer_new(len);
    qio_channel_write_all(QIO_CHANNEL(bioc), (char *)buf, len, &error_abort);
    qio_channel_io_seek(QIO_CHANNEL(bioc), 0, SEEK_SET, &error_abort);
    f = qemu_file_new_input(QIO_CHANNEL(bioc));
    apple_vmstate_load(f, vmsd, dev, vmsd->version_id, NULL);
    qemu_fclose(f);
    object_unref(OBJECT(bioc));
}

/*
 * IOMMU notifiers
 */

/* NOTIFY: (re)register notifier @slot on a stream, or unregister it */
typedef struct QEMU_PACKED NotifyOp {
    uint8_t dart;
    uint16_t stream;
    uint8_t slot;
    uint8_t flags;              /* modulo 8; 0 unregisters only */
    uint64_t start;
    uint64_t len;               /* the range ends at start + len, or 2^64 */
} NotifyOp;

static void op_notify(Input *in)
{
    NotifyOp op;
    HostNotifier *hn;
    AppleDARTState *s;
    hwaddr start, end;
    unsigned sid;

    if (!take(in, &op, sizeof(op))) {
        return;
    }
    hn = &hf.notifiers[op.slot % HF_NOTIFIERS];
    notifier_del(hn);
    s = pick_dart(op.dart);
    if (!(op.flags % 8) || !pick_stream(s, le16_to_cpu(op.stream), &sid)) {
        return;
    }
    start = le64_to_cpu(op.start);
    end = start + le64_to_cpu(op.len);
    if (end < start) {
        end = UINT64_MAX;
    }
    iommu_notifier_init(&hn->n, host_notify, op.flags % 8, start, end, 0);
    /* only UNMAP is supported: a MAP or DEVIOTLB notifier is refused */
    if (memory_region_register_iommu_notifier(apple_dart_stream_mr(s, sid),
                                              &hn->n, NULL) == 0) {
        hn->mr = apple_dart_stream_mr(s, sid);
        hn->dart = s;
        hn->sid = sid;
    }
}

/*
 * Registers, tables, DMA
 */

/* MMIO_WRITE, MMIO_READ: a register of a DART */
typedef struct QEMU_PACKED MmioOp {
    uint8_t dart;
    uint16_t offset;            /* modulo the DART's size, 4-aligned */
    uint32_t val;
} MmioOp;

static bool take_mmio(Input *in, AppleDARTState **s, hwaddr *offset,
                      uint32_t *val)
{
    MmioOp op;

    if (!take(in, &op, sizeof(op))) {
        return false;
    }
    *s = pick_dart(op.dart);
    *offset = (le16_to_cpu(op.offset) % APPLE_DART_MMIO_SIZE) & ~3;
    *val = le32_to_cpu(op.val);
    return true;
}

static void op_mmio_write(Input *in)
{
    AppleDARTState *s;
    hwaddr offset;
    uint32_t val;

    if (take_mmio(in, &s, &offset, &val)) {
        mmio_write(s, offset, val);
    }
}

static void op_mmio_read(Input *in)
{
    AppleDARTState *s;
    hwaddr offset;
    uint32_t val;

    if (take_mmio(in, &s, &offset, &val)) {
        mmio_read(s, offset);
    }
}

/*
 * MAP: map an IOVA of a stream to a page of the pool, through tables
 * that are pages of the pool too, picked by the input: tables may be
 * shared, or name each other, or the leaf page. With MAP_ATTACH the
 * stream is then pointed at them and enabled, through the registers.
 */
typedef struct QEMU_PACKED MapOp {
    uint8_t dart;
    uint16_t stream;
    uint8_t flags;              /* MAP_* */
    uint8_t table[3];           /* top table first */
    uint8_t leaf;
    uint16_t subpage;           /* the window's end, with MAP_SUBPAGE */
    uint64_t iova;
} MapOp;

#define MAP_NO_READ     BIT(0)
#define MAP_NO_WRITE    BIT(1)
#define MAP_ATTACH      BIT(2)
#define MAP_INVALIDATE  BIT(3)
#define MAP_SUBPAGE     BIT(4)

static hwaddr pool_page(const AppleDARTGeometry *geo, uint8_t i)
{
    return hf.pool + ((hwaddr)(i % HF_POOL_PAGES) << geo->page_shift);
}

static void pool_write(hwaddr addr, uint64_t pte)
{
    uint64_t le = cpu_to_le64(pte);

    address_space_write(&address_space_memory, addr, MEMTXATTRS_UNSPECIFIED,
                        &le, sizeof(le));
    hf.pool_dirty = true;
}

static void dart_attach(AppleDARTState *s, unsigned sid, unsigned idx,
                        hwaddr table)
{
    const AppleDARTGeometry *geo = apple_dart_geometry(s);
    const AppleDARTRegMap *r = geo->gen->regs;

    mmio_write(s, apple_dart_ttbr_offset(geo, sid, idx),
               apple_dart_ttbr_encode(geo, table));
    mmio_write(s, apple_dart_tcr_offset(geo, sid),
               apple_dart_tcr_translate(geo));
    if (r->id == APPLE_DART_LAYOUT_T8020) {
        mmio_write(s, A_T8020_STREAMS_ENABLE,
                   mmio_read(s, A_T8020_STREAMS_ENABLE) | BIT(sid % 32));
    } else {
        mmio_write(s, A_T8110_ENABLE_STREAMS + 4 * (sid / 32), BIT(sid % 32));
    }
}

static void op_map(Input *in)
{
    MapOp op;
    AppleDARTState *s;
    const AppleDARTGeometry *geo;
    uint64_t iova, leaf;
    hwaddr table;
    unsigned sid, idx;

    if (!take(in, &op, sizeof(op))) {
        return;
    }
    s = pick_dart(op.dart);
    geo = apple_dart_geometry(s);
    sid = le16_to_cpu(op.stream) % geo->num_streams;
    iova = le64_to_cpu(op.iova);
    idx = apple_dart_ttbr_index(geo, iova);
    if (idx >= geo->gen->ttbrs_per_stream) {
        return;
    }
    table = pool_page(geo, op.table[0]);
    for (int level = geo->levels - 1; level > 0; level--) {
        hwaddr next = pool_page(geo, op.table[geo->levels - level]);

        pool_write(table + 8 * apple_dart_pt_index(geo, iova, level),
                   apple_dart_table_pte(geo, next));
        table = next;
    }
    leaf = apple_dart_leaf_pte(geo, pool_page(geo, op.leaf),
                               op.flags & MAP_NO_READ,
                               op.flags & MAP_NO_WRITE);
    if (op.flags & MAP_SUBPAGE) {
        /* a window from the IOVA's unit of the page to @subpage */
        uint64_t unit = (iova >> (geo->page_shift - 12)) & 0xfff;

        leaf = apple_dart_pte_subpage(leaf, unit, le16_to_cpu(op.subpage));
    }
    pool_write(table + 8 * apple_dart_pt_index(geo, iova, 0), leaf);
    if (op.flags & MAP_ATTACH) {
        dart_attach(s, sid, idx, pool_page(geo, op.table[0]));
    }
    if (op.flags & MAP_INVALIDATE) {
        invalidate_checked(s, sid);
    }
}

/*
 * FILL: every entry of a pool page at once, which MAP's one entry at a
 * time cannot do: tables full of entries that name one table, leaf
 * tables full of pages, contiguous or apart. The state dump's walk of
 * those is what bounds its work.
 */
typedef enum FillKind {
    FILL_RAW,                   /* @raw in every entry */
    FILL_TABLES,                /* each names pool page @target */
    FILL_LEAVES,                /* contiguous pages from pool page @target */
    FILL_LEAVES_APART,          /* every other page from there */
    FILL__MAX,
} FillKind;

typedef struct QEMU_PACKED FillOp {
    uint8_t dart;               /* whose PTE format and page size */
    uint8_t page;
    uint8_t kind;               /* modulo FILL__MAX */
    uint8_t target;
    uint64_t raw;
} FillOp;

static void op_fill(Input *in)
{
    FillOp op;
    const AppleDARTGeometry *geo;
    hwaddr target, page_size;
    unsigned entries;
    g_autofree uint64_t *pte = NULL;

    if (!take(in, &op, sizeof(op))) {
        return;
    }
    geo = apple_dart_geometry(pick_dart(op.dart));
    page_size = 1ull << geo->page_shift;
    entries = page_size / sizeof(*pte);
    target = pool_page(geo, op.target);
    pte = g_new(uint64_t, entries);
    for (unsigned i = 0; i < entries; i++) {
        switch (op.kind % FILL__MAX) {
        case FILL_RAW:
            pte[i] = le64_to_cpu(op.raw);
            break;
        case FILL_TABLES:
            pte[i] = apple_dart_table_pte(geo, target);
            break;
        case FILL_LEAVES:
            pte[i] = apple_dart_leaf_pte(geo, target + i * page_size,
                                         false, false);
            break;
        case FILL_LEAVES_APART:
            pte[i] = apple_dart_leaf_pte(geo, target + 2 * i * page_size,
                                         false, false);
            break;
        }
        pte[i] = cpu_to_le64(pte[i]);
    }
    address_space_write(&address_space_memory, pool_page(geo, op.page),
                        MEMTXATTRS_UNSPECIFIED, pte, page_size);
    hf.pool_dirty = true;
}

/* API: what the machine and the model's own tools call */
typedef enum ApiCall {
    API_GEOMETRY,
    API_STREAM_AS,
    API_STREAM_MR,
    API_INVALIDATE,
    API_IS_LOCKED,
    API_MODE_NAME,
    API_PERM_NAME,
    API_MIN_PAGE_SIZE,
    API_TRANSLATE,
    API_DMA_READ,
    API__MAX,
} ApiCall;

typedef struct QEMU_PACKED ApiOp {
    uint8_t dart;
    uint8_t call;               /* modulo API__MAX */
    uint16_t stream;
    uint8_t perm;
    uint64_t iova;
    uint16_t len;
} ApiOp;

/*
 * What the memory core takes for granted of an IOMMU's answer: a
 * power-of-two sized, aligned range, whatever the tables say.
 */
static void check_tlb_entry(const IOMMUTLBEntry *e)
{
    g_assert_cmphex(e->addr_mask & (e->addr_mask + 1), ==, 0);
    g_assert_cmphex(e->iova & e->addr_mask, ==, 0);
    if (e->perm != IOMMU_NONE) {
        g_assert_cmphex(e->translated_addr & e->addr_mask, ==, 0);
    }
}

static void op_api(Input *in)
{
    static uint8_t buf[HF_MAX_DMA];
    ApiOp op;
    AppleDARTState *s;
    const AppleDARTGeometry *geo;
    IOMMUMemoryRegion *iommu;
    IOMMUTLBEntry e;
    unsigned sid;

    if (!take(in, &op, sizeof(op))) {
        return;
    }
    s = pick_dart(op.dart);
    geo = apple_dart_geometry(s);
    /* (the calls that create no stream take any) */
    sid = le16_to_cpu(op.stream) % geo->num_streams;
    switch (op.call % API__MAX) {
    case API_GEOMETRY:
        g_assert(geo->levels == 2 || geo->levels == 3);
        return;
    case API_INVALIDATE:
        invalidate_checked(s, sid);
        return;
    case API_IS_LOCKED:
        apple_dart_is_locked(s);
        return;
    case API_MODE_NAME:
        g_assert(apple_dart_stream_mode_name(s, sid));
        return;
    case API_PERM_NAME:
        g_assert(apple_dart_perm_name(op.perm));
        return;
    }
    if (!pick_stream(s, le16_to_cpu(op.stream), &sid)) {
        return;
    }
    iommu = IOMMU_MEMORY_REGION(apple_dart_stream_mr(s, sid));
    switch (op.call % API__MAX) {
    case API_STREAM_AS:
        g_assert(apple_dart_stream_as(s, sid)->root == MEMORY_REGION(iommu));
        break;
    case API_STREAM_MR:
        g_assert(apple_dart_stream_mr(s, sid) == MEMORY_REGION(iommu));
        break;
    case API_MIN_PAGE_SIZE:
        g_assert_cmpuint(memory_region_iommu_get_min_page_size(iommu), ==,
                         1ull << geo->page_shift);
        break;
    case API_TRANSLATE:
        e = IOMMU_MEMORY_REGION_GET_CLASS(iommu)->translate(
            iommu, le64_to_cpu(op.iova), op.perm & IOMMU_RW, 0);
        check_tlb_entry(&e);
        break;
    case API_DMA_READ:
        /*
         * Reads only: a write through a bypassed stream could land
         * anywhere in RAM, and later inputs would find it there.
         */
        address_space_read(apple_dart_stream_as(s, sid),
                           le64_to_cpu(op.iova), MEMTXATTRS_UNSPECIFIED, buf,
                           le16_to_cpu(op.len) % (HF_MAX_DMA + 1));
        break;
    }
}

/* RESET: a cold reset of a DART */
static void op_reset(Input *in)
{
    uint8_t dart;

    if (take(in, &dart, 1)) {
        device_cold_reset(DEVICE(pick_dart(dart)));
    }
}

/*
 * CLOCK: advance virtual time, which runs the timers due (the display
 * engine's frames, DMA of the machine's devices). A step by a given
 * amount is always possible, unlike generic-fuzz's step to the next
 * deadline, which fails when no timer is pending; but not by 0 ns,
 * which qtest answers FAIL, and libqtest asserts.
 */
static void op_clock(QTestState *qts, Input *in)
{
    uint32_t ns;

    if (take(in, &ns, sizeof(ns))) {
        qtest_clock_step(qts, 1 + le32_to_cpu(ns) % HF_MAX_STEP_NS);
    }
}

/*
 * The target
 */

static int collect_devices(Object *obj, void *opaque)
{
    if (object_dynamic_cast(obj, TYPE_APPLE_DART) &&
        hf.num_darts < HF_MAX_DARTS) {
        hf.darts[hf.num_darts++] = APPLE_DART(obj);
    } else if (object_dynamic_cast(obj, TYPE_APPLE_VIRT_DISPLAY) &&
               !hf.display) {
        hf.display = DEVICE(obj);
    }
    return 0;
}

static int compare_paths(const void *a, const void *b)
{
    g_autofree char *pa = object_get_canonical_path(*(Object *const *)a);
    g_autofree char *pb = object_get_canonical_path(*(Object *const *)b);

    return strcmp(pa, pb);
}

static void host_pre_fuzz(QTestState *qts)
{
    MachineState *ms = MACHINE(qdev_get_machine());

    object_child_foreach_recursive(OBJECT(ms), collect_devices, NULL);
    if (!hf.num_darts) {
        fprintf(stderr, "apple-dart-host: the machine has no DART;"
                " QEMU_FUZZ_ARGS must set one up (-M apple-virt)\n");
        exit(1);
    }
    /* (in the order of their paths, whatever QOM's hash tables say) */
    qsort(hf.darts, hf.num_darts, sizeof(hf.darts[0]), compare_paths);
    g_assert(ms->ram && memory_region_size(ms->ram) >=
             HF_POOL_OFFSET + HF_POOL_SIZE);
    hf.pool = ms->ram->addr + HF_POOL_OFFSET;
}

/* Undo what the input did: none of it may reach the next input. */
static void host_cleanup(void)
{
    notifiers_del(NULL);
    destroy_display();
    destroy_dart();
    if (hf.destroyed) {
        drain_call_rcu();
        hf.destroyed = false;
    }
    if (hf.pool_dirty) {
        address_space_set(&address_space_memory, hf.pool, 0, HF_POOL_SIZE,
                          MEMTXATTRS_UNSPECIFIED);
        hf.pool_dirty = false;
    }
}

static void host_fuzz(QTestState *qts, const unsigned char *data,
                      size_t size)
{
    Input in = { .p = data, .left = size };
    uint8_t op;

    while (take(&in, &op, 1)) {
        switch (op % OP__MAX) {
        case OP_REALIZE_DART:
            op_realize_dart(&in);
            break;
        case OP_REALIZE_DISPLAY:
            op_realize_display(&in);
            break;
        case OP_INJECT_FAULT:
            op_inject_fault(&in);
            break;
        case OP_STATE:
            op_state(&in);
            break;
        case OP_MICROBENCH:
            op_microbench(&in);
            break;
        case OP_MIGRATE:
            op_migrate(&in);
            break;
        case OP_NOTIFY:
            op_notify(&in);
            break;
        case OP_MMIO_WRITE:
            op_mmio_write(&in);
            break;
        case OP_MMIO_READ:
            op_mmio_read(&in);
            break;
        case OP_API:
            op_api(&in);
            break;
        case OP_CLOCK:
            op_clock(qts, &in);
            break;
        case OP_MAP:
            op_map(&in);
            break;
        case OP_RESET:
            op_reset(&in);
            break;
        case OP_FIRMWARE:
            op_firmware(&in);
            break;
        case OP_FILL:
            op_fill(&in);
            break;
        case OP_UI:
            op_ui(&in);
            break;
        }
        flush_events(qts);
    }
    host_cleanup();
    flush_events(qts);
    fuzz_reset(qts);
}

static GString *host_cmdline(FuzzTarget *t)
{
    const char *args = getenv("QEMU_FUZZ_ARGS");
    GString *cmdline = g_string_new(TARGET_NAME);

    g_string_append_printf(cmdline, " -display none -machine accel=qtest"
                           " -m 512M %s", args ? args : "-M apple-virt");
    return cmdline;
}

static void register_apple_dart_host_fuzz_targets(void)
{
    fuzz_add_target(&(FuzzTarget){
        .name = "apple-dart-host",
        .description = "Fuzz the Apple DART's host side (realize,"
                       " QOM properties, migration, IOMMU notifiers) on"
                       " the machine QEMU_FUZZ_ARGS sets up (apple-virt)",
        .get_init_cmdline = host_cmdline,
        .pre_fuzz = host_pre_fuzz,
        .fuzz = host_fuzz,
    });
}

fuzz_target_init(register_apple_dart_host_fuzz_targets);
