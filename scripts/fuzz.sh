#!/usr/bin/env bash
# make fuzz: coverage-guided fuzzing of the DARTs and their DMA masters
# with libFuzzer (figures, not pass/fail): QEMU's generic-fuzz target,
# MMIO and DMA as a guest does them, and our apple-dart-host target, the
# DART's host side (tests/qtest/fuzz/apple_dart_host_fuzz.c).
#
#   fuzz.sh                 fuzz every run (below), FUZZ_SECONDS in all
#   fuzz.sh repro CRASH [RUN]
#                           generic-fuzz's: turn a saved crash into a
#                           qtest trace, a shell one-liner and a C
#                           function for a regression qtest
#                           (tests/qtest/apple-dart-fuzz-test.c);
#                           apple-dart-host's: run it again, and say how
#   fuzz.sh report          the figures of the last run again
#   fuzz.sh coverage [RUN|CONFIG,...]
#                           no fuzzing: replay the seeds and the saved
#                           corpus of each run (of a CONFIG: its runs; all
#                           by default) and print the lines covered per
#                           file, and the lines not reached in
#                           $out/unreached.txt
#   fuzz.sh triage RUN      run RUN's saved crashes once each and list
#                           those that are not the harness's (libqtest
#                           assertions)
#
# Builds build/qemu-fuzz (clang, libFuzzer, ASan, coverage mapping: see
# build-qemu.sh fuzz) and runs qemu-fuzz-aarch64 on apple-virt with all
# three DARTs, edu on the PCIe bus, the XHCI with a USB stick and the
# display engine, one configuration a DART generation and firmware
# preset (CONFIGS below). A run is one target on one configuration: the
# run CONFIG is --fuzz-target=generic-fuzz on it, QEMU_FUZZ_OBJECTS
# covering the DARTs' MMIO, edu's, the XHCI's, the display engine's and
# the PCIe ECAM (so that inputs can map edu's BAR); the run host-CONFIG,
# for the configurations of HOST_CONFIGS, is --fuzz-target=apple-dart-host.
# Each run is FUZZ_SECONDS / n long, on FUZZ_JOBS workers (libFuzzer
# -fork, niced). Seeds: scripts/fuzz-seeds.py, the drivers' sequences and
# the host's; the corpus persists in $CACHE_DIR/fuzz-corpus/RUN, crashes
# land in $CACHE_DIR/fuzz-crashes/RUN. Afterwards every run's corpus is
# replayed (libFuzzer -merge, which survives crashing inputs) for
# clang's line coverage of our files.
#
# A crash is counted apart when it is the harness's: a libqtest assertion
# on a command QEMU refused, such as generic-fuzz's clock_step with no
# timer pending (rare now that the display engine's vblank timer always
# is) or a step of 0 ns.
#
# The replays write their profiles in LLVM's continuous mode (%c; the
# build relocates counters for it), so an input that aborts loses
# nothing of what the inputs before it covered.
#
# FUZZ_SECONDS (600), FUZZ_JOBS (2), FUZZ_CONFIGS (all: a comma list),
# FUZZ_TARGETS (generic-fuzz,apple-dart-host: which of the two run).
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
. "$top/scripts/versions.sh"
out="$top/build/fuzz"
bin="$top/build/qemu-fuzz/qemu-fuzz-aarch64"
seedgen="$top/scripts/fuzz-seeds.py"

# name, DART generation (fuzz-seeds.py's), -M apple-virt options, and
# any further QEMU options. Between them: every DART generation and
# register layout, 4 KiB pages, four-level tables, 64 and 256 streams
# with edu and the XHCI on streams above 31, every firmware preset,
# locked and not, streams firmware left disabled, the stale-TLB and PTE
# format checks, and each kind of BUSY emulation.
CONFIGS=(
    "t8103 t8103 dart=t8103,dart-check-stale-tlb=on"
    "t6000 t6000 dart=t6000,pcie-dart-preset=mapped,usb-dart-preset=empty"
    "t8110-va42 t8110-va42 dart=t8110,dart-va-bits=42,usb-dart-preset=mapped"
    "t8103-usb4-locked t8103-usb4 dart=t8103-usb4,pcie-dart-preset=mapped,pcie-dart-locked=on,usb-dart-preset=mapped,usb-dart-locked=on"
    "t8110-locked t8110 dart=t8110,pcie-dart-preset=mapped,pcie-dart-locked=on,disp-dart-locked=off"
    "t8103-4k t8103 dart=t8103,dart-check-stale-tlb=on,pcie-dart-disabled-streams=3+5,usb-dart-preset=empty,usb-dart-locked=on -global apple-dart.page-size=4096 -global apple-dart.busy-reads=2"
    "t8103-usb4-high t8103-usb4 dart=t8103-usb4,pcie-dart-streams=3:40,usb-dart-stream=33,pcie-dart-preset=mapped,usb-dart-disabled-streams=1+2,disp-dart-preset=empty,disp-dart-locked=off -global apple-dart.busy-ns=1000000"
    "t8110-256 t8110 dart=t8110,dart-num-streams=256,pcie-dart-streams=3:200,usb-dart-stream=100,pcie-dart-disabled-streams=7+200,usb-dart-disabled-streams=100,dart-check-stale-tlb=on,dart-check-pte=on -global apple-dart.busy-stuck=on"
)
OBJECTS="apple-dart* edu-mmio* sysbus-xhci apple-virt-display pcie-mmcfg-mmio*"
# apple-dart-host realizes DARTs of every generation itself: the machine
# adds its own DARTs (which of them firmware mapped or locked, BUSY
# emulation) and the display engine. Three differ in those.
HOST_CONFIGS=(t6000 t8103-4k t8110-256)
HOST_TARGET=apple-dart-host

die() { echo "fuzz: $*" >&2; exit 1; }

# No leak checks: QEMU leaks a little where it is not for us to fix (a
# display console's timer each time one is reused, as apple-dart-host
# does when it realizes a display engine again), and libFuzzer would
# count each such input as a crash.
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=0}

# Set QEMU_FUZZ_ARGS/OBJECTS and gen for configuration $1; false if unknown.
select_config() {
    local c name machine extra
    for c in "${CONFIGS[@]}"; do
        read -r name gen machine extra <<< "$c"
        if [ "$name" = "$1" ]; then
            QEMU_FUZZ_ARGS="-M apple-virt,$machine"
            QEMU_FUZZ_ARGS+=" -device edu,addr=3.0,dma_mask=0xffffffffffffffff"
            QEMU_FUZZ_ARGS+=" -drive if=none,id=stick,format=raw,file=null-co://"
            QEMU_FUZZ_ARGS+=" -device usb-storage,drive=stick${extra:+ $extra}"
            # ten frames a second: a clock step runs the next timer due,
            # a vblank every 100 ms comes before edu's DMA at most once
            QEMU_FUZZ_ARGS+=" -global apple-virt-display.refresh-rate=10"
            export QEMU_FUZZ_ARGS
            export QEMU_FUZZ_OBJECTS="$OBJECTS"
            return 0
        fi
    done
    return 1
}

config_names() {
    local c
    for c in "${CONFIGS[@]}"; do
        echo "${c%% *}"
    done
}

# Whether FUZZ_TARGETS has target $1.
target_wanted() {
    [[ ",${FUZZ_TARGETS:-generic-fuzz,$HOST_TARGET}," == *",$1,"* ]]
}

# The runs of configuration $1 that FUZZ_TARGETS wants, one a line.
config_runs() {
    local h
    if target_wanted generic-fuzz; then
        echo "$1"
    fi
    if target_wanted "$HOST_TARGET"; then
        for h in "${HOST_CONFIGS[@]}"; do
            [ "$h" != "$1" ] || echo "host-$1"
        done
    fi
}

# Every run FUZZ_TARGETS wants, of configurations $1 (a comma list;
# default all), one a line; a word of $1 may name a run itself.
run_names() {
    local c configs
    IFS=, read -r -a configs <<< "${1:-$(config_names | paste -sd,)}"
    for c in "${configs[@]}"; do
        case $c in
        host-*) echo "$c" ;;
        *) config_runs "$c" ;;
        esac
    done
}

# Set target and QEMU_FUZZ_ARGS/OBJECTS and gen for run $1; false if it
# is no run.
select_run() {
    local h
    case $1 in
    host-*)
        for h in "${HOST_CONFIGS[@]}"; do
            if [ "host-$h" = "$1" ]; then
                target=$HOST_TARGET
                select_config "$h"
                return
            fi
        done
        return 1 ;;
    *)
        target=generic-fuzz
        select_config "$1" ;;
    esac
}

fuzzer() {
    "$bin" --fuzz-target="$target" "$@"
}

# The addresses each region index reaches, before and after edu's BAR is
# mapped: "PHASE INDEX ADDRESS" lines into $1 (see fuzz-seeds.py).
probe_regions() {
    local regions=$1 dir
    dir=$(dirname "$regions")
    /usr/bin/python3 "$seedgen" probe "$dir/probe"
    : > "$regions"
    FUZZ_SERIALIZE_QTEST=1 QTEST_LOG=1 LLVM_PROFILE_FILE=/dev/null fuzzer -runs=1 "$dir/probe.pre" \
        > "$dir/probe.pre.log" 2>&1 || { tail "$dir/probe.pre.log" >&2; return 1; }
    grep -o 'readl 0x[0-9a-f]*' "$dir/probe.pre.log" |
        awk '{ print "pre", NR - 1, $2 }' >> "$regions"
    /usr/bin/python3 "$seedgen" probe-post "$regions" "$dir/probe.post"
    FUZZ_SERIALIZE_QTEST=1 QTEST_LOG=1 LLVM_PROFILE_FILE=/dev/null fuzzer -runs=1 "$dir/probe.post" \
        > "$dir/probe.post.log" 2>&1 || { tail "$dir/probe.post.log" >&2; return 1; }
    grep -o 'readl 0x[0-9a-f]*' "$dir/probe.post.log" |
        awk '{ print "post", NR - 1, $2 }' >> "$regions"
    grep -q '^pre' "$regions" || die "the region probe matched no region"
}

# Write run $1's seeds into $out/run/$1 (select_run first): for
# generic-fuzz, after probing the configuration's regions.
make_seeds() {
    local run="$out/run/$1"
    mkdir -p "$run"
    rm -rf "$run/seeds"
    if [ "$target" = "$HOST_TARGET" ]; then
        /usr/bin/python3 "$seedgen" host-seeds "$gen" "$run/seeds" \
            "$QEMU_FUZZ_ARGS"
        return
    fi
    probe_regions "$run/regions"
    /usr/bin/python3 "$seedgen" seeds "$gen" "$run/regions" "$run/seeds" \
        "$QEMU_FUZZ_ARGS"
}

# Replay run $1's seeds and saved corpus for coverage: -merge runs them
# in children that resume after a crashing input, each writing its own
# profile, as it goes (%c).
replay() {
    local c=$1 run="$out/run/$1" corpus="$CACHE_DIR/fuzz-corpus/$1"
    mkdir -p "$corpus"
    rm -rf "$run/merged"
    mkdir -p "$run/merged"
    (cd "$run" && LLVM_PROFILE_FILE="$out/prof/$c-%p%c.profraw" nice -n 19 \
        "$bin" --fuzz-target="$target" -merge=1 -timeout=20 \
        -rss_limit_mb=4096 "$run/merged" "$run/seeds" "$corpus" \
        > "$run/replay.log" 2>&1) ||
        echo "  (replay of $c's seeds and corpus failed: $run/replay.log)"
}

# Every run, whatever FUZZ_TARGETS says (a comma list)
all_runs() {
    FUZZ_TARGETS='' run_names | paste -sd,
}

if [ "${1:-}" = repro ]; then
    crash=${2:-}
    [ -f "$crash" ] || die "usage: fuzz.sh repro CRASH-FILE [RUN]"
    cfg=${3:-$(basename "$(dirname "$crash")")}
    select_run "$cfg" || die "unknown run '$cfg' ($(all_runs))"
    [ -x "$bin" ] || "$top/scripts/build-qemu.sh" fuzz
    if [ "$target" = "$HOST_TARGET" ]; then
        # (its operations are calls, not qtest commands: no trace to
        # replay elsewhere; the input is the reproducer)
        echo "fuzz: $crash ($cfg)"
        echo "  reproducer: QEMU_FUZZ_ARGS='$QEMU_FUZZ_ARGS' $bin --fuzz-target=$target $crash"
        log=$(LLVM_PROFILE_FILE=/dev/null fuzzer "$crash" 2>&1) || true
        echo "  $(grep -m1 -E 'ERROR|hardware error|ssertion' <<< "$log" ||
                 echo "does not crash now")"
        grep -m8 -E '^ +#[0-9]+ ' <<< "$log" || true
        exit 0
    fi
    tree="$top/build/qemu-src"
    rdir="$out/repro/$(basename "$crash")"
    mkdir -p "$rdir"
    QTEST_LOG=1 FUZZ_SERIALIZE_QTEST=1 QEMU_FUZZ_TIMEOUT=0 \
        LLVM_PROFILE_FILE=/dev/null fuzzer "$crash" > "$rdir/trace" 2>&1 || true
    /usr/bin/python3 "$tree/scripts/oss-fuzz/reorder_fuzzer_qtest_trace.py" \
        "$rdir/trace" > "$rdir/reproducer"
    args="$QEMU_FUZZ_ARGS -display none -machine accel=qtest -m 512M"
    echo "$args" > "$rdir/args"
    read -r -a argv <<< "$args"
    echo "fuzz: $crash ($cfg)"
    echo "  trace:      $rdir/trace"
    echo "  reproducer: $top/build/qemu-system-aarch64 $args -qtest stdio < $rdir/reproducer"
    if [ ! -x "$top/build/qemu-system-aarch64" ]; then
        echo "  (no build/qemu-system-aarch64 to try it on: make build)"
    elif "$top/build/qemu-system-aarch64" "${argv[@]}" -qtest stdio \
            < "$rdir/reproducer" > "$rdir/system.log" 2>&1; then
        echo "  qemu-system-aarch64 survives it (see $rdir/system.log)"
    else
        echo "  qemu-system-aarch64 fails on it: $(grep -m1 -iE 'error|assert|abort' "$rdir/system.log" || tail -n 1 "$rdir/system.log")"
    fi
    export QEMU_PATH="$top/build/qemu-system-aarch64" QEMU_ARGS="$args"
    /usr/bin/python3 "$tree/scripts/oss-fuzz/output_reproducer.py" \
        -bash "$rdir/reproducer" > "$rdir/reproducer.sh" 2>/dev/null || true
    /usr/bin/python3 "$tree/scripts/oss-fuzz/output_reproducer.py" \
        -name "test_fuzz_$(basename "$crash" | cut -c1-18 | tr -c 'a-z0-9\n' _)" \
        "$rdir/reproducer" > "$rdir/reproducer.c" 2>/dev/null || true
    echo "  C function for tests/qtest/apple-dart-fuzz-test.c: $rdir/reproducer.c"
    exit 0
fi

# Lines covered of our files, from the profiles in $out/prof; the lines
# not reached, with their source, into $out/unreached.txt.
coverage_report() {
    local f srcs=()
    ls "$out/prof"/*.profraw > /dev/null 2>&1 ||
        die "no profiles in $out/prof (fuzz.sh coverage first)"
    llvm-profdata merge -o "$out/prof/all.profdata" "$out/prof"/*.profraw
    # (the tree links to our files: llvm-cov names them by their paths in
    # $top, the coverage mapping by those in the tree)
    for f in hw/iommu/apple-dart.c hw/display/apple-virt-display.c \
             hw/arm/apple-virt-fw.c hw/iommu/apple-dart-state.c \
             hw/arm/apple-virt.c; do
        srcs+=("$top/$f")
    done
    cov_export() {
        llvm-cov export -instr-profile="$out/prof/all.profdata" \
            -path-equivalence="$(dirname "$bin")/../qemu-src,$top" "$@" \
            "$bin" "${srcs[@]}"
    }
    cov_export -summary-only > "$out/prof/coverage.json"
    cov_export -format=lcov > "$out/prof/coverage.lcov"
    # the figures of llvm-cov report; the lines, with their source, of
    # the lcov export's DA: records of count 0
    /usr/bin/python3 - "$out/prof" "$top" "$out/unreached.txt" \
        "${srcs[@]#"$top/"}" <<'EOF2'
import json, sys
prof, top, unreached, order = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4:]
data = json.load(open(f"{prof}/coverage.json"))
lines = {f["filename"].split("/qemu-src/")[-1]: f["summary"]["lines"]
         for f in data["data"][0]["files"]}
for name in order:
    l = lines.get(name, {"covered": 0, "count": 0, "percent": 0})
    print(f"fuzz: {name}: {l['covered']}/{l['count']} lines covered"
          f" ({l['percent']:.1f}%)")
with open(unreached, "w") as out:
    for line in open(f"{prof}/coverage.lcov"):
        if line.startswith("SF:"):
            name = line[3:].strip().split("/qemu-src/")[-1]
            src = open(f"{top}/{name}").read().split("\n")
        elif line.startswith("DA:") and line.split(",")[1].strip() == "0":
            n = int(line[3:].split(",")[0])
            print(f"{name}:{n}: {src[n - 1].strip()}", file=out)
EOF2
    echo "fuzz: lines not reached: $out/unreached.txt; line report:" \
        "llvm-cov report -instr-profile=$out/prof/all.profdata $bin"
}

# Figures of the run in $out: executions, crashes, lines covered.
report() {
    local summary="$out/summary.txt" log c
    [ -f "$summary" ] || die "no run to report on (make fuzz first)"
    # crashes by kind, from the workers' reports in each fuzz.log
    : > "$out/crash-kinds.txt"
    for log in "$out"/run/*/fuzz.log; do
        [ -f "$log" ] || continue
        c=$(basename "$(dirname "$log")")
        awk -v c="$c" '
            /qtest_rsp_args: assertion failed/ { harness = 1 }
            /ERROR: AddressSanitizer|ERROR: libFuzzer: (deadly|timeout|out-of-memory)/ {
                if ($0 ~ /AddressSanitizer/) { kind = "asan"; last = $0 }
                else if ($0 ~ /timeout/) kind = "timeout"
                else if ($0 ~ /out-of-memory/) kind = "oom"
                else kind = harness ? "harness" : "crash"
                if (!(kind == "crash" && asan)) print c, kind, last
                asan = kind == "asan"; harness = 0; last = ""
            }
            /^ERROR:|hardware error|ssertion|runtime error/ { last = $0 }' \
            "$log" >> "$out/crash-kinds.txt"
    done
    /usr/bin/python3 - "$summary" "$out/crash-kinds.txt" <<'EOF2'
import collections, sys
rows = [l.split() for l in open(sys.argv[1])]
execs = sum(int(r[1]) for r in rows)
secs = sum(int(r[2]) for r in rows)
harness = 0
other = collections.Counter()
for line in open(sys.argv[2]):
    cfg, kind, *what = line.split(maxsplit=2)
    if kind == "harness":
        harness += 1
    else:
        other[(kind, what[0].strip() if what else "")] += 1
print(f"fuzz: {execs} executions in {secs} s ({execs // max(secs, 1)} exec/s)"
      f" over {len(rows)} runs")
print(f"fuzz: crashes: {sum(other.values())} in QEMU or the model;"
      f" {harness} of the harness (a libqtest assertion on a refused"
      " qtest command, not a device's)")
for (kind, what), n in other.most_common():
    print(f"fuzz:   {n} x {kind}: {what}")
EOF2
    echo "fuzz: crash inputs are kept in $CACHE_DIR/fuzz-crashes/RUN;" \
        "scripts/fuzz.sh triage RUN finds those that are not the harness's"
    coverage_report
}

if [ "${1:-}" = triage ]; then
    cfg=${2:-}
    select_run "$cfg" ||
        die "usage: fuzz.sh triage RUN ($(all_runs))"
    n=0 harness=0
    for f in "$CACHE_DIR/fuzz-crashes/$cfg"/*; do
        [ -f "$f" ] || continue
        n=$((n + 1))
        log=$(LLVM_PROFILE_FILE=/dev/null timeout 60 nice -n 19 \
            "$bin" --fuzz-target="$target" -timeout=20 "$f" 2>&1) || true
        if grep -q 'qtest_rsp_args: assertion failed' <<< "$log"; then
            harness=$((harness + 1))
            continue
        fi
        echo "fuzz: $f: $(grep -m1 -E 'ERROR|hardware error|ssertion' <<< "$log" ||
                          echo "does not crash now")"
        echo "  scripts/fuzz.sh repro $f $cfg"
    done
    echo "fuzz: $cfg: $n saved crashes, $harness of them the harness's (libqtest assertions)"
    exit 0
fi

if [ "${1:-}" = report ]; then
    report
    exit 0
fi

# Check that the comma list $1 names only runs and configurations, and
# that it or FUZZ_TARGETS leaves some run; set runs.
check_runs() {
    local c words
    IFS=, read -r -a words <<< "$1"
    for c in "${words[@]}"; do
        select_config "$c" || select_run "$c" ||
            die "unknown configuration or run '$c' ($(config_names | paste -sd,); runs $(all_runs))"
    done
    mapfile -t runs < <(run_names "$1")
    [ ${#runs[@]} -gt 0 ] ||
        die "no run of '$1' with FUZZ_TARGETS=${FUZZ_TARGETS:-} (generic-fuzz,$HOST_TARGET)"
}

if [ "${1:-}" = coverage ]; then
    check_runs "${2:-$(config_names | paste -sd,)}"
    # (incremental: the figures are those of the sources as they are)
    "$top/scripts/setup-host.sh" fuzz
    "$top/scripts/build-qemu.sh" fuzz
    rm -rf "$out/prof"
    mkdir -p "$out/prof"
    start=$(date +%s)
    for c in "${runs[@]}"; do
        select_run "$c"
        make_seeds "$c"
        replay "$c"
        printf '  %-20s %4s seeds, %5s corpus inputs replayed\n' "$c" \
            "$(find "$out/run/$c/seeds" -type f | wc -l)" \
            "$(find "$CACHE_DIR/fuzz-corpus/$c" -type f | wc -l)"
    done
    echo "fuzz: replayed ${#runs[@]} runs in $(( $(date +%s) - start )) s"
    coverage_report
    exit 0
fi

secs=${FUZZ_SECONDS:-600}
jobs=${FUZZ_JOBS:-2}
if ! [[ "$secs" =~ ^[0-9]+$ ]] || [ "$secs" -eq 0 ]; then
    die "FUZZ_SECONDS must be a positive number of seconds, not '$secs'"
fi
if ! [[ "$jobs" =~ ^[0-9]+$ ]] || [ "$jobs" -eq 0 ]; then
    die "FUZZ_JOBS must be a positive number, not '$jobs'"
fi
check_runs "${FUZZ_CONFIGS:-$(config_names | paste -sd,)}"
per=$(( secs / ${#runs[@]} ))
[ "$per" -ge 10 ] || die "FUZZ_SECONDS=$secs is too short for ${#runs[@]} runs"

"$top/scripts/setup-host.sh" fuzz
"$top/scripts/build-qemu.sh" fuzz

rm -rf "$out/run" "$out/prof"
mkdir -p "$out/run" "$out/prof"
summary="$out/summary.txt"
: > "$summary"
echo "make fuzz: ${#runs[@]} runs, ${per}s each on $jobs workers"
for c in "${runs[@]}"; do
    select_run "$c"
    run="$out/run/$c"
    corpus="$CACHE_DIR/fuzz-corpus/$c"
    crashes="$CACHE_DIR/fuzz-crashes/$c"
    mkdir -p "$run" "$corpus" "$crashes"
    make_seeds "$c"
    before=$(find "$crashes" -type f | wc -l)
    start=$(date +%s)
    # (fork mode: the workers' logs land in the run directory)
    (cd "$run" && LLVM_PROFILE_FILE=/dev/null nice -n 19 \
        "$bin" --fuzz-target="$target" -fork="$jobs" \
        -ignore_crashes=1 -ignore_timeouts=1 -ignore_ooms=1 \
        -max_total_time="$per" -timeout=10 -rss_limit_mb=4096 -max_len=4096 \
        -artifact_prefix="$crashes/" "$corpus" "$run/seeds" \
        > "$run/fuzz.log" 2>&1) || true
    end=$(date +%s)
    # the last status line: "#EXECS: cov: ... exec/s: ... oom/timeout/crash: ..."
    last=$(grep -E '^#[0-9]+: cov:' "$run/fuzz.log" | tail -n 1)
    execs=$(sed -E 's/^#([0-9]+):.*/\1/' <<< "${last:-#0:}")
    after=$(find "$crashes" -type f | wc -l)
    echo "$c $execs $((end - start)) $((after - before)) $after" >> "$summary"
    printf '  %-20s %10s execs %6s s %8s exec/s  new crashes %s (saved %s)\n' \
        "$c" "$execs" "$((end - start))" "$(( execs / (end - start > 0 ? end - start : 1) ))" \
        "$((after - before))" "$after"
done

# Coverage of every run's seeds and corpus (those not fuzzed this time
# too)
for c in $(FUZZ_TARGETS='' run_names); do
    select_run "$c"
    [ -d "$out/run/$c/seeds" ] || make_seeds "$c"
    replay "$c"
done
report
