# apple-dart: a QEMU model of Apple's DART IOMMU and the apple-virt machine.
# See README.md. Everything expensive is cached under ~/.cache/apple-dart.

.PHONY: all build setup run check check-qtest bench clean distclean

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

# DMA throughput through the DART, translated and bypassed (figures only).
bench: build
	@scripts/bench-dma.sh

clean:
	rm -rf build

# Also forget the cached downloads, built kernels and ccache.
distclean: clean
	. scripts/versions.sh && chmod -R u+w "$$CACHE_DIR/qemu-src" 2>/dev/null; \
	    rm -rf "$$CACHE_DIR"
