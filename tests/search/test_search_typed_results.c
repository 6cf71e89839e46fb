/* Every kind of search result reads into the same C value on RESP2 and
 * RESP3, on Redis 8.0 and Valkey 9.1: FT.SEARCH with each flag that
 * changes RESP2's layout, FT.AGGREGATE rows, a cursor stopped early
 * (FT.CURSOR DEL), FT.INFO with its NaN, FT.PROFILE, FT.SPELLCHECK,
 * FT.SUGGET, the string lists, FT.SYNDUMP's map and FT.EXPLAIN. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "rsdk/search.h"
#include "rsdk/search_aggregate.h"
#include "rsdk/search_info.h"
#include "rsdk/search_result.h"
#include "rsdk/search_schema.h"
#include "search_fixture.h"

static void hset(rsdk_client *c, const char *k, const char *title, const char *tag, const char *price,
                 const char *payload) {
    rsdk_reply *r = NULL;
    assert_int_equal(rsdk_client_command(c, &r, "HSET", k, "title", title, "tag", tag, "price", price,
                                         "pl", payload, (const char *)NULL),
                     RSDK_OK);
    rsdk_reply_free(r);
}

static void setup_index(rsdk_client *c) {
    const rsearch_field f[] = {
        {.type = RSEARCH_FIELD_TEXT, .name = S("title")},
        {.type = RSEARCH_FIELD_TAG, .name = S("tag")},
        {.type = RSEARCH_FIELD_NUMERIC, .name = S("price"), .sortable = true},
    };
    const rsdk_str prefix[] = {S("doc:")};
    rsearch_index_def def = {.prefix = prefix, .prefix_count = 1, .payload_field = S("pl")};
    assert_int_equal(rsearch_create_index(c, S("ti"), &def, f, 3), RSDK_OK);
    hset(c, "doc:1", "hello world", "a", "5", "p1");
    hset(c, "doc:2", "hello there", "b", "7", "p2");
    hset(c, "doc:3", "hello again", "a", "9", "p3");
    int64_t n;
    assert_int_equal(rsearch_sugadd(c, S("sug"), S("hello"), 1, &(rsearch_sugadd_opts){.payload = S("sp")}, &n), RSDK_OK);
    const rsdk_str syn[] = {S("hi")};
    assert_int_equal(rsearch_synupdate(c, S("ti"), S("g1"), syn, 1, NULL), RSDK_OK);
    const rsdk_str words[] = {S("alpha"), S("beta")};
    assert_int_equal(rsearch_dictadd(c, S("dict"), words, 2, &n), RSDK_OK);
    /* The background scan started by FT.CREATE ends before the checks. */
    rsearch_ft ft;
    rsearch_ft_init(&ft, c);
    for (int tries = 0;; tries++) {
        rsearch_index_info info;
        assert_int_equal(rsearch_ft_info(&ft, S("ti"), &info), RSDK_OK);
        bool done = !info.indexing && info.percent_indexed == 1.0;
        rsearch_index_info_deinit(&info);
        if (done) break;
        assert_true(tries < 200);
        rsdk_test_sleep_ms(20);
    }
}

/* What one protocol reads, flattened to text for comparison. */
typedef struct seen {
    char search[512], nocontent[128], rows[256], info[256], spell[128], sug[128], lists[128], syn[64];
} seen;

static void put(char *dst, size_t cap, const char *fmt, ...) {
    size_t n = strlen(dst);
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(dst + n, cap - n, fmt, ap);
    va_end(ap);
}
#define PUT(field, ...) put(out->field, sizeof out->field, __VA_ARGS__)

static void read_all(rsdk_client *c, seen *out) {
    memset(out, 0, sizeof *out);
    rsearch_ft ft;
    rsearch_ft_init(&ft, c);
    rsearch_result r;
    const rsearch_search_sortby by = {S("price"), RSEARCH_SEARCH_ORDER_ASC};
    rsearch_search_opts o = {.withscores = true, .withpayloads = true, .withsortkeys = true, .sortby = &by};
    assert_int_equal(rsearch_ft_search(&ft, S("ti"), S("hello"), &o, &r), RSDK_OK);
    PUT(search, "total=%lld;", (long long)r.total);
    for (size_t i = 0; i < r.count; i++) {
        const rsearch_doc *d = &r.docs[i];
        assert_true(d->has_score); /* its value (the scorer's) is not compared */
        assert_null(d->explain);
        PUT(search, "%s payload=%s sortkey=%s", d->id.ptr, d->payload.nil ? "nil" : d->payload.ptr,
            d->sortkey.nil ? "nil" : d->sortkey.ptr);
        for (size_t k = 0; k < d->fields.count; k++) {
            rsdk_pair p = rsearch_doc_field_at(d, k);
            PUT(search, " %s=%s", p.key.ptr, p.value.ptr);
        }
        PUT(search, ";");
    }
    rsearch_result_deinit(&r);
    /* NOCONTENT: ids only; EXPLAINSCORE: the explanation tree. */
    o = (rsearch_search_opts){.nocontent = true, .sortby = &by};
    assert_int_equal(rsearch_ft_search(&ft, S("ti"), S("hello"), &o, &r), RSDK_OK);
    for (size_t i = 0; i < r.count; i++) {
        assert_int_equal(r.docs[i].fields.count, 0);
        PUT(nocontent, "%s;", r.docs[i].id.ptr);
    }
    rsearch_result_deinit(&r);
    o = (rsearch_search_opts){.withscores = true, .explainscore = true};
    assert_int_equal(rsearch_ft_search(&ft, S("ti"), S("hello"), &o, &r), RSDK_OK);
    assert_int_equal(r.count, 3);
    for (size_t i = 0; i < r.count; i++) assert_non_null(r.docs[i].explain);
    rsearch_result_deinit(&r);

    /* The query options that shape the text: HIGHLIGHT and SUMMARIZE with
     * their FIELDS counts, SLOP, INORDER, LANGUAGE, SCORER, TIMEOUT, and
     * RETURN, INFIELDS, INKEYS. */
    const rsdk_str title_only[] = {S("title")};
    const rsearch_search_highlight_fields hf = {title_only, 1};
    const rsearch_search_tags tags = {S("<b>"), S("</b>")};
    const rsearch_search_highlight hl = {&hf, &tags};
    const rsearch_search_summarize_fields sfl = {title_only, 1};
    const rsearch_search_summarize sm = {.fields = &sfl, .has_num = true, .num = 1, .has_fragsize = true,
                                         .fragsize = 5, .separator = S("...")};
    const rsearch_search_identifiers ids[] = {{S("title"), {NULL, 0}}}; /* AS would skip the highlighting */
    const rsearch_search_return ret = {ids, 1};
    const rsearch_search_in_fields inf = {title_only, 1};
    const rsdk_str keys[] = {S("doc:1"), S("doc:3")};
    const rsearch_search_in_keys ink = {keys, 2};
    o = (rsearch_search_opts){.in_keys = &ink, .in_fields = &inf, .return_ = &ret, .summarize = &sm,
                              .highlight = &hl, .has_slop = true, .slop = 1, .inorder = true,
                              .language = S("english"), .scorer = S("TFIDF"), .has_timeout = true,
                              .timeout = 1000, .sortby = &by};
    assert_int_equal(rsearch_ft_search(&ft, S("ti"), S("hello"), &o, &r), RSDK_OK);
    assert_int_equal(r.count, 2);
    assert_string_equal(r.docs[0].id.ptr, "doc:1");
    assert_int_equal(r.docs[0].fields.count, 1);
    if (strstr(rsearch_doc_get(&r.docs[0], "title").ptr, "<b>hello</b>") == NULL)
        fail_msg("title=%s", rsearch_doc_get(&r.docs[0], "title").ptr);
    PUT(search, "highlighted=%s", rsearch_doc_get(&r.docs[1], "title").ptr);
    rsearch_result_deinit(&r);

    /* Aggregate rows. */
    const rsdk_str gb_prop[] = {S("@tag")};
    const rsearch_aggregate_reduce red = {
        .reducer_body = {.kind = RSEARCH_AGGREGATE_REDUCER_BODY_GENERIC_BODY,
                         .generic_body = {.function = RSEARCH_AGGREGATE_FUNCTION_COUNT}},
        .name = S("n")};
    const rsearch_aggregate_groupby gb = {gb_prop, 1, &red, 1};
    const rsearch_aggregate_sortby_fields sf = {S("@tag"), RSEARCH_AGGREGATE_SORTBY_FIELDS_ORDER_ASC};
    const rsearch_aggregate_sortby sb = {&sf, 1, false, 0};
    rsearch_rows rows;
    assert_int_equal(rsearch_ft_aggregate(&ft, S("ti"), S("*"),
                                          &(rsearch_aggregate_opts){.groupby = &gb, .groupby_count = 1, .sortby = &sb},
                                          &rows),
                     RSDK_OK);
    assert_false(rows.has_cursor);
    for (size_t i = 0; i < rows.count; i++)
        PUT(rows, "tag=%s n=%s;", rsearch_row_get(&rows.rows[i], "tag").ptr, rsearch_row_get(&rows.rows[i], "n").ptr);
    rsearch_rows_deinit(&rows);

    /* FT.INFO: the common fields; the GC has not run, so its average is NaN. */
    rsearch_index_info info;
    assert_int_equal(rsearch_ft_info(&ft, S("ti"), &info), RSDK_OK);
    assert_true(isnan(info.gc_average_cycle_time_ms));
    if (info.percent_indexed != 1.0) fail_msg("percent_indexed %g num_docs %lld", info.percent_indexed, (long long)info.num_docs);
    PUT(info, "%s %s docs=%lld prefixes=%zu:%s attrs=", info.index_name.ptr, info.key_type.ptr,
        (long long)info.num_docs, info.prefixes.count, rsdk_strings_at(&info.prefixes, 0).ptr);
    for (size_t i = 0; i < info.attribute_count; i++)
        PUT(info, "%s:%s,", info.attributes[i].attribute.ptr, info.attributes[i].type.ptr);
    PUT(info, " failures=%lld", (long long)info.hash_indexing_failures);
    rsearch_index_info_deinit(&info);

    /* FT.PROFILE: the result and a profile tree. */
    rsearch_profile_result prof;
    assert_int_equal(rsearch_ft_profile_search(&ft, S("ti"), S("hello"), false, &prof), RSDK_OK);
    assert_int_equal(prof.result.total, 3);
    assert_int_equal(prof.result.count, 3);
    assert_non_null(prof.profile);
    rsearch_profile_result_deinit(&prof);

    /* FT.SPELLCHECK: terms and suggestions (scores differ by protocol). */
    rsearch_spellcheck_result sp;
    assert_int_equal(rsearch_ft_spellcheck(&ft, S("ti"), S("helo wrld"), NULL, &sp), RSDK_OK);
    for (size_t i = 0; i < sp.count; i++) {
        PUT(spell, "%s:", sp.terms[i].term.ptr);
        for (size_t k = 0; k < sp.terms[i].count; k++) {
            assert_true(sp.terms[i].suggestions[k].score >= 0);
            PUT(spell, "%s,", sp.terms[i].suggestions[k].text.ptr);
        }
    }
    rsearch_spellcheck_result_deinit(&sp);

    /* FT.SUGGET with scores and payloads. */
    rsearch_suggestions sg;
    assert_int_equal(rsearch_ft_sugget(&ft, S("sug"), S("hel"),
                                       &(rsearch_sugget_opts){.withscores = true, .withpayloads = true}, &sg),
                     RSDK_OK);
    assert_int_equal(sg.count, 1);
    assert_true(sg.items[0].has_score && sg.items[0].score > 0);
    PUT(sug, "%s payload=%s", sg.items[0].text.ptr, sg.items[0].payload.ptr);
    rsearch_suggestions_deinit(&sg);
    assert_int_equal(rsearch_ft_sugget(&ft, S("sug"), S("zzz"), NULL, &sg), RSDK_OK);
    assert_int_equal(sg.count, 0);
    rsearch_suggestions_deinit(&sg);

    /* String lists (RESP3 sets), FT.SYNDUMP's map, FT.EXPLAIN's text. */
    rsdk_strings l;
    assert_int_equal(rsearch_tagvals(c, S("ti"), S("tag"), &l), RSDK_OK);
    PUT(lists, "tags=%zu ", l.count);
    rsdk_strings_deinit(&l);
    assert_int_equal(rsearch_list(c, &l), RSDK_OK);
    PUT(lists, "list=%s ", rsdk_strings_at(&l, 0).ptr);
    rsdk_strings_deinit(&l);
    assert_int_equal(rsearch_dictdump(c, S("dict"), &l), RSDK_OK);
    PUT(lists, "dict=%zu", l.count);
    rsdk_strings_deinit(&l);
    rsdk_reply *t = NULL;
    assert_int_equal(rsearch_syndump(c, S("ti"), &t), RSDK_OK);
    assert_int_equal(t->type, RSDK_REPLY_MAP);
    const rsdk_reply *g = rsdk_reply_map_get(t, "hi");
    assert_non_null(g);
    assert_int_equal(g->type, RSDK_REPLY_ARRAY);
    PUT(syn, "hi->%s", g->element[0].str);
    rsdk_reply_free(t);
    rsdk_string ex;
    assert_int_equal(rsearch_explain(c, S("ti"), S("hello"), NULL, &ex), RSDK_OK);
    assert_non_null(strstr(ex.ptr, "hello"));
    rsdk_string_deinit(&ex);
}

/* A cursor closed before its end is deleted on the server. */
static long long cursors_open(rsdk_client *c) {
    rsearch_ft ft;
    rsearch_ft_init(&ft, c);
    rsearch_index_info info;
    assert_int_equal(rsearch_ft_info(&ft, S("ti"), &info), RSDK_OK);
    const rsdk_reply *cs = rsdk_reply_map_get(info.reply, "cursor_stats");
    assert_non_null(cs);
    const rsdk_reply *n = rsdk_reply_map_get(cs, "global_total");
    assert_non_null(n);
    long long v = n->integer;
    rsearch_index_info_deinit(&info);
    return v;
}

static void cursor_early_stop(rsdk_client *c) {
    rsearch_ft ft;
    rsearch_ft_init(&ft, c);
    const rsdk_str load[] = {S("@title")};
    const rsearch_aggregate_load ld = {load, 1};
    const rsearch_aggregate_cursor wc = {.has_read_size = true, .read_size = 1};
    rsearch_cursor *cur = NULL;
    assert_int_equal(rsearch_cursor_open(&ft, S("ti"), S("*"), &(rsearch_aggregate_opts){.load = &ld, .cursor = &wc}, &cur),
                     RSDK_OK);
    rsearch_rows page;
    bool more;
    assert_int_equal(rsearch_cursor_next(cur, &page, &more), RSDK_OK);
    assert_true(more);
    assert_int_equal(page.count, 1);
    assert_false(rsearch_row_get(&page.rows[0], "title").nil);
    rsearch_rows_deinit(&page);
    assert_true(rsearch_cursor_id(cur) != 0);
    assert_int_equal(cursors_open(c), 1);
    assert_int_equal(rsearch_cursor_close(cur), RSDK_OK); /* FT.CURSOR DEL */
    assert_int_equal(cursors_open(c), 0);
}

static void same_on_both(void **state) {
    RSDK_TEST_NEED_SERVER(state);
    rsdk_client *c2 = search_client(state, 2);
    setup_index(c2);
    rsdk_client *c3 = rsdk_test_client(*state, 3, true);
    seen a, b;
    read_all(c2, &a);
    read_all(c3, &b);
    assert_string_equal(a.search,
                        "total=3;doc:1 payload=p1 sortkey=#5 price=5 title=hello world tag=a;"
                        "doc:2 payload=p2 sortkey=#7 price=7 title=hello there tag=b;"
                        "doc:3 payload=p3 sortkey=#9 price=9 title=hello again tag=a;"
                        "highlighted=<b>hello</b> ...");
    assert_string_equal(a.nocontent, "doc:1;doc:2;doc:3;");
    assert_string_equal(a.rows, "tag=a n=2;tag=b n=1;");
    assert_string_equal(a.info, "ti HASH docs=3 prefixes=1:doc: attrs=title:TEXT,tag:TAG,price:NUMERIC, failures=0");
    assert_string_equal(a.spell, "helo:hello,wrld:world,");
    assert_string_equal(a.sug, "hello payload=sp");
    assert_string_equal(a.lists, "tags=2 list=ti dict=2");
    assert_string_equal(a.syn, "hi->g1");
    assert_memory_equal(&a, &b, sizeof a);
    cursor_early_stop(c2);
    cursor_early_stop(c3);
    rsdk_client_close(c2);
    rsdk_client_close(c3);
}

int main(void) {
    const struct CMUnitTest t[] = {cmocka_unit_test(same_on_both)};
    int fails = cmocka_run_group_tests_name("redis-8.0", t, search_setup_redis80,
                                            rsdk_test_server_group_teardown);
    fails += cmocka_run_group_tests_name("valkey-9.1", t, search_setup_valkey91,
                                         rsdk_test_server_group_teardown);
    return fails;
}
