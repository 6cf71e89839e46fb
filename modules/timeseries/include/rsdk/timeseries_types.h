/* rsdk/timeseries_types.h — result types of the RedisTimeSeries bindings
 * (rsdk/timeseries.h includes this header).
 *
 * Samples are arrays of {int64_t ts; double value}, the same on RESP2
 * (where the server sends values as text) and RESP3 (doubles). TS.MRANGE,
 * TS.MREVRANGE and TS.MGET give one entry per series (or per GROUPBY
 * group) with its labels and samples, whether the server sent RESP3's map
 * or RESP2's array. Strings (keys, labels) point into the reply and live as
 * long as it does.
 *
 * Ownership as for every typed result: a sync call (rts_range) sets
 * `owner` to the reply and the caller releases everything with the type's
 * _deinit; a decoder (rts_range_decode) borrows the reply it was given
 * (`owner` NULL) but still allocates the arrays, so _deinit is needed in
 * both cases. The _read functions are what the generated decoders call on
 * the reply in its RESP3 form; they allocate through rsdk's hooks
 * (RSDK_ERR_NOMEM) and refuse a reply of another shape with
 * RSDK_ERR_UNEXPECTED_REPLY. */
#ifndef RSDK_TIMESERIES_TYPES_H
#define RSDK_TIMESERIES_TYPES_H

#include <stddef.h>
#include <stdint.h>

#include "rsdk/common.h"
#include "rsdk/error.h"
#include "rsdk/reply.h"
#include "rsdk/typed.h"

#ifdef __cplusplus
extern "C" {
#endif

/* One sample of a series. */
typedef struct rts_sample {
    int64_t ts;   /* milliseconds since the epoch (or the bucket's start) */
    double value;
} rts_sample;

/* Samples: TS.RANGE, TS.REVRANGE (in the order sent) and TS.GET (one
 * sample, or none for an empty series). */
typedef struct rts_samples {
    const rsdk_reply *reply; /* the whole reply (RESP3 form) */
    rsdk_reply *owner;       /* set by a sync call; freed by rts_samples_deinit */
    rts_sample *items;       /* `count` samples (allocated) */
    size_t count;
} rts_samples;

/* Reads `tree` ([[ts, value]...], or TS.GET's [ts, value] or []) into
 * `out`. */
RSDK_API rsdk_status rts_samples_read(const rsdk_reply *tree, rts_samples *out, rsdk_error *err);
/* Frees the items and the owner; accepts NULL. */
RSDK_API void rts_samples_deinit(rts_samples *v);

/* TS.MADD: per sample its timestamp, or the server's refusal of it (a
 * sample for a key that is no series, a duplicate the policy blocks): the
 * other samples are added all the same. */
typedef struct rts_added_item {
    int64_t ts;
    rsdk_str error; /* {NULL, 0}, or the error text for this sample */
} rts_added_item;

typedef struct rts_added {
    const rsdk_reply *reply;
    rsdk_reply *owner;
    rts_added_item *items; /* `count` results, in the order of the samples (allocated) */
    size_t count;
    size_t failed;         /* how many items carry an error */
} rts_added;

RSDK_API rsdk_status rts_added_read(const rsdk_reply *tree, rts_added *out, rsdk_error *err);
RSDK_API void rts_added_deinit(rts_added *v);

/* One series of TS.MRANGE / TS.MREVRANGE / TS.MGET. */
typedef struct rts_series_entry {
    rsdk_str key;         /* the series' key; with GROUPBY the group ("room=kitchen") */
    const rsdk_pair *labels; /* name/value pairs (WITHLABELS, SELECTED_LABELS; a label
                           * the series lacks has a nil value); none without them */
    size_t label_count;
    const rts_sample *samples; /* TS.MGET: the last sample, or none */
    size_t sample_count;
    const rsdk_reply *meta;  /* RESP3 only: the map of aggregators / reducers and
                              * sources the server adds, else NULL */
} rts_series_entry;

typedef struct rts_series {
    const rsdk_reply *reply;
    rsdk_reply *owner;
    rts_series_entry *items; /* `count` entries (allocated, with their labels and samples) */
    size_t count;
} rts_series;

/* Reads `tree` (RESP3: a map key -> [labels, (meta...,) samples]; RESP2:
 * [[key, labels, samples]...]) into `out`. */
RSDK_API rsdk_status rts_series_read(const rsdk_reply *tree, rts_series *out, rsdk_error *err);
RSDK_API void rts_series_deinit(rts_series *v);

/* A compaction rule of TS.INFO. */
typedef struct rts_rule {
    rsdk_str dest_key;
    int64_t bucket_duration;
    rsdk_str aggregator;  /* as the server names it: "AVG", ... */
    int64_t align;        /* alignTimestamp */
} rts_rule;

/* TS.INFO. Fields the server did not send stay 0 / {NULL, 0}. */
typedef struct rts_series_info {
    const rsdk_reply *reply;
    rsdk_reply *owner;
    int64_t total_samples, memory_usage, first_timestamp, last_timestamp;
    int64_t retention_time, chunk_count, chunk_size;
    rsdk_str chunk_type;       /* "compressed", "uncompressed" */
    rsdk_str duplicate_policy; /* {NULL, 0} when none is set */
    rsdk_str source_key;       /* the series this one is compacted from, or {NULL, 0} */
    int64_t ignore_max_time_diff;
    double ignore_max_val_diff;
    const rsdk_pair *labels;
    size_t label_count;
    const rts_rule *rules;
    size_t rule_count;
} rts_series_info;

RSDK_API rsdk_status rts_series_info_read(const rsdk_reply *tree, rts_series_info *out, rsdk_error *err);
RSDK_API void rts_series_info_deinit(rts_series_info *v);

#ifdef __cplusplus
}
#endif
#endif
