# apple-virt and the devices its tests and users put behind its DARTs.
# Built with: configure --without-default-devices --with-devices-aarch64=apple-virt

CONFIG_APPLE_VIRT=y

# DMA initiators
CONFIG_EDU=y
CONFIG_VIRTIO_PCI=y
CONFIG_VIRTIO_BLK=y
CONFIG_USB_STORAGE_CLASSIC=y
# a PCIe USB controller (qemu-xhci) behind the PCIe DART, for U-Boot
CONFIG_USB_XHCI_PCI=y
