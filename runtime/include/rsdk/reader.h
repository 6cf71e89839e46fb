/* rsdk/reader.h — streaming RESP2/RESP3 reply reader. Bytes in, replies out;
 * no I/O. Input may be fed in any split.
 *
 * A reply is validated as its bytes arrive and built only once it is whole,
 * into one allocation sized exactly (a length the server declares is never
 * trusted for allocation). A RESP3 attribute (|) is not returned on its
 * own: it hangs on the `attribute` field of the value that follows it (if
 * two precede one value, the later is kept). Streamed aggregates and
 * chunked strings (`*?`, `$?`) are refused as protocol errors, and so is a
 * CR or LF inside a line (a bare LF is not a line end). Offsets in
 * error messages count bytes from the first byte ever fed to the reader.
 * A reader is used by one thread at a time; replies it returned are
 * independent of it and of each other. */
#ifndef RSDK_READER_H
#define RSDK_READER_H

#include "rsdk/common.h"
#include "rsdk/error.h"
#include "rsdk/reply.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Limits that turn a hostile or broken server into RSDK_ERR_PROTOCOL instead
 * of unbounded allocation. Zero in a field means "use the default". */
typedef struct rsdk_reader_limits {
    size_t max_bulk_bytes;   /* largest blob string; default 512 MiB */
    size_t max_elements;     /* largest aggregate count; default 2^27 */
    unsigned max_depth;      /* nesting depth; default 128 (hard cap 1024) */
    size_t max_reply_bytes;  /* one reply's memory: its tree (nodes and string
                              * copies) and, separately, its bytes buffered
                              * from the wire; default 1 GiB each */
    size_t max_line_bytes;   /* longest simple string, error, double, big
                              * number line; default 64 KiB */
} rsdk_reader_limits;

typedef struct rsdk_reader rsdk_reader; /* opaque */

/* Sets the default limits. */
RSDK_API void rsdk_reader_limits_init(rsdk_reader_limits *l);

/* New reader into *out. `limits` is copied; NULL means defaults. Returns
 * RSDK_OK, RSDK_ERR_NOMEM or RSDK_ERR_INVALID_ARG (NULL `out`); on failure
 * *out is untouched. */
RSDK_API rsdk_status rsdk_reader_new(const rsdk_reader_limits *limits, rsdk_reader **out);

/* Frees the reader and any partial reply. Accepts NULL. */
RSDK_API void rsdk_reader_free(rsdk_reader *r);

/* Copies `len` bytes into the reader. RSDK_ERR_NOMEM on failure;
 * RSDK_ERR_PROTOCOL if the reader already failed. */
RSDK_API rsdk_status rsdk_reader_feed(rsdk_reader *r, const char *buf, size_t len);

/* Zero-copy feed: hands out a writable area of at least `want` bytes inside the
 * reader (read(2) straight into it), then rsdk_reader_commit() says how many
 * bytes were written. RSDK_ERR_NOMEM on failure. */
RSDK_API rsdk_status rsdk_reader_space(rsdk_reader *r, size_t want, char **area, size_t *avail);
RSDK_API void rsdk_reader_commit(rsdk_reader *r, size_t n);

/* Takes the next complete reply. On RSDK_OK, *out is the reply (caller frees)
 * or NULL when more bytes are needed. On RSDK_ERR_PROTOCOL the reader is dead:
 * rsdk_reader_error() names the limit or the bad byte offset. Server error
 * replies are returned as RSDK_REPLY_ERROR nodes, not as failures. */
RSDK_API rsdk_status rsdk_reader_get(rsdk_reader *r, rsdk_reply **out);

/* Detail of the failure that killed the reader (code RSDK_OK if none). */
RSDK_API const rsdk_error *rsdk_reader_error(const rsdk_reader *r);

/* Bytes fed but not yet consumed by complete replies. */
RSDK_API size_t rsdk_reader_pending(const rsdk_reader *r);

#ifdef __cplusplus
}
#endif
#endif
