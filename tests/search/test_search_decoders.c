/* The search readers on replies recorded from RediSearch 2.10 on Redis 8.0
 * (tests/data/search, made by record_replies.py), RESP2 and RESP3: each
 * reads the same C value from both; a reply of the wrong layout is refused
 * with its position, never read past. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "rsdk/rsdk.h"
#include "rsdk/search.h"
#include "rsdk/search_aggregate.h"
#include "rsdk/search_info.h"
#include "rsdk/search_result.h"

/* The server the replies come from: the group's state. */
static const char *server_dir;

static rsdk_reply *load(int proto, const char *name) {
    char path[256];
    snprintf(path, sizeof path, "tests/data/search/%s/resp%d_%s.bin", server_dir, proto, name);
    FILE *f = fopen(path, "rb");
    if (f == NULL) fail_msg("cannot open %s", path);
    static char buf[1 << 16];
    size_t n = fread(buf, 1, sizeof buf, f);
    fclose(f);
    rsdk_reader *rd = NULL;
    assert_int_equal(rsdk_reader_new(NULL, &rd), RSDK_OK);
    assert_int_equal(rsdk_reader_feed(rd, buf, n), RSDK_OK);
    rsdk_reply *r = NULL;
    assert_int_equal(rsdk_reader_get(rd, &r), RSDK_OK);
    assert_non_null(r);
    rsdk_reader_free(rd);
    return r;
}

static void test_search_with_every_layout_flag(void **st) {
    (void)st;
    const rsearch_search_opts flags = {.withscores = true, .withpayloads = true, .withsortkeys = true};
    for (int proto = 2; proto <= 3; proto++) {
        rsdk_reply *r = load(proto, "ft_search_flags");
        rsearch_result res;
        assert_int_equal(rsearch_result_read(r, &flags, &res, NULL), RSDK_OK);
        assert_int_equal(res.total, 3);
        assert_int_equal(res.count, 3);
        const char *ids[] = {"doc:1", "doc:2", "doc:3"}, *pls[] = {"p1", "p2", "p3"}, *sks[] = {"#5", "#7", "#9"};
        for (size_t i = 0; i < 3; i++) {
            assert_string_equal(res.docs[i].id.ptr, ids[i]);
            assert_true(res.docs[i].has_score);
            assert_string_equal(res.docs[i].payload.ptr, pls[i]);
            assert_string_equal(res.docs[i].sortkey.ptr, sks[i]);
            assert_int_equal(res.docs[i].fields.count, 3);
            assert_false(rsearch_doc_get(&res.docs[i], "title").nil);
            assert_true(rsearch_doc_get(&res.docs[i], "nosuch").nil);
        }
        rsearch_result_deinit(&res);
        rsdk_reply_free(r);

        r = load(proto, "ft_search_nocontent");
        const rsearch_search_opts nc = {.nocontent = true};
        assert_int_equal(rsearch_result_read(r, &nc, &res, NULL), RSDK_OK);
        assert_int_equal(res.count, 3);
        assert_int_equal(res.docs[2].fields.count, 0);
        assert_false(res.docs[0].has_score);
        rsearch_result_deinit(&res);
        /* Read with options it was not sent with: refused by position. */
        rsdk_error e;
        if (proto == 2) {
            assert_int_equal(rsearch_result_read(r, &flags, &res, &e), RSDK_ERR_UNEXPECTED_REPLY);
            assert_non_null(strstr(e.message, "FT.SEARCH: 3 items do not make documents of 5"));
        }
        rsdk_reply_free(r);

        r = load(proto, "ft_search_explainscore");
        const rsearch_search_opts ex = {.withscores = true, .explainscore = true};
        assert_int_equal(rsearch_result_read(r, &ex, &res, NULL), RSDK_OK);
        assert_int_equal(res.count, 1);
        assert_non_null(res.docs[0].explain);
        assert_true(res.docs[0].has_score);
        rsearch_result_deinit(&res);
        rsdk_reply_free(r);

        r = load(proto, "ft_unknown_index");
        assert_int_equal(rsearch_result_read(r, NULL, &res, &e), RSDK_ERR_RESPONSE);
        assert_non_null(strstr(e.message, "nosuch"));
        rsdk_reply_free(r);
    }
}

static void test_aggregate_rows_and_cursor(void **st) {
    (void)st;
    for (int proto = 2; proto <= 3; proto++) {
        rsdk_reply *r = load(proto, "ft_aggregate_groupby");
        rsearch_rows rows;
        assert_int_equal(rsearch_rows_read(r, &rows, NULL), RSDK_OK);
        assert_false(rows.has_cursor);
        assert_int_equal(rows.count, 2);
        assert_string_equal(rsearch_row_get(&rows.rows[0], "tag").ptr, "a");
        assert_string_equal(rsearch_row_get(&rows.rows[0], "n").ptr, "2");
        assert_string_equal(rsearch_row_get(&rows.rows[1], "tag").ptr, "b");
        rsearch_rows_deinit(&rows);
        rsdk_reply_free(r);
        r = load(proto, "ft_aggregate_cursor");
        assert_int_equal(rsearch_rows_read(r, &rows, NULL), RSDK_OK);
        assert_true(rows.has_cursor);
        assert_true(rows.cursor != 0);
        assert_int_equal(rows.count, 2);
        assert_string_equal(rsearch_row_get(&rows.rows[0], "title").ptr, "hello world");
        rsearch_rows_deinit(&rows);
        rsdk_reply_free(r);
    }
}

static void test_info_with_nan(void **st) {
    (void)st;
    for (int proto = 2; proto <= 3; proto++) {
        rsdk_reply *r = load(proto, "ft_info");
        rsearch_index_info info;
        assert_int_equal(rsearch_index_info_read(r, &info, NULL), RSDK_OK);
        assert_string_equal(info.index_name.ptr, "ti");
        assert_string_equal(info.key_type.ptr, "HASH");
        assert_int_equal(info.prefixes.count, 1);
        assert_int_equal(info.num_docs, 3);
        assert_int_equal(info.attribute_count, 3);
        assert_string_equal(info.attributes[2].type.ptr, "NUMERIC");
        assert_true(isnan(info.gc_average_cycle_time_ms)); /* ",nan" and "$3 nan" */
        assert_false(info.indexing);
        rsearch_index_info_deinit(&info);
        rsdk_reply_free(r);
    }
}

static void test_profile_spellcheck_sugget_syndump(void **st) {
    (void)st;
    for (int proto = 2; proto <= 3; proto++) {
        rsdk_reply *r = load(proto, "ft_profile");
        rsearch_profile_result p;
        assert_int_equal(rsearch_profile_read(r, &p, NULL), RSDK_OK);
        assert_int_equal(p.result.count, 3);
        double t = -1;
        assert_true(rsdk_reply_number(rsearch_profile_get(p.profile, "Total profile time"), &t));
        assert_true(t >= 0);
        assert_non_null(rsearch_profile_get(p.profile, "Iterators profile"));
        assert_null(rsearch_profile_get(p.profile, "nosuch"));
        rsearch_profile_result_deinit(&p);
        rsdk_reply_free(r);

        r = load(proto, "ft_spellcheck");
        rsearch_spellcheck_result sp;
        assert_int_equal(rsearch_spellcheck_read(r, &sp, NULL), RSDK_OK);
        assert_int_equal(sp.count, 2);
        assert_string_equal(sp.terms[0].term.ptr, "helo");
        assert_string_equal(sp.terms[0].suggestions[0].text.ptr, "hello");
        assert_string_equal(sp.terms[1].suggestions[0].text.ptr, "world");
        rsearch_spellcheck_result_deinit(&sp);
        rsdk_reply_free(r);

        r = load(proto, "ft_sugget");
        rsearch_suggestions sg;
        const rsearch_sugget_opts so = {.withscores = true, .withpayloads = true};
        assert_int_equal(rsearch_suggestions_read(r, &so, &sg, NULL), RSDK_OK);
        assert_int_equal(sg.count, 1);
        assert_string_equal(sg.items[0].text.ptr, "hello");
        assert_string_equal(sg.items[0].payload.ptr, "sp");
        assert_true(sg.items[0].score > 0);
        rsearch_suggestions_deinit(&sg);
        rsdk_reply_free(r);
        r = load(proto, "ft_sugget_none");
        assert_int_equal(rsearch_suggestions_read(r, NULL, &sg, NULL), RSDK_OK);
        assert_int_equal(sg.count, 0);
        rsearch_suggestions_deinit(&sg);
        rsdk_reply_free(r);

        r = load(proto, "ft_syndump");
        const rsdk_reply *m = NULL;
        assert_int_equal(rsearch_syndump_decode(r, &m, NULL), RSDK_OK);
        assert_int_equal(m->type, RSDK_REPLY_MAP); /* RESP2's flat list too */
        assert_non_null(rsdk_reply_map_get(m, "hi"));
        rsdk_reply_free(r);
    }
}

/* Replies of another shape are refused, not read past. */
static void test_wrong_shapes_are_refused(void **st) {
    (void)st;
    rsdk_reply *r = load(2, "ft_syndump"); /* an array of text, not a search reply */
    rsearch_result res;
    rsearch_rows rows;
    rsearch_index_info info;
    rsdk_error e;
    assert_int_equal(rsearch_result_read(r, NULL, &res, &e), RSDK_ERR_UNEXPECTED_REPLY);
    assert_int_equal(rsearch_rows_read(r, &rows, &e), RSDK_ERR_UNEXPECTED_REPLY);
    assert_int_equal(rsearch_index_info_read(r, &info, &e), RSDK_ERR_UNEXPECTED_REPLY);
    rsdk_reply_free(r);
    r = load(3, "ft_info");
    assert_int_equal(rsearch_result_read(r, NULL, &res, &e), RSDK_ERR_UNEXPECTED_REPLY);
    assert_string_equal(e.message, "FT.SEARCH: map without an integer total_results");
    rsdk_reply_free(r);
}

int main(void) {
    const struct CMUnitTest t[] = {
        cmocka_unit_test(test_search_with_every_layout_flag),
        cmocka_unit_test(test_aggregate_rows_and_cursor),
        cmocka_unit_test(test_info_with_nan),
        cmocka_unit_test(test_profile_spellcheck_sugget_syndump),
        cmocka_unit_test(test_wrong_shapes_are_refused),
    };
    server_dir = "redis-8.0";
    int fails = cmocka_run_group_tests_name("redis-8.0", t, NULL, NULL);
    server_dir = "valkey-9.1";
    fails += cmocka_run_group_tests_name("valkey-9.1", t, NULL, NULL);
    return fails;
}
