/* The handshake's commands: HELLO 3 (with AUTH and SETNAME), or the RESP2
 * sequence AUTH, CLIENT SETNAME, SELECT, each step encoded for one write,
 * and what their replies mean. The encoded AUTH holds the password: that
 * buffer is wiped before it is freed. */
#include "handshake_cmds.h"

#include <stdint.h>
#include <string.h>

#include "alloc.h"
#include "rsdk/writer.h"

static void add(rsdk_buf *b, size_t *n, int argc, const char *const *argv) {
    rsdk_write_command(b, argc, argv, NULL); /* sticky error checked by the caller */
    (*n)++;
}

/* Reserves room for the whole handshake up front: a buffer that grew after
 * the password was written would leave an unwiped copy in the block it
 * moved out of. Beyond the three strings, at most 12 arguments (25 bytes of
 * header each), two array headers and the fixed words fit in 512. */
static void reserve(rsdk_buf *b, const rsdk__login *login, const char *client_name) {
    size_t total = 512;
    const char *strs[] = {login->username, login->password, client_name};
    for (size_t i = 0; i < sizeof strs / sizeof strs[0]; i++) {
        size_t n = strs[i] ? strlen(strs[i]) : 0;
        if (n > SIZE_MAX - total) {
            b->failed = RSDK_ERR_NOMEM;
            return;
        }
        total += n;
    }
    (void)rsdk_buf_reserve(b, total); /* sticky error checked by the caller */
}

void rsdk__hs_buf_free(rsdk_buf *b) {
    if (b->data) rsdk__wipe(b->data, b->cap);
    rsdk_buf_deinit(b);
}

rsdk_status rsdk__hs_first_error(rsdk_error *err, rsdk_reply **replies, size_t n) {
    rsdk_status s = RSDK_OK;
    for (size_t i = 0; i < n; i++) {
        const rsdk_reply *r = replies[i];
        if (!s && r->type == RSDK_REPLY_ERROR) s = rsdk_error_from_server(err, r->str, r->len);
        rsdk_reply_free(replies[i]);
    }
    return s;
}

static void add_select(const rsdk_client_opts *o, rsdk_buf *b, size_t *n) {
    if (o->db == 0) return;
    char num[24];
    size_t l = rsdk_format_int(num, o->db);
    num[l] = '\0';
    const char *argv[] = {"SELECT", num};
    add(b, n, 2, argv);
}

size_t rsdk__hs_encode_resp2(rsdk_buf *b, const rsdk_client_opts *o, const rsdk__login *login) {
    size_t n = 0;
    reserve(b, login, o->client_name);
    if (login->password) {
        if (login->username) {
            const char *argv[] = {"AUTH", login->username, login->password};
            add(b, &n, 3, argv);
        } else {
            const char *argv[] = {"AUTH", login->password};
            add(b, &n, 2, argv);
        }
    }
    if (o->client_name) {
        const char *argv[] = {"CLIENT", "SETNAME", o->client_name};
        add(b, &n, 3, argv);
    }
    add_select(o, b, &n);
    return n;
}

size_t rsdk__hs_encode_resp3(rsdk_buf *b, const rsdk_client_opts *o, const rsdk__login *login) {
    size_t n = 0;
    reserve(b, login, o->client_name);
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
    add(b, &n, argc, argv);
    add_select(o, b, &n);
    return n;
}

/* A HELLO that carries AUTH authenticates or fails with WRONGPASS, so
 * NOAUTH means the server checks authentication before it looks the
 * command up, as Valkey 9 does, and answers NOAUTH where others say
 * "unknown command". */
static bool hello_refused_unread(const rsdk__login *login, const rsdk_reply *hello) {
    return login->password && hello->len >= 7 && memcmp(hello->str, "NOAUTH ", 7) == 0;
}

bool rsdk__hs_fallback(const rsdk__login *login, const rsdk_reply *hello) {
    if (hello->type != RSDK_REPLY_ERROR) return false;
    rsdk_status code = rsdk_status_from_server(hello->str, hello->len);
    /* A server before 6.0 (or one with HELLO renamed away). */
    return code == RSDK_ERR_UNKNOWN_COMMAND || code == RSDK_ERR_NOPROTO ||
           hello_refused_unread(login, hello);
}
