/* Routing on a live 6-node cluster: every generated core command with keys
 * routes by the slot the server itself computes (COMMAND GETKEYS + CLUSTER
 * KEYSLOT), keys in different slots are refused before anything is sent,
 * splittable commands are split and put back in order, keyless commands
 * fan out as their tips say, SCAN walks every primary, pipelines keep
 * their order across nodes and survive a MOVED, and a refresh survives
 * every allocation failing in turn. */
#include "cluster_test.h"
#include "support/fail_alloc.h"

/* ---- a minimal argv per command, from its argument tree ---------------- */

typedef struct argv_b {
    const char *v[96];
    char store[96][64];
    int n;
    const char *tag;
    int key;
} argv_b;

static void push(argv_b *b, const char *s) {
    if (b->n >= 96) return;
    snprintf(b->store[b->n], sizeof b->store[b->n], "%s", s);
    b->v[b->n] = b->store[b->n];
    b->n++;
}

static void walk(argv_b *b, const rsdk_arg_meta *a, size_t n, bool force);

static void one(argv_b *b, const rsdk_arg_meta *a, bool token) {
    if (token && a->token) push(b, a->token);
    char key[64];
    switch (a->type) {
    case RSDK_ARG_KEY:
        snprintf(key, sizeof key, "{%s}k%d", b->tag, b->key++);
        push(b, key);
        break;
    case RSDK_ARG_STRING: push(b, "v"); break;
    case RSDK_ARG_PATTERN: push(b, "*"); break;
    case RSDK_ARG_INTEGER:
    case RSDK_ARG_DOUBLE:
    case RSDK_ARG_UNIX_TIME: push(b, (a->flags & RSDK_ARGF_COUNT) ? "2" : "1"); break;
    case RSDK_ARG_PURE_TOKEN: break;
    case RSDK_ARG_ONEOF:
        if (a->nchildren) walk(b, a->children, 1, true);
        break;
    case RSDK_ARG_BLOCK: walk(b, a->children, a->nchildren, false); break;
    }
}

static void walk(argv_b *b, const rsdk_arg_meta *a, size_t n, bool force) {
    for (size_t i = 0; i < n; i++) {
        if ((a[i].flags & RSDK_ARGF_OPTIONAL) && !force) continue;
        int times = (a[i].flags & RSDK_ARGF_MULTIPLE) ? 2 : 1;
        for (int t = 0; t < times; t++) one(b, &a[i], t == 0 || (a[i].flags & RSDK_ARGF_MULTIPLE_TOKEN));
    }
}

static void build(argv_b *b, const rsdk_command_meta *m) {
    memset(b, 0, sizeof *b);
    b->tag = m->function;
    char name[64];
    snprintf(name, sizeof name, "%s", m->name);
    char *sp = strchr(name, ' ');
    if (sp) *sp = '\0';
    push(b, name);
    if (sp) push(b, sp + 1);
    walk(b, m->args, m->nargs, false);
}

static int server_slot_of(rsdk_client *c, const char *key) {
    rsdk_reply *k = NULL;
    if (rsdk_client_command(c, &k, "CLUSTER", "KEYSLOT", key, (const char *)NULL) != RSDK_OK)
        fail_msg("CLUSTER KEYSLOT %s: %s", key, rsdk_client_error(c)->message);
    int slot = (int)k->integer;
    rsdk_reply_free(k);
    return slot;
}

/* The slot the server gives the command's first key, -1 when it names no
 * key, -2 when it refuses the arguments (or does not know the command). */
static int server_slot(rsdk_client *c, const argv_b *b) {
    const char *argv[100] = {"COMMAND", "GETKEYS"};
    for (int i = 0; i < b->n; i++) argv[i + 2] = b->v[i];
    rsdk_reply *r = NULL;
    rsdk_status s = rsdk_client_command_argv(c, b->n + 2, argv, NULL, &r);
    if (s != RSDK_OK) {
        const char *msg = rsdk_client_error(c)->message;
        return strstr(msg, "no key arguments") ? -1 : -2;
    }
    int slot = -1;
    if (r->type == RSDK_REPLY_ARRAY && r->elements > 0) slot = server_slot_of(c, r->element[0].str);
    rsdk_reply_free(r);
    return slot;
}

static void every_core_command_routes_by_the_servers_slot(void **state) {
    RSDK_TEST_NEED_SERVER(state);
    rsdk_test_cluster *tc = *state;
    rsdk_cluster *cl = ct_open(tc, 5000);
    rsdk_client *c = rsdk_test_cluster_client(tc, 0);
    size_t checked = 0, keyed = 0, sent = 0, refused = 0;
    for (size_t i = 0; i < rcore_commands_count; i++) {
        const rsdk_command_meta *m = &rcore_commands[i];
        argv_b b;
        build(&b, m);
        int want = server_slot(c, &b);
        int got = -3;
        rsdk_error err;
        rsdk_status s = rsdk_cluster_command_slot(cl, b.n, b.v, NULL, &got, &err);
        if (want == -1 && (m->flags & RSDK_CMD(PUBSUB)) && m->nkey_specs > 0 && b.n > 1) {
            /* Shard channels are no keys to the server, but they route. */
            want = server_slot_of(c, b.v[1]);
        }
        if (want == -2) {
            refused++;
            continue;
        }
        if (s != RSDK_OK) fail_msg("%s: %s: %s", m->name, rsdk_status_name(s), err.message);
        if (got != want) fail_msg("%s routes to slot %d, the server says %d", m->name, got, want);
        checked++;
        if (want < 0) continue;
        keyed++;
        /* A read goes out for real: the owner answers (whatever it thinks
         * of the dummy values), never with a redirect. */
        if (!(m->flags & RSDK_CMD(READONLY)) || (m->flags & RSDK_CMD(BLOCKING))) continue;
        rsdk_reply *r = NULL;
        s = rsdk_cluster_command_argv(cl, b.n, b.v, NULL, &r, &err);
        if (s == RSDK_OK) rsdk_reply_free(r);
        if (s == RSDK_ERR_MOVED || s == RSDK_ERR_ASK || s == RSDK_ERR_CROSSSLOT ||
            rsdk_err_class(s) == RSDK_CLASS_CONNECTION)
            fail_msg("%s: %s: %s", m->name, rsdk_status_name(s), err.message);
        sent++;
    }
    printf("routing: %zu commands checked (%zu with keys, %zu reads sent), %zu the server "
           "refused in their minimal form\n", checked, keyed, sent, refused);
    assert_true(keyed > 150);
    rsdk_cluster_stats st;
    rsdk_cluster_stats_get(cl, &st);
    assert_int_equal(st.moved, 0);
    rsdk_client_close(c);
    rsdk_cluster_close(cl);
}

static void keyslot_matches_the_specification(void **state) {
    (void)state;
    assert_int_equal(rsdk_cluster_keyslot("123456789", 9), 0x31C3 & 16383);
    assert_int_equal(rsdk_cluster_keyslot("foo", 3), 12182);
    assert_int_equal(rsdk_cluster_keyslot("{user1000}.following", 20),
                     rsdk_cluster_keyslot("{user1000}.followers", 20));
    assert_int_equal(rsdk_cluster_keyslot("{}x", 3), rsdk_cluster_keyslot("{}x", 3));
    assert_int_equal(rsdk_cluster_keyslot("foo{}{bar}", 10), rsdk_cluster_keyslot("foo{}{bar}", 10));
    assert_int_not_equal(rsdk_cluster_keyslot("foo{}{bar}", 10), rsdk_cluster_keyslot("bar", 3));
    assert_int_equal(rsdk_cluster_keyslot("foo{{bar}}zap", 13), rsdk_cluster_keyslot("{bar", 4));
}

/* The specification's algorithm written plainly: a byte a step, the hash
 * tag found by index. */
static unsigned reference_crc16(const unsigned char *p, size_t len) {
    unsigned crc = 0;
    for (size_t i = 0; i < len; i++) {
        crc ^= (unsigned)p[i] << 8;
        for (int b = 0; b < 8; b++) crc = (crc & 0x8000) ? ((crc << 1) ^ 0x1021) & 0xffff : (crc << 1) & 0xffff;
    }
    return crc;
}

static unsigned reference_keyslot(const char *key, size_t len) {
    const unsigned char *k = (const unsigned char *)key;
    size_t s, e;
    for (s = 0; s < len; s++)
        if (k[s] == '{') break;
    if (s == len) return reference_crc16(k, len) & 16383;
    for (e = s + 1; e < len; e++)
        if (k[e] == '}') break;
    if (e == len || e == s + 1) return reference_crc16(k, len) & 16383;
    return reference_crc16(k + s + 1, e - s - 1) & 16383;
}

static void keyslot_matches_a_plain_reference(void **state) {
    (void)state;
    static const char *edge[] = {"", "{", "}", "{}", "{a", "a}", "a{}b{c}", "{}{a}", "{{a}}", "a{b}c{d}",
                                 "{a}", "x{ab}", "}{a}", "bench:cl:42", "{user1000}.following"};
    for (size_t i = 0; i < sizeof edge / sizeof edge[0]; i++)
        assert_int_equal(rsdk_cluster_keyslot(edge[i], strlen(edge[i])),
                         reference_keyslot(edge[i], strlen(edge[i])));
    assert_int_equal(rsdk_cluster_keyslot(NULL, 0), reference_keyslot("", 0));
    /* Random keys of every length up to 80 over all byte values, and over
     * a few bytes that make many braces, NULs and bytes with the top bit. */
    uint64_t x = 0x9E3779B97F4A7C15ull;
    char key[80];
    for (int round = 0; round < 20000; round++) {
        size_t len = (size_t)round % sizeof key;
        for (size_t i = 0; i < len; i++) {
            x ^= x << 13, x ^= x >> 7, x ^= x << 17;
            static const char few[] = {'{', '}', 'a', '\0', (char)0xff, (char)0x80};
            key[i] = round % 2 ? (char)(x >> 24) : few[(x >> 24) % sizeof few];
        }
        unsigned got = rsdk_cluster_keyslot(key, len), want = reference_keyslot(key, len);
        if (got != want) fail_msg("key of %zu bytes (round %d): %u, reference %u", len, round, got, want);
    }
}

/* ---- CROSSSLOT ----------------------------------------------------------- */

static void crossslot_is_refused_before_sending(void **state) {
    RSDK_TEST_NEED_SERVER(state);
    rsdk_test_cluster *tc = *state;
    rsdk_cluster *cl = ct_open(tc, 5000);
    /* What each node saw of the two commands (calls, rejected calls):
     * exact, unlike total_commands_processed, which replication traffic
     * moves on its own. */
    char before[RSDK_TEST_CLUSTER_NODES][2][256], after[2][256];
    for (int i = 0; i < RSDK_TEST_CLUSTER_NODES; i++) {
        ct_cmdstat(tc, i, "sunionstore", before[i][0], sizeof before[i][0]);
        ct_cmdstat(tc, i, "rename", before[i][1], sizeof before[i][1]);
    }
    rsdk_reply *r = NULL;
    rsdk_error err;
    /* "a" and "b" hash to slots 15495 and 3300. */
    assert_int_equal(rsdk_cluster_command(cl, &r, &err, "SUNIONSTORE", "a", "b", (const char *)NULL),
                     RSDK_ERR_CROSSSLOT);
    assert_null(r);
    assert_non_null(strstr(err.message, "15495"));
    assert_non_null(strstr(err.message, "3300"));
    assert_int_equal(rsdk_cluster_command(cl, &r, &err, "RENAME", "a", "b", (const char *)NULL),
                     RSDK_ERR_CROSSSLOT);
    for (int i = 0; i < RSDK_TEST_CLUSTER_NODES; i++) {
        ct_cmdstat(tc, i, "sunionstore", after[0], sizeof after[0]);
        ct_cmdstat(tc, i, "rename", after[1], sizeof after[1]);
        assert_string_equal(after[0], before[i][0]);
        assert_string_equal(after[1], before[i][1]);
    }
    /* In one slot (hash tags) the same command runs. */
    assert_int_equal(rsdk_cluster_command(cl, &r, &err, "SUNIONSTORE", "{t}a", "{t}b", (const char *)NULL),
                     RSDK_OK);
    rsdk_reply_free(r);
    rsdk_cluster_close(cl);
}

/* ---- split per slot ---------------------------------------------------- */

static void mset_mget_del_split_per_slot_in_order(void **state) {
    RSDK_TEST_NEED_SERVER(state);
    rsdk_cluster *cl = ct_open(*state, 5000);
    const char *mset[41] = {"MSET"};
    char names[20][16], vals[20][16];
    const char *mget[21] = {"MGET"}, *del[21] = {"DEL"};
    for (int i = 0; i < 20; i++) {
        snprintf(names[i], sizeof names[i], "split:%d", i);
        snprintf(vals[i], sizeof vals[i], "v%d", i);
        mset[1 + 2 * i] = names[i];
        mset[2 + 2 * i] = vals[i];
        mget[1 + i] = names[i];
        del[1 + i] = names[i];
    }
    rsdk_reply *r = NULL;
    rsdk_error err;
    rsdk_status s = rsdk_cluster_command_argv(cl, 41, mset, NULL, &r, &err);
    if (s != RSDK_OK) fail_msg("MSET: %s: %s", rsdk_status_name(s), err.message);
    assert_int_equal(r->type, RSDK_REPLY_STATUS);
    rsdk_reply_free(r);
    mget[20] = "split:missing"; /* the last one missing: nil in its place */
    assert_int_equal(rsdk_cluster_command_argv(cl, 21, mget, NULL, &r, &err), RSDK_OK);
    assert_int_equal(r->type, RSDK_REPLY_ARRAY);
    assert_int_equal(r->elements, 20);
    for (int i = 0; i < 19; i++) assert_string_equal(r->element[i].str, vals[i]);
    assert_int_equal(r->element[19].type, RSDK_REPLY_NIL);
    rsdk_reply_free(r);
    assert_int_equal(rsdk_cluster_command_argv(cl, 21, del, NULL, &r, &err), RSDK_OK);
    assert_int_equal(r->integer, 20); /* summed over the slots */
    rsdk_reply_free(r);
    rsdk_cluster_close(cl);
}

/* ---- fan-out ------------------------------------------------------------ */

static void keyless_commands_fan_out_by_their_tips(void **state) {
    RSDK_TEST_NEED_SERVER(state);
    rsdk_test_cluster *tc = *state;
    rsdk_cluster *cl = ct_open(tc, 5000);
    rsdk_reply *r = NULL;
    rsdk_error err;
    assert_int_equal(rsdk_cluster_command(cl, &r, &err, "FLUSHALL", (const char *)NULL), RSDK_OK);
    rsdk_reply_free(r);
    assert_int_equal(ct_int(cl, "DBSIZE", NULL, NULL), 0);
    char k[32];
    for (int i = 0; i < 60; i++) {
        snprintf(k, sizeof k, "fan:%d", i);
        assert_int_equal(ct_int(cl, "INCR", k, NULL), 1);
    }
    assert_int_equal(ct_int(cl, "DBSIZE", NULL, NULL), 60); /* agg_sum over the primaries */
    assert_int_equal(rsdk_cluster_command(cl, &r, &err, "KEYS", "fan:*", (const char *)NULL), RSDK_OK);
    assert_int_equal(r->elements, 60); /* every primary's keys */
    rsdk_reply_free(r);

    /* The cluster SCAN sees each key once while nothing moves. */
    rsdk_cluster_scan sc;
    rsdk_cluster_scan_init(&sc);
    size_t seen = 0;
    for (int steps = 0; !sc.done && steps < 10000; steps++) {
        assert_int_equal(rsdk_cluster_scan_next(cl, &sc, "fan:*", 7, &r, &err), RSDK_OK);
        seen += r->elements;
        rsdk_reply_free(r);
    }
    assert_true(sc.done);
    assert_int_equal(seen, 60);

    /* SCRIPT LOAD goes everywhere: every node then knows the script. */
    assert_int_equal(rsdk_cluster_command(cl, &r, &err, "SCRIPT", "LOAD", "return 7", (const char *)NULL),
                     RSDK_OK);
    char sha[64];
    snprintf(sha, sizeof sha, "%s", r->str);
    rsdk_reply_free(r);
    for (int i = 0; i < RSDK_TEST_CLUSTER_NODES; i++) {
        rsdk_client *c = rsdk_test_cluster_client(tc, i);
        assert_int_equal(rsdk_client_command(c, &r, "SCRIPT", "EXISTS", sha, (const char *)NULL), RSDK_OK);
        assert_int_equal(r->element[0].integer, 1);
        rsdk_reply_free(r);
        rsdk_client_close(c);
    }
    assert_int_equal(rsdk_cluster_command(cl, &r, &err, "FLUSHALL", (const char *)NULL), RSDK_OK);
    rsdk_reply_free(r);
    assert_int_equal(ct_int(cl, "DBSIZE", NULL, NULL), 0);
    rsdk_cluster_close(cl);
}

/* ---- pipelines ---------------------------------------------------------- */

static void pipeline_across_nodes_keeps_order_and_follows_moved(void **state) {
    RSDK_TEST_NEED_SERVER(state);
    rsdk_test_cluster *tc = *state;
    rsdk_cluster *cl = ct_open(tc, 5000);
    /* "pm" is the key the MOVED will hit: its slot goes to another primary
     * behind the client's back. */
    unsigned slot = rsdk_cluster_keyslot("pm", 2);
    char owner[64];
    assert_int_equal(rsdk_cluster_slot_owner(cl, slot, owner, sizeof owner), RSDK_OK);
    int from = rsdk_test_cluster_node_by_port(tc, atoi(strrchr(owner, ':') + 1)), to = -1;
    rsdk_cluster_stats st;
    rsdk_cluster_stats_get(cl, &st);
    assert_int_equal(st.primaries, 3);
    for (int i = 0; i < RSDK_TEST_CLUSTER_NODES && to < 0; i++) {
        char o2[64];
        for (unsigned s2 = 0; s2 < 16384; s2 += 97) {
            assert_int_equal(rsdk_cluster_slot_owner(cl, s2, o2, sizeof o2), RSDK_OK);
            int n = rsdk_test_cluster_node_by_port(tc, atoi(strrchr(o2, ':') + 1));
            if (n != from) {
                to = n;
                break;
            }
        }
    }
    assert_true(to >= 0);
    /* IMPORTING/MIGRATING first, so the new owner bumps its config epoch
     * and gossip cannot hand the slot back while the others are told. */
    ct_migrate_slot(tc, slot, from, to);

    rsdk_buf b;
    rsdk_buf_init(&b);
    char key[32], val[32];
    size_t n = 0;
    for (int i = 0; i < 30; i++, n++) {
        snprintf(key, sizeof key, "pipe:%d", i);
        snprintf(val, sizeof val, "%d", i * 7);
        rcore_set_encode(&b, key, val, NULL, NULL);
        if (i == 15) {
            rcore_set_encode(&b, "pm", "moved", NULL, NULL);
            n++;
        }
    }
    for (int i = 0; i < 30; i++, n++) {
        snprintf(key, sizeof key, "pipe:%d", i);
        rcore_get_encode(&b, key, NULL);
    }
    rcore_get_encode(&b, "pm", NULL);
    n++;
    rcore_incr_encode(&b, "pipe:0", NULL); /* "0" then, now 1 */
    n++;
    rsdk_reply *rep[64] = {0};
    rsdk_error err;
    assert_int_equal(rsdk_cluster_send_encoded(cl, &b, n, rep, &err), RSDK_OK);
    for (size_t i = 0; i < 31; i++) {
        if (rep[i]->type != RSDK_REPLY_STATUS) fail_msg("reply %zu: type %d, %s", i, (int)rep[i]->type, rep[i]->str ? rep[i]->str : "");
    }
    for (int i = 0; i < 30; i++) {
        snprintf(val, sizeof val, "%d", i * 7);
        assert_string_equal(rep[31 + i]->str, val);
    }
    assert_string_equal(rep[61]->str, "moved");
    assert_int_equal(rep[62]->integer, 1);
    for (size_t i = 0; i < n; i++) rsdk_reply_free(rep[i]);
    rsdk_cluster_stats_get(cl, &st);
    assert_true(st.moved >= 1);

    /* A pipeline with a cross-slot command: its error stays in its slot. */
    rsdk_buf_clear(&b);
    const char *bad[] = {"SUNIONSTORE", "a", "b"};
    rcore_get_encode(&b, "pipe:1", NULL);
    rsdk_write_command(&b, 3, bad, NULL);
    rcore_get_encode(&b, "pipe:2", NULL);
    assert_int_equal(rsdk_cluster_send_encoded(cl, &b, 3, rep, &err), RSDK_OK);
    assert_string_equal(rep[0]->str, "7");
    assert_int_equal(rep[1]->type, RSDK_REPLY_ERROR);
    assert_non_null(strstr(rep[1]->str, "CROSSSLOT"));
    assert_string_equal(rep[2]->str, "14");
    for (size_t i = 0; i < 3; i++) rsdk_reply_free(rep[i]);
    rsdk_buf_deinit(&b);
    ct_migrate_slot(tc, slot, to, from); /* "pm" moves back with it */
    rsdk_cluster_close(cl);
}

/* ---- transactions ------------------------------------------------------- */

static void transactions_run_on_one_slot_and_are_refused_across_slots(void **state) {
    RSDK_TEST_NEED_SERVER(state);
    rsdk_cluster *cl = ct_open(*state, 5000);
    rsdk_buf b;
    rsdk_buf_init(&b);
    const char *multi[] = {"MULTI"}, *exec[] = {"EXEC"};
    const char *in1[] = {"INCR", "{tx}a"}, *in2[] = {"INCR", "{tx}b"}, *out1[] = {"INCR", "txout"};
    rsdk_write_command(&b, 1, multi, NULL);
    rsdk_write_command(&b, 2, in1, NULL);
    rsdk_write_command(&b, 2, in2, NULL);
    rsdk_write_command(&b, 1, exec, NULL);
    rsdk_write_command(&b, 2, out1, NULL);
    rsdk_reply *rep[8] = {0};
    rsdk_error err;
    assert_int_equal(rsdk_cluster_send_encoded(cl, &b, 5, rep, &err), RSDK_OK);
    assert_string_equal(rep[0]->str, "OK");
    assert_string_equal(rep[1]->str, "QUEUED");
    assert_string_equal(rep[2]->str, "QUEUED");
    assert_int_equal(rep[3]->type, RSDK_REPLY_ARRAY);
    assert_int_equal(rep[3]->elements, 2);
    assert_int_equal(rep[3]->element[0].integer, 1);
    assert_int_equal(rep[4]->integer, 1);
    for (int i = 0; i < 5; i++) rsdk_reply_free(rep[i]);

    /* Across slots ("a" 15495, "b" 3300): refused, nothing runs. */
    rsdk_buf_clear(&b);
    const char *x1[] = {"INCR", "a"}, *x2[] = {"INCR", "b"};
    rsdk_write_command(&b, 1, multi, NULL);
    rsdk_write_command(&b, 2, x1, NULL);
    rsdk_write_command(&b, 2, x2, NULL);
    rsdk_write_command(&b, 1, exec, NULL);
    assert_int_equal(rsdk_cluster_send_encoded(cl, &b, 4, rep, &err), RSDK_OK);
    for (int i = 0; i < 4; i++) {
        assert_int_equal(rep[i]->type, RSDK_REPLY_ERROR);
        assert_non_null(strstr(rep[i]->str, "transaction across slots"));
        rsdk_reply_free(rep[i]);
    }
    rsdk_reply *r = NULL;
    assert_int_equal(rsdk_cluster_command(cl, &r, &err, "EXISTS", "a", "b", (const char *)NULL), RSDK_OK);
    assert_int_equal(r->integer, 0);
    rsdk_reply_free(r);

    /* Alone, MULTI would land on a connection the next call does not get. */
    assert_int_equal(rsdk_cluster_command(cl, &r, &err, "MULTI", (const char *)NULL), RSDK_ERR_INVALID_ARG);
    assert_non_null(strstr(err.message, "rsdk_cluster_acquire"));

    /* A borrowed connection to the slot's owner runs MULTI/EXEC itself. */
    rsdk_client *c = NULL;
    assert_int_equal(rsdk_cluster_acquire(cl, rsdk_cluster_keyslot("{tx}a", 5), &c, &err), RSDK_OK);
    assert_int_equal(rsdk_client_command(c, &r, "MULTI", (const char *)NULL), RSDK_OK);
    rsdk_reply_free(r);
    assert_int_equal(rsdk_client_command(c, &r, "INCR", "{tx}a", (const char *)NULL), RSDK_OK);
    rsdk_reply_free(r);
    assert_int_equal(rsdk_client_command(c, &r, "EXEC", (const char *)NULL), RSDK_OK);
    assert_int_equal(r->element[0].integer, 2);
    rsdk_reply_free(r);
    assert_int_equal(rsdk_cluster_release(cl, c), RSDK_OK);
    rsdk_buf_deinit(&b);
    rsdk_cluster_close(cl);
}

/* ---- allocation failures ------------------------------------------------ */

static void refresh_survives_every_allocation_failing(void **state) {
    RSDK_TEST_NEED_SERVER(state);
    rsdk_cluster *cl = ct_open(*state, 5000);
    rsdk_error err;
    rsdk_test_alloc_install();
    size_t nomem = 0, n;
    for (n = 1; n < 5000; n++) {
        rsdk_test_alloc_fail_nth(n);
        rsdk_status s = rsdk_cluster_refresh(cl, &err);
        size_t refused = rsdk_test_alloc_refused();
        rsdk_test_alloc_fail_nth(0);
        if (refused == 0) {
            assert_int_equal(s, RSDK_OK);
            break;
        }
        if (s != RSDK_OK) nomem++;
        /* Whatever failed, the map in use is whole. */
        assert_int_equal(ct_int(cl, "INCR", "alloc:counter", NULL), (long long)n);
    }
    rsdk_test_alloc_remove();
    printf("refresh: %zu allocations, each failed once (%zu refreshes failed)\n", n - 1, nomem);
    assert_true(n > 3);
    rsdk_cluster_close(cl);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(keyslot_matches_the_specification),
        cmocka_unit_test(keyslot_matches_a_plain_reference),
        cmocka_unit_test(every_core_command_routes_by_the_servers_slot),
        cmocka_unit_test(crossslot_is_refused_before_sending),
        cmocka_unit_test(mset_mget_del_split_per_slot_in_order),
        cmocka_unit_test(keyless_commands_fan_out_by_their_tips),
        cmocka_unit_test(pipeline_across_nodes_keeps_order_and_follows_moved),
        cmocka_unit_test(transactions_run_on_one_slot_and_are_refused_across_slots),
        cmocka_unit_test(refresh_survives_every_allocation_failing),
    };
    return cmocka_run_group_tests(tests, rsdk_test_cluster_group_setup, rsdk_test_cluster_group_teardown);
}
