/* Every DEBUG PROTOCOL reply type, read from a real server under RESP3 and
 * RESP2, arrives with the right type and value. */
#include "support/live.h"

static int push_count;

static void count_push(rsdk_client *c, rsdk_reply *push, void *ud) {
    (void)c;
    rsdk_reply **keep = ud;
    push_count++;
    rsdk_reply_free(*keep);
    *keep = push;
}

static rsdk_reply *debug_protocol(rsdk_client *c, const char *type) {
    return CMD_OK(c, "DEBUG", "PROTOCOL", type);
}

static void assert_text(const rsdk_reply *r, rsdk_reply_type type, const char *want) {
    assert_int_equal(r->type, type);
    assert_int_equal(r->len, strlen(want));
    assert_memory_equal(r->str, want, r->len);
    assert_int_equal(r->str[r->len], '\0');
}

static void assert_int_node(const rsdk_reply *r, int64_t v) {
    assert_int_equal(r->type, RSDK_REPLY_INTEGER);
    assert_int_equal(r->integer, v);
}

static void assert_012(const rsdk_reply *r, rsdk_reply_type type) {
    assert_int_equal(r->type, type);
    assert_int_equal(r->elements, 3);
    for (int i = 0; i < 3; i++) assert_int_node(&r->element[i], i);
}

static void scalars(rsdk_client *c, int proto) {
    rsdk_reply *r = debug_protocol(c, "string");
    assert_text(r, RSDK_REPLY_STRING, "Hello World");
    rsdk_reply_free(r);

    r = debug_protocol(c, "integer");
    assert_int_node(r, 12345);
    rsdk_reply_free(r);

    r = debug_protocol(c, "double");
    if (proto == 3) {
        assert_int_equal(r->type, RSDK_REPLY_DOUBLE);
        assert_true(r->dval == 3.141);
    } else {
        assert_text(r, RSDK_REPLY_STRING, "3.141");
    }
    rsdk_reply_free(r);

    r = debug_protocol(c, "bignum");
    assert_text(r, proto == 3 ? RSDK_REPLY_BIGNUM : RSDK_REPLY_STRING,
                "1234567999999999999999999999999999999");
    rsdk_reply_free(r);

    r = debug_protocol(c, "null");
    assert_int_equal(r->type, RSDK_REPLY_NIL);
    rsdk_reply_free(r);

    r = debug_protocol(c, "true");
    assert_int_equal(r->type, proto == 3 ? RSDK_REPLY_BOOL : RSDK_REPLY_INTEGER);
    assert_int_equal(r->integer, 1);
    rsdk_reply_free(r);

    r = debug_protocol(c, "false");
    assert_int_equal(r->type, proto == 3 ? RSDK_REPLY_BOOL : RSDK_REPLY_INTEGER);
    assert_int_equal(r->integer, 0);
    rsdk_reply_free(r);

    r = debug_protocol(c, "verbatim");
    if (proto == 3) {
        assert_text(r, RSDK_REPLY_VERB, "This is a verbatim\nstring");
        assert_string_equal(r->vtype, "txt");
    } else {
        assert_text(r, RSDK_REPLY_STRING, "This is a verbatim\nstring");
    }
    rsdk_reply_free(r);
}

static void aggregates(rsdk_client *c, int proto) {
    rsdk_reply *r = debug_protocol(c, "array");
    assert_012(r, RSDK_REPLY_ARRAY);
    rsdk_reply_free(r);

    r = debug_protocol(c, "set");
    assert_012(r, proto == 3 ? RSDK_REPLY_SET : RSDK_REPLY_ARRAY);
    rsdk_reply_free(r);

    /* {0: false, 1: true, 2: false}; RESP2 flattens it and sends 0/1. */
    r = debug_protocol(c, "map");
    assert_int_equal(r->type, proto == 3 ? RSDK_REPLY_MAP : RSDK_REPLY_ARRAY);
    assert_int_equal(r->elements, 6);
    for (int i = 0; i < 3; i++) {
        assert_int_node(&r->element[2 * i], i);
        const rsdk_reply *v = &r->element[2 * i + 1];
        assert_int_equal(v->type, proto == 3 ? RSDK_REPLY_BOOL : RSDK_REPLY_INTEGER);
        assert_int_equal(v->integer, i == 1);
    }
    rsdk_reply_free(r);

    r = debug_protocol(c, "attrib");
    assert_text(r, RSDK_REPLY_STRING, "Some real reply following the attribute");
    if (proto == 3) {
        const rsdk_reply *a = r->attribute;
        assert_non_null(a);
        assert_int_equal(a->type, RSDK_REPLY_MAP);
        assert_int_equal(a->elements, 2);
        assert_text(&a->element[0], RSDK_REPLY_STRING, "key-popularity");
        const rsdk_reply *v = rsdk_reply_map_get(a, "key-popularity");
        assert_non_null(v);
        assert_int_equal(v->type, RSDK_REPLY_ARRAY);
        assert_int_equal(v->elements, 2);
        assert_text(&v->element[0], RSDK_REPLY_STRING, "key:123");
        assert_int_node(&v->element[1], 90);
    } else {
        assert_null(r->attribute);
    }
    rsdk_reply_free(r);
}

/* The push must go to the push handler by the time the call returns, and
 * the command gets the real reply, in either order the server writes them:
 * Redis 7.0 and Valkey write the push first, Redis 8.0 right after the
 * reply (in the same write, so it is already buffered). */
static void push(rsdk_client *c, int proto) {
    rsdk_reply *got = NULL;
    push_count = 0;
    rsdk_client_set_push_handler(c, count_push, &got);
    rsdk_reply *r = NULL;
    rsdk_status s = rsdk_client_command(c, &r, "DEBUG", "PROTOCOL", "push", (const char *)NULL);
    if (proto == 3) {
        assert_int_equal(s, RSDK_OK);
        assert_text(r, RSDK_REPLY_STRING, "Some real reply following the push reply");
        rsdk_reply_free(r);
        assert_int_equal(push_count, 1);
        assert_non_null(got);
        assert_int_equal(got->type, RSDK_REPLY_PUSH);
        assert_int_equal(got->elements, 2);
        assert_text(&got->element[0], RSDK_REPLY_STRING, "server-cpu-usage");
        assert_int_node(&got->element[1], 42);
    } else {
        /* RESP2 has no push type: the server refuses. */
        assert_int_equal(s, RSDK_ERR_RESPONSE);
        assert_null(r);
        assert_string_equal(rsdk_client_error(c)->prefix, "ERR");
        assert_int_equal(push_count, 0);
    }
    rsdk_reply_free(got);
    rsdk_client_set_push_handler(c, NULL, NULL);
    /* The connection is still in step. */
    CMD_STR(c, "PONG", "PING");
}

static void run_all(void **state, int proto) {
    RSDK_TEST_NEED_SERVER(state);
    rsdk_client *c = rsdk_test_client(*state, proto, true);
    assert_int_equal(rsdk_client_protocol(c), proto);
    scalars(c, proto);
    aggregates(c, proto);
    push(c, proto);
    rsdk_client_close(c);
}

static void test_all_types_resp3(void **state) { run_all(state, 3); }
static void test_all_types_resp2(void **state) { run_all(state, 2); }

/* Without a handler a push is dropped, never taken as the reply. */
static void test_push_dropped_without_handler(void **state) {
    RSDK_TEST_NEED_SERVER(state);
    rsdk_client *c = rsdk_test_client(*state, 3, false);
    rsdk_reply *r = CMD_OK(c, "DEBUG", "PROTOCOL", "push");
    assert_text(r, RSDK_REPLY_STRING, "Some real reply following the push reply");
    rsdk_reply_free(r);
    CMD_STR(c, "PONG", "PING");
    rsdk_client_close(c);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_all_types_resp3),
        cmocka_unit_test(test_all_types_resp2),
        cmocka_unit_test(test_push_dropped_without_handler),
    };
    return cmocka_run_group_tests(tests, rsdk_test_server_group_setup, rsdk_test_server_group_teardown);
}
