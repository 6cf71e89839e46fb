/* Pub/sub on the async cluster (rsdk/async_cluster.h) against a live
 * 6-node cluster, on the built-in loop, over RESP3 and RESP2 node
 * connections: shard channels in slots of all three primaries each
 * deliver every message once, unsubscribing stops them, classic channels
 * and patterns work on one node, a channel whose slot is migrated is
 * subscribed again on the new owner (the server's own SUNSUBSCRIBE) and
 * so is one whose primary is killed (the promoted replica), bad input is
 * refused before anything is sent, and a free with calls pending gives
 * each `done` RSDK_ERR_CLOSED once. */
#include "cluster_test.h"
#include "rsdk/async_cluster.h"
#include "rsdk/loop.h"

#define NCHAN 30

/* What the message callback saw. */
typedef struct inbox {
    int count[NCHAN]; /* per "ch:<i>" */
    int total;
    int kinds[4];     /* per rsdk_pubsub_kind */
    char last[64];    /* the last payload */
} inbox;

typedef struct env {
    rsdk_test_cluster *tc;
    rsdk_cluster *cl;
    rsdk_loop *loop;
    rsdk_async_cluster *ac;
    inbox in;
    rsdk_events *events;
    _Atomic int disconnects; /* of any node connection */
} env;

static rsdk_status attach(rsdk_async *node, void *ud) { return rsdk_async_attach_loop(node, ud); }

static void on_message(rsdk_async_cluster *ac, const rsdk_pubsub_msg *m, void *ud) {
    (void)ac;
    inbox *in = ud;
    in->total++;
    in->kinds[m->kind]++;
    snprintf(in->last, sizeof in->last, "%.*s", (int)m->payload.len, m->payload.ptr);
    if (m->channel.len > 3 && memcmp(m->channel.ptr, "ch:", 3) == 0) {
        int k = atoi(m->channel.ptr + 3);
        if (k >= 0 && k < NCHAN) in->count[k]++;
    }
}

static void count_disconnect(const rsdk_event *ev, void *ud) {
    (void)ev;
    _Atomic int *n = ud;
    (*n)++;
}

/* The handles, the node connections speaking `protocol`. */
static void open_env(env *e, void **state, int protocol) {
    memset(e, 0, sizeof *e);
    e->tc = *state;
    assert_int_equal(rsdk_events_new(&e->events), RSDK_OK);
    assert_int_equal(rsdk_events_subscribe(e->events, RSDK_EVENT_MASK(RSDK_EVENT_DISCONNECTED),
                                           count_disconnect, &e->disconnects, NULL),
                     RSDK_OK);
    if (protocol == 3) {
        e->cl = ct_open_full(e->tc, 5000, RSDK_READ_PRIMARY, e->events);
    } else { /* a handle whose node template asks for RESP2 */
        static const char *seeds[1];
        static rsdk_command_table tables[1];
        seeds[0] = e->tc->seed;
        tables[0] = (rsdk_command_table){rcore_commands, rcore_commands_count};
        rsdk_client_opts co;
        rsdk_client_opts_init(&co);
        co.protocol = 2;
        co.events = e->events;
        rsdk_cluster_opts o;
        rsdk_cluster_opts_init(&o);
        o.seeds = seeds, o.nseeds = 1, o.client = &co, o.tables = tables, o.ntables = 1;
        rsdk_error err;
        assert_int_equal(rsdk_cluster_open(&o, &e->cl, &err), RSDK_OK);
    }
    assert_int_equal(rsdk_loop_new(&e->loop), RSDK_OK);
    rsdk_async_cluster_opts o;
    rsdk_async_cluster_opts_init(&o);
    o.cluster = e->cl;
    o.attach = attach;
    o.attach_ud = e->loop;
    rsdk_error err;
    assert_int_equal(rsdk_async_cluster_new(&o, &e->ac, &err), RSDK_OK);
    rsdk_async_cluster_on_message(e->ac, on_message, &e->in);
}

static void close_env(env *e) {
    rsdk_async_cluster_free(e->ac);
    rsdk_loop_run_once(e->loop, 0);
    rsdk_loop_free(e->loop);
    rsdk_cluster_close(e->cl);
    rsdk_events_free(e->events);
}

/* What one `done` saw. */
typedef struct seen {
    int calls;
    rsdk_status err;
    char why[256];
} seen;

static void record(rsdk_async_cluster *ac, rsdk_reply *r, const rsdk_error *err, void *ud) {
    (void)ac;
    (void)r;
    seen *s = ud;
    s->calls++;
    s->err = err ? err->code : RSDK_OK;
    if (err) snprintf(s->why, sizeof s->why, "%s", err->message);
}

/* Runs the loop until nothing is pending (at most 20 s). */
static void drain(env *e) {
    for (int i = 0; i < 2000 && rsdk_async_cluster_pending(e->ac) > 0; i++)
        assert_int_equal(rsdk_loop_run_once(e->loop, 10), RSDK_OK);
    assert_int_equal(rsdk_async_cluster_pending(e->ac), 0);
}

/* Runs the loop until `in->total` reaches `want` (at most `ms`). */
static void wait_total(env *e, int want, long long ms) {
    long long t0 = rsdk_test_now_ms();
    while (e->in.total < want && rsdk_test_now_ms() - t0 < ms)
        assert_int_equal(rsdk_loop_run_once(e->loop, 10), RSDK_OK);
    if (e->in.total < want) fail_msg("%d messages of %d in %lld ms", e->in.total, want, ms);
}

static long long spublish(env *e, const char *ch, const char *msg) {
    return ct_int(e->cl, "SPUBLISH", ch, msg);
}

/* SPUBLISHes `payload` on `ch` until it arrives (at most `ms`), the loop
 * running between; the time it took, or -1. */
static long long publish_until_received(env *e, const char *ch, const char *payload, long long ms) {
    long long t0 = rsdk_test_now_ms();
    while (rsdk_test_now_ms() - t0 < ms) {
        rsdk_reply *r = NULL;
        rsdk_error err;
        if (rsdk_cluster_command(e->cl, &r, &err, "SPUBLISH", ch, payload, (const char *)NULL) == RSDK_OK)
            rsdk_reply_free(r);
        for (int i = 0; i < 10; i++) {
            assert_int_equal(rsdk_loop_run_once(e->loop, 10), RSDK_OK);
            if (strcmp(e->in.last, payload) == 0) return rsdk_test_now_ms() - t0;
        }
    }
    return -1;
}

static rsdk_async_cluster_pubsub_stats stats(env *e) {
    rsdk_async_cluster_pubsub_stats st;
    rsdk_async_cluster_pubsub_stats_get(e->ac, &st);
    return st;
}

static void shard_channels_over(void **state, int protocol) {
    env e;
    open_env(&e, state, protocol);
    char name[NCHAN][16];
    rsdk_str names[NCHAN];
    bool primary[RSDK_TEST_CLUSTER_NODES] = {false};
    for (int i = 0; i < NCHAN; i++) {
        snprintf(name[i], sizeof name[i], "ch:%d", i);
        names[i] = rsdk_str_c(name[i]);
        primary[ct_owner_node(e.tc, e.cl, rsdk_cluster_keyslot(name[i], strlen(name[i])))] = true;
    }
    int nprimaries = 0;
    for (int i = 0; i < RSDK_TEST_CLUSTER_NODES; i++) nprimaries += primary[i];
    assert_int_equal(nprimaries, 3); /* the names' slots are on every primary */
    seen sub = {0}, again = {0};
    assert_int_equal(rsdk_async_cluster_ssubscribe(e.ac, names, NCHAN, record, &sub), RSDK_OK);
    assert_int_equal(rsdk_async_cluster_ssubscribe(e.ac, names, 2, record, &again), RSDK_OK);
    assert_int_equal(rsdk_async_cluster_pending(e.ac), 2);
    drain(&e);
    assert_int_equal(sub.calls, 1);
    if (sub.err) fail_msg("ssubscribe: %s", sub.why);
    assert_int_equal(again.calls, 1);
    assert_int_equal(again.err, RSDK_OK);
    rsdk_async_cluster_pubsub_stats st = stats(&e);
    assert_int_equal(st.subscribers, 3);
    assert_int_equal(st.shard_channels, NCHAN);
    for (int i = 0; i < NCHAN; i++) assert_int_equal(spublish(&e, name[i], name[i]), 1);
    wait_total(&e, NCHAN, 5000);
    for (int i = 0; i < 20; i++) rsdk_loop_run_once(e.loop, 5); /* nothing more comes */
    assert_int_equal(e.in.total, NCHAN);
    assert_int_equal(e.in.kinds[RSDK_PUBSUB_SMESSAGE], NCHAN);
    for (int i = 0; i < NCHAN; i++) assert_int_equal(e.in.count[i], 1);

    /* Unsubscribed channels deliver nothing more; idle subscribers go. */
    seen unsub = {0};
    assert_int_equal(rsdk_async_cluster_sunsubscribe(e.ac, names, NCHAN, record, &unsub), RSDK_OK);
    drain(&e);
    assert_int_equal(unsub.calls, 1);
    assert_int_equal(unsub.err, RSDK_OK);
    for (int i = 0; i < NCHAN; i++) assert_int_equal(spublish(&e, name[i], "late"), 0);
    st = stats(&e);
    assert_int_equal(st.shard_channels, 0);
    assert_int_equal(st.subscribers, 0);
    assert_int_equal(st.messages, NCHAN);

    /* Classic channels and patterns: on one node, from any node's publisher. */
    rsdk_str news = rsdk_str_c("news"), pat = rsdk_str_c("ne*");
    seen c1 = {0}, c2 = {0};
    assert_int_equal(rsdk_async_cluster_subscribe(e.ac, RSDK_PUBSUB_MESSAGE, &news, 1, record, &c1), RSDK_OK);
    assert_int_equal(rsdk_async_cluster_subscribe(e.ac, RSDK_PUBSUB_PMESSAGE, &pat, 1, record, &c2), RSDK_OK);
    drain(&e);
    assert_int_equal(c1.err, RSDK_OK);
    assert_int_equal(c2.err, RSDK_OK);
    assert_int_equal(stats(&e).subscribers, 1);
    rsdk_client *other = rsdk_test_cluster_client(e.tc, 5);
    rsdk_reply *r = NULL;
    assert_int_equal(rsdk_client_command(other, &r, "PUBLISH", "news", "hello", (const char *)NULL), RSDK_OK);
    rsdk_reply_free(r);
    wait_total(&e, NCHAN + 2, 5000);
    assert_int_equal(e.in.kinds[RSDK_PUBSUB_MESSAGE], 1);
    assert_int_equal(e.in.kinds[RSDK_PUBSUB_PMESSAGE], 1);
    seen u1 = {0}, u2 = {0};
    assert_int_equal(rsdk_async_cluster_unsubscribe(e.ac, RSDK_PUBSUB_MESSAGE, &news, 1, record, &u1), RSDK_OK);
    assert_int_equal(rsdk_async_cluster_unsubscribe(e.ac, RSDK_PUBSUB_PMESSAGE, &pat, 1, record, &u2), RSDK_OK);
    drain(&e);
    assert_int_equal(u1.calls + u2.calls, 2);
    assert_int_equal(rsdk_client_command(other, &r, "PUBLISH", "news", "bye", (const char *)NULL), RSDK_OK);
    assert_int_equal(r->integer, 0);
    rsdk_reply_free(r);
    rsdk_client_close(other);
    close_env(&e);
}

static void shard_channels_reach_their_owners(void **state) {
    RSDK_TEST_NEED_SERVER(state);
    shard_channels_over(state, 3);
}

static void shard_channels_over_resp2(void **state) {
    RSDK_TEST_NEED_SERVER(state);
    shard_channels_over(state, 2);
}

/* Subscribes shard channel `ch` and waits for the confirmation. */
static rsdk_str subscribe_one(env *e, const char *ch) {
    rsdk_str name = rsdk_str_c(ch);
    seen sub = {0};
    assert_int_equal(rsdk_async_cluster_ssubscribe(e->ac, &name, 1, record, &sub), RSDK_OK);
    drain(e);
    assert_int_equal(sub.calls, 1);
    assert_int_equal(sub.err, RSDK_OK);
    return name;
}

/* Harness index of a primary other than `a`. */
static int other_primary(env *e, int a) {
    for (unsigned s = 0; s < 16384; s += 101) {
        int n = ct_owner_node(e->tc, e->cl, s);
        if (n != a) return n;
    }
    return -1;
}

static void a_migrated_slot_moves_its_channel(void **state) {
    RSDK_TEST_NEED_SERVER(state);
    for (int protocol = 3; protocol >= 2; protocol--) {
        env e;
        open_env(&e, state, protocol);
        const char *ch = "{amv}orders";
        rsdk_str name = subscribe_one(&e, ch);
        unsigned slot = rsdk_cluster_keyslot("amv", 3);
        int a = ct_owner_node(e.tc, e.cl, slot), b = other_primary(&e, a);
        assert_true(a >= 0 && b >= 0);
        assert_true(publish_until_received(&e, ch, "before", 5000) >= 0);

        ct_migrate_slot(e.tc, slot, a, b);
        long long took = publish_until_received(&e, ch, "after", 10000);
        assert_true(took >= 0);
        print_message("RESP%d: channel moved and delivering after %lld ms\n", protocol, took);
        rsdk_async_cluster_pubsub_stats st = stats(&e);
        assert_int_equal(st.moves, 1);
        assert_int_equal(st.shard_channels, 1);
        assert_int_equal(st.subscribers, 1); /* the old owner's went idle */
        assert_int_equal(e.disconnects, 0);  /* moved by the push, not by a broken connection */
        assert_int_equal(ct_owner_node(e.tc, e.cl, slot), b);
        ct_migrate_slot(e.tc, slot, b, a); /* and back, with the channel */
        assert_true(publish_until_received(&e, ch, "home", 10000) >= 0);
        assert_int_equal(stats(&e).moves, 2);

        /* Unsubscribed after its moves: nothing more arrives. */
        seen unsub = {0};
        assert_int_equal(rsdk_async_cluster_sunsubscribe(e.ac, &name, 1, record, &unsub), RSDK_OK);
        drain(&e);
        assert_int_equal(unsub.err, RSDK_OK);
        assert_int_equal(spublish(&e, ch, "gone"), 0);
        close_env(&e);
    }
}

/* A publish's reply: the number of subscribers that got it. */
typedef struct published {
    int calls, failed;
    long long receivers;
} published;

static void on_published(rsdk_async_cluster *ac, rsdk_reply *r, const rsdk_error *err, void *ud) {
    (void)ac;
    published *p = ud;
    p->calls++;
    if (err || r == NULL || r->type != RSDK_REPLY_INTEGER) p->failed++;
    else p->receivers += r->integer;
}

/* SPUBLISH through the async handle goes to the owner of its shard
 * channel's slot (no MOVED on the way; each reaches its one subscriber),
 * PUBLISH to any node; both as commands, with their replies. */
static void publishing_through_the_handle(void **state) {
    RSDK_TEST_NEED_SERVER(state);
    env e;
    open_env(&e, state, 3);
    char name[NCHAN][16];
    rsdk_str names[NCHAN];
    for (int i = 0; i < NCHAN; i++) {
        snprintf(name[i], sizeof name[i], "ch:%d", i);
        names[i] = rsdk_str_c(name[i]);
    }
    seen sub = {0};
    assert_int_equal(rsdk_async_cluster_ssubscribe(e.ac, names, NCHAN, record, &sub), RSDK_OK);
    rsdk_str news = rsdk_str_c("news");
    assert_int_equal(rsdk_async_cluster_subscribe(e.ac, RSDK_PUBSUB_MESSAGE, &news, 1, record, &sub), RSDK_OK);
    drain(&e);
    assert_int_equal(sub.err, RSDK_OK);
    rsdk_cluster_stats st0, st1;
    rsdk_cluster_stats_get(e.cl, &st0);
    published pub = {0};
    for (int i = 0; i < NCHAN; i++) {
        const char *argv[] = {"SPUBLISH", name[i], name[i]};
        assert_int_equal(rsdk_async_cluster_command_argv(e.ac, 3, argv, NULL, on_published, &pub), RSDK_OK);
    }
    const char *argv[] = {"PUBLISH", "news", "hello"};
    assert_int_equal(rsdk_async_cluster_command_argv(e.ac, 3, argv, NULL, on_published, &pub), RSDK_OK);
    drain(&e);
    rsdk_cluster_stats_get(e.cl, &st1);
    assert_int_equal(pub.calls, NCHAN + 1);
    assert_int_equal(pub.failed, 0);
    assert_int_equal(st1.moved, st0.moved);
    /* Each shard channel's one subscriber; PUBLISH counts the subscribers
     * of the node it reached (the classic subscriber may be elsewhere). */
    assert_true(pub.receivers >= NCHAN && pub.receivers <= NCHAN + 1);
    wait_total(&e, NCHAN + 1, 5000);
    for (int i = 0; i < NCHAN; i++) assert_int_equal(e.in.count[i], 1);
    assert_int_equal(e.in.kinds[RSDK_PUBSUB_MESSAGE], 1);
    close_env(&e);
}

static void bad_input_is_refused(void **state) {
    RSDK_TEST_NEED_SERVER(state);
    env e;
    open_env(&e, state, 3);
    seen s = {0};
    rsdk_str ok = rsdk_str_c("ch:1"), null_name = {NULL, 3}, empty = {"", 0};
    assert_int_equal(rsdk_async_cluster_ssubscribe(NULL, &ok, 1, record, &s), RSDK_ERR_INVALID_ARG);
    assert_int_equal(rsdk_async_cluster_ssubscribe(e.ac, &ok, 0, record, &s), RSDK_ERR_INVALID_ARG);
    assert_non_null(strstr(rsdk_async_cluster_error(e.ac)->message, "at least one name"));
    assert_int_equal(rsdk_async_cluster_ssubscribe(e.ac, NULL, 1, record, &s), RSDK_ERR_INVALID_ARG);
    assert_int_equal(rsdk_async_cluster_sunsubscribe(e.ac, NULL, 0, record, &s), RSDK_ERR_INVALID_ARG);
    assert_int_equal(rsdk_async_cluster_ssubscribe(e.ac, &null_name, 1, record, &s), RSDK_ERR_INVALID_ARG);
    assert_non_null(strstr(rsdk_async_cluster_error(e.ac)->message, "NULL or empty"));
    rsdk_str two[2] = {ok, empty};
    assert_int_equal(rsdk_async_cluster_ssubscribe(e.ac, two, 2, record, &s), RSDK_ERR_INVALID_ARG);
    assert_non_null(strstr(rsdk_async_cluster_error(e.ac)->message, "name 1"));
    assert_int_equal(rsdk_async_cluster_subscribe(e.ac, (rsdk_pubsub_kind)0, &ok, 1, record, &s),
                     RSDK_ERR_INVALID_ARG);
    assert_int_equal(rsdk_async_cluster_unsubscribe(e.ac, (rsdk_pubsub_kind)9, &ok, 1, record, &s),
                     RSDK_ERR_INVALID_ARG);
    assert_int_equal(rsdk_async_cluster_subscribe(e.ac, RSDK_PUBSUB_PMESSAGE, &empty, 1, record, &s),
                     RSDK_ERR_INVALID_ARG);
    /* Pub/sub commands given as commands point at the calls above. */
    const char *ssub[] = {"SSUBSCRIBE", "ch:1"};
    assert_int_equal(rsdk_async_cluster_command_argv(e.ac, 2, ssub, NULL, NULL, NULL), RSDK_ERR_INVALID_ARG);
    assert_non_null(strstr(rsdk_async_cluster_error(e.ac)->message, "rsdk_async_cluster_ssubscribe"));
    assert_int_equal(rsdk_async_cluster_pending(e.ac), 0);
    rsdk_loop_run_once(e.loop, 20);
    assert_int_equal(s.calls, 0); /* no callback for a refused call */
    rsdk_async_cluster_pubsub_stats st = stats(&e);
    assert_int_equal(st.subscribers, 0); /* nothing was opened */
    assert_int_equal(st.shard_channels, 0);
    rsdk_async_cluster_pubsub_stats_get(NULL, &st);
    assert_int_equal(st.messages, 0);
    close_env(&e);
}

/* A `done` that subscribes again: refused while the handle is freed. */
static void resubscribe(rsdk_async_cluster *ac, rsdk_reply *r, const rsdk_error *err, void *ud) {
    record(ac, r, err, ud);
    rsdk_str ch = rsdk_str_c("ch:again");
    seen *s = ud;
    s->err = rsdk_async_cluster_ssubscribe(ac, &ch, 1, record, NULL) == RSDK_ERR_CLOSED ? err->code
                                                                                       : RSDK_OK;
}

static void free_with_subscriptions_pending(void **state) {
    RSDK_TEST_NEED_SERVER(state);
    char name[NCHAN][16];
    rsdk_str names[NCHAN];
    for (int i = 0; i < NCHAN; i++) {
        snprintf(name[i], sizeof name[i], "ch:%d", i);
        names[i] = rsdk_str_c(name[i]);
    }
    rsdk_str news = rsdk_str_c("news");
    /* Never run: every `done` is called once, with RSDK_ERR_CLOSED. */
    env e;
    open_env(&e, state, 3);
    seen a = {0}, b = {0}, c = {0};
    assert_int_equal(rsdk_async_cluster_ssubscribe(e.ac, names, NCHAN, record, &a), RSDK_OK);
    assert_int_equal(rsdk_async_cluster_sunsubscribe(e.ac, names, 3, record, &b), RSDK_OK);
    assert_int_equal(rsdk_async_cluster_subscribe(e.ac, RSDK_PUBSUB_MESSAGE, &news, 1, resubscribe, &c),
                     RSDK_OK);
    assert_int_equal(rsdk_async_cluster_pending(e.ac), 3);
    close_env(&e);
    assert_int_equal(a.calls, 1);
    assert_int_equal(a.err, RSDK_ERR_CLOSED);
    assert_int_equal(b.calls, 1);
    assert_int_equal(b.err, RSDK_ERR_CLOSED);
    assert_int_equal(c.calls, 1);
    assert_int_equal(c.err, RSDK_ERR_CLOSED);
    /* Subscribed and receiving, then freed: nothing is left behind. */
    open_env(&e, state, 3);
    seen d = {0};
    assert_int_equal(rsdk_async_cluster_ssubscribe(e.ac, names, NCHAN, record, &d), RSDK_OK);
    drain(&e);
    assert_int_equal(d.err, RSDK_OK);
    assert_int_equal(spublish(&e, name[0], "x"), 1);
    wait_total(&e, 1, 5000);
    close_env(&e);
    assert_int_equal(d.calls, 1);
}

/* The primary of a channel's slot is killed: its replica is promoted and
 * the channel moves to it. Last in the binary: the cluster stays a node
 * short. */
static void a_failed_primary_moves_its_channel(void **state) {
    RSDK_TEST_NEED_SERVER(state);
    env e;
    open_env(&e, state, 3);
    const char *ch = "{afo}alerts";
    subscribe_one(&e, ch);
    assert_true(publish_until_received(&e, ch, "up", 5000) >= 0);
    int victim = ct_owner_node(e.tc, e.cl, rsdk_cluster_keyslot("afo", 3));
    assert_true(victim >= 0);
    rsdk_test_server_kill(&e.tc->node[victim]);
    long long took = publish_until_received(&e, ch, "after-failover", 30000);
    assert_true(took >= 0);
    print_message("failover: node %d killed; its shard channel delivered again after %lld ms\n",
                  victim, took);
    assert_true(ct_owner_node(e.tc, e.cl, rsdk_cluster_keyslot("afo", 3)) != victim);
    rsdk_async_cluster_pubsub_stats st = stats(&e);
    assert_int_equal(st.moves, 1);
    assert_int_equal(st.subscribers, 1); /* the dead node's subscriber was freed */
    close_env(&e);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(bad_input_is_refused),
        cmocka_unit_test(shard_channels_reach_their_owners),
        cmocka_unit_test(shard_channels_over_resp2),
        cmocka_unit_test(publishing_through_the_handle),
        cmocka_unit_test(free_with_subscriptions_pending),
        cmocka_unit_test(a_migrated_slot_moves_its_channel),
        cmocka_unit_test(a_failed_primary_moves_its_channel),
    };
    return cmocka_run_group_tests(tests, rsdk_test_cluster_group_setup, rsdk_test_cluster_group_teardown);
}
