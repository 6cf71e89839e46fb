/* A pipeline's replies live until its next exec, and that exec lends their
 * memory to the replies it reads: repeating a batch allocates nothing per
 * reply, and every reply still carries the fresh value (longer, shorter or
 * nil), never one of the last exec's. */
#include "support/fail_alloc.h"
#include "support/live.h"

enum { BATCH = 100 };

static void queue_gets(rsdk_pipeline *p) {
    char key[32];
    for (int i = 0; i < BATCH; i++) {
        snprintf(key, sizeof key, "mem:%d", i);
        QUEUE(p, "GET", key);
    }
}

/* Sets key i to `len` bytes of `fill` (len 0: deletes it). */
static void set_all(rsdk_client *c, size_t len, char fill) {
    char key[32], *val = malloc(len + 1);
    assert_non_null(val);
    memset(val, fill, len);
    val[len] = '\0';
    for (int i = 0; i < BATCH; i++) {
        snprintf(key, sizeof key, "mem:%d", i);
        if (len) CMD_DO(c, "SET", key, val);
        else CMD_DO(c, "DEL", key);
    }
    free(val);
}

static void expect_values(const rsdk_pipeline *p, size_t len, char fill) {
    assert_int_equal(rsdk_pipeline_reply_count(p), BATCH);
    for (int i = 0; i < BATCH; i++) {
        const rsdk_reply *r = rsdk_pipeline_reply(p, (size_t)i);
        assert_non_null(r);
        if (!len) {
            assert_int_equal(r->type, RSDK_REPLY_NIL);
            assert_null(r->str);
            continue;
        }
        assert_int_equal(r->type, RSDK_REPLY_STRING);
        assert_int_equal(r->len, len);
        for (size_t k = 0; k < len; k++) assert_int_equal(r->str[k], fill);
        assert_int_equal(r->str[len], '\0');
    }
}

static void a_repeated_batch_allocates_nothing_per_reply(void **state) {
    RSDK_TEST_NEED_SERVER(state);
    for (int proto = 2; proto <= 3; proto++) {
        rsdk_client *c = rsdk_test_client(*state, proto, false);
        set_all(c, 63, 'a');
        rsdk_pipeline *p = NULL;
        assert_int_equal(rsdk_pipeline_new(c, &p), RSDK_OK);
        assert_non_null(p);
        queue_gets(p);
        assert_int_equal(rsdk_pipeline_exec(p), RSDK_OK); /* buffers grow here */
        queue_gets(p);
        rsdk_test_alloc_install();
        assert_int_equal(rsdk_pipeline_exec(p), RSDK_OK);
        rsdk_test_alloc_stats s = rsdk_test_alloc_stats_get();
        rsdk_test_alloc_remove();
        if (s.allocs >= 10) fail_msg("RESP%d: %zu allocations for a batch of %d replies", proto, s.allocs, BATCH);
        expect_values(p, 63, 'a');
        rsdk_pipeline_free(p);
        rsdk_client_close(c);
    }
}

static void reused_memory_carries_the_fresh_replies(void **state) {
    RSDK_TEST_NEED_SERVER(state);
    rsdk_client *c = rsdk_test_client(*state, 3, false);
    rsdk_pipeline *p = NULL;
    assert_int_equal(rsdk_pipeline_new(c, &p), RSDK_OK);
    assert_non_null(p);
    static const struct {
        size_t len;
        char fill;
    } rounds[] = {{63, 'a'}, {5, 'b'}, {0, 0}, {300, 'c'}, {2000, 'd'}, {1, 'e'}, {63, 'f'}};
    for (size_t r = 0; r < sizeof rounds / sizeof rounds[0]; r++) {
        set_all(c, rounds[r].len, rounds[r].fill);
        queue_gets(p);
        assert_int_equal(rsdk_pipeline_exec(p), RSDK_OK);
        expect_values(p, rounds[r].len, rounds[r].fill);
    }
    rsdk_pipeline_free(p);
    rsdk_client_close(c);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(a_repeated_batch_allocates_nothing_per_reply),
        cmocka_unit_test(reused_memory_carries_the_fresh_replies),
    };
    return cmocka_run_group_tests(tests, rsdk_test_server_group_setup, rsdk_test_server_group_teardown);
}
