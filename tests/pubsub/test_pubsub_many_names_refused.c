/* A (S)SUBSCRIBE of more names than one command carries (they go out in
 * chunks) that the server refuses for one chunk (an ACL without one of the
 * channels): the call fails as a whole, nothing of it stays subscribed on
 * the server or in the subscription set, later calls are counted right,
 * and a reconnect restores exactly the accepted names. RESP2 and RESP3,
 * channels and shard channels. */
#include "support/tp.h"

#define MANY 1500

typedef struct names {
    char buf[MANY][32];
    rsdk_str s[MANY];
} names;

/* prefix0 .. prefix<MANY-1>, except that index `denied` (if < MANY) is
 * "denied:<index>", outside the user's channel permissions. */
static void make_names(names *n, const char *prefix, size_t denied) {
    for (size_t i = 0; i < MANY; i++) {
        int k = snprintf(n->buf[i], sizeof n->buf[i], "%s%zu", i == denied ? "denied:" : prefix, i);
        n->s[i] = rsdk_str_n(n->buf[i], (size_t)k);
    }
}

/* The server's count of the subscriber's channels (field "sub") or shard
 * channels ("ssub"), from CLIENT LIST. */
static long long server_count(rsdk_client *admin, const rsdk_pubsub *ps, const char *field) {
    char id[32], key[16];
    snprintf(id, sizeof id, "%lld", (long long)rsdk_pubsub_id(ps));
    snprintf(key, sizeof key, " %s=", field);
    rsdk_reply *r = CMD_OK(admin, "CLIENT", "LIST", "ID", id);
    const char *at = r->str ? strstr(r->str, key) : NULL;
    if (!at) fail_msg("no %s in CLIENT LIST: %s", key, r->str ? r->str : "(none)");
    long long n = strtoll(at + strlen(key), NULL, 10);
    rsdk_reply_free(r);
    return n;
}

static rsdk_status sub(rsdk_pubsub *ps, bool shard, const names *n) {
    return shard ? rsdk_pubsub_ssubscribe(ps, n->s, MANY) : rsdk_pubsub_subscribe(ps, n->s, MANY);
}

/* Asserts the set and the server agree on `want` names of the kind. */
static void expect_count(rsdk_client *admin, rsdk_pubsub *ps, bool shard, size_t want) {
    assert_int_equal(rsdk_pubsub_count(ps, shard ? RSDK_PUBSUB_SMESSAGE : RSDK_PUBSUB_MESSAGE), want);
    assert_int_equal(server_count(admin, ps, shard ? "ssub" : "sub"), (long long)want);
}

/* Publishes to `ch`: `want` receivers; when 1, the message arrives. */
static void expect_delivery(rsdk_client *admin, rsdk_pubsub *ps, bool shard, const char *ch, int want) {
    assert_int_equal(tp_publish(admin, shard, ch, "hello"), want);
    if (want) tp_expect_msg(ps, 2000, shard ? RSDK_PUBSUB_SMESSAGE : RSDK_PUBSUB_MESSAGE, ch, "hello", NULL);
}

/* Kills the subscriber's connection and calls next until it reconnected. */
static void reconnect(rsdk_client *admin, rsdk_pubsub *ps) {
    char id[32];
    snprintf(id, sizeof id, "%lld", (long long)rsdk_pubsub_id(ps));
    CMD_INT(admin, 1, "CLIENT", "KILL", "ID", id);
    rsdk_pubsub_stats st = {0};
    for (int i = 0; i < 100 && st.reconnects == 0; i++) {
        rsdk_pubsub_msg m;
        assert_int_not_equal(rsdk_pubsub_next(ps, &m, 50), RSDK_OK);
        rsdk_pubsub_stats_get(ps, &st);
    }
    assert_int_equal(st.reconnects, 1);
}

static void run(rsdk_test_server *srv, int protocol, bool shard) {
    rsdk_client *admin = rsdk_test_client(srv, 3, true);
    rsdk_pubsub *ps = tp_limited_pubsub(srv, admin, protocol);
    tp_sub(ps, shard ? 's' : 'c', "allowed:pre");

    /* The second of three chunks is refused; the first and third were not. */
    names *n = malloc(sizeof *n);
    assert_non_null(n);
    make_names(n, "allowed:", 700);
    assert_int_equal(sub(ps, shard, n), RSDK_ERR_NOPERM);
    assert_string_equal(rsdk_pubsub_error(ps)->prefix, "NOPERM");
    expect_count(admin, ps, shard, 1);
    expect_delivery(admin, ps, shard, "allowed:0", 0);
    expect_delivery(admin, ps, shard, "allowed:1499", 0);

    /* The same names, all allowed now: every confirmation is this call's. */
    make_names(n, "allowed:", MANY);
    assert_int_equal(sub(ps, shard, n), RSDK_OK);
    expect_count(admin, ps, shard, MANY + 1);
    expect_delivery(admin, ps, shard, "allowed:pre", 1);
    expect_delivery(admin, ps, shard, "allowed:700", 1);
    expect_delivery(admin, ps, shard, "allowed:1499", 1);

    /* Refused in the last chunk, on top of what is subscribed. */
    make_names(n, "allowed:x", 1200);
    assert_int_equal(sub(ps, shard, n), RSDK_ERR_NOPERM);
    expect_count(admin, ps, shard, MANY + 1);

    /* A reconnect subscribes exactly the accepted names again. */
    reconnect(admin, ps);
    expect_count(admin, ps, shard, MANY + 1);
    expect_delivery(admin, ps, shard, "allowed:0", 1);
    expect_delivery(admin, ps, shard, "allowed:1499", 1);
    expect_delivery(admin, ps, shard, "allowed:x0", 0);
    tp_expect_none(ps, 100);

    free(n);
    rsdk_pubsub_free(ps);
    CMD_INT(admin, 1, "ACL", "DELUSER", "limited");
    rsdk_client_close(admin);
}

RSDK_TEST_SERVER_CASE(test_channels_resp3, run, 3, false)
RSDK_TEST_SERVER_CASE(test_channels_resp2, run, 2, false)
RSDK_TEST_SERVER_CASE(test_shard_resp3, run, 3, true)
RSDK_TEST_SERVER_CASE(test_shard_resp2, run, 2, true)

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_channels_resp3),
        cmocka_unit_test(test_channels_resp2),
        cmocka_unit_test(test_shard_resp3),
        cmocka_unit_test(test_shard_resp2),
    };
    return cmocka_run_group_tests(tests, rsdk_test_server_group_setup, rsdk_test_server_group_teardown);
}
