/* rsdk/core_scan.h — iterate SCAN, SSCAN, HSCAN and ZSCAN without handling
 * cursors: each call hands out the next element, fetching the next page from
 * the server when the current one is used up.
 *
 * The usual SCAN guarantees apply: an element present for the whole
 * iteration is returned at least once (possibly more than once); elements
 * added or removed meanwhile may or may not be. */
#ifndef RSDK_CORE_SCAN_H
#define RSDK_CORE_SCAN_H

#include "rsdk/core.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum rcore_scan_kind {
    RCORE_SCAN_KEYS = 1, /* SCAN: keys of the database (key is ignored) */
    RCORE_SCAN_SET,      /* SSCAN key: members */
    RCORE_SCAN_HASH,     /* HSCAN key: field and value */
    RCORE_SCAN_ZSET,     /* ZSCAN key: member and score (as text) */
} rcore_scan_kind;

typedef struct rcore_scan_iter_opts {
    rsdk_str match; /* MATCH pattern; {NULL, 0}: everything */
    int64_t count;  /* COUNT hint per round trip; 0: the server's default */
    rsdk_str type;  /* RCORE_SCAN_KEYS only: TYPE filter ("string", ...) */
} rcore_scan_iter_opts;

/* Caller-owned iterator state. The fields are private: use the functions. */
typedef struct rcore_scan_iter {
    rsdk_client *c;
    rcore_scan_kind kind;
    rsdk_str key;
    rcore_scan_iter_opts opts;
    uint64_t cursor;
    bool finished;
    rsdk_reply *page;
    size_t pos;
} rcore_scan_iter;

/* Prepares an iteration over `c`. `key` and the strings in `opts` (NULL:
 * defaults) are borrowed and must stay valid until rcore_scan_iter_deinit.
 * Sends nothing yet. */
RSDK_API void rcore_scan_iter_init(rcore_scan_iter *it, rsdk_client *c, rcore_scan_kind kind,
                                   rsdk_str key, const rcore_scan_iter_opts *opts);

/* The next element: *more is true and *item (and for HASH and ZSET *value,
 * which may be NULL) is set, borrowed until the next call or deinit; at the
 * end *more is false. On failure (connection, server error such as
 * WRONGTYPE, a malformed reply: RSDK_ERR_UNEXPECTED_REPLY) the status is
 * returned, rsdk_client_error() says why and the iteration can be retried
 * from the same cursor. Uses the client: not thread-safe. */
RSDK_API rsdk_status rcore_scan_iter_next(rcore_scan_iter *it, rsdk_str *item, rsdk_str *value,
                                          bool *more);

/* Releases the current page. Accepts NULL; the iterator may be re-inited. */
RSDK_API void rcore_scan_iter_deinit(rcore_scan_iter *it);

#ifdef __cplusplus
}
#endif
#endif
