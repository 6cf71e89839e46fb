/* SCANDUMP until iterator 0, LOADCHUNK each chunk: rsdk/bloom_dump.h. */
#include <string.h>

#define RBLOOM_NO_MACROS 1
#include "rsdk/bloom_dump.h"

void rbloom_dump_init(rbloom_dump *d, rsdk_client *c, rbloom_filter_kind kind, rsdk_str key) {
    d->c = c;
    d->kind = kind;
    d->key = key;
    d->iterator = 0;
    d->done = false;
}

rsdk_status rbloom_dump_next(rbloom_dump *d, rbloom_chunk *chunk) {
    if (d->done) return RSDK_OK;
    rbloom_chunk got;
    rsdk_status st;
    if (d->kind == RBLOOM_FILTER_BLOOM)
        st = rbloom_bf_scandump(d->c, d->key, d->iterator, &got);
    else if (d->kind == RBLOOM_FILTER_CUCKOO)
        st = rbloom_cf_scandump(d->c, d->key, d->iterator, &got);
    else
        return RSDK_ERR_INVALID_ARG;
    if (st != RSDK_OK) return st;
    if (got.iterator == 0) {
        d->done = true;
        rbloom_chunk_deinit(&got);
        return RSDK_OK;
    }
    d->iterator = got.iterator;
    *chunk = got;
    return RSDK_OK;
}

rsdk_status rbloom_load_chunk(rsdk_client *c, rbloom_filter_kind kind, rsdk_str key, const rbloom_chunk *chunk) {
    if (kind == RBLOOM_FILTER_BLOOM) return rbloom_bf_loadchunk(c, key, chunk->iterator, chunk->data);
    if (kind == RBLOOM_FILTER_CUCKOO) return rbloom_cf_loadchunk(c, key, chunk->iterator, chunk->data);
    return RSDK_ERR_INVALID_ARG;
}

rsdk_status rbloom_filter_copy(rsdk_client *c, rbloom_filter_kind kind, rsdk_str src, rsdk_str dst,
                               size_t *chunks) {
    rbloom_dump d;
    size_t n = 0;
    rbloom_dump_init(&d, c, kind, src);
    for (;;) {
        rbloom_chunk ch;
        rsdk_status st = rbloom_dump_next(&d, &ch);
        if (st != RSDK_OK) return st;
        if (d.done) break;
        st = rbloom_load_chunk(c, kind, dst, &ch);
        rbloom_chunk_deinit(&ch);
        if (st != RSDK_OK) return st;
        n++;
    }
    if (chunks != NULL) *chunks = n;
    return RSDK_OK;
}
