/* Connection handshake of the blocking client: each step of
 * handshake_cmds.c (HELLO 3 with SELECT, or the RESP2 sequence) is sent in
 * one write and its replies read, so a connect costs one or two round
 * trips. */
#include "handshake.h"

#include "client_io.h"
#include "client_state.h"

/* Sends the step's n commands and reads all their replies into
 * replies[0..n). On failure (connection or memory) every reply read so far
 * is freed. */
static rsdk_status step_run(rsdk_client *c, const rsdk_buf *b, size_t n, rsdk_reply **replies) {
    if (b->failed) return rsdk_error_set(&c->err, b->failed, 0, NULL);
    rsdk_status s = rsdk__client_write(c, b->data, b->len);
    if (s) return s;
    for (size_t i = 0; i < n; i++) {
        s = rsdk__client_read_reply(c, &replies[i]);
        if (s) {
            while (i--) rsdk_reply_free(replies[i]);
            return s;
        }
    }
    return RSDK_OK;
}

static rsdk_status handshake_resp2(rsdk_client *c, const rsdk__login *login) {
    rsdk_buf b;
    rsdk_buf_init(&b);
    size_t n = rsdk__hs_encode_resp2(&b, &c->opts, login);
    rsdk_status s = RSDK_OK;
    if (n > 0) {
        rsdk_reply *replies[3];
        s = step_run(c, &b, n, replies);
        if (!s) s = rsdk__hs_first_error(&c->err, replies, n);
    }
    rsdk__hs_buf_free(&b);
    if (!s) c->protocol = 2;
    return s;
}

static rsdk_status handshake_resp3(rsdk_client *c, const rsdk__login *login, bool *fallback) {
    rsdk_buf b;
    rsdk_buf_init(&b);
    size_t n = rsdk__hs_encode_resp3(&b, &c->opts, login);
    rsdk_reply *replies[2];
    rsdk_status s = step_run(c, &b, n, replies);
    rsdk__hs_buf_free(&b);
    if (s) return s;
    if (rsdk__hs_fallback(login, replies[0])) {
        /* Whatever SELECT answered does not matter, RESP2 redoes it all. */
        for (size_t i = 0; i < n; i++) rsdk_reply_free(replies[i]);
        *fallback = true;
        return RSDK_OK;
    }
    s = rsdk__hs_first_error(&c->err, replies, n);
    if (!s) c->protocol = 3;
    return s;
}

rsdk_status rsdk__handshake(rsdk_client *c, const rsdk__login *login) {
    if (c->opts.protocol != 2) {
        bool fallback = false;
        rsdk_status s = handshake_resp3(c, login, &fallback);
        if (s || !fallback) return s;
    }
    return handshake_resp2(c, login);
}
