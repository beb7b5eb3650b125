# apple-dart: a QEMU model of Apple's DART IOMMU and the apple-virt machine.
# See README.md. Everything expensive is cached under ~/.cache/apple-dart.

.PHONY: all build setup run check check-qtest bench fuzz clean distclean

all: build

# Install the build's dependencies from Debian (needs root; no-op when done).
setup:
	@scripts/setup-host.sh

build: setup
	@scripts/build-qemu.sh

run: build
	@scripts/run.sh

check: build
	@scripts/check.sh

check-qtest: build
	@scripts/check.sh qtest

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
