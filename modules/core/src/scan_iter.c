/* SCAN-family iteration over the generated rcore_*scan calls. */
#include "rsdk/core_scan.h"

void rcore_scan_iter_init(rcore_scan_iter *it, rsdk_client *c, rcore_scan_kind kind, rsdk_str key,
                          const rcore_scan_iter_opts *opts) {
    memset(it, 0, sizeof *it);
    it->c = c;
    it->kind = kind;
    it->key = key;
    if (opts != NULL) it->opts = *opts;
}

void rcore_scan_iter_deinit(rcore_scan_iter *it) {
    if (it == NULL) return;
    rsdk_reply_free(it->page);
    it->page = NULL;
}

/* One SCAN round trip from it->cursor: a page whose cursor and items the
 * typed call has already checked (rsdk_scan_page). */
static rsdk_status fetch(rcore_scan_iter *it, rsdk_scan_page *out) {
    const rcore_scan_iter_opts *o = &it->opts;
    bool has_count = o->count > 0;
    switch (it->kind) {
    case RCORE_SCAN_KEYS: {
        rcore_scan_opts so = {.pattern = o->match, .has_count = has_count, .count = o->count, .type = o->type};
        return rcore_scan(it->c, it->cursor, &so, out);
    }
    case RCORE_SCAN_SET: {
        rcore_sscan_opts so = {.pattern = o->match, .has_count = has_count, .count = o->count};
        return rcore_sscan(it->c, it->key, it->cursor, &so, out);
    }
    case RCORE_SCAN_HASH: {
        rcore_hscan_opts so = {.pattern = o->match, .has_count = has_count, .count = o->count};
        return rcore_hscan(it->c, it->key, it->cursor, &so, out);
    }
    case RCORE_SCAN_ZSET: {
        rcore_zscan_opts so = {.pattern = o->match, .has_count = has_count, .count = o->count};
        return rcore_zscan(it->c, it->key, it->cursor, &so, out);
    }
    }
    rsdk_error e;
    rsdk_error_set(&e, RSDK_ERR_INVALID_ARG, 0, "scan iterator: unknown kind %d", (int)it->kind);
    return rsdk_client_set_error(it->c, &e);
}

rsdk_status rcore_scan_iter_next(rcore_scan_iter *it, rsdk_str *item, rsdk_str *value, bool *more) {
    if (it == NULL || item == NULL || more == NULL) return RSDK_ERR_INVALID_ARG;
    size_t step = (it->kind == RCORE_SCAN_HASH || it->kind == RCORE_SCAN_ZSET) ? 2 : 1;
    for (;;) {
        if (it->page != NULL) {
            const rsdk_reply *items = &it->page->element[1];
            if (it->pos + step <= items->elements) {
                const rsdk_reply *a = &items->element[it->pos];
                *item = rsdk_str_n(a->str, a->len);
                if (value != NULL)
                    *value = step == 2 ? rsdk_str_n(a[1].str, a[1].len) : rsdk_str_n(NULL, 0);
                it->pos += step;
                *more = true;
                return RSDK_OK;
            }
            rsdk_reply_free(it->page);
            it->page = NULL;
        }
        if (it->finished) {
            *more = false;
            return RSDK_OK;
        }
        rsdk_scan_page pg;
        rsdk_status s = fetch(it, &pg);
        if (s != RSDK_OK) return s;
        if (pg.count % step != 0) { /* HSCAN and ZSCAN send whole pairs */
            rsdk_scan_page_deinit(&pg);
            rsdk_error e;
            rsdk_error_set(&e, RSDK_ERR_UNEXPECTED_REPLY, 0, "scan reply has an odd number of pair items");
            return rsdk_client_set_error(it->c, &e);
        }
        /* A cursor of 0 ends the iteration after this page. */
        it->cursor = pg.cursor;
        it->finished = pg.cursor == 0;
        it->page = pg.owner;
        it->pos = 0;
    }
}
