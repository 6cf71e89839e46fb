/* Internal: reading samples, shared by the samples, series and info
 * readers. */
#ifndef RTS_SRC_SAMPLES_H
#define RTS_SRC_SAMPLES_H

#include "rsdk/timeseries_types.h"

/* `n` as samples: a list [[ts, value]...], one sample [ts, value] (TS.GET,
 * TS.MGET), or empty. Sets *count; false when `n` is neither. */
bool rts__samples_count(const rsdk_reply *n, size_t *count);

/* Writes the `count` samples of `n` (as counted above) to `out`; false when
 * one is not [integer, number]. */
bool rts__samples_fill(const rsdk_reply *n, rts_sample *out);

#endif
