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

/* One SCAN round trip from it->cursor. */
static rsdk_status fetch(rcore_scan_iter *it, rsdk_reply **out) {
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

/* The cursor is an unsigned 64-bit number sent as a bulk string. */
static bool parse_cursor(const rsdk_reply *r, uint64_t *out) {
    if (r->type != RSDK_REPLY_STRING || r->len == 0 || r->len > 20) return false;
    uint64_t v = 0;
    for (size_t i = 0; i < r->len; i++) {
        unsigned d = (unsigned)(r->str[i] - '0');
        if (d > 9 || v > (UINT64_MAX - d) / 10) return false;
        v = v * 10 + d;
    }
    *out = v;
    return true;
}

static bool valid_page(const rcore_scan_iter *it, const rsdk_reply *r, uint64_t *cursor) {
    if (r->type != RSDK_REPLY_ARRAY || r->elements != 2) return false;
    if (!parse_cursor(&r->element[0], cursor)) return false;
    const rsdk_reply *items = &r->element[1];
    if (items->type != RSDK_REPLY_ARRAY) return false;
    bool pairs = it->kind == RCORE_SCAN_HASH || it->kind == RCORE_SCAN_ZSET;
    if (pairs && items->elements % 2 != 0) return false;
    for (size_t i = 0; i < items->elements; i++)
        if (items->element[i].type != RSDK_REPLY_STRING) return false;
    return true;
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
        rsdk_reply *r = NULL;
        rsdk_status s = fetch(it, &r);
        if (s != RSDK_OK) return s;
        uint64_t cursor = 0;
        if (!valid_page(it, r, &cursor)) {
            rsdk_reply_free(r);
            rsdk_error e;
            rsdk_error_set(&e, RSDK_ERR_UNEXPECTED_REPLY, 0, "scan reply is not [cursor, [elements]]");
            return rsdk_client_set_error(it->c, &e);
        }
        /* A cursor of 0 ends the iteration after this page. */
        it->cursor = cursor;
        it->finished = cursor == 0;
        it->page = r;
        it->pos = 0;
    }
}
