/* Shard channels across a live 6-node cluster (rsdk/cluster_pubsub.h):
 * each channel is subscribed on the primary that owns its slot, every
 * message published through the cluster handle arrives once, a channel
 * whose slot is migrated to another primary is moved there (the server's
 * own SUNSUBSCRIBE) and keeps delivering, so does one whose primary is
 * killed (moved to the promoted replica), classic channels work on one
 * node, and bad arguments are refused. */
#include "cluster_test.h"

#define NCHAN 30

static long long spublish(rsdk_cluster *cl, const char *ch, const char *msg) {
    return ct_int(cl, "SPUBLISH", ch, msg);
}

/* Waits for the next message; fails the test when none comes in `ms`. */
static void expect_msg(rsdk_cluster_pubsub *cps, rsdk_pubsub_msg *m, int ms) {
    rsdk_error err;
    rsdk_status s = rsdk_cluster_pubsub_next(cps, m, ms, &err);
    if (s != RSDK_OK) fail_msg("next: %s: %s", rsdk_status_name(s), err.message);
}

/* Publishes `payload` on `ch` until it arrives (at most `ms`); the time it
 * took, or -1. */
static long long publish_until_received(rsdk_cluster *cl, rsdk_cluster_pubsub *cps, const char *ch,
                                        const char *payload, long long ms) {
    long long t0 = rsdk_test_now_ms();
    rsdk_pubsub_msg m;
    rsdk_error err;
    size_t n = strlen(payload);
    while (rsdk_test_now_ms() - t0 < ms) {
        rsdk_reply *r = NULL;
        if (rsdk_cluster_command(cl, &r, &err, "SPUBLISH", ch, payload, (const char *)NULL) == RSDK_OK)
            rsdk_reply_free(r);
        if (rsdk_cluster_pubsub_next(cps, &m, 200, &err) != RSDK_OK) continue;
        bool mine = m.payload.len == n && memcmp(m.payload.ptr, payload, n) == 0;
        rsdk_pubsub_msg_deinit(&m);
        if (mine) return rsdk_test_now_ms() - t0;
    }
    return -1;
}

/* A cluster handle on the harness's cluster and a subscriber over it. */
static rsdk_cluster_pubsub *open_sub(rsdk_test_cluster *tc, int timeout_ms, rsdk_cluster **cl) {
    *cl = ct_open(tc, timeout_ms);
    rsdk_cluster_pubsub *cps = NULL;
    rsdk_error err;
    assert_int_equal(rsdk_cluster_pubsub_new(*cl, &cps, &err), RSDK_OK);
    return cps;
}

static void shard_channels_reach_their_owners(void **state) {
    RSDK_TEST_NEED_SERVER(state);
    rsdk_test_cluster *tc = *state;
    rsdk_cluster *cl;
    rsdk_cluster_pubsub *cps = open_sub(tc, 5000, &cl);
    rsdk_error err;
    char name[NCHAN][16];
    rsdk_str names[NCHAN];
    for (int i = 0; i < NCHAN; i++) {
        snprintf(name[i], sizeof name[i], "ch:%d", i);
        names[i] = rsdk_str_c(name[i]);
    }
    assert_int_equal(rsdk_cluster_pubsub_ssubscribe(cps, names, NCHAN, &err), RSDK_OK);
    assert_int_equal(rsdk_cluster_pubsub_ssubscribe(cps, names, 2, &err), RSDK_OK); /* again: no-op */
    rsdk_cluster_pubsub_stats st;
    rsdk_cluster_pubsub_stats_get(cps, &st);
    assert_int_equal(st.subscribers, 3); /* 30 slots over 3 primaries */
    assert_int_equal(st.shard_channels, NCHAN);
    for (int i = 0; i < NCHAN; i++) assert_int_equal(spublish(cl, name[i], name[i]), 1);
    int seen[NCHAN] = {0};
    for (int i = 0; i < NCHAN; i++) {
        rsdk_pubsub_msg m;
        expect_msg(cps, &m, 5000);
        assert_int_equal(m.kind, RSDK_PUBSUB_SMESSAGE);
        int k = atoi(m.channel.ptr + 3);
        assert_true(k >= 0 && k < NCHAN);
        assert_int_equal(m.payload.len, m.channel.len);
        assert_memory_equal(m.payload.ptr, m.channel.ptr, m.channel.len);
        seen[k]++;
        rsdk_pubsub_msg_deinit(&m);
    }
    for (int i = 0; i < NCHAN; i++) assert_int_equal(seen[i], 1);
    rsdk_pubsub_msg m;
    assert_int_equal(rsdk_cluster_pubsub_next(cps, &m, 50, &err), RSDK_ERR_TIMEOUT);

    /* Unsubscribed channels deliver nothing more. */
    assert_int_equal(rsdk_cluster_pubsub_sunsubscribe(cps, names, NCHAN, &err), RSDK_OK);
    assert_int_equal(spublish(cl, name[0], "late"), 0);
    rsdk_cluster_pubsub_stats_get(cps, &st);
    assert_int_equal(st.shard_channels, 0);
    assert_int_equal(st.messages, NCHAN);

    /* Classic channels: on one node, reaching every node's publishers. */
    rsdk_str classic = rsdk_str_c("news");
    assert_int_equal(rsdk_cluster_pubsub_subscribe(cps, &classic, 1, &err), RSDK_OK);
    rsdk_client *other = rsdk_test_cluster_client(tc, 5);
    rsdk_reply *r = NULL;
    assert_int_equal(rsdk_client_command(other, &r, "PUBLISH", "news", "hello", (const char *)NULL), RSDK_OK);
    rsdk_reply_free(r);
    rsdk_client_close(other);
    expect_msg(cps, &m, 5000);
    assert_int_equal(m.kind, RSDK_PUBSUB_MESSAGE);
    assert_memory_equal(m.payload.ptr, "hello", 5);
    rsdk_pubsub_msg_deinit(&m);
    assert_int_equal(rsdk_cluster_pubsub_unsubscribe(cps, NULL, 0, &err), RSDK_OK);
    rsdk_cluster_pubsub_free(cps);
    rsdk_cluster_close(cl);
}

static void a_migrated_slot_moves_its_channel(void **state) {
    RSDK_TEST_NEED_SERVER(state);
    rsdk_test_cluster *tc = *state;
    rsdk_cluster *cl;
    rsdk_cluster_pubsub *cps = open_sub(tc, 5000, &cl);
    rsdk_error err;
    const char *ch = "{mv}orders";
    rsdk_str name = rsdk_str_c(ch);
    assert_int_equal(rsdk_cluster_pubsub_ssubscribe(cps, &name, 1, &err), RSDK_OK);
    unsigned slot = rsdk_cluster_keyslot("mv", 2);
    int a = ct_owner_node(tc, cl, slot), b = -1;
    for (unsigned s = 0; s < 16384 && b < 0; s += 101) {
        int n = ct_owner_node(tc, cl, s);
        if (n != a) b = n;
    }
    assert_true(a >= 0 && b >= 0);
    assert_int_equal(spublish(cl, ch, "before"), 1);
    rsdk_pubsub_msg m;
    expect_msg(cps, &m, 5000);
    assert_memory_equal(m.payload.ptr, "before", 6);
    rsdk_pubsub_msg_deinit(&m);

    ct_migrate_slot(tc, slot, a, b);
    /* The server drops the subscription as the slot leaves; the
     * subscriber notices on its next call and moves the channel. */
    long long took = publish_until_received(cl, cps, ch, "after", 10000);
    assert_true(took >= 0);
    print_message("channel moved and delivering after %lld ms\n", took);
    rsdk_cluster_pubsub_stats st;
    rsdk_cluster_pubsub_stats_get(cps, &st);
    assert_int_equal(st.moves, 1);
    assert_int_equal(ct_owner_node(tc, cl, slot), b);
    ct_migrate_slot(tc, slot, b, a); /* and back, with the channel */
    assert_true(publish_until_received(cl, cps, ch, "home", 10000) >= 0);
    rsdk_cluster_pubsub_stats_get(cps, &st);
    assert_int_equal(st.moves, 2);
    rsdk_cluster_pubsub_free(cps);
    rsdk_cluster_close(cl);
}

/* The primary of a channel's slot is killed: its replica is promoted and
 * the channel moves to it. Last in the binary: the cluster stays a node
 * short. */
static void a_failed_primary_moves_its_channels(void **state) {
    RSDK_TEST_NEED_SERVER(state);
    rsdk_test_cluster *tc = *state;
    rsdk_cluster *cl;
    rsdk_cluster_pubsub *cps = open_sub(tc, 2000, &cl);
    rsdk_error err;
    const char *ch = "{fo}alerts";
    rsdk_str name = rsdk_str_c(ch);
    assert_int_equal(rsdk_cluster_pubsub_ssubscribe(cps, &name, 1, &err), RSDK_OK);
    assert_true(publish_until_received(cl, cps, ch, "up", 5000) >= 0);
    unsigned slot = rsdk_cluster_keyslot("fo", 2);
    int victim = ct_owner_node(tc, cl, slot);
    assert_true(victim >= 0);
    rsdk_test_server_kill(&tc->node[victim]);
    long long took = publish_until_received(cl, cps, ch, "after-failover", 30000);
    assert_true(took >= 0);
    print_message("failover: node %d killed; its shard channel delivered again after %lld ms\n",
                  victim, took);
    assert_true(ct_owner_node(tc, cl, slot) != victim);
    rsdk_cluster_pubsub_stats st;
    rsdk_cluster_pubsub_stats_get(cps, &st);
    assert_int_equal(st.moves, 1);
    assert_int_equal(st.subscribers, 1); /* the dead node's subscriber was closed */
    rsdk_cluster_pubsub_free(cps);
    rsdk_cluster_close(cl);
}

static void bad_arguments_are_refused(void **state) {
    RSDK_TEST_NEED_SERVER(state);
    rsdk_test_cluster *tc = *state;
    rsdk_cluster *cl = ct_open(tc, 5000);
    rsdk_cluster_pubsub *cps = NULL;
    rsdk_error err;
    assert_int_equal(rsdk_cluster_pubsub_new(NULL, &cps, &err), RSDK_ERR_INVALID_ARG);
    assert_int_equal(rsdk_cluster_pubsub_new(cl, &cps, &err), RSDK_OK);
    assert_int_equal(rsdk_cluster_pubsub_ssubscribe(cps, NULL, 1, &err), RSDK_ERR_INVALID_ARG);
    assert_int_equal(rsdk_cluster_pubsub_ssubscribe(cps, NULL, 0, &err), RSDK_ERR_INVALID_ARG);
    rsdk_str bad = {NULL, 3};
    assert_int_equal(rsdk_cluster_pubsub_ssubscribe(cps, &bad, 1, &err), RSDK_ERR_INVALID_ARG);
    assert_non_null(strstr(err.message, "NULL"));
    assert_int_equal(rsdk_cluster_pubsub_next(cps, NULL, 0, &err), RSDK_ERR_INVALID_ARG);
    rsdk_pubsub_msg m;
    assert_int_equal(rsdk_cluster_pubsub_next(cps, &m, 0, &err), RSDK_ERR_TIMEOUT);
    rsdk_cluster_pubsub_stats st;
    rsdk_cluster_pubsub_stats_get(cps, &st);
    assert_int_equal(st.subscribers, 0); /* nothing was opened */
    rsdk_cluster_pubsub_free(cps);
    rsdk_cluster_pubsub_free(NULL);
    rsdk_cluster_close(cl);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(bad_arguments_are_refused),
        cmocka_unit_test(shard_channels_reach_their_owners),
        cmocka_unit_test(a_migrated_slot_moves_its_channel),
        cmocka_unit_test(a_failed_primary_moves_its_channels),
    };
    return cmocka_run_group_tests(tests, rsdk_test_cluster_group_setup, rsdk_test_cluster_group_teardown);
}
