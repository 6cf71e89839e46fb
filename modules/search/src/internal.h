/* Helpers shared by the hand-written search glue (not installed). */
#ifndef RSEARCH_SRC_INTERNAL_H
#define RSEARCH_SRC_INTERNAL_H

#include "rsdk/error.h"
#include "rsdk/gen.h"
#include "rsdk/reply.h"
#include "rsdk/search.h"
#include "rsdk/search_query.h"
#include "rsdk/typed.h"

/* Records RSDK_ERR_UNEXPECTED_REPLY: "<cmd>: <where>: <what>". */
rsdk_status rsearch__unexpected(rsdk_error *err, const char *cmd, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* An error reply becomes its mapped status and text; NULL is a protocol
 * error. RSDK_OK for any other reply. */
rsdk_status rsearch__check_reply(const rsdk_reply *r, const char *cmd, rsdk_error *err);

/* True for nodes that carry text (bulk, status, verbatim, big number). */
bool rsearch__is_text(const rsdk_reply *n);

/* The node's text (`{"", 0}` when it has none). */
rsdk_str rsearch__str(const rsdk_reply *n);

/* A borrowed rsdk_string: nil for a NIL node, the text otherwise. */
rsdk_string rsearch__string(const rsdk_reply *n);

/* A map (RESP3) or a flat key/value array (RESP2) as a flat pairs view;
 * false for anything else or an odd-length array. */
bool rsearch__pairs(const rsdk_reply *n, rsdk_pairs *out);

/* Case-sensitive lookup in a map or a flat key/value array; NULL if absent. */
const rsdk_reply *rsearch__get(const rsdk_reply *m, const char *key);

/* Runs a sync call whose command `k` encoded (status `encoded`), then reads
 * the reply with `read` into `out`; on success the reply is handed to the
 * `rsdk_reply *owner` field at `owner_offset` inside *out, on failure freed,
 * and the client's error says why. */
typedef rsdk_status (*rsearch__reader)(const rsdk_reply *r, const void *ctx, void *out,
                                       rsdk_error *err);
rsdk_status rsearch__call(rsdk_gen_call *k, rsdk_status encoded, rsearch__reader read,
                          const void *ctx, void *out, size_t owner_offset);

/* Refuses a NULL `ft`, client or index name before anything is encoded:
 * RSDK_ERR_INVALID_ARG ("FT.SEARCH: index: NULL"; `arg` names it), recorded in the client
 * when there is one. RSDK_OK when all are there. */
rsdk_status rsearch__check_target(const rsearch_ft *ft, rsdk_str index, const char *cmd,
                                  const char *arg);

/* The dialect a call sends: the options' own, else the ft default. */
static inline bool rsearch__dialect(const rsearch_ft *ft, bool has, int64_t own, int64_t *out) {
    if (has) {
        *out = own;
        return true;
    }
    *out = ft->dialect;
    return ft->dialect > 0;
}

/* rsearch_result_read as an rsearch__reader (ctx: the search options;
 * result.c). */
rsdk_status rsearch__read_search(const rsdk_reply *r, const void *ctx, void *out, rsdk_error *err);

/* FT.SEARCH options that do not go together (EXPLAINSCORE without
 * WITHSCORES, NOCONTENT with RETURN, SUMMARIZE or HIGHLIGHT):
 * RSDK_ERR_INVALID_ARG naming the option (result.c). */
rsdk_status rsearch__check_search_opts(const rsearch_search_opts *o, rsdk_error *err);

/* FT.CURSOR READ, typed (rows.c): the pages after a cursor's first. */
struct rsearch_rows;
rsdk_status rsearch__cursor_read(rsdk_client *c, rsdk_str index, uint64_t id, int64_t count,
                                 struct rsearch_rows *out);

#endif
