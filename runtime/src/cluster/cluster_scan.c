/* A cluster-wide SCAN: each shard's primary in slot order, SCAN's cursor on
 * one node at a time. The position is the first slot of the shard being
 * scanned, so a scan survives a slot map that changes under it. */
#include <stdio.h>

#include "alloc.h"
#include "cluster_types.h"

void rsdk_cluster_scan_init(rsdk_cluster_scan *s) {
    memset(s, 0, sizeof *s);
    memcpy(s->cursor, "0", 2);
}

/* The node owning `slot` and the first slot after its shard's run of slots
 * that starts at `slot`. */
static rsdk__cnode *shard_at(rsdk_cluster *cl, unsigned slot, unsigned *next) {
    pthread_mutex_lock(&cl->mu);
    const rsdk__cmap *m = cl->map;
    rsdk__cnode *n = NULL;
    while (slot < RSDK__SLOTS && m->slot[slot] == RSDK__NO_SHARD) slot++;
    if (slot < RSDK__SLOTS) {
        uint16_t sh = m->slot[slot];
        n = cl->nodes[m->shards[sh].primary];
        while (slot < RSDK__SLOTS && m->slot[slot] == sh) slot++;
    }
    *next = slot;
    pthread_mutex_unlock(&cl->mu);
    return n;
}

rsdk_status rsdk_cluster_scan_next(rsdk_cluster *cl, rsdk_cluster_scan *s, const char *match,
                                   size_t count, rsdk_reply **keys, rsdk_error *err) {
    if (cl == NULL || s == NULL || keys == NULL)
        return rsdk_error_set(err, RSDK_ERR_INVALID_ARG, 0, "scan needs a cluster, a state and a result");
    if (s->done) return rsdk_error_set(err, RSDK_ERR_INVALID_ARG, 0, "the scan is over");
    unsigned next;
    rsdk__cnode *n = shard_at(cl, s->next_slot, &next);
    if (n == NULL) {
        s->done = true;
        return rsdk__reply_from_bytes(&(rsdk_buf){"*0\r\n", 4, 4, RSDK_OK}, keys);
    }
    char num[24];
    const char *argv[6] = {"SCAN", s->cursor};
    size_t argc = 2;
    if (match) argv[argc++] = "MATCH", argv[argc++] = match;
    if (count) {
        snprintf(num, sizeof num, "%zu", count);
        argv[argc++] = "COUNT", argv[argc++] = num;
    }
    rsdk_pool *pool;
    rsdk_status st = rsdk__cnode_pool(cl, n, &pool, err);
    rsdk_reply *r = NULL;
    if (st == RSDK_OK) st = rsdk_pool_command_argv(pool, argc, argv, NULL, &r, err);
    if (st) return st;
    if (r->type != RSDK_REPLY_ARRAY || r->elements != 2 || r->element[0].type != RSDK_REPLY_STRING ||
        r->element[0].len >= sizeof s->cursor || !rsdk_reply_is_aggregate(&r->element[1])) {
        rsdk_reply_free(r);
        return rsdk_error_set(err, RSDK_ERR_UNEXPECTED_REPLY, 0, "SCAN: reply is not [cursor, keys]");
    }
    rsdk_buf b;
    rsdk_buf_init(&b);
    rsdk__reply_write(&b, &r->element[1]);
    rsdk_reply *page = NULL;
    st = rsdk__reply_from_bytes(&b, &page);
    rsdk_buf_deinit(&b);
    if (st) {
        rsdk_reply_free(r);
        return rsdk_error_set(err, st, 0, "no memory for a SCAN page");
    }
    memcpy(s->cursor, r->element[0].str, r->element[0].len + 1);
    if (strcmp(s->cursor, "0") == 0) {
        /* This shard is done: the next one starts where its slots end. */
        s->next_slot = next;
        if (next >= RSDK__SLOTS) s->done = true;
    }
    rsdk_reply_free(r);
    *keys = page;
    return RSDK_OK;
}
