/* FT.CREATE from typed field definitions: one walk over the arguments run
 * twice by the generated code's encoder (count and check, then write), so a
 * refused argument leaves the buffer untouched and nothing is sent. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "internal.h"
#include "rsdk/search_schema.h"

#define CMD "FT.CREATE"

static const rsdk_gen_expect CREATE_OK = {CMD, RSDK_GEN_T(STATUS), "status OK", "OK", 0};

static void tok(rsdk_gen_enc *e, const char *t) { rsdk_gen_tok(e, t, strlen(t)); }

/* "fields[i].member: what" */
static void bad_field(rsdk_gen_enc *e, size_t i, const char *member, const char *what) {
    char path[64];
    snprintf(path, sizeof path, "fields[%zu].%s", i, member);
    rsdk_gen_bad(e, path, what);
}

static void opt_str(rsdk_gen_enc *e, const char *token, rsdk_str s, const char *arg) {
    if (s.ptr == NULL && s.len == 0) return;
    tok(e, token);
    rsdk_gen_str(e, s, arg);
}

static void walk_def(rsdk_gen_enc *e, const rsearch_index_def *d) {
    if (d == NULL) return;
    if (d->on == RSEARCH_ON_HASH || d->on == RSEARCH_ON_JSON) {
        tok(e, "ON");
        tok(e, d->on == RSEARCH_ON_HASH ? "HASH" : "JSON");
    } else if (d->on != RSEARCH_ON_DEFAULT) {
        rsdk_gen_bad(e, "def.on", "no valid choice");
    }
    if (rsdk_gen_array(e, d->prefix, d->prefix_count, false, "def.prefix")) {
        tok(e, "PREFIX");
        rsdk_gen_count(e, d->prefix_count, "def.prefix");
        for (size_t i = 0; i < d->prefix_count; i++) rsdk_gen_str(e, d->prefix[i], "def.prefix[]");
    }
    opt_str(e, "FILTER", d->filter, "def.filter");
    opt_str(e, "LANGUAGE", d->language, "def.language");
    opt_str(e, "LANGUAGE_FIELD", d->language_field, "def.language_field");
    if (d->has_score) {
        if (!(d->score >= 0 && d->score <= 1)) rsdk_gen_bad(e, "def.score", "must be between 0 and 1");
        tok(e, "SCORE");
        rsdk_gen_double(e, d->score);
    }
    opt_str(e, "SCORE_FIELD", d->score_field, "def.score_field");
    opt_str(e, "PAYLOAD_FIELD", d->payload_field, "def.payload_field");
    if (d->maxtextfields) tok(e, "MAXTEXTFIELDS");
    if (d->has_temporary) {
        if (!(d->temporary_s > 0) || !isfinite(d->temporary_s))
            rsdk_gen_bad(e, "def.temporary_s", "must be a positive number of seconds");
        tok(e, "TEMPORARY");
        rsdk_gen_double(e, d->temporary_s);
    }
    if (d->nooffsets) tok(e, "NOOFFSETS");
    if (d->nohl) tok(e, "NOHL");
    if (d->nofields) tok(e, "NOFIELDS");
    if (d->nofreqs) tok(e, "NOFREQS");
    if (d->has_stopwords) {
        rsdk_gen_array(e, d->stopwords, d->stopwords_count, false, "def.stopwords");
        tok(e, "STOPWORDS");
        rsdk_gen_count(e, d->stopwords_count, "def.stopwords");
        for (size_t i = 0; i < d->stopwords_count && d->stopwords; i++)
            rsdk_gen_str(e, d->stopwords[i], "def.stopwords[]");
    } else if (d->stopwords_count > 0) {
        rsdk_gen_bad(e, "def.stopwords", "given without has_stopwords");
    }
    if (d->skipinitialscan) tok(e, "SKIPINITIALSCAN");
}

/* Members that only some types have: each set member must belong to `t`. */
static void check_members(rsdk_gen_enc *e, size_t i, const rsearch_field *f) {
    rsearch_field_type t = f->type;
    bool text = t == RSEARCH_FIELD_TEXT, tag = t == RSEARCH_FIELD_TAG, vec = t == RSEARCH_FIELD_VECTOR,
         hnsw = vec && f->algorithm == RSEARCH_VECTOR_HNSW;
    if (f->weight != 0 && !text) bad_field(e, i, "weight", "only TEXT fields have a weight");
    if (f->nostem && !text) bad_field(e, i, "nostem", "only TEXT fields have NOSTEM");
    if (f->phonetic.ptr && !text) bad_field(e, i, "phonetic", "only TEXT fields have PHONETIC");
    if (f->separator.ptr && !tag) bad_field(e, i, "separator", "only TAG fields have a SEPARATOR");
    if (f->casesensitive && !tag) bad_field(e, i, "casesensitive", "only TAG fields have CASESENSITIVE");
    if ((f->withsuffixtrie || f->indexempty) && !text && !tag)
        bad_field(e, i, f->withsuffixtrie ? "withsuffixtrie" : "indexempty", "only TEXT and TAG fields have it");
    if (f->coords != RSEARCH_GEOSHAPE_DEFAULT && t != RSEARCH_FIELD_GEOSHAPE)
        bad_field(e, i, "coords", "only GEOSHAPE fields have a coordinate system");
    if ((f->sortable || f->noindex) && (vec || t == RSEARCH_FIELD_GEOSHAPE))
        bad_field(e, i, f->sortable ? "sortable" : "noindex", "VECTOR and GEOSHAPE fields cannot have it");
    if (f->unf && !f->sortable) bad_field(e, i, "unf", "needs sortable");
    if (!vec && (f->algorithm || f->vector_type || f->dim || f->metric || f->initial_cap ||
                 f->block_size || f->m || f->ef_construction || f->ef_runtime || f->epsilon != 0))
        bad_field(e, i, "algorithm", "vector attributes on a field that is not VECTOR");
    if (vec && f->block_size && hnsw) bad_field(e, i, "block_size", "only FLAT vector fields have it");
    if (vec && !hnsw && (f->m || f->ef_construction || f->ef_runtime || f->epsilon != 0))
        bad_field(e, i, "m", "M, EF_CONSTRUCTION, EF_RUNTIME and EPSILON are HNSW's");
}

static void walk_vector(rsdk_gen_enc *e, size_t i, const rsearch_field *f) {
    static const char *const metric[] = {NULL, "L2", "IP", "COSINE"};
    if (f->algorithm != RSEARCH_VECTOR_FLAT && f->algorithm != RSEARCH_VECTOR_HNSW)
        bad_field(e, i, "algorithm", "no valid choice (FLAT or HNSW)");
    if (rsearch_vector_type_size(f->vector_type) == 0) bad_field(e, i, "vector_type", "no valid choice");
    if (f->dim <= 0) bad_field(e, i, "dim", "must be positive");
    if (f->metric < RSEARCH_DISTANCE_L2 || f->metric > RSEARCH_DISTANCE_COSINE)
        bad_field(e, i, "metric", "no valid choice");
    if (f->initial_cap < 0 || f->block_size < 0 || f->m < 0 || f->ef_construction < 0 ||
        f->ef_runtime < 0 || !(f->epsilon >= 0))
        bad_field(e, i, "initial_cap", "vector parameters cannot be negative");
    if (e->status != RSDK_OK) return;
    tok(e, f->algorithm == RSEARCH_VECTOR_FLAT ? "FLAT" : "HNSW");
    size_t n = 6 + 2 * ((f->initial_cap > 0) + (f->block_size > 0) + (f->m > 0) +
                        (f->ef_construction > 0) + (f->ef_runtime > 0) + (f->epsilon > 0));
    rsdk_gen_count(e, n, "fields[].algorithm");
    tok(e, "TYPE");
    tok(e, f->vector_type == RSEARCH_VECTOR_FLOAT32 ? "FLOAT32" : "FLOAT64");
    tok(e, "DIM");
    rsdk_gen_int(e, f->dim);
    tok(e, "DISTANCE_METRIC");
    tok(e, metric[f->metric]);
    if (f->initial_cap > 0) tok(e, "INITIAL_CAP"), rsdk_gen_int(e, f->initial_cap);
    if (f->block_size > 0) tok(e, "BLOCK_SIZE"), rsdk_gen_int(e, f->block_size);
    if (f->m > 0) tok(e, "M"), rsdk_gen_int(e, f->m);
    if (f->ef_construction > 0) tok(e, "EF_CONSTRUCTION"), rsdk_gen_int(e, f->ef_construction);
    if (f->ef_runtime > 0) tok(e, "EF_RUNTIME"), rsdk_gen_int(e, f->ef_runtime);
    if (f->epsilon > 0) tok(e, "EPSILON"), rsdk_gen_double(e, f->epsilon);
}

static void walk_field(rsdk_gen_enc *e, size_t i, const rsearch_field *f) {
    static const char *const type[] = {NULL, "TEXT", "TAG", "NUMERIC", "GEO", "GEOSHAPE", "VECTOR"};
    if (f->type < RSEARCH_FIELD_TEXT || f->type > RSEARCH_FIELD_VECTOR) {
        bad_field(e, i, "type", "no valid choice");
        return;
    }
    if (f->name.ptr == NULL || f->name.len == 0) bad_field(e, i, "name", "missing");
    check_members(e, i, f);
    if (e->status != RSDK_OK) return;
    rsdk_gen_str(e, f->name, "fields[].name");
    opt_str(e, "AS", f->alias, "fields[].alias");
    tok(e, type[f->type]);
    switch (f->type) {
    case RSEARCH_FIELD_TEXT:
        if (f->nostem) tok(e, "NOSTEM");
        if (f->weight != 0) {
            if (!(f->weight > 0) || !isfinite(f->weight)) bad_field(e, i, "weight", "must be positive");
            tok(e, "WEIGHT");
            rsdk_gen_double(e, f->weight);
        }
        opt_str(e, "PHONETIC", f->phonetic, "fields[].phonetic");
        break;
    case RSEARCH_FIELD_TAG:
        if (f->separator.ptr != NULL && f->separator.len != 1)
            bad_field(e, i, "separator", "must be one character");
        opt_str(e, "SEPARATOR", f->separator, "fields[].separator");
        if (f->casesensitive) tok(e, "CASESENSITIVE");
        break;
    case RSEARCH_FIELD_GEOSHAPE:
        if (f->coords == RSEARCH_GEOSHAPE_FLAT) tok(e, "FLAT");
        else if (f->coords == RSEARCH_GEOSHAPE_SPHERICAL) tok(e, "SPHERICAL");
        else if (f->coords != RSEARCH_GEOSHAPE_DEFAULT) bad_field(e, i, "coords", "no valid choice");
        break;
    case RSEARCH_FIELD_VECTOR: walk_vector(e, i, f); break;
    default: break;
    }
    if (f->withsuffixtrie) tok(e, "WITHSUFFIXTRIE");
    if (f->indexempty) tok(e, "INDEXEMPTY");
    if (f->indexmissing) tok(e, "INDEXMISSING");
    if (f->sortable) tok(e, "SORTABLE");
    if (f->unf) tok(e, "UNF");
    if (f->noindex) tok(e, "NOINDEX");
}

static void walk(rsdk_gen_enc *e, rsdk_str index, const rsearch_index_def *def,
                 const rsearch_field *fields, size_t n) {
    tok(e, CMD);
    if (index.ptr == NULL) rsdk_gen_bad(e, "index", "NULL (an index needs a name)");
    else if (index.len == 0) rsdk_gen_bad(e, "index", "empty name");
    rsdk_gen_str(e, index, "index");
    walk_def(e, def);
    if (!rsdk_gen_array(e, fields, n, true, "fields")) return;
    tok(e, "SCHEMA");
    for (size_t i = 0; i < n; i++) walk_field(e, i, &fields[i]);
}

rsdk_status rsearch_create_index_encode(rsdk_buf *out, rsdk_str index, const rsearch_index_def *def,
                                        const rsearch_field *fields, size_t field_count,
                                        rsdk_error *err) {
    rsdk_gen_enc e;
    rsdk_gen_enc_init(&e, out, err, CMD);
    walk(&e, index, def, fields, field_count);
    if (rsdk_gen_enc_write(&e)) walk(&e, index, def, fields, field_count);
    return rsdk_gen_enc_finish(&e);
}

rsdk_status rsearch_create_index(rsdk_client *c, rsdk_str index, const rsearch_index_def *def,
                                 const rsearch_field *fields, size_t field_count) {
    rsdk_gen_call k;
    rsdk_gen_call_init(&k, c);
    rsdk_status s = rsearch_create_index_encode(&k.buf, index, def, fields, field_count, &k.err);
    rsdk_reply *r = NULL;
    s = rsdk_gen_call_run(&k, s, &r);
    if (s != RSDK_OK) return s;
    return rsdk_gen_take_status(c, r, &CREATE_OK);
}

rsdk_status rsearch_create_index_queue(rsdk_pipeline *p, rsdk_str index, const rsearch_index_def *def,
                                       const rsearch_field *fields, size_t field_count,
                                       rsdk_error *err) {
    rsdk_status s = rsearch_create_index_encode(rsdk_gen_queue_buf(p), index, def, fields,
                                                field_count, err);
    return rsdk_gen_queue_done(p, s, err, CMD);
}
