/* Deadlines, cancellation, close and free: a command past its deadline
 * gets RSDK_ERR_TIMEOUT and its late reply is read and dropped, never
 * given to the next command; a cancelled command's callback never runs,
 * from outside or from inside another callback; close and free inside a
 * callback fail the rest with RSDK_ERR_CLOSED, once each. */
#include "atest.h"

static rsdk_async *open_with_timeout(rsdk_test_loop *l, rsdk_test_server *srv, int timeout_ms) {
    rsdk_client_opts co;
    rsdk_async_opts o;
    at_opts(srv, &co, &o, 3, false);
    co.command_timeout_ms = timeout_ms;
    return at_open(l, &o);
}

typedef struct late {
    rsdk_async *a;
    at_tally sleep, next;
    long long timed_out_at;
} late;

/* When the sleeping command times out, the next command is issued: it is
 * behind the sleep on the server, and must get its own reply. */
static void on_sleep(rsdk_async *a, rsdk_reply *r, const rsdk_error *err, void *ud) {
    late *lt = ud;
    at_cb(a, r, err, &lt->sleep);
    lt->timed_out_at = rsdk_test_now_ms();
    assert_int_equal(rsdk_async_command(a, at_cb, &lt->next, "ECHO", "mine", NULL), RSDK_OK);
}

static void test_deadline_late_reply_dropped(void **state) {
    RSDK_TEST_NEED_SERVER(state);
    rsdk_test_loop *l = at_loop();
    rsdk_async *a = open_with_timeout(l, *state, 300);
    late lt = {.a = a, .sleep = {.want = 1}, .next = {.want = 1}};
    long long t0 = rsdk_test_now_ms();
    assert_int_equal(rsdk_async_command(a, on_sleep, &lt, "DEBUG", "SLEEP", "0.45", NULL), RSDK_OK);
    assert_true(rsdk_test_loop_run_until(l, at_done, &lt.next, 5000));
    assert_int_equal(lt.sleep.failed, 1);
    assert_int_equal(lt.sleep.last, RSDK_ERR_TIMEOUT);
    assert_true(lt.timed_out_at - t0 >= 290 && lt.timed_out_at - t0 < 440);
    assert_int_equal(lt.next.ok, 1);
    assert_string_equal(lt.next.last_str, "mine"); /* not the sleep's "OK" */
    assert_int_equal(rsdk_async_pending(a), 0);
    rsdk_async_free(a);
    rsdk_test_loop_close(l);
}

static void test_cancel_outside(void **state) {
    RSDK_TEST_NEED_SERVER(state);
    rsdk_test_loop *l = at_loop();
    rsdk_async *a = open_with_timeout(l, *state, 5000);
    /* Not written yet: it never leaves. */
    rsdk_async_id id = 0;
    assert_int_equal(rsdk_async_command_argv(a, 3, (const char *[]){"SET", "async:cancel", "1"}, NULL,
                                             at_never, NULL, &id),
                     RSDK_OK);
    assert_true(id != 0);
    assert_int_equal(rsdk_async_cancel(a, id), RSDK_OK);
    assert_int_equal(rsdk_async_cancel(a, id), RSDK_ERR_INVALID_ARG); /* once */
    at_tally get = {.want = 1};
    assert_int_equal(rsdk_async_command(a, at_cb, &get, "EXISTS", "async:cancel", NULL), RSDK_OK);
    assert_true(rsdk_test_loop_run_until(l, at_done, &get, 5000));
    assert_int_equal(get.last_int, 0); /* the SET was never sent */
    /* Written, behind a sleep: cancelled while the server sleeps, its reply
     * is dropped and the next command gets its own. */
    at_tally sleep = {.want = 1}, echo = {.want = 1};
    assert_int_equal(rsdk_async_command(a, at_cb, &sleep, "DEBUG", "SLEEP", "0.2", NULL), RSDK_OK);
    assert_int_equal(rsdk_async_command_argv(a, 2, (const char *[]){"ECHO", "theirs"}, NULL,
                                             at_never, NULL, &id),
                     RSDK_OK);
    rsdk_test_loop_run_for(l, 50); /* both written */
    assert_int_equal(rsdk_async_cancel(a, id), RSDK_OK);
    assert_int_equal(rsdk_async_command(a, at_cb, &echo, "ECHO", "mine", NULL), RSDK_OK);
    assert_true(rsdk_test_loop_run_until(l, at_done, &echo, 5000));
    assert_string_equal(echo.last_str, "mine");
    assert_int_equal(sleep.ok, 1);
    rsdk_async_free(a);
    rsdk_test_loop_close(l);
}

typedef struct canceller {
    rsdk_async_id victim;
    rsdk_status st;
    at_tally t;
} canceller;

static void cancel_other(rsdk_async *a, rsdk_reply *r, const rsdk_error *err, void *ud) {
    canceller *c = ud;
    at_cb(a, r, err, &c->t);
    c->st = rsdk_async_cancel(a, c->victim);
}

static void test_cancel_inside_callback(void **state) {
    RSDK_TEST_NEED_SERVER(state);
    rsdk_test_loop *l = at_loop();
    rsdk_async *a = open_with_timeout(l, *state, 5000);
    canceller c = {.t = {.want = 1}, .st = RSDK_ERR_PROTOCOL};
    at_tally last = {.want = 1};
    assert_int_equal(rsdk_async_command(a, cancel_other, &c, "PING", NULL), RSDK_OK);
    /* Written in the same batch, its reply is already on the way. */
    assert_int_equal(rsdk_async_command_argv(a, 2, (const char *[]){"ECHO", "victim"}, NULL,
                                             at_never, NULL, &c.victim),
                     RSDK_OK);
    assert_int_equal(rsdk_async_command(a, at_cb, &last, "ECHO", "last", NULL), RSDK_OK);
    assert_true(rsdk_test_loop_run_until(l, at_done, &last, 5000));
    assert_int_equal(c.st, RSDK_OK);
    assert_string_equal(last.last_str, "last");
    rsdk_async_free(a);
    rsdk_test_loop_close(l);
}

#define REST 50

typedef struct closer {
    bool free_it;
    at_tally first, rest;
} closer;

static void close_inside(rsdk_async *a, rsdk_reply *r, const rsdk_error *err, void *ud) {
    closer *c = ud;
    at_cb(a, r, err, &c->first);
    if (c->free_it) rsdk_async_free(a);
    else rsdk_async_close(a);
}

static void run_close_in_callback(bool free_it, void **state) {
    rsdk_test_loop *l = at_loop();
    rsdk_async *a = open_with_timeout(l, *state, 5000);
    closer c = {.free_it = free_it, .first = {.want = 1}, .rest = {.want = REST}};
    assert_int_equal(rsdk_async_command(a, close_inside, &c, "PING", NULL), RSDK_OK);
    for (int i = 0; i < REST; i++)
        assert_int_equal(rsdk_async_command(a, at_cb, &c.rest, "PING", NULL), RSDK_OK);
    assert_true(rsdk_test_loop_run_until(l, at_done, &c.rest, 5000));
    rsdk_test_loop_run_for(l, 50); /* nothing more comes */
    assert_int_equal(c.first.ok, 1);
    assert_int_equal(c.rest.done, REST);
    assert_int_equal(c.rest.failed, REST);
    assert_int_equal(c.rest.last, RSDK_ERR_CLOSED);
    if (!free_it) {
        assert_int_equal(rsdk_async_pending(a), 0);
        assert_int_equal(rsdk_async_command(a, at_cb, &c.rest, "PING", NULL), RSDK_ERR_CLOSED);
        rsdk_async_free(a);
    }
    rsdk_test_loop_close(l);
}

static void test_close_in_callback(void **state) {
    RSDK_TEST_NEED_SERVER(state);
    run_close_in_callback(false, state);
}

static void test_free_in_callback(void **state) {
    RSDK_TEST_NEED_SERVER(state);
    run_close_in_callback(true, state);
}

/* Freed with commands pending, some written, some not: each callback
 * once with RSDK_ERR_CLOSED, at the free. */
static void test_free_with_pending(void **state) {
    RSDK_TEST_NEED_SERVER(state);
    rsdk_test_loop *l = at_loop();
    rsdk_async *a = open_with_timeout(l, *state, 5000);
    at_tally t = {.want = 200};
    at_tally first = {.want = 1};
    assert_int_equal(rsdk_async_command(a, at_cb, &first, "DEBUG", "SLEEP", "0.1", NULL), RSDK_OK);
    for (int i = 0; i < 100; i++)
        assert_int_equal(rsdk_async_command(a, at_cb, &t, "PING", NULL), RSDK_OK);
    rsdk_test_loop_run_for(l, 30); /* written; the server sleeps */
    for (int i = 0; i < 100; i++)
        assert_int_equal(rsdk_async_command(a, at_cb, &t, "PING", NULL), RSDK_OK);
    rsdk_async_free(a);
    assert_int_equal(t.done, 200);
    assert_int_equal(t.failed, 200);
    assert_int_equal(t.last, RSDK_ERR_CLOSED);
    assert_int_equal(first.last, RSDK_ERR_CLOSED);
    rsdk_test_loop_run_for(l, 150);
    assert_int_equal(t.done, 200);
    rsdk_test_loop_close(l);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_deadline_late_reply_dropped),
        cmocka_unit_test(test_cancel_outside),
        cmocka_unit_test(test_cancel_inside_callback),
        cmocka_unit_test(test_close_in_callback),
        cmocka_unit_test(test_free_in_callback),
        cmocka_unit_test(test_free_with_pending),
    };
    return cmocka_run_group_tests(tests, rsdk_test_server_group_setup, rsdk_test_server_group_teardown);
}
