/* rsdk/search_query.h — building RediSearch queries safely: per-client
 * defaults (DIALECT), escaping of user input, vector packing and KNN
 * queries. */
#ifndef RSDK_SEARCH_QUERY_H
#define RSDK_SEARCH_QUERY_H

#include "rsdk/buf.h"
#include "rsdk/client.h"
#include "rsdk/common.h"
#include "rsdk/search.h"

#ifdef __cplusplus
extern "C" {
#endif

/* The typed FT.* calls of rsdk/search_result.h, search_aggregate.h and
 * search_info.h go through one of these: the client plus the defaults that
 * apply to every query sent through it. Plain data, owned by the caller;
 * `c` is borrowed and must outlive its use. */
typedef struct rsearch_ft {
    rsdk_client *c;
    /* DIALECT sent with FT.SEARCH, FT.AGGREGATE, FT.SPELLCHECK and
     * FT.EXPLAIN when their options set none; 0 sends none (the server's
     * DEFAULT_DIALECT applies). rsearch_ft_init sets 2, as redis-py and
     * node-redis do: dialect 1 lacks KNN and parameters. */
    int64_t dialect;
} rsearch_ft;

/* Binds `ft` to `c` with the defaults (dialect 2). */
RSDK_API void rsearch_ft_init(rsearch_ft *ft, rsdk_client *c);

/* ---- escaping ------------------------------------------------------------ */

/* Appends `value` to `out` with every character that the query syntax
 * gives a meaning to escaped by a backslash, so user input cannot change
 * the query's structure (the injection hole: "foo} | @secret:{x" in a tag
 * query). Letters, digits, '_' and bytes of multi-byte UTF-8 characters
 * are copied; everything else gets a backslash, including spaces for tags
 * (one tag value) — rsearch_escape_text keeps spaces and tabs, which
 * separate the words of a text query. RSDK_ERR_NOMEM when `out` cannot
 * grow (out->failed is then set); RSDK_ERR_INVALID_ARG for a NULL `out` or
 * {NULL, len > 0}. */
RSDK_API rsdk_status rsearch_escape_tag(rsdk_buf *out, rsdk_str value);
RSDK_API rsdk_status rsearch_escape_text(rsdk_buf *out, rsdk_str value);

/* ---- vectors ------------------------------------------------------------- */

/* Element types of VECTOR fields and query blobs. */
typedef enum rsearch_vector_type {
    RSEARCH_VECTOR_TYPE_UNSET = 0,
    RSEARCH_VECTOR_FLOAT32,
    RSEARCH_VECTOR_FLOAT64,
} rsearch_vector_type;

/* Bytes per element of `t` (0 for UNSET or an unknown value). */
RSDK_API size_t rsearch_vector_type_size(rsearch_vector_type t);

/* Writes `dim` values to `dst` as the server stores them: IEEE 754,
 * little-endian, 4 bytes (f32) or 8 bytes (f64) each, whatever the host's
 * byte order. `dst` must hold dim * 4 (dim * 8) bytes. */
RSDK_API void rsearch_pack_f32(void *dst, const float *v, size_t dim);
RSDK_API void rsearch_pack_f64(void *dst, const double *v, size_t dim);

/* ---- KNN ----------------------------------------------------------------- */

/* A K-nearest-neighbours query: "(filter)=>[KNN k @field $vec AS score_as]"
 * with the vector sent as the parameter "vec". */
typedef struct rsearch_knn {
    rsdk_str field;           /* VECTOR attribute, without '@' (required) */
    int64_t k;                /* neighbours wanted, > 0 */
    rsdk_str vector;          /* the packed query vector (required) */
    rsearch_vector_type type; /* its element type (required) */
    int64_t dim;              /* the field's dimension: the blob must be dim elements */
    rsdk_str filter;          /* pre-filter query; {NULL, 0}: "*" (all documents) */
    rsdk_str score_as;        /* name of the distance in the results; {NULL, 0}: "__dist" */
    int64_t ef_runtime;       /* HNSW EF_RUNTIME; 0: the index's */
} rsearch_knn;

/* Appends the KNN query string to `out`, after checking `q`: a missing
 * field or vector, k <= 0, an unknown type, or a vector whose length is not
 * dim elements give RSDK_ERR_INVALID_ARG naming the argument
 * ("knn.vector: 508 bytes, but dim 128 of FLOAT32 needs 512"), with
 * `out` unchanged. `err` may be NULL. */
RSDK_API rsdk_status rsearch_knn_query(rsdk_buf *out, const rsearch_knn *q, rsdk_error *err);

#ifdef __cplusplus
}
#endif
#endif
