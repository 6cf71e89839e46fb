/* K-nearest-neighbour queries: the query string, its checks, and the
 * typed call that sends the vector as a parameter. */
#include <inttypes.h>
#include <stdio.h>
#include <stddef.h>
#include <string.h>

#include "internal.h"
#include "rsdk/search_result.h"
#include "runtime/src/base/alloc.h"

#define CMD "FT.SEARCH"

static const char DEFAULT_SCORE[] = "__dist";

static rsdk_status check(const rsearch_knn *q, rsdk_error *err) {
    const char *arg = NULL, *what = NULL;
    size_t esz = q ? rsearch_vector_type_size(q->type) : 0;
    if (q == NULL) arg = "knn", what = "NULL";
    else if (q->field.ptr == NULL || q->field.len == 0) arg = "knn.field", what = "missing";
    else if (q->k <= 0) arg = "knn.k", what = "must be positive";
    else if (q->vector.ptr == NULL || q->vector.len == 0) arg = "knn.vector", what = "missing (an empty vector)";
    else if (esz == 0) arg = "knn.type", what = "no valid choice";
    else if (q->dim <= 0) arg = "knn.dim", what = "must be positive";
    else if (q->ef_runtime < 0) arg = "knn.ef_runtime", what = "cannot be negative";
    else if (q->filter.ptr == NULL && q->filter.len > 0) arg = "knn.filter", what = "NULL pointer with non-zero length";
    else if (q->score_as.ptr == NULL && q->score_as.len > 0) arg = "knn.score_as", what = "NULL pointer with non-zero length";
    if (arg != NULL) return rsdk_error_set(err, RSDK_ERR_INVALID_ARG, 0, "%s: %s: %s", CMD, arg, what);
    if ((uint64_t)q->dim > SIZE_MAX / esz || q->vector.len != (size_t)q->dim * esz)
        return rsdk_error_set(err, RSDK_ERR_INVALID_ARG, 0,
                              "%s: knn.vector: %zu bytes, but dim %" PRId64 " of %s needs %" PRId64,
                              CMD, q->vector.len, q->dim,
                              q->type == RSEARCH_VECTOR_FLOAT32 ? "FLOAT32" : "FLOAT64",
                              q->dim * (int64_t)esz);
    return RSDK_OK;
}

static void put(rsdk_buf *b, const char *s, size_t n) { rsdk_buf_append(b, s, n); }
static void puts_(rsdk_buf *b, const char *s) { rsdk_buf_append(b, s, strlen(s)); }

rsdk_status rsearch_knn_query(rsdk_buf *out, const rsearch_knn *q, rsdk_error *err) {
    if (out == NULL) return rsdk_error_set(err, RSDK_ERR_INVALID_ARG, 0, "%s: out: NULL", CMD);
    rsdk_status s = check(q, err);
    if (s != RSDK_OK) return s;
    if (out->failed) return rsdk_error_set(err, out->failed, 0, "%s: the buffer already failed", CMD);
    size_t start = out->len;
    char num[48];
    puts_(out, "(");
    if (q->filter.len > 0) put(out, q->filter.ptr, q->filter.len);
    else puts_(out, "*");
    snprintf(num, sizeof num, ")=>[KNN %" PRId64 " @", q->k);
    puts_(out, num);
    put(out, q->field.ptr, q->field.len);
    puts_(out, " $vec");
    if (q->ef_runtime > 0) {
        snprintf(num, sizeof num, " EF_RUNTIME %" PRId64, q->ef_runtime);
        puts_(out, num);
    }
    puts_(out, " AS ");
    if (q->score_as.len > 0) put(out, q->score_as.ptr, q->score_as.len);
    else puts_(out, DEFAULT_SCORE);
    puts_(out, "]");
    if (out->failed) {
        out->len = start;
        return rsdk_error_set(err, RSDK_ERR_NOMEM, 0, NULL);
    }
    return RSDK_OK;
}

rsdk_status rsearch_ft_knn(const rsearch_ft *ft, rsdk_str index, const rsearch_knn *q,
                           const rsearch_search_opts *opts, rsearch_result *res) {
    rsdk_status chk = rsearch__check_target(ft, index, "FT.SEARCH", "index");
    if (chk != RSDK_OK) return chk;
    rsdk_buf query;
    rsdk_buf_init(&query);
    rsdk_error e;
    rsdk_error_clear(&e);
    rsdk_status s = rsearch_knn_query(&query, q, &e);
    if (s != RSDK_OK) {
        rsdk_buf_deinit(&query);
        return rsdk_client_set_error(ft->c, &e);
    }
    rsearch_search_opts o;
    if (opts != NULL) o = *opts;
    else memset(&o, 0, sizeof o);
    /* The caller's parameters plus "vec"; sorted by distance, k of them. */
    size_t np = o.params ? o.params->values_count : 0;
    rsearch_search_values *pv = rsdk__calloc(np + 1, sizeof *pv);
    if (pv == NULL) {
        rsdk_buf_deinit(&query);
        rsdk_error_set(&e, RSDK_ERR_NOMEM, 0, NULL);
        return rsdk_client_set_error(ft->c, &e);
    }
    if (np > 0 && o.params->values != NULL) memcpy(pv, o.params->values, np * sizeof *pv);
    pv[np] = (rsearch_search_values){rsdk_str_c("vec"), q->vector};
    rsearch_search_params params = {pv, np + 1};
    o.params = &params;
    rsdk_str score = q->score_as.len > 0 ? q->score_as : rsdk_str_c(DEFAULT_SCORE);
    rsearch_search_sortby by = {score, RSEARCH_SEARCH_ORDER_ASC};
    if (o.sortby == NULL) o.sortby = &by;
    rsearch_search_limit lim = {0, q->k};
    if (o.limit == NULL) o.limit = &lim;
    o.has_dialect = rsearch__dialect(ft, o.has_dialect, o.dialect, &o.dialect);
    if (!o.has_dialect || o.dialect < 2) o.has_dialect = true, o.dialect = 2; /* KNN needs 2+ */
    rsdk_gen_call k;
    rsdk_gen_call_init(&k, ft->c);
    s = rsearch__check_search_opts(&o, &k.err);
    if (s == RSDK_OK) s = rsearch_search_encode(&k.buf, index, rsdk_str_n(query.data, query.len), &o, &k.err);
    s = rsearch__call(&k, s, rsearch__read_search, &o, res, offsetof(rsearch_result, owner));
    rsdk__free(pv);
    rsdk_buf_deinit(&query);
    return s;
}
