/*
 * dmabench: O_DIRECT block I/O for the DMA benchmark (make bench)
 *
 * Copyright (c) 2026 The apple-dart QEMU model authors
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 *
 *   dmabench read|write BLOCK_BYTES SECONDS DEV...
 *   dmabench mmio ADDRESS SECONDS
 *
 * Each DEV gets its own process, which reads or writes it sequentially
 * with O_DIRECT in blocks of BLOCK_BYTES (wrapping at its end) for
 * SECONDS; all start together. Busybox dd has no O_DIRECT and
 * /proc/uptime counts in 10 ms, hence this program, timed with
 * CLOCK_MONOTONIC. It prints
 *
 *   CHECK bench-io OP BLOCK_BYTES DEVICES BYTES NANOSECONDS
 *
 * where BYTES is the sum over the devices and NANOSECONDS the time from
 * the common start to the last one's end. "mmio" reads the 32-bit device
 * register at physical ADDRESS through /dev/mem in a loop instead, the
 * cost of a guest's MMIO access (an IOMMU's invalidation protocol is
 * made of them), and prints "CHECK bench-io mmio ADDRESS 1 READS NS".
 *
 *   dmabench map PAGES SECONDS PCI_DEVICE
 *
 * binds the PCI device (a sysfs path; one without a driver, such as edu)
 * to the kernel's dma_map_benchmark driver (CONFIG_DMA_MAP_BENCHMARK) and
 * has one kernel thread map and unmap PAGES pages with dma_map_single()
 * for SECONDS: the guest's own cost of one streaming mapping, IOMMU
 * driver and invalidations included. It prints
 *
 *   CHECK bench-map PAGES MAP_NS UNMAP_NS
 *
 * the mean latency of one map and one unmap (the kernel counts in units
 * of 100 ns).
 *
 *   dmabench get BLOCK_BYTES DEV      (the whole device to stdout)
 *   dmabench put BLOCK_BYTES DEV      (stdin to the device, then fsync)
 *
 * copy with O_DIRECT, each block through the next BLOCK_BYTES of a 4 MiB
 * buffer: every I/O maps other pages, at IOVAs the previous ones just
 * gave back, which is what shows a driver's missing TLB invalidation
 * (the Linux boot tests check the bytes with sha256sum).
 */

#define _GNU_SOURCE
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define ALIGN (64 * 1024)
#define MAX_DEVS 16

static uint64_t now_ns(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + ts.tv_nsec;
}

static void die(const char *what, const char *dev)
{
    fprintf(stderr, "dmabench: %s %s: ", what, dev);
    perror(NULL);
    exit(1);
}

/* One device's run: wait for @start, then I/O until @ns; bytes to @out */
static void run_one(const char *dev, int write_op, size_t bs, uint64_t ns,
                    int start, int out)
{
    int fd = open(dev, (write_op ? O_WRONLY : O_RDONLY) | O_DIRECT);
    uint64_t size, done = 0, t0;
    off_t off = 0;
    void *buf;
    char go;

    if (fd < 0) {
        die("open", dev);
    }
    size = lseek(fd, 0, SEEK_END);
    if (size < bs || posix_memalign(&buf, ALIGN, bs)) {
        die("size or memory for", dev);
    }
    memset(buf, 0xa5, bs);
    if (read(start, &go, 1) < 0) {
        die("start", dev);
    }
    t0 = now_ns();
    do {
        ssize_t n = write_op ? pwrite(fd, buf, bs, off) :
                               pread(fd, buf, bs, off);

        if (n != (ssize_t)bs) {
            die(write_op ? "write" : "read", dev);
        }
        done += bs;
        off += bs;
        if (off + bs > size) {
            off = 0;
        }
    } while (now_ns() - t0 < ns);
    if (write(out, &done, sizeof(done)) != sizeof(done)) {
        die("report", dev);
    }
    exit(0);
}

static int run_mmio(const char *addr_str, double seconds)
{
    uint64_t addr, reads = 0, t0, t1;
    uint64_t page = ALIGN;  /* a multiple of any page size */
    int fd = open("/dev/mem", O_RDWR | O_SYNC);
    volatile uint32_t *reg; /* volatile: every read is an MMIO access */
    void *map;

    if (sscanf(addr_str, "%" SCNx64, &addr) != 1 || fd < 0) {
        die("open /dev/mem for", addr_str);
    }
    map = mmap(NULL, page, PROT_READ, MAP_SHARED, fd, addr & ~(page - 1));
    if (map == MAP_FAILED) {
        die("mmap", addr_str);
    }
    reg = (uint32_t *)((char *)map + (addr & (page - 1)));
    t0 = now_ns();
    do {
        for (int i = 0; i < 1000; i++) {
            (void)*reg;
        }
        reads += 1000;
        t1 = now_ns();
    } while (t1 - t0 < seconds * 1e9);
    printf("CHECK bench-io mmio %s 1 %" PRIu64 " %" PRIu64 "\n", addr_str,
           reads, t1 - t0);
    return 0;
}

/*
 * The argument of kernel/dma/map_benchmark.c's ioctl, laid out as in
 * Linux 7.2's include/uapi/linux/map_benchmark.h (136 bytes, map_mode
 * last); the cross toolchain's kernel headers do not have that file.
 */
struct dma_map_bench {
    uint64_t avg_map_100ns, map_stddev, avg_unmap_100ns, unmap_stddev;
    uint32_t threads, seconds;
    int32_t node;
    uint32_t dma_bits, dma_dir, dma_trans_ns, granule;
    uint8_t map_mode;
    uint8_t expansion[75];
};
_Static_assert(sizeof(struct dma_map_bench) == 136, "ioctl layout");
#define DMA_MAP_BENCH_IOCTL _IOWR('d', 1, struct dma_map_bench)
#define DMA_MAP_BENCH_PATH "/sys/kernel/debug/dma_map_benchmark"

#define COPY_BUF (4 * 1024 * 1024)

/* read(2) or write(2) all of @len, or die */
static void xfer_all(int fd, char *p, size_t len, int write_op,
                     const char *what)
{
    while (len) {
        ssize_t n = write_op ? write(fd, p, len) : read(fd, p, len);

        if (n <= 0) {
            die(write_op ? "write" : "read", what);
        }
        p += n;
        len -= n;
    }
}

static int run_copy(int put, const char *bs_str, const char *dev)
{
    size_t bs = 0, off = 0;
    int fd;
    char *buf;

    if (sscanf(bs_str, "%zu", &bs) != 1 || !bs || bs % 4096 ||
        COPY_BUF % bs) {
        fprintf(stderr, "dmabench: block size %s: a multiple of 4096 that"
                " divides 4 MiB\n", bs_str);
        return 2;
    }
    fd = open(dev, (put ? O_WRONLY : O_RDONLY) | O_DIRECT);
    if (fd < 0) {
        die("open", dev);
    }
    buf = aligned_alloc(ALIGN, COPY_BUF);
    if (!buf) {
        die("alloc", dev);
    }
    memset(buf, 0, COPY_BUF);           /* every page faulted in */
    for (;;) {
        char *p = buf + off;
        ssize_t n;

        if (put) {
            n = read(0, p, bs);
            if (n < 0) {
                die("read", "stdin");
            }
            if (n == 0) {
                break;
            }
            if (n < (ssize_t)bs) {      /* stdin is a pipe: fill the block */
                xfer_all(0, p + n, bs - n, 0, "stdin");
            }
            xfer_all(fd, p, bs, 1, dev);
        } else {
            n = read(fd, p, bs);
            if (n < 0) {
                die("read", dev);
            }
            if (n == 0) {
                break;
            }
            xfer_all(1, p, n, 1, "stdout");
        }
        off = (off + bs) % COPY_BUF;
    }
    if (put && fsync(fd)) {
        die("fsync", dev);
    }
    close(fd);
    return 0;
}

static void write_file(const char *path, const char *text)
{
    int fd = open(path, O_WRONLY);

    if (fd < 0 || write(fd, text, strlen(text)) != (ssize_t)strlen(text)) {
        die("write to", path);
    }
    close(fd);
}

static int run_map(const char *pages, double seconds, const char *dev)
{
    struct dma_map_bench b = {
        .threads = 1, .seconds = seconds, .node = -1, .dma_bits = 48,
        .dma_dir = 0 /* bidirectional */, .granule = atoi(pages),
    };
    const char *slot = strrchr(dev, '/');   /* e.g. 0000:00:08.0 */
    char path[256];
    int fd;

    if (access(DMA_MAP_BENCH_PATH, F_OK)) {
        mount("debugfs", "/sys/kernel/debug", "debugfs", 0, NULL);
        snprintf(path, sizeof(path), "%s/driver_override", dev);
        write_file(path, "dma_map_benchmark");
        write_file("/sys/bus/pci/drivers_probe", slot ? slot + 1 : dev);
    }
    fd = open(DMA_MAP_BENCH_PATH, O_RDWR);
    if (fd < 0 || ioctl(fd, DMA_MAP_BENCH_IOCTL, &b)) {
        die("ioctl", DMA_MAP_BENCH_PATH);
    }
    printf("CHECK bench-map %s %" PRIu64 " %" PRIu64 "\n", pages,
           b.avg_map_100ns * 100, b.avg_unmap_100ns * 100);
    return 0;
}

int main(int argc, char **argv)
{
    int start[2], out[2], ndev = argc - 4, write_op;
    uint64_t bytes = 0, t0, t1;
    double seconds;
    size_t bs;

    if (argc >= 4 && !strcmp(argv[1], "mmio")) {
        return run_mmio(argv[2], strtod(argv[3], NULL));
    }
    if (argc >= 5 && !strcmp(argv[1], "map")) {
        return run_map(argv[2], strtod(argv[3], NULL), argv[4]);
    }
    if (argc == 4 && (!strcmp(argv[1], "get") || !strcmp(argv[1], "put"))) {
        return run_copy(!strcmp(argv[1], "put"), argv[2], argv[3]);
    }
    if (argc < 5 || ndev > MAX_DEVS ||
        (strcmp(argv[1], "read") && strcmp(argv[1], "write"))) {
        fprintf(stderr, "usage: dmabench read|write BLOCK_BYTES SECONDS"
                " DEV...\n       dmabench mmio ADDRESS SECONDS\n"
                "       dmabench map PAGES SECONDS PCI_DEVICE\n"
                "       dmabench get|put BLOCK_BYTES DEV\n");
        return 2;
    }
    write_op = !strcmp(argv[1], "write");
    if (sscanf(argv[2], "%zu", &bs) != 1 ||
        sscanf(argv[3], "%lf", &seconds) != 1 ||
        !bs || bs % 4096 || pipe(start) || pipe(out)) {
        fprintf(stderr, "dmabench: bad block size or no pipes\n");
        return 2;
    }
    for (int i = 0; i < ndev; i++) {
        if (fork() == 0) {
            close(start[1]);
            run_one(argv[4 + i], write_op, bs, seconds * 1e9, start[0],
                    out[1]);
        }
    }
    close(start[0]);
    close(out[1]);
    /* let the children open their devices and fault their buffers in */
    usleep(100000);
    t0 = now_ns();
    close(start[1]);
    for (int i = 0; i < ndev; i++) {
        uint64_t done;

        if (read(out[0], &done, sizeof(done)) != sizeof(done)) {
            fprintf(stderr, "dmabench: a device failed\n");
            return 1;
        }
        bytes += done;
    }
    t1 = now_ns();
    while (wait(NULL) > 0) {
        /* reap */
    }
    printf("CHECK bench-io %s %zu %d %" PRIu64 " %" PRIu64 "\n", argv[1], bs,
           ndev, bytes, t1 - t0);
    return 0;
}
