/* rsdk/search_result.h — FT.SEARCH, FT.PROFILE, FT.SPELLCHECK and FT.SUGGET
 * replies as C values, the same on RESP2 and RESP3.
 *
 * The generated calls (rsearch_search, ...) hand over the reply tree; these
 * read it. RESP3 answers FT.SEARCH with a map; RESP2 with a flat array
 * [total, id, score?, payload?, sortkey?, fields?, id, ...] whose layout
 * depends on the options it was sent with, so the readers take those
 * options. Everything read borrows from the reply: strings live as long as
 * it does. */
#ifndef RSDK_SEARCH_RESULT_H
#define RSDK_SEARCH_RESULT_H

#include "rsdk/search.h"
#include "rsdk/search_query.h"
#include "rsdk/typed.h"

#ifdef __cplusplus
extern "C" {
#endif

/* One document of an FT.SEARCH result. */
typedef struct rsearch_doc {
    rsdk_str id;               /* the key */
    double score;              /* WITHSCORES; 0 otherwise */
    bool has_score;
    rsdk_string payload;       /* WITHPAYLOADS; nil without a payload */
    rsdk_string sortkey;       /* WITHSORTKEYS; nil otherwise or without one */
    rsdk_pairs fields;         /* the returned fields (none with NOCONTENT); borrowed */
    const rsdk_reply *explain; /* EXPLAINSCORE: the explanation tree, else NULL */
} rsearch_doc;

/* An FT.SEARCH result: `total` matches, `count` documents on this page. */
typedef struct rsearch_result {
    const rsdk_reply *reply; /* the whole reply */
    rsdk_reply *owner;       /* freed by rsearch_result_deinit (set by sync calls) */
    rsearch_doc *docs;       /* `count` documents (allocated; freed by deinit) */
    size_t count;
    int64_t total;
    const rsdk_reply *warning; /* RESP3: the server's warnings (an array), else NULL */
} rsearch_result;

/* Reads an FT.SEARCH reply (either protocol) sent with `opts` (NULL: no
 * options) into *out. `out->owner` is NULL (the reply is borrowed); the docs
 * array is allocated. A reply of another layout gives
 * RSDK_ERR_UNEXPECTED_REPLY naming the position ("FT.SEARCH: item 3:
 * expected a document id, got integer"); an error reply its mapped code.
 * *out is written only on RSDK_OK. `err` may be NULL. */
RSDK_API rsdk_status rsearch_result_read(const rsdk_reply *r, const rsearch_search_opts *opts,
                                         rsearch_result *out, rsdk_error *err);

/* Frees the docs array and the owned reply; accepts NULL. */
RSDK_API void rsearch_result_deinit(rsearch_result *res);

/* Field `i` (< doc->fields.count) of a document. */
static inline rsdk_pair rsearch_doc_field_at(const rsearch_doc *d, size_t i) {
    return rsdk_pairs_at(&d->fields, i);
}

/* The value of field `name` of a document (nil when it has none). */
RSDK_API rsdk_string rsearch_doc_get(const rsearch_doc *d, const char *name);

/* FT.SEARCH with the typed result: the defaults of `ft` apply (DIALECT
 * when opts does not set one). The reply is handed over in res->owner.
 * Options that do not go together are refused before sending
 * (RSDK_ERR_INVALID_ARG: "opts.explainscore: needs withscores"; NOCONTENT
 * with RETURN, SUMMARIZE or HIGHLIGHT).
 * Errors as rsearch_search (rsdk_client_error(ft->c) says why). */
RSDK_API rsdk_status rsearch_ft_search(const rsearch_ft *ft, rsdk_str index, rsdk_str query,
                                       const rsearch_search_opts *opts, rsearch_result *res);

/* A KNN query (rsdk/search_query.h) through FT.SEARCH: the vector goes as
 * the parameter "vec" beside opts->params, results come sorted by distance
 * (opts->sortby, when NULL) and k of them (opts->limit, when NULL), with
 * DIALECT 2 at least. The distance is the field q->score_as ("__dist")
 * of each document. Bad input (rsearch_knn_query's checks) sends nothing. */
RSDK_API rsdk_status rsearch_ft_knn(const rsearch_ft *ft, rsdk_str index, const rsearch_knn *q,
                                    const rsearch_search_opts *opts, rsearch_result *res);

/* ---- FT.PROFILE ------------------------------------------------------------ */

/* FT.PROFILE index SEARCH QUERY query: the search result and the profile
 * tree: a map on RESP3, a list of [name, value] pairs on RESP2; read its
 * entries with rsearch_profile_get, which takes both. */
typedef struct rsearch_profile_result {
    rsearch_result result;
    const rsdk_reply *profile;
} rsearch_profile_result;

/* Reads an FT.PROFILE ... SEARCH reply (RESP3 map with "profile", or RESP2
 * [result, profile]). */
RSDK_API rsdk_status rsearch_profile_read(const rsdk_reply *r, rsearch_profile_result *out,
                                          rsdk_error *err);
/* FT.PROFILE index SEARCH [LIMITED] QUERY query, typed. */
RSDK_API rsdk_status rsearch_ft_profile_search(const rsearch_ft *ft, rsdk_str index, rsdk_str query,
                                               bool limited, rsearch_profile_result *out);
RSDK_API void rsearch_profile_result_deinit(rsearch_profile_result *p);

/* The entry `key` of a profile node ("Total profile time", "Iterators
 * profile", ...): from a map, a flat key/value list or a list of [key,
 * value...] pairs. NULL when absent. Borrowed. */
RSDK_API const rsdk_reply *rsearch_profile_get(const rsdk_reply *node, const char *key);

/* ---- FT.SPELLCHECK ------------------------------------------------------- */

/* One suggestion for a misspelled term. The score's scale differs between
 * the protocols on RediSearch 2.10 (RESP2 normalises it): compare scores
 * within one reply only. */
typedef struct rsearch_suggestion {
    rsdk_str text;
    double score;
    bool has_score;   /* FT.SUGGET without WITHSCORES: false */
    rsdk_string payload; /* FT.SUGGET WITHPAYLOADS; nil otherwise */
} rsearch_suggestion;

/* One term of the query and what the dictionary suggests for it. */
typedef struct rsearch_spell_term {
    rsdk_str term;
    rsearch_suggestion *suggestions; /* into rsearch_spellcheck.all */
    size_t count;
} rsearch_spell_term;

typedef struct rsearch_spellcheck_result {
    const rsdk_reply *reply;
    rsdk_reply *owner;
    rsearch_spell_term *terms; /* allocated */
    size_t count;
    rsearch_suggestion *all;   /* allocated: every suggestion, term by term */
} rsearch_spellcheck_result;

/* Reads an FT.SPELLCHECK reply (RESP2 [["TERM", term, [[score, sugg]...]]...],
 * RESP3 {"results": {term: [{sugg: score}...]}}). */
RSDK_API rsdk_status rsearch_spellcheck_read(const rsdk_reply *r, rsearch_spellcheck_result *out,
                                             rsdk_error *err);
RSDK_API rsdk_status rsearch_ft_spellcheck(const rsearch_ft *ft, rsdk_str index, rsdk_str query,
                                           const rsearch_spellcheck_opts *opts,
                                           rsearch_spellcheck_result *out);
RSDK_API void rsearch_spellcheck_result_deinit(rsearch_spellcheck_result *s);

/* ---- FT.SUGGET ----------------------------------------------------------- */

typedef struct rsearch_suggestions {
    const rsdk_reply *reply;
    rsdk_reply *owner;
    rsearch_suggestion *items; /* allocated */
    size_t count;
} rsearch_suggestions;

/* Reads an FT.SUGGET reply sent with `opts` (its WITHSCORES and
 * WITHPAYLOADS say how many values each suggestion has; a nil reply, no
 * match, is an empty list). */
RSDK_API rsdk_status rsearch_suggestions_read(const rsdk_reply *r, const rsearch_sugget_opts *opts,
                                              rsearch_suggestions *out, rsdk_error *err);
RSDK_API rsdk_status rsearch_ft_sugget(const rsearch_ft *ft, rsdk_str key, rsdk_str prefix,
                                       const rsearch_sugget_opts *opts, rsearch_suggestions *out);
RSDK_API void rsearch_suggestions_deinit(rsearch_suggestions *s);

#ifdef __cplusplus
}
#endif
#endif
