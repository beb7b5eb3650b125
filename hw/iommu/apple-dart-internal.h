/*
 * Apple DART: what the model's files share with each other
 *
 * Copyright (c) 2026 The apple-dart QEMU model authors
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#ifndef HW_IOMMU_APPLE_DART_INTERNAL_H
#define HW_IOMMU_APPLE_DART_INTERNAL_H

#include "hw/iommu/apple-dart.h"
#include "qemu/cutils.h"
#include "qobject/qdict.h"

/*
 * Key @key of @args (as keyval_parse() returns them) as a number; false
 * if it is not there or not a number.
 */
static inline bool apple_dart_arg_u64(QDict *args, const char *key,
                                      uint64_t *val)
{
    const char *str = qdict_get_try_str(args, key);

    return str && !qemu_strtou64(str, NULL, 0, val);
}

/* apple-dart.c */

/* Whether TTBR and TCR are locked. */
bool apple_dart_is_locked(AppleDARTState *s);

/* "none", "r", "w" or "rw" */
const char *apple_dart_perm_name(IOMMUAccessFlags perm);

/* What stream @sid's DMA does now: disabled, blocked, bypass, translate */
const char *apple_dart_stream_mode_name(AppleDARTState *s, unsigned sid);

/* TLB invalidation of stream @sid, as the guest's command does it */
void apple_dart_invalidate(AppleDARTState *s, unsigned sid);

/*
 * Copy @size bytes of page tables at @addr into @buf; false if they are
 * not all in RAM, where the DART's walks read them.
 */
bool apple_dart_read_tables(AppleDARTState *s, hwaddr addr, void *buf,
                            hwaddr size);

/* apple-dart-bench.c */

/* Time the model's hot paths on stream tables the caller set up. */
void apple_dart_microbench(AppleDARTState *s, const char *spec,
                           Error **errp);

/* apple-dart-state.c */

/*
 * The DART's state as JSON, for people and scripts: generation, lock,
 * the streams in use with their registers and live mappings (merged
 * into IOVA ranges), TLB and fault statistics.
 */
char *apple_dart_state_json(AppleDARTState *s);

#endif /* HW_IOMMU_APPLE_DART_INTERNAL_H */
