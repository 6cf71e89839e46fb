/* A cluster's pipeline object (rsdk_cluster_pipeline_new) on a live
 * 6-node cluster: typed _queue calls over the three primaries give typed
 * replies in order, a MOVED mid-pipeline is followed, the object is reused
 * across execs, bad input gets a clear status, a transaction flag is
 * refused while a one-slot MULTI ... EXEC queued in it runs, and every
 * allocation failing in turn is RSDK_ERR_NOMEM, never a crash or a leak. */
#include "cluster_test.h"
#include "rsdk/txn.h"
#include "support/fail_alloc.h"

static void assert_get(rsdk_reply *r, const char *want) {
    rsdk_string str = {0};
    assert_int_equal(rcore_get_decode(r, &str, NULL), RSDK_OK);
    assert_false(str.nil);
    assert_int_equal(str.len, strlen(want));
    assert_memory_equal(str.ptr, want, str.len);
}

static void typed_queue_over_three_primaries_in_order(void **state) {
    RSDK_TEST_NEED_SERVER(state);
    rsdk_cluster *cl = ct_open(*state, 5000);
    char keys[3][32], ctr[3][128], hash[3][128];
    ct_key_per_primary(cl, keys);
    rsdk_pipeline *p = ct_pipe_new(cl);
    for (int i = 0; i < 3; i++) {
        snprintf(ctr[i], sizeof ctr[i], "{%s}:n", keys[i]);
        snprintf(hash[i], sizeof hash[i], "{%s}:h", keys[i]);
        const char *del[] = {"DEL", ctr[i], hash[i]};
        assert_int_equal(rsdk_pipeline_append_argv(p, 3, del, NULL), RSDK_OK);
    }
    ct_pipe_exec(p);
    assert_int_equal(rsdk_pipeline_reply_count(p), 3);
    /* Per primary: SET, INCR twice, GET, HSET (raw), HGETALL. */
    for (int i = 0; i < 3; i++) {
        assert_int_equal(rcore_set_queue(p, keys[i], keys[i], NULL, NULL), RSDK_OK);
        assert_int_equal(rcore_incr_queue(p, ctr[i], NULL), RSDK_OK);
        assert_int_equal(rcore_incr_queue(p, ctr[i], NULL), RSDK_OK);
        assert_int_equal(rcore_get_queue(p, keys[i], NULL), RSDK_OK);
        const char *hset[] = {"HSET", hash[i], "f", keys[i]};
        assert_int_equal(rsdk_pipeline_append_argv(p, 4, hset, NULL), RSDK_OK);
        assert_int_equal(rcore_hgetall_queue(p, hash[i], NULL), RSDK_OK);
    }
    assert_int_equal(rsdk_pipeline_count(p), 18);
    ct_pipe_exec(p);
    assert_int_equal(rsdk_pipeline_count(p), 0);
    assert_int_equal(rsdk_pipeline_reply_count(p), 18);
    for (int i = 0; i < 3; i++) {
        size_t b = (size_t)i * 6;
        rsdk_string ok = {0};
        assert_int_equal(rcore_set_decode(rsdk_pipeline_reply(p, b), &ok, NULL), RSDK_OK);
        assert_memory_equal(ok.ptr, "OK", 2);
        int64_t v = 0;
        assert_int_equal(rcore_incr_decode(rsdk_pipeline_reply(p, b + 1), &v, NULL), RSDK_OK);
        assert_int_equal(v, 1);
        assert_int_equal(rcore_incr_decode(rsdk_pipeline_reply(p, b + 2), &v, NULL), RSDK_OK);
        assert_int_equal(v, 2);
        assert_get(rsdk_pipeline_reply(p, b + 3), keys[i]);
        assert_int_equal(rsdk_pipeline_reply(p, b + 4)->integer, 1);
        rsdk_pairs h = {0};
        assert_int_equal(rcore_hgetall_decode(rsdk_pipeline_reply(p, b + 5), &h, NULL), RSDK_OK);
        assert_int_equal(h.count, 1);
    }
    assert_null(rsdk_pipeline_reply(p, 18));

    /* The same object again: the last exec's replies give way to the new. */
    for (int i = 0; i < 3; i++) assert_int_equal(rcore_incr_queue(p, ctr[i], NULL), RSDK_OK);
    ct_pipe_exec(p);
    assert_int_equal(rsdk_pipeline_reply_count(p), 3);
    for (size_t i = 0; i < 3; i++) assert_int_equal(rsdk_pipeline_reply(p, i)->integer, 3);
    rsdk_pipeline_free(p);
    rsdk_cluster_close(cl);
}

static void moved_mid_pipeline_is_followed(void **state) {
    RSDK_TEST_NEED_SERVER(state);
    rsdk_test_cluster *tc = *state;
    rsdk_cluster *cl = ct_open(tc, 5000);
    char keys[3][32], owner[64];
    ct_key_per_primary(cl, keys);
    unsigned slot = rsdk_cluster_keyslot("pom", 3);
    assert_int_equal(rsdk_cluster_slot_owner(cl, slot, owner, sizeof owner), RSDK_OK);
    int from = rsdk_test_cluster_node_by_port(tc, atoi(strrchr(owner, ':') + 1)), to = -1;
    for (int i = 0; i < 3 && to < 0; i++) {
        assert_int_equal(rsdk_cluster_slot_owner(cl, rsdk_cluster_keyslot(keys[i], strlen(keys[i])),
                                                 owner, sizeof owner), RSDK_OK);
        int n = rsdk_test_cluster_node_by_port(tc, atoi(strrchr(owner, ':') + 1));
        if (n != from) to = n;
    }
    assert_true(to >= 0);
    rsdk_pipeline *p = ct_pipe_new(cl);
    assert_int_equal(rcore_set_queue(p, "pom", "before", NULL, NULL), RSDK_OK);
    ct_pipe_exec(p); /* the cluster now knows "pom" on `from`, its old owner */
    ct_migrate_slot(tc, slot, from, to);
    rsdk_cluster_stats st0, st1;
    rsdk_cluster_stats_get(cl, &st0);
    for (int i = 0; i < 3; i++) assert_int_equal(rcore_set_queue(p, keys[i], "a", NULL, NULL), RSDK_OK);
    assert_int_equal(rcore_get_queue(p, "pom", NULL), RSDK_OK);
    assert_int_equal(rcore_set_queue(p, "pom", "after", NULL, NULL), RSDK_OK);
    for (int i = 0; i < 3; i++) assert_int_equal(rcore_get_queue(p, keys[i], NULL), RSDK_OK);
    assert_int_equal(rcore_get_queue(p, "pom", NULL), RSDK_OK);
    ct_pipe_exec(p);
    rsdk_cluster_stats_get(cl, &st1);
    /* The three commands on "pom" each met MOVED once: each was counted
     * and applied, and sent again straight to the new owner. */
    assert_int_equal(st1.moved - st0.moved, 3);
    assert_int_equal(ct_owner_node(tc, cl, slot), to);
    assert_int_equal(rsdk_pipeline_reply_count(p), 9);
    assert_get(rsdk_pipeline_reply(p, 3), "before");
    assert_int_equal(rsdk_pipeline_reply(p, 4)->type, RSDK_REPLY_STATUS);
    for (size_t i = 0; i < 3; i++) assert_get(rsdk_pipeline_reply(p, 5 + i), "a");
    assert_get(rsdk_pipeline_reply(p, 8), "after");
    rsdk_pipeline_free(p);
    ct_migrate_slot(tc, slot, to, from); /* "pom" moves back with it */
    rsdk_cluster_close(cl);
}

static void bad_input_and_transactions(void **state) {
    RSDK_TEST_NEED_SERVER(state);
    rsdk_cluster *cl = ct_open(*state, 5000);
    rsdk_pipeline *p = NULL;
    rsdk_error err;
    assert_int_equal(rsdk_cluster_pipeline_new(NULL, &p, &err), RSDK_ERR_INVALID_ARG);
    assert_non_null(strstr(err.message, "needs a cluster"));
    assert_null(p);
    assert_int_equal(rsdk_cluster_pipeline_new(cl, NULL, &err), RSDK_ERR_INVALID_ARG);
    assert_null(rsdk_pipeline_error(NULL));
    p = ct_pipe_new(cl);
    /* Nothing queued: nothing sent, no replies. */
    assert_int_equal(rsdk_pipeline_exec(p), RSDK_OK);
    assert_int_equal(rsdk_pipeline_reply_count(p), 0);
    /* WATCH needs one connection: the cluster's pipeline has none. */
    assert_int_equal(rsdk_txn_watch_run(p, NULL, 0, NULL, NULL, 1, NULL), RSDK_ERR_INVALID_ARG);
    /* A one-slot MULTI ... EXEC may also be queued as it is. */
    const char *multi[] = {"MULTI"}, *exec[] = {"EXEC"};
    assert_int_equal(rsdk_pipeline_append_argv(p, 1, multi, NULL), RSDK_OK);
    assert_int_equal(rcore_set_queue(p, "{tx}a", "1", NULL, NULL), RSDK_OK);
    assert_int_equal(rcore_incr_queue(p, "{tx}a", NULL), RSDK_OK);
    assert_int_equal(rsdk_pipeline_append_argv(p, 1, exec, NULL), RSDK_OK);
    ct_pipe_exec(p);
    const rsdk_reply *ex = rsdk_pipeline_reply(p, 3);
    assert_int_equal(ex->type, RSDK_REPLY_ARRAY);
    assert_int_equal(ex->elements, 2);
    assert_int_equal(ex->element[1].integer, 2);
    /* Across slots: refused in every slot of the block, nothing sent. */
    assert_int_equal(rsdk_pipeline_append_argv(p, 1, multi, NULL), RSDK_OK);
    assert_int_equal(rcore_incr_queue(p, "{tx}a", NULL), RSDK_OK);
    assert_int_equal(rcore_incr_queue(p, "{ty}b", NULL), RSDK_OK);
    assert_int_equal(rsdk_pipeline_append_argv(p, 1, exec, NULL), RSDK_OK);
    assert_int_equal(rcore_get_queue(p, "{tx}a", NULL), RSDK_OK);
    ct_pipe_exec(p);
    for (size_t i = 0; i < 4; i++) {
        assert_int_equal(rsdk_pipeline_reply(p, i)->type, RSDK_REPLY_ERROR);
        assert_non_null(strstr(rsdk_pipeline_reply(p, i)->str, "CROSSSLOT"));
    }
    assert_get(rsdk_pipeline_reply(p, 4), "2");
    /* A command no table knows, one across slots: each gets its error in
     * its slot, unsent, and the rest run. */
    const char *bogus[] = {"NOSUCHCOMMAND", "k"}, *cross[] = {"SUNIONSTORE", "{tx}d", "{ty}s"};
    assert_int_equal(rsdk_pipeline_append_argv(p, 2, bogus, NULL), RSDK_OK);
    assert_int_equal(rcore_get_queue(p, "{tx}a", NULL), RSDK_OK);
    assert_int_equal(rsdk_pipeline_append_argv(p, 3, cross, NULL), RSDK_OK);
    assert_int_equal(rcore_incr_queue(p, "{tx}a", NULL), RSDK_OK);
    ct_pipe_exec(p);
    assert_int_equal(rsdk_pipeline_reply(p, 0)->type, RSDK_REPLY_ERROR);
    assert_get(rsdk_pipeline_reply(p, 1), "2");
    assert_int_equal(rsdk_pipeline_reply(p, 2)->type, RSDK_REPLY_ERROR);
    assert_non_null(strstr(rsdk_pipeline_reply(p, 2)->str, "CROSSSLOT"));
    assert_int_equal(rsdk_pipeline_reply(p, 3)->integer, 3);
    rsdk_pipeline_free(p);
    rsdk_pipeline_free(NULL);
    rsdk_cluster_close(cl);
}

/* Transaction mode: the queue goes as MULTI ... EXEC to the owner of its
 * keys' slot, with a client's transaction's results: each command's result
 * in its slot; EXECABORT with only the refused command's error; a
 * command's runtime error in its slot with the others done; keys in
 * several slots refused before sending (RSDK_ERR_CROSSSLOT, no results);
 * a MOVED inside answers EXECABORT once, and the map it taught sends the
 * next exec to the new owner. */
static void transaction_mode(void **state) {
    RSDK_TEST_NEED_SERVER(state);
    rsdk_test_cluster *tc = *state;
    rsdk_cluster *cl = ct_open(tc, 5000);
    rsdk_pipeline *p = ct_pipe_new(cl);
    unsigned slot = rsdk_cluster_keyslot("{tm}", 4);
    int owner = ct_owner_node(tc, cl, slot);
    assert_false(rsdk_pipeline_is_transaction(p));
    assert_int_equal(rsdk_pipeline_set_transaction(p, true), RSDK_OK);
    assert_true(rsdk_pipeline_is_transaction(p));
    /* Nothing queued: nothing sent. */
    assert_int_equal(rsdk_pipeline_exec(p), RSDK_OK);
    assert_int_equal(rsdk_pipeline_reply_count(p), 0);
    char before[256], after[256];
    ct_cmdstat(tc, owner, "exec", before, sizeof before);
    const char *incr[] = {"INCR", "{tm}n"};
    assert_int_equal(rcore_set_queue(p, "{tm}n", "40", NULL, NULL), RSDK_OK);
    assert_int_equal(rsdk_pipeline_append_argv(p, 2, incr, NULL), RSDK_OK);
    assert_int_equal(rcore_incr_queue(p, "{tm}n", NULL), RSDK_OK);
    assert_int_equal(rcore_get_queue(p, "{tm}n", NULL), RSDK_OK);
    assert_int_equal(rsdk_pipeline_exec(p), RSDK_OK);
    assert_int_equal(rsdk_pipeline_reply_count(p), 4);
    assert_int_equal(rsdk_pipeline_reply(p, 0)->type, RSDK_REPLY_STATUS);
    assert_int_equal(rsdk_pipeline_reply(p, 1)->integer, 41);
    assert_int_equal(rsdk_pipeline_reply(p, 2)->integer, 42);
    assert_get(rsdk_pipeline_reply(p, 3), "42");
    ct_cmdstat(tc, owner, "exec", after, sizeof after);
    assert_string_not_equal(after, before); /* it ran as a transaction there */
    /* A command the server refuses while queueing: EXECABORT, only its
     * error kept, nothing ran. */
    const char *bad[] = {"INCR", "{tm}n", "extra"};
    assert_int_equal(rcore_incr_queue(p, "{tm}n", NULL), RSDK_OK);
    assert_int_equal(rsdk_pipeline_append_argv(p, 3, bad, NULL), RSDK_OK);
    assert_int_equal(rsdk_pipeline_exec(p), RSDK_ERR_EXECABORT);
    assert_non_null(strstr(rsdk_pipeline_error(p)->message, "command 1"));
    assert_null(rsdk_pipeline_reply(p, 0));
    assert_int_equal(rsdk_pipeline_reply(p, 1)->type, RSDK_REPLY_ERROR);
    /* A runtime error: in its slot; the rest ran. */
    assert_int_equal(rcore_set_queue(p, "{tm}s", "text", NULL, NULL), RSDK_OK);
    assert_int_equal(rcore_incr_queue(p, "{tm}s", NULL), RSDK_OK);
    assert_int_equal(rcore_incr_queue(p, "{tm}n", NULL), RSDK_OK);
    assert_int_equal(rsdk_pipeline_exec(p), RSDK_OK);
    assert_int_equal(rsdk_pipeline_reply(p, 1)->type, RSDK_REPLY_ERROR);
    assert_int_equal(rsdk_pipeline_reply(p, 2)->integer, 43);
    /* Keys in two slots: refused, nothing sent, no results. */
    ct_cmdstat(tc, owner, "multi", before, sizeof before);
    assert_int_equal(rcore_incr_queue(p, "{tm}n", NULL), RSDK_OK);
    assert_int_equal(rcore_incr_queue(p, "{tz}n", NULL), RSDK_OK);
    assert_int_equal(rsdk_pipeline_exec(p), RSDK_ERR_CROSSSLOT);
    assert_non_null(strstr(rsdk_pipeline_error(p)->message, "across slots"));
    assert_null(rsdk_pipeline_reply(p, 0));
    assert_null(rsdk_pipeline_reply(p, 1));
    ct_cmdstat(tc, owner, "multi", after, sizeof after);
    assert_string_equal(after, before);
    assert_int_equal(ct_counter(cl, "{tm}n"), 43);
    /* The slot moves behind the map's back: EXECABORT (MOVED) once, then
     * the new owner. */
    char keys[3][32];
    ct_key_per_primary(cl, keys);
    int to = -1;
    for (int i = 0; i < 3 && to < 0; i++) {
        int n = ct_owner_node(tc, cl, rsdk_cluster_keyslot(keys[i], strlen(keys[i])));
        if (n != owner) to = n;
    }
    assert_true(to >= 0);
    ct_migrate_slot(tc, slot, owner, to);
    assert_int_equal(rcore_incr_queue(p, "{tm}n", NULL), RSDK_OK);
    assert_int_equal(rsdk_pipeline_exec(p), RSDK_ERR_EXECABORT);
    assert_non_null(strstr(rsdk_pipeline_error(p)->message, "MOVED"));
    assert_int_equal(rcore_incr_queue(p, "{tm}n", NULL), RSDK_OK);
    assert_int_equal(rsdk_pipeline_exec(p), RSDK_OK);
    assert_int_equal(rsdk_pipeline_reply(p, 0)->integer, 44);
    /* Off again: commands across slots go as a plain pipeline. */
    assert_int_equal(rsdk_pipeline_set_transaction(p, false), RSDK_OK);
    assert_false(rsdk_pipeline_is_transaction(p));
    assert_int_equal(rcore_incr_queue(p, "{tm}n", NULL), RSDK_OK);
    assert_int_equal(rcore_incr_queue(p, "{tz}n", NULL), RSDK_OK);
    assert_int_equal(rsdk_pipeline_exec(p), RSDK_OK);
    assert_int_equal(rsdk_pipeline_reply(p, 0)->integer, 45);
    rsdk_pipeline_free(p);
    ct_migrate_slot(tc, slot, to, owner);
    rsdk_cluster_close(cl);
}

/* 30 SETs then 30 GETs over the three primaries. */
static rsdk_status queue_mixed(rsdk_pipeline *p) {
    char key[32];
    rsdk_status first = RSDK_OK, s;
    for (int i = 0; i < 60; i++) {
        snprintf(key, sizeof key, "poom:%d", i % 30);
        s = i < 30 ? rcore_set_queue(p, key, key, NULL, NULL) : rcore_get_queue(p, key, NULL);
        if (s != RSDK_OK && first == RSDK_OK) first = s;
    }
    return first;
}

static void every_allocation_failing_is_nomem(void **state) {
    RSDK_TEST_NEED_SERVER(state);
    rsdk_cluster *cl = ct_open(*state, 5000);
    rsdk_pipeline *p = ct_pipe_new(cl);
    /* Once whole, so that every node's connection is open. */
    assert_int_equal(queue_mixed(p), RSDK_OK);
    ct_pipe_exec(p);
    rsdk_pipeline_free(p);
    rsdk_test_alloc_install();
    size_t n, nomem = 0;
    for (n = 1; n < 5000; n++) {
        rsdk_test_alloc_fail_nth(n);
        rsdk_error err;
        p = NULL;
        rsdk_status s = rsdk_cluster_pipeline_new(cl, &p, &err);
        /* Twice: the second exec recycles the first one's replies. */
        for (int round = 0; round < 2 && s == RSDK_OK; round++) {
            s = queue_mixed(p);
            if (s == RSDK_OK) s = rsdk_pipeline_exec(p);
        }
        /* Then as a transaction. */
        if (s == RSDK_OK) s = rsdk_pipeline_set_transaction(p, true);
        if (s == RSDK_OK) s = rcore_set_queue(p, "{fa}a", "1", NULL, NULL);
        if (s == RSDK_OK) s = rcore_incr_queue(p, "{fa}a", NULL);
        if (s == RSDK_OK) s = rsdk_pipeline_exec(p);
        if (s == RSDK_OK) assert_int_equal(rsdk_pipeline_reply(p, 1)->integer, 2);
        rsdk_pipeline_free(p);
        size_t refused = rsdk_test_alloc_refused();
        rsdk_test_alloc_fail_nth(0);
        if (refused == 0) {
            assert_int_equal(s, RSDK_OK);
            break;
        }
        if (s != RSDK_OK) {
            if (s != RSDK_ERR_NOMEM) fail_msg("allocation %zu: %s", n, rsdk_status_name(s));
            nomem++;
        }
    }
    rsdk_test_alloc_remove();
    printf("cluster pipeline object of 60, twice, then a transaction: %zu allocations, each failed once (%zu failed)\n", n - 1,
           nomem);
    assert_true(n > 60);
    assert_true(nomem > 0);
    /* Whatever failed, the next pipeline is whole. */
    p = ct_pipe_new(cl);
    assert_int_equal(queue_mixed(p), RSDK_OK);
    ct_pipe_exec(p);
    for (size_t i = 30; i < 60; i++) assert_int_equal(rsdk_pipeline_reply(p, i)->type, RSDK_REPLY_STRING);
    rsdk_pipeline_free(p);
    rsdk_cluster_close(cl);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(typed_queue_over_three_primaries_in_order),
        cmocka_unit_test(moved_mid_pipeline_is_followed),
        cmocka_unit_test(bad_input_and_transactions),
        cmocka_unit_test(transaction_mode),
        cmocka_unit_test(every_allocation_failing_is_nomem),
    };
    return cmocka_run_group_tests(tests, rsdk_test_cluster_group_setup, rsdk_test_cluster_group_teardown);
}
