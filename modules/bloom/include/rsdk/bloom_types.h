/* rsdk/bloom_types.h — result types of the RedisBloom bindings
 * (rsdk/bloom.h includes this header): the INFO records of each family,
 * SCANDUMP chunks and TOPK.LIST's items. Each reads the same from RESP2
 * and RESP3 replies.
 *
 * Ownership as for every typed result: a sync call sets `owner` to the
 * reply and the caller releases it with the type's _deinit; a decoder
 * borrows the reply it was given (`owner` NULL). Strings point into the
 * reply. The _read functions are what the generated decoders call on the
 * reply in its RESP3 form; a reply of another shape gives
 * RSDK_ERR_UNEXPECTED_REPLY. */
#ifndef RSDK_BLOOM_TYPES_H
#define RSDK_BLOOM_TYPES_H

#include <stddef.h>
#include <stdint.h>

#include "rsdk/common.h"
#include "rsdk/error.h"
#include "rsdk/reply.h"
#include "rsdk/typed.h"

#ifdef __cplusplus
extern "C" {
#endif

/* BF.INFO. With one of its single-value options the server sends only that
 * value: it is in `value` (and, on RESP3, also in its named field). */
typedef struct rbloom_bf_summary {
    const rsdk_reply *reply;
    rsdk_reply *owner;
    int64_t capacity, size, filters, items, expansion;
    int64_t value; /* the one value a single-value query returned */
    bool single;   /* the reply held one value only */
} rbloom_bf_summary;

/* CF.INFO. */
typedef struct rbloom_cf_summary {
    const rsdk_reply *reply;
    rsdk_reply *owner;
    int64_t size, buckets, filters, items_inserted, items_deleted, bucket_size, expansion,
        max_iterations;
} rbloom_cf_summary;

/* CMS.INFO. */
typedef struct rbloom_cms_summary {
    const rsdk_reply *reply;
    rsdk_reply *owner;
    int64_t width, depth, count;
} rbloom_cms_summary;

/* TOPK.INFO. */
typedef struct rbloom_topk_summary {
    const rsdk_reply *reply;
    rsdk_reply *owner;
    int64_t k, width, depth;
    double decay;
} rbloom_topk_summary;

/* TDIGEST.INFO. */
typedef struct rbloom_tdigest_summary {
    const rsdk_reply *reply;
    rsdk_reply *owner;
    int64_t compression, capacity, merged_nodes, unmerged_nodes, observations, total_compressions,
        memory_usage;
    double merged_weight, unmerged_weight;
} rbloom_tdigest_summary;

/* One chunk of BF.SCANDUMP / CF.SCANDUMP: pass both to BF.LOADCHUNK /
 * CF.LOADCHUNK. Iterator 0 (with empty data) ends a dump. */
typedef struct rbloom_chunk {
    const rsdk_reply *reply;
    rsdk_reply *owner;
    int64_t iterator;
    rsdk_str data; /* binary; borrowed from the reply */
} rbloom_chunk;

/* TOPK.LIST: the items, and with WITHCOUNT their counts. */
typedef struct rbloom_topk_item {
    rsdk_str item;
    int64_t count;  /* 0 without WITHCOUNT */
    bool has_count;
} rbloom_topk_item;

typedef struct rbloom_topk_items {
    const rsdk_reply *reply;
    rsdk_reply *owner;
    rbloom_topk_item *items; /* `count` items (allocated) */
    size_t count;
} rbloom_topk_items;

/* Readers (called by the generated decoders) and releases (accept NULL). */
RSDK_API rsdk_status rbloom_bf_summary_read(const rsdk_reply *tree, rbloom_bf_summary *out, rsdk_error *err);
RSDK_API void rbloom_bf_summary_deinit(rbloom_bf_summary *v);
RSDK_API rsdk_status rbloom_cf_summary_read(const rsdk_reply *tree, rbloom_cf_summary *out, rsdk_error *err);
RSDK_API void rbloom_cf_summary_deinit(rbloom_cf_summary *v);
RSDK_API rsdk_status rbloom_cms_summary_read(const rsdk_reply *tree, rbloom_cms_summary *out, rsdk_error *err);
RSDK_API void rbloom_cms_summary_deinit(rbloom_cms_summary *v);
RSDK_API rsdk_status rbloom_topk_summary_read(const rsdk_reply *tree, rbloom_topk_summary *out, rsdk_error *err);
RSDK_API void rbloom_topk_summary_deinit(rbloom_topk_summary *v);
RSDK_API rsdk_status rbloom_tdigest_summary_read(const rsdk_reply *tree, rbloom_tdigest_summary *out,
                                              rsdk_error *err);
RSDK_API void rbloom_tdigest_summary_deinit(rbloom_tdigest_summary *v);
RSDK_API rsdk_status rbloom_chunk_read(const rsdk_reply *tree, rbloom_chunk *out, rsdk_error *err);
RSDK_API void rbloom_chunk_deinit(rbloom_chunk *v);
RSDK_API rsdk_status rbloom_topk_items_read(const rsdk_reply *tree, rbloom_topk_items *out, rsdk_error *err);
RSDK_API void rbloom_topk_items_deinit(rbloom_topk_items *v);

#ifdef __cplusplus
}
#endif
#endif
