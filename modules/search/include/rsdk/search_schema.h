/* rsdk/search_schema.h — FT.CREATE from typed field definitions.
 *
 * The generated rsearch_create takes the index options and the fields'
 * common flags only; the attributes of each field type (TEXT WEIGHT, TAG
 * SEPARATOR, VECTOR's algorithm and its parameters...) are not in the
 * command facts. rsearch_create_index takes them all, checks that they fit
 * together and sends nothing when they do not (RSDK_ERR_INVALID_ARG naming
 * the argument: "FT.CREATE: fields[2].weight: only TEXT fields have a
 * weight"). */
#ifndef RSDK_SEARCH_SCHEMA_H
#define RSDK_SEARCH_SCHEMA_H

#include "rsdk/search.h"
#include "rsdk/search_query.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum rsearch_field_type {
    RSEARCH_FIELD_UNSET = 0, /* refused */
    RSEARCH_FIELD_TEXT,
    RSEARCH_FIELD_TAG,
    RSEARCH_FIELD_NUMERIC,
    RSEARCH_FIELD_GEO,
    RSEARCH_FIELD_GEOSHAPE,
    RSEARCH_FIELD_VECTOR,
} rsearch_field_type;

typedef enum rsearch_geoshape_coords {
    RSEARCH_GEOSHAPE_DEFAULT = 0, /* left out: the server's default (SPHERICAL) */
    RSEARCH_GEOSHAPE_FLAT,
    RSEARCH_GEOSHAPE_SPHERICAL,
} rsearch_geoshape_coords;

typedef enum rsearch_vector_algorithm {
    RSEARCH_VECTOR_ALGORITHM_UNSET = 0, /* refused for VECTOR fields */
    RSEARCH_VECTOR_FLAT,
    RSEARCH_VECTOR_HNSW,
} rsearch_vector_algorithm;

typedef enum rsearch_distance_metric {
    RSEARCH_DISTANCE_UNSET = 0, /* refused for VECTOR fields */
    RSEARCH_DISTANCE_L2,
    RSEARCH_DISTANCE_IP,
    RSEARCH_DISTANCE_COSINE,
} rsearch_distance_metric;

/* One schema field. Zero means "left out" for every optional member, so
 * designated initialisers read naturally:
 *   {.type = RSEARCH_FIELD_TEXT, .name = rsdk_str_c("title"), .weight = 2, .sortable = true}
 * Members of another field type must stay zero. */
typedef struct rsearch_field {
    rsearch_field_type type;
    rsdk_str name;  /* hash field, or JSON path with ON JSON (required) */
    rsdk_str alias; /* AS alias */
    /* any type but VECTOR and GEOSHAPE */
    bool sortable;
    bool unf;       /* with sortable: keep the value unnormalised (TEXT, TAG) */
    bool noindex;
    /* all types (RediSearch 2.10+) */
    bool indexmissing;
    /* TEXT and TAG */
    bool indexempty;
    bool withsuffixtrie;
    /* TEXT */
    double weight;     /* > 0; 0: left out (1.0) */
    bool nostem;
    rsdk_str phonetic; /* "dm:en", "dm:fr", "dm:pt", "dm:es" */
    /* TAG */
    rsdk_str separator; /* one character; {NULL, 0}: ',' */
    bool casesensitive;
    /* GEOSHAPE */
    rsearch_geoshape_coords coords;
    /* VECTOR */
    rsearch_vector_algorithm algorithm;
    rsearch_vector_type vector_type;
    int64_t dim;                 /* > 0 */
    rsearch_distance_metric metric;
    int64_t initial_cap;         /* FLAT and HNSW; 0: left out */
    int64_t block_size;          /* FLAT; 0: left out */
    int64_t m;                   /* HNSW; 0: left out */
    int64_t ef_construction;     /* HNSW; 0: left out */
    int64_t ef_runtime;          /* HNSW; 0: left out */
    double epsilon;              /* HNSW; 0: left out */
} rsearch_field;

typedef enum rsearch_index_on {
    RSEARCH_ON_DEFAULT = 0, /* left out: HASH */
    RSEARCH_ON_HASH,
    RSEARCH_ON_JSON,
} rsearch_index_on;

/* The index definition: which keys it covers and its defaults. */
typedef struct rsearch_index_def {
    rsearch_index_on on;
    const rsdk_str *prefix; /* PREFIX count prefix...; none: every key */
    size_t prefix_count;
    rsdk_str filter;        /* FILTER expression */
    rsdk_str language;      /* LANGUAGE default language */
    rsdk_str language_field;/* LANGUAGE_FIELD */
    double score;           /* SCORE default (0..1); has_score to send it */
    bool has_score;
    rsdk_str score_field;   /* SCORE_FIELD */
    rsdk_str payload_field; /* PAYLOAD_FIELD */
    bool maxtextfields, nooffsets, nohl, nofields, nofreqs, skipinitialscan;
    double temporary_s;     /* TEMPORARY seconds; has_temporary to send it */
    bool has_temporary;
    const rsdk_str *stopwords; /* STOPWORDS count word...; has_stopwords to send */
    size_t stopwords_count;
    bool has_stopwords;        /* with stopwords_count 0: STOPWORDS 0 (none at all) */
} rsearch_index_def;

/* Appends FT.CREATE index [definition] SCHEMA fields... to `out`. `def`
 * may be NULL (no options). Checks every argument first: NULL or empty
 * index name, no fields, a field without a type or name, attributes of
 * another field type, VECTOR without algorithm, type, dim > 0 or metric,
 * algorithm parameters of the other algorithm, a separator that is not one
 * character... give RSDK_ERR_INVALID_ARG naming the argument, with `out`
 * unchanged. `err` may be NULL. */
RSDK_API rsdk_status rsearch_create_index_encode(rsdk_buf *out, rsdk_str index,
                                                 const rsearch_index_def *def,
                                                 const rsearch_field *fields, size_t field_count,
                                                 rsdk_error *err);

/* Sync: sends it on `c` and checks the OK. Errors in rsdk_client_error(c);
 * nothing is sent when an argument is refused. */
RSDK_API rsdk_status rsearch_create_index(rsdk_client *c, rsdk_str index,
                                          const rsearch_index_def *def,
                                          const rsearch_field *fields, size_t field_count);

/* Queues it on a pipeline (decode its slot with rsearch_create_decode). */
RSDK_API rsdk_status rsearch_create_index_queue(rsdk_pipeline *p, rsdk_str index,
                                                const rsearch_index_def *def,
                                                const rsearch_field *fields, size_t field_count,
                                                rsdk_error *err);

#ifdef __cplusplus
}
#endif
#endif
