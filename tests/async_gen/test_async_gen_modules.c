/* The generated _async calls of each module against the module's server,
 * on RESP2 and RESP3: the value each gives is the sync call's, the module
 * result types (TS samples, BF.INFO) included, kept past their callbacks.
 * One group per module: JSON (valkey-json), vector sets (Redis 8.0),
 * time series, bloom and search (Redis 8.0 with the module). */
#include <math.h>

#include "agen.h"
#include "rsdk/bloom.h"
#include "rsdk/json.h"
#include "rsdk/search.h"
#include "rsdk/timeseries.h"
#include "rsdk/vectorset.h"

#define OK(x) assert_int_equal((x), RSDK_OK)

/* Module types: moved out of the callback, as the keep rule allows. */
typedef struct mod_slot {
    ag_slot base;
    rts_samples samples;
    rbloom_bf_summary bf;
} mod_slot;

static void on_samples(rsdk_async *a, rsdk_status st, rts_samples *v, const rsdk_error *err,
                       void *ud) {
    mod_slot *m = ud;
    ag_status(a, st, err, &m->base);
    m->samples = *v;
    v->owner = NULL;
}

static void on_bf_info(rsdk_async *a, rsdk_status st, rbloom_bf_summary *v, const rsdk_error *err,
                       void *ud) {
    mod_slot *m = ud;
    ag_status(a, st, err, &m->base);
    m->bf = *v;
    v->owner = NULL;
}

static void json(rsdk_test_server *srv, int protocol) {
    ag_env e;
    ag_open(&e, srv, protocol);
    ag_slot s = {0};
    OK(rjson_set_str_async(e.a, "j", "$", "{\"a\":[1,2],\"b\":\"x\"}", NULL, ag_string, &s));
    ag_wait(&e, &s);
    assert_int_equal(s.st, RSDK_OK);
    ag_reset(&s);
    rjson_get_str_opts path = {.path = (rsdk_str[]){RSDK_S("$.a")}, .path_count = 1};
    rsdk_string text;
    OK(rjson_get_str(e.c, "j", &path, &text));
    OK(rjson_get_str_async(e.a, "j", &path, ag_string, &s));
    ag_wait(&e, &s);
    ag_assert_str_equal(rsdk_str_n(s.s.ptr, s.s.len), rsdk_str_n(text.ptr, text.len));
    rsdk_string_deinit(&text);
    ag_reset(&s);
    rsdk_ints lens;
    OK(rjson_arrappend(e.c, "j", "$.a", (rsdk_str[]){RSDK_S("3")}, 1, &lens));
    OK(rjson_arrappend_async(e.a, "j", "$.a", (rsdk_str[]){RSDK_S("4")}, 1, ag_ints, &s));
    ag_wait(&e, &s);
    assert_int_equal(s.ints.count, 1);
    assert_int_equal(rsdk_ints_at(&s.ints, 0).value, rsdk_ints_at(&lens, 0).value + 1);
    rsdk_ints_deinit(&lens);
    ag_reset(&s);
    ag_close(&e);
}

static void vectorset(rsdk_test_server *srv, int protocol) {
    ag_env e;
    ag_open(&e, srv, protocol);
    ag_slot s = {0};
    ag_do(&e, "DEL", "v", NULL);
    OK(rvset_add_async(e.a, "v", ((rvset_add_vector){.kind = RVSET_ADD_VECTOR_VALUES, .values = {(double[]){1, 0, 0}, 3}}),
                       "a", NULL, ag_bool, &s));
    ag_wait(&e, &s);
    assert_true(s.b);
    ag_reset(&s);
    OK(rvset_add_async(e.a, "v", ((rvset_add_vector){.kind = RVSET_ADD_VECTOR_VALUES, .values = {(double[]){0, 1, 0}, 3}}),
                       "b", NULL, ag_bool, &s));
    ag_wait(&e, &s);
    ag_reset(&s);
    OK(rvset_card_async(e.a, "v", ag_int, &s));
    ag_wait(&e, &s);
    assert_int_equal(s.i, 2);
    ag_reset(&s);
    /* WITHSCORES: a map on RESP3, flat on RESP2 */
    rvset_sim_query q = {.kind = RVSET_SIM_QUERY_ELE, .ele = RSDK_S("a")};
    rvset_sim_opts o = {.withscores = true};
    rsdk_scored sc;
    OK(rvset_sim(e.c, "v", q, &o, &sc));
    OK(rvset_sim_async(e.a, "v", q, &o, ag_scored, &s));
    ag_wait(&e, &s);
    assert_int_equal(s.scored.count, 2);
    assert_int_equal(s.scored.count, sc.count);
    for (size_t i = 0; i < sc.count; i++) {
        rsdk_scored_member x = rsdk_scored_at(&sc, i), y = rsdk_scored_at(&s.scored, i);
        ag_assert_str_equal(x.member, y.member);
        assert_true(x.has_score && y.has_score && fabs(x.score - y.score) < 1e-9);
    }
    rsdk_scored_deinit(&sc);
    ag_reset(&s);
    ag_close(&e);
}

static void timeseries(rsdk_test_server *srv, int protocol) {
    ag_env e;
    ag_open(&e, srv, protocol);
    ag_do(&e, "DEL", "ts", NULL);
    ag_slot s = {0};
    OK(rts_add_async(e.a, "ts", "1000", 1.5, NULL, ag_int, &s));
    ag_wait(&e, &s);
    assert_int_equal(s.i, 1000);
    ag_reset(&s);
    OK(rts_add_async(e.a, "ts", "2000", 2.5, NULL, ag_int, &s));
    ag_wait(&e, &s);
    ag_reset(&s);
    rts_samples want;
    OK(rts_range(e.c, "ts", "-", "+", NULL, &want));
    mod_slot m = {0};
    OK(rts_range_async(e.a, "ts", "-", "+", NULL, on_samples, &m));
    ag_wait(&e, &m.base);
    assert_int_equal(m.base.st, RSDK_OK);
    assert_int_equal(m.samples.count, 2);
    assert_int_equal(m.samples.count, want.count);
    for (size_t i = 0; i < want.count; i++) {
        assert_int_equal(m.samples.items[i].ts, want.items[i].ts);
        assert_true(m.samples.items[i].value == want.items[i].value);
    }
    rts_samples_deinit(&want);
    rts_samples_deinit(&m.samples);
    /* a failure: the value is empty */
    memset(&m, 0, sizeof m);
    OK(rts_range_async(e.a, "missing", "-", "+", NULL, on_samples, &m));
    ag_wait(&e, &m.base);
    assert_int_not_equal(m.base.st, RSDK_OK);
    assert_int_equal(m.samples.count, 0);
    assert_null(m.samples.owner);
    ag_close(&e);
}

static void bloom(rsdk_test_server *srv, int protocol) {
    ag_env e;
    ag_open(&e, srv, protocol);
    ag_do(&e, "DEL", "bf", NULL);
    ag_slot s = {0};
    OK(rbloom_bf_add_async(e.a, "bf", "x", ag_bool, &s));
    ag_wait(&e, &s);
    assert_true(s.b);
    ag_reset(&s);
    OK(rbloom_bf_madd_async(e.a, "bf", (rsdk_str[]){RSDK_S("x"), RSDK_S("y")}, 2, ag_bools, &s));
    ag_wait(&e, &s);
    assert_int_equal(s.bools.count, 2);
    assert_false(rsdk_bools_at(&s.bools, 0));
    assert_true(rsdk_bools_at(&s.bools, 1));
    ag_reset(&s);
    rbloom_bf_summary want;
    OK(rbloom_bf_info(e.c, "bf", NULL, &want));
    mod_slot m = {0};
    OK(rbloom_bf_info_async(e.a, "bf", NULL, on_bf_info, &m));
    ag_wait(&e, &m.base);
    assert_int_equal(m.bf.items, 2);
    assert_int_equal(m.bf.items, want.items);
    assert_int_equal(m.bf.capacity, want.capacity);
    rbloom_bf_summary_deinit(&want);
    rbloom_bf_summary_deinit(&m.bf);
    ag_close(&e);
}

static void search(rsdk_test_server *srv, int protocol) {
    ag_env e;
    ag_open(&e, srv, protocol);
    ag_do(&e, "FLUSHALL", NULL);
    ag_slot s = {0};
    const rsearch_create_field fields[] = {
        {.field_name = RSDK_S("title"), .field_type = RSEARCH_CREATE_FIELD_TYPE_TEXT},
    };
    OK(rsearch_create_async(e.a, "idx", fields, 1, NULL, ag_status, &s));
    ag_wait(&e, &s);
    assert_int_equal(s.st, RSDK_OK);
    ag_reset(&s);
    ag_do(&e, "HSET", "d:1", "title", "hello world", NULL);
    ag_do(&e, "HSET", "d:2", "title", "hello there", NULL);
    rsdk_reply *want = NULL;
    OK(rsearch_search(e.c, "idx", "hello", NULL, &want));
    OK(rsearch_search_async(e.a, "idx", "hello", NULL, ag_reply, &s));
    ag_wait(&e, &s);
    assert_int_equal(s.st, RSDK_OK);
    assert_int_equal(s.reply_type, want->type);
    assert_int_equal(s.reply_elements, want->elements);
    rsdk_reply_free(want);
    ag_reset(&s);
    /* a server error: no such index */
    OK(rsearch_search_async(e.a, "nope", "hello", NULL, ag_reply, &s));
    ag_wait(&e, &s);
    assert_int_not_equal(s.st, RSDK_OK);
    assert_true(s.msg[0] != '\0');
    ag_close(&e);
}

#define BOTH(fn)                                                  \
    RSDK_TEST_SERVER_CASE(fn##_resp2, fn, 2)                      \
    RSDK_TEST_SERVER_CASE(fn##_resp3, fn, 3)
BOTH(json)
BOTH(vectorset)
BOTH(timeseries)
BOTH(bloom)
BOTH(search)

static int setup_json(void **st) { return rsdk_test_module_group_setup(st, "valkey-9.1-sid", "valkey-json"); }
static int setup_redis8(void **st) { return rsdk_test_module_group_setup(st, "redis-8.0-trixie", NULL); }
static int setup_ts(void **st) { return rsdk_test_module_group_setup(st, "redis-8.0-trixie", "redistimeseries"); }
static int setup_bloom(void **st) { return rsdk_test_module_group_setup(st, "redis-8.0-trixie", "redisbloom"); }
static int setup_search(void **st) { return rsdk_test_module_group_setup(st, "redis-8.0-trixie", "redisearch"); }

#define GROUP(name, fn, setup)                                                               \
    do {                                                                                     \
        const struct CMUnitTest t[] = {cmocka_unit_test(fn##_resp2), cmocka_unit_test(fn##_resp3)}; \
        failed += cmocka_run_group_tests_name(name, t, setup, rsdk_test_server_group_teardown);   \
    } while (0)

int main(void) {
    int failed = 0;
    GROUP("json", json, setup_json);
    GROUP("vectorset", vectorset, setup_redis8);
    GROUP("timeseries", timeseries, setup_ts);
    GROUP("bloom", bloom, setup_bloom);
    GROUP("search", search, setup_search);
    return failed;
}
