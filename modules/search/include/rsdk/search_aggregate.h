/* rsdk/search_aggregate.h — FT.AGGREGATE and FT.CURSOR READ replies as rows
 * of field/value pairs, and a cursor that pages through them.
 *
 * RESP2 answers [total, [field, value...]...] (with WITHCURSOR wrapped as
 * [[total, rows...], cursor id]); RESP3 a map whose "results" hold each
 * row's "extra_attributes" (wrapped as [map, cursor id]). Both read into
 * the same rsearch_rows. */
#ifndef RSDK_SEARCH_AGGREGATE_H
#define RSDK_SEARCH_AGGREGATE_H

#include "rsdk/search.h"
#include "rsdk/search_query.h"
#include "rsdk/typed.h"

#ifdef __cplusplus
extern "C" {
#endif

/* One page of aggregate rows; each row is a borrowed field/value view. */
typedef struct rsearch_rows {
    const rsdk_reply *reply; /* the whole reply */
    rsdk_reply *owner;       /* freed by rsearch_rows_deinit (set by sync calls) */
    rsdk_pairs *rows;        /* `count` rows (allocated; freed by deinit) */
    size_t count;
    int64_t total;           /* the server's total_results (see docs/search.md) */
    bool has_cursor;         /* the reply came with a cursor id (WITHCURSOR, FT.CURSOR READ) */
    uint64_t cursor;         /* that id; 0 when the server has no more rows */
    const rsdk_reply *warning; /* RESP3: the server's warnings, else NULL */
} rsearch_rows;

/* Reads an FT.AGGREGATE or FT.CURSOR READ reply of either protocol, with
 * or without a cursor id. The rows array is allocated, the reply borrowed
 * (owner NULL). A reply of another layout gives RSDK_ERR_UNEXPECTED_REPLY
 * naming the position; an error reply its mapped code. `err` may be NULL. */
RSDK_API rsdk_status rsearch_rows_read(const rsdk_reply *r, rsearch_rows *out, rsdk_error *err);

/* Frees the rows array and the owned reply; accepts NULL. */
RSDK_API void rsearch_rows_deinit(rsearch_rows *rows);

/* The value of `name` in a row (nil when the row has no such field). */
RSDK_API rsdk_string rsearch_row_get(const rsdk_pairs *row, const char *name);

/* FT.AGGREGATE, typed; the defaults of `ft` apply (DIALECT). With
 * opts->cursor the first page and its cursor id come back; page on with
 * rsearch_cursor below, or FT.CURSOR READ yourself. */
RSDK_API rsdk_status rsearch_ft_aggregate(const rsearch_ft *ft, rsdk_str index, rsdk_str query,
                                          const rsearch_aggregate_opts *opts, rsearch_rows *out);

/* ---- cursor -------------------------------------------------------------- */

/* An aggregate read page by page (WITHCURSOR, then FT.CURSOR READ). */
typedef struct rsearch_cursor rsearch_cursor; /* opaque */

/* Sends FT.AGGREGATE with WITHCURSOR (added when opts->cursor is NULL;
 * its COUNT is also the size of later reads) and keeps the first page for
 * rsearch_cursor_next. `ft` and its client are borrowed: they must outlive
 * the cursor; `index` is copied. On failure *out is untouched and the
 * client's error says why. */
RSDK_API rsdk_status rsearch_cursor_open(const rsearch_ft *ft, rsdk_str index, rsdk_str query,
                                         const rsearch_aggregate_opts *opts, rsearch_cursor **out);

/* The next page: the first call hands over the page FT.AGGREGATE
 * answered, later calls send FT.CURSOR READ. *more is false (and *page
 * untouched) once the server said there are no more rows; otherwise the
 * caller owns *page (rsearch_rows_deinit). A failed read leaves the cursor
 * finished on the client side; close it as always. */
RSDK_API rsdk_status rsearch_cursor_next(rsearch_cursor *cur, rsearch_rows *page, bool *more);

/* The server-side cursor id (0 when exhausted). */
RSDK_API uint64_t rsearch_cursor_id(const rsearch_cursor *cur);

/* Frees the cursor. When the server still holds it (stopped early), sends
 * FT.CURSOR DEL first and returns its status; RSDK_OK otherwise. Accepts
 * NULL. */
RSDK_API rsdk_status rsearch_cursor_close(rsearch_cursor *cur);

#ifdef __cplusplus
}
#endif
#endif
