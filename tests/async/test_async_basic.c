/* The async client against a real server: connect over TCP and Unix, on
 * RESP3 and RESP2; the handshake (user, password, db, client name);
 * commands issued before the connection is up wait for it; 100,000
 * commands in flight each get their own reply, in order; bad input gets a
 * clear status and nothing is sent. */
#include <stdio.h>

#include "atest.h"

static void run_roundtrip(rsdk_test_server *srv, int protocol, bool use_unix) {
    rsdk_test_loop *l = at_loop();
    rsdk_async *a = at_open_default(l, srv, protocol, use_unix);
    at_tally set = {.want = 1}, get = {.want = 1};
    assert_int_equal(rsdk_async_command(a, at_cb, &set, "SET", "async:k", "v1", NULL), RSDK_OK);
    assert_int_equal(rsdk_async_command(a, at_cb, &get, "GET", "async:k", NULL), RSDK_OK);
    assert_true(rsdk_test_loop_run_until(l, at_done, &get, 5000));
    assert_int_equal(set.ok, 1);
    assert_string_equal(set.last_str, "OK");
    assert_int_equal(get.ok, 1);
    assert_string_equal(get.last_str, "v1");
    assert_int_equal(rsdk_async_protocol(a), protocol);
    assert_int_equal(rsdk_async_pending(a), 0);
    rsdk_async_free(a);
    rsdk_test_loop_close(l);
}

RSDK_TEST_SERVER_CASE(test_tcp_resp3, run_roundtrip, 3, false)
RSDK_TEST_SERVER_CASE(test_unix_resp2, run_roundtrip, 2, true)
RSDK_TEST_SERVER_CASE(test_unix_resp3, run_roundtrip, 3, true)

#define N_ORDER 100000

typedef struct order {
    long next;      /* completions so far */
    long wrong;     /* replies that were not the command's own */
    long failed;
} order;

typedef struct tagged {
    order *o;
    long tag;
} tagged;

static void on_incr(rsdk_async *a, rsdk_reply *r, const rsdk_error *err, void *ud) {
    (void)a;
    (void)err;
    tagged *t = ud;
    if (!r || r->type != RSDK_REPLY_INTEGER) t->o->failed++;
    else if (r->integer != t->tag) t->o->wrong++;
    t->o->next++;
}

static void on_echo(rsdk_async *a, rsdk_reply *r, const rsdk_error *err, void *ud) {
    (void)a;
    (void)err;
    tagged *t = ud;
    char want[32];
    snprintf(want, sizeof want, "e%ld", t->tag);
    if (!r || r->type != RSDK_REPLY_STRING) t->o->failed++;
    else if (r->len != strlen(want) || memcmp(r->str, want, r->len) != 0) t->o->wrong++;
    t->o->next++;
}

static bool order_done(void *ud) { return ((order *)ud)->next >= N_ORDER; }

/* Every command is issued before the loop runs, so all wait for the
 * handshake and then leave together. INCR tags each with the counter's
 * value, ECHO with its own text. */
static void test_ordering_100k_in_flight(void **state) {
    RSDK_TEST_NEED_SERVER(state);
    rsdk_test_server *srv = *state;
    rsdk_test_loop *l = at_loop();
    rsdk_client_opts co;
    rsdk_async_opts o;
    at_opts(srv, &co, &o, 3, false);
    o.max_in_flight = N_ORDER;
    rsdk_async *a = at_open(l, &o);
    order ord = {0};
    tagged *tags = calloc(N_ORDER, sizeof *tags);
    char buf[32];
    long incrs = 0;
    for (long i = 0; i < N_ORDER; i++) {
        tags[i].o = &ord;
        rsdk_status s;
        if (i % 2 == 0) {
            tags[i].tag = ++incrs;
            s = rsdk_async_command(a, on_incr, &tags[i], "INCR", "async:order", NULL);
        } else {
            tags[i].tag = i;
            snprintf(buf, sizeof buf, "e%ld", i);
            s = rsdk_async_command(a, on_echo, &tags[i], "ECHO", buf, NULL);
        }
        assert_int_equal(s, RSDK_OK);
    }
    assert_int_equal(rsdk_async_pending(a), N_ORDER);
    assert_true(rsdk_test_loop_run_until(l, order_done, &ord, 25000));
    assert_int_equal(ord.failed, 0);
    assert_int_equal(ord.wrong, 0);
    assert_int_equal(ord.next, N_ORDER);
    assert_int_equal(rsdk_async_pending(a), 0);
    rsdk_async_free(a);
    rsdk_test_loop_close(l);
    free(tags);
}

/* A user with a password, db 3 and a client name: all set by the handshake
 * before the first command. */
static void test_handshake_login_db_name(void **state) {
    RSDK_TEST_NEED_SERVER(state);
    rsdk_test_server *srv = *state;
    rsdk_client *c = rsdk_test_client(srv, 3, false);
    rsdk_reply *r = NULL;
    assert_int_equal(rsdk_client_command(c, &r, "ACL", "SETUSER", "asyncuser", "on", ">s3cret",
                                         "~*", "+@all", NULL),
                     RSDK_OK);
    rsdk_reply_free(r);
    for (int protocol = 2; protocol <= 3; protocol++) {
        rsdk_test_loop *l = at_loop();
        rsdk_client_opts co;
        rsdk_async_opts o;
        at_opts(srv, &co, &o, protocol, false);
        co.username = "asyncuser";
        co.password = "s3cret";
        co.db = 3;
        co.client_name = "async-test";
        rsdk_async *a = at_open(l, &o);
        at_tally who = {.want = 1}, name = {.want = 1}, set = {.want = 1};
        assert_int_equal(rsdk_async_command(a, at_cb, &who, "ACL", "WHOAMI", NULL), RSDK_OK);
        assert_int_equal(rsdk_async_command(a, at_cb, &name, "CLIENT", "GETNAME", NULL), RSDK_OK);
        assert_int_equal(rsdk_async_command(a, at_cb, &set, "SET", "async:db3", "x", NULL), RSDK_OK);
        assert_true(rsdk_test_loop_run_until(l, at_done, &set, 5000));
        assert_string_equal(who.last_str, "asyncuser");
        assert_string_equal(name.last_str, "async-test");
        assert_int_equal(rsdk_async_protocol(a), protocol);
        rsdk_async_free(a);
        rsdk_test_loop_close(l);
    }
    /* The key went to db 3. */
    assert_int_equal(rsdk_client_command(c, &r, "SELECT", "3", NULL), RSDK_OK);
    rsdk_reply_free(r);
    assert_int_equal(rsdk_client_command(c, &r, "EXISTS", "async:db3", NULL), RSDK_OK);
    assert_int_equal(r->integer, 1);
    rsdk_reply_free(r);
    rsdk_client_close(c);
}

static void on_connect_cb(rsdk_async *a, rsdk_status st, const rsdk_error *err, void *ud) {
    (void)a;
    at_tally *t = ud;
    t->done++;
    if (st) {
        t->failed++;
        t->last = st;
        snprintf(t->last_msg, sizeof t->last_msg, "%s", err->message);
    } else {
        t->ok++;
    }
}

/* A wrong password: the connect callback says so; with reconnect off the
 * queued command fails with the server's error. */
static void test_wrong_password(void **state) {
    RSDK_TEST_NEED_SERVER(state);
    rsdk_test_server *srv = *state;
    rsdk_test_loop *l = at_loop();
    rsdk_client_opts co;
    rsdk_async_opts o;
    at_opts(srv, &co, &o, 3, false);
    co.username = "nobody";
    co.password = "wrong";
    o.reconnect = false;
    rsdk_async *a = NULL;
    rsdk_error err;
    assert_int_equal(rsdk_async_new(&o, &a, &err), RSDK_OK);
    at_tally conn = {.want = 1}, cmd = {.want = 1};
    rsdk_async_on_connect(a, on_connect_cb, &conn);
    assert_int_equal(rsdk_async_command(a, at_cb, &cmd, "PING", NULL), RSDK_OK);
    rsdk_test_loop_attach(l, a);
    assert_true(rsdk_test_loop_run_until(l, at_done, &cmd, 5000));
    assert_int_equal(conn.failed, 1);
    assert_int_equal(conn.last, RSDK_ERR_AUTH);
    assert_int_equal(cmd.failed, 1);
    assert_int_equal(cmd.last, RSDK_ERR_AUTH);
    /* Broken without reconnect: further commands are refused. */
    assert_int_equal(rsdk_async_command(a, at_cb, &cmd, "PING", NULL), RSDK_ERR_BROKEN);
    rsdk_async_free(a);
    rsdk_test_loop_close(l);
}

static rsdk_status refuse_attach(rsdk_async *a, void *ud) {
    (void)a;
    (void)ud;
    return RSDK_ERR_IO;
}

static void test_bad_input(void **state) {
    RSDK_TEST_NEED_SERVER(state);
    rsdk_test_server *srv = *state;
    rsdk_test_loop *l = at_loop();
    rsdk_client_opts co;
    rsdk_async_opts o;
    at_opts(srv, &co, &o, 3, false);
    o.max_queued_bytes = 1024;
    rsdk_async *a = at_open(l, &o);
    /* No arguments. */
    assert_int_equal(rsdk_async_command_argv(a, 0, NULL, NULL, at_never, NULL, NULL),
                     RSDK_ERR_INVALID_ARG);
    assert_non_null(strstr(rsdk_async_error(a)->message, "empty"));
    /* A command larger than the client may queue. */
    char *big = malloc(4096);
    memset(big, 'x', 4095);
    big[4095] = '\0';
    assert_int_equal(rsdk_async_command(a, at_never, NULL, "SET", "k", big, NULL),
                     RSDK_ERR_INVALID_ARG);
    assert_non_null(strstr(rsdk_async_error(a)->message, "max_queued_bytes"));
    free(big);
    /* A generated-style call without its decoder. */
    rsdk_buf b;
    rsdk_buf_init(&b);
    const char *ping[] = {"PING"};
    assert_int_equal(rsdk_write_command(&b, 1, ping, NULL), RSDK_OK);
    rsdk_async_call call = {.decode = NULL};
    assert_int_equal(rsdk_async_send_encoded(a, &b, 1, &call, NULL), RSDK_ERR_INVALID_ARG);
    assert_int_equal(rsdk_async_send_encoded(a, NULL, 1, &call, NULL), RSDK_ERR_INVALID_ARG);
    rsdk_buf_deinit(&b);
    /* Cancel of an id that was never issued. */
    assert_int_equal(rsdk_async_cancel(a, 12345), RSDK_ERR_INVALID_ARG);
    /* A NULL client. */
    assert_int_equal(rsdk_async_command(NULL, at_never, NULL, "PING", NULL), RSDK_ERR_INVALID_ARG);
    assert_int_equal(rsdk_async_pending(a), 0);
    /* Fire-and-forget (NULL callback) is allowed: the reply is dropped. */
    assert_int_equal(rsdk_async_command(a, NULL, NULL, "SET", "async:ff", "1", NULL), RSDK_OK);
    at_tally get = {.want = 1};
    assert_int_equal(rsdk_async_command(a, at_cb, &get, "GET", "async:ff", NULL), RSDK_OK);
    assert_true(rsdk_test_loop_run_until(l, at_done, &get, 5000));
    assert_string_equal(get.last_str, "1");
    /* Use after close: CLOSED, nothing queued. */
    rsdk_async_close(a);
    assert_int_equal(rsdk_async_command(a, at_never, NULL, "PING", NULL), RSDK_ERR_CLOSED);
    assert_non_null(strstr(rsdk_async_error(a)->message, "closed"));
    assert_int_equal(rsdk_async_protocol(a), 0);
    rsdk_async_free(a);
    /* Options. */
    co.protocol = 4;
    rsdk_error err;
    assert_int_equal(rsdk_async_new(&o, &a, &err), RSDK_ERR_INVALID_ARG);
    assert_non_null(strstr(err.message, "protocol"));
    assert_int_equal(rsdk_async_new(NULL, &a, &err), RSDK_ERR_INVALID_ARG);
    assert_int_equal(rsdk_async_new_url("nope://x", &a, &err), RSDK_ERR_URL);
    /* rsdk_async_new_attached: a refused attach frees the client and says
     * so; no attach function is refused before anything is made. */
    co.protocol = 3;
    co.host = "127.0.0.1";
    co.port = 6399;
    a = NULL;
    assert_int_equal(rsdk_async_new_attached(&o, refuse_attach, NULL, &a, &err), RSDK_ERR_IO);
    assert_null(a);
    assert_non_null(strstr(err.message, "127.0.0.1:6399"));
    assert_int_equal(rsdk_async_new_attached(&o, NULL, NULL, &a, &err), RSDK_ERR_INVALID_ARG);
    assert_null(a);
    rsdk_test_loop_close(l);
}

static void test_url(void **state) {
    RSDK_TEST_NEED_SERVER(state);
    rsdk_test_server *srv = *state;
    char url[512];
    snprintf(url, sizeof url, "unix://%s?protocol=2", srv->unix_path);
    rsdk_async *a = NULL;
    rsdk_error err;
    assert_int_equal(rsdk_async_new_url(url, &a, &err), RSDK_OK);
    rsdk_test_loop *l = at_loop();
    rsdk_test_loop_attach(l, a);
    at_tally t = {.want = 1};
    assert_int_equal(rsdk_async_command(a, at_cb, &t, "PING", NULL), RSDK_OK);
    assert_true(rsdk_test_loop_run_until(l, at_done, &t, 5000));
    assert_string_equal(t.last_str, "PONG");
    assert_int_equal(rsdk_async_protocol(a), 2);
    rsdk_async_free(a);
    rsdk_test_loop_close(l);
}

typedef struct exec_result {
    int calls;
    bool shaped; /* an array of "OK" and 6 */
} exec_result;

static void exec_decode(rsdk_async *a, rsdk_reply *r, const rsdk_error *err,
                        const rsdk_async_call *call) {
    (void)a;
    (void)err;
    exec_result *x = call->ud;
    x->calls++;
    x->shaped = r && r->type == RSDK_REPLY_ARRAY && r->elements == 2 &&
                r->element[0].type == RSDK_REPLY_STATUS && r->element[1].type == RSDK_REPLY_INTEGER &&
                r->element[1].integer == 6;
}

static bool exec_done(void *ud) { return ((exec_result *)ud)->calls > 0; }

/* MULTI, the commands and EXEC as one queued unit: one completion, with
 * EXEC's reply (the QUEUED replies are read and dropped). */
static void test_multi_exec_unit(void **state) {
    RSDK_TEST_NEED_SERVER(state);
    rsdk_test_loop *l = at_loop();
    rsdk_async *a = at_open_default(l, *state, 3, false);
    rsdk_buf b;
    rsdk_buf_init(&b);
    assert_int_equal(rsdk_write_command(&b, 1, (const char *[]){"MULTI"}, NULL), RSDK_OK);
    assert_int_equal(rsdk_write_command(&b, 3, (const char *[]){"SET", "async:tx", "5"}, NULL), RSDK_OK);
    assert_int_equal(rsdk_write_command(&b, 2, (const char *[]){"INCR", "async:tx"}, NULL), RSDK_OK);
    assert_int_equal(rsdk_write_command(&b, 1, (const char *[]){"EXEC"}, NULL), RSDK_OK);
    exec_result x = {0};
    rsdk_async_call call = {.decode = exec_decode, .ud = &x};
    at_tally after = {.want = 1};
    assert_int_equal(rsdk_async_send_encoded(a, &b, 4, &call, NULL), RSDK_OK);
    assert_int_equal(rsdk_async_command(a, at_cb, &after, "GET", "async:tx", NULL), RSDK_OK);
    rsdk_buf_deinit(&b);
    assert_true(rsdk_test_loop_run_until(l, at_done, &after, 5000));
    assert_true(exec_done(&x));
    assert_int_equal(x.calls, 1);
    assert_true(x.shaped);
    assert_string_equal(after.last_str, "6");
    rsdk_async_free(a);
    rsdk_test_loop_close(l);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_tcp_resp3),
        cmocka_unit_test(test_unix_resp2),
        cmocka_unit_test(test_unix_resp3),
        cmocka_unit_test(test_ordering_100k_in_flight),
        cmocka_unit_test(test_handshake_login_db_name),
        cmocka_unit_test(test_wrong_password),
        cmocka_unit_test(test_bad_input),
        cmocka_unit_test(test_url),
        cmocka_unit_test(test_multi_exec_unit),
    };
    return cmocka_run_group_tests(tests, rsdk_test_server_group_setup, rsdk_test_server_group_teardown);
}
