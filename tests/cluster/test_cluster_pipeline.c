/* Cluster pipelines on a live 6-node cluster: the groups of the three
 * primaries are in flight at the same time (a pipeline takes its slowest
 * node's time, not the sum), and a pipeline far bigger than the socket
 * buffers, whose replies are read while it is still being written,
 * completes with every reply in its place, as do groups whose nodes
 * answer in any order; a group past its deadline or whose connection
 * drops fails alone; and every allocation of a pipeline failing in turn
 * is RSDK_ERR_NOMEM, never a crash or a leak. */
#include <time.h>

#include "cluster_test.h"
#include "support/fail_alloc.h"

static double now_s(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* A cluster handle with the given command timeout, a key per primary and
 * an empty buffer for the pipeline. */
static rsdk_cluster *open_per_primary(void **state, int timeout_ms, char keys[3][32], rsdk_buf *b) {
    rsdk_cluster *cl = ct_open(*state, timeout_ms);
    ct_key_per_primary(cl, keys);
    rsdk_buf_init(b);
    return cl;
}

/* On each primary, DEL and BLPOP on an empty list with the given timeout
 * (the node answers nil after it); every reply must land in its slot and
 * the pipeline take between lo and hi seconds. */
static void blpop_per_primary(void **state, const char *const timeouts[3], double lo, double hi) {
    RSDK_TEST_NEED_SERVER(state);
    char keys[3][32];
    rsdk_buf b;
    rsdk_cluster *cl = open_per_primary(state, 5000, keys, &b);
    for (int i = 0; i < 3; i++) {
        const char *del[] = {"DEL", keys[i]}, *blpop[] = {"BLPOP", keys[i], timeouts[i]};
        rsdk_write_command(&b, 2, del, NULL);
        rsdk_write_command(&b, 3, blpop, NULL);
    }
    rsdk_reply *rep[6] = {0};
    rsdk_error err;
    double t0 = now_s();
    assert_int_equal(rsdk_cluster_send_encoded(cl, &b, 6, rep, &err), RSDK_OK);
    double took = now_s() - t0;
    printf("BLPOPs of %s, %s and %s s on three primaries: %.3f s\n", timeouts[0], timeouts[1], timeouts[2],
           took);
    for (int i = 0; i < 3; i++) {
        assert_int_equal(rep[2 * i]->type, RSDK_REPLY_INTEGER);
        assert_true(rep[2 * i + 1]->type == RSDK_REPLY_NIL);
    }
    assert_true(took >= lo);
    assert_true(took < hi);
    for (int i = 0; i < 6; i++) rsdk_reply_free(rep[i]);
    rsdk_buf_deinit(&b);
    rsdk_cluster_close(cl);
}

/* A 0.3 s BLPOP on each primary: sent node after node, the pipeline would
 * take ~0.9 s; with the groups in flight together it takes ~0.3 s. The
 * bound (0.6 s) leaves 0.3 s of slack for a loaded machine and still fails
 * for anything sequential (two nodes one after the other already take
 * 0.6 s). */
static void groups_are_in_flight_together(void **state) {
    static const char *const t[3] = {"0.3", "0.3", "0.3"};
    blpop_per_primary(state, t, 0.29, 0.6);
}

/* The primaries answer in the reverse of the order their groups were
 * written (0.4 s, 0.2 s, at once): the replies still land in place, and
 * the pipeline takes the slowest node's time. */
static void groups_answering_out_of_order(void **state) {
    static const char *const t[3] = {"0.4", "0.2", "0.01"};
    blpop_per_primary(state, t, 0.39, 0.7);
}

/* A Lua script that keeps its node busy for ARGV[1] microseconds. */
static const char busy_script[] =
    "local t0 = redis.call('TIME') local us = 0 "
    "repeat local t = redis.call('TIME') us = (t[1] - t0[1]) * 1000000 + (t[2] - t0[2]) "
    "until us >= tonumber(ARGV[1]) return 1";

/* Two primaries busy for 1 s, a command timeout of 200 ms: their groups
 * fail with RSDK_ERR_TIMEOUT at the deadline (not when the scripts end),
 * leaving their slots empty; the first primary's replies are in place. */
static void groups_past_their_deadline_fail_alone(void **state) {
    RSDK_TEST_NEED_SERVER(state);
    char keys[3][32];
    rsdk_buf b;
    rsdk_cluster *cl = open_per_primary(state, 200, keys, &b);
    const char *set[] = {"SET", keys[0], "first"}, *get[] = {"GET", keys[0]};
    rsdk_write_command(&b, 3, set, NULL);
    rsdk_write_command(&b, 2, get, NULL);
    for (int i = 1; i < 3; i++) {
        const char *eval[] = {"EVAL", busy_script, "1", keys[i], "1000000"};
        rsdk_write_command(&b, 5, eval, NULL);
    }
    rsdk_reply *rep[4] = {0};
    rsdk_error err;
    double t0 = now_s();
    rsdk_status s = rsdk_cluster_send_encoded(cl, &b, 4, rep, &err);
    double took = now_s() - t0;
    printf("two groups past a 200 ms deadline: %.3f s (%s)\n", took, err.message);
    assert_int_equal(s, RSDK_ERR_TIMEOUT);
    assert_int_equal(rep[0]->type, RSDK_REPLY_STATUS);
    assert_string_equal(rep[1]->str, "first");
    assert_null(rep[2]);
    assert_null(rep[3]);
    assert_true(took < 0.8);
    for (int i = 0; i < 4; i++) rsdk_reply_free(rep[i]);
    /* Until the scripts end (a busy node times out, then answers BUSY,
     * which the next test's open would meet): 50 tries each at most. */
    for (int i = 1; i < 3; i++) {
        rsdk_status busy = RSDK_ERR_BUSY;
        for (int tries = 0; busy != RSDK_OK && tries < 50; tries++) {
            rsdk_reply *r = NULL;
            busy = rsdk_cluster_command(cl, &r, &err, "EXISTS", keys[i], (const char *)NULL);
            rsdk_reply_free(r);
            if (busy != RSDK_OK) rsdk_test_sleep_ms(100);
        }
        if (busy != RSDK_OK) fail_msg("node of %s still busy: %s", keys[i], err.message);
    }
    rsdk_buf_deinit(&b);
    rsdk_cluster_close(cl);
}

/* A group whose connection drops fails alone: QUIT goes to one primary (a
 * keyless command: any primary), which answers it and closes, so the SET
 * behind it on that node gets no reply (and is not sent again: it did
 * not run); the other primaries' SETs are answered, and the next call on
 * that node reconnects. */
static void dropped_connection_fails_its_group_alone(void **state) {
    RSDK_TEST_NEED_SERVER(state);
    char keys[3][32];
    rsdk_buf b;
    rsdk_cluster *cl = open_per_primary(state, 5000, keys, &b);
    for (int i = 0; i < 3; i++) ct_int(cl, "DEL", keys[i], NULL);
    const char *quit[] = {"QUIT"};
    rsdk_write_command(&b, 1, quit, NULL);
    for (int i = 0; i < 3; i++) {
        const char *set[] = {"SET", keys[i], "v"};
        rsdk_write_command(&b, 3, set, NULL);
    }
    rsdk_reply *rep[4] = {0};
    rsdk_error err;
    rsdk_status s = rsdk_cluster_send_encoded(cl, &b, 4, rep, &err);
    printf("a dropped group: %s (%s)\n", rsdk_status_name(s), err.message);
    assert_int_not_equal(s, RSDK_OK);
    int dropped = -1;
    for (int i = 0; i < 3; i++) {
        if (rep[1 + i] == NULL) {
            assert_int_equal(dropped, -1);
            dropped = i;
            continue;
        }
        assert_int_equal(rep[1 + i]->type, RSDK_REPLY_STATUS);
        assert_string_equal(rep[1 + i]->str, "OK");
    }
    assert_int_not_equal(dropped, -1);
    for (int i = 0; i < 4; i++) rsdk_reply_free(rep[i]);
    for (int i = 0; i < 3; i++) assert_int_equal(ct_int(cl, "DEL", keys[i], NULL), i == dropped ? 0 : 1);
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
    ct_key_per_primary(cl, keys);
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
        cmocka_unit_test(groups_answering_out_of_order),
        cmocka_unit_test(groups_past_their_deadline_fail_alone),
        cmocka_unit_test(dropped_connection_fails_its_group_alone),
        cmocka_unit_test(each_group_reports_its_completion),
        cmocka_unit_test(big_pipeline_completes_in_order),
        cmocka_unit_test(every_allocation_failing_is_nomem),
    };
    return cmocka_run_group_tests(tests, rsdk_test_cluster_group_setup, rsdk_test_cluster_group_teardown);
}
