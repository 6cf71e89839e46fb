/* rsdk/bloom_dump.h — copying a Bloom or cuckoo filter chunk by chunk.
 *
 * BF.SCANDUMP / CF.SCANDUMP hand a filter out in chunks: start with
 * iterator 0, pass each returned iterator back, stop when it is 0 again.
 * BF.LOADCHUNK / CF.LOADCHUNK take the chunks, in the same order, with
 * their iterators, to rebuild the filter under another key (or on another
 * server). */
#ifndef RSDK_BLOOM_DUMP_H
#define RSDK_BLOOM_DUMP_H

#include <stdbool.h>
#include <stddef.h>

#include "rsdk/bloom.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum rbloom_filter_kind {
    RBLOOM_FILTER_BLOOM = 1, /* BF.SCANDUMP / BF.LOADCHUNK */
    RBLOOM_FILTER_CUCKOO,    /* CF.SCANDUMP / CF.LOADCHUNK */
} rbloom_filter_kind;

/* A dump in progress. Plain data; init it, then call next until done. */
typedef struct rbloom_dump {
    rsdk_client *c;
    rbloom_filter_kind kind;
    rsdk_str key;      /* borrowed: must outlive the dump */
    int64_t iterator;  /* the next SCANDUMP's iterator */
    bool done;
} rbloom_dump;

/* Starts dumping `key` (a filter of `kind`) on `c`. Nothing is sent. */
RSDK_API void rbloom_dump_init(rbloom_dump *d, rsdk_client *c, rbloom_filter_kind kind, rsdk_str key);

/* Fetches the next chunk into *chunk (the caller's: rbloom_chunk_deinit).
 * When the server answers iterator 0 the dump is over: d->done is set and
 * nothing is written to *chunk (RSDK_OK). Errors are the call's (a missing
 * key: the server's error; RSDK_ERR_INVALID_ARG for a bad kind). */
RSDK_API rsdk_status rbloom_dump_next(rbloom_dump *d, rbloom_chunk *chunk);

/* Sends one chunk to `key` with LOADCHUNK of `kind`. */
RSDK_API rsdk_status rbloom_load_chunk(rsdk_client *c, rbloom_filter_kind kind, rsdk_str key,
                                       const rbloom_chunk *chunk);

/* Copies the filter `src` to `dst` (which must not exist yet) on `c`, chunk
 * by chunk; *chunks (may be NULL) is the number of chunks sent. On failure
 * `dst` may hold part of the filter. */
RSDK_API rsdk_status rbloom_filter_copy(rsdk_client *c, rbloom_filter_kind kind, rsdk_str src,
                                        rsdk_str dst, size_t *chunks);

#ifdef __cplusplus
}
#endif
#endif
