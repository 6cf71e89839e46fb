/* rsdk/search_info.h — FT.INFO as a C struct for the fields every version
 * sends, plus the reply tree for the rest (its records grow with the
 * server; read them with rsdk_reply_map_get, which takes RESP3 maps and
 * RESP2 flat lists alike). Numbers arrive as integers, doubles or (RESP2)
 * text, "nan" included: each is read as a number, NaN stays NaN. */
#ifndef RSDK_SEARCH_INFO_H
#define RSDK_SEARCH_INFO_H

#include "rsdk/search.h"
#include "rsdk/search_query.h"
#include "rsdk/typed.h"

#ifdef __cplusplus
extern "C" {
#endif

/* One attribute of the schema. */
typedef struct rsearch_info_attribute {
    rsdk_str identifier;      /* the hash field or JSON path */
    rsdk_str attribute;       /* its name in queries */
    rsdk_str type;            /* "TEXT", "TAG", "NUMERIC", "GEO", "VECTOR", ... */
    const rsdk_reply *record; /* the whole record (WEIGHT, SEPARATOR, dim, ...) */
} rsearch_info_attribute;

typedef struct rsearch_index_info {
    const rsdk_reply *reply;
    rsdk_reply *owner;            /* freed by rsearch_index_info_deinit (sync calls) */
    rsdk_str index_name;
    rsdk_str key_type;            /* index_definition: "HASH" or "JSON" */
    rsdk_strings prefixes;        /* index_definition: borrowed view */
    const rsdk_reply *definition; /* index_definition, whole */
    rsearch_info_attribute *attributes; /* allocated */
    size_t attribute_count;
    int64_t num_docs, max_doc_id, num_terms, num_records;
    int64_t hash_indexing_failures, number_of_uses;
    bool indexing, cleaning;
    double percent_indexed;           /* 0..1 */
    double total_indexing_time;       /* ms */
    double inverted_sz_mb, vector_index_sz_mb;
    double gc_average_cycle_time_ms;  /* NaN before the first GC cycle */
} rsearch_index_info;

/* Reads an FT.INFO reply of either protocol. A missing common field reads
 * as 0 (NaN for the doubles); a reply that is no map, or has no
 * index_name, gives RSDK_ERR_UNEXPECTED_REPLY. */
RSDK_API rsdk_status rsearch_index_info_read(const rsdk_reply *r, rsearch_index_info *out, rsdk_error *err);

/* FT.INFO index, typed. */
RSDK_API rsdk_status rsearch_ft_info(const rsearch_ft *ft, rsdk_str index, rsearch_index_info *out);

/* Frees the attributes array and the owned reply; accepts NULL. */
RSDK_API void rsearch_index_info_deinit(rsearch_index_info *info);

#ifdef __cplusplus
}
#endif
#endif
