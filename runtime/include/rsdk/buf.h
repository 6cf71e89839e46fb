/* rsdk/buf.h — growable byte buffer that commands are encoded into. */
#ifndef RSDK_BUF_H
#define RSDK_BUF_H

#include "rsdk/common.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Caller-owned buffer. `data[0..len)` is content; `cap` is allocated size.
 * `failed` is sticky: once an append ran out of memory (or a length would
 * overflow) every later append is a no-op returning the same error, so an
 * encoder may check once at the end. */
typedef struct rsdk_buf {
    char *data;
    size_t len;
    size_t cap;
    rsdk_status failed;
} rsdk_buf;

/* Sets an empty buffer; allocates nothing. */
RSDK_API void rsdk_buf_init(rsdk_buf *b);

/* Frees the storage; the buffer is empty and reusable afterwards. */
RSDK_API void rsdk_buf_deinit(rsdk_buf *b);

/* Ensures room for `extra` more bytes. RSDK_ERR_NOMEM (sticky) on failure. */
RSDK_API rsdk_status rsdk_buf_reserve(rsdk_buf *b, size_t extra);

/* Appends `n` bytes (copied). RSDK_ERR_NOMEM (sticky) on failure. */
RSDK_API rsdk_status rsdk_buf_append(rsdk_buf *b, const void *p, size_t n);

/* Drops the first `n` bytes (all of them if n >= len). */
RSDK_API void rsdk_buf_consume(rsdk_buf *b, size_t n);

/* Empties the buffer and clears the sticky error; keeps the storage. */
RSDK_API void rsdk_buf_clear(rsdk_buf *b);

#ifdef __cplusplus
}
#endif
#endif
