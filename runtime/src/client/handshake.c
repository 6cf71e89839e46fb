/* Connection handshake: HELLO 3 (with AUTH and SETNAME), or the RESP2
 * sequence AUTH, CLIENT SETNAME, SELECT. Commands of one step are pipelined
 * (one write) so a connect costs one or two round trips. The encoded AUTH
 * holds the password: that buffer is wiped before it is freed. */
#include "alloc.h"
#include "client_io.h"
#include "client_state.h"
#include "handshake.h"
#include "rsdk/writer.h"

/* Encoded commands of one step and how many replies they expect. */
typedef struct step {
    rsdk_buf buf;
    size_t n;
} step;

static void step_add(step *st, int argc, const char *const *argv) {
    rsdk_write_command(&st->buf, argc, argv, NULL); /* sticky error checked once */
    st->n++;
}

/* Reserves room for the whole handshake up front: a buffer that grew after
 * the password was written would leave an unwiped copy in the block it
 * moved out of. Beyond the three strings, at most 12 arguments (25 bytes of
 * header each), two array headers and the fixed words fit in 512. */
static void step_reserve(step *st, const rsdk__login *login, const char *client_name) {
    size_t total = 512;
    const char *strs[] = {login->username, login->password, client_name};
    for (size_t i = 0; i < sizeof strs / sizeof strs[0]; i++) {
        size_t n = strs[i] ? strlen(strs[i]) : 0;
        if (n > SIZE_MAX - total) {
            st->buf.failed = RSDK_ERR_NOMEM;
            return;
        }
        total += n;
    }
    (void)rsdk_buf_reserve(&st->buf, total); /* sticky error checked in step_run */
}

static void step_deinit(step *st) {
    if (st->buf.data) rsdk__wipe(st->buf.data, st->buf.cap);
    rsdk_buf_deinit(&st->buf);
}

/* Sends the step and reads all its replies into replies[0..n). On failure
 * (connection or memory) every reply read so far is freed. */
static rsdk_status step_run(rsdk_client *c, step *st, rsdk_reply **replies) {
    if (st->buf.failed) return rsdk_error_set(&c->err, st->buf.failed, 0, NULL);
    rsdk_status s = rsdk__client_write(c, st->buf.data, st->buf.len);
    if (s) return s;
    for (size_t i = 0; i < st->n; i++) {
        s = rsdk__client_read_reply(c, &replies[i]);
        if (s) {
            while (i--) rsdk_reply_free(replies[i]);
            return s;
        }
    }
    return RSDK_OK;
}

/* The first server error among replies[0..n) as the result (c->err filled),
 * or RSDK_OK. Frees every reply. The server's text is kept: it names the
 * problem (WRONGPASS, NOAUTH, db out of range) and never echoes a password. */
static rsdk_status first_error(rsdk_client *c, rsdk_reply **replies, size_t n) {
    rsdk_status s = RSDK_OK;
    for (size_t i = 0; i < n; i++) {
        const rsdk_reply *r = replies[i];
        if (!s && r->type == RSDK_REPLY_ERROR) s = rsdk_error_from_server(&c->err, r->str, r->len);
        rsdk_reply_free(replies[i]);
    }
    return s;
}

static void add_select(rsdk_client *c, step *st, char *num) {
    if (c->opts.db == 0) return;
    size_t l = rsdk_format_int(num, c->opts.db);
    num[l] = '\0';
    const char *argv[] = {"SELECT", num};
    step_add(st, 2, argv);
}

/* RESP2: AUTH, CLIENT SETNAME, SELECT as needed, in one write. */
static rsdk_status handshake_resp2(rsdk_client *c, const rsdk__login *login) {
    const rsdk_client_opts *o = &c->opts;
    step st = {.n = 0};
    rsdk_buf_init(&st.buf);
    step_reserve(&st, login, o->client_name);
    char num[24];
    if (login->password) {
        if (login->username) {
            const char *argv[] = {"AUTH", login->username, login->password};
            step_add(&st, 3, argv);
        } else {
            const char *argv[] = {"AUTH", login->password};
            step_add(&st, 2, argv);
        }
    }
    if (o->client_name) {
        const char *argv[] = {"CLIENT", "SETNAME", o->client_name};
        step_add(&st, 3, argv);
    }
    add_select(c, &st, num);
    rsdk_status s = RSDK_OK;
    if (st.n > 0) {
        rsdk_reply *replies[3];
        s = step_run(c, &st, replies);
        if (!s) s = first_error(c, replies, st.n);
    }
    step_deinit(&st);
    if (!s) c->protocol = 2;
    return s;
}

/* True when the server refused HELLO without running it: a HELLO that
 * carries AUTH authenticates or fails with WRONGPASS, so NOAUTH means the
 * server checks authentication before it looks the command up, as Valkey
 * 9 does, and answers NOAUTH where others say "unknown command". */
static bool hello_refused_unread(const rsdk__login *login, const rsdk_reply *hello) {
    return login->password && hello->len >= 7 && memcmp(hello->str, "NOAUTH ", 7) == 0;
}

/* HELLO 3 [AUTH user pass] [SETNAME name], then SELECT, in one write. */
static rsdk_status handshake_resp3(rsdk_client *c, const rsdk__login *login, bool *fallback) {
    const rsdk_client_opts *o = &c->opts;
    step st = {.n = 0};
    rsdk_buf_init(&st.buf);
    step_reserve(&st, login, o->client_name);
    const char *argv[7];
    int argc = 0;
    argv[argc++] = "HELLO";
    argv[argc++] = "3";
    if (login->password) {
        argv[argc++] = "AUTH";
        argv[argc++] = login->username ? login->username : "default";
        argv[argc++] = login->password;
    }
    if (o->client_name) {
        argv[argc++] = "SETNAME";
        argv[argc++] = o->client_name;
    }
    step_add(&st, argc, argv);
    char num[24];
    add_select(c, &st, num);
    rsdk_reply *replies[2];
    rsdk_status s = step_run(c, &st, replies);
    step_deinit(&st);
    if (s) return s;
    const rsdk_reply *hello = replies[0];
    if (hello->type == RSDK_REPLY_ERROR) {
        rsdk_status code = rsdk_status_from_server(hello->str, hello->len);
        if (code == RSDK_ERR_UNKNOWN_COMMAND || code == RSDK_ERR_NOPROTO ||
            hello_refused_unread(login, hello)) {
            /* A server before 6.0 (or one with HELLO renamed away): whatever
             * SELECT answered does not matter, RESP2 redoes it all. */
            for (size_t i = 0; i < st.n; i++) rsdk_reply_free(replies[i]);
            *fallback = true;
            return RSDK_OK;
        }
    }
    s = first_error(c, replies, st.n);
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
