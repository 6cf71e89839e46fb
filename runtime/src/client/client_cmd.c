/* Sync command entry points: one command, or N pre-encoded commands. The send
 * path encodes into the client's reused buffer and does one write; no
 * allocation per command once the buffer has grown. */
#include <stdarg.h>

#include "alloc.h"
#include "client_call.h"
#include "client_state.h"
#include "rsdk/pipeline_internal.h"
#include "rsdk/writer.h"

/* After a command: give back an oversized write buffer, wiping nothing
 * secret (commands are the caller's data; AUTH uses its own buffer). */
static void trim_wbuf(rsdk_client *c) {
    if (c->wbuf.cap > RSDK__WBUF_KEEP) rsdk_buf_deinit(&c->wbuf);
}

/* Sends c->wbuf (one encoded command) and reads its reply. */
static rsdk_status exchange(rsdk_client *c, rsdk_reply **out) {
    if (c->wbuf.failed) {
        rsdk_status f = c->wbuf.failed;
        rsdk_buf_clear(&c->wbuf);
        trim_wbuf(c);
        return rsdk_error_set(&c->err, f, 0, f == RSDK_ERR_NOMEM ? NULL : "bad command arguments");
    }
    rsdk_reply *r = NULL;
    rsdk_status s = rsdk__client_call(c, c->wbuf.data, c->wbuf.len, 1, &r);
    trim_wbuf(c);
    if (s) return s;
    if (r->type == RSDK_REPLY_ERROR) {
        s = rsdk_error_from_server(&c->err, r->str, r->len);
        rsdk_reply_free(r);
        return s;
    }
    *out = r;
    return RSDK_OK;
}

rsdk_status rsdk_client_command_argv(rsdk_client *c, size_t argc, const char *const *argv,
                                     const size_t *argvlen, rsdk_reply **out) {
    if (!c) return RSDK_ERR_INVALID_ARG;
    if (!out || argc < 1 || !argv)
        return rsdk_error_set(&c->err, RSDK_ERR_INVALID_ARG, 0, "command needs arguments and a result");
    rsdk_buf_clear(&c->wbuf);
    rsdk_status s = rsdk_write_command(&c->wbuf, argc, argv, argvlen);
    if (s && s != c->wbuf.failed) { /* rejected arguments, not memory */
        rsdk_buf_clear(&c->wbuf);
        return rsdk_error_set(&c->err, s, 0, "NULL argument with a non-zero length");
    }
    return exchange(c, out);
}

rsdk_status rsdk_client_command(rsdk_client *c, rsdk_reply **out, const char *arg0, ...) {
    if (!c) return RSDK_ERR_INVALID_ARG;
    if (!out || !arg0)
        return rsdk_error_set(&c->err, RSDK_ERR_INVALID_ARG, 0, "command needs arguments and a result");
    va_list ap;
    size_t n = 1;
    va_start(ap, arg0);
    while (va_arg(ap, const char *)) n++;
    va_end(ap);
    rsdk_buf_clear(&c->wbuf);
    rsdk_write_array(&c->wbuf, n);
    rsdk_write_arg(&c->wbuf, arg0, strlen(arg0));
    va_start(ap, arg0);
    for (const char *a; (a = va_arg(ap, const char *)) != NULL;)
        rsdk_write_arg(&c->wbuf, a, strlen(a)); /* sticky error checked in exchange */
    va_end(ap);
    return exchange(c, out);
}

rsdk_status rsdk_client_send_encoded(rsdk_client *c, const rsdk_buf *encoded, size_t ncmds,
                                     rsdk_reply **replies) {
    if (!c) return RSDK_ERR_INVALID_ARG;
    /* A count that does not match the bytes would leave replies on the
     * connection for later commands: refused before anything is sent. */
    size_t have = 0;
    if (encoded && !encoded->failed && !rsdk_encoded_count(encoded->data, encoded->len, &have))
        return rsdk_error_set(&c->err, RSDK_ERR_INVALID_ARG, 0,
                              "the buffer does not hold whole RESP commands");
    if (encoded && !encoded->failed && have != ncmds)
        return rsdk_error_set(&c->err, RSDK_ERR_INVALID_ARG, 0,
                              "the buffer holds %zu commands, not %zu", have, ncmds);
    return rsdk_client_send_counted(c, encoded, ncmds, replies);
}

rsdk_status rsdk_client_send_counted(rsdk_client *c, const rsdk_buf *encoded, size_t ncmds,
                                     rsdk_reply **replies) {
    if (!c) return RSDK_ERR_INVALID_ARG;
    if (!encoded || (ncmds && !replies))
        return rsdk_error_set(&c->err, RSDK_ERR_INVALID_ARG, 0, "NULL buffer or reply array");
    for (size_t i = 0; i < ncmds; i++) replies[i] = NULL;
    if (encoded->failed)
        return rsdk_error_set(&c->err, encoded->failed, 0, "the encoded buffer holds a failed encode");
    if (ncmds == 0) {
        if (encoded->len == 0) return RSDK_OK;
        return rsdk_error_set(&c->err, RSDK_ERR_INVALID_ARG, 0, "bytes to send but zero commands");
    }
    if (encoded->len == 0)
        return rsdk_error_set(&c->err, RSDK_ERR_INVALID_ARG, 0, "%zu commands but nothing encoded", ncmds);
    /* Replies arrive in order; after a connection failure the remaining
     * slots stay NULL (the connection is broken, nothing more is read). */
    return rsdk__client_call(c, encoded->data, encoded->len, ncmds, replies);
}

void rsdk_client_buf_lend(rsdk_client *c, rsdk_buf *b) {
    rsdk_buf_init(b);
    if (!c) return;
    *b = c->wbuf;
    rsdk_buf_clear(b);
    rsdk_buf_init(&c->wbuf);
}

void rsdk_client_buf_return(rsdk_client *c, rsdk_buf *b) {
    if (!c || c->wbuf.cap != 0 || b->cap > RSDK__WBUF_KEEP) {
        rsdk_buf_deinit(b);
        return;
    }
    rsdk_buf_clear(b);
    c->wbuf = *b;
    rsdk_buf_init(b);
}
