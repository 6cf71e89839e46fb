/* Running out of memory while bringing a RESP2 reply to its RESP3 form is
 * reported, never a crash, leak or silently wrong tree: a queue wrapper that
 * cannot record its shape rolls its command back (RSDK_ERR_NOMEM, the rest
 * of the pipeline intact); an exec whose reshaping fails returns
 * RSDK_ERR_NOMEM naming the reply, which stays readable as received, in a
 * plain pipeline and in a transaction; a sync call returns RSDK_ERR_NOMEM
 * and hands nothing out. The refused allocation is the last one of the
 * call, found by counting a run that succeeds. */
#include "rsdk/txn.h"
#include "support/fail_alloc.h"
#include "typed_common.h"

static const rcore_zrange_opts WITHSCORES = {.withscores = true};

static void data(rsdk_client *c) {
    OK(rcore_flushall(c, NULL));
    OK(rcore_zadd(c, "z", (rcore_zadd_data[]){{1, RSDK_S("a")}, {2, RSDK_S("b")}}, 2, NULL, NULL));
}

static void queue_with_no_room_for_the_shape_rolls_back(rsdk_client *c) {
    rsdk_pipeline *p = NULL;
    assert_int_equal(rsdk_pipeline_new(c, &p), RSDK_OK);
    rsdk_error err;
    OK(rcore_ping_queue(p, NULL, &err)); /* the buffer is allocated by now */
    rsdk_test_alloc_install();
    rsdk_test_alloc_fail_nth(1);
    rsdk_status st = rcore_zrange_queue(p, "z", "0", "-1", &WITHSCORES, &err);
    size_t refused = rsdk_test_alloc_refused();
    rsdk_test_alloc_remove();
    assert_int_equal(refused, 1);
    assert_int_equal(st, RSDK_ERR_NOMEM);
    assert_int_equal(err.code, RSDK_ERR_NOMEM);
    assert_int_equal(rsdk_pipeline_count(p), 1); /* only PING */
    OK(rsdk_pipeline_exec(p));
    assert_int_equal(rsdk_pipeline_reply_count(p), 1);
    OK(rcore_ping_decode(rsdk_pipeline_reply(p, 0), NULL, NULL));
    rsdk_pipeline_free(p);
}

/* Queues ZRANGE WITHSCORES in `p` and runs it with every allocation after
 * the first `budget` refused (SIZE_MAX: none). Returns the exec's status. */
static rsdk_status exec_refusing(rsdk_client *c, rsdk_pipeline *p, size_t budget) {
    rsdk_error err;
    OK(rcore_zrange_queue(p, "z", "0", "-1", &WITHSCORES, &err));
    rsdk_test_alloc_install();
    rsdk_test_alloc_fail_after(budget);
    rsdk_status st = rsdk_pipeline_exec(p);
    rsdk_test_alloc_remove();
    return st;
}

static size_t allocations_of_exec(rsdk_client *c, rsdk_pipeline *p) {
    rsdk_error err;
    OK(rcore_zrange_queue(p, "z", "0", "-1", &WITHSCORES, &err));
    rsdk_test_alloc_install();
    rsdk_status st = rsdk_pipeline_exec(p);
    size_t n = rsdk_test_alloc_stats_get().allocs;
    rsdk_test_alloc_remove();
    assert_int_equal(st, RSDK_OK);
    assert_int_equal(rsdk_pipeline_reply(p, 0)->elements, 2); /* regrouped */
    return n;
}

/* In a plain pipeline the rebuilt tree's arena is the last allocation; in
 * a transaction the list that keeps it follows, so both are refused in
 * turn there. */
static void exec_without_memory_to_reshape(rsdk_client *c, bool txn) {
    rsdk_pipeline *p = NULL;
    assert_int_equal(rsdk_pipeline_new(c, &p), RSDK_OK);
    if (txn) OK(rsdk_pipeline_set_transaction(p, true));
    (void)allocations_of_exec(c, p); /* warm up: buffers at their size */
    size_t n = allocations_of_exec(c, p);
    assert_true(n >= 1);
    for (size_t from_end = 1; from_end <= (txn ? 2u : 1u); from_end++) {
        rsdk_status st = exec_refusing(c, p, n - from_end);
        assert_int_equal(st, RSDK_ERR_NOMEM);
        assert_non_null(strstr(rsdk_client_error(c)->message, "RESP3 form"));
        const rsdk_reply *r = rsdk_pipeline_reply(p, 0);
        assert_non_null(r);
        assert_int_equal(r->type, RSDK_REPLY_ARRAY);
        assert_int_equal(r->elements, 4); /* as received: flat */
        assert_int_equal(r->element[1].type, RSDK_REPLY_DOUBLE); /* tags still normalised */
    }
    /* and the pipeline works on */
    assert_int_equal(exec_refusing(c, p, SIZE_MAX), RSDK_OK);
    assert_int_equal(rsdk_pipeline_reply(p, 0)->elements, 2);
    rsdk_pipeline_free(p);
}

static void sync_call_without_memory_to_reshape(rsdk_client *c) {
    rsdk_scored r;
    rsdk_test_alloc_install();
    OK(rcore_zrange(c, "z", "0", "-1", &WITHSCORES, &r));
    size_t n = rsdk_test_alloc_stats_get().allocs;
    rsdk_test_alloc_remove();
    rsdk_scored_deinit(&r);
    r.count = 77;
    rsdk_test_alloc_install();
    rsdk_test_alloc_fail_after(n - 1);
    rsdk_status st = rcore_zrange(c, "z", "0", "-1", &WITHSCORES, &r);
    rsdk_test_alloc_remove();
    assert_int_equal(st, RSDK_ERR_NOMEM);
    assert_int_equal(r.count, 77); /* untouched */
    OK(rcore_zrange(c, "z", "0", "-1", &WITHSCORES, &r)); /* the client works on */
    assert_int_equal(r.count, 2);
    assert_true(rsdk_scored_at(&r, 1).has_score);
    rsdk_scored_deinit(&r);
}

static void resp2_reshaping_out_of_memory(void **state) {
    RSDK_TEST_NEED_SERVER(state);
    rsdk_client *c = rsdk_test_client(*state, 2, false);
    assert_int_equal(rsdk_client_protocol(c), 2);
    data(c);
    queue_with_no_room_for_the_shape_rolls_back(c);
    exec_without_memory_to_reshape(c, false);
    exec_without_memory_to_reshape(c, true);
    sync_call_without_memory_to_reshape(c);
    rsdk_client_close(c);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(resp2_reshaping_out_of_memory),
    };
    return cmocka_run_group_tests(tests, rsdk_test_server_group_setup, rsdk_test_server_group_teardown);
}
