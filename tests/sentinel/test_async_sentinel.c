/* A Sentinel-managed primary on an event loop (rsdk/async_sentinel.h),
 * on the built-in loop against the harness's primary, replica and three
 * sentinels: commands and generated typed calls reach the primary, bad
 * input gets a clear status, and SENTINEL FAILOVER under steady INCR load
 * is followed: the handle moves to the promoted replica, prints how long
 * the writes stopped, fails commands only with documented errors, and
 * runs no INCR twice. */
#include "rsdk/async_sentinel.h"
#include "rsdk/core.h"
#include "sentinel_test.h"

typedef struct env {
    sh_deploy *d;
    rsdk_sentinel *s;
    rsdk_loop *loop;
    rsdk_async_sentinel *as;
} env;

static rsdk_status attach(rsdk_async *a, void *loop) { return rsdk_async_attach_loop(a, loop); }

static env open_env(void **state) {
    env e = {.d = *state};
    e.s = st_open(e.d, 5000, true);
    assert_int_equal(rsdk_loop_new(&e.loop), RSDK_OK);
    rsdk_async_sentinel_opts o;
    rsdk_async_sentinel_opts_init(&o);
    o.sentinel = e.s;
    o.attach = attach;
    o.attach_ud = e.loop;
    rsdk_error err;
    rsdk_status st = rsdk_async_sentinel_new(&o, &e.as, &err);
    if (st != RSDK_OK) fail_msg("async sentinel: %s: %s", rsdk_status_name(st), err.message);
    return e;
}

static void close_env(env *e) {
    rsdk_async_sentinel_free(e->as);
    rsdk_loop_run_once(e->loop, 0);
    rsdk_loop_free(e->loop);
    rsdk_sentinel_close(e->s);
}

static void drain(env *e) {
    for (int i = 0; i < 1000 && rsdk_async_sentinel_pending(e->as) > 0; i++)
        assert_int_equal(rsdk_loop_run_once(e->loop, 10), RSDK_OK);
    assert_int_equal(rsdk_async_sentinel_pending(e->as), 0);
}

typedef struct seen {
    int calls;
    rsdk_status err;
    char str[64];
    long long integer;
} seen;

static void record(rsdk_async *a, rsdk_reply *r, const rsdk_error *err, void *ud) {
    (void)a;
    seen *s = ud;
    s->calls++;
    s->err = err ? err->code : RSDK_OK;
    if (r == NULL) return;
    s->integer = r->integer;
    if (r->type == RSDK_REPLY_ARRAY && r->elements > 0) snprintf(s->str, sizeof s->str, "%s", r->element[0].str);
    else if (r->str) snprintf(s->str, sizeof s->str, "%.*s", (int)r->len, r->str);
}

static void on_incr(rsdk_async *a, rsdk_status st, int64_t v, const rsdk_error *err, void *ud) {
    (void)a;
    (void)err;
    seen *s = ud;
    s->calls++;
    s->err = st;
    s->integer = v;
}

static void commands_and_typed_calls_reach_the_primary(void **state) {
    RSDK_TEST_NEED_SERVER(state);
    env e = open_env(state);
    seen set = {0}, get = {0}, role = {0}, typed = {0};
    assert_int_equal(rsdk_async_sentinel_command(e.as, record, &set, "SET", "as:k", "v1", (const char *)NULL), RSDK_OK);
    assert_int_equal(rsdk_async_sentinel_command(e.as, record, &get, "GET", "as:k", (const char *)NULL), RSDK_OK);
    assert_int_equal(rsdk_async_sentinel_command(e.as, record, &role, "ROLE", (const char *)NULL), RSDK_OK);
    assert_int_equal(rcore_incr_async(rsdk_async_sentinel_client(e.as), "as:n", on_incr, &typed), RSDK_OK);
    drain(&e);
    assert_string_equal(set.str, "OK");
    assert_string_equal(get.str, "v1");
    assert_string_equal(role.str, "master");
    assert_int_equal(typed.calls, 1);
    assert_int_equal(typed.err, RSDK_OK);
    assert_int_equal(typed.integer, 1);
    /* Read back from the primary the sentinels name, directly. */
    int primary = sh_data_by_port(e.d, st_primary_port(e.s));
    assert_int_equal(st_counter_on(e.d, primary, "as:n"), 1);
    assert_int_equal(rsdk_async_sentinel_switches(e.as), 0);

    /* Bad input: a clear status, no callback. */
    seen never = {0};
    const char *none[] = {"GET"};
    assert_int_equal(rsdk_async_sentinel_command_argv(e.as, 0, none, NULL, record, &never), RSDK_ERR_INVALID_ARG);
    assert_int_equal(rsdk_async_sentinel_command_argv(e.as, 1, NULL, NULL, record, &never), RSDK_ERR_INVALID_ARG);
    assert_int_equal(rsdk_async_sentinel_command_argv(NULL, 1, none, NULL, record, &never), RSDK_ERR_INVALID_ARG);
    drain(&e);
    assert_int_equal(never.calls, 0);
    rsdk_async_sentinel_opts o;
    rsdk_async_sentinel_opts_init(&o);
    rsdk_async_sentinel *as = NULL;
    rsdk_error err;
    assert_int_equal(rsdk_async_sentinel_new(&o, &as, &err), RSDK_ERR_INVALID_ARG);
    o.sentinel = e.s;
    assert_int_equal(rsdk_async_sentinel_new(&o, &as, &err), RSDK_ERR_INVALID_ARG);
    assert_null(as);
    assert_null(rsdk_async_sentinel_client(NULL));
    rsdk_async_sentinel_free(NULL);

    /* Freed with commands pending: each callback once, closed. */
    static seen pend[100];
    memset(pend, 0, sizeof pend);
    for (int i = 0; i < 100; i++)
        assert_int_equal(rsdk_async_sentinel_command(e.as, record, &pend[i], "INCR", "as:p", (const char *)NULL), RSDK_OK);
    rsdk_async_sentinel_free(e.as);
    e.as = NULL;
    for (int i = 0; i < 100; i++) {
        assert_int_equal(pend[i].calls, 1);
        assert_int_equal(pend[i].err, RSDK_ERR_CLOSED);
    }
    close_env(&e);
}

/* ---- failover under load ------------------------------------------------ */

typedef struct load {
    int inflight;
    long long next_at_ms; /* when the next INCR may go */
    long long acked, maybe_ran, refused, last_value, regressions;
    long long last_ack_ms, max_gap_ms;
    rsdk_status bad;
    char bad_msg[256];
} load;

static void on_load(rsdk_async *a, rsdk_reply *r, const rsdk_error *err, void *ud) {
    (void)a;
    load *l = ud;
    l->inflight--;
    long long now = rsdk_test_now_ms();
    if (r != NULL && r->type == RSDK_REPLY_INTEGER) {
        if (r->integer <= l->last_value) l->regressions++;
        l->last_value = r->integer;
        l->acked++;
        if (now - l->last_ack_ms > l->max_gap_ms) l->max_gap_ms = now - l->last_ack_ms;
        l->last_ack_ms = now;
        l->next_at_ms = now + 1;
        return;
    }
    l->next_at_ms = now + 5; /* as a caller would: a short pause, then again */
    rsdk_status st = err ? err->code : RSDK_ERR_PROTOCOL;
    /* Refused without running: a demoted primary's READONLY, or the old
     * primary's NOREPLICAS once its replica left (min-replicas-to-write). */
    if (r != NULL && (st == RSDK_ERR_READONLY || strcmp(err->prefix, "NOREPLICAS") == 0)) {
        l->refused++;
    } else if (r == NULL && (st == RSDK_ERR_EOF || st == RSDK_ERR_IO || st == RSDK_ERR_TIMEOUT)) {
        l->maybe_ran++; /* sent, then the connection died */
    } else if (l->bad == RSDK_OK) {
        l->bad = st;
        snprintf(l->bad_msg, sizeof l->bad_msg, "%s", err ? err->message : "no error");
    }
}

static void failover_under_load_is_followed(void **state) {
    RSDK_TEST_NEED_SERVER(state);
    env e = open_env(state);
    int from = sh_data_by_port(e.d, st_primary_port(e.s)), to = 1 - from;
    st_data_command(e.d, from, "CONFIG", "SET", "min-replicas-to-write", "1");
    st_data_command(e.d, to, "CONFIG", "SET", "min-replicas-to-write", "0");
    long long base = st_counter_on(e.d, from, "afo:counter");
    load l;
    memset(&l, 0, sizeof l);
    l.last_value = base;
    l.last_ack_ms = rsdk_test_now_ms();
    long long start = rsdk_test_now_ms(), t0 = 0, t_switch = 0, now;
    long long acked_at_switch = 0;
    while ((now = rsdk_test_now_ms()) - start < 25000) {
        /* One INCR at a time, about a thousand a second (5 ms after a
         * refusal): each ack is above the last, and the sentinels keep
         * their CPU (a starved sentinel enters TILT mode). */
        if (l.inflight == 0 && now >= l.next_at_ms) {
            assert_int_equal(rsdk_async_sentinel_command(e.as, on_load, &l, "INCR", "afo:counter", (const char *)NULL),
                             RSDK_OK);
            l.inflight++;
        }
        assert_int_equal(rsdk_loop_run_once(e.loop, 1), RSDK_OK);
        if (t0 == 0 && now - start > 500) {
            rsdk_client *sen = sh_sentinel_client(e.d, 1);
            t0 = rsdk_test_now_ms();
            if (rsent_failover(sen, SH_MASTER) != RSDK_OK)
                fail_msg("SENTINEL FAILOVER: %s", rsdk_client_error(sen)->message);
            rsdk_client_close(sen);
        }
        if (t_switch == 0 && rsdk_async_sentinel_switches(e.as) > 0) {
            t_switch = rsdk_test_now_ms();
            acked_at_switch = l.acked;
        }
        if (t_switch > 0 && now - t_switch > 700) break;
    }
    drain(&e);
    long long counter = st_counter_on(e.d, to, "afo:counter") - base;
    printf("async sentinel failover: switch followed %lld ms after SENTINEL FAILOVER; longest gap "
           "between acknowledged INCRs %lld ms; %lld acknowledged (%lld after the switch), counter "
           "%lld (%lld lost in the promotion), %lld refused without running (READONLY, "
           "NOREPLICAS), %lld may have run\n",
           t_switch ? t_switch - t0 : -1, l.max_gap_ms, l.acked, l.acked - acked_at_switch, counter,
           l.acked > counter ? l.acked - counter : 0, l.refused, l.maybe_ran);
    if (l.bad != RSDK_OK) fail_msg("undocumented failure: %s: %s", rsdk_status_name(l.bad), l.bad_msg);
    assert_true(t_switch > 0);
    assert_true(rsdk_async_sentinel_switches(e.as) >= 1);
    assert_true(l.acked - acked_at_switch > 0);
    assert_true(counter <= l.acked + l.maybe_ran); /* nothing run twice */
    /* The handle's client is on the promoted replica now. */
    seen role = {0};
    assert_int_equal(rsdk_async_sentinel_command(e.as, record, &role, "ROLE", (const char *)NULL), RSDK_OK);
    drain(&e);
    assert_string_equal(role.str, "master");
    assert_int_equal(st_primary_port(e.s), e.d->data[to].port);
    close_env(&e);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(commands_and_typed_calls_reach_the_primary),
        cmocka_unit_test(failover_under_load_is_followed),
    };
    return cmocka_run_group_tests(tests, sh_group_setup, sh_group_teardown);
}
