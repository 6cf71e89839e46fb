/* How generated _async calls reach the async client (gen_async_core.h).
 *
 * For now through the client's public entry, rsdk_async_command_argv: the
 * encoded command is read back into an argument vector that points into
 * the encoded bytes, and one small block carries the completion, the
 * typed callback and `ud` to the client's callback. When the client offers
 * an entry for encoded commands this file is the one to change. */
#include <string.h>

#include "alloc.h"
#include "gen_async_core.h"

/* Until the async client is linked into every program that links a
 * module, its entries are weak: a program without it gets
 * RSDK_ERR_INVALID_ARG from every _async call instead of a link error. */
#pragma weak rsdk_async_command_argv
#pragma weak rsdk_async_reply_take

/* What the client's callback needs to complete one command. */
typedef struct pending {
    rsdk_gen_async_done_fn done;
    rsdk_gen_any_fn cb;
    void *ud;
} pending;

static void complete(rsdk_async *a, rsdk_reply *reply, const rsdk_error *err, void *ud) {
    pending p = *(pending *)ud;
    rsdk__free(ud);
    p.done(a, reply, err, p.cb, p.ud);
}

/* A decimal length up to "\r\n" at *at; false when there is none. */
static bool read_len(const char *s, size_t n, size_t *at, size_t *out) {
    size_t v = 0, i = *at;
    if (i >= n || s[i] < '0' || s[i] > '9') return false;
    while (i < n && s[i] >= '0' && s[i] <= '9') {
        if (v > (SIZE_MAX - 9) / 10) return false;
        v = v * 10 + (size_t)(s[i++] - '0');
    }
    if (i + 2 > n || s[i] != '\r' || s[i + 1] != '\n') return false;
    *at = i + 2;
    *out = v;
    return true;
}

/* The arguments of the one RESP array in `b` (as the generated encoders
 * write it: bulk strings only), pointing into `b`. */
static bool split(const rsdk_buf *b, size_t argc, const char **argv, size_t *lens) {
    size_t at = 0, n = 0;
    if (b->len < 1 || b->data[0] != '*') return false;
    at = 1;
    if (!read_len(b->data, b->len, &at, &n) || n != argc) return false;
    for (size_t i = 0; i < argc; i++) {
        size_t len;
        if (at >= b->len || b->data[at] != '$') return false;
        at++;
        if (!read_len(b->data, b->len, &at, &len) || len > b->len - at || b->len - at - len < 2)
            return false;
        argv[i] = b->data + at;
        lens[i] = len;
        at += len + 2;
    }
    return at == b->len;
}

static size_t count_args(const rsdk_buf *b) {
    size_t at = 1, n = 0;
    if (b->len < 1 || b->data[0] != '*' || !read_len(b->data, b->len, &at, &n)) return 0;
    return n;
}

rsdk_status rsdk__gen_async_send(rsdk_async *a, const rsdk_buf *encoded,
                                 rsdk_gen_async_done_fn done, rsdk_gen_any_fn cb, void *ud,
                                 bool readonly) {
    (void)readonly; /* the client reads the command's flags itself */
    if (rsdk_async_command_argv == NULL) return RSDK_ERR_INVALID_ARG;
    size_t argc = count_args(encoded);
    if (argc == 0 || argc > (SIZE_MAX - sizeof(pending)) / (sizeof(char *) + sizeof(size_t)))
        return RSDK_ERR_INVALID_ARG;
    size_t vec = argc * (sizeof(char *) + sizeof(size_t));
    char *block = rsdk__malloc(vec);
    pending *p = done != NULL ? rsdk__malloc(sizeof *p) : NULL;
    if (block == NULL || (done != NULL && p == NULL)) {
        rsdk__free(block);
        rsdk__free(p);
        return RSDK_ERR_NOMEM;
    }
    const char **argv = (const char **)(void *)block;
    size_t *lens = (size_t *)(void *)(block + argc * sizeof(char *));
    rsdk_status s = RSDK_ERR_INVALID_ARG;
    if (split(encoded, argc, argv, lens)) {
        if (p != NULL) *p = (pending){done, cb, ud};
        s = rsdk_async_command_argv(a, argc, argv, lens, p != NULL ? complete : NULL, p, NULL);
    }
    rsdk__free(block);
    if (s != RSDK_OK) rsdk__free(p);
    return s;
}

void rsdk__gen_async_record(rsdk_async *a, const rsdk_error *e) {
    /* The client has no public setter yet: the status the call returns
     * carries the failure, e's text is not kept. */
    (void)a;
    (void)e;
}

void rsdk__gen_async_keep(rsdk_async *a, rsdk_reply *r) {
    if (rsdk_async_reply_take != NULL) (void)rsdk_async_reply_take(a, r);
}
