/* Growable byte buffer with a sticky failure flag. */
#include "rsdk/buf.h"

#include "alloc.h"
#include "rsdk/error.h"

void rsdk_buf_init(rsdk_buf *b) {
    b->data = NULL;
    b->len = b->cap = 0;
    b->failed = RSDK_OK;
}

void rsdk_buf_deinit(rsdk_buf *b) {
    rsdk__free(b->data);
    rsdk_buf_init(b);
}

rsdk_status rsdk_buf_reserve(rsdk_buf *b, size_t extra) {
    if (b->failed) return b->failed;
    if (extra <= b->cap - b->len) return RSDK_OK;
    if (extra > SIZE_MAX / 2 - b->len) return b->failed = RSDK_ERR_NOMEM;
    size_t need = b->len + extra;
    size_t cap = b->cap ? b->cap : 64;
    while (cap < need) cap *= 2;
    char *d = rsdk__realloc(b->data, cap);
    if (!d) return b->failed = RSDK_ERR_NOMEM;
    b->data = d;
    b->cap = cap;
    return RSDK_OK;
}

rsdk_status rsdk_buf_append(rsdk_buf *b, const void *p, size_t n) {
    rsdk_status s = rsdk_buf_reserve(b, n);
    if (s) return s;
    if (n) memcpy(b->data + b->len, p, n);
    b->len += n;
    return RSDK_OK;
}

void rsdk_buf_consume(rsdk_buf *b, size_t n) {
    if (n >= b->len) {
        b->len = 0;
        return;
    }
    memmove(b->data, b->data + n, b->len - n);
    b->len -= n;
}

void rsdk_buf_clear(rsdk_buf *b) {
    b->len = 0;
    b->failed = RSDK_OK;
}
