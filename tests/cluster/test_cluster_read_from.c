/* Reads from replicas (rsdk_cluster_opts.read_from): by the command
 * metadata's READONLY flag, reads go to a replica (PREFER_REPLICA) or to
 * the primary and its replica in turn (ROUND_ROBIN); writes always go to
 * the primary. A replica answers a read without READONLY with MOVED, so
 * "no MOVED" proves both that READONLY was sent and that no write reached
 * a replica. The cluster's pipeline object does the same, a shard's reads
 * in one group per exec. */
#include "cluster_test.h"

#define NKEYS 30

/* calls=N of `cmd` in node i's INFO commandstats (0 when never called). */
static long long calls(const rsdk_test_cluster *c, int i, const char *cmd) {
    char line[256];
    ct_cmdstat(c, i, cmd, line, sizeof line);
    const char *p = strstr(line, "calls=");
    return p ? atoll(p + 6) : 0;
}

static bool is_replica(const rsdk_test_cluster *c, int i) {
    rsdk_client *cl = rsdk_test_cluster_client(c, i);
    rsdk_reply *r = NULL;
    assert_int_equal(rsdk_client_command(cl, &r, "ROLE", (const char *)NULL), RSDK_OK);
    bool replica = strcmp(r->element[0].str, "slave") == 0;
    rsdk_reply_free(r);
    rsdk_client_close(cl);
    return replica;
}

/* GET calls on the primaries and on the replicas. */
static void get_calls(const rsdk_test_cluster *c, long long *primaries, long long *replicas) {
    *primaries = *replicas = 0;
    for (int i = 0; i < RSDK_TEST_CLUSTER_NODES; i++)
        *(is_replica(c, i) ? replicas : primaries) += calls(c, i, "get");
}

/* Writes NKEYS keys through `cl`. */
static void write_keys(rsdk_cluster *cl) {
    char key[32], val[32];
    rsdk_reply *r = NULL;
    rsdk_error err;
    for (int k = 0; k < NKEYS; k++) {
        snprintf(key, sizeof key, "rf:%d", k);
        snprintf(val, sizeof val, "v%d", k);
        assert_int_equal(rsdk_cluster_command(cl, &r, &err, "SET", key, val, (const char *)NULL), RSDK_OK);
        rsdk_reply_free(r);
    }
}

static int read_keys(rsdk_cluster *cl) {
    char key[32], val[32];
    int good = 0;
    for (int k = 0; k < NKEYS; k++) {
        rsdk_reply *r = NULL;
        rsdk_error err;
        snprintf(key, sizeof key, "rf:%d", k);
        snprintf(val, sizeof val, "v%d", k);
        rsdk_status s = rsdk_cluster_command(cl, &r, &err, "GET", key, (const char *)NULL);
        if (s != RSDK_OK) fail_msg("GET %s: %s: %s", key, rsdk_status_name(s), err.message);
        good += r->type == RSDK_REPLY_STRING && strcmp(r->str, val) == 0;
        rsdk_reply_free(r);
    }
    return good;
}

static void wait_replicated(const rsdk_test_cluster *c) {
    rsdk_cluster *cl = ct_open_reading(c, 5000, RSDK_READ_PREFER_REPLICA);
    long long end = rsdk_test_now_ms() + 10000;
    while (read_keys(cl) != NKEYS) {
        assert_true(rsdk_test_now_ms() < end);
        rsdk_test_sleep_ms(20);
    }
    rsdk_cluster_close(cl);
}

static void run_mode(const rsdk_test_cluster *c, rsdk_read_from mode, long long *on_primaries,
                     long long *on_replicas) {
    rsdk_cluster *cl = ct_open_reading(c, 5000, mode);
    write_keys(cl);
    wait_replicated(c);
    long long p0, r0, p1, r1;
    get_calls(c, &p0, &r0);
    assert_int_equal(read_keys(cl), NKEYS);
    get_calls(c, &p1, &r1);
    rsdk_cluster_stats st;
    rsdk_cluster_stats_get(cl, &st);
    assert_int_equal(st.moved, 0); /* READONLY sent; no write on a replica */
    *on_primaries = p1 - p0;
    *on_replicas = r1 - r0;
    rsdk_cluster_close(cl);
}

static void reads_follow_read_from(void **state) {
    RSDK_TEST_NEED_SERVER(state);
    const rsdk_test_cluster *c = *state;
    long long p, r;
    run_mode(c, RSDK_READ_PRIMARY, &p, &r);
    printf("read_from primary: %lld GETs on primaries, %lld on replicas\n", p, r);
    assert_int_equal(p, NKEYS);
    assert_int_equal(r, 0);
    run_mode(c, RSDK_READ_PREFER_REPLICA, &p, &r);
    printf("read_from prefer replica: %lld GETs on primaries, %lld on replicas\n", p, r);
    assert_int_equal(p, 0);
    assert_int_equal(r, NKEYS);
    run_mode(c, RSDK_READ_ROUND_ROBIN, &p, &r);
    printf("read_from round-robin: %lld GETs on primaries, %lld on replicas\n", p, r);
    /* One replica per primary: reads alternate between the two. */
    assert_int_equal(p, NKEYS / 2);
    assert_int_equal(r, NKEYS / 2);
    long long readonly = 0;
    for (int i = 0; i < RSDK_TEST_CLUSTER_NODES; i++)
        if (is_replica(c, i)) readonly += calls(c, i, "readonly");
    assert_true(readonly >= NKEYS / 2);
}

/* rejected_calls=N of `cmd` on node i (a MOVED counts there). */
static long long rejected(const rsdk_test_cluster *c, int i, const char *cmd) {
    char line[256];
    ct_cmdstat(c, i, cmd, line, sizeof line);
    const char *p = strstr(line, "rejected_calls=");
    return p ? atoll(p + 15) : 0;
}

#define PIPE_EXECS 10

/* The pipeline object in `mode`: PIPE_EXECS execs, each a SET of one more
 * key and a GET of every key (typed and argv), reads counted per role. */
static void pipe_mode(const rsdk_test_cluster *c, rsdk_read_from mode, long long *on_primaries,
                      long long *on_replicas) {
    rsdk_cluster *cl = ct_open_reading(c, 5000, mode);
    write_keys(cl);
    wait_replicated(c);
    rsdk_pipeline *p = ct_pipe_new(cl);
    long long p0, r0, p1, r1, rej0 = 0, rej1 = 0;
    for (int i = 0; i < RSDK_TEST_CLUSTER_NODES; i++)
        if (is_replica(c, i)) rej0 += rejected(c, i, "get");
    get_calls(c, &p0, &r0);
    char key[32], val[32];
    for (int e = 0; e < PIPE_EXECS; e++) {
        snprintf(key, sizeof key, "rfp:%d", e);
        assert_int_equal(rcore_set_queue(p, key, "w", NULL, NULL), RSDK_OK);
        for (int k = 0; k < NKEYS; k++) {
            snprintf(key, sizeof key, "rf:%d", k);
            const char *get[] = {"GET", key};
            assert_int_equal(k % 2 ? rcore_get_queue(p, key, NULL) : rsdk_pipeline_append_argv(p, 2, get, NULL),
                             RSDK_OK);
        }
        ct_pipe_exec(p);
        assert_int_equal(rsdk_pipeline_reply_count(p), NKEYS + 1);
        assert_int_equal(rsdk_pipeline_reply(p, 0)->type, RSDK_REPLY_STATUS); /* the write, on a primary */
        for (int k = 0; k < NKEYS; k++) {
            snprintf(val, sizeof val, "v%d", k);
            const rsdk_reply *r = rsdk_pipeline_reply(p, 1 + (size_t)k);
            assert_int_equal(r->type, RSDK_REPLY_STRING);
            assert_string_equal(r->str, val);
        }
    }
    get_calls(c, &p1, &r1);
    for (int i = 0; i < RSDK_TEST_CLUSTER_NODES; i++)
        if (is_replica(c, i)) rej1 += rejected(c, i, "get");
    assert_int_equal(rej1, rej0); /* READONLY went first: no MOVED from a replica */
    *on_primaries = p1 - p0;
    *on_replicas = r1 - r0;
    assert_int_equal(*on_primaries + *on_replicas, PIPE_EXECS * NKEYS); /* each read ran once */
    rsdk_pipeline_free(p);
    rsdk_cluster_close(cl);
}

static void pipelines_follow_read_from(void **state) {
    RSDK_TEST_NEED_SERVER(state);
    const rsdk_test_cluster *c = *state;
    long long p, r;
    pipe_mode(c, RSDK_READ_PRIMARY, &p, &r);
    printf("pipeline, read_from primary: %lld GETs on primaries, %lld on replicas\n", p, r);
    assert_int_equal(r, 0);
    pipe_mode(c, RSDK_READ_PREFER_REPLICA, &p, &r);
    printf("pipeline, read_from prefer replica: %lld GETs on primaries, %lld on replicas\n", p, r);
    assert_int_equal(p, 0);
    pipe_mode(c, RSDK_READ_ROUND_ROBIN, &p, &r);
    printf("pipeline, read_from round-robin: %lld GETs on primaries, %lld on replicas\n", p, r);
    /* Each shard's reads of one exec go to one node, the shards' turns
     * alternating: both roles get some. */
    assert_true(p > 0);
    assert_true(r > 0);
}

static void unknown_read_from_is_refused(void **state) {
    RSDK_TEST_NEED_SERVER(state);
    const rsdk_test_cluster *c = *state;
    const char *seeds[] = {c->seed};
    rsdk_cluster_opts o;
    rsdk_cluster_opts_init(&o);
    o.seeds = seeds;
    o.nseeds = 1;
    o.read_from = (rsdk_read_from)9;
    rsdk_cluster *cl = NULL;
    rsdk_error err;
    assert_int_equal(rsdk_cluster_open(&o, &cl, &err), RSDK_ERR_INVALID_ARG);
    assert_null(cl);
    assert_non_null(strstr(err.message, "read_from"));
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(reads_follow_read_from),
        cmocka_unit_test(pipelines_follow_read_from),
        cmocka_unit_test(unknown_read_from_is_refused),
    };
    return cmocka_run_group_tests(tests, rsdk_test_cluster_group_setup, rsdk_test_cluster_group_teardown);
}
