# apple-dart: a QEMU model of Apple's DART IOMMU and the apple-virt machine.
# See README.md. Everything expensive is cached under ~/.cache/apple-dart.
#
# QEMU_SERIES=10.2 (or newest) builds and tests against that QEMU instead
# of the default 10.0 LTS, in its own build/qemu-10.2 (scripts/versions.sh):
# e.g. make check-qtest QEMU_SERIES=10.2.

.PHONY: all build setup run check check-qtest check-fresh check-patches patches \
	check-linux-6.12 check-qemu-newest check-sanitizers bench fuzz clean distclean

all: build

# Install the build's dependencies from Debian (needs root; no-op when done).
setup:
	@scripts/setup-host.sh

build: setup
	@scripts/build-qemu.sh

run: build
	@scripts/run.sh

# The guests the boot suites boot (kernels, U-Boot) build in the
# background meanwhile, niced: on an empty cache they use the CPU time
# QEMU's build and the quick suites leave idle (scripts/build-guests.sh).
check: setup
	@scripts/build-guests.sh --background
	@scripts/build-qemu.sh
	@tests/check.sh

check-qtest: build
	@tests/check.sh qtest

# The Linux suites of the unmodified 6.12 (16 and 4 KiB pages), LTS
# beside make check's 7.2: two more kernel builds, about 22 minutes on 2
# cores the first time, which make check's cold budget has no room for.
check-linux-6.12: build
	@LINUX_SERIES=6.12 tests/check.sh linux

# make check in a clone of HEAD on an empty cache, as on a new machine
# (about 28 minutes on 2 cores): its time, its suites and build/check-fresh/check.log.
check-fresh: setup
	@tests/check-fresh.sh

# The project as a patch series for QEMU's tree, signed off with your git
# identity: build/patches (see README).
patches: setup
	@scripts/make-patches.sh

# The series' test of make check, plus a build of the applied tree at
# every step, the qtests against it (build/patches-test) and QEMU's whole
# manual of that tree, built with warnings as errors.
check-patches: build
	@tests/series/patches-test.sh build
	@tests/docs/docs-test.sh full

# The qtests and one Linux boot on the newest QEMU Debian has the source
# of (a second build, in build/qemu-X.Y; the default QEMU is untouched).
check-qemu-newest: setup
	@QEMU_SERIES=newest scripts/build-qemu.sh
	@QEMU_SERIES=newest tests/check.sh qtest boot

# The qtests and a Linux boot per DART generation against an ASan + UBSan
# build of QEMU (a second configuration, build/qemu-san).
check-sanitizers: setup
	@tests/check-sanitizers.sh

# The DART against virt without an IOMMU and with an SMMUv3, its scaling
# and its micro-benchmark (figures only; builds a second QEMU config).
bench: build
	@scripts/bench-dma.sh

# Coverage-guided fuzzing of the DARTs and their DMA masters with QEMU's
# generic-fuzz (libFuzzer; a third build, with clang): FUZZ_SECONDS in all
# (default 600), on FUZZ_JOBS workers (2). Figures, not pass/fail.
fuzz: setup
	@scripts/fuzz.sh

clean:
	rm -rf build

# Also forget the cached downloads, built kernels and ccache.
distclean: clean
	. scripts/versions.sh && chmod -R u+w "$$CACHE_DIR/qemu-src" 2>/dev/null; \
	    rm -rf "$$CACHE_DIR"
