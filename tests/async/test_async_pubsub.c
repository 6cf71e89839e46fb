/* Pub/sub on the async client: 100,000 messages published as fast as a
 * pipelined publisher goes all arrive, in order, on RESP3 (pushes on the
 * command connection, which keeps serving commands) and on RESP2 (a
 * subscribed connection); the subscriptions come back by themselves after
 * CLIENT KILL; client-side caching invalidations reach the push callback. */
#include <stdio.h>
#include <stdlib.h>

#include "atest.h"

#define N_MSG 100000

typedef struct sub {
    long got, out_of_order, wrong_channel;
    long pmessages;
    at_tally confirmed;
} sub;

static void on_message(rsdk_async *a, const rsdk_pubsub_msg *m, void *ud) {
    (void)a;
    sub *s = ud;
    if (m->kind == RSDK_PUBSUB_PMESSAGE) {
        s->pmessages++;
        return;
    }
    char want[24];
    int n = snprintf(want, sizeof want, "%ld", s->got);
    if (m->payload.len != (size_t)n || memcmp(m->payload.ptr, want, (size_t)n) != 0) s->out_of_order++;
    if (m->channel.len != 7 || memcmp(m->channel.ptr, "news:ch", 7) != 0) s->wrong_channel++;
    s->got++;
}

static bool all_in(void *ud) { return ((sub *)ud)->got >= N_MSG; }

static void run_100k(rsdk_test_server *srv, int protocol) {
    rsdk_test_loop *l = at_loop();
    rsdk_async *s = at_open_default(l, srv, protocol, false);
    rsdk_client_opts co;
    rsdk_async_opts o;
    at_opts(srv, &co, &o, 3, false);
    o.max_in_flight = N_MSG;
    rsdk_async *p = at_open(l, &o);
    sub st = {.confirmed = {.want = 1}};
    rsdk_async_on_message(s, on_message, &st);
    rsdk_str ch = rsdk_str_c("news:ch");
    assert_int_equal(rsdk_async_subscribe(s, RSDK_PUBSUB_MESSAGE, &ch, 1, at_cb, &st.confirmed), RSDK_OK);
    assert_true(rsdk_test_loop_run_until(l, at_done, &st.confirmed, 5000));
    assert_int_equal(st.confirmed.ok, 1);
    assert_int_equal(rsdk_async_subscriptions(s), 1);
    at_tally pubs = {.want = N_MSG};
    char num[24];
    for (long i = 0; i < N_MSG; i++) {
        snprintf(num, sizeof num, "%ld", i);
        assert_int_equal(rsdk_async_command(p, at_cb, &pubs, "PUBLISH", "news:ch", num, NULL), RSDK_OK);
    }
    assert_true(rsdk_test_loop_run_until(l, all_in, &st, 25000));
    assert_true(rsdk_test_loop_run_until(l, at_done, &pubs, 5000));
    assert_int_equal(pubs.ok, N_MSG);
    assert_int_equal(pubs.last_int, 1); /* one receiver */
    assert_int_equal(st.got, N_MSG);
    assert_int_equal(st.out_of_order, 0);
    assert_int_equal(st.wrong_channel, 0);
    if (protocol == 3) { /* the connection still serves commands */
        at_tally echo = {.want = 1};
        assert_int_equal(rsdk_async_command(s, at_cb, &echo, "ECHO", "still here", NULL), RSDK_OK);
        assert_true(rsdk_test_loop_run_until(l, at_done, &echo, 5000));
        assert_string_equal(echo.last_str, "still here");
    }
    at_tally un = {.want = 1};
    assert_int_equal(rsdk_async_unsubscribe(s, RSDK_PUBSUB_MESSAGE, &ch, 1, at_cb, &un), RSDK_OK);
    assert_true(rsdk_test_loop_run_until(l, at_done, &un, 5000));
    assert_int_equal(un.ok, 1);
    assert_int_equal(rsdk_async_subscriptions(s), 0);
    rsdk_async_free(s);
    rsdk_async_free(p);
    rsdk_test_loop_close(l);
}

RSDK_TEST_SERVER_CASE(test_100k_messages_resp3, run_100k, 3)
RSDK_TEST_SERVER_CASE(test_100k_messages_resp2, run_100k, 2)

typedef struct conns {
    int ok;
} conns;

static void count_connect(rsdk_async *a, rsdk_status st, const rsdk_error *err, void *ud) {
    (void)a;
    (void)err;
    if (st == RSDK_OK) ((conns *)ud)->ok++;
}

static bool reconnected(void *ud) { return ((conns *)ud)->ok >= 2; }
static bool two_messages(void *ud) {
    const sub *s = ud;
    return s->got + s->pmessages >= 2;
}

static void run_resubscribe(rsdk_test_server *srv, int protocol) {
    rsdk_test_loop *l = at_loop();
    rsdk_async *s = at_open_default(l, srv, protocol, false);
    conns c = {0};
    rsdk_async_on_connect(s, count_connect, &c);
    sub st = {.confirmed = {.want = 2}};
    rsdk_async_on_message(s, on_message, &st);
    rsdk_str ch = rsdk_str_c("news:ch"), pat = rsdk_str_c("news:p.*");
    assert_int_equal(rsdk_async_subscribe(s, RSDK_PUBSUB_MESSAGE, &ch, 1, at_cb, &st.confirmed), RSDK_OK);
    assert_int_equal(rsdk_async_subscribe(s, RSDK_PUBSUB_PMESSAGE, &pat, 1, at_cb, &st.confirmed), RSDK_OK);
    assert_true(rsdk_test_loop_run_until(l, at_done, &st.confirmed, 5000));
    c.ok = 1;
    rsdk_client *k = rsdk_test_client(srv, 3, false);
    rsdk_reply *r = NULL;
    assert_int_equal(rsdk_client_command(k, &r, "CLIENT", "KILL", "TYPE", "pubsub", NULL), RSDK_OK);
    assert_true(r->integer >= 1);
    rsdk_reply_free(r);
    assert_true(rsdk_test_loop_run_until(l, reconnected, &c, 5000));
    /* Restored before the connect callback ran: both reach it. */
    assert_int_equal(rsdk_client_command(k, &r, "PUBLISH", "news:ch", "0", NULL), RSDK_OK);
    assert_int_equal(r->integer, 1);
    rsdk_reply_free(r);
    assert_int_equal(rsdk_client_command(k, &r, "PUBLISH", "news:p.x", "p", NULL), RSDK_OK);
    assert_int_equal(r->integer, 1);
    rsdk_reply_free(r);
    assert_true(rsdk_test_loop_run_until(l, two_messages, &st, 5000));
    assert_int_equal(st.got, 1);
    assert_int_equal(st.pmessages, 1);
    assert_int_equal(st.out_of_order, 0);
    rsdk_client_close(k);
    rsdk_async_free(s);
    rsdk_test_loop_close(l);
}

RSDK_TEST_SERVER_CASE(test_resubscribe_after_kill_resp3, run_resubscribe, 3)
RSDK_TEST_SERVER_CASE(test_resubscribe_after_kill_resp2, run_resubscribe, 2)

typedef struct pushes {
    int invalidations;
    char key[64];
} pushes;

static void on_push(rsdk_async *a, const rsdk_reply *push, void *ud) {
    (void)a;
    pushes *p = ud;
    if (push->elements == 2 && push->element[0].len == 10 &&
        memcmp(push->element[0].str, "invalidate", 10) == 0) {
        p->invalidations++;
        const rsdk_reply *keys = &push->element[1];
        if (keys->type == RSDK_REPLY_ARRAY && keys->elements > 0)
            snprintf(p->key, sizeof p->key, "%s", keys->element[0].str);
    }
}

static bool invalidated(void *ud) { return ((pushes *)ud)->invalidations > 0; }

static void test_invalidation_push(void **state) {
    RSDK_TEST_NEED_SERVER(state);
    rsdk_test_server *srv = *state;
    rsdk_test_loop *l = at_loop();
    rsdk_async *a = at_open_default(l, srv, 3, false);
    pushes p = {0};
    rsdk_async_on_push(a, on_push, &p);
    at_tally t = {.want = 2};
    assert_int_equal(rsdk_async_command(a, at_cb, &t, "CLIENT", "TRACKING", "ON", NULL), RSDK_OK);
    assert_int_equal(rsdk_async_command(a, at_cb, &t, "GET", "async:tracked", NULL), RSDK_OK);
    assert_true(rsdk_test_loop_run_until(l, at_done, &t, 5000));
    assert_int_equal(t.ok, 2);
    rsdk_client *k = rsdk_test_client(srv, 3, false);
    rsdk_reply *r = NULL;
    assert_int_equal(rsdk_client_command(k, &r, "SET", "async:tracked", "x", NULL), RSDK_OK);
    rsdk_reply_free(r);
    assert_true(rsdk_test_loop_run_until(l, invalidated, &p, 5000));
    assert_string_equal(p.key, "async:tracked");
    rsdk_client_close(k);
    rsdk_async_free(a);
    rsdk_test_loop_close(l);
}

static void test_bad_subscribe(void **state) {
    RSDK_TEST_NEED_SERVER(state);
    rsdk_test_loop *l = at_loop();
    rsdk_async *a = at_open_default(l, *state, 3, false);
    rsdk_str empty = {NULL, 0};
    assert_int_equal(rsdk_async_subscribe(a, RSDK_PUBSUB_MESSAGE, &empty, 1, NULL, NULL),
                     RSDK_ERR_INVALID_ARG);
    assert_int_equal(rsdk_async_subscribe(a, RSDK_PUBSUB_MESSAGE, NULL, 0, NULL, NULL),
                     RSDK_ERR_INVALID_ARG);
    rsdk_str ch = rsdk_str_c("x");
    assert_int_equal(rsdk_async_subscribe(a, (rsdk_pubsub_kind)9, &ch, 1, NULL, NULL),
                     RSDK_ERR_INVALID_ARG);
    assert_int_equal(rsdk_async_subscriptions(a), 0);
    rsdk_async_free(a);
    rsdk_test_loop_close(l);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_100k_messages_resp3),
        cmocka_unit_test(test_100k_messages_resp2),
        cmocka_unit_test(test_resubscribe_after_kill_resp3),
        cmocka_unit_test(test_resubscribe_after_kill_resp2),
        cmocka_unit_test(test_invalidation_push),
        cmocka_unit_test(test_bad_subscribe),
    };
    return cmocka_run_group_tests(tests, rsdk_test_server_group_setup, rsdk_test_server_group_teardown);
}
