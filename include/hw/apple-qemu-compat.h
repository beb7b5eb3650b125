/*
 * What differs, for this project, between the QEMU series it builds
 * against (scripts/versions.sh: 10.0 LTS, the default, and 10.2). All
 * else in its files is written for both; keep this the one such place.
 *
 * Copyright (c) 2026 The apple-dart QEMU model authors
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#ifndef HW_APPLE_QEMU_COMPAT_H
#define HW_APPLE_QEMU_COMPAT_H

/*
 * Both changed in QEMU 10.1:
 *
 * AppleClassData: what a TypeInfo's class_init gets as its class_data,
 * now const. Declare class_init(ObjectClass *oc, AppleClassData *data).
 *
 * APPLE_AARCH64_MACHINE_INTERFACES: what a machine's TypeInfo lists as
 * .interfaces to be one of qemu-system-aarch64's machines. From 10.1 a
 * binary offers only the machines that implement its target's machine
 * interface (hw/arm/machines-qom.h); before, all, and there was none.
 */
#if QEMU_VERSION_MAJOR * 100 + QEMU_VERSION_MINOR >= 1001
typedef const void AppleClassData;
#include "hw/arm/machines-qom.h"
#define APPLE_AARCH64_MACHINE_INTERFACES aarch64_machine_interfaces
#else
typedef void AppleClassData;
#define APPLE_AARCH64_MACHINE_INTERFACES NULL
#endif

/*
 * From QEMU 10.2 vmstate_save_state() and vmstate_load_state() report
 * errors through an Error **: apple_vmstate_save()/apple_vmstate_load()
 * take one on both series, and set nothing in it before 10.2.
 */
#if QEMU_VERSION_MAJOR * 100 + QEMU_VERSION_MINOR >= 1002
#define apple_vmstate_save(f, vmsd, opaque, errp) \
    vmstate_save_state(f, vmsd, opaque, NULL, errp)
#define apple_vmstate_load(f, vmsd, opaque, version_id, errp) \
    vmstate_load_state(f, vmsd, opaque, version_id, errp)
#else
#define apple_vmstate_save(f, vmsd, opaque, errp) \
    vmstate_save_state(f, vmsd, opaque, NULL)
#define apple_vmstate_load(f, vmsd, opaque, version_id, errp) \
    vmstate_load_state(f, vmsd, opaque, version_id)
#endif

#endif
