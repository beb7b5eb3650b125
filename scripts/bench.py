#!/usr/bin/env python3
# make bench: the DART's cost measured three ways (scripts/bench-dma.sh
# builds what this needs and calls it):
#
#   bench.py dma   ...   O_DIRECT reads and writes on virtio-blk through
#                        apple-virt's DART (translate, bypass) and QEMU's
#                        virt (no IOMMU, SMMUv3 translate, passthrough),
#                        configurations alternating, several rounds
#   bench.py scale ...   the DART with 1, 2 and 4 disks at once, 4 KiB
#                        and 16 KiB DART pages, and blocks larger than
#                        the TLB's reach
#   bench.py micro ...   the model's x-microbench on every generation
#   bench.py rst --out D the docs' tables from what the others wrote in D
#
# Each prints a table and writes JSON (and dma.png) into --out.
import argparse
import json
import os
import select
import socket
import statistics
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from qmp import QEMUMonitorProtocol  # noqa: E402  (QEMU's, through qmp.py)

KIB = 1024
MIB = 1024 * KIB
JOBS_ALL = ["read:4096", "read:65536", "read:1048576",
            "write:4096", "write:65536", "write:1048576"]
# PL011 FR on both machines; the DART's command register (T8020 layout)
MMIO_UART = "mmio:0x9000018"
MMIO_DART = "mmio:0x9100020"
# the kernel's dma_map_benchmark on edu: one page (as virtio maps each
# segment) and 1 MiB of 16 KiB pages in one mapping
MAP_JOBS = ["map:1", "map:64"]
EDU_FOR_MAP = ["-device", "edu,addr=8.0"]
DART_STATS = ["stat-walks", "stat-tlb-hits", "stat-invalidations"]
VIRT_IOMMU_PLATFORM = [
    "-global", "virtio-device.iommu_platform=on",
    "-global", "virtio-pci.disable-legacy=on",
]


class Qmp:
    """A QMP connection through QEMU's own Python QMP library (qmp.py
    finds it); events are dropped, errors raise."""

    def __init__(self, path, timeout=30):
        deadline = time.monotonic() + timeout
        while True:
            try:
                self.monitor = QEMUMonitorProtocol(path)
                self.monitor.connect()
                return
            except Exception:       # not listening yet: QEMU is starting
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.05)

    def cmd(self, name, **args):
        return self.monitor.cmd(name, **args)

    def qom_get(self, path, prop):
        return self.cmd("qom-get", path=path, property=prop)

    def close(self):
        try:
            self.monitor.close()
        except EOFError:            # QEMU quit first, as asked
            pass


def connect_unix(path, timeout):
    deadline = time.monotonic() + timeout
    while True:
        sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        try:
            sock.connect(path)
            return sock
        except OSError:
            sock.close()
            if time.monotonic() > deadline:
                raise
            time.sleep(0.05)


def start_qemu(args, work, name, extra):
    """QEMU with a QMP socket; returns (process, qmp socket path)."""
    qmp = os.path.join(work, name + ".qmp")
    for p in (qmp,):
        if os.path.exists(p):
            os.unlink(p)
    cmd = [args.qemu] + extra + [
        "-display", "none", "-nodefaults",
        "-qmp", "unix:%s,server=on,wait=off" % qmp]
    log = open(os.path.join(work, name + ".qemu.log"), "w")
    proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=log,
                            stderr=subprocess.STDOUT)
    return proc, qmp


def stop(proc):
    try:
        proc.wait(timeout=20)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


#
# Guest runs
#

# name: (machine, DART?, kernel arguments, QEMU options)
def machine_config(name, ndisks=1, extra_qemu=(), kernel=None):
    dart = name.startswith("dart")
    append = "iommu.strict=1"
    if name.endswith(("bypass", "passthrough")):
        append += " iommu.passthrough=1"
    if dart:
        machine = "apple-virt"
        qemu = list(extra_qemu)
    else:
        machine = "virt,gic-version=3"
        if name.startswith("smmu"):
            machine += ",iommu=smmuv3"
        qemu = VIRT_IOMMU_PLATFORM + list(extra_qemu)
    for i in range(ndisks):
        qemu += ["-drive", "if=none,id=d%d,format=raw,file=@disk%d@" % (i, i),
                 "-device", "virtio-blk-pci,addr=%d.0,drive=d%d" % (4 + i, i)]
    return {"machine": machine, "dart": dart, "append": append,
            "qemu": qemu, "ndisks": ndisks, "kernel": kernel}


def cpu_seconds(pid):
    """User and system CPU time of process @pid so far"""
    with open("/proc/%d/stat" % pid) as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def run_guest(args, cfg, jobs, name):
    """Boot, run @jobs in the guest; a dict per job with MiB/s and stats."""
    work = args.out
    serial = os.path.join(work, name + ".serial")
    if os.path.exists(serial):
        os.unlink(serial)
    qemu = list(cfg["qemu"])
    for i, disk in enumerate(args.disks):
        qemu = [a.replace("@disk%d@" % i, disk) for a in qemu]
    append = ("console=ttyAMA0 panic=-1 apple_virt.test=bench %s "
              "apple_virt.jobs=%s apple_virt.secs=%s apple_virt.disks=%d" %
              (cfg["append"], ",".join(jobs), args.secs, cfg["ndisks"]))
    proc, qmp_path = start_qemu(args, work, name, [
        "-M", cfg["machine"], "-cpu", "cortex-a76", "-smp", "2", "-m", "1G",
        "-kernel", cfg["kernel"] or args.kernel, "-initrd", args.initrd,
        "-append", append,
        "-chardev", "socket,id=ser,path=%s,server=on,wait=on" % serial,
        "-serial", "chardev:ser"] + qemu)
    con = connect_unix(serial, 30)
    qmp = Qmp(qmp_path)
    log = open(os.path.join(work, name + ".log"), "w")
    results, buf, last = [], b"", None
    deadline = time.monotonic() + 120 + len(jobs) * (args.secs + 10)
    done = False
    while not done and time.monotonic() < deadline:
        r, _, _ = select.select([con], [], [], 1)
        if not r:
            continue
        data = con.recv(65536)
        if not data:
            break
        buf += data
        while b"\n" in buf:
            line, buf = buf.split(b"\n", 1)
            line = line.decode(errors="replace").strip()
            log.write(line + "\n")
            words = line.split()
            if line.startswith("CHECK bench-io "):
                op, bs, ndev, nbytes, ns = words[2:7]
                nbytes, ns = int(nbytes), int(ns)
                # "value": MiB/s, or for mmio ns per register read
                results.append({"job": "%s:%s" % (op, bs), "bytes": nbytes,
                                "ns": ns, "disks": int(ndev),
                                "value": ns / nbytes if op == "mmio" else
                                nbytes / MIB / (ns / 1e9)})
            elif line.startswith("CHECK bench-map "):
                pages, map_ns, unmap_ns = (int(w) for w in words[2:5])
                # "value": ns per map and unmap of PAGES pages
                results.append({"job": "map:%d" % pages, "bytes": 0,
                                "ns": map_ns + unmap_ns,
                                "value": map_ns + unmap_ns,
                                "map_ns": map_ns, "unmap_ns": unmap_ns})
            elif line.startswith("CHECK bench-sync"):
                now = {"cpu": cpu_seconds(proc.pid)}
                if cfg["dart"]:
                    now.update({k: qmp.qom_get("/machine/dart-pcie", k)
                                for k in DART_STATS})
                if last is not None and results:
                    results[-1]["cpu"] = now["cpu"] - last["cpu"]
                    if cfg["dart"]:
                        results[-1].update({k: now[k] - last[k]
                                            for k in DART_STATS})
                last = now
                con.sendall(b"\n")
            elif line.startswith("CHECK end"):
                done = True
    log.close()
    try:
        qmp.cmd("quit")
    except (EOFError, OSError, RuntimeError):
        pass
    qmp.close()
    con.close()
    stop(proc)
    if len(results) != len(jobs):
        print("bench: %s: %d of %d jobs ran, see %s" %
              (name, len(results), len(jobs), log.name), file=sys.stderr)
    return {r["job"]: r for r in results}


def run_rounds(args, configs, label, title):
    """
    Every (name, cfg, jobs) once per round, alternating; returns (and
    writes to LABEL.json) the summary of each configuration's jobs.
    """
    print("%s: %g s per job, %d rounds" % (title, args.secs, args.rounds),
          file=sys.stderr)
    samples = {}
    for rnd in range(args.rounds):
        for name, cfg, jobs in configs:
            t0 = time.monotonic()
            res = run_guest(args, cfg, jobs, "%s-%s-%d" % (label, name, rnd))
            for job, r in res.items():
                samples.setdefault(name, {}).setdefault(job, []).append(r)
            print("  round %d %-22s %5.1f s  %s" % (
                rnd + 1, name, time.monotonic() - t0,
                " ".join("%s=%.0f" % (j, r["value"]) for j, r in res.items())),
                file=sys.stderr, flush=True)
    res = {n: {j: summary(r) for j, r in jobs.items()}
           for n, jobs in samples.items()}
    with open(os.path.join(args.out, label + ".json"), "w") as f:
        json.dump(res, f, indent=1)
    return res


def summary(runs):
    """Median, min and max MiB/s of a list of job results, with stats."""
    mibs = [r["value"] for r in runs]
    out = {"median": statistics.median(mibs), "min": min(mibs),
           "max": max(mibs), "n": len(mibs), "samples": mibs}
    moved = sum(r["bytes"] for r in runs) / MIB
    if not moved:
        return out
    if runs and all("cpu" in r for r in runs):
        # QEMU's CPU time (every thread) per MiB moved
        out["cpu_us_per_mib"] = sum(r["cpu"] for r in runs) * 1e6 / moved
    if runs and "stat-walks" in runs[0]:
        walks = sum(r["stat-walks"] for r in runs)
        hits = sum(r["stat-tlb-hits"] for r in runs)
        out["walks_per_mib"] = walks / moved
        out["translations_per_mib"] = (walks + hits) / moved
        out["invalidations_per_mib"] = sum(r["stat-invalidations"]
                                           for r in runs) / moved
        out["hit_rate"] = hits / (walks + hits) if walks + hits else 0
    return out


def size_name(nbytes):
    if nbytes >= MIB:
        return "%d MiB" % (nbytes // MIB)
    return "%d KiB" % (nbytes // KIB)


def job_name(job):
    op, bs = job.split(":")
    return "%s %s" % (op, size_name(int(bs)))


#
# bench.py dma
#

DMA_CONFIGS = [
    ("dart-translate", "apple-virt, DART translating"),
    ("dart-bypass", "apple-virt, DART bypass"),
    ("virt", "virt, no IOMMU"),
    ("smmu-translate", "virt, SMMUv3 translating"),
    ("smmu-passthrough", "virt, SMMUv3 passthrough"),
]


def cmd_dma(args):
    configs = []
    for n, _ in DMA_CONFIGS:
        if args.only and n not in args.only.split(","):
            continue
        # and the cost of one MMIO read: the UART's, the DART's command
        jobs = JOBS_ALL + [MMIO_UART] + ([MMIO_DART] if "dart" in n else [])
        jobs += MAP_JOBS
        # edu, driverless, for the map jobs: a DART stream like the disks'
        configs.append((n, machine_config(n, extra_qemu=EDU_FOR_MAP),
                        args.jobs.split(",") if args.jobs else jobs))
    res = run_rounds(args, configs, "dma", "DMA through the IOMMU: O_DIRECT"
                     " on one virtio-blk disk, same kernel, disk and QEMU")
    print_dma_table(res)
    plot_dma(res, os.path.join(args.out, "dma.png"))


def cell(res, name, job, base="dart-bypass"):
    s = res.get(name, {}).get(job)
    if not s:
        return "%22s" % "-"
    b = res.get(base, {}).get(job)
    ratio = s["median"] / b["median"] if b else float("nan")
    return "%6.0f (%4.0f-%4.0f) %4.2f" % (s["median"], s["min"], s["max"],
                                         ratio)


def print_dma_table(res):
    print("\nMiB/s: median (min-max) over the rounds, and the median's ratio"
          " to DART bypass")
    for op in ("read", "write"):
        jobs = [j for j in JOBS_ALL if j.startswith(op)]
        print("\n%-30s" % ("O_DIRECT " + op) +
              "".join("%22s" % size_name(int(j.split(":")[1])) for j in jobs))
        for name, title in DMA_CONFIGS:
            print("%-30s" % title + "".join(cell(res, name, j) for j in jobs))
    print("\nQEMU's CPU time (all threads) per MiB moved, microseconds;"
          " ratio to DART bypass")
    print("%-30s" % "" + "".join("%16s" % job_name(j) for j in JOBS_ALL))
    for name, title in DMA_CONFIGS:
        row = ""
        for j in JOBS_ALL:
            s = res.get(name, {}).get(j, {})
            b = res.get("dart-bypass", {}).get(j, {})
            if "cpu_us_per_mib" not in s:
                row += "%16s" % "-"
                continue
            row += "%10.0f %4.2f " % (s["cpu_us_per_mib"],
                                      s["cpu_us_per_mib"] /
                                      b.get("cpu_us_per_mib", float("nan")))
        print("%-30s" % title + row)
    print("\nOne MMIO register read in the guest, ns (median, min-max):")
    for name, title in DMA_CONFIGS:
        for job, what in ((MMIO_UART, "PL011 FR"), (MMIO_DART, "DART command")):
            s = res.get(name, {}).get(job)
            if s:
                print("  %-28s %-13s %6.0f (%.0f-%.0f)" % (
                    title, what, s["median"], s["min"], s["max"]))
    print_map_table(res)
    t = res.get("dart-translate", {})
    if t:
        print("\nDART translating, per MiB moved: walks, TLB hit rate,"
              " invalidations")
        for job in JOBS_ALL:
            s = t.get(job)
            if s and "walks_per_mib" in s:
                print("  %-16s %7.1f walks  %5.1f%% hits  %7.1f inval" % (
                    job_name(job), s["walks_per_mib"], 100 * s["hit_rate"],
                    s["invalidations_per_mib"]))


def print_map_table(res):
    """The guest's dma_map_single + dma_unmap_single, and what it explains"""
    if not any(j in res.get(n, {}) for n, _ in DMA_CONFIGS for j in MAP_JOBS):
        return
    print("\nThe guest's own cost of a streaming mapping (Linux's"
          " dma_map_benchmark on edu),\nmicroseconds per map + unmap"
          " (median, min-max):")
    print("%-30s" % "" + "".join("%24s" % ("%s page%s" % (j[4:], "s" * (
        j != "map:1"))) for j in MAP_JOBS))
    for name, title in DMA_CONFIGS:
        row = ""
        for j in MAP_JOBS:
            s = res.get(name, {}).get(j)
            row += ("%10.2f (%5.2f-%5.2f)" % (s["median"] / 1e3, s["min"] /
                                              1e3, s["max"] / 1e3)
                    if s else "%24s" % "-")
        print("%-30s" % title + row)
    # Strict mode maps and unmaps each segment once, and the DART driver
    # invalidates after each: invalidations/2 mappings per MiB.
    t, b = res.get("dart-translate", {}), res.get("dart-bypass", {})
    if "map:1" not in t or "map:1" not in b:
        return
    one = (t["map:1"]["median"] - b["map:1"]["median"]) / 1e3
    print("\nDART translating against bypass, per MiB moved, microseconds:"
          " QEMU's extra\nCPU time, and the guest's mappings"
          " (invalidations/2 x %.2f us, the extra\ncost of one"
          " 1-page map + unmap) that it spends part of it on:" % one)
    for job in JOBS_ALL:
        s, base = t.get(job, {}), b.get(job, {})
        if "cpu_us_per_mib" in s and "cpu_us_per_mib" in base:
            maps = s["invalidations_per_mib"] / 2
            print("  %-16s %8.0f extra CPU  %6.0f mappings x %.2f = %8.0f" % (
                job_name(job), s["cpu_us_per_mib"] - base["cpu_us_per_mib"],
                maps, one, maps * one))


def plot_dma(res, path):
    try:
        import matplotlib
        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        print("bench: no matplotlib, no %s" % path, file=sys.stderr)
        return
    fig, axes = plt.subplots(1, 2, figsize=(11, 4.2))
    width = 0.16
    for ax, op in zip(axes, ("read", "write")):
        jobs = [j for j in JOBS_ALL if j.startswith(op)]
        for i, (name, title) in enumerate(DMA_CONFIGS):
            med, lo, hi = [], [], []
            for j in jobs:
                s = res.get(name, {}).get(j)
                med.append(s["median"] if s else 0)
                lo.append(s["median"] - s["min"] if s else 0)
                hi.append(s["max"] - s["median"] if s else 0)
            xs = [k + (i - 2) * width for k in range(len(jobs))]
            ax.bar(xs, med, width, yerr=[lo, hi], capsize=2, label=title)
        ax.set_xticks(range(len(jobs)))
        ax.set_xticklabels([size_name(int(j.split(":")[1])) for j in jobs])
        ax.set_title("O_DIRECT %s, one virtio-blk disk" % op)
        ax.set_ylabel("MiB/s (median, min-max)")
        ax.set_yscale("log")
        ax.grid(axis="y", alpha=0.3)
    axes[0].legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(path, dpi=90)
    print("\nplot: %s" % path)


#
# bench.py scale
#

def cmd_scale(args):
    reads = ["read:65536", "read:1048576"]
    big = "read:%d" % (32 * MIB)
    page4k = ["-global", "apple-dart.page-size=4096"]
    configs = []
    for n in (1, 2, 4):
        for mode in ("translate", "bypass"):
            configs.append(("disks%d-%s" % (n, mode),
                            machine_config("dart-" + mode, ndisks=n), reads))
    for name, cfg in (
            ("page16k-translate", machine_config("dart-translate")),
            ("page4k-translate", machine_config("dart-translate",
                                                extra_qemu=page4k))):
        configs.append((name, cfg, ["read:4096"] + reads))
    if args.kernel4k:
        configs.append(("kernel4k-page4k-translate",
                        machine_config("dart-translate", extra_qemu=page4k,
                                       kernel=args.kernel4k),
                        ["read:4096"] + reads))
    # No lazy (iommu.strict=0) variant: Linux's apple-dart driver has no
    # IOMMU_CAP_DEFERRED_FLUSH, so its DMA domains are strict regardless.
    for name, cfg in (
            ("strict-translate", machine_config("dart-translate")),
            ("big-bypass", machine_config("dart-bypass"))):
        configs.append((name, cfg, ["read:1048576", big]))
    res = run_rounds(args, configs, "scale", "Scaling of the DART")
    print_scale_table(res, reads, big)


def stat_cols(s):
    """QEMU's CPU time and the DART's counters per MiB, if known"""
    if not s:
        return ""
    out = "  %5.0f us CPU/MiB" % s.get("cpu_us_per_mib", float("nan"))
    if "walks_per_mib" in s:
        out += "  %5.0f walks/MiB %5.1f%% hits %5.0f inval/MiB" % (
            s["walks_per_mib"], 100 * s["hit_rate"],
            s["invalidations_per_mib"])
    return out


def mibs_col(s, base=None):
    if not s:
        return "%24s" % "-"
    ratio = s["median"] / base["median"] if base else float("nan")
    return "%6.0f (%4.0f-%4.0f) %4.2f  " % (s["median"], s["min"], s["max"],
                                           ratio)


def print_scale_table(res, reads, big):
    print("\nMiB/s (all disks together): median (min-max), ratio to bypass"
          " with as many disks")
    for job in reads:
        print("\n%s" % job_name(job))
        for n in (1, 2, 4):
            t = res.get("disks%d-translate" % n, {}).get(job)
            b = res.get("disks%d-bypass" % n, {}).get(job)
            print("  %d disk%s  translate %s bypass %s%s" % (
                n, "s" if n > 1 else " ", mibs_col(t, b), mibs_col(b, b),
                stat_cols(t)))
    print("\nDART page size (kernel page size: 16 KiB unless named),"
          " translating; ratio to 16 KiB pages")
    for job in ["read:4096"] + reads:
        base = res.get("page16k-translate", {}).get(job)
        for name in ("page16k-translate", "page4k-translate",
                     "kernel4k-page4k-translate"):
            if name not in res:
                continue
            s = res.get(name, {}).get(job)
            print("  %-12s %-26s %s%s" % (job_name(job), name,
                                          mibs_col(s, base), stat_cols(s)))
    print("\n32 MiB blocks (more than the TLB's 16 MiB reach) against 1 MiB;"
          " ratio to bypass")
    for job in ("read:1048576", big):
        base = res.get("big-bypass", {}).get(job)
        for name in ("strict-translate", "big-bypass"):
            s = res.get(name, {}).get(job)
            print("  %-12s %-18s %s%s" % (job_name(job), name,
                                          mibs_col(s, base), stat_cols(s)))


#
# bench.py micro
#

MICRO_CONFIGS = [
    ("t8103", "dart=t8103", []),
    ("t8103 4 KiB pages", "dart=t8103",
     ["-global", "apple-dart.page-size=4096"]),
    ("t6000", "dart=t6000", []),
    ("t8110", "dart=t8110", []),
    ("t8110 va-bits=42", "dart=t8110,dart-va-bits=42", []),
]
MICRO_KEYS = ["tlb-hit-ns10", "walk-ns10", "invalidate-ns10", "fault-ns10",
              "dma-read-ns10", "dma-fault-ns10"]
MICRO_COLS = ["tlb-hit", "walk", "invalidate", "fault", "dma-read",
              "dma-fault"]


def cmd_micro(args):
    rows = []
    for i, (title, opt, extra) in enumerate(MICRO_CONFIGS):
        proc, qmp_path = start_qemu(args, args.out, "micro-%d" % i, [
            "-M", "apple-virt,%s,pcie-dart-preset=mapped" % opt, "-S"] + extra)
        qmp = Qmp(qmp_path)
        dart = "/machine/dart-pcie"
        page = qmp.qom_get(dart, "page-size")
        runs = []
        for _ in range(args.repeat):
            qmp.cmd("qom-set", path=dart, property="x-microbench",
                    value="stream=3,iova=0xc000000,unmapped=0x10000000,"
                          "count=%d" % args.count)
            runs.append(json.loads(qmp.qom_get(dart, "x-microbench")))
        qmp.cmd("quit")
        qmp.close()
        stop(proc)
        row = {"config": title, "page": page, "levels": runs[0]["levels"],
               "compatible": runs[0]["compatible"]}
        for k in MICRO_KEYS:
            row[k[:-5]] = statistics.median(r[k] for r in runs) / 10
            row[k[:-5] + "-min"] = min(r[k] for r in runs) / 10
        rows.append(row)
    with open(os.path.join(args.out, "micro.json"), "w") as f:
        json.dump(rows, f, indent=1)
    print("\nx-microbench, ns per operation (median of %d runs of %d; min)" %
          (args.repeat, args.count))
    print("%-20s %6s %6s" % ("generation", "page", "levels") +
          "".join(" %16s" % c for c in (
              "TLB hit", "walk", "invalidate", "fault", "4K DMA read",
              "4K DMA fault")))
    for r in rows:
        print("%-20s %6s %6d" % (r["config"], size_name(r["page"]),
                                 r["levels"]) +
              "".join(" %8.1f (%5.1f)" % (r[k], r[k + "-min"])
                      for k in MICRO_COLS))
    print("A guest that does nothing but fault costs QEMU, per 4 KiB DMA,"
          " at most %.1f times a 4 KiB DMA that translates (worst"
          " generation, medians)." %
          max(r["dma-fault"] / max(r["dma-read"], 0.1) for r in rows))


#
# bench.py rst: the docs' tables from the JSON of the other parts
#

def rst_table(header, rows):
    widths = [max(len(str(r[i])) for r in [header] + rows)
              for i in range(len(header))]
    line = " ".join("=" * w for w in widths)
    fmt = " ".join("%%-%ds" % w for w in widths)
    out = [line, (fmt % tuple(header)).rstrip(), line]
    out += [(fmt % tuple(r)).rstrip() for r in rows]
    return "\n".join(out + [line, ""])


def cmd_rst(args):
    def load(name):
        path = os.path.join(args.out, name + ".json")
        return json.load(open(path)) if os.path.exists(path) else None

    dma, scale, micro = load("dma"), load("scale"), load("micro")
    if dma:
        present = [(n, t) for n, t in DMA_CONFIGS if n in dma]
        rows = []
        for name, title in present:
            row = [title]
            for job in JOBS_ALL:
                s, b = dma[name].get(job), dma["dart-bypass"].get(job)
                row.append("%.0f (%.2f)" % (s["median"],
                                            s["median"] / b["median"]))
            rows.append(row)
        print(rst_table(["MiB/s (ratio to DART bypass)"] +
                        [job_name(j) for j in JOBS_ALL], rows))
        rows = []
        for name, title in present:
            rows.append([title] + ["%.0f" % dma[name][j]["cpu_us_per_mib"]
                                   for j in JOBS_ALL])
        print(rst_table(["QEMU CPU us per MiB"] +
                        [job_name(j) for j in JOBS_ALL], rows))
        rows = [[title] + ["%.2f" % (dma[name][j]["median"] / 1e3)
                           for j in MAP_JOBS]
                for name, title in present
                if all(j in dma[name] for j in MAP_JOBS)]
        if rows:
            print(rst_table(["map + unmap, us"] +
                            ["%s page%s" % (j[4:], "s" * (j != "map:1"))
                             for j in MAP_JOBS], rows))
    if micro:
        print(rst_table(
            ["generation", "page", "levels", "TLB hit", "walk",
             "invalidate", "fault"],
            [[r["config"], size_name(r["page"]), r["levels"]] +
             ["%.0f" % r[k] for k in ("tlb-hit", "walk", "invalidate",
                                      "fault")] for r in micro]))
    if scale:
        rows = []
        for name in sorted(scale):
            for job, s in scale[name].items():
                rows.append([name, job_name(job), "%.0f" % s["median"],
                             "%.0f" % s.get("cpu_us_per_mib", 0),
                             "%.0f" % s.get("walks_per_mib", 0),
                             "%.0f" % (100 * s.get("hit_rate", 0)),
                             "%.0f" % s.get("invalidations_per_mib", 0)])
        print(rst_table(["configuration", "job", "MiB/s", "CPU us/MiB",
                         "walks/MiB", "hits %", "inval/MiB"], rows))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("what", choices=["dma", "scale", "micro", "rst"])
    ap.add_argument("--qemu")
    ap.add_argument("--out", required=True)
    ap.add_argument("--kernel")
    ap.add_argument("--initrd")
    ap.add_argument("--kernel4k", help="a 4 KiB page kernel (scale)")
    ap.add_argument("--disk", dest="disks", action="append", default=[])
    ap.add_argument("--only", help="comma-separated configurations")
    ap.add_argument("--jobs", help="comma-separated OP:BLOCK_BYTES (dma)")
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--secs", type=float, default=1.0)
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--count", type=int, default=200000)
    args = ap.parse_args()
    os.makedirs(args.out, exist_ok=True)
    {"dma": cmd_dma, "scale": cmd_scale, "micro": cmd_micro,
     "rst": cmd_rst}[args.what](args)


if __name__ == "__main__":
    main()
