/* Stream commands through their typed calls, on RESP2 and RESP3: XADD with
 * explicit and automatic IDs and MAXLEN trimming, XRANGE/XREVRANGE, XREAD
 * and XREADGROUP, XACK, XPENDING, XCLAIM, XINFO STREAM/GROUPS/CONSUMERS,
 * XDEL and XTRIM.
 *
 * XREAD and XREADGROUP answer RESP3 with a MAP stream -> entries and RESP2
 * with an array of [stream, entries] pairs; the typed calls give the MAP on
 * both. The decoder alone cannot regroup (it allocates nothing), so it
 * leaves RESP2's pair list as received (docs/codegen.md). A RESP2 reply
 * with two streams once came out as a MAP pairing one stream's [key,
 * entries] with the next: the last test pins that down without a server. */
#include <stdlib.h>

#include "rsdk/reader.h"
#include "typed_common.h"

/* The entries of `key` in an XREAD/XREADGROUP reply: a MAP stream ->
 * entries on both protocols. */
static const rsdk_reply *stream_entries(const rsdk_reply *r, int proto, const char *key) {
    (void)proto;
    assert_int_equal(r->type, RSDK_REPLY_MAP);
    return rsdk_reply_map_get(r, key);
}

static rsdk_str xadd(rsdk_client *c, const char *key, const char *id, const char *field, const char *value,
                     const rcore_xadd_opts *opts, char *idbuf, size_t cap) {
    rcore_xadd_id_selector sel = {.kind = id ? RCORE_XADD_ID_SELECTOR_ID : RCORE_XADD_ID_SELECTOR_AUTO_ID,
                                  .id = rsdk_str_c(id)};
    rcore_xadd_data d[] = {{rsdk_str_c(field), rsdk_str_c(value)}};
    rsdk_string out;
    OK(rcore_xadd(c, rsdk_str_c(key), sel, d, 1, opts, &out));
    assert_false(out.nil);
    snprintf(idbuf, cap, "%.*s", (int)out.len, out.ptr);
    rsdk_string_deinit(&out);
    return rsdk_str_c(idbuf);
}

/* An entry [id, [field, value, ...]]: checks id and the first pair. */
static void assert_entry(const rsdk_reply *e, const char *id, const char *field, const char *value) {
    assert_int_equal(e->type, RSDK_REPLY_ARRAY);
    assert_int_equal(e->elements, 2);
    assert_string_equal(e->element[0].str, id);
    assert_string_equal(e->element[1].element[0].str, field);
    assert_string_equal(e->element[1].element[1].str, value);
}

static void add_and_range(rsdk_client *c, int proto) {
    (void)proto;
    char id[64];
    xadd(c, "x:s", "1-1", "f", "a", NULL, id, sizeof id);
    assert_string_equal(id, "1-1");
    xadd(c, "x:s", "1-2", "f", "b", NULL, id, sizeof id);
    xadd(c, "x:s", NULL, "f", "c", NULL, id, sizeof id); /* "*": a time-based ID */
    assert_non_null(strchr(id, '-'));
    int64_t n = 0;
    OK(rcore_xlen(c, "x:s", &n));
    assert_int_equal(n, 3);
    /* NOMKSTREAM on a missing key: nil, nothing created */
    rsdk_string out;
    OK(rcore_xadd(c, "x:none", (rcore_xadd_id_selector){.kind = RCORE_XADD_ID_SELECTOR_AUTO_ID},
                  (rcore_xadd_data[]){{RSDK_S("f"), RSDK_S("v")}}, 1, &(rcore_xadd_opts){.nomkstream = true}, &out));
    assert_true(out.nil);
    rsdk_string_deinit(&out);
    rsdk_reply *r = NULL;
    OK(rcore_xrange(c, "x:s", "-", "+", &(rcore_xrange_opts){.has_count = true, .count = 2}, &r));
    assert_int_equal(r->elements, 2);
    assert_entry(&r->element[0], "1-1", "f", "a");
    assert_entry(&r->element[1], "1-2", "f", "b");
    rsdk_reply_free(r);
    OK(rcore_xrevrange(c, "x:s", "+", "-", &(rcore_xrevrange_opts){.has_count = true, .count = 1}, &r));
    assert_int_equal(r->elements, 1);
    assert_string_equal(r->element[0].element[0].str, id);
    rsdk_reply_free(r);
    /* MAXLEN = 2 while adding */
    rcore_xadd_opts trim = {.trim = &(rcore_xadd_trim){.strategy = RCORE_XADD_TRIM_STRATEGY_MAXLEN,
                                                       .operator_ = RCORE_XADD_TRIM_OPERATOR_EQUAL,
                                                       .threshold = RSDK_S("2")}};
    xadd(c, "x:s", NULL, "f", "d", &trim, id, sizeof id);
    OK(rcore_xlen(c, "x:s", &n));
    assert_int_equal(n, 2);
    OK(rcore_xdel(c, "x:s", (rsdk_str[]){rsdk_str_c(id), RSDK_S("0-1")}, 2, &n));
    assert_int_equal(n, 1);
    OK(rcore_xtrim(c, "x:s", (rcore_xtrim_trim){.strategy = RCORE_XTRIM_TRIM_STRATEGY_MAXLEN, .threshold = RSDK_S("0")},
                   &n));
    assert_int_equal(n, 1);
}

static void read(rsdk_client *c, int proto) {
    char id[64];
    xadd(c, "x:a", "5-1", "k", "v1", NULL, id, sizeof id);
    xadd(c, "x:b", "7-1", "k", "v2", NULL, id, sizeof id);
    rsdk_reply *r = NULL;
    rcore_xread_streams st = {(rsdk_str[]){RSDK_S("x:a"), RSDK_S("x:b")}, 2, (rsdk_str[]){RSDK_S("0"), RSDK_S("0")}, 2};
    OK(rcore_xread(c, st, &(rcore_xread_opts){.has_count = true, .count = 10}, &r));
    const rsdk_reply *a = stream_entries(r, proto, "x:a");
    const rsdk_reply *b = stream_entries(r, proto, "x:b");
    assert_non_null(a);
    assert_non_null(b);
    assert_entry(&a->element[0], "5-1", "k", "v1");
    assert_entry(&b->element[0], "7-1", "k", "v2");
    rsdk_reply_free(r);
    /* nothing new within 10 ms: nil */
    rcore_xread_streams last = {(rsdk_str[]){RSDK_S("x:a")}, 1, (rsdk_str[]){RSDK_S("$")}, 1};
    OK(rcore_xread(c, last, &(rcore_xread_opts){.has_milliseconds = true, .milliseconds = 10}, &r));
    assert_int_equal(r->type, RSDK_REPLY_NIL);
    rsdk_reply_free(r);
}

static void groups(rsdk_client *c, int proto) {
    OK(rcore_xgroup_create(c, "x:g", "grp", (rcore_xgroup_create_id_selector){.kind = RCORE_XGROUP_CREATE_ID_SELECTOR_ID,
                                                                            .id = RSDK_S("0")},
                           &(rcore_xgroup_create_opts){.mkstream = true}));
    FAILS(RSDK_ERR_RESPONSE, rcore_xgroup_create(c, "x:g", "grp",
                                                 (rcore_xgroup_create_id_selector){.kind = RCORE_XGROUP_CREATE_ID_SELECTOR_NEW_ID},
                                                 NULL)); /* BUSYGROUP */
    assert_string_equal(rsdk_client_error(c)->prefix, "BUSYGROUP");
    char id[64];
    xadd(c, "x:g", "1-1", "f", "1", NULL, id, sizeof id);
    xadd(c, "x:g", "1-2", "f", "2", NULL, id, sizeof id);
    rsdk_reply *r = NULL;
    OK(rcore_xreadgroup(c, (rcore_xreadgroup_group_block){RSDK_S("grp"), RSDK_S("alice")},
                        (rcore_xreadgroup_streams){(rsdk_str[]){RSDK_S("x:g")}, 1, (rsdk_str[]){RSDK_S(">")}, 1},
                        &(rcore_xreadgroup_opts){.has_count = true, .count = 1}, &r));
    const rsdk_reply *entries = stream_entries(r, proto, "x:g");
    assert_non_null(entries);
    assert_int_equal(entries->elements, 1);
    assert_entry(&entries->element[0], "1-1", "f", "1");
    rsdk_reply_free(r);
    OK(rcore_xpending(c, "x:g", "grp", NULL, &r)); /* summary: [count, min, max, [[consumer, n]]] */
    assert_int_equal(r->element[0].integer, 1);
    assert_string_equal(r->element[1].str, "1-1");
    assert_string_equal(r->element[3].element[0].element[0].str, "alice");
    rsdk_reply_free(r);
    OK(rcore_xpending(c, "x:g", "grp",
                      &(rcore_xpending_opts){.filters = &(rcore_xpending_filters){.start = RSDK_S("-"), .end = RSDK_S("+"),
                                                                                  .count = 10}},
                      &r));
    assert_int_equal(r->elements, 1);
    assert_string_equal(r->element[0].element[1].str, "alice");
    rsdk_reply_free(r);
    OK(rcore_xclaim(c, "x:g", "grp", "bob", "0", (rsdk_str[]){RSDK_S("1-1")}, 1, &(rcore_xclaim_opts){.justid = true},
                    &r));
    tc_assert_strings(r, 1, "1-1");
    rsdk_reply_free(r);
    int64_t n = 0;
    OK(rcore_xack(c, "x:g", "grp", (rsdk_str[]){RSDK_S("1-1"), RSDK_S("9-9")}, 2, &n));
    assert_int_equal(n, 1);
    /* XINFO: GROUPS and CONSUMERS are lists of maps on both protocols */
    OK(rcore_xinfo_groups(c, "x:g", &r));
    assert_int_equal(r->elements, 1);
    assert_int_equal(r->element[0].type, RSDK_REPLY_MAP);
    assert_string_equal(rsdk_reply_map_get(&r->element[0], "name")->str, "grp");
    assert_int_equal(rsdk_reply_map_get(&r->element[0], "consumers")->integer, 2);
    rsdk_reply_free(r);
    OK(rcore_xinfo_consumers(c, "x:g", "grp", &r));
    assert_int_equal(r->elements, 2);
    assert_int_equal(r->element[0].type, RSDK_REPLY_MAP);
    assert_non_null(rsdk_reply_map_get(&r->element[0], "pending"));
    rsdk_reply_free(r);
    OK(rcore_xinfo_stream(c, "x:g", NULL, &r));
    assert_int_equal(rsdk_reply_map_get(r, "length")->integer, 2);
    assert_int_equal(rsdk_reply_map_get(r, "groups")->integer, 1);
    rsdk_reply_free(r);
    OK(rcore_xinfo_stream(c, "x:g", &(rcore_xinfo_stream_opts){.full_block = &(rcore_xinfo_stream_full_block){
                                                                    .has_count = true, .count = 5}},
                          &r));
    assert_non_null(rsdk_reply_map_get(r, "entries"));
    rsdk_reply_free(r);
}

static void add_range_trim_delete(void **state) {
    RSDK_TEST_NEED_SERVER(state);
    tc_each_protocol(state, add_and_range);
}
static void xread_maps_streams_to_entries(void **state) {
    RSDK_TEST_NEED_SERVER(state);
    tc_each_protocol(state, read);
}
static void consumer_groups_pending_claim_info(void **state) {
    RSDK_TEST_NEED_SERVER(state);
    tc_each_protocol(state, groups);
}

/* RESP2 XREAD of two streams: [[k1, entries], [k2, entries]]. */
static void resp2_pair_array_is_not_made_a_map(void **state) {
    (void)state;
    static const char wire[] = "*2\r\n"
                               "*2\r\n$3\r\nx:a\r\n*1\r\n*2\r\n$3\r\n5-1\r\n*2\r\n$1\r\nk\r\n$2\r\nv1\r\n"
                               "*2\r\n$3\r\nx:b\r\n*1\r\n*2\r\n$3\r\n7-1\r\n*2\r\n$1\r\nk\r\n$2\r\nv2\r\n";
    rsdk_reader *rd = rsdk_reader_new(NULL);
    assert_non_null(rd);
    assert_int_equal(rsdk_reader_feed(rd, wire, sizeof wire - 1), RSDK_OK);
    rsdk_reply *r = NULL;
    assert_int_equal(rsdk_reader_get(rd, &r), RSDK_OK);
    assert_non_null(r);
    const rsdk_reply *out = NULL;
    assert_int_equal(rcore_xread_decode(r, &out, NULL), RSDK_OK);
    assert_ptr_equal(out, r);
    assert_int_equal(out->type, RSDK_REPLY_ARRAY); /* not a MAP keyed by arrays */
    assert_int_equal(out->elements, 2);
    assert_int_equal(out->element[1].type, RSDK_REPLY_ARRAY);
    assert_string_equal(out->element[1].element[0].str, "x:b");
    rsdk_reply_free(r);
    rsdk_reader_free(rd);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(add_range_trim_delete),
        cmocka_unit_test(xread_maps_streams_to_entries),
        cmocka_unit_test(consumer_groups_pending_claim_info),
        cmocka_unit_test(resp2_pair_array_is_not_made_a_map),
    };
    return cmocka_run_group_tests(tests, rsdk_test_server_group_setup, rsdk_test_server_group_teardown);
}
