/* tp.h — pub/sub helpers shared by the transaction and pub/sub tests (each
 * test binary includes it once; everything is static). Checked commands
 * (CMD_OK, CMD_STR, QUEUE ...) come from support/live.h. */
#ifndef RSDK_TESTS_TP_H
#define RSDK_TESTS_TP_H

#include "support/live.h"

/* Options for a subscriber on the test server (RESP `protocol`, Unix socket
 * when use_unix), defaults otherwise; its connection options go to `client`,
 * which must outlive the use of `o`. */
static inline void tp_pubsub_opts(const rsdk_test_server *s, rsdk_pubsub_opts *o,
                                  rsdk_client_opts *client, int protocol, bool use_unix) {
    rsdk_pubsub_opts_init(o);
    rsdk_test_server_client_opts(s, client, use_unix);
    client->protocol = protocol;
    o->client = client;
}

/* Opens a subscriber with `o`; fails the test on error. */
static inline rsdk_pubsub *tp_pubsub_open(const rsdk_pubsub_opts *o) {
    rsdk_pubsub *ps = NULL;
    rsdk_error err;
    rsdk_status st = rsdk_pubsub_new(o, &ps, &err);
    if (st != RSDK_OK) fail_msg("pubsub open failed: %s (%s)", rsdk_status_name(st), err.message);
    return ps;
}

/* A subscriber with default options. */
static inline rsdk_pubsub *tp_pubsub(const rsdk_test_server *s, int protocol, bool use_unix) {
    rsdk_pubsub_opts o;
    rsdk_client_opts o_client;
    tp_pubsub_opts(s, &o, &o_client, protocol, use_unix);
    return tp_pubsub_open(&o);
}

/* Creates the ACL user "limited" (every command and key, but channels
 * "allowed:*" only) through `admin` and opens a subscriber logged in as it.
 * The test removes the user: ACL DELUSER limited. */
static inline rsdk_pubsub *tp_limited_pubsub(const rsdk_test_server *s, rsdk_client *admin,
                                             int protocol) {
    CMD_STR(admin, "OK", "ACL", "SETUSER", "limited", "reset", "on", ">limited-pw", "~*",
            "resetchannels", "&allowed:*", "+@all");
    rsdk_pubsub_opts o;
    rsdk_client_opts o_client;
    tp_pubsub_opts(s, &o, &o_client, protocol, true);
    o_client.username = "limited";
    o_client.password = "limited-pw";
    return tp_pubsub_open(&o);
}

/* Subscribes (kind 'c', 'p' or 's') to one name; fails the test on error. */
static inline void tp_sub(rsdk_pubsub *ps, char kind, const char *name) {
    rsdk_str n = rsdk_str_c(name);
    rsdk_status s = kind == 'p'   ? rsdk_pubsub_psubscribe(ps, &n, 1)
                    : kind == 's' ? rsdk_pubsub_ssubscribe(ps, &n, 1)
                                  : rsdk_pubsub_subscribe(ps, &n, 1);
    if (s != RSDK_OK)
        fail_msg("subscribe %s: %s (%s)", name, rsdk_status_name(s), rsdk_pubsub_error(ps)->message);
}

/* PUBLISH (or SPUBLISH when shard) through `c`; returns the receiver count. */
static inline int64_t tp_publish(rsdk_client *c, bool shard, const char *ch, const char *msg) {
    rsdk_reply *r = CMD_OK(c, shard ? "SPUBLISH" : "PUBLISH", ch, msg);
    assert_int_equal(r->type, RSDK_REPLY_INTEGER);
    int64_t n = r->integer;
    rsdk_reply_free(r);
    return n;
}

/* Waits up to timeout_ms for a message and checks kind, channel, payload
 * (and pattern when not NULL). */
static inline void tp_expect_msg(rsdk_pubsub *ps, int timeout_ms, rsdk_pubsub_kind kind,
                                 const char *channel, const char *payload, const char *pattern) {
    rsdk_pubsub_msg m;
    rsdk_status s = rsdk_pubsub_next(ps, &m, timeout_ms);
    if (s != RSDK_OK)
        fail_msg("no message on %s: %s (%s)", channel, rsdk_status_name(s), rsdk_pubsub_error(ps)->message);
    assert_int_equal(m.kind, kind);
    assert_int_equal(m.channel.len, strlen(channel));
    assert_memory_equal(m.channel.ptr, channel, m.channel.len);
    assert_int_equal(m.payload.len, strlen(payload));
    assert_memory_equal(m.payload.ptr, payload, m.payload.len);
    if (pattern) {
        assert_int_equal(m.pattern.len, strlen(pattern));
        assert_memory_equal(m.pattern.ptr, pattern, m.pattern.len);
    } else {
        assert_null(m.pattern.ptr);
    }
    rsdk_pubsub_msg_deinit(&m);
}

/* Asserts that no message arrives within timeout_ms. */
static inline void tp_expect_none(rsdk_pubsub *ps, int timeout_ms) {
    rsdk_pubsub_msg m;
    rsdk_status s = rsdk_pubsub_next(ps, &m, timeout_ms);
    if (s == RSDK_OK) {
        fail_msg("unexpected message on %.*s: %.*s", (int)m.channel.len, m.channel.ptr,
                 (int)m.payload.len, m.payload.ptr);
    }
    assert_int_equal(s, RSDK_ERR_TIMEOUT);
}

#endif
