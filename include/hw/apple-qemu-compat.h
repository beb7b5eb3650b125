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
 * What a TypeInfo's class_init gets as its class_data: QEMU 10.1 made it
 * const. Declare class_init(ObjectClass *oc, AppleClassData *data).
 */
#if QEMU_VERSION_MAJOR * 100 + QEMU_VERSION_MINOR >= 1001
typedef const void AppleClassData;
#else
typedef void AppleClassData;
#endif

#endif
