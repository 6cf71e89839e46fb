/* FT.SPELLCHECK and FT.SUGGET replies as suggestion lists. */
#include <stddef.h>
#include <string.h>

#include "internal.h"
#include "rsdk/search_result.h"
#include "runtime/src/base/alloc.h"

/* RESP2: [["TERM", term, [[score, suggestion]...]]...]. */
static rsdk_status spell_resp2(const rsdk_reply *r, rsearch_spellcheck_result *o, size_t *nall,
                               bool count_only, rsdk_error *err) {
    size_t all = 0;
    for (size_t i = 0; i < r->elements; i++) {
        const rsdk_reply *t = &r->element[i];
        if (t->type != RSDK_REPLY_ARRAY || t->elements != 3 || !rsearch__is_text(&t->element[1]) ||
            t->element[2].type != RSDK_REPLY_ARRAY)
            return rsearch__unexpected(err, "FT.SPELLCHECK", "item %zu: expected [TERM, term, [...]]", i);
        const rsdk_reply *sl = &t->element[2];
        if (!count_only) {
            o->terms[i].term = rsearch__str(&t->element[1]);
            o->terms[i].suggestions = o->all + all;
            o->terms[i].count = sl->elements;
        }
        for (size_t j = 0; j < sl->elements; j++, all++) {
            const rsdk_reply *p = &sl->element[j];
            double score;
            if (p->type != RSDK_REPLY_ARRAY || p->elements != 2 || !rsearch__is_text(&p->element[1]) ||
                !rsdk_reply_number(&p->element[0], &score))
                return rsearch__unexpected(err, "FT.SPELLCHECK", "item %zu, suggestion %zu: expected [score, text]", i, j);
            if (!count_only)
                o->all[all] = (rsearch_suggestion){rsearch__str(&p->element[1]), score, true, {NULL, 0, true, NULL}};
        }
    }
    *nall = all;
    return RSDK_OK;
}

/* RESP3: {"results": {term: [{suggestion: score}...]}}. */
static rsdk_status spell_resp3(const rsdk_reply *res, rsearch_spellcheck_result *o, size_t *nall,
                               bool count_only, rsdk_error *err) {
    size_t all = 0;
    for (size_t i = 0; i < res->elements / 2; i++) {
        const rsdk_reply *sl = &res->element[2 * i + 1];
        if (sl->type != RSDK_REPLY_ARRAY)
            return rsearch__unexpected(err, "FT.SPELLCHECK", "results term %zu: expected an array", i);
        if (!count_only) {
            o->terms[i].term = rsearch__str(&res->element[2 * i]);
            o->terms[i].suggestions = o->all + all;
            o->terms[i].count = sl->elements;
        }
        for (size_t j = 0; j < sl->elements; j++, all++) {
            const rsdk_reply *m = &sl->element[j];
            double score;
            if (m->type != RSDK_REPLY_MAP || m->elements != 2 || !rsearch__is_text(&m->element[0]) ||
                !rsdk_reply_number(&m->element[1], &score))
                return rsearch__unexpected(err, "FT.SPELLCHECK", "results term %zu, suggestion %zu: expected {text: score}", i, j);
            if (!count_only)
                o->all[all] = (rsearch_suggestion){rsearch__str(&m->element[0]), score, true, {NULL, 0, true, NULL}};
        }
    }
    *nall = all;
    return RSDK_OK;
}

rsdk_status rsearch_spellcheck_read(const rsdk_reply *r, rsearch_spellcheck_result *out,
                                    rsdk_error *err) {
    rsdk_status s = rsearch__check_reply(r, "FT.SPELLCHECK", err);
    if (s != RSDK_OK) return s;
    if (out == NULL) return rsdk_error_set(err, RSDK_ERR_INVALID_ARG, 0, "FT.SPELLCHECK: out: NULL");
    const rsdk_reply *terms = r;
    bool resp3 = r->type == RSDK_REPLY_MAP;
    if (resp3) terms = rsearch__get(r, "results");
    if (terms == NULL || (resp3 ? terms->type != RSDK_REPLY_MAP : terms->type != RSDK_REPLY_ARRAY))
        return rsearch__unexpected(err, "FT.SPELLCHECK", "unexpected reply type %s",
                                   rsdk_reply_type_str(r->type));
    rsearch_spellcheck_result o;
    memset(&o, 0, sizeof o);
    size_t nall = 0;
    s = resp3 ? spell_resp3(terms, &o, &nall, true, err) : spell_resp2(terms, &o, &nall, true, err);
    if (s != RSDK_OK) return s;
    o.count = resp3 ? terms->elements / 2 : terms->elements;
    o.terms = rsdk__calloc(o.count ? o.count : 1, sizeof *o.terms);
    o.all = rsdk__calloc(nall ? nall : 1, sizeof *o.all);
    if (o.terms == NULL || o.all == NULL) {
        rsdk__free(o.terms);
        rsdk__free(o.all);
        return rsdk_error_set(err, RSDK_ERR_NOMEM, 0, NULL);
    }
    if (resp3) spell_resp3(terms, &o, &nall, false, err);
    else spell_resp2(terms, &o, &nall, false, err);
    o.reply = r;
    *out = o;
    return RSDK_OK;
}

void rsearch_spellcheck_result_deinit(rsearch_spellcheck_result *s) {
    if (s == NULL) return;
    rsdk__free(s->terms);
    rsdk__free(s->all);
    rsdk_reply_free(s->owner);
    memset(s, 0, sizeof *s);
}

rsdk_status rsearch_suggestions_read(const rsdk_reply *r, const rsearch_sugget_opts *opts,
                                     rsearch_suggestions *out, rsdk_error *err) {
    rsdk_status s = rsearch__check_reply(r, "FT.SUGGET", err);
    if (s != RSDK_OK) return s;
    if (out == NULL) return rsdk_error_set(err, RSDK_ERR_INVALID_ARG, 0, "FT.SUGGET: out: NULL");
    bool scores = opts && opts->withscores, payloads = opts && opts->withpayloads;
    size_t step = 1 + (size_t)scores + (size_t)payloads;
    size_t n = r->type == RSDK_REPLY_NIL ? 0 : r->elements;
    if ((r->type != RSDK_REPLY_NIL && r->type != RSDK_REPLY_ARRAY) || n % step != 0)
        return rsearch__unexpected(err, "FT.SUGGET", "expected a list of %zu-item suggestions", step);
    rsearch_suggestions o;
    memset(&o, 0, sizeof o);
    o.count = n / step;
    o.items = rsdk__calloc(o.count ? o.count : 1, sizeof *o.items);
    if (o.items == NULL) return rsdk_error_set(err, RSDK_ERR_NOMEM, 0, NULL);
    for (size_t i = 0; i < o.count; i++) {
        const rsdk_reply *e = &r->element[i * step];
        rsearch_suggestion *g = &o.items[i];
        g->payload = (rsdk_string){NULL, 0, true, NULL};
        if (!rsearch__is_text(e) || (scores && !rsdk_reply_number(e + 1, &g->score))) {
            rsdk__free(o.items);
            return rsearch__unexpected(err, "FT.SUGGET", "item %zu: expected a suggestion", i * step);
        }
        g->text = rsearch__str(e);
        g->has_score = scores;
        if (payloads) g->payload = rsearch__string(e + step - 1);
    }
    o.reply = r;
    *out = o;
    return RSDK_OK;
}

void rsearch_suggestions_deinit(rsearch_suggestions *s) {
    if (s == NULL) return;
    rsdk__free(s->items);
    rsdk_reply_free(s->owner);
    memset(s, 0, sizeof *s);
}

static rsdk_status read_spell(const rsdk_reply *r, const void *ctx, void *out, rsdk_error *err) {
    (void)ctx;
    return rsearch_spellcheck_read(r, out, err);
}
rsdk_status rsearch_ft_spellcheck(const rsearch_ft *ft, rsdk_str index, rsdk_str query,
                                  const rsearch_spellcheck_opts *opts, rsearch_spellcheck_result *out) {
    rsdk_status chk = rsearch__check_target(ft, index, "FT.SPELLCHECK", "index");
    if (chk != RSDK_OK) return chk;
    rsearch_spellcheck_opts o;
    if (opts != NULL) o = *opts;
    else memset(&o, 0, sizeof o);
    o.has_dialect = rsearch__dialect(ft, o.has_dialect, o.dialect, &o.dialect);
    rsdk_gen_call k;
    rsdk_gen_call_init(&k, ft->c);
    rsdk_status s = rsearch_spellcheck_encode(&k.buf, index, query, &o, &k.err);
    return rsearch__call(&k, s, read_spell, NULL, out, offsetof(rsearch_spellcheck_result, owner));
}

static rsdk_status read_sugget(const rsdk_reply *r, const void *ctx, void *out, rsdk_error *err) {
    return rsearch_suggestions_read(r, ctx, out, err);
}
rsdk_status rsearch_ft_sugget(const rsearch_ft *ft, rsdk_str key, rsdk_str prefix,
                              const rsearch_sugget_opts *opts, rsearch_suggestions *out) {
    rsdk_status chk = rsearch__check_target(ft, key, "FT.SUGGET", "key");
    if (chk != RSDK_OK) return chk;
    rsdk_gen_call k;
    rsdk_gen_call_init(&k, ft->c);
    rsdk_status s = rsearch_sugget_encode(&k.buf, key, prefix, opts, &k.err);
    return rsearch__call(&k, s, read_sugget, opts, out, offsetof(rsearch_suggestions, owner));
}
