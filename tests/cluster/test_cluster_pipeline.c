/* Cluster pipelines on a live 6-node cluster: the groups of the three
 * primaries are in flight at the same time (a pipeline takes its slowest
 * node's time, not the sum), and a pipeline far bigger than the socket
 * buffers, whose replies are read while it is still being written,
 * completes with every reply in its place; and every allocation of a
 * pipeline failing in turn is RSDK_ERR_NOMEM, never a crash or a leak. */
#include <time.h>

#include "cluster_test.h"
#include "support/fail_alloc.h"

static double now_s(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* A key per primary: keys[i] is owned by a different primary for each i. */
static void key_per_primary(rsdk_cluster *cl, char keys[3][32]) {
    char owners[3][64];
    int found = 0;
    for (int i = 0; found < 3 && i < 10000; i++) {
        char k[32], o[64];
        snprintf(k, sizeof k, "par:%d", i);
        assert_int_equal(rsdk_cluster_slot_owner(cl, rsdk_cluster_keyslot(k, strlen(k)), o, sizeof o),
                         RSDK_OK);
        bool seen = false;
        for (int j = 0; j < found; j++) seen |= strcmp(owners[j], o) == 0;
        if (seen) continue;
        snprintf(owners[found], sizeof owners[found], "%s", o);
        snprintf(keys[found++], 32, "%s", k);
    }
    assert_int_equal(found, 3);
}

static void groups_are_in_flight_together(void **state) {
    RSDK_TEST_NEED_SERVER(state);
    rsdk_cluster *cl = ct_open(*state, 5000);
    char keys[3][32];
    key_per_primary(cl, keys);
    /* BLPOP on an empty list with a 0.3 s timeout holds its node for 0.3 s
     * and answers nil. One on each primary: sent node after node, the
     * pipeline would take ~0.9 s; with the groups in flight together it
     * takes ~0.3 s. The bound (0.6 s) leaves 0.3 s of slack for a loaded
     * machine and still fails for anything sequential (two nodes one after
     * the other already take 0.6 s). */
    rsdk_buf b;
    rsdk_buf_init(&b);
    for (int i = 0; i < 3; i++) {
        const char *del[] = {"DEL", keys[i]}, *blpop[] = {"BLPOP", keys[i], "0.3"};
        rsdk_write_command(&b, 2, del, NULL);
        rsdk_write_command(&b, 3, blpop, NULL);
    }
    rsdk_reply *rep[6] = {0};
    rsdk_error err;
    double t0 = now_s();
    assert_int_equal(rsdk_cluster_send_encoded(cl, &b, 6, rep, &err), RSDK_OK);
    double took = now_s() - t0;
    printf("three 0.3 s BLPOPs on three primaries: %.3f s\n", took);
    for (int i = 0; i < 3; i++) {
        assert_int_equal(rep[2 * i]->type, RSDK_REPLY_INTEGER);
        assert_true(rep[2 * i + 1]->type == RSDK_REPLY_NIL);
    }
    assert_true(took >= 0.29);
    assert_true(took < 0.6);
    for (int i = 0; i < 6; i++) rsdk_reply_free(rep[i]);
    rsdk_buf_deinit(&b);
    rsdk_cluster_close(cl);
}

/* Counts the COMMAND_COMPLETED events of pipelines (several commands). */
static void on_completed(const rsdk_event *ev, void *ud) {
    if (ev->command.name && strcmp(ev->command.name, "PIPELINE") == 0 && ev->command.status == RSDK_OK)
        (*(int *)ud)++;
}

static void each_group_reports_its_completion(void **state) {
    RSDK_TEST_NEED_SERVER(state);
    rsdk_events *events = NULL;
    assert_int_equal(rsdk_events_new(&events), RSDK_OK);
    int pipelines = 0;
    assert_int_equal(rsdk_events_subscribe(events, RSDK_EVENT_MASK(RSDK_EVENT_COMMAND_COMPLETED),
                                           on_completed, &pipelines, NULL),
                     RSDK_OK);
    rsdk_cluster *cl = ct_open_full(*state, 5000, RSDK_READ_PRIMARY, events);
    char keys[3][32];
    key_per_primary(cl, keys);
    rsdk_buf b;
    rsdk_buf_init(&b);
    for (int i = 0; i < 3; i++) {
        const char *set[] = {"SET", keys[i], "v"}, *get[] = {"GET", keys[i]};
        rsdk_write_command(&b, 3, set, NULL);
        rsdk_write_command(&b, 2, get, NULL);
    }
    rsdk_reply *rep[6];
    rsdk_error err;
    assert_int_equal(rsdk_cluster_send_encoded(cl, &b, 6, rep, &err), RSDK_OK);
    for (int i = 0; i < 6; i++) rsdk_reply_free(rep[i]);
    /* One event per node's group, as a pipeline on each node would give. */
    assert_int_equal(pipelines, 3);
    rsdk_buf_deinit(&b);
    rsdk_cluster_close(cl);
    rsdk_events_free(events);
}

enum { BIG = 20000, VALUE = 1024 };

/* The value of key i: its number, then filler, VALUE bytes. */
static void value_of(int i, char *v) {
    memset(v, 'a' + i % 26, VALUE);
    int n = snprintf(v, VALUE, "%d:", i);
    v[n] = '-';
}

static void big_pipeline_completes_in_order(void **state) {
    RSDK_TEST_NEED_SERVER(state);
    rsdk_cluster *cl = ct_open(*state, 20000);
    /* 20,000 SETs of 1 KiB (~21 MB over three primaries), then as many GETs
     * (~21 MB of replies). Far more than the kernel's socket buffers, so the
     * writes would block and the replies are read while the requests are
     * still being written. Redis and Valkey buffer a normal client's unread
     * replies without bound, so a naive write-all-then-read would not hang
     * here; it would against a server or proxy that stops reading a client
     * whose replies pile up. What this checks is that the interleaved path
     * keeps every reply in its place. */
    rsdk_buf b;
    rsdk_buf_init(&b);
    char key[32], v[VALUE];
    for (int i = 0; i < BIG; i++) {
        snprintf(key, sizeof key, "big:%d", i);
        value_of(i, v);
        const char *argv[] = {"SET", key, v};
        size_t len[] = {3, strlen(key), VALUE};
        rsdk_write_command(&b, 3, argv, len);
    }
    rsdk_reply **rep = calloc(BIG, sizeof *rep);
    assert_non_null(rep);
    rsdk_error err;
    double t0 = now_s();
    assert_int_equal(rsdk_cluster_send_encoded(cl, &b, BIG, rep, &err), RSDK_OK);
    for (int i = 0; i < BIG; i++) {
        if (rep[i] == NULL || rep[i]->type != RSDK_REPLY_STATUS) fail_msg("SET %d: no OK", i);
        rsdk_reply_free(rep[i]);
    }
    rsdk_buf_clear(&b);
    for (int i = 0; i < BIG; i++) {
        snprintf(key, sizeof key, "big:%d", i);
        const char *argv[] = {"GET", key};
        rsdk_write_command(&b, 2, argv, NULL);
    }
    assert_int_equal(rsdk_cluster_send_encoded(cl, &b, BIG, rep, &err), RSDK_OK);
    printf("%d SETs and %d GETs of %d bytes: %.3f s\n", BIG, BIG, VALUE, now_s() - t0);
    for (int i = 0; i < BIG; i++) {
        value_of(i, v);
        if (rep[i] == NULL || rep[i]->len != VALUE || memcmp(rep[i]->str, v, VALUE) != 0)
            fail_msg("GET %d: not its value", i);
        rsdk_reply_free(rep[i]);
    }
    /* The connections are whole afterwards: a lone command still works. */
    assert_int_equal(ct_int(cl, "DEL", "big:0", "big:1"), 2);
    free(rep);
    rsdk_buf_deinit(&b);
    rsdk_cluster_close(cl);
}

/* 30 SETs then 30 GETs over the three primaries. */
static void encode_mixed(rsdk_buf *b) {
    rsdk_buf_clear(b);
    char key[32];
    for (int i = 0; i < 30; i++) {
        snprintf(key, sizeof key, "oom:%d", i);
        const char *argv[] = {"SET", key, key};
        rsdk_write_command(b, 3, argv, NULL);
    }
    for (int i = 0; i < 30; i++) {
        snprintf(key, sizeof key, "oom:%d", i);
        const char *argv[] = {"GET", key};
        rsdk_write_command(b, 2, argv, NULL);
    }
}

static void every_allocation_failing_is_nomem(void **state) {
    RSDK_TEST_NEED_SERVER(state);
    rsdk_cluster *cl = ct_open(*state, 5000);
    rsdk_buf b;
    rsdk_buf_init(&b);
    encode_mixed(&b);
    rsdk_reply *rep[60];
    rsdk_error err;
    /* Once whole, so that every node's connection is open. */
    assert_int_equal(rsdk_cluster_send_encoded(cl, &b, 60, rep, &err), RSDK_OK);
    for (int i = 0; i < 60; i++) rsdk_reply_free(rep[i]);
    rsdk_test_alloc_install();
    size_t n, nomem = 0;
    for (n = 1; n < 2000; n++) {
        rsdk_test_alloc_fail_nth(n);
        rsdk_status s = rsdk_cluster_send_encoded(cl, &b, 60, rep, &err);
        size_t refused = rsdk_test_alloc_refused();
        rsdk_test_alloc_fail_nth(0);
        /* A reply whose allocation failed breaks its connection: its
         * node's slots from there on are empty and the call says why. */
        for (int i = 0; i < 60; i++) rsdk_reply_free(rep[i]);
        if (refused == 0) {
            assert_int_equal(s, RSDK_OK);
            break;
        }
        if (s != RSDK_OK) {
            if (s != RSDK_ERR_NOMEM) fail_msg("allocation %zu: %s: %s", n, rsdk_status_name(s), err.message);
            nomem++;
        }
    }
    rsdk_test_alloc_remove();
    printf("pipeline of 60: %zu allocations, each failed once (%zu calls failed)\n", n - 1, nomem);
    assert_true(n > 60);
    /* Whatever failed, the next pipeline is whole. */
    assert_int_equal(rsdk_cluster_send_encoded(cl, &b, 60, rep, &err), RSDK_OK);
    for (int i = 0; i < 30; i++) {
        assert_int_equal(rep[30 + i]->type, RSDK_REPLY_STRING);
        rsdk_reply_free(rep[i]);
        rsdk_reply_free(rep[30 + i]);
    }
    rsdk_buf_deinit(&b);
    rsdk_cluster_close(cl);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(groups_are_in_flight_together),
        cmocka_unit_test(each_group_reports_its_completion),
        cmocka_unit_test(big_pipeline_completes_in_order),
        cmocka_unit_test(every_allocation_failing_is_nomem),
    };
    return cmocka_run_group_tests(tests, rsdk_test_cluster_group_setup, rsdk_test_cluster_group_teardown);
}
