/* An aggregate read page by page: FT.AGGREGATE ... WITHCURSOR, then
 * FT.CURSOR READ until the server answers cursor id 0, FT.CURSOR DEL when
 * the caller stops early. */
#include <string.h>

#include "internal.h"
#include "rsdk/search_aggregate.h"
#include "runtime/src/base/alloc.h"

struct rsearch_cursor {
    rsdk_client *c;
    char *index;
    size_t index_len;
    int64_t count;      /* COUNT of every read; 0: the server's default */
    uint64_t id;        /* server-side id; 0 once exhausted */
    bool have_first;    /* the first page is still to be handed over */
    rsearch_rows first;
};

rsdk_status rsearch_cursor_open(const rsearch_ft *ft, rsdk_str index, rsdk_str query,
                                const rsearch_aggregate_opts *opts, rsearch_cursor **out) {
    rsdk_status chk = rsearch__check_target(ft, index, "FT.AGGREGATE", "index");
    if (chk != RSDK_OK) return chk;
    if (out == NULL) return RSDK_ERR_INVALID_ARG;
    rsearch_aggregate_opts o;
    if (opts != NULL) o = *opts;
    else memset(&o, 0, sizeof o);
    rsearch_aggregate_cursor wc = {0};
    if (o.cursor == NULL) o.cursor = &wc;
    rsearch_cursor *cur = rsdk__calloc(1, sizeof *cur);
    char *name = rsdk__malloc(index.len + 1);
    if (cur == NULL || name == NULL) {
        rsdk__free(cur);
        rsdk__free(name);
        rsdk_error e;
        rsdk_error_set(&e, RSDK_ERR_NOMEM, 0, "FT.AGGREGATE: no memory for the cursor");
        return rsdk_client_set_error(ft->c, &e);
    }
    if (index.len > 0 && index.ptr != NULL) memcpy(name, index.ptr, index.len);
    name[index.len] = '\0';
    rsdk_status s = rsearch_ft_aggregate(ft, index, query, &o, &cur->first);
    if (s == RSDK_OK && !cur->first.has_cursor) {
        rsearch_rows_deinit(&cur->first);
        rsdk_error e;
        rsdk_error_set(&e, RSDK_ERR_UNEXPECTED_REPLY, 0, "FT.AGGREGATE: no cursor id in the reply");
        s = rsdk_client_set_error(ft->c, &e);
    }
    if (s != RSDK_OK) {
        rsdk__free(name);
        rsdk__free(cur);
        return s;
    }
    cur->c = ft->c;
    cur->index = name;
    cur->index_len = index.len;
    cur->count = o.cursor->has_read_size ? o.cursor->read_size : 0;
    cur->id = cur->first.cursor;
    cur->have_first = true;
    *out = cur;
    return RSDK_OK;
}

rsdk_status rsearch_cursor_next(rsearch_cursor *cur, rsearch_rows *page, bool *more) {
    if (cur == NULL || page == NULL || more == NULL) return RSDK_ERR_INVALID_ARG;
    if (cur->have_first) {
        cur->have_first = false;
        *page = cur->first;
        memset(&cur->first, 0, sizeof cur->first);
        *more = true;
        return RSDK_OK;
    }
    if (cur->id == 0) {
        *more = false;
        return RSDK_OK;
    }
    rsearch_rows r;
    rsdk_status s = rsearch__cursor_read(cur->c, rsdk_str_n(cur->index, cur->index_len), cur->id,
                                         cur->count, &r);
    if (s != RSDK_OK) {
        cur->id = 0; /* the server drops a cursor whose read failed */
        return s;
    }
    cur->id = r.cursor;
    *page = r;
    *more = true;
    return RSDK_OK;
}

uint64_t rsearch_cursor_id(const rsearch_cursor *cur) { return cur != NULL ? cur->id : 0; }

rsdk_status rsearch_cursor_close(rsearch_cursor *cur) {
    if (cur == NULL) return RSDK_OK;
    rsdk_status s = RSDK_OK;
    if (cur->id != 0)
        s = rsearch_cursor_del(cur->c, rsdk_str_n(cur->index, cur->index_len), (int64_t)cur->id);
    rsearch_rows_deinit(&cur->first);
    rsdk__free(cur->index);
    rsdk__free(cur);
    return s;
}
