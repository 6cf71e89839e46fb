/* Every command whose RESP2 reply differs from its RESP3 reply by more than
 * a type tag (pairs sent flat, XREAD's map sent as a pair list, numbers as
 * text inside alternatives, maps inside alternatives), and one command of
 * each typed view, gives the very same tree through its typed call on both
 * protocols: sync, queued in a pipeline and queued in a transaction. The RESP3 sync result is the
 * reference; each other run must match it node for node. A decoder given
 * the raw RESP2 reply (no shape recorded for it) matches too where no new
 * nodes are needed, and leaves RESP2's layout otherwise (docs/codegen.md). */
#include <math.h>
#include <stdlib.h>

#include "rsdk/pipeline_internal.h"
#include "rsdk/txn.h"
#include "typed_common.h"

/* ---- deep comparison ------------------------------------------------------ */

static void same_tree(const rsdk_reply *want, const rsdk_reply *got, const char *what, const char *path) {
    if (want == NULL || got == NULL) {
        if (want != got) fail_msg("%s at %s: %s reply missing", what, path, want ? "second" : "first");
        return;
    }
    if (want->type != got->type)
        fail_msg("%s at %s: %s, expected %s", what, path, rsdk_reply_type_str(got->type),
                 rsdk_reply_type_str(want->type));
    switch (want->type) {
    case RSDK_REPLY_INTEGER:
    case RSDK_REPLY_BOOL:
        if (want->integer != got->integer)
            fail_msg("%s at %s: %lld, expected %lld", what, path, (long long)got->integer,
                     (long long)want->integer);
        break;
    case RSDK_REPLY_DOUBLE:
        if (!(want->dval == got->dval || (isnan(want->dval) && isnan(got->dval))))
            fail_msg("%s at %s: %.17g, expected %.17g", what, path, got->dval, want->dval);
        break;
    default: break;
    }
    if (rsdk_reply_has_str(want) &&
        ((want->str == NULL) != (got->str == NULL) || want->len != got->len ||
         (want->len > 0 && memcmp(want->str, got->str, want->len) != 0)))
        fail_msg("%s at %s: text \"%.*s\", expected \"%.*s\"", what, path, (int)got->len,
                 got->str ? got->str : "", (int)want->len, want->str ? want->str : "");
    if (!rsdk_reply_is_aggregate(want)) return;
    if (want->elements != got->elements)
        fail_msg("%s at %s: %zu elements, expected %zu", what, path, got->elements, want->elements);
    for (size_t i = 0; i < want->elements; i++) {
        char sub[256];
        snprintf(sub, sizeof sub, "%s[%zu]", path, i);
        same_tree(&want->element[i], &got->element[i], what, sub);
    }
}

/* ---- the commands ----------------------------------------------------------- */

/* The queue wrapper, and the encoder committed without a shape. */
#define QUEUE_AND_RAW(name, fn, ...)                                                          \
    static rsdk_status name##_queue(rsdk_pipeline *p, rsdk_error *err) {                      \
        return fn##_queue(p, __VA_ARGS__, err);                                               \
    }                                                                                         \
    static rsdk_status name##_raw(rsdk_pipeline *p, rsdk_error *err) {                        \
        rsdk_status st = fn##_encode(rsdk_pipeline_buf(p), __VA_ARGS__, err);                 \
        if (st == RSDK_OK) rsdk_pipeline_commit(p);                                           \
        else rsdk_pipeline_rollback(p);                                                       \
        return st;                                                                            \
    }

/* For one typed call: the sync call, its queue wrapper, and the encoder
 * committed without a shape (a raw slot, as any other encoder would queue
 * it), all with the same arguments. */
#define CALL(name, fn, ...)                                                                   \
    static rsdk_status name##_sync(rsdk_client *c, rsdk_reply **out) {                        \
        return fn(c, __VA_ARGS__, out);                                                       \
    }                                                                                         \
    QUEUE_AND_RAW(name, fn, __VA_ARGS__)
/* The same for a call whose result is a view (rsdk/typed.h): the tree
 * compared is the view's own reply, which the sync call hands over with it
 * (owner) and the decoder borrows (reply). */
#define VIEW_CALL(name, T, fn, ...)                                                           \
    static rsdk_status name##_view_sync(rsdk_client *c, rsdk_reply **out) {                   \
        T v;                                                                                  \
        rsdk_status st = fn(c, __VA_ARGS__, &v);                                              \
        if (st == RSDK_OK) *out = v.owner;                                                    \
        return st;                                                                            \
    }                                                                                         \
    static rsdk_status name##_view_decode(rsdk_reply *r, const rsdk_reply **out,              \
                                          rsdk_error *err) {                                  \
        T v;                                                                                  \
        rsdk_status st = fn##_decode(r, &v, err);                                             \
        if (st == RSDK_OK) *out = v.reply;                                                    \
        return st;                                                                            \
    }                                                                                         \
    static rsdk_status name##_sync(rsdk_client *c, rsdk_reply **out) {                        \
        return name##_view_sync(c, out);                                                      \
    }                                                                                         \
    QUEUE_AND_RAW(name, fn, __VA_ARGS__)

/* The same for calls without arguments. */
#define CALL0(name, fn)                                                                       \
    static rsdk_status name##_sync(rsdk_client *c, rsdk_reply **out) { return fn(c, out); }   \
    static rsdk_status name##_queue(rsdk_pipeline *p, rsdk_error *err) {                      \
        return fn##_queue(p, err);                                                            \
    }                                                                                         \
    static rsdk_status name##_raw(rsdk_pipeline *p, rsdk_error *err) {                        \
        rsdk_status st = fn##_encode(rsdk_pipeline_buf(p), err);                              \
        if (st == RSDK_OK) rsdk_pipeline_commit(p);                                           \
        else rsdk_pipeline_rollback(p);                                                       \
        return st;                                                                            \
    }

static const rsdk_str ZKEYS[] = {{"z:a", 3}, {"z:b", 3}};

VIEW_CALL(zrange_ws, rsdk_scored, rcore_zrange, "z:a", "0", "-1", &(rcore_zrange_opts){.withscores = true})
VIEW_CALL(zrange_byscore_ws, rsdk_scored, rcore_zrange, "z:a", "(1", "+inf",
     &(rcore_zrange_opts){.sortby = RCORE_ZRANGE_SORTBY_BYSCORE, .limit = &(rcore_zrange_limit){0, 2},
                          .withscores = true})
VIEW_CALL(zrange_plain, rsdk_scored, rcore_zrange, "z:a", "0", "-1", NULL)
VIEW_CALL(zrangebyscore_ws, rsdk_scored, rcore_zrangebyscore, "z:a", "-inf", "+inf", &(rcore_zrangebyscore_opts){.withscores = true})
VIEW_CALL(zrevrange_ws, rsdk_scored, rcore_zrevrange, "z:a", 0, -1, &(rcore_zrevrange_opts){.withscores = true})
VIEW_CALL(zrevrangebyscore_ws, rsdk_scored, rcore_zrevrangebyscore, "z:a", "+inf", "-inf",
     &(rcore_zrevrangebyscore_opts){.withscores = true})
VIEW_CALL(zinter_ws, rsdk_scored, rcore_zinter, ZKEYS, 2, &(rcore_zinter_opts){.withscores = true})
VIEW_CALL(zunion_ws, rsdk_scored, rcore_zunion, ZKEYS, 2, &(rcore_zunion_opts){.withscores = true})
VIEW_CALL(zdiff_ws, rsdk_scored, rcore_zdiff, ZKEYS, 2, &(rcore_zdiff_opts){.withscores = true})
/* z:one has one member, so a negative count repeats it: the same on both */
VIEW_CALL(zrandmember_ws, rsdk_scored, rcore_zrandmember, "z:one",
     &(rcore_zrandmember_opts){.options = &(rcore_zrandmember_options){.count = -3, .withscores = true}})
VIEW_CALL(zrandmember_count, rsdk_scored, rcore_zrandmember, "z:one",
     &(rcore_zrandmember_opts){.options = &(rcore_zrandmember_options){.count = -2}})
VIEW_CALL(zrandmember_one, rsdk_scored, rcore_zrandmember, "z:one", NULL)
VIEW_CALL(hrandfield_wv, rsdk_pairs, rcore_hrandfield, "h:one",
     &(rcore_hrandfield_opts){.options = &(rcore_hrandfield_options){.count = -2, .withvalues = true}})
VIEW_CALL(zpopmin_count, rsdk_scored, rcore_zpopmin, "z:a", &(rcore_zpopmin_opts){.has_count = true, .count = 2})
VIEW_CALL(zpopmin_one, rsdk_scored, rcore_zpopmin, "z:a", NULL)
VIEW_CALL(zpopmin_count_one, rsdk_scored, rcore_zpopmin, "z:a", &(rcore_zpopmin_opts){.has_count = true, .count = 1})
VIEW_CALL(zpopmin_missing, rsdk_scored, rcore_zpopmin, "z:none", &(rcore_zpopmin_opts){.has_count = true, .count = 2})
VIEW_CALL(zpopmax_count, rsdk_scored, rcore_zpopmax, "z:a", &(rcore_zpopmax_opts){.has_count = true, .count = 2})
VIEW_CALL(zpopmax_one, rsdk_scored, rcore_zpopmax, "z:a", NULL)
VIEW_CALL(bzpopmin, rsdk_scored, rcore_bzpopmin, ZKEYS, 2, 0.01)
VIEW_CALL(bzpopmax, rsdk_scored, rcore_bzpopmax, ZKEYS, 2, 0.01)
VIEW_CALL(zmpop, rsdk_scored, rcore_zmpop, ZKEYS, 2, RCORE_ZMPOP_WHERE_MIN, &(rcore_zmpop_opts){.has_count = true, .count = 2})
VIEW_CALL(bzmpop, rsdk_scored, rcore_bzmpop, 0.01, ZKEYS, 2, RCORE_BZMPOP_WHERE_MAX, NULL)
VIEW_CALL(zmscore, rsdk_doubles, rcore_zmscore, "z:a", (rsdk_str[]){RSDK_S("m2"), RSDK_S("none")}, 2)
VIEW_CALL(xread, rsdk_streams, rcore_xread,
     (rcore_xread_streams){(rsdk_str[]){RSDK_S("x:a"), RSDK_S("x:b")}, 2, (rsdk_str[]){RSDK_S("0"), RSDK_S("0")}, 2},
     NULL)
VIEW_CALL(xreadgroup, rsdk_streams, rcore_xreadgroup, (rcore_xreadgroup_group_block){RSDK_S("grp"), RSDK_S("alice")},
     (rcore_xreadgroup_streams){(rsdk_str[]){RSDK_S("x:a")}, 1, (rsdk_str[]){RSDK_S(">")}, 1}, NULL)
CALL(xinfo_stream, rcore_xinfo_stream, "x:a", NULL)
CALL(xinfo_stream_full, rcore_xinfo_stream, "x:a",
     &(rcore_xinfo_stream_opts){.full_block = &(rcore_xinfo_stream_full_block){0}})
CALL(xinfo_groups, rcore_xinfo_groups, "x:a")
CALL(lcs_idx, rcore_lcs, "s:1", "s:2", &(rcore_lcs_opts){.idx = true, .withmatchlen = true})
VIEW_CALL(geosearch, rsdk_geo, rcore_geosearch, "g:s",
     (rcore_geosearch_from){.kind = RCORE_GEOSEARCH_FROM_FROMLONLAT, .fromlonlat = {15, 37}},
     (rcore_geosearch_by){.kind = RCORE_GEOSEARCH_BY_CIRCLE, .circle = {200, RCORE_GEOSEARCH_CIRCLE_UNIT_KM}},
     &(rcore_geosearch_opts){.order = RCORE_GEOSEARCH_ORDER_ASC, .withcoord = true, .withdist = true,
                             .withhash = true})
CALL(georadius, rcore_georadius, "g:s", 15, 37, 200, RCORE_GEORADIUS_UNIT_KM,
     &(rcore_georadius_opts){.withcoord = true, .order = RCORE_GEORADIUS_ORDER_ASC})
CALL(georadiusbymember, rcore_georadiusbymember, "g:s", "Palermo", 200, RCORE_GEORADIUSBYMEMBER_UNIT_KM,
     &(rcore_georadiusbymember_opts){.withcoord = true, .withdist = true, .order = RCORE_GEORADIUSBYMEMBER_ORDER_ASC})
VIEW_CALL(geopos, rsdk_geo, rcore_geopos, "g:s", &(rcore_geopos_opts){(rsdk_str[]){RSDK_S("Palermo"), RSDK_S("none")}, 2})
VIEW_CALL(georadius_ro, rsdk_geo, rcore_georadius_ro, "g:s", 15, 37, 200, RCORE_GEORADIUS_RO_UNIT_KM,
          &(rcore_georadius_ro_opts){.withcoord = true, .withhash = true, .order = RCORE_GEORADIUS_RO_ORDER_ASC})
VIEW_CALL(smismember, rsdk_bools, rcore_smismember, "s:a", (rsdk_str[]){RSDK_S("x"), RSDK_S("q")}, 2)
VIEW_CALL(lpos_one, rsdk_ints, rcore_lpos, "l:a", "c", NULL)
VIEW_CALL(lpos_all, rsdk_ints, rcore_lpos, "l:a", "c", &(rcore_lpos_opts){.has_num_matches = true, .num_matches = 0})
VIEW_CALL(bitfield, rsdk_ints, rcore_bitfield, "b:f",
          &(rcore_bitfield_opts){(rcore_bitfield_operation[]){{.kind = RCORE_BITFIELD_OPERATION_GET_BLOCK,
                                                                .get_block = {RSDK_S("u8"), 0}}},
                                 1})
VIEW_CALL(httl, rsdk_ints, rcore_httl, "h:one", (rcore_httl_fields){(rsdk_str[]){RSDK_S("f"), RSDK_S("none")}, 2})
VIEW_CALL(waitaof, rsdk_ints, rcore_waitaof, 0, 0, 0)
VIEW_CALL(xrange, rsdk_stream_entries, rcore_xrange, "x:a", "-", "+", NULL)
VIEW_CALL(xclaim, rsdk_stream_entries, rcore_xclaim, "x:a", "grp", "bob", "0", (rsdk_str[]){RSDK_S("1-1")}, 1, NULL)
VIEW_CALL(xautoclaim, rsdk_stream_entries, rcore_xautoclaim, "x:a", "grp", "bob", "0", "0-0", NULL)
VIEW_CALL(xpending_summary, rsdk_pending, rcore_xpending, "x:a", "grp", NULL)
VIEW_CALL(hgetall, rsdk_pairs, rcore_hgetall, "h:one")
VIEW_CALL(config_get, rsdk_pairs, rcore_config_get, (rsdk_str[]){RSDK_S("maxmemory-policy"), RSDK_S("hz")}, 2)
CALL(command_docs, rcore_command_docs, &(rcore_command_docs_opts){(rsdk_str[]){RSDK_S("get")}, 1})
CALL(acl_getuser, rcore_acl_getuser, "default")
CALL0(client_trackinginfo, rcore_client_trackinginfo)
CALL0(function_stats, rcore_function_stats)

/* ---- data -------------------------------------------------------------------- */

static void data_zsets(rsdk_client *c) {
    rcore_zadd_data a[] = {{1, RSDK_S("m1")}, {2.5, RSDK_S("m2")}, {-INFINITY, RSDK_S("lo")}, {INFINITY, RSDK_S("hi")},
                           {0.1, RSDK_S("tenth")}};
    OK(rcore_zadd(c, "z:a", a, 5, NULL, NULL));
    rcore_zadd_data b[] = {{10, RSDK_S("m2")}, {3, RSDK_S("x")}};
    OK(rcore_zadd(c, "z:b", b, 2, NULL, NULL));
    OK(rcore_zadd(c, "z:one", (rcore_zadd_data[]){{1.5, RSDK_S("only")}}, 1, NULL, NULL));
    OK(rcore_hset(c, "h:one", (rcore_hset_data[]){{RSDK_S("f"), RSDK_S("v")}}, 1, NULL));
}

static void data_streams(rsdk_client *c) {
    rcore_xadd_data d[] = {{RSDK_S("f"), RSDK_S("1")}, {RSDK_S("g"), RSDK_S("2")}};
    rcore_xadd_id_selector id1 = {.kind = RCORE_XADD_ID_SELECTOR_ID, .id = RSDK_S("1-1")};
    rcore_xadd_id_selector id2 = {.kind = RCORE_XADD_ID_SELECTOR_ID, .id = RSDK_S("2-1")};
    OK(rcore_xadd(c, "x:a", id1, d, 2, NULL, NULL));
    OK(rcore_xadd(c, "x:a", id2, d, 1, NULL, NULL));
    OK(rcore_xadd(c, "x:b", id1, d + 1, 1, NULL, NULL));
    OK(rcore_xgroup_create(c, "x:a", "grp",
                           (rcore_xgroup_create_id_selector){.kind = RCORE_XGROUP_CREATE_ID_SELECTOR_ID, .id = RSDK_S("0")},
                           NULL));
}

/* Streams with two entries pending for alice in x:a's group. */
static void data_pending(rsdk_client *c) {
    data_streams(c);
    rsdk_streams v;
    OK(rcore_xreadgroup(c, (rcore_xreadgroup_group_block){RSDK_S("grp"), RSDK_S("alice")},
                        (rcore_xreadgroup_streams){(rsdk_str[]){RSDK_S("x:a")}, 1, (rsdk_str[]){RSDK_S(">")}, 1}, NULL,
                        &v));
    assert_int_equal(v.count, 1);
    rsdk_streams_deinit(&v);
}

static void data_other(rsdk_client *c) {
    rcore_mset_data kv[] = {{RSDK_S("s:1"), RSDK_S("ohmytext")}, {RSDK_S("s:2"), RSDK_S("mynewtext")}};
    OK(rcore_mset(c, kv, 2));
    rcore_geoadd_data places[] = {{13.361389, 38.115556, RSDK_S("Palermo")}, {15.087269, 37.502669, RSDK_S("Catania")}};
    OK(rcore_geoadd(c, "g:s", places, 2, NULL, NULL));
    OK(rcore_hset(c, "h:one", (rcore_hset_data[]){{RSDK_S("f"), RSDK_S("v")}}, 1, NULL));
    OK(rcore_sadd(c, "s:a", (rsdk_str[]){RSDK_S("x"), RSDK_S("y")}, 2, NULL));
    OK(rcore_rpush(c, "l:a", (rsdk_str[]){RSDK_S("a"), RSDK_S("c"), RSDK_S("b"), RSDK_S("c")}, 4, NULL));
    OK(rcore_set(c, "b:f", "A", NULL, NULL));
}

/* What the RESP3 form must look like, checked on the reference. */
typedef enum form { ANY_FORM, PAIRS_OF_DOUBLES, PAIRS, MAP } form;

/* `raw_same`: a decoder alone, given the raw RESP2 reply, yields the same
 * tree (only type tags differ). False where RESP2's layout needs new nodes. */
typedef struct tcase {
    const char *name;
    void (*data)(rsdk_client *c);
    rsdk_status (*sync)(rsdk_client *c, rsdk_reply **out);
    rsdk_status (*queue)(rsdk_pipeline *p, rsdk_error *err);
    rsdk_status (*raw)(rsdk_pipeline *p, rsdk_error *err);
    rsdk_status (*decode)(rsdk_reply *r, const rsdk_reply **out, rsdk_error *err);
    form form;
    bool raw_same;
    int since_major, since_minor; /* 0: any server */
} tcase;

#define CASE(name, fn, data, form, raw_same) \
    {#name, data, name##_sync, name##_queue, name##_raw, fn##_decode, form, raw_same, 0, 0}

#define VIEW_CASE(name, data, form, raw_same) VIEW_CASE_SINCE(name, data, form, raw_same, 0, 0)
#define VIEW_CASE_SINCE(name, data, form, raw_same, major, minor) \
    {#name, data, name##_sync, name##_queue, name##_raw, name##_view_decode, form, raw_same, major, minor}

static const tcase CASES[] = {
    VIEW_CASE(zrange_ws, data_zsets, PAIRS_OF_DOUBLES, false),
    VIEW_CASE(zrange_byscore_ws, data_zsets, PAIRS_OF_DOUBLES, false),
    VIEW_CASE(zrange_plain, data_zsets, ANY_FORM, true),
    VIEW_CASE(zrangebyscore_ws, data_zsets, PAIRS_OF_DOUBLES, false),
    VIEW_CASE(zrevrange_ws, data_zsets, PAIRS_OF_DOUBLES, false),
    VIEW_CASE(zrevrangebyscore_ws, data_zsets, PAIRS_OF_DOUBLES, false),
    VIEW_CASE(zinter_ws, data_zsets, PAIRS_OF_DOUBLES, false),
    VIEW_CASE(zunion_ws, data_zsets, PAIRS_OF_DOUBLES, false),
    VIEW_CASE(zdiff_ws, data_zsets, PAIRS_OF_DOUBLES, false),
    VIEW_CASE(zrandmember_ws, data_zsets, PAIRS_OF_DOUBLES, false),
    VIEW_CASE(zrandmember_count, data_zsets, ANY_FORM, true),
    VIEW_CASE(zrandmember_one, data_zsets, ANY_FORM, true),
    VIEW_CASE(hrandfield_wv, data_zsets, PAIRS, false),
    VIEW_CASE(zpopmin_count, data_zsets, PAIRS_OF_DOUBLES, false),
    VIEW_CASE(zpopmin_one, data_zsets, ANY_FORM, true),
    VIEW_CASE(zpopmin_count_one, data_zsets, PAIRS_OF_DOUBLES, false),
    VIEW_CASE(zpopmin_missing, data_zsets, ANY_FORM, true),
    VIEW_CASE(zpopmax_count, data_zsets, PAIRS_OF_DOUBLES, false),
    VIEW_CASE(zpopmax_one, data_zsets, ANY_FORM, true),
    VIEW_CASE(bzpopmin, data_zsets, ANY_FORM, true),
    VIEW_CASE(bzpopmax, data_zsets, ANY_FORM, true),
    VIEW_CASE(zmpop, data_zsets, ANY_FORM, true),
    VIEW_CASE(bzmpop, data_zsets, ANY_FORM, true),
    VIEW_CASE(zmscore, data_zsets, ANY_FORM, true),
    VIEW_CASE(xread, data_streams, MAP, false),
    VIEW_CASE(xreadgroup, data_streams, MAP, false),
    CASE(xinfo_stream, rcore_xinfo_stream, data_streams, MAP, true),
    CASE(xinfo_stream_full, rcore_xinfo_stream, data_streams, MAP, true),
    CASE(xinfo_groups, rcore_xinfo_groups, data_streams, ANY_FORM, true),
    CASE(lcs_idx, rcore_lcs, data_other, MAP, true),
    VIEW_CASE(geosearch, data_other, ANY_FORM, true),
    CASE(georadius, rcore_georadius, data_other, ANY_FORM, true),
    CASE(georadiusbymember, rcore_georadiusbymember, data_other, ANY_FORM, true),
    VIEW_CASE(geopos, data_other, ANY_FORM, true),
    VIEW_CASE(georadius_ro, data_other, ANY_FORM, true),
    VIEW_CASE(smismember, data_other, ANY_FORM, true),
    VIEW_CASE(lpos_one, data_other, ANY_FORM, true),
    VIEW_CASE(lpos_all, data_other, ANY_FORM, true),
    VIEW_CASE(bitfield, data_other, ANY_FORM, true),
    VIEW_CASE_SINCE(httl, data_other, ANY_FORM, true, 7, 4),
    VIEW_CASE_SINCE(waitaof, data_other, ANY_FORM, true, 7, 2),
    VIEW_CASE(xrange, data_streams, ANY_FORM, true),
    VIEW_CASE(xclaim, data_pending, ANY_FORM, true),
    VIEW_CASE(xautoclaim, data_pending, ANY_FORM, true),
    VIEW_CASE(xpending_summary, data_pending, ANY_FORM, true),
    VIEW_CASE(hgetall, data_other, MAP, true),
    VIEW_CASE(config_get, data_other, MAP, true),
    CASE(command_docs, rcore_command_docs, data_other, MAP, true),
    CASE(acl_getuser, rcore_acl_getuser, data_other, MAP, true),
    CASE(client_trackinginfo, rcore_client_trackinginfo, data_other, MAP, true),
    CASE(function_stats, rcore_function_stats, data_other, MAP, true),
};

/* ---- running ----------------------------------------------------------------- */

static rsdk_client *clients[4]; /* by protocol */

static void fresh(rsdk_client *c, const tcase *t) {
    OK(rcore_flushall(c, NULL));
    t->data(c);
}

static void check_form(const tcase *t, const rsdk_reply *r) {
    switch (t->form) {
    case PAIRS_OF_DOUBLES:
    case PAIRS:
        assert_int_equal(r->type, RSDK_REPLY_ARRAY);
        assert_true(r->elements > 0);
        for (size_t i = 0; i < r->elements; i++) {
            assert_int_equal(r->element[i].type, RSDK_REPLY_ARRAY);
            assert_int_equal(r->element[i].elements, 2);
            assert_int_equal(r->element[i].element[0].type, RSDK_REPLY_STRING);
            assert_int_equal(r->element[i].element[1].type,
                             t->form == PAIRS ? RSDK_REPLY_STRING : RSDK_REPLY_DOUBLE);
        }
        break;
    case MAP: assert_int_equal(r->type, RSDK_REPLY_MAP); break;
    case ANY_FORM: break;
    }
}

/* Queues PING, the command and ECHO, so the command's slot sits between
 * replies queued without a shape; runs it plain or as a transaction and
 * compares slot 1 (decoded) with `want`. `raw` queues the encoder's bytes
 * without a shape instead of the queue wrapper. */
static void via_pipeline(const tcase *t, int proto, bool txn, bool raw, const rsdk_reply *want) {
    rsdk_client *c = clients[proto];
    fresh(c, t);
    rsdk_pipeline *p = NULL;
    assert_int_equal(rsdk_pipeline_new(c, &p), RSDK_OK);
    assert_non_null(p);
    if (txn) OK(rsdk_pipeline_set_transaction(p, true));
    rsdk_error err;
    OK(rcore_ping_queue(p, NULL, &err));
    OK(raw ? t->raw(p, &err) : t->queue(p, &err));
    OK(rcore_echo_queue(p, "after", &err));
    OK(rsdk_pipeline_exec(p));
    assert_int_equal(rsdk_pipeline_reply_count(p), 3);
    const rsdk_reply *got = NULL;
    char what[160];
    snprintf(what, sizeof what, "%s, RESP%d %s%s", t->name, proto, raw ? "raw " : "",
             txn ? "transaction" : "pipeline");
    rsdk_error derr = {0};
    rsdk_status ds = t->decode(rsdk_pipeline_reply(p, 1), &got, &derr);
    if (ds != RSDK_OK) fail_msg("%s: decode: %s: %s", what, rsdk_status_name(ds), derr.message);
    /* RESP3 is the reference form, so its raw replies match too */
    if (!raw || t->raw_same || proto == 3) same_tree(want, got, what, "reply");
    rsdk_string echo;
    OK(rcore_echo_decode(rsdk_pipeline_reply(p, 2), &echo, NULL));
    tc_assert_string(&echo, "after");
    rsdk_pipeline_free(p);
}

static bool server_at_least(rsdk_client *c, int major, int minor) {
    const char *v = tc_server_version(c);
    char *end = NULL;
    long ma = strtol(v, &end, 10);
    long mi = (end && *end == '.') ? strtol(end + 1, NULL, 10) : 0;
    return ma > major || (ma == major && mi >= minor);
}

static void run_case(const tcase *t) {
    rsdk_client *c = clients[3];
    if (t->since_major && !server_at_least(c, t->since_major, t->since_minor)) {
        printf("SKIP %s: needs redis %d.%d, the server is %s\n", t->name, t->since_major, t->since_minor,
               tc_server_version(c));
        return;
    }
    fresh(c, t);
    rsdk_reply *want = NULL;
    OK(t->sync(c, &want));
    check_form(t, want);
    for (int proto = 2; proto <= 3; proto++) {
        c = clients[proto];
        if (proto == 2) {
            fresh(c, t);
            rsdk_reply *got = NULL;
            OK(t->sync(c, &got));
            char what[160];
            snprintf(what, sizeof what, "%s, RESP2 sync", t->name);
            same_tree(want, got, what, "reply");
            rsdk_reply_free(got);
        }
        via_pipeline(t, proto, false, false, want);
        via_pipeline(t, proto, true, false, want);
        via_pipeline(t, proto, false, true, want);
    }
    rsdk_reply_free(want);
}

static void open_clients(void **state) {
    clients[2] = rsdk_test_client(*state, 2, false);
    clients[3] = rsdk_test_client(*state, 3, true);
    assert_int_equal(rsdk_client_protocol(clients[2]), 2);
    assert_int_equal(rsdk_client_protocol(clients[3]), 3);
}

static void close_clients(void) {
    rsdk_client_close(clients[2]);
    rsdk_client_close(clients[3]);
    clients[2] = clients[3] = NULL;
}

static void every_listed_command_gives_one_tree(void **state) {
    RSDK_TEST_NEED_SERVER(state);
    open_clients(state);
    for (size_t i = 0; i < sizeof CASES / sizeof CASES[0]; i++) run_case(&CASES[i]);
    close_clients();
}

/* A decoder cannot regroup (it allocates nothing) and does not know the
 * options: given RESP2's raw WITHSCORES reply it leaves it as received, and
 * the scored view reads its flat list as members without scores. */
static void raw_resp2_pairs_keep_their_layout_in_the_decoder(void **state) {
    RSDK_TEST_NEED_SERVER(state);
    open_clients(state);
    rsdk_client *c = clients[2];
    fresh(c, &CASES[0]);
    rsdk_pipeline *p = NULL;
    assert_int_equal(rsdk_pipeline_new(c, &p), RSDK_OK);
    rsdk_error err;
    OK(zrange_ws_raw(p, &err));
    OK(rsdk_pipeline_exec(p));
    rsdk_scored v;
    OK(rcore_zrange_decode(rsdk_pipeline_reply(p, 0), &v, NULL));
    const rsdk_reply *r = v.reply;
    assert_int_equal(r->type, RSDK_REPLY_ARRAY);
    assert_int_equal(r->elements, 10); /* flat: five members, five scores */
    assert_string_equal(r->element[0].str, "lo");
    assert_int_equal(r->element[1].type, RSDK_REPLY_STRING);
    assert_string_equal(r->element[1].str, "-inf");
    assert_int_equal(v.count, 10);
    assert_false(rsdk_scored_at(&v, 1).has_score);
    assert_string_equal(rsdk_scored_at(&v, 1).member.ptr, "-inf");
    rsdk_pipeline_free(p);
    close_clients();
}

/* ---- scalars read from a tree: ZADD's answer and ZRANK's rank --------------- */

/* The same ZADD and ZRANK calls, sync or queued (plain, transaction, or
 * the encoder's bytes without a shape, read by the decoder alone). */
typedef enum how { SYNC, PIPELINE, TRANSACTION, RAW } how;

static const rcore_zadd_opts INCR = {.increment = true};
static const rcore_zadd_opts NX_INCR = {.condition = RCORE_ZADD_CONDITION_NX, .increment = true};
static const rcore_zrank_opts WITHSCORE = {.withscore = true};

static void zadd_via(rsdk_client *c, how h, const rcore_zadd_opts *o, rsdk_int_or_double *out) {
    rcore_zadd_data m[] = {{0.5, RSDK_S("m1")}, {7, RSDK_S("new")}};
    size_t n = o ? 1 : 2;
    if (h == SYNC) {
        OK(rcore_zadd(c, "z:a", m, n, o, out));
        return;
    }
    rsdk_pipeline *p = NULL;
    assert_int_equal(rsdk_pipeline_new(c, &p), RSDK_OK);
    rsdk_error err;
    if (h == TRANSACTION) OK(rsdk_pipeline_set_transaction(p, true));
    if (h == RAW) {
        OK(rcore_zadd_encode(rsdk_pipeline_buf(p), "z:a", m, n, o, &err));
        rsdk_pipeline_commit(p);
    } else {
        OK(rcore_zadd_queue(p, "z:a", m, n, o, &err));
    }
    OK(rsdk_pipeline_exec(p));
    OK(rcore_zadd_decode(rsdk_pipeline_reply(p, 0), out, &err));
    rsdk_pipeline_free(p);
}

static void zrank_via(rsdk_client *c, how h, const char *member, const rcore_zrank_opts *o, rsdk_rank *out) {
    if (h == SYNC) {
        OK(rcore_zrank(c, "z:a", rsdk_str_c(member), o, out));
        return;
    }
    rsdk_pipeline *p = NULL;
    assert_int_equal(rsdk_pipeline_new(c, &p), RSDK_OK);
    rsdk_error err;
    if (h == TRANSACTION) OK(rsdk_pipeline_set_transaction(p, true));
    if (h == RAW) {
        OK(rcore_zrank_encode(rsdk_pipeline_buf(p), "z:a", rsdk_str_c(member), o, &err));
        rsdk_pipeline_commit(p);
    } else {
        OK(rcore_zrank_queue(p, "z:a", rsdk_str_c(member), o, &err));
    }
    OK(rsdk_pipeline_exec(p));
    OK(rcore_zrank_decode(rsdk_pipeline_reply(p, 0), out, &err));
    rsdk_pipeline_free(p);
}

static void zadd_and_zrank_give_the_same_scalars_everywhere(void **state) {
    RSDK_TEST_NEED_SERVER(state);
    open_clients(state);
    static const tcase zsets = {.name = "zsets", .data = data_zsets};
    bool withscore = server_at_least(clients[3], 7, 2);
    if (!withscore) printf("SKIP ZRANK WITHSCORE: needs redis 7.2, the server is %s\n", tc_server_version(clients[3]));
    for (int proto = 2; proto <= 3; proto++) {
        rsdk_client *c = clients[proto];
        for (how h = SYNC; h <= RAW; h++) {
            fresh(c, &zsets);
            rsdk_int_or_double za;
            zadd_via(c, h, NULL, &za); /* m1 exists, "new" is added */
            if (za.is_double || za.nil || za.integer != 1)
                fail_msg("RESP%d, way %d: ZADD: %d %d %lld", proto, (int)h, za.is_double, za.nil, (long long)za.integer);
            zadd_via(c, h, &INCR, &za); /* m1 is 0.5 now: 0.5 + 0.5; RESP2 sends "1" */
            if (!za.is_double || za.nil || za.dval != 1.0)
                fail_msg("RESP%d, way %d: ZADD INCR: %d %d %g", proto, (int)h, za.is_double, za.nil, za.dval);
            zadd_via(c, h, &NX_INCR, &za); /* NX stops it: nil */
            assert_true(za.nil && !za.is_double);
            rsdk_rank rk;
            zrank_via(c, h, "m2", NULL, &rk); /* lo, tenth, m1, m2 */
            assert_true(!rk.nil && !rk.has_score && rk.rank == 3);
            zrank_via(c, h, "none", NULL, &rk);
            assert_true(rk.nil);
            if (!withscore) continue;
            zrank_via(c, h, "m2", &WITHSCORE, &rk);
            assert_true(!rk.nil && rk.has_score && rk.rank == 3 && rk.score == 2.5);
            zrank_via(c, h, "none", &WITHSCORE, &rk);
            assert_true(rk.nil && !rk.has_score);
        }
    }
    close_clients();
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(every_listed_command_gives_one_tree),
        cmocka_unit_test(raw_resp2_pairs_keep_their_layout_in_the_decoder),
        cmocka_unit_test(zadd_and_zrank_give_the_same_scalars_everywhere),
    };
    return cmocka_run_group_tests(tests, rsdk_test_server_group_setup, rsdk_test_server_group_teardown);
}
