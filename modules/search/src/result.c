/* FT.SEARCH replies as rsearch_result: RESP3's map and RESP2's flat array,
 * whose layout the options decide. */
#include <stddef.h>
#include <string.h>

#include "internal.h"
#include "rsdk/search_result.h"
#include "runtime/src/base/alloc.h"

#define CMD "FT.SEARCH"

/* A document's score: a number, or with EXPLAINSCORE [score, explanation]. */
static bool read_score(const rsdk_reply *n, rsearch_doc *d) {
    if (n->type == RSDK_REPLY_ARRAY && n->elements == 2) {
        d->explain = &n->element[1];
        n = &n->element[0];
    }
    d->has_score = rsdk_reply_number(n, &d->score);
    return d->has_score;
}

static bool read_fields(const rsdk_reply *n, rsearch_doc *d) {
    if (n == NULL || n->type == RSDK_REPLY_NIL) return true; /* none (expired meanwhile) */
    return rsearch__pairs(n, &d->fields);
}

static rsdk_status read_resp3(const rsdk_reply *r, rsearch_result *out, rsdk_error *err) {
    const rsdk_reply *total = rsearch__get(r, "total_results");
    const rsdk_reply *res = rsearch__get(r, "results");
    if (total == NULL || total->type != RSDK_REPLY_INTEGER)
        return rsearch__unexpected(err, CMD, "map without an integer total_results");
    if (res == NULL || res->type != RSDK_REPLY_ARRAY)
        return rsearch__unexpected(err, CMD, "map without a results array");
    out->total = total->integer;
    out->warning = rsearch__get(r, "warning");
    out->count = res->elements;
    out->docs = rsdk__calloc(res->elements ? res->elements : 1, sizeof *out->docs);
    if (out->docs == NULL) return rsdk_error_set(err, RSDK_ERR_NOMEM, 0, NULL);
    for (size_t i = 0; i < res->elements; i++) {
        const rsdk_reply *m = &res->element[i];
        rsearch_doc *d = &out->docs[i];
        const rsdk_reply *id = rsearch__get(m, "id");
        const rsdk_reply *score = rsearch__get(m, "score");
        d->payload = rsearch__string(rsearch__get(m, "payload"));
        d->sortkey = rsearch__string(rsearch__get(m, "sortkey"));
        if (m->type != RSDK_REPLY_MAP || id == NULL || !rsearch__is_text(id))
            return rsearch__unexpected(err, CMD, "results[%zu]: not a document with an id", i);
        d->id = rsearch__str(id);
        if (score != NULL && !read_score(score, d))
            return rsearch__unexpected(err, CMD, "results[%zu].score: not a number", i);
        if (!read_fields(rsearch__get(m, "extra_attributes"), d))
            return rsearch__unexpected(err, CMD, "results[%zu].extra_attributes: not a map", i);
    }
    return RSDK_OK;
}

static rsdk_status read_resp2(const rsdk_reply *r, const rsearch_search_opts *o, rsearch_result *out,
                              rsdk_error *err) {
    bool scores = o && o->withscores, payloads = o && o->withpayloads,
         sortkeys = o && o->withsortkeys, fields = !(o && o->nocontent);
    size_t step = 1 + (size_t)scores + (size_t)payloads + (size_t)sortkeys + (size_t)fields;
    if (r->elements == 0 || r->element[0].type != RSDK_REPLY_INTEGER)
        return rsearch__unexpected(err, CMD, "item 0: expected the total, an integer");
    if ((r->elements - 1) % step != 0)
        return rsearch__unexpected(err, CMD,
                                   "%zu items do not make documents of %zu items each (the "
                                   "options given do not match the reply)",
                                   r->elements - 1, step);
    out->total = r->element[0].integer;
    out->count = (r->elements - 1) / step;
    out->docs = rsdk__calloc(out->count ? out->count : 1, sizeof *out->docs);
    if (out->docs == NULL) return rsdk_error_set(err, RSDK_ERR_NOMEM, 0, NULL);
    const rsdk_reply *n = &r->element[1];
    for (size_t i = 0; i < out->count; i++) {
        rsearch_doc *d = &out->docs[i];
        size_t at = 1 + i * step;
        if (!rsearch__is_text(n))
            return rsearch__unexpected(err, CMD, "item %zu: expected a document id, got %s", at,
                                       rsdk_reply_type_str(n->type));
        d->id = rsearch__str(n++);
        d->payload = d->sortkey = (rsdk_string){NULL, 0, true, NULL};
        if (scores && !read_score(n++, d))
            return rsearch__unexpected(err, CMD, "item %zu: expected a score", at + 1);
        if (payloads) d->payload = rsearch__string(n++);
        if (sortkeys) d->sortkey = rsearch__string(n++);
        if (fields && !read_fields(n++, d))
            return rsearch__unexpected(err, CMD, "item %zu: expected the fields of %.*s", at + step - 1,
                                       (int)d->id.len, d->id.ptr);
    }
    return RSDK_OK;
}

rsdk_status rsearch_result_read(const rsdk_reply *r, const rsearch_search_opts *opts,
                                rsearch_result *out, rsdk_error *err) {
    rsdk_status s = rsearch__check_reply(r, CMD, err);
    if (s != RSDK_OK) return s;
    if (out == NULL) return rsdk_error_set(err, RSDK_ERR_INVALID_ARG, 0, CMD ": out: NULL");
    rsearch_result res;
    memset(&res, 0, sizeof res);
    res.reply = r;
    if (r->type == RSDK_REPLY_MAP)
        s = read_resp3(r, &res, err);
    else if (r->type == RSDK_REPLY_ARRAY)
        s = read_resp2(r, opts, &res, err);
    else
        s = rsearch__unexpected(err, CMD, "unexpected reply type %s (expected map or array)",
                                rsdk_reply_type_str(r->type));
    if (s != RSDK_OK) {
        rsdk__free(res.docs);
        return s;
    }
    *out = res;
    return RSDK_OK;
}

void rsearch_result_deinit(rsearch_result *res) {
    if (res == NULL) return;
    rsdk__free(res->docs);
    rsdk_reply_free(res->owner);
    memset(res, 0, sizeof *res);
}

rsdk_status rsearch__check_search_opts(const rsearch_search_opts *o, rsdk_error *err) {
    /* Combinations the server refuses, or whose reply the result could not
     * tell apart: refused before anything is sent. */
    const char *arg = NULL, *what = NULL;
    if (o->explainscore && !o->withscores) arg = "opts.explainscore", what = "needs withscores";
    else if (o->nocontent && o->return_ != NULL) arg = "opts.return_", what = "conflicts with nocontent";
    else if (o->nocontent && (o->summarize != NULL || o->highlight != NULL))
        arg = o->summarize ? "opts.summarize" : "opts.highlight", what = "conflicts with nocontent";
    if (arg == NULL) return RSDK_OK;
    return rsdk_error_set(err, RSDK_ERR_INVALID_ARG, 0, CMD ": %s: %s", arg, what);
}

rsdk_string rsearch_doc_get(const rsearch_doc *d, const char *name) {
    size_t n = strlen(name);
    for (size_t i = 0; i < d->fields.count; i++) {
        rsdk_pair p = rsdk_pairs_at(&d->fields, i);
        if (p.key.len == n && memcmp(p.key.ptr, name, n) == 0) return p.value;
    }
    return (rsdk_string){NULL, 0, true, NULL};
}

rsdk_status rsearch__read_search(const rsdk_reply *r, const void *ctx, void *out, rsdk_error *err) {
    return rsearch_result_read(r, ctx, out, err);
}

rsdk_status rsearch_ft_search(const rsearch_ft *ft, rsdk_str index, rsdk_str query,
                              const rsearch_search_opts *opts, rsearch_result *res) {
    rsdk_status chk = rsearch__check_target(ft, index, "FT.SEARCH", "index");
    if (chk != RSDK_OK) return chk;
    rsearch_search_opts o;
    if (opts != NULL) o = *opts;
    else memset(&o, 0, sizeof o);
    o.has_dialect = rsearch__dialect(ft, o.has_dialect, o.dialect, &o.dialect);
    rsdk_gen_call k;
    rsdk_gen_call_init(&k, ft->c);
    rsdk_status s = rsearch__check_search_opts(&o, &k.err);
    if (s == RSDK_OK) s = rsearch_search_encode(&k.buf, index, query, &o, &k.err);
    return rsearch__call(&k, s, rsearch__read_search, &o, res, offsetof(rsearch_result, owner));
}
