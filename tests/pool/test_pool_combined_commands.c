/* One-shot commands (rsdk_pool_command) that find every connection out ride
 * in the write of another one-shot command (combine_commands, on by
 * default): each caller still gets its own reply, nothing is lost or run
 * twice, a deadline that passes inside a batch is that command's
 * RSDK_ERR_TIMEOUT, and a connection killed under a batch fails the written
 * commands without resending a write. Batches are made deterministic by
 * holding the pool's only connection until the callers are queued
 * (the pool's `waiting` count), never by sleeping. A batch written at the
 * hand-over may be left unread, its first caller asleep, for the next
 * one-shot command to read (the pool's unread_ms and unread_gap_us make
 * that happen on purpose here). */
#include "pool_state.h"
#include "tests/resilience/resil.h"

static bool is_conn_error(rsdk_status s) { return rsdk_err_class(s) == RSDK_CLASS_CONNECTION; }

/* How a test's pool differs from rs_pool_opts's. */
typedef struct setup {
    int max_size;
    int command_timeout_ms; /* 0: the default */
    bool no_retry;          /* a policy of one attempt: failures reach the callers */
    bool no_combine;
    rsdk_events *events;
} setup;

static rsdk_pool *open_pool(rsdk_test_server *srv, rsdk_client_opts *oc, setup su) {
    rsdk_pool_opts o;
    rs_pool_opts(srv, &o, oc, true);
    o.max_size = su.max_size;
    o.acquire_timeout_ms = -1;
    o.combine_commands = !su.no_combine;
    if (su.command_timeout_ms) oc->command_timeout_ms = su.command_timeout_ms;
    if (su.no_retry) rsdk_test_no_retry(oc);
    oc->events = su.events;
    return rs_pool_open(&o);
}

/* ---- many threads, exact counters ------------------------------------------ */

#define THREADS 8
#define ROUNDS 300

typedef struct counter {
    rsdk_pool *p;
    int id;
    const char *tag; /* keys of one run */
    pthread_t t;
    int wrong; /* replies that were not this thread's own */
    rsdk_status failed;
} counter;

static void *count_up(void *arg) {
    counter *c = arg;
    char key[32], want[32];
    snprintf(key, sizeof key, "cmb:count:%s:%d", c->tag, c->id);
    for (long i = 1; i <= ROUNDS; i++) {
        rsdk_reply *r = NULL;
        rsdk_status s = rsdk_pool_command(c->p, &r, NULL, "INCR", key, (const char *)NULL);
        if (s) {
            c->failed = s;
            return NULL;
        }
        if (r->type != RSDK_REPLY_INTEGER || r->integer != i) c->wrong++;
        rsdk_reply_free(r);
        s = rsdk_pool_command(c->p, &r, NULL, "GET", key, (const char *)NULL);
        if (s) {
            c->failed = s;
            return NULL;
        }
        snprintf(want, sizeof want, "%ld", i);
        if (r->type != RSDK_REPLY_STRING || strcmp(r->str, want) != 0) c->wrong++;
        rsdk_reply_free(r);
    }
    return NULL;
}

/* THREADS threads count on a pool of 2; with `unread`, batches are left
 * unread at the hand-over whenever the first's own wait ends soon enough,
 * so reads are taken over all the time. */
static void count_on_two(rsdk_test_server *srv, bool unread) {
    rsdk_client_opts oc;
    rsdk_pool *p = open_pool(srv, &oc, (setup){.max_size = 2});
    if (unread) {
        pthread_mutex_lock(&p->mu);
        p->unread_gap_us = 1000000000LL;
        pthread_mutex_unlock(&p->mu);
    }
    counter cs[THREADS];
    for (int i = 0; i < THREADS; i++) {
        cs[i] = (counter){.p = p, .id = i, .tag = unread ? "u" : "h"};
        assert_int_equal(pthread_create(&cs[i].t, NULL, count_up, &cs[i]), 0);
    }
    for (int i = 0; i < THREADS; i++) pthread_join(cs[i].t, NULL);
    rsdk_client *admin = rsdk_test_client(srv, 3, true);
    for (int i = 0; i < THREADS; i++) {
        assert_int_equal(cs[i].failed, RSDK_OK);
        assert_int_equal(cs[i].wrong, 0);
        char key[32];
        snprintf(key, sizeof key, "cmb:count:%s:%d", unread ? "u" : "h", i);
        assert_int_equal(live_get_int(admin, key), ROUNDS); /* nothing lost, nothing doubled */
    }
    rsdk_pool_stats st;
    rsdk_pool_stats_get(p, &st);
    assert_true(st.created <= 2);
    assert_int_equal(st.in_use, 0);
    assert_int_equal(st.waiting, 0);
    assert_true(st.combined > 0); /* 8 threads on 2 connections: some rode */
    assert_null(p->unread);
    rsdk_client_close(admin);
    rsdk_pool_free(p);
}

static void test_every_thread_gets_its_own_replies(void **state) {
    RSDK_TEST_NEED_SERVER(state);
    count_on_two(*state, false);
}

static void test_every_thread_gets_its_own_replies_reads_taken_over(void **state) {
    RSDK_TEST_NEED_SERVER(state);
    count_on_two(*state, true);
}

/* ---- one batch, built on purpose ---------------------------------------------- */

/* A thread with one command for the pool. */
typedef struct caller {
    rsdk_pool *p;
    const char *argv[4];
    size_t argc;
    pthread_t t;
    rsdk_status s;
    rsdk_error err;
    rsdk_reply *r;
} caller;

static void *call(void *arg) {
    caller *c = arg;
    c->s = rsdk_pool_command_argv(c->p, c->argc, c->argv, NULL, &c->r, &c->err);
    return NULL;
}

/* Starts the callers one at a time, each queued before the next starts, so
 * the queue holds them in this order. */
static void queue_callers(rsdk_pool *p, caller *cs, int n) {
    for (int i = 0; i < n; i++) {
        cs[i].p = p;
        cs[i].r = NULL;
        assert_int_equal(pthread_create(&cs[i].t, NULL, call, &cs[i]), 0);
        rs_pool_until_waiting(p, (size_t)i + 1);
    }
}

static void join_callers(caller *cs, int n) {
    for (int i = 0; i < n; i++) pthread_join(cs[i].t, NULL);
}

/* A pool of one connection held by the test while `cs` queue, then
 * released: every call must succeed. Returns stats.combined. */
static uint64_t combined_after_queue(rsdk_test_server *srv, setup su, caller *cs, int n) {
    rsdk_client_opts oc;
    rsdk_pool *p = open_pool(srv, &oc, su);
    rsdk_client *held = NULL;
    assert_int_equal(rsdk_pool_acquire(p, &held, NULL), RSDK_OK);
    queue_callers(p, cs, n);
    assert_int_equal(rsdk_pool_release(p, held), RSDK_OK);
    join_callers(cs, n);
    for (int i = 0; i < n; i++) {
        assert_int_equal(cs[i].s, RSDK_OK);
        rsdk_reply_free(cs[i].r);
    }
    rsdk_pool_stats st;
    rsdk_pool_stats_get(p, &st);
    rsdk_pool_free(p);
    return st.combined;
}

#define RIDERS 5

/* The connection released while one-shot commands wait goes to the first
 * of them, and the others ride in its write: one connection, every reply
 * its own caller's, one COMMAND_COMPLETED per command. */
static void test_queued_commands_ride_with_the_first(void **state) {
    RSDK_TEST_NEED_SERVER(state);
    rs_recorder rec;
    rs_recorder_init(&rec, RSDK_EVENT_MASK(RSDK_EVENT_COMMAND_COMPLETED));
    rsdk_client_opts oc;
    rsdk_pool *p = open_pool(*state, &oc, (setup){.max_size = 1, .events = rec.bus});
    rsdk_client *held = NULL;
    assert_int_equal(rsdk_pool_acquire(p, &held, NULL), RSDK_OK);
    caller cs[RIDERS];
    char keys[RIDERS][24];
    for (int i = 0; i < RIDERS; i++) {
        snprintf(keys[i], sizeof keys[i], "cmb:ride:%d", i);
        cs[i] = (caller){.argv = {"INCRBY", keys[i], i == 0 ? "100" : "7"}, .argc = 3};
        if (i == 2) cs[i] = (caller){.argv = {"ECHO", "middle"}, .argc = 2};
    }
    queue_callers(p, cs, RIDERS);
    rs_recorder_clear(&rec);
    assert_int_equal(rsdk_pool_release(p, held), RSDK_OK);
    join_callers(cs, RIDERS);
    for (int i = 0; i < RIDERS; i++) {
        assert_int_equal(cs[i].s, RSDK_OK);
        if (i == 2) {
            assert_string_equal(cs[i].r->str, "middle");
        } else {
            assert_int_equal(cs[i].r->type, RSDK_REPLY_INTEGER);
            assert_int_equal(cs[i].r->integer, i == 0 ? 100 : 7);
        }
        rsdk_reply_free(cs[i].r);
    }
    rsdk_pool_stats st;
    rsdk_pool_stats_get(p, &st);
    assert_int_equal(st.combined, RIDERS - 1); /* the first led, the rest rode */
    assert_int_equal(st.created, 1);
    assert_int_equal(st.idle, 1);
    assert_int_equal(st.discarded, 0);
    assert_int_equal(rs_recorder_count(&rec, RSDK_EVENT_COMMAND_COMPLETED), RIDERS);
    rs_event ev;
    assert_true(rs_recorder_nth(&rec, RSDK_EVENT_COMMAND_COMPLETED, 2, &ev));
    assert_string_equal(ev.text, "ECHO");
    rsdk_pool_free(p);
    rs_recorder_deinit(&rec);
}

/* A server error is its own command's: the others in the batch succeed. */
static void test_server_error_stays_with_its_command(void **state) {
    RSDK_TEST_NEED_SERVER(state);
    rsdk_client *admin = rsdk_test_client(*state, 3, true);
    CMD_DO(admin, "SET", "cmb:err:str", "text");
    rsdk_client_opts oc;
    rsdk_pool *p = open_pool(*state, &oc, (setup){.max_size = 1});
    rsdk_client *held = NULL;
    assert_int_equal(rsdk_pool_acquire(p, &held, NULL), RSDK_OK);
    caller cs[3] = {
        {.argv = {"INCR", "cmb:err:a"}, .argc = 2},
        {.argv = {"INCR", "cmb:err:str"}, .argc = 2}, /* not an integer */
        {.argv = {"INCR", "cmb:err:b"}, .argc = 2},
    };
    queue_callers(p, cs, 3);
    assert_int_equal(rsdk_pool_release(p, held), RSDK_OK);
    join_callers(cs, 3);
    assert_int_equal(cs[0].s, RSDK_OK);
    assert_int_equal(cs[0].r->integer, 1);
    assert_int_equal(cs[1].s, RSDK_ERR_RESPONSE);
    assert_null(cs[1].r);
    assert_non_null(strstr(cs[1].err.message, "not an integer"));
    assert_int_equal(cs[2].s, RSDK_OK);
    assert_int_equal(cs[2].r->integer, 1);
    rsdk_reply_free(cs[0].r);
    rsdk_reply_free(cs[2].r);
    rsdk_pool_stats st;
    rsdk_pool_stats_get(p, &st);
    assert_int_equal(st.combined, 2);
    assert_int_equal(st.discarded, 0);
    rsdk_client_close(admin);
    rsdk_pool_free(p);
}

/* Blocking commands and commands that leave session state never ride:
 * each waits for a connection of its own. */
static void test_blocking_and_stateful_commands_wait_their_turn(void **state) {
    RSDK_TEST_NEED_SERVER(state);
    caller cs[4] = {
        {.argv = {"PING"}, .argc = 1},
        {.argv = {"BLPOP", "cmb:nolist", "0.05"}, .argc = 3},
        {.argv = {"SELECT", "0"}, .argc = 2},
        {.argv = {"PING"}, .argc = 1},
    };
    /* The last PING rode with the first. */
    assert_int_equal(combined_after_queue(*state, (setup){.max_size = 1}, cs, 4), 1);
}

/* ---- deadlines and failures ------------------------------------------------- */

/* A deadline passes inside a batch: CLIENT PAUSE WRITE holds the INCR in
 * the middle (the GET before it is answered at once), its deadline passes
 * and it fails with RSDK_ERR_TIMEOUT; the GET behind it fails with a
 * connection error (the connection is closed under it, its late replies
 * never read) rather than wait. The connection is discarded. (A command
 * that keeps the server busy, DEBUG SLEEP, holds back the replies of the
 * whole batch: Redis writes a batch's replies when it has run it.) */
static void test_deadline_passes_inside_a_batch(void **state) {
    RSDK_TEST_NEED_SERVER(state);
    rsdk_client_opts oc;
    rsdk_pool *p = open_pool(*state, &oc, (setup){.max_size = 1, .command_timeout_ms = 400, .no_retry = true});
    rsdk_client *admin = rsdk_test_client(*state, 3, true);
    CMD_DO(admin, "SET", "cmb:dl:a", "first");
    rsdk_client *held = NULL;
    assert_int_equal(rsdk_pool_acquire(p, &held, NULL), RSDK_OK);
    caller cs[3] = {
        {.argv = {"GET", "cmb:dl:a"}, .argc = 2},
        {.argv = {"INCR", "cmb:dl:b"}, .argc = 2},
        {.argv = {"GET", "cmb:dl:a"}, .argc = 2},
    };
    queue_callers(p, cs, 3);
    CMD_DO(admin, "CLIENT", "PAUSE", "1500", "WRITE");
    assert_int_equal(rsdk_pool_release(p, held), RSDK_OK);
    join_callers(cs, 3);
    assert_int_equal(cs[0].s, RSDK_OK);
    assert_string_equal(cs[0].r->str, "first");
    rsdk_reply_free(cs[0].r);
    assert_int_equal(cs[1].s, RSDK_ERR_TIMEOUT);
    assert_null(cs[1].r);
    assert_true(is_conn_error(cs[2].s)); /* its own deadline, or the connection closed under it */
    assert_null(cs[2].r);
    assert_true(cs[2].err.message[0] != '\0');
    rsdk_pool_stats st;
    rsdk_pool_stats_get(p, &st);
    assert_int_equal(st.combined, 2);
    assert_int_equal(st.discarded, 1);
    CMD_DO(admin, "CLIENT", "UNPAUSE");
    assert_true(live_get_int(admin, "cmb:dl:b") <= 1); /* written once, never resent */
    rsdk_reply *r = NULL;
    assert_int_equal(rsdk_pool_command(p, &r, NULL, "GET", "cmb:dl:a", (const char *)NULL), RSDK_OK);
    assert_string_equal(r->str, "first");
    rsdk_reply_free(r);
    rsdk_client_close(admin);
    rsdk_pool_free(p);
}

/* The first of the line waited past its own deadline: it is not written
 * (it fails with RSDK_ERR_TIMEOUT, unsent) and does not take the command
 * riding with it down; that one, still in time, gets its reply on a
 * connection that stays in the pool. */
static void test_late_leader_is_left_out(void **state) {
    RSDK_TEST_NEED_SERVER(state);
    rsdk_client_opts oc;
    rsdk_pool *p = open_pool(*state, &oc, (setup){.max_size = 1, .command_timeout_ms = 400, .no_retry = true});
    rsdk_client *held = NULL;
    assert_int_equal(rsdk_pool_acquire(p, &held, NULL), RSDK_OK);
    caller cs[2] = {
        {.argv = {"INCR", "cmb:late:a"}, .argc = 2},
        {.argv = {"INCR", "cmb:late:b"}, .argc = 2},
    };
    queue_callers(p, cs, 1);
    rsdk_test_sleep_ms(300);
    cs[1].p = p;
    assert_int_equal(pthread_create(&cs[1].t, NULL, call, &cs[1]), 0);
    rs_pool_until_waiting(p, 2);
    rsdk_test_sleep_ms(200);     /* the first's 400 ms are over, not the second's */
    assert_int_equal(rsdk_pool_release(p, held), RSDK_OK);
    join_callers(cs, 2);
    assert_int_equal(cs[0].s, RSDK_ERR_TIMEOUT);
    assert_non_null(strstr(cs[0].err.message, "before its turn"));
    assert_int_equal(cs[1].s, RSDK_OK);
    assert_int_equal(cs[1].r->integer, 1);
    rsdk_reply_free(cs[1].r);
    rsdk_pool_stats st;
    rsdk_pool_stats_get(p, &st);
    assert_int_equal(st.discarded, 0);
    rsdk_client *admin = rsdk_test_client(*state, 3, true);
    assert_int_equal(live_get_int(admin, "cmb:late:a"), 0); /* never sent */
    rsdk_client_close(admin);
    rsdk_pool_free(p);
}

/* Kills connection `id` under a batch held behind CLIENT PAUSE WRITE:
 * cs[0] and cs[2] (writes that count up keys `a` and `b`) fail with a
 * connection error and are never sent again (the keys stay 0 after the
 * pause); cs[1], a read-only GET of "there", is retried by the default
 * policy on a new connection and succeeds. */
static void kill_under_batch(rsdk_client *admin, const char *id, caller *cs, const char *a, const char *b) {
    CMD_DO(admin, "CLIENT", "KILL", "ID", id);
    pthread_join(cs[0].t, NULL);
    pthread_join(cs[2].t, NULL);
    assert_true(is_conn_error(cs[0].s));
    assert_true(is_conn_error(cs[2].s));
    assert_null(cs[0].r);
    assert_null(cs[2].r);
    pthread_join(cs[1].t, NULL);
    assert_int_equal(cs[1].s, RSDK_OK); /* read-only: retried */
    assert_string_equal(cs[1].r->str, "there");
    rsdk_reply_free(cs[1].r);
    CMD_DO(admin, "CLIENT", "UNPAUSE");
    assert_int_equal(live_get_int(admin, a), 0);
    assert_int_equal(live_get_int(admin, b), 0);
}

/* The connection is killed while its batch waits behind CLIENT PAUSE: the
 * writes fail with a connection error and are not sent again (the counters
 * stay 0 after the pause); the read-only GET is retried by the default
 * policy on a new connection and succeeds. */
static void test_connection_killed_under_a_batch(void **state) {
    RSDK_TEST_NEED_SERVER(state);
    rsdk_client_opts oc;
    rsdk_pool *p = open_pool(*state, &oc, (setup){.max_size = 1}); /* the default retry policy */
    rsdk_client *held = NULL;
    assert_int_equal(rsdk_pool_acquire(p, &held, NULL), RSDK_OK);
    char id[24];
    snprintf(id, sizeof id, "%lld", live_client_id(held));
    caller cs[3] = {
        {.argv = {"INCR", "cmb:kill:a"}, .argc = 2},
        {.argv = {"GET", "cmb:kill:g"}, .argc = 2},
        {.argv = {"INCR", "cmb:kill:b"}, .argc = 2},
    };
    queue_callers(p, cs, 3);
    rsdk_client *admin = rsdk_test_client(*state, 3, true);
    CMD_DO(admin, "SET", "cmb:kill:g", "there");
    CMD_DO(admin, "CLIENT", "PAUSE", "5000", "WRITE");
    /* The release writes the batch before it wakes the first caller. */
    assert_int_equal(rsdk_pool_release(p, held), RSDK_OK);
    rsdk_test_sleep_ms(100); /* the server has read it and holds it */
    kill_under_batch(admin, id, cs, "cmb:kill:a", "cmb:kill:b");
    rsdk_pool_stats st;
    rsdk_pool_stats_get(p, &st);
    assert_int_equal(st.combined, 2);
    assert_true(st.discarded >= 1);
    assert_int_equal(st.in_use, 0);
    rsdk_client_close(admin);
    rsdk_pool_free(p);
}

/* ---- a batch left unread at the hand-over ------------------------------------ */

/* The pool leaves the batch written at the hand-over unread (its first
 * caller asleep) whenever it can: the first's own wait ends by itself
 * after `unread_ms`, and arrivals count as frequent whatever their gap. */
static rsdk_pool *open_unread_pool(rsdk_test_server *srv, setup su, int unread_ms, rs_recorder *rec) {
    rsdk_client_opts oc;
    if (rec) su.events = rec->bus;
    rsdk_pool *p = open_pool(srv, &oc, su);
    pthread_mutex_lock(&p->mu);
    p->unread_ms = unread_ms;
    p->unread_gap_us = 1000000000LL;
    pthread_mutex_unlock(&p->mu);
    return p;
}

static bool left_unread(rsdk_pool *p) {
    pthread_mutex_lock(&p->mu);
    bool u = p->unread != NULL;
    pthread_mutex_unlock(&p->mu);
    return u;
}

/* Joins the two callers of an INCRBY 100 and an INCRBY 7 (on new keys):
 * each got its own reply, within 5 s of t0 (-1: no matter when). */
static void join_two(caller *cs, long long t0) {
    join_callers(cs, 2);
    if (t0 >= 0) assert_true(rsdk_test_now_ms() - t0 < 5000);
    assert_int_equal(cs[0].s, RSDK_OK);
    assert_int_equal(cs[0].r->integer, 100);
    assert_int_equal(cs[1].s, RSDK_OK);
    assert_int_equal(cs[1].r->integer, 7);
    rsdk_reply_free(cs[0].r);
    rsdk_reply_free(cs[1].r);
}

/* Holds the pool's only connection while `cs` queue, releases it (the
 * batch is written and left unread) and says when. */
static long long queue_and_release(rsdk_pool *p, caller *cs, int n) {
    rsdk_client *held = NULL;
    assert_int_equal(rsdk_pool_acquire(p, &held, NULL), RSDK_OK);
    queue_callers(p, cs, n);
    assert_int_equal(rsdk_pool_release(p, held), RSDK_OK);
    assert_true(left_unread(p));
    return rsdk_test_now_ms();
}

/* The next one-shot command takes the read over: its own command goes
 * behind the batch, and it reads every reply. Each caller gets its own —
 * the first one too, woken with its reply in hand long before its own wait
 * would have ended (10 s) — and the connection is borrowed once by the
 * reader (POOL_ACQUIRE and POOL_RELEASE paired). */
static void test_next_command_takes_the_read_over(void **state) {
    RSDK_TEST_NEED_SERVER(state);
    rs_recorder rec;
    rs_recorder_init(&rec, RSDK_EVENT_MASK(RSDK_EVENT_POOL_ACQUIRE) | RSDK_EVENT_MASK(RSDK_EVENT_POOL_RELEASE));
    rsdk_pool *p = open_unread_pool(*state, (setup){.max_size = 1}, 10000, &rec);
    caller cs[2] = {
        {.argv = {"INCRBY", "cmb:tk:a", "100"}, .argc = 3},
        {.argv = {"INCRBY", "cmb:tk:b", "7"}, .argc = 3},
    };
    long long t0 = queue_and_release(p, cs, 2);
    rsdk_reply *r = NULL;
    assert_int_equal(rsdk_pool_command(p, &r, NULL, "INCR", "cmb:tk:c", (const char *)NULL), RSDK_OK);
    assert_int_equal(r->integer, 1);
    rsdk_reply_free(r);
    join_two(cs, t0);
    assert_false(left_unread(p));
    rsdk_pool_stats st;
    rsdk_pool_stats_get(p, &st);
    assert_int_equal(st.combined, 2); /* the second caller and the reader rode */
    assert_int_equal(st.created, 1);
    assert_int_equal(st.idle, 1);
    assert_int_equal(st.discarded, 0);
    assert_int_equal(rs_recorder_count(&rec, RSDK_EVENT_POOL_ACQUIRE), 2); /* the test's, the reader's */
    assert_int_equal(rs_recorder_count(&rec, RSDK_EVENT_POOL_RELEASE), 2);
    rsdk_pool_free(p);
    rs_recorder_deinit(&rec);
}

/* Nobody comes: the first caller's own wait ends and it reads its batch
 * itself. */
static void test_unread_batch_read_by_its_first_when_nobody_comes(void **state) {
    RSDK_TEST_NEED_SERVER(state);
    rsdk_pool *p = open_unread_pool(*state, (setup){.max_size = 1}, 50, NULL);
    caller cs[2] = {
        {.argv = {"INCRBY", "cmb:alone:a", "100"}, .argc = 3},
        {.argv = {"INCRBY", "cmb:alone:b", "7"}, .argc = 3},
    };
    long long t0 = queue_and_release(p, cs, 2);
    join_two(cs, t0);
    assert_false(left_unread(p));
    rsdk_pool_stats st;
    rsdk_pool_stats_get(p, &st);
    assert_int_equal(st.combined, 1);
    assert_int_equal(st.idle, 1);
    rsdk_pool_free(p);
}

/* An acquire (which takes no read over) wakes the first caller to read
 * its batch, then gets the connection when the batch is done. */
static void test_acquire_wakes_an_unread_batch(void **state) {
    RSDK_TEST_NEED_SERVER(state);
    rsdk_pool *p = open_unread_pool(*state, (setup){.max_size = 1}, 10000, NULL);
    caller cs[2] = {
        {.argv = {"INCRBY", "cmb:acq:a", "100"}, .argc = 3},
        {.argv = {"INCRBY", "cmb:acq:b", "7"}, .argc = 3},
    };
    long long t0 = queue_and_release(p, cs, 2);
    rsdk_client *c = NULL;
    assert_int_equal(rsdk_pool_acquire(p, &c, NULL), RSDK_OK);
    assert_true(rsdk_test_now_ms() - t0 < 5000);
    assert_false(left_unread(p));
    join_two(cs, -1);
    rsdk_reply *r = NULL;
    assert_int_equal(rsdk_client_command(c, &r, "GET", "cmb:acq:a", (const char *)NULL), RSDK_OK);
    assert_string_equal(r->str, "100");
    rsdk_reply_free(r);
    assert_int_equal(rsdk_pool_release(p, c), RSDK_OK);
    rsdk_pool_free(p);
}

/* The connection is killed under a batch whose read was taken over: every
 * write fails with a connection error and is never sent again (the
 * reader's own too); the read-only GET is retried and succeeds. */
static void test_connection_killed_under_a_taken_over_batch(void **state) {
    RSDK_TEST_NEED_SERVER(state);
    rsdk_pool *p = open_unread_pool(*state, (setup){.max_size = 1}, 10000, NULL);
    rsdk_client *held = NULL;
    assert_int_equal(rsdk_pool_acquire(p, &held, NULL), RSDK_OK);
    char id[24];
    snprintf(id, sizeof id, "%lld", live_client_id(held));
    caller cs[3] = {
        {.argv = {"INCR", "cmb:tkill:a"}, .argc = 2},
        {.argv = {"GET", "cmb:tkill:g"}, .argc = 2},
        {.argv = {"INCR", "cmb:tkill:c"}, .argc = 2}, /* the reader, started after the release */
    };
    queue_callers(p, cs, 2);
    rsdk_client *admin = rsdk_test_client(*state, 3, true);
    CMD_DO(admin, "SET", "cmb:tkill:g", "there");
    CMD_DO(admin, "CLIENT", "PAUSE", "5000", "WRITE");
    assert_int_equal(rsdk_pool_release(p, held), RSDK_OK);
    assert_true(left_unread(p));
    cs[2].p = p;
    assert_int_equal(pthread_create(&cs[2].t, NULL, call, &cs[2]), 0);
    for (int i = 0; i < 500 && left_unread(p); i++) rsdk_test_sleep_ms(2);
    assert_false(left_unread(p)); /* taken over */
    rsdk_test_sleep_ms(100);      /* the server has read it all and holds it */
    kill_under_batch(admin, id, cs, "cmb:tkill:a", "cmb:tkill:c");
    rsdk_pool_stats st;
    rsdk_pool_stats_get(p, &st);
    assert_true(st.discarded >= 1);
    assert_int_equal(st.in_use, 0);
    rsdk_client_close(admin);
    rsdk_pool_free(p);
}

/* The first caller's deadline passes while another thread reads its
 * batch: it fails with RSDK_ERR_TIMEOUT (written once, never resent), the
 * commands behind it with a connection error, and the connection is
 * discarded. */
static void test_deadline_passes_in_a_taken_over_batch(void **state) {
    RSDK_TEST_NEED_SERVER(state);
    rsdk_pool *p = open_unread_pool(*state, (setup){.max_size = 1, .command_timeout_ms = 400, .no_retry = true},
                                    10000, NULL);
    caller cs[3] = {
        {.argv = {"INCR", "cmb:tdl:a"}, .argc = 2},
        {.argv = {"INCR", "cmb:tdl:b"}, .argc = 2},
        {.argv = {"INCR", "cmb:tdl:c"}, .argc = 2}, /* the reader */
    };
    rsdk_client *admin = rsdk_test_client(*state, 3, true);
    rsdk_client *held = NULL;
    assert_int_equal(rsdk_pool_acquire(p, &held, NULL), RSDK_OK);
    queue_callers(p, cs, 2);
    CMD_DO(admin, "CLIENT", "PAUSE", "1500", "WRITE");
    assert_int_equal(rsdk_pool_release(p, held), RSDK_OK);
    assert_true(left_unread(p));
    cs[2].p = p;
    assert_int_equal(pthread_create(&cs[2].t, NULL, call, &cs[2]), 0);
    join_callers(cs, 3);
    assert_int_equal(cs[0].s, RSDK_ERR_TIMEOUT);
    assert_null(cs[0].r);
    assert_true(is_conn_error(cs[1].s));
    assert_true(is_conn_error(cs[2].s));
    assert_null(cs[1].r);
    assert_null(cs[2].r);
    rsdk_pool_stats st;
    rsdk_pool_stats_get(p, &st);
    assert_int_equal(st.discarded, 1);
    assert_int_equal(st.in_use, 0);
    CMD_DO(admin, "CLIENT", "UNPAUSE");
    assert_true(live_get_int(admin, "cmb:tdl:a") <= 1); /* written once */
    assert_true(live_get_int(admin, "cmb:tdl:c") <= 1);
    rsdk_client_close(admin);
    rsdk_pool_free(p);
}

/* combine_commands off: the same queue is served one connection turn at a
 * time, nothing rides. */
static void test_combining_can_be_turned_off(void **state) {
    RSDK_TEST_NEED_SERVER(state);
    caller cs[3] = {
        {.argv = {"PING"}, .argc = 1},
        {.argv = {"PING"}, .argc = 1},
        {.argv = {"PING"}, .argc = 1},
    };
    assert_int_equal(combined_after_queue(*state, (setup){.max_size = 1, .no_combine = true}, cs, 3), 0);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_every_thread_gets_its_own_replies),
        cmocka_unit_test(test_every_thread_gets_its_own_replies_reads_taken_over),
        cmocka_unit_test(test_queued_commands_ride_with_the_first),
        cmocka_unit_test(test_server_error_stays_with_its_command),
        cmocka_unit_test(test_blocking_and_stateful_commands_wait_their_turn),
        cmocka_unit_test(test_deadline_passes_inside_a_batch),
        cmocka_unit_test(test_late_leader_is_left_out),
        cmocka_unit_test(test_connection_killed_under_a_batch),
        cmocka_unit_test(test_combining_can_be_turned_off),
        cmocka_unit_test(test_next_command_takes_the_read_over),
        cmocka_unit_test(test_unread_batch_read_by_its_first_when_nobody_comes),
        cmocka_unit_test(test_acquire_wakes_an_unread_batch),
        cmocka_unit_test(test_connection_killed_under_a_taken_over_batch),
        cmocka_unit_test(test_deadline_passes_in_a_taken_over_batch),
    };
    return cmocka_run_group_tests(tests, rsdk_test_server_group_setup, rsdk_test_server_group_teardown);
}
