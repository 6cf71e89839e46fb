/* Generated decoders accept only the reply types a command's schema allows
 * (in RESP3 or the RESP2 form of them) and refuse anything else with
 * RSDK_ERR_UNEXPECTED_REPLY naming the command and the type received; a nil
 * the schema does not allow is RSDK_ERR_NIL, an error reply keeps its own
 * code. Replies are real RESP bytes run through rsdk_reader; one test drives
 * a real server's connection out of step and checks the sync call notices. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "rsdk/core.h"
#include "rsdk/pipeline_internal.h"
#include "rsdk/reader.h"
#include "support/live.h"
#include "support/replies.h"

/* The outcome of one decode: its status and the error it filled. */
typedef struct outcome {
    rsdk_status st;
    rsdk_error err;
} outcome;

static void expect(const outcome *o, rsdk_status st, const char *message) {
    assert_int_equal(o->st, st);
    assert_int_equal(o->err.code, st);
    assert_string_equal(o->err.message, message);
}

/* Decodes the reply in `bytes` with the decoder call `call`, which sees
 * the parsed reply as `r` and the error as `&o.err`. */
#define DECODE(o, bytes, call)                 \
    do {                                       \
        rsdk_reply *r = rt_parse(bytes);          \
        rsdk_error_clear(&(o).err);            \
        (o).st = (call);                       \
        rsdk_reply_free(r);                    \
    } while (0)

static void integers_refuse_text_and_booleans(void **state) {
    (void)state;
    outcome o;
    int64_t v = 7;
    DECODE(o, "+OK\r\n", rcore_incr_decode(r, &v, &o.err));
    expect(&o, RSDK_ERR_UNEXPECTED_REPLY, "INCR: unexpected reply type status (expected integer)");
    DECODE(o, "$1\r\n5\r\n", rcore_incr_decode(r, &v, &o.err));
    expect(&o, RSDK_ERR_UNEXPECTED_REPLY, "INCR: unexpected reply type string (expected integer)");
    DECODE(o, "#t\r\n", rcore_incr_decode(r, &v, &o.err));
    expect(&o, RSDK_ERR_UNEXPECTED_REPLY, "INCR: unexpected reply type bool (expected integer)");
    assert_int_equal(v, 7); /* untouched on failure */
    /* a nil INCR never sends, on either protocol */
    DECODE(o, "_\r\n", rcore_incr_decode(r, &v, &o.err));
    expect(&o, RSDK_ERR_NIL, "INCR: nil reply (expected integer)");
    DECODE(o, "$-1\r\n", rcore_incr_decode(r, &v, &o.err));
    expect(&o, RSDK_ERR_NIL, "INCR: nil reply (expected integer)");
    /* the same integer on both protocols */
    DECODE(o, ":42\r\n", rcore_incr_decode(r, &v, &o.err));
    assert_int_equal(o.st, RSDK_OK);
    assert_int_equal(v, 42);
}

static void booleans_from_integer_constants_refuse_the_rest(void **state) {
    (void)state;
    /* EXPIRE's schema: the integers 0 and 1, which both protocols send */
    outcome o;
    bool b = false;
    DECODE(o, ":1\r\n", rcore_expire_decode(r, &b, &o.err));
    assert_int_equal(o.st, RSDK_OK);
    assert_true(b);
    DECODE(o, "#t\r\n", rcore_expire_decode(r, &b, &o.err));
    expect(&o, RSDK_ERR_UNEXPECTED_REPLY, "EXPIRE: unexpected reply type bool (expected integer)");
    DECODE(o, "+OK\r\n", rcore_expire_decode(r, &b, &o.err));
    expect(&o, RSDK_ERR_UNEXPECTED_REPLY, "EXPIRE: unexpected reply type status (expected integer)");
}

static void doubles_take_the_resp2_bulk_and_nothing_else(void **state) {
    (void)state;
    outcome o;
    double d = 0;
    DECODE(o, ",1.5\r\n", rcore_zincrby_decode(r, &d, &o.err));
    assert_int_equal(o.st, RSDK_OK);
    assert_true(d == 1.5);
    DECODE(o, "$4\r\n-2.5\r\n", rcore_zincrby_decode(r, &d, &o.err));
    assert_int_equal(o.st, RSDK_OK);
    assert_true(d == -2.5);
    DECODE(o, "+1.5\r\n", rcore_zincrby_decode(r, &d, &o.err));
    expect(&o, RSDK_ERR_UNEXPECTED_REPLY, "ZINCRBY: unexpected reply type status (expected double)");
    DECODE(o, "*1\r\n,1.5\r\n", rcore_zincrby_decode(r, &d, &o.err));
    expect(&o, RSDK_ERR_UNEXPECTED_REPLY, "ZINCRBY: unexpected reply type array (expected double)");
    DECODE(o, "$3\r\nabc\r\n", rcore_zincrby_decode(r, &d, &o.err));
    expect(&o, RSDK_ERR_UNEXPECTED_REPLY, "ZINCRBY: unexpected string \"abc\" (expected double)");
    assert_true(d == -2.5);

    rsdk_double_or_nil dn = {0, false};
    DECODE(o, "_\r\n", rcore_zscore_decode(r, &dn, &o.err));
    assert_int_equal(o.st, RSDK_OK);
    assert_true(dn.nil);
    DECODE(o, "$-1\r\n", rcore_zscore_decode(r, &dn, &o.err));
    assert_int_equal(o.st, RSDK_OK);
    assert_true(dn.nil);
    DECODE(o, "$3\r\ninf\r\n", rcore_zscore_decode(r, &dn, &o.err));
    assert_int_equal(o.st, RSDK_OK);
    assert_false(dn.nil);
    assert_true(dn.value > 1e308);
    DECODE(o, "+OK\r\n", rcore_zscore_decode(r, &dn, &o.err));
    expect(&o, RSDK_ERR_UNEXPECTED_REPLY, "ZSCORE: unexpected reply type status (expected double or nil)");
}

static void strings_refuse_a_status(void **state) {
    (void)state;
    outcome o;
    rsdk_string s = {0};
    /* a desynchronised connection handing GET another command's +OK */
    DECODE(o, "+OK\r\n", rcore_get_decode(r, &s, &o.err));
    expect(&o, RSDK_ERR_UNEXPECTED_REPLY, "GET: unexpected reply type status (expected string or nil)");
    DECODE(o, ":1\r\n", rcore_get_decode(r, &s, &o.err));
    expect(&o, RSDK_ERR_UNEXPECTED_REPLY, "GET: unexpected reply type integer (expected string or nil)");
    DECODE(o, "*0\r\n", rcore_get_decode(r, &s, &o.err));
    expect(&o, RSDK_ERR_UNEXPECTED_REPLY, "GET: unexpected reply type array (expected string or nil)");
    /* bulk (both protocols), verbatim (RESP3), nil in all three spellings */
    const char *values[] = {"$2\r\nv1\r\n", "=6\r\ntxt:v1\r\n"};
    for (size_t i = 0; i < 2; i++) {
        s.nil = true;
        DECODE(o, values[i], rcore_get_decode(r, &s, &o.err));
        assert_int_equal(o.st, RSDK_OK);
        assert_false(s.nil);
        assert_int_equal(s.len, 2);
    }
    const char *nils[] = {"_\r\n", "$-1\r\n", "*-1\r\n"};
    for (size_t i = 0; i < 3; i++) {
        s.nil = false;
        DECODE(o, nils[i], rcore_get_decode(r, &s, &o.err));
        assert_int_equal(o.st, RSDK_OK);
        assert_true(s.nil);
    }
}

static void status_commands_take_only_their_status(void **state) {
    (void)state;
    outcome o;
    DECODE(o, "+OK\r\n", rcore_mset_decode(r, &o.err));
    assert_int_equal(o.st, RSDK_OK);
    /* no server sends MSET's OK as a bulk string */
    DECODE(o, "$2\r\nOK\r\n", rcore_mset_decode(r, &o.err));
    expect(&o, RSDK_ERR_UNEXPECTED_REPLY, "MSET: unexpected reply type string (expected status OK)");
    DECODE(o, "+PONG\r\n", rcore_mset_decode(r, &o.err));
    expect(&o, RSDK_ERR_UNEXPECTED_REPLY, "MSET: unexpected status \"PONG\" (expected status OK)");
    DECODE(o, "_\r\n", rcore_mset_decode(r, &o.err));
    expect(&o, RSDK_ERR_NIL, "MSET: nil reply (expected status OK)");
    /* SET: OK, or with GET the old value or nil */
    rsdk_string s = {0};
    DECODE(o, "+OK\r\n", rcore_set_decode(r, &s, &o.err));
    assert_int_equal(o.st, RSDK_OK);
    DECODE(o, "$1\r\nv\r\n", rcore_set_decode(r, &s, &o.err));
    assert_int_equal(o.st, RSDK_OK);
    DECODE(o, ":1\r\n", rcore_set_decode(r, &s, &o.err));
    expect(&o, RSDK_ERR_UNEXPECTED_REPLY, "SET: unexpected reply type integer (expected status, string or nil)");
    /* TYPE answers a simple string (the spec's rsdk simple_string; its
     * schema also allows null) */
    rsdk_reply *t = rt_parse("+hash\r\n"); /* s borrows from it: freed after the check */
    assert_int_equal(rcore_type_decode(t, &s, NULL), RSDK_OK);
    assert_string_equal(s.ptr, "hash");
    rsdk_reply_free(t);
    DECODE(o, "$4\r\nhash\r\n", rcore_type_decode(r, &s, &o.err));
    expect(&o, RSDK_ERR_UNEXPECTED_REPLY, "TYPE: unexpected reply type string (expected status or nil)");
}

static void trees_check_their_top_type(void **state) {
    (void)state;
    outcome o;
    rsdk_strings t;
    DECODE(o, "*1\r\n$1\r\na\r\n", rcore_lrange_decode(r, &t, &o.err));
    assert_int_equal(o.st, RSDK_OK);
    DECODE(o, "+OK\r\n", rcore_lrange_decode(r, &t, &o.err));
    expect(&o, RSDK_ERR_UNEXPECTED_REPLY, "LRANGE: unexpected reply type status (expected array)");
    DECODE(o, "%0\r\n", rcore_lrange_decode(r, &t, &o.err));
    expect(&o, RSDK_ERR_UNEXPECTED_REPLY, "LRANGE: unexpected reply type map (expected array)");
}

/* A map: RESP3 MAP or RESP2's flat array (which the decoder retags). */
static void maps_take_both_forms_only(void **state) {
    (void)state;
    outcome o;
    rsdk_pairs t;
    const char *forms[] = {"*2\r\n$1\r\nf\r\n$1\r\nv\r\n", "%1\r\n$1\r\nf\r\n$1\r\nv\r\n"};
    for (size_t i = 0; i < 2; i++) {
        rsdk_reply *r = rt_parse(forms[i]);
        assert_int_equal(rcore_hgetall_decode(r, &t, NULL), RSDK_OK);
        assert_ptr_equal(t.reply, r); /* a view of the reply itself: nothing copied */
        assert_null(t.owner);
        assert_int_equal(t.reply->type, RSDK_REPLY_MAP);
        assert_int_equal(t.count, 1);
        assert_string_equal(rsdk_pairs_at(&t, 0).key.ptr, "f");
        assert_string_equal(rsdk_pairs_at(&t, 0).value.ptr, "v");
        rsdk_reply_free(r);
    }
    DECODE(o, ":1\r\n", rcore_hgetall_decode(r, &t, &o.err));
    expect(&o, RSDK_ERR_UNEXPECTED_REPLY, "HGETALL: unexpected reply type integer (expected map)");
    DECODE(o, "~1\r\n$1\r\nf\r\n", rcore_hgetall_decode(r, &t, &o.err));
    expect(&o, RSDK_ERR_UNEXPECTED_REPLY, "HGETALL: unexpected reply type set (expected map)");
}

static void sets_take_both_forms_only(void **state) {
    (void)state;
    outcome o;
    rsdk_strings t;
    DECODE(o, "~1\r\n$1\r\na\r\n", rcore_smembers_decode(r, &t, &o.err));
    assert_int_equal(o.st, RSDK_OK);
    DECODE(o, "*1\r\n$1\r\na\r\n", rcore_smembers_decode(r, &t, &o.err));
    assert_int_equal(o.st, RSDK_OK);
    DECODE(o, "%1\r\n$1\r\na\r\n$1\r\nb\r\n", rcore_smembers_decode(r, &t, &o.err));
    expect(&o, RSDK_ERR_UNEXPECTED_REPLY, "SMEMBERS: unexpected reply type map (expected array or set)");
}

/* A view checks its items too: a list of strings with an integer in it, a
 * map whose value is an array, a SCAN page without its cursor. */
static void views_refuse_items_of_the_wrong_shape(void **state) {
    (void)state;
    outcome o;
    rsdk_strings l;
    rsdk_pairs pr;
    rsdk_scan_page pg;
    DECODE(o, "*2\r\n$1\r\na\r\n:1\r\n", rcore_lrange_decode(r, &l, &o.err));
    expect(&o, RSDK_ERR_UNEXPECTED_REPLY, "LRANGE: unexpected integer at item 1 (expected array)");
    DECODE(o, "%1\r\n$1\r\nf\r\n*0\r\n", rcore_hgetall_decode(r, &pr, &o.err));
    expect(&o, RSDK_ERR_UNEXPECTED_REPLY, "HGETALL: unexpected string at item 0 (expected map)");
    DECODE(o, "*1\r\n*0\r\n", rcore_scan_decode(r, &pg, &o.err));
    expect(&o, RSDK_ERR_UNEXPECTED_REPLY, "SCAN: expected [cursor, [items]]");
    DECODE(o, "*2\r\n$1\r\nx\r\n*0\r\n", rcore_scan_decode(r, &pg, &o.err));
    expect(&o, RSDK_ERR_UNEXPECTED_REPLY, "SCAN: expected [cursor, [items]]");
    DECODE(o, "*2\r\n$2\r\n17\r\n*1\r\n$1\r\nk\r\n", rcore_scan_decode(r, &pg, &o.err));
    assert_int_equal(o.st, RSDK_OK);
}

/* Commands whose trees are reshaped (doubles inside an array, flat pairs,
 * XREAD's pair list) check the top before any reshaping. */
static void reshaped_trees_check_their_top_type(void **state) {
    (void)state;
    outcome o;
    rsdk_doubles d;
    rsdk_scored z;
    rsdk_streams x;
    DECODE(o, "*2\r\n$3\r\n1.5\r\n$-1\r\n", rcore_zmscore_decode(r, &d, &o.err));
    assert_int_equal(o.st, RSDK_OK);
    DECODE(o, ",1.5\r\n", rcore_zmscore_decode(r, &d, &o.err));
    expect(&o, RSDK_ERR_UNEXPECTED_REPLY, "ZMSCORE: unexpected reply type double (expected array)");
    DECODE(o, "*2\r\n$1\r\nm\r\n$1\r\n1\r\n", rcore_zrange_decode(r, &z, &o.err));
    assert_int_equal(o.st, RSDK_OK);
    DECODE(o, "+OK\r\n", rcore_zrange_decode(r, &z, &o.err));
    expect(&o, RSDK_ERR_UNEXPECTED_REPLY, "ZRANGE: unexpected reply type status (expected array or set)");
    DECODE(o, "*1\r\n*2\r\n$1\r\ns\r\n*0\r\n", rcore_xread_decode(r, &x, &o.err));
    assert_int_equal(o.st, RSDK_OK);
    DECODE(o, "*-1\r\n", rcore_xread_decode(r, &x, &o.err));
    assert_int_equal(o.st, RSDK_OK);
    DECODE(o, ":0\r\n", rcore_xread_decode(r, &x, &o.err));
    expect(&o, RSDK_ERR_UNEXPECTED_REPLY, "XREAD: unexpected reply type integer (expected map or nil)");
}

/* The views of stage two check their items as the first ones do: members
 * with scores, number lists, yes/no lists, ranks, ZADD's answer, stream
 * entries, streams and GEO records, each given a tree of the wrong shape. */
static void newer_views_refuse_items_of_the_wrong_shape(void **state) {
    (void)state;
    outcome o;
    rsdk_scored z;
    rsdk_ints in;
    rsdk_doubles d;
    rsdk_bools b;
    rsdk_rank rk;
    rsdk_int_or_double za;
    rsdk_stream_entries se;
    rsdk_streams xs;
    rsdk_geo g;
    rsdk_pending pe;
    DECODE(o, "*1\r\n*2\r\n$1\r\nm\r\n*0\r\n", rcore_zrange_decode(r, &z, &o.err));
    expect(&o, RSDK_ERR_UNEXPECTED_REPLY, "ZRANGE: unexpected array at item 0 (expected array or set)");
    DECODE(o, "*3\r\n$1\r\nk\r\n$1\r\nm\r\n$1\r\nx\r\n", rcore_bzpopmin_decode(r, &z, &o.err));
    expect(&o, RSDK_ERR_UNEXPECTED_REPLY, "BZPOPMIN: unexpected string at item 0 (expected array or nil)");
    DECODE(o, "*2\r\n:1\r\n$1\r\nx\r\n", rcore_hpersist_decode(r, &in, &o.err));
    expect(&o, RSDK_ERR_UNEXPECTED_REPLY, "HPERSIST: unexpected string at item 1 (expected array)");
    DECODE(o, "*1\r\n*0\r\n", rcore_zmscore_decode(r, &d, &o.err));
    expect(&o, RSDK_ERR_UNEXPECTED_REPLY, "ZMSCORE: unexpected array at item 0 (expected array)");
    DECODE(o, "*2\r\n:1\r\n_\r\n", rcore_smismember_decode(r, &b, &o.err));
    expect(&o, RSDK_ERR_UNEXPECTED_REPLY, "SMISMEMBER: unexpected nil at item 1 (expected array)");
    DECODE(o, "*2\r\n:1\r\n$1\r\nx\r\n", rcore_zrank_decode(r, &rk, &o.err));
    expect(&o, RSDK_ERR_UNEXPECTED_REPLY, "ZRANK: expected [rank, score]");
    DECODE(o, "*2\r\n:1\r\n,2.5\r\n", rcore_zrank_decode(r, &rk, &o.err));
    assert_int_equal(o.st, RSDK_OK);
    assert_true(rk.rank == 1 && rk.has_score && rk.score == 2.5 && !rk.nil);
    DECODE(o, "$3\r\nabc\r\n", rcore_zadd_decode(r, &za, &o.err));
    expect(&o, RSDK_ERR_UNEXPECTED_REPLY, "ZADD: expected an integer, a number or nil");
    DECODE(o, "$4\r\n2.25\r\n", rcore_zadd_decode(r, &za, &o.err));
    assert_int_equal(o.st, RSDK_OK);
    assert_true(za.is_double && za.dval == 2.25 && !za.nil);
    DECODE(o, "*1\r\n*2\r\n$3\r\n1-1\r\n*1\r\n$1\r\nf\r\n", rcore_xrange_decode(r, &se, &o.err));
    expect(&o, RSDK_ERR_UNEXPECTED_REPLY, "XRANGE: unexpected array at item 0 (expected array or set)");
    DECODE(o, "*1\r\n$3\r\n0-0\r\n", rcore_xautoclaim_decode(r, &se, &o.err));
    expect(&o, RSDK_ERR_UNEXPECTED_REPLY, "XAUTOCLAIM: expected [next id, [entries], [deleted ids]]");
    DECODE(o, "%1\r\n$1\r\ns\r\n:1\r\n", rcore_xread_decode(r, &xs, &o.err));
    expect(&o, RSDK_ERR_UNEXPECTED_REPLY, "XREAD: unexpected string at item 0 (expected map or nil)");
    DECODE(o, "*1\r\n*2\r\n$1\r\nm\r\n*1\r\n,1\r\n", rcore_geosearch_decode(r, &g, &o.err));
    expect(&o, RSDK_ERR_UNEXPECTED_REPLY, "GEOSEARCH: unexpected array at item 0 (expected array)");
    DECODE(o, "*4\r\n:1\r\n$3\r\n1-1\r\n$3\r\n1-1\r\n*1\r\n*2\r\n$1\r\na\r\n$1\r\nx\r\n",
           rcore_xpending_decode(r, &pe, &o.err));
    expect(&o, RSDK_ERR_UNEXPECTED_REPLY, "XPENDING: unexpected array at item 0 (expected array)");
    DECODE(o, "*4\r\n:0\r\n_\r\n_\r\n:3\r\n", rcore_xpending_decode(r, &pe, &o.err));
    expect(&o, RSDK_ERR_UNEXPECTED_REPLY, "XPENDING: expected [count, min id, max id, [[consumer, count]]]");
    DECODE(o, "*1\r\n$1\r\nm\r\n", rcore_geopos_decode(r, &g, &o.err));
    expect(&o, RSDK_ERR_UNEXPECTED_REPLY, "GEOPOS: unexpected string at item 0 (expected array)");
}

static void free_form_replies_take_anything(void **state) {
    (void)state;
    outcome o;
    const rsdk_reply *t = NULL;
    const char *any[] = {"+OK\r\n", ":1\r\n", "$1\r\nx\r\n", "_\r\n", ",1.5\r\n", "#f\r\n",
                         "(12345678901234567890\r\n", "~0\r\n", "%0\r\n", "*0\r\n", ">1\r\n$1\r\nx\r\n"};
    for (size_t i = 0; i < sizeof any / sizeof any[0]; i++) {
        DECODE(o, any[i], rcore_eval_decode(r, &t, &o.err));
        assert_int_equal(o.st, RSDK_OK);
    }
    DECODE(o, "-ERR boom\r\n", rcore_eval_decode(r, &t, &o.err));
    expect(&o, RSDK_ERR_RESPONSE, "ERR boom");
}

static void error_replies_keep_their_code_and_text(void **state) {
    (void)state;
    outcome o;
    rsdk_string s = {0};
    DECODE(o, "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n",
           rcore_get_decode(r, &s, &o.err));
    expect(&o, RSDK_ERR_WRONGTYPE, "WRONGTYPE Operation against a key holding the wrong kind of value");
    assert_string_equal(o.err.prefix, "WRONGTYPE");
    /* `err` may be NULL */
    rsdk_reply *r = rt_parse("+OK\r\n");
    assert_int_equal(rcore_get_decode(r, &s, NULL), RSDK_ERR_UNEXPECTED_REPLY);
    assert_int_equal(rcore_get_decode(NULL, &s, NULL), RSDK_ERR_INVALID_ARG);
    rsdk_reply_free(r);
}

/* A real connection put out of step: two commands sent, one reply read,
 * so SET's +OK is still on the wire when GET reads its answer. */
static void sync_call_on_a_desynchronised_connection_fails(void **state) {
    RSDK_TEST_NEED_SERVER(state);
    for (int proto = 2; proto <= 3; proto++) {
        rsdk_client *c = rsdk_test_client(*state, proto, false);
        rsdk_buf b;
        rsdk_buf_init(&b);
        assert_int_equal(rcore_ping_encode(&b, NULL, NULL), RSDK_OK);
        assert_int_equal(rcore_set_encode(&b, "ds:k", "v", NULL, NULL), RSDK_OK);
        rsdk_reply *pong = NULL;
        /* The counted entry trusts the count (rsdk_client_send_encoded
         * would refuse it): the way to desynchronise on purpose. */
        assert_int_equal(rsdk_client_send_counted(c, &b, 1, &pong), RSDK_OK);
        rsdk_buf_deinit(&b);
        assert_string_equal(pong->str, "PONG");
        rsdk_reply_free(pong);
        rsdk_string v = {.ptr = "untouched"};
        assert_int_equal(rcore_get(c, "ds:k", &v), RSDK_ERR_UNEXPECTED_REPLY);
        assert_string_equal(rsdk_client_error(c)->message,
                            "GET: unexpected reply type status (expected string or nil)");
        assert_string_equal(v.ptr, "untouched");
        /* The stream is out of step: the connection is broken, so the GET's
         * own late reply is never taken for a later command's; the next
         * call runs on a new connection and gets its own answer. */
        assert_true(rsdk_client_broken(c));
        rsdk_string again = {0};
        assert_int_equal(rcore_get(c, "ds:k", &again), RSDK_OK);
        assert_string_equal(again.ptr, "v");
        rsdk_string_deinit(&again);
        rsdk_client_close(c);
    }
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(integers_refuse_text_and_booleans),
        cmocka_unit_test(booleans_from_integer_constants_refuse_the_rest),
        cmocka_unit_test(doubles_take_the_resp2_bulk_and_nothing_else),
        cmocka_unit_test(strings_refuse_a_status),
        cmocka_unit_test(status_commands_take_only_their_status),
        cmocka_unit_test(trees_check_their_top_type),
        cmocka_unit_test(maps_take_both_forms_only),
        cmocka_unit_test(sets_take_both_forms_only),
        cmocka_unit_test(views_refuse_items_of_the_wrong_shape),
        cmocka_unit_test(reshaped_trees_check_their_top_type),
        cmocka_unit_test(newer_views_refuse_items_of_the_wrong_shape),
        cmocka_unit_test(free_form_replies_take_anything),
        cmocka_unit_test(error_replies_keep_their_code_and_text),
        cmocka_unit_test(sync_call_on_a_desynchronised_connection_fails),
    };
    return cmocka_run_group_tests(tests, rsdk_test_server_group_setup, rsdk_test_server_group_teardown);
}
