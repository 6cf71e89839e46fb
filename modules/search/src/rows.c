/* FT.AGGREGATE and FT.CURSOR READ replies as rsearch_rows. */
#include <stddef.h>
#include <string.h>

#include "internal.h"
#include "rsdk/search_aggregate.h"
#include "runtime/src/base/alloc.h"

#define CMD "FT.AGGREGATE"

static rsdk_status rows_resp3(const rsdk_reply *m, rsearch_rows *o, rsdk_error *err) {
    const rsdk_reply *total = rsearch__get(m, "total_results");
    const rsdk_reply *res = rsearch__get(m, "results");
    if (res == NULL || res->type != RSDK_REPLY_ARRAY)
        return rsearch__unexpected(err, CMD, "map without a results array");
    o->total = total != NULL && total->type == RSDK_REPLY_INTEGER ? total->integer : 0;
    o->warning = rsearch__get(m, "warning");
    o->count = res->elements;
    o->rows = rsdk__calloc(o->count ? o->count : 1, sizeof *o->rows);
    if (o->rows == NULL) return rsdk_error_set(err, RSDK_ERR_NOMEM, 0, NULL);
    for (size_t i = 0; i < o->count; i++) {
        const rsdk_reply *row = rsearch__get(&res->element[i], "extra_attributes");
        if (res->element[i].type != RSDK_REPLY_MAP || !rsearch__pairs(row, &o->rows[i]))
            return rsearch__unexpected(err, CMD, "results[%zu]: no extra_attributes map", i);
    }
    return RSDK_OK;
}

static rsdk_status rows_resp2(const rsdk_reply *a, rsearch_rows *o, rsdk_error *err) {
    if (a->elements == 0 || a->element[0].type != RSDK_REPLY_INTEGER)
        return rsearch__unexpected(err, CMD, "item 0: expected the total, an integer");
    o->total = a->element[0].integer;
    o->count = a->elements - 1;
    o->rows = rsdk__calloc(o->count ? o->count : 1, sizeof *o->rows);
    if (o->rows == NULL) return rsdk_error_set(err, RSDK_ERR_NOMEM, 0, NULL);
    for (size_t i = 0; i < o->count; i++)
        if (!rsearch__pairs(&a->element[i + 1], &o->rows[i]))
            return rsearch__unexpected(err, CMD, "item %zu: expected a row of field/value pairs", i + 1);
    return RSDK_OK;
}

rsdk_status rsearch_rows_read(const rsdk_reply *r, rsearch_rows *out, rsdk_error *err) {
    rsdk_status s = rsearch__check_reply(r, CMD, err);
    if (s != RSDK_OK) return s;
    if (out == NULL) return rsdk_error_set(err, RSDK_ERR_INVALID_ARG, 0, CMD ": out: NULL");
    rsearch_rows o;
    memset(&o, 0, sizeof o);
    o.reply = r;
    const rsdk_reply *body = r;
    /* [body, cursor id]: RESP3's body is a map, RESP2's an array whose first
     * item is the total (an integer), never an array. */
    if (r->type == RSDK_REPLY_ARRAY && r->elements == 2 && r->element[1].type == RSDK_REPLY_INTEGER &&
        (r->element[0].type == RSDK_REPLY_MAP || r->element[0].type == RSDK_REPLY_ARRAY)) {
        body = &r->element[0];
        o.has_cursor = true;
        o.cursor = (uint64_t)r->element[1].integer;
    }
    if (body->type == RSDK_REPLY_MAP)
        s = rows_resp3(body, &o, err);
    else if (body->type == RSDK_REPLY_ARRAY)
        s = rows_resp2(body, &o, err);
    else
        s = rsearch__unexpected(err, CMD, "unexpected reply type %s (expected map or array)",
                                rsdk_reply_type_str(body->type));
    if (s != RSDK_OK) {
        rsdk__free(o.rows);
        return s;
    }
    *out = o;
    return RSDK_OK;
}

void rsearch_rows_deinit(rsearch_rows *rows) {
    if (rows == NULL) return;
    rsdk__free(rows->rows);
    rsdk_reply_free(rows->owner);
    memset(rows, 0, sizeof *rows);
}

rsdk_string rsearch_row_get(const rsdk_pairs *row, const char *name) {
    size_t n = strlen(name);
    for (size_t i = 0; i < row->count; i++) {
        rsdk_pair p = rsdk_pairs_at(row, i);
        if (p.key.len == n && memcmp(p.key.ptr, name, n) == 0) return p.value;
    }
    return (rsdk_string){NULL, 0, true, NULL};
}

static rsdk_status read_rows(const rsdk_reply *r, const void *ctx, void *out, rsdk_error *err) {
    (void)ctx;
    return rsearch_rows_read(r, out, err);
}

rsdk_status rsearch_ft_aggregate(const rsearch_ft *ft, rsdk_str index, rsdk_str query,
                                 const rsearch_aggregate_opts *opts, rsearch_rows *out) {
    rsdk_status chk = rsearch__check_target(ft, index, "FT.AGGREGATE", "index");
    if (chk != RSDK_OK) return chk;
    rsearch_aggregate_opts o;
    if (opts != NULL) o = *opts;
    else memset(&o, 0, sizeof o);
    o.has_dialect = rsearch__dialect(ft, o.has_dialect, o.dialect, &o.dialect);
    rsdk_gen_call k;
    rsdk_gen_call_init(&k, ft->c);
    rsdk_status s = rsearch_aggregate_encode(&k.buf, index, query, &o, &k.err);
    return rsearch__call(&k, s, read_rows, NULL, out, offsetof(rsearch_rows, owner));
}

/* FT.CURSOR READ, typed (the cursor's later pages). */
rsdk_status rsearch__cursor_read(rsdk_client *c, rsdk_str index, uint64_t id, int64_t count,
                                 rsearch_rows *out) {
    rsearch_cursor_read_opts o = {.has_read_size = count > 0, .read_size = count};
    rsdk_gen_call k;
    rsdk_gen_call_init(&k, c);
    rsdk_status s = rsearch_cursor_read_encode(&k.buf, index, (int64_t)id, &o, &k.err);
    return rsearch__call(&k, s, read_rows, NULL, out, offsetof(rsearch_rows, owner));
}
