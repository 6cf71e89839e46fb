/* Losing the connection: with 10,000 commands pending when the server is
 * killed every callback runs once, the failed ones with a connection-class
 * error, and the client heals after a restart; reconnect attempts follow
 * the retry policy's backoff (RECONNECT_ATTEMPT events), commands issued
 * meanwhile leave once the handshake is done; a written INCR whose reply
 * was lost is never sent again (the counter ends at 1) while a command
 * marked read-only is. */
#include <stdio.h>

#include "atest.h"
#include "tests/resilience/fault_proxy.h"
#include "tests/resilience/resil.h"

#define N_KILL 10000

typedef struct killed {
    unsigned char *calls; /* completions per command */
    long done, ok, conn_err, other;
} killed;

typedef struct ktag {
    killed *k;
    int i;
} ktag;

static void on_killed(rsdk_async *a, rsdk_reply *r, const rsdk_error *err, void *ud) {
    (void)a;
    ktag *t = ud;
    t->k->calls[t->i]++;
    t->k->done++;
    if (r && r->type != RSDK_REPLY_ERROR) t->k->ok++;
    else if (!r && rsdk_err_class(err->code) == RSDK_CLASS_CONNECTION) t->k->conn_err++;
    else t->k->other++;
}

static bool killed_done(void *ud) { return ((killed *)ud)->done >= N_KILL; }
static bool killed_some(void *ud) { return ((killed *)ud)->done >= 1; }

static void test_server_killed_with_10k_pending(void **state) {
    RSDK_TEST_NEED_SERVER(state);
    rsdk_test_server *srv = *state;
    rsdk_test_loop *l = at_loop();
    rsdk_client_opts co;
    rsdk_async_opts o;
    at_opts(srv, &co, &o, 3, false);
    co.command_timeout_ms = 8000;
    rsdk_async *a = at_open(l, &o);
    killed k = {.calls = calloc(N_KILL, 1)};
    ktag *tags = calloc(N_KILL, sizeof *tags);
    for (int i = 0; i < N_KILL; i++) {
        tags[i] = (ktag){.k = &k, .i = i};
        /* Slow enough that the kill finds most of them pending. */
        const char *cmd = i % 100 == 0 ? "DEBUG" : "INCR";
        rsdk_status s = i % 100 == 0
                            ? rsdk_async_command(a, on_killed, &tags[i], cmd, "SLEEP", "0.001", NULL)
                            : rsdk_async_command(a, on_killed, &tags[i], cmd, "async:killed", NULL);
        assert_int_equal(s, RSDK_OK);
    }
    assert_true(rsdk_test_loop_run_until(l, killed_some, &k, 5000));
    rsdk_test_server_kill(srv);
    rsdk_test_loop_run_for(l, 300); /* the written ones fail; reconnects are refused */
    assert_int_equal(rsdk_test_server_restart(srv), RSDK_TEST_SERVER_OK);
    assert_true(rsdk_test_loop_run_until(l, killed_done, &k, 15000));
    for (int i = 0; i < N_KILL; i++)
        if (k.calls[i] != 1) fail_msg("command %d completed %d times", i, k.calls[i]);
    assert_int_equal(k.other, 0);
    assert_true(k.conn_err > 0);
    assert_int_equal(k.ok + k.conn_err, N_KILL);
    /* Healed. */
    at_tally ping = {.want = 1};
    assert_int_equal(rsdk_async_command(a, at_cb, &ping, "PING", NULL), RSDK_OK);
    assert_true(rsdk_test_loop_run_until(l, at_done, &ping, 5000));
    assert_int_equal(ping.ok, 1);
    rsdk_async_free(a);
    rsdk_test_loop_close(l);
    free(k.calls);
    free(tags);
}

typedef struct fixture {
    fault_proxy *fp;
    rs_recorder rec;
    rsdk_retry_policy pol;
    rsdk_client_opts co;
    rsdk_async_opts o;
} fixture;

static void fixture_open(fixture *f, rsdk_test_server *srv) {
    memset(f, 0, sizeof *f);
    assert_int_equal(fault_proxy_start(srv->port, &f->fp), 0);
    rs_recorder_init(&f->rec, RSDK_EVENT_MASK(RSDK_EVENT_RECONNECT_ATTEMPT) |
                                  RSDK_EVENT_MASK(RSDK_EVENT_CONNECTED) |
                                  RSDK_EVENT_MASK(RSDK_EVENT_DISCONNECTED));
    at_opts(srv, &f->co, &f->o, 3, false);
    f->co.port = fault_proxy_port(f->fp);
    f->co.events = f->rec.bus;
    rsdk_retry_policy_init(&f->pol);
    f->pol.backoff.kind = RSDK_BACKOFF_EXPONENTIAL;
    f->pol.backoff.base_ms = 40;
    f->pol.backoff.cap_ms = 1000;
    f->co.retry = &f->pol;
}

static void fixture_close(fixture *f) {
    fault_proxy_stop(f->fp);
    rs_recorder_deinit(&f->rec);
}

static bool attempts3(void *ud) {
    return rs_recorder_count(&((fixture *)ud)->rec, RSDK_EVENT_RECONNECT_ATTEMPT) >= 3;
}

static void test_reconnect_backoff_and_queued(void **state) {
    RSDK_TEST_NEED_SERVER(state);
    fixture f;
    fixture_open(&f, *state);
    rsdk_test_loop *l = at_loop();
    rsdk_async *a = at_open(l, &f.o);
    at_tally ping = {.want = 1};
    assert_int_equal(rsdk_async_command(a, at_cb, &ping, "PING", NULL), RSDK_OK);
    assert_true(rsdk_test_loop_run_until(l, at_done, &ping, 5000));
    /* Refuse new connections, then cut the live one. */
    fault_proxy_refuse(f.fp);
    fault_proxy_cut(f.fp);
    assert_true(rsdk_test_loop_run_until(l, attempts3, &f, 5000));
    /* Queued while the client reconnects. */
    at_tally q = {.want = 3};
    assert_int_equal(rsdk_async_command(a, at_cb, &q, "SET", "async:q", "1", NULL), RSDK_OK);
    assert_int_equal(rsdk_async_command(a, at_cb, &q, "INCR", "async:q", NULL), RSDK_OK);
    assert_int_equal(rsdk_async_command(a, at_cb, &q, "INCR", "async:q", NULL), RSDK_OK);
    rsdk_test_loop_run_for(l, 100);
    assert_int_equal(q.done, 0);
    fault_proxy_pass(f.fp);
    assert_true(rsdk_test_loop_run_until(l, at_done, &q, 5000));
    assert_int_equal(q.ok, 3);
    assert_int_equal(q.last_int, 3);
    /* The attempts: numbered 1, 2, 3 with delays 40, 80, 160 ms. */
    for (size_t k = 0; k < 3; k++) {
        rs_event ev;
        assert_true(rs_recorder_nth(&f.rec, RSDK_EVENT_RECONNECT_ATTEMPT, k, &ev));
        assert_int_equal(ev.ev.reconnect.attempt, k + 1);
        assert_int_equal(ev.ev.reconnect.delay_ms, 40u << k);
    }
    assert_int_equal(rs_recorder_count(&f.rec, RSDK_EVENT_DISCONNECTED), 1);
    assert_int_equal(rs_recorder_count(&f.rec, RSDK_EVENT_CONNECTED), 2);
    rsdk_async_free(a);
    rsdk_test_loop_close(l);
    fixture_close(&f);
}

static void plain(rsdk_async *a, rsdk_reply *reply, const rsdk_error *err,
                  const rsdk_async_call *call) {
    ((rsdk_async_fn)call->fn)(a, reply, err, call->ud);
}

/* The proxy delays each chunk 300 ms: the INCR reaches the server, its
 * reply is still in the proxy when the connection is cut. */
static void test_write_never_resent(void **state) {
    RSDK_TEST_NEED_SERVER(state);
    rsdk_test_server *srv = *state;
    fixture f;
    fixture_open(&f, srv);
    rsdk_test_loop *l = at_loop();
    rsdk_async *a = at_open(l, &f.o);
    at_tally del = {.want = 1};
    assert_int_equal(rsdk_async_command(a, at_cb, &del, "SET", "async:wr", "0", NULL), RSDK_OK);
    assert_true(rsdk_test_loop_run_until(l, at_done, &del, 5000));
    fault_proxy_latency(f.fp, 300);
    at_tally incr = {.want = 1}, get = {.want = 1};
    assert_int_equal(rsdk_async_command(a, at_cb, &incr, "INCR", "async:wr", NULL), RSDK_OK);
    /* A read marked read-only (as generated code marks GET) is resent. */
    rsdk_buf b;
    rsdk_buf_init(&b);
    assert_int_equal(rsdk_write_command(&b, 2, (const char *[]){"GET", "async:wr"}, NULL), RSDK_OK);
    rsdk_async_call call = {.decode = plain, .fn = (rsdk_async_typed_fn)at_cb, .ud = &get,
                            .flags = RSDK_ASYNC_READONLY};
    assert_int_equal(rsdk_async_send_encoded(a, &b, 1, &call, NULL), RSDK_OK);
    rsdk_buf_deinit(&b);
    rsdk_test_loop_run_for(l, 450);
    assert_int_equal(incr.done, 0);
    fault_proxy_cut(f.fp); /* the INCR's reply dies in the proxy */
    fault_proxy_pass(f.fp);
    assert_true(rsdk_test_loop_run_until(l, at_done, &incr, 5000));
    assert_int_equal(incr.failed, 1);
    assert_int_equal(rsdk_err_class(incr.last), RSDK_CLASS_CONNECTION);
    assert_true(rsdk_test_loop_run_until(l, at_done, &get, 5000));
    assert_int_equal(get.ok, 1);
    assert_string_equal(get.last_str, "1");
    assert_int_equal(at_sync_int(srv, "INCRBY", "async:wr", "0"), 1);
    rsdk_async_free(a);
    rsdk_test_loop_close(l);
    fixture_close(&f);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_server_killed_with_10k_pending),
        cmocka_unit_test(test_reconnect_backoff_and_queued),
        cmocka_unit_test(test_write_never_resent),
    };
    return cmocka_run_group_tests(tests, rsdk_test_server_group_setup, rsdk_test_server_group_teardown);
}
