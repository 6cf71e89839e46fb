/* The cluster's pipeline object routes each command as it is queued and
 * sends a queue whose every command was routed so without reading it back
 * (runtime/src/cluster/cluster_pipe_*.c). On a live 6-node cluster: typed
 * _queue calls and rsdk_pipeline_append_argv land on the node that owns
 * their key's slot; a slot moved between queueing and exec costs one
 * MOVED, and only that command runs again; commands the queue-time routing
 * leaves to the general exec (a fan-out, MULTI ... EXEC, an unknown name,
 * a cross-slot MGET that splits, a cross-slot SUNIONSTORE that cannot)
 * keep their replies in place among the others. */
#include "cluster_test.h"
#include "rsdk/pipeline_internal.h"
#include "rsdk/txn.h"
#include "rsdk/writer.h"

static void assert_str(const rsdk_reply *r, const char *want) {
    assert_non_null(r);
    if (r->type != RSDK_REPLY_STRING && r->type != RSDK_REPLY_STATUS)
        fail_msg("want \"%s\", got type %d: %s", want, (int)r->type, r->type == RSDK_REPLY_ERROR ? r->str : "");
    assert_int_equal(r->len, strlen(want));
    assert_memory_equal(r->str, want, r->len);
}

/* One node's answer to argv (a plain client on that node). */
static long long node_int(rsdk_test_cluster *tc, int node, int argc, const char **argv) {
    rsdk_reply *r = ct_node_cmd(tc, node, argc, argv);
    if (r->type != RSDK_REPLY_INTEGER)
        fail_msg("%s on node %d: type %d %s", argv[0], node, (int)r->type, r->type == RSDK_REPLY_ERROR ? r->str : "");
    long long v = r->integer;
    rsdk_reply_free(r);
    return v;
}

#define NKEYS 48

static void queued_commands_land_on_their_owners(void **state) {
    RSDK_TEST_NEED_SERVER(state);
    rsdk_test_cluster *tc = *state;
    rsdk_cluster *cl = ct_open(tc, 5000);
    rsdk_pipeline *p = ct_pipe_new(cl);
    char gen[NKEYS][32], raw[NKEYS][32];
    for (int i = 0; i < NKEYS; i++) {
        snprintf(gen[i], sizeof gen[i], "prt:gen:%d", i);
        snprintf(raw[i], sizeof raw[i], "prt:argv:%d", i);
        /* Every other one through each way, so the two ways interleave. */
        assert_int_equal(rcore_set_queue(p, gen[i], gen[i], NULL, NULL), RSDK_OK);
        const char *set[] = {"SET", raw[i], raw[i]};
        size_t lens[] = {3, strlen(raw[i]), strlen(raw[i])};
        assert_int_equal(rsdk_pipeline_append_argv(p, 3, set, i % 2 ? lens : NULL), RSDK_OK);
    }
    /* Every command goes straight to its owner: no redirect on the way
     * (the typed calls route by the key their encoder hands over). */
    rsdk_cluster_stats st0, st1;
    rsdk_cluster_stats_get(cl, &st0);
    ct_pipe_exec(p);
    rsdk_cluster_stats_get(cl, &st1);
    assert_int_equal(st1.moved, st0.moved);
    assert_int_equal(st1.ask, st0.ask);
    assert_int_equal(rsdk_pipeline_reply_count(p), 2 * NKEYS);
    for (size_t i = 0; i < 2 * NKEYS; i++) assert_str(rsdk_pipeline_reply(p, i), "OK");
    /* Each key is on the node the server's CLUSTER KEYSLOT says owns it. */
    for (int i = 0; i < 2 * NKEYS; i++) {
        const char *key = i < NKEYS ? gen[i] : raw[i - NKEYS];
        const char *ks[] = {"CLUSTER", "KEYSLOT", key};
        long long slot = node_int(tc, 0, 3, ks);
        assert_int_equal(slot, rsdk_cluster_keyslot(key, strlen(key)));
        int owner = ct_owner_node(tc, cl, (unsigned)slot);
        const char *ex[] = {"EXISTS", key};
        assert_int_equal(node_int(tc, owner, 2, ex), 1);
        char sl[16];
        snprintf(sl, sizeof sl, "%lld", slot);
        const char *count[] = {"CLUSTER", "COUNTKEYSINSLOT", sl};
        assert_true(node_int(tc, owner, 3, count) >= 1);
    }
    /* Read back through the typed GETs, in order, on the same object (the
     * last exec's replies recycled). */
    for (int i = 0; i < NKEYS; i++) {
        assert_int_equal(rcore_get_queue(p, raw[i], NULL), RSDK_OK);
        assert_int_equal(rcore_get_queue(p, gen[i], NULL), RSDK_OK);
    }
    ct_pipe_exec(p);
    for (int i = 0; i < NKEYS; i++) {
        assert_str(rsdk_pipeline_reply(p, 2 * (size_t)i), raw[i]);
        assert_str(rsdk_pipeline_reply(p, 2 * (size_t)i + 1), gen[i]);
    }
    /* A discarded queue leaves nothing behind for the next one. */
    assert_int_equal(rcore_get_queue(p, gen[0], NULL), RSDK_OK);
    rsdk_pipeline_discard(p);
    assert_int_equal(rcore_get_queue(p, gen[1], NULL), RSDK_OK);
    ct_pipe_exec(p);
    assert_int_equal(rsdk_pipeline_reply_count(p), 1);
    assert_str(rsdk_pipeline_reply(p, 0), gen[1]);
    rsdk_pipeline_free(p);
    rsdk_cluster_close(cl);
}

/* A name and key told for a command that is then rolled back are not
 * taken for the next command: it is routed by its own key. "{a}" (slot
 * 15495) and "{b}" (slot 3300) are on different primaries of the 3. */
static void a_rolled_back_key_is_not_taken_for_the_next_command(void **state) {
    RSDK_TEST_NEED_SERVER(state);
    rsdk_test_cluster *tc = *state;
    rsdk_cluster *cl = ct_open(tc, 5000);
    int a_owner = ct_owner_node(tc, cl, 15495);
    assert_int_not_equal(a_owner, ct_owner_node(tc, cl, 3300));
    rsdk_pipeline *p = ct_pipe_new(cl);
    assert_int_equal(rcore_set_queue(p, "{b}k", "vb", NULL, NULL), RSDK_OK);
    ct_pipe_exec(p);
    assert_str(rsdk_pipeline_reply(p, 0), "OK");
    for (int round = 0; round < 2; round++) {
        /* Bytes for {a} with its key told, rolled back; then {b}'s bytes. */
        rsdk_buf *b = rsdk_pipeline_buf(p);
        assert_int_equal(rsdk_write_command(b, 2, (const char *[]){"GET", "{a}k"}, NULL), RSDK_OK);
        rsdk_pipeline_name_key(p, "GET", 3, (rsdk_str){"{a}k", 4});
        rsdk_pipeline_rollback(p);
        if (round == 1) { /* told again, then a new encode begins */
            rsdk_pipeline_name_key(p, "GET", 3, (rsdk_str){"{a}k", 4});
            b = rsdk_pipeline_buf(p);
        }
        assert_int_equal(rsdk_write_command(b, 2, (const char *[]){"GET", "{b}k"}, NULL), RSDK_OK);
        rsdk_pipeline_commit(p);
        /* {a}'s owner never sees the GET, not even to refuse it (a MOVED
         * counts in its rejected_calls). */
        char before[256], after[256];
        ct_cmdstat(tc, a_owner, "get", before, sizeof before);
        ct_pipe_exec(p);
        ct_cmdstat(tc, a_owner, "get", after, sizeof after);
        assert_int_equal(rsdk_pipeline_reply_count(p), 1);
        assert_str(rsdk_pipeline_reply(p, 0), "vb");
        assert_string_equal(after, before);
    }
    /* Bad input is ignored: a NULL pipeline, an empty name, a key with a
     * length and no bytes. */
    rsdk_pipeline_name_key(NULL, "GET", 3, (rsdk_str){"x", 1});
    rsdk_pipeline_name_key(p, "GET", 0, (rsdk_str){"x", 1});
    rsdk_pipeline_name_key(p, "GET", 3, (rsdk_str){NULL, 5});
    assert_int_equal(rcore_get_queue(p, "{b}k", NULL), RSDK_OK);
    ct_pipe_exec(p);
    assert_str(rsdk_pipeline_reply(p, 0), "vb");
    rsdk_pipeline_free(p);
    rsdk_cluster_close(cl);
}

static void slot_moved_after_queueing_reruns_only_its_command(void **state) {
    RSDK_TEST_NEED_SERVER(state);
    rsdk_test_cluster *tc = *state;
    rsdk_cluster *cl = ct_open(tc, 5000);
    char keys[3][32];
    ct_key_per_primary(cl, keys);
    const char *moving = "prt:moving";
    unsigned slot = rsdk_cluster_keyslot(moving, strlen(moving));
    int from = ct_owner_node(tc, cl, slot), to = -1;
    for (int i = 0; i < 3; i++) {
        unsigned s = rsdk_cluster_keyslot(keys[i], strlen(keys[i]));
        assert_int_not_equal(s, slot);
        int n = ct_owner_node(tc, cl, s);
        if (n != from) to = n;
    }
    assert_true(to >= 0);
    rsdk_pipeline *p = ct_pipe_new(cl);
    const char *del[] = {"DEL", moving};
    assert_int_equal(rsdk_pipeline_append_argv(p, 2, del, NULL), RSDK_OK);
    for (int i = 0; i < 3; i++) {
        const char *d[] = {"DEL", keys[i]};
        assert_int_equal(rsdk_pipeline_append_argv(p, 2, d, NULL), RSDK_OK);
    }
    ct_pipe_exec(p);
    /* Queued while the cluster still knows the slot on `from`. */
    for (int i = 0; i < 3; i++) assert_int_equal(rcore_incr_queue(p, keys[i], NULL), RSDK_OK);
    assert_int_equal(rcore_incr_queue(p, moving, NULL), RSDK_OK);
    const char *incr[] = {"INCR", moving};
    assert_int_equal(rsdk_pipeline_append_argv(p, 2, incr, NULL), RSDK_OK);
    for (int i = 0; i < 3; i++) assert_int_equal(rcore_incr_queue(p, keys[i], NULL), RSDK_OK);
    ct_migrate_slot(tc, slot, from, to);
    rsdk_cluster_stats st0, st1;
    rsdk_cluster_stats_get(cl, &st0);
    ct_pipe_exec(p);
    rsdk_cluster_stats_get(cl, &st1);
    assert_true(st1.moved > st0.moved);
    assert_int_equal(rsdk_pipeline_reply_count(p), 8);
    for (size_t i = 0; i < 3; i++) {
        assert_int_equal(rsdk_pipeline_reply(p, i)->integer, 1);
        assert_int_equal(rsdk_pipeline_reply(p, 5 + i)->integer, 2);
    }
    assert_int_equal(rsdk_pipeline_reply(p, 3)->integer, 1);
    assert_int_equal(rsdk_pipeline_reply(p, 4)->integer, 2);
    /* Each ran once: nothing that ran was sent again. */
    for (int i = 0; i < 3; i++) assert_int_equal(ct_counter(cl, keys[i]), 2);
    assert_int_equal(ct_counter(cl, moving), 2);
    const char *ex[] = {"EXISTS", moving};
    assert_int_equal(node_int(tc, to, 2, ex), 1);
    rsdk_pipeline_free(p);
    ct_migrate_slot(tc, slot, to, from);
    rsdk_cluster_close(cl);
}

static void general_commands_keep_their_places(void **state) {
    RSDK_TEST_NEED_SERVER(state);
    rsdk_cluster *cl = ct_open(*state, 5000);
    rsdk_pipeline *p = ct_pipe_new(cl);
    /* "a" and "b" hash to slots 15495 and 3300 (two primaries). */
    assert_int_equal(rcore_set_queue(p, "a", "va", NULL, NULL), RSDK_OK);      /* 0 */
    assert_int_equal(rcore_set_queue(p, "b", "vb", NULL, NULL), RSDK_OK);      /* 1 */
    const char *dbsize[] = {"DBSIZE"}, *multi[] = {"MULTI"}, *exec[] = {"EXEC"};
    assert_int_equal(rsdk_pipeline_append_argv(p, 1, dbsize, NULL), RSDK_OK); /* 2: every primary */
    assert_int_equal(rsdk_pipeline_append_argv(p, 1, multi, NULL), RSDK_OK);  /* 3 */
    assert_int_equal(rcore_set_queue(p, "{prt}x", "1", NULL, NULL), RSDK_OK);  /* 4 */
    assert_int_equal(rcore_incr_queue(p, "{prt}x", NULL), RSDK_OK);            /* 5 */
    assert_int_equal(rsdk_pipeline_append_argv(p, 1, exec, NULL), RSDK_OK);   /* 6 */
    const char *bogus[] = {"NOSUCHCOMMAND", "a"};
    assert_int_equal(rsdk_pipeline_append_argv(p, 2, bogus, NULL), RSDK_OK);  /* 7 */
    assert_int_equal(rcore_get_queue(p, "a", NULL), RSDK_OK);                  /* 8 */
    const char *mget[] = {"MGET", "b", "a", "nosuchkey"};
    assert_int_equal(rsdk_pipeline_append_argv(p, 4, mget, NULL), RSDK_OK);   /* 9: splits */
    const char *cross[] = {"SUNIONSTORE", "a", "b"};
    assert_int_equal(rsdk_pipeline_append_argv(p, 3, cross, NULL), RSDK_OK);  /* 10 */
    assert_int_equal(rcore_get_queue(p, "b", NULL), RSDK_OK);                  /* 11 */
    ct_pipe_exec(p);
    assert_int_equal(rsdk_pipeline_reply_count(p), 12);
    assert_str(rsdk_pipeline_reply(p, 0), "OK");
    assert_str(rsdk_pipeline_reply(p, 1), "OK");
    assert_int_equal(rsdk_pipeline_reply(p, 2)->type, RSDK_REPLY_INTEGER);
    assert_true(rsdk_pipeline_reply(p, 2)->integer >= 2);
    assert_str(rsdk_pipeline_reply(p, 3), "OK");
    assert_str(rsdk_pipeline_reply(p, 4), "QUEUED");
    assert_str(rsdk_pipeline_reply(p, 5), "QUEUED");
    const rsdk_reply *ex = rsdk_pipeline_reply(p, 6);
    assert_int_equal(ex->type, RSDK_REPLY_ARRAY);
    assert_int_equal(ex->elements, 2);
    assert_int_equal(ex->element[1].integer, 2);
    assert_int_equal(rsdk_pipeline_reply(p, 7)->type, RSDK_REPLY_ERROR);
    assert_non_null(strstr(rsdk_pipeline_reply(p, 7)->str, "NOSUCHCOMMAND"));
    assert_str(rsdk_pipeline_reply(p, 8), "va");
    const rsdk_reply *mg = rsdk_pipeline_reply(p, 9);
    assert_int_equal(mg->type, RSDK_REPLY_ARRAY);
    assert_int_equal(mg->elements, 3);
    assert_str(&mg->element[0], "vb");
    assert_str(&mg->element[1], "va");
    assert_int_equal(mg->element[2].type, RSDK_REPLY_NIL);
    assert_int_equal(rsdk_pipeline_reply(p, 10)->type, RSDK_REPLY_ERROR);
    assert_non_null(strstr(rsdk_pipeline_reply(p, 10)->str, "CROSSSLOT"));
    assert_str(rsdk_pipeline_reply(p, 11), "vb");
    /* The same object again, with commands routed at queue time only. */
    assert_int_equal(rcore_get_queue(p, "b", NULL), RSDK_OK);
    assert_int_equal(rcore_get_queue(p, "a", NULL), RSDK_OK);
    const char *ping[] = {"PING"};
    assert_int_equal(rsdk_pipeline_append_argv(p, 1, ping, NULL), RSDK_OK); /* keyless: any primary */
    ct_pipe_exec(p);
    assert_int_equal(rsdk_pipeline_reply_count(p), 3);
    assert_str(rsdk_pipeline_reply(p, 0), "vb");
    assert_str(rsdk_pipeline_reply(p, 1), "va");
    assert_str(rsdk_pipeline_reply(p, 2), "PONG");
    rsdk_pipeline_free(p);
    rsdk_cluster_close(cl);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(queued_commands_land_on_their_owners),
        cmocka_unit_test(a_rolled_back_key_is_not_taken_for_the_next_command),
        cmocka_unit_test(slot_moved_after_queueing_reruns_only_its_command),
        cmocka_unit_test(general_commands_keep_their_places),
    };
    return cmocka_run_group_tests(tests, rsdk_test_cluster_group_setup, rsdk_test_cluster_group_teardown);
}
