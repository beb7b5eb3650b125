# apple-virt plus QEMU's own virt machine (with its SMMUv3), so that make
# bench compares the DART with virt without an IOMMU and with an SMMUv3
# in one binary. Only make bench builds this (in build/qemu-bench).
# Built with: configure --without-default-devices --with-devices-aarch64=apple-virt-bench

include apple-virt.mak

CONFIG_ARM_VIRT=y
