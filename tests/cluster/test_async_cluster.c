/* The cluster on an event loop (rsdk/async_cluster.h) against a live
 * 6-node cluster, on the built-in loop: every key lands on the node that
 * owns its slot (read back from that node directly), MOVED and ASK are
 * followed and the shared map learns the move, fan-out commands are put
 * together, reads may go to replicas, what cannot be routed is refused
 * before anything is sent, server errors and a free with commands pending
 * reach each callback once. */
#include "cluster_test.h"
#include "rsdk/async_cluster.h"
#include "rsdk/loop.h"
#include "support/fail_alloc.h"

typedef struct env {
    rsdk_test_cluster *tc;
    rsdk_cluster *cl;
    rsdk_loop *loop;
    rsdk_async_cluster *ac;
} env;

static rsdk_status attach(rsdk_async *node, void *ud) { return rsdk_async_attach_loop(node, ud); }

static env open_env(void **state, rsdk_read_from read_from) {
    env e = {.tc = *state};
    e.cl = ct_open_reading(e.tc, 5000, read_from);
    assert_int_equal(rsdk_loop_new(&e.loop), RSDK_OK);
    rsdk_async_cluster_opts o;
    rsdk_async_cluster_opts_init(&o);
    o.cluster = e.cl;
    o.attach = attach;
    o.attach_ud = e.loop;
    rsdk_error err;
    assert_int_equal(rsdk_async_cluster_new(&o, &e.ac, &err), RSDK_OK);
    return e;
}

static void close_env(env *e) {
    rsdk_async_cluster_free(e->ac);
    rsdk_loop_run_once(e->loop, 0);
    rsdk_loop_free(e->loop);
    rsdk_cluster_close(e->cl);
}

/* Runs the loop until nothing is pending (at most 20 s). */
static void drain(env *e) {
    for (int i = 0; i < 2000 && rsdk_async_cluster_pending(e->ac) > 0; i++)
        assert_int_equal(rsdk_loop_run_once(e->loop, 10), RSDK_OK);
    assert_int_equal(rsdk_async_cluster_pending(e->ac), 0);
}

/* What one command's callback saw. */
typedef struct seen {
    int calls;
    rsdk_reply_type type;
    char str[64];
    long long integer;
    rsdk_status err;
} seen;

static void record(rsdk_async_cluster *ac, rsdk_reply *r, const rsdk_error *err, void *ud) {
    (void)ac;
    seen *s = ud;
    s->calls++;
    s->err = err ? err->code : RSDK_OK;
    if (r == NULL) return;
    s->type = r->type;
    s->integer = r->integer;
    if (r->str) snprintf(s->str, sizeof s->str, "%.*s", (int)r->len, r->str);
}

/* Sends argv and runs the loop until its callback ran; returns what it saw. */
static seen run(env *e, int argc, const char **argv) {
    seen s = {0};
    rsdk_status st = rsdk_async_cluster_command_argv(e->ac, (size_t)argc, argv, NULL, record, &s);
    if (st != RSDK_OK) fail_msg("%s: %s: %s", argv[0], rsdk_status_name(st), rsdk_async_cluster_error(e->ac)->message);
    drain(e);
    assert_int_equal(s.calls, 1);
    return s;
}

#define NKEYS 300

static void every_key_lands_on_its_owner(void **state) {
    RSDK_TEST_NEED_SERVER(state);
    env e = open_env(state, RSDK_READ_PRIMARY);
    static seen set[NKEYS], get[NKEYS];
    memset(set, 0, sizeof set);
    memset(get, 0, sizeof get);
    char key[NKEYS][32], val[NKEYS][32];
    for (int i = 0; i < NKEYS; i++) {
        snprintf(key[i], sizeof key[i], "ac:k:%d", i);
        snprintf(val[i], sizeof val[i], "v%d", i);
        assert_int_equal(rsdk_async_cluster_command(e.ac, record, &set[i], "SET", key[i], val[i], (const char *)NULL),
                         RSDK_OK);
    }
    assert_int_equal(rsdk_async_cluster_pending(e.ac), NKEYS);
    drain(&e);
    bool used[RSDK_TEST_CLUSTER_NODES] = {false};
    for (int i = 0; i < NKEYS; i++) {
        assert_int_equal(set[i].calls, 1);
        assert_int_equal(set[i].err, RSDK_OK);
        assert_string_equal(set[i].str, "OK");
        /* Read back from the owner itself, not through any routing. */
        int owner = ct_owner_node(e.tc, e.cl, rsdk_cluster_keyslot(key[i], strlen(key[i])));
        assert_true(owner >= 0);
        used[owner] = true;
        const char *argv[] = {"GET", key[i]};
        rsdk_reply *r = ct_node_cmd(e.tc, owner, 2, argv);
        assert_int_equal(r->type, RSDK_REPLY_STRING);
        assert_string_equal(r->str, val[i]);
        rsdk_reply_free(r);
    }
    int nodes = 0;
    for (int i = 0; i < RSDK_TEST_CLUSTER_NODES; i++) nodes += used[i];
    assert_int_equal(nodes, 3);
    for (int i = 0; i < NKEYS; i++)
        assert_int_equal(rsdk_async_cluster_command(e.ac, record, &get[i], "GET", key[i], (const char *)NULL), RSDK_OK);
    drain(&e);
    for (int i = 0; i < NKEYS; i++) {
        assert_int_equal(get[i].calls, 1);
        assert_string_equal(get[i].str, val[i]);
    }
    close_env(&e);
}

/* Two primaries' harness indices and a key owned by the first, set to
 * `value` through the handle; returns the key's slot. */
static unsigned key_on_a_primary(env *e, char *key, const char *value, int *from, int *to) {
    char keys[3][32];
    ct_key_per_primary(e->cl, keys);
    snprintf(key, 32, "%s", keys[0]);
    *from = ct_owner_node(e->tc, e->cl, rsdk_cluster_keyslot(keys[0], strlen(keys[0])));
    *to = ct_owner_node(e->tc, e->cl, rsdk_cluster_keyslot(keys[1], strlen(keys[1])));
    assert_true(*from >= 0 && *to >= 0 && *from != *to);
    const char *set[] = {"SET", key, value};
    assert_string_equal(run(e, 3, set).str, "OK");
    return rsdk_cluster_keyslot(key, strlen(key));
}

static void moved_is_followed_and_the_map_learns(void **state) {
    RSDK_TEST_NEED_SERVER(state);
    env e = open_env(state, RSDK_READ_PRIMARY);
    char key[32];
    int from, to;
    unsigned slot = key_on_a_primary(&e, key, "before-move", &from, &to);
    /* Behind the handle's back: its map still names `from`. */
    ct_migrate_slot(e.tc, slot, from, to);
    rsdk_cluster_stats st0, st1, st2;
    rsdk_cluster_stats_get(e.cl, &st0);
    const char *get[] = {"GET", key};
    seen s = run(&e, 2, get);
    assert_int_equal(s.err, RSDK_OK);
    assert_string_equal(s.str, "before-move");
    rsdk_cluster_stats_get(e.cl, &st1);
    assert_true(st1.moved >= st0.moved + 1);
    assert_int_equal(ct_owner_node(e.tc, e.cl, slot), to);
    /* The map learnt it: the next command goes straight to the owner. */
    assert_string_equal(run(&e, 2, get).str, "before-move");
    rsdk_cluster_stats_get(e.cl, &st2);
    assert_int_equal(st2.moved, st1.moved);
    close_env(&e);
}

static void ask_is_followed_during_a_migration(void **state) {
    RSDK_TEST_NEED_SERVER(state);
    env e = open_env(state, RSDK_READ_PRIMARY);
    char key[32];
    int from, to;
    unsigned slot = key_on_a_primary(&e, key, "migrating", &from, &to);
    char sl[16], from_id[64], to_id[64], port[16];
    snprintf(sl, sizeof sl, "%u", slot);
    snprintf(port, sizeof port, "%d", e.tc->node[to].port);
    rsdk_test_cluster_node_id(e.tc, from, from_id, sizeof from_id);
    rsdk_test_cluster_node_id(e.tc, to, to_id, sizeof to_id);
    const char *imp[] = {"CLUSTER", "SETSLOT", sl, "IMPORTING", from_id};
    rsdk_reply_free(ct_node_cmd(e.tc, to, 5, imp));
    const char *mig[] = {"CLUSTER", "SETSLOT", sl, "MIGRATING", to_id};
    rsdk_reply_free(ct_node_cmd(e.tc, from, 5, mig));
    const char *move[] = {"MIGRATE", "127.0.0.1", port, "", "0", "5000", "KEYS", key};
    rsdk_reply_free(ct_node_cmd(e.tc, from, 8, move));
    rsdk_cluster_stats st0, st1;
    rsdk_cluster_stats_get(e.cl, &st0);
    /* `from` still owns the slot but no longer has the key: ASK. */
    const char *get[] = {"GET", key};
    seen s = run(&e, 2, get);
    assert_int_equal(s.err, RSDK_OK);
    assert_string_equal(s.str, "migrating");
    rsdk_cluster_stats_get(e.cl, &st1);
    assert_int_equal(st1.ask, st0.ask + 1);
    assert_int_equal(st1.moved, st0.moved);
    assert_int_equal(ct_owner_node(e.tc, e.cl, slot), from); /* ASK moves nothing */
    ct_migrate_slot(e.tc, slot, from, to); /* finish it */
    close_env(&e);
}

static void keep_reply(rsdk_async_cluster *ac, rsdk_reply *r, const rsdk_error *err, void *ud) {
    assert_null(err);
    *(rsdk_reply **)ud = rsdk_async_cluster_reply_take(ac, r);
}

static long long node_dbsize_sum(env *e) {
    long long sum = 0;
    for (int i = 0; i < RSDK_TEST_CLUSTER_NODES; i++) {
        const char *role[] = {"ROLE"};
        rsdk_reply *r = ct_node_cmd(e->tc, i, 1, role);
        bool primary = r->elements > 0 && strcmp(r->element[0].str, "master") == 0;
        rsdk_reply_free(r);
        if (!primary) continue;
        const char *db[] = {"DBSIZE"};
        r = ct_node_cmd(e->tc, i, 1, db);
        sum += r->integer;
        rsdk_reply_free(r);
    }
    return sum;
}

static void fan_out_is_put_together(void **state) {
    RSDK_TEST_NEED_SERVER(state);
    env e = open_env(state, RSDK_READ_PRIMARY);
    for (int i = 0; i < 50; i++) {
        char k[32];
        snprintf(k, sizeof k, "ac:fan:%d", i);
        assert_int_equal(rsdk_async_cluster_command(e.ac, NULL, NULL, "SET", k, "x", (const char *)NULL), RSDK_OK);
    }
    drain(&e);
    const char *dbsize[] = {"DBSIZE"};
    seen s = run(&e, 1, dbsize);
    assert_int_equal(s.type, RSDK_REPLY_INTEGER);
    assert_int_equal(s.integer, node_dbsize_sum(&e));
    assert_true(s.integer >= 50);
    /* KEYS: every primary's list, one after another; the reply, which the
     * handle put together, kept past its callback. */
    const char *keys[] = {"KEYS", "ac:fan:*"};
    rsdk_reply *kept = NULL;
    assert_int_equal(rsdk_async_cluster_command_argv(e.ac, 2, keys, NULL, keep_reply, &kept), RSDK_OK);
    drain(&e);
    assert_non_null(kept);
    assert_int_equal(kept->type, RSDK_REPLY_ARRAY);
    assert_int_equal(kept->elements, 50);
    for (size_t i = 0; i < kept->elements; i++) assert_memory_equal(kept->element[i].str, "ac:fan:", 7);
    rsdk_reply_free(kept);
    /* A single node's reply too. */
    const char *get[] = {"GET", "ac:fan:7"};
    kept = NULL;
    assert_int_equal(rsdk_async_cluster_command_argv(e.ac, 2, get, NULL, keep_reply, &kept), RSDK_OK);
    drain(&e);
    assert_non_null(kept);
    assert_string_equal(kept->str, "x");
    rsdk_reply_free(kept);
    assert_null(rsdk_async_cluster_reply_take(e.ac, kept)); /* outside a callback */
    close_env(&e);
}

static void multi_key_commands_split_per_slot(void **state) {
    RSDK_TEST_NEED_SERVER(state);
    env e = open_env(state, RSDK_READ_PRIMARY);
    char keys[3][32];
    ct_key_per_primary(e.cl, keys);
    const char *mset[] = {"MSET", keys[0], "v0", keys[1], "v1", keys[2], "v2"};
    assert_string_equal(run(&e, 7, mset).str, "OK");
    for (int i = 0; i < 3; i++) {
        int owner = ct_owner_node(e.tc, e.cl, rsdk_cluster_keyslot(keys[i], strlen(keys[i])));
        const char *get[] = {"GET", keys[i]};
        rsdk_reply *r = ct_node_cmd(e.tc, owner, 2, get); /* on its owner, directly */
        char want[8];
        snprintf(want, sizeof want, "v%d", i);
        assert_string_equal(r->str, want);
        rsdk_reply_free(r);
    }
    /* MGET in an order that is not the nodes': the values in the keys'. */
    const char *mget[] = {"MGET", keys[2], "ac:missing", keys[0], keys[1]};
    rsdk_reply *kept = NULL;
    assert_int_equal(rsdk_async_cluster_command_argv(e.ac, 5, mget, NULL, keep_reply, &kept), RSDK_OK);
    drain(&e);
    assert_non_null(kept);
    assert_int_equal(kept->elements, 4);
    assert_string_equal(kept->element[0].str, "v2");
    assert_int_equal(kept->element[1].type, RSDK_REPLY_NIL);
    assert_string_equal(kept->element[2].str, "v0");
    assert_string_equal(kept->element[3].str, "v1");
    rsdk_reply_free(kept);
    const char *exists[] = {"EXISTS", keys[0], keys[1], keys[2], "ac:missing"};
    assert_int_equal(run(&e, 5, exists).integer, 3);
    const char *del[] = {"DEL", keys[0], keys[1], keys[2], "ac:missing"};
    seen d = run(&e, 5, del);
    assert_int_equal(d.type, RSDK_REPLY_INTEGER);
    assert_int_equal(d.integer, 3);
    assert_int_equal(run(&e, 5, exists).integer, 0);
    /* Key units cut short: refused before sending. */
    const char *odd[] = {"MSET", keys[0], "a", keys[1]};
    assert_int_equal(rsdk_async_cluster_command_argv(e.ac, 4, odd, NULL, record, &d), RSDK_ERR_INVALID_ARG);
    close_env(&e);
}

static void refused_before_sending(void **state) {
    RSDK_TEST_NEED_SERVER(state);
    env e = open_env(state, RSDK_READ_PRIMARY);
    char keys[3][32];
    ct_key_per_primary(e.cl, keys);
    char before[RSDK_TEST_CLUSTER_NODES][256], after[256];
    for (int i = 0; i < RSDK_TEST_CLUSTER_NODES; i++) ct_cmdstat(e.tc, i, "sunion", before[i], sizeof before[i]);
    seen s = {0};
    const char *sunion[] = {"SUNION", keys[0], keys[1]};
    assert_int_equal(rsdk_async_cluster_command_argv(e.ac, 3, sunion, NULL, record, &s), RSDK_ERR_CROSSSLOT);
    assert_non_null(strstr(rsdk_async_cluster_error(e.ac)->message, "slots"));
    const char *multi[] = {"MULTI"};
    assert_int_equal(rsdk_async_cluster_command_argv(e.ac, 1, multi, NULL, record, &s), RSDK_ERR_INVALID_ARG);
    const char *watch[] = {"WATCH", keys[0]};
    assert_int_equal(rsdk_async_cluster_command_argv(e.ac, 2, watch, NULL, record, &s), RSDK_ERR_INVALID_ARG);
    const char *sub[] = {"SUBSCRIBE", "news"};
    assert_int_equal(rsdk_async_cluster_command_argv(e.ac, 2, sub, NULL, record, &s), RSDK_ERR_INVALID_ARG);
    assert_non_null(strstr(rsdk_async_cluster_error(e.ac)->message, "pub/sub"));
    const char *unknown[] = {"NOSUCHCOMMAND", "k"};
    assert_int_equal(rsdk_async_cluster_command_argv(e.ac, 2, unknown, NULL, record, &s), RSDK_ERR_INVALID_ARG);
    assert_int_equal(rsdk_async_cluster_command_argv(e.ac, 0, unknown, NULL, record, &s), RSDK_ERR_INVALID_ARG);
    assert_int_equal(rsdk_async_cluster_command_argv(e.ac, 1, NULL, NULL, record, &s), RSDK_ERR_INVALID_ARG);
    assert_int_equal(rsdk_async_cluster_command_argv(NULL, 1, multi, NULL, record, &s), RSDK_ERR_INVALID_ARG);
    assert_int_equal(rsdk_async_cluster_pending(e.ac), 0);
    rsdk_loop_run_once(e.loop, 50);
    assert_int_equal(s.calls, 0); /* no callback for a refused command */
    for (int i = 0; i < RSDK_TEST_CLUSTER_NODES; i++) {
        ct_cmdstat(e.tc, i, "sunion", after, sizeof after);
        assert_string_equal(after, before[i]); /* nothing was sent */
    }
    /* Options without a cluster or an attach function. */
    rsdk_async_cluster_opts o;
    rsdk_async_cluster_opts_init(&o);
    rsdk_async_cluster *ac = NULL;
    rsdk_error err;
    assert_int_equal(rsdk_async_cluster_new(&o, &ac, &err), RSDK_ERR_INVALID_ARG);
    o.cluster = e.cl;
    assert_int_equal(rsdk_async_cluster_new(&o, &ac, &err), RSDK_ERR_INVALID_ARG);
    assert_null(ac);
    assert_int_equal(rsdk_async_cluster_new(NULL, &ac, &err), RSDK_ERR_INVALID_ARG);
    rsdk_async_cluster_free(NULL);
    close_env(&e);
}

static void server_error_and_free_with_pending(void **state) {
    RSDK_TEST_NEED_SERVER(state);
    env e = open_env(state, RSDK_READ_PRIMARY);
    const char *hset[] = {"HSET", "ac:hash", "f", "v"};
    run(&e, 4, hset);
    const char *incr[] = {"INCR", "ac:hash"};
    seen s = run(&e, 2, incr);
    assert_int_equal(s.type, RSDK_REPLY_ERROR);
    assert_int_equal(s.err, RSDK_ERR_WRONGTYPE);
    /* Freed with 200 commands pending: each callback once, closed. */
    static seen pend[200];
    memset(pend, 0, sizeof pend);
    for (int i = 0; i < 200; i++) {
        char k[32];
        snprintf(k, sizeof k, "ac:p:%d", i);
        assert_int_equal(rsdk_async_cluster_command(e.ac, record, &pend[i], "GET", k, (const char *)NULL), RSDK_OK);
    }
    const char *dbsize[] = {"DBSIZE"};
    seen fan = {0};
    assert_int_equal(rsdk_async_cluster_command_argv(e.ac, 1, dbsize, NULL, record, &fan), RSDK_OK);
    assert_int_equal(rsdk_async_cluster_pending(e.ac), 201);
    rsdk_async_cluster_free(e.ac);
    e.ac = NULL;
    for (int i = 0; i < 200; i++) {
        assert_int_equal(pend[i].calls, 1);
        assert_int_equal(pend[i].err, RSDK_ERR_CLOSED);
    }
    assert_int_equal(fan.calls, 1);
    assert_int_equal(fan.err, RSDK_ERR_CLOSED);
    close_env(&e);
}

static void reads_go_to_replicas_when_asked(void **state) {
    RSDK_TEST_NEED_SERVER(state);
    env e = open_env(state, RSDK_READ_PREFER_REPLICA);
    char keys[3][32];
    ct_key_per_primary(e.cl, keys);
    const char *set[] = {"SET", keys[0], "replicated"};
    assert_string_equal(run(&e, 3, set).str, "OK");
    int owner = ct_owner_node(e.tc, e.cl, rsdk_cluster_keyslot(keys[0], strlen(keys[0])));
    const char *wait[] = {"WAIT", "1", "2000"};
    rsdk_reply_free(ct_node_cmd(e.tc, owner, 3, wait));
    char before[RSDK_TEST_CLUSTER_NODES][256], after[256];
    for (int i = 0; i < RSDK_TEST_CLUSTER_NODES; i++) ct_cmdstat(e.tc, i, "readonly", before[i], sizeof before[i]);
    const char *get[] = {"GET", keys[0]};
    seen s = run(&e, 2, get);
    assert_int_equal(s.err, RSDK_OK);
    assert_string_equal(s.str, "replicated");
    int replicas_read = 0;
    for (int i = 0; i < RSDK_TEST_CLUSTER_NODES; i++) {
        ct_cmdstat(e.tc, i, "readonly", after, sizeof after);
        if (strcmp(after, before[i]) != 0) {
            assert_int_not_equal(i, owner);
            replicas_read++;
        }
    }
    assert_int_equal(replicas_read, 1);
    /* A write still goes to the primary. */
    const char *set2[] = {"SET", keys[0], "again"};
    assert_string_equal(run(&e, 3, set2).str, "OK");
    close_env(&e);
}

/* Every allocation failing in turn while a single-slot GET, a split MGET
 * and a DBSIZE fan-out are routed and answered: each call either fails
 * with its status (no callback) or gets its callback exactly once; ASan
 * finds no leak. */
static void every_allocation_failing_in_turn(void **state) {
    RSDK_TEST_NEED_SERVER(state);
    env e = open_env(state, RSDK_READ_PRIMARY);
    char keys[3][32];
    ct_key_per_primary(e.cl, keys);
    const char *mset[] = {"MSET", keys[0], "a", keys[1], "b", keys[2], "c"};
    run(&e, 7, mset); /* every node's client made and connected */
    const char *get[] = {"GET", keys[0]};
    const char *mget[] = {"MGET", keys[0], keys[1], keys[2]};
    const char *dbsize[] = {"DBSIZE"};
    const char *const *cmds[] = {get, mget, dbsize};
    const size_t argcs[] = {2, 4, 1};
    rsdk_test_alloc_install();
    size_t n, refused_calls = 0, failed_callbacks = 0;
    for (n = 1; n < 2000; n++) {
        seen s[3];
        memset(s, 0, sizeof s);
        bool queued[3];
        rsdk_test_alloc_fail_nth(n);
        for (int c = 0; c < 3; c++) {
            queued[c] = rsdk_async_cluster_command_argv(e.ac, argcs[c], cmds[c], NULL, record, &s[c]) == RSDK_OK;
            refused_calls += !queued[c];
        }
        for (int i = 0; i < 500 && rsdk_async_cluster_pending(e.ac) > 0; i++) rsdk_loop_run_once(e.loop, 10);
        size_t refused = rsdk_test_alloc_refused();
        rsdk_test_alloc_fail_nth(0);
        assert_int_equal(rsdk_async_cluster_pending(e.ac), 0);
        for (int c = 0; c < 3; c++) {
            assert_int_equal(s[c].calls, queued[c] ? 1 : 0);
            failed_callbacks += queued[c] && s[c].err != RSDK_OK;
        }
        if (refused == 0) {
            for (int c = 0; c < 3; c++) assert_int_equal(s[c].err, RSDK_OK);
            break;
        }
    }
    rsdk_test_alloc_remove();
    printf("async cluster: %zu allocations, each failed once: %zu calls refused, %zu callbacks with "
           "an error\n", n - 1, refused_calls, failed_callbacks);
    assert_true(n > 10 && n < 2000);
    close_env(&e);
}

/* ---- a primary killed under load (the last test: the node stays down) ---- */

#define FO_KEYS 16
#define FO_PER_TURN 8     /* new INCRs per loop turn, as steady load */
#define FO_IN_FLIGHT 256

struct fo;
typedef struct fo_key {
    struct fo *fo;
    int k;
    bool after_kill; /* sent after the primary was killed */
} fo_key;

typedef struct fo {
    rsdk_async_cluster *ac;
    int inflight, next;
    long acked[FO_KEYS], unknown[FO_KEYS], failed, refused, odd;
    char names[FO_KEYS][16], odd_error[256];
    fo_key keys[FO_KEYS], probe_after_kill;
    long long killed, recovered;
} fo;

/* The codes a command may fail with while a primary is gone. */
static bool fo_documented(rsdk_status s) {
    return s == RSDK_ERR_CONNECT || s == RSDK_ERR_IO || s == RSDK_ERR_EOF || s == RSDK_ERR_TIMEOUT ||
           s == RSDK_ERR_BROKEN || s == RSDK_ERR_CLUSTERDOWN || s == RSDK_ERR_TRYAGAIN;
}

/* Whether a failed INCR may have run: its bytes may have left. */
static bool fo_maybe_ran(rsdk_status s) {
    return s == RSDK_ERR_IO || s == RSDK_ERR_EOF || s == RSDK_ERR_TIMEOUT || s == RSDK_ERR_BROKEN;
}

static void fo_odd(fo *f, rsdk_status s, const char *why) {
    if (f->odd++ == 0) snprintf(f->odd_error, sizeof f->odd_error, "%s: %s", rsdk_status_name(s), why);
}

static void fo_done(rsdk_async_cluster *ac, rsdk_reply *r, const rsdk_error *err, void *ud) {
    (void)ac;
    fo_key *key = ud;
    fo *f = key->fo;
    f->inflight--;
    if (r != NULL && r->type == RSDK_REPLY_INTEGER) {
        f->acked[key->k]++;
        if (key->after_kill && f->recovered < 0) f->recovered = rsdk_test_now_ms();
        return;
    }
    rsdk_status s = err ? err->code : RSDK_ERR_PROTOCOL;
    f->failed++;
    if (r == NULL && fo_maybe_ran(s)) f->unknown[key->k]++;
    if (!fo_documented(s)) fo_odd(f, s, err ? err->message : "no error");
}

static void fo_top_up(fo *f) {
    for (int i = 0; i < FO_PER_TURN && f->inflight < FO_IN_FLIGHT; i++) {
        fo_key *key = &f->keys[f->next++ % FO_KEYS];
        if (key->k == 0 && f->killed > 0) key = &f->probe_after_kill;
        rsdk_status s = rsdk_async_cluster_command(f->ac, fo_done, key, "INCR", f->names[key->k], (const char *)NULL);
        if (s != RSDK_OK) {
            /* Refused before sending: nothing ran. */
            f->refused++;
            if (s != RSDK_ERR_CLUSTERDOWN && s != RSDK_ERR_CONNECT)
                fo_odd(f, s, rsdk_async_cluster_error(f->ac)->message);
            return;
        }
        f->inflight++;
    }
}

static void primary_killed_the_handle_follows_the_promotion(void **state) {
    RSDK_TEST_NEED_SERVER(state);
    env e = open_env(state, RSDK_READ_PRIMARY);
    static fo f;
    memset(&f, 0, sizeof f);
    f.ac = e.ac;
    f.recovered = -1;
    for (int k = 0; k < FO_KEYS; k++) {
        if (k == 0) snprintf(f.names[k], sizeof f.names[k], "{afo}probe");
        else snprintf(f.names[k], sizeof f.names[k], "afo:%d", k);
        f.keys[k] = (fo_key){&f, k, false};
    }
    f.probe_after_kill = (fo_key){&f, 0, true};
    int victim = ct_owner_node(e.tc, e.cl, rsdk_cluster_keyslot(f.names[0], strlen(f.names[0])));
    assert_true(victim >= 0);
    long long start = rsdk_test_now_ms(), now;
    while ((now = rsdk_test_now_ms()) - start < 40000) {
        fo_top_up(&f);
        assert_int_equal(rsdk_loop_run_once(e.loop, 5), RSDK_OK);
        if (f.killed == 0 && now - start > 300) {
            rsdk_test_server_kill(&e.tc->node[victim]);
            f.killed = rsdk_test_now_ms();
        }
        if (f.recovered > 0 && now - f.recovered > 500) break;
    }
    drain(&e);
    assert_true(f.recovered > 0);
    long acked = 0, unknown = 0, lost = 0, doubled = 0;
    for (int k = 0; k < FO_KEYS; k++) {
        long v = ct_counter(e.cl, f.names[k]);
        acked += f.acked[k];
        unknown += f.unknown[k];
        if (v < f.acked[k]) lost += f.acked[k] - v;
        if (v > f.acked[k] + f.unknown[k]) doubled += v - (f.acked[k] + f.unknown[k]);
    }
    rsdk_cluster_stats st;
    rsdk_cluster_stats_get(e.cl, &st);
    printf("async failover: node %d killed; INCRs on its slot succeeded again after %lld ms; "
           "%ld INCRs acknowledged, %ld failed in callbacks (%ld of unknown outcome), %ld refused "
           "before sending, %ld acknowledged but lost with the primary, %ld run twice; "
           "refreshes %llu, MOVED %llu\n",
           victim, f.recovered - f.killed, acked, f.failed, unknown, f.refused, lost, doubled,
           (unsigned long long)st.refreshes, (unsigned long long)st.moved);
    if (f.odd != 0) fail_msg("undocumented failure: %s", f.odd_error);
    assert_int_equal(doubled, 0);
    assert_true(acked > 0);
    close_env(&e);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(every_key_lands_on_its_owner),
        cmocka_unit_test(moved_is_followed_and_the_map_learns),
        cmocka_unit_test(ask_is_followed_during_a_migration),
        cmocka_unit_test(fan_out_is_put_together),
        cmocka_unit_test(multi_key_commands_split_per_slot),
        cmocka_unit_test(refused_before_sending),
        cmocka_unit_test(server_error_and_free_with_pending),
        cmocka_unit_test(reads_go_to_replicas_when_asked),
        cmocka_unit_test(every_allocation_failing_in_turn),
        cmocka_unit_test(primary_killed_the_handle_follows_the_promotion),
    };
    return cmocka_run_group_tests(tests, rsdk_test_cluster_group_setup, rsdk_test_cluster_group_teardown);
}
