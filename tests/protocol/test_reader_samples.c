/* Every captured server reply in tests/data parses to the tree it holds
 * (SUMMARY.txt lists them), with exact values. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "support/resp_fixture.h"
#include "rsdk/reader.h"

#define MAX_REPLIES 4

typedef struct {
    const char *file;
    const char *want[MAX_REPLIES]; /* fx_dump of each reply, in order */
} sample;

/* Expected trees, one per reply in the file. */
static const sample samples[] = {
    {"resp2_HELLO.bin", {"*[\"server\",\"redis\",\"version\",\"7.0.15\",\"proto\",:2,\"id\",:9,\"mode\",\"standalone\",\"role\",\"master\",\"modules\",*[]]"}},
    {"resp2_array.bin", {"*[:0,:1,:2]"}},
    {"resp2_attrib.bin", {"\"Some real reply following the attribute\""}},
    {"resp2_bignum.bin", {"\"1234567999999999999999999999999999999\""}},
    {"resp2_double.bin", {"\"3.141\""}},
    {"resp2_false.bin", {":0"}},
    {"resp2_integer.bin", {":12345"}},
    {"resp2_map.bin", {"*[:0,:0,:1,:1,:2,:0]"}},
    {"resp2_null.bin", {"_"}},
    {"resp2_push.bin", {"-\"ERR RESP2 is not supported by this command\""}},
    {"resp2_set.bin", {"*[:0,:1,:2]"}},
    {"resp2_string.bin", {"\"Hello World\""}},
    {"resp2_true.bin", {":1"}},
    {"resp2_verbatim.bin", {"\"This is a verbatim\\nstring\""}},
    {"resp2_x_error_unknown_cmd.bin", {"-\"ERR unknown command 'NOSUCHCMD', with args beginning with: \""}},
    {"resp2_x_error_wrongtype.bin", {"-\"WRONGTYPE Operation against a key holding the wrong kind of value\""}},
    {"resp2_x_get_missing_null.bin", {"_"}},
    {"resp2_x_hgetall_map.bin", {"*[\"f1\",\"v1\",\"f2\",\"v2\"]"}},
    {"resp2_x_pubsub_message.bin", {"*[\"message\",\"chan\",\"hi\"]"}},
    {"resp2_x_smembers_set.bin", {"*[\"m\"]"}},
    {"resp2_x_subscribe.bin", {"*[\"subscribe\",\"chan\",:1]"}},
    {"resp2_x_zscore_inf.bin", {"\"inf\""}},
    {"resp3_HELLO.bin", {"%{\"server\":\"redis\",\"version\":\"7.0.15\",\"proto\"::3,\"id\"::10,\"mode\":\"standalone\",\"role\":\"master\",\"modules\":*[]}"}},
    {"resp3_array.bin", {"*[:0,:1,:2]"}},
    {"resp3_attrib.bin", {"|%{\"key-popularity\":*[\"key:123\",:90]}\"Some real reply following the attribute\""}},
    {"resp3_bignum.bin", {"(1234567999999999999999999999999999999"}},
    {"resp3_double.bin", {",3.141"}},
    {"resp3_false.bin", {"#f"}},
    {"resp3_integer.bin", {":12345"}},
    {"resp3_map.bin", {"%{:0:#f,:1:#t,:2:#f}"}},
    {"resp3_null.bin", {"_"}},
    {"resp3_push.bin", {">[\"server-cpu-usage\",:42]", "\"Some real reply following the push reply\""}},
    {"resp3_set.bin", {"~[:0,:1,:2]"}},
    {"resp3_string.bin", {"\"Hello World\""}},
    {"resp3_true.bin", {"#t"}},
    {"resp3_verbatim.bin", {"=txt:\"This is a verbatim\\nstring\""}},
    {"resp3_x_error_unknown_cmd.bin", {"-\"ERR unknown command 'NOSUCHCMD', with args beginning with: \""}},
    {"resp3_x_error_wrongtype.bin", {"-\"WRONGTYPE Operation against a key holding the wrong kind of value\""}},
    {"resp3_x_get_missing_null.bin", {"_"}},
    {"resp3_x_hgetall_map.bin", {"%{\"f1\":\"v1\",\"f2\":\"v2\"}"}},
    {"resp3_x_invalidate_push.bin", {">[\"invalidate\",*[\"k:track\"]]"}},
    {"resp3_x_pubsub_message.bin", {">[\"message\",\"chan\",\"hi\"]"}},
    {"resp3_x_smembers_set.bin", {"~[\"m\"]"}},
    {"resp3_x_subscribe.bin", {">[\"subscribe\",\"chan\",:1]"}},
    {"resp3_x_zscore_inf.bin", {",inf"}},
};

/* RediSearch captures: each file lost its final "\n" when it was saved
 * so fed alone they are incomplete; with the "\n" restored they are whole. */
static const sample search_samples[] = {
    {"redisearch/resp2_ft_aggregate.bin", {"*[:1,*[\"p\",\"7\"],*[\"p\",\"9\"]]"}},
    {"redisearch/resp2_ft_error_unknown_index.bin", {"-\"Unknown Index name\""}},
    {"redisearch/resp2_ft_explain.bin", {"\"UNION {\\n  foo\\n  +foo(expanded)\\n}\\n\""}},
    {"redisearch/resp2_ft_info_head.bin",
     {"*[+\"index_name\",+\"idx2\",+\"index_options\",*[],+\"fields\",*[*[+\"t\",+\"type\",+\"TEXT\",+\"WEIGHT\",\"1\"],*[+\"g\",+\"type\",+\"TAG\",+\"SEPARATOR\",+\",\"],*[+\"p\",+\"type\",+\"NUMERIC\",+\"SORTABLE\"],*[+\"extra\",+\"type\",+\"TAG\",+\"SEPARATOR\",+\",\"]],+\"num_docs\",\"2\",+\"max_doc_id\",\"3\",+\"num_terms\",\"3\",+\"num_records\",\"2\",+\"inverted_sz_mb\",\"1.9073486328125e-05\",+\"offset_vectors_sz_mb\",\"5.7220458984375e-06\",+\"doc_table_size_mb\",\"0.000240325927734375\",+\"sortable_values_size_mb\",\"6.866455078125e-05\",+\"key_table_size_mb\",\"7.82012939453125e-05\",+\"records_per_doc_avg\",\"1\",+\"bytes_per_record_avg\",\"10\",+\"offsets_per_term_avg\",\"3\",+\"offset_bits_per_record_avg\",\"8\",+\"gc_stats\",*[+\"current_hz\",\"5.3855032920837402\",+\"bytes_collected\",\"16\",+\"effectiv_cycles_rate\",\"0.025210084033613446\"],+\"cursor_stats\",*[+\"global_idle\",:1,+\"global_total\",:1,+\"index_capacity\",:128,+\"index_total\",:1]]"}},
    {"redisearch/resp2_ft_search.bin", {"*[:2,\"d1\",*[\"t\",\"foo bar\",\"g\",\"x,y\",\"p\",\"9\"]]"}},
    {"redisearch/resp2_ft_search_nocontent.bin", {"*[:2,\"d1\",\"d2\"]"}},
    {"redisearch/resp2_ft_search_withscores.bin", {"*[:2,\"d1\",\"1\",*[\"t\",\"foo bar\",\"g\",\"x,y\",\"p\",\"9\"]]"}},
    {"redisearch/resp2_ft_sugget_withscores.bin", {"*[\"hello world\",\"0.31622776389122009\"]"}},
    {"redisearch/resp2_ft_tagvals.bin", {"*[\"x\",\"y\"]"}},
    {"redisearch/resp3_ft_aggregate.bin", {"*[:1,*[\"p\",\"7\"],*[\"p\",\"9\"]]"}},
    {"redisearch/resp3_ft_error_unknown_index.bin", {"-\"Unknown Index name\""}},
    {"redisearch/resp3_ft_explain.bin", {"\"UNION {\\n  foo\\n  +foo(expanded)\\n}\\n\""}},
    {"redisearch/resp3_ft_info_head.bin",
     {"*[+\"index_name\",+\"idx2\",+\"index_options\",*[],+\"fields\",*[*[+\"t\",+\"type\",+\"TEXT\",+\"WEIGHT\",,1],*[+\"g\",+\"type\",+\"TAG\",+\"SEPARATOR\",+\",\"],*[+\"p\",+\"type\",+\"NUMERIC\",+\"SORTABLE\"],*[+\"extra\",+\"type\",+\"TAG\",+\"SEPARATOR\",+\",\"]],+\"num_docs\",,2,+\"max_doc_id\",,3,+\"num_terms\",,3,+\"num_records\",,2,+\"inverted_sz_mb\",,1.9073486328125e-05,+\"offset_vectors_sz_mb\",,5.7220458984375e-06,+\"doc_table_size_mb\",,0.000240325927734375,+\"sortable_values_size_mb\",,6.866455078125e-05,+\"key_table_size_mb\",,7.82012939453125e-05,+\"records_per_doc_avg\",,1,+\"bytes_per_record_avg\",,10,+\"offsets_per_term_avg\",,3,+\"offset_bits_per_record_avg\",,8,+\"gc_stats\",*[+\"current_hz\",,5.3855032920837402,+\"bytes_collected\",,16,+\"effectiv_cycles_rate\",,0.025210084033613446],+\"cursor_stats\",*[+\"global_idle\",:1,+\"global_total\",:1,+\"index_capacity\",:128,+\"index_total\",:1]]"}},
    {"redisearch/resp3_ft_search.bin", {"*[:2,\"d1\",*[\"t\",\"foo bar\",\"g\",\"x,y\",\"p\",\"9\"]]"}},
    {"redisearch/resp3_ft_search_nocontent.bin", {"*[:2,\"d1\",\"d2\"]"}},
    {"redisearch/resp3_ft_search_withscores.bin", {"*[:2,\"d1\",,1,*[\"t\",\"foo bar\",\"g\",\"x,y\",\"p\",\"9\"]]"}},
    {"redisearch/resp3_ft_sugget_withscores.bin", {"*[\"hello world\",,0.31622776389122009]"}},
    {"redisearch/resp3_ft_tagvals.bin", {"*[\"x\",\"y\"]"}},
};

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

static size_t want_count(const sample *s) {
    size_t n = 0;
    while (n < MAX_REPLIES && s->want[n]) n++;
    return n;
}

static void check_sample(const sample *s, const char *data, size_t len) {
    rsdk_reply *got[MAX_REPLIES + 1];
    char text[2048];
    size_t n = fx_parse(data, len, 0, 0, got, MAX_REPLIES + 1, true);
    if (n != want_count(s)) fail_msg("%s: %zu replies, expected %zu", s->file, n, want_count(s));
    for (size_t i = 0; i < n; i++) {
        fx_dump(got[i], text, sizeof text);
        if (strcmp(text, s->want[i]) != 0) fail_msg("%s reply %zu:\n got  %s\n want %s", s->file, i, text, s->want[i]);
    }
    fx_free_all(got, n);
}

static void every_sample_gives_its_tree(void **st) {
    (void)st;
    char path[256];
    for (size_t i = 0; i < COUNT(samples); i++) {
        size_t len = 0;
        snprintf(path, sizeof path, "tests/data/%s", samples[i].file);
        char *data = fx_load(path, &len);
        check_sample(&samples[i], data, len);
        free(data);
    }
}

static void search_captures_complete_once_their_last_lf_arrives(void **st) {
    (void)st;
    char path[256];
    for (size_t i = 0; i < COUNT(search_samples); i++) {
        const sample *s = &search_samples[i];
        size_t len = 0;
        snprintf(path, sizeof path, "tests/data/%s", s->file);
        char *data = fx_load(path, &len);
        assert_true(len > 2 && data[len - 1] == '\r');
        /* As captured: a valid prefix, no reply yet, no error. */
        rsdk_reader *rd = NULL;
        assert_int_equal(rsdk_reader_new(NULL, &rd), RSDK_OK);
        rsdk_reply *rep = (rsdk_reply *)1;
        assert_int_equal(fx_feed_get(rd, data, len, &rep), RSDK_OK);
        assert_null(rep);
        assert_int_equal(rsdk_reader_pending(rd), len);
        rsdk_reader_free(rd);
        data = realloc(data, len + 1);
        assert_non_null(data);
        data[len] = '\n';
        check_sample(s, data, len + 1);
        free(data);
    }
}

static rsdk_reply *one(const char *file) {
    char path[256];
    size_t len = 0;
    snprintf(path, sizeof path, "tests/data/%s", file);
    char *data = fx_load(path, &len);
    rsdk_reply *r = NULL;
    assert_int_equal(fx_parse(data, len, 0, 0, &r, 1, true), 1);
    free(data);
    return r;
}

static void scalar_values_are_exact(void **st) {
    (void)st;
    rsdk_reply *r = one("resp3_double.bin");
    assert_int_equal(r->type, RSDK_REPLY_DOUBLE);
    assert_true(r->dval == 3.141);
    assert_string_equal(r->str, "3.141");
    assert_int_equal(r->len, 5);
    rsdk_reply_free(r);

    r = one("resp3_x_zscore_inf.bin");
    assert_int_equal(r->type, RSDK_REPLY_DOUBLE);
    assert_true(isinf(r->dval) && r->dval > 0);
    rsdk_reply_free(r);

    r = one("resp3_integer.bin");
    assert_int_equal(r->type, RSDK_REPLY_INTEGER);
    assert_int_equal(r->integer, 12345);
    assert_null(r->str);
    rsdk_reply_free(r);

    r = one("resp3_bignum.bin");
    assert_int_equal(r->type, RSDK_REPLY_BIGNUM);
    assert_string_equal(r->str, "1234567999999999999999999999999999999");
    assert_int_equal(r->len, 37);
    rsdk_reply_free(r);

    r = one("resp3_verbatim.bin");
    assert_int_equal(r->type, RSDK_REPLY_VERB);
    assert_string_equal(r->vtype, "txt");
    assert_int_equal(r->len, 25);
    assert_memory_equal(r->str, "This is a verbatim\nstring", 26); /* with its NUL */
    rsdk_reply_free(r);

    r = one("resp3_true.bin");
    assert_int_equal(r->type, RSDK_REPLY_BOOL);
    assert_int_equal(r->integer, 1);
    rsdk_reply_free(r);
    r = one("resp3_false.bin");
    assert_int_equal(r->type, RSDK_REPLY_BOOL);
    assert_int_equal(r->integer, 0);
    rsdk_reply_free(r);

    r = one("resp3_null.bin");
    assert_int_equal(r->type, RSDK_REPLY_NIL);
    rsdk_reply_free(r);
    r = one("resp2_null.bin");
    assert_int_equal(r->type, RSDK_REPLY_NIL);
    rsdk_reply_free(r);

    r = one("resp3_string.bin");
    assert_int_equal(r->type, RSDK_REPLY_STRING);
    assert_int_equal(r->len, 11);
    assert_string_equal(r->str, "Hello World");
    assert_null(r->attribute);
    rsdk_reply_free(r);

    r = one("resp3_x_error_wrongtype.bin");
    assert_int_equal(r->type, RSDK_REPLY_ERROR);
    assert_string_equal(r->str, "WRONGTYPE Operation against a key holding the wrong kind of value");
    rsdk_reply_free(r);
}

static void hello_map_answers_lookups(void **st) {
    (void)st;
    rsdk_reply *r = one("resp3_HELLO.bin");
    assert_int_equal(r->type, RSDK_REPLY_MAP);
    assert_int_equal(r->elements, 14);
    const rsdk_reply *v = rsdk_reply_map_get(r, "version");
    assert_non_null(v);
    assert_string_equal(v->str, "7.0.15");
    v = rsdk_reply_map_get(r, "proto");
    assert_non_null(v);
    assert_int_equal(v->type, RSDK_REPLY_INTEGER);
    assert_int_equal(v->integer, 3);
    v = rsdk_reply_map_get(r, "modules");
    assert_non_null(v);
    assert_int_equal(v->type, RSDK_REPLY_ARRAY);
    assert_int_equal(v->elements, 0);
    assert_null(v->element);
    assert_null(rsdk_reply_map_get(r, "nosuch"));
    rsdk_reply_free(r);
}

static void attribute_hangs_on_the_real_reply(void **st) {
    (void)st;
    rsdk_reply *r = one("resp3_attrib.bin");
    assert_int_equal(r->type, RSDK_REPLY_STRING);
    assert_string_equal(r->str, "Some real reply following the attribute");
    assert_non_null(r->attribute);
    assert_int_equal(r->attribute->type, RSDK_REPLY_MAP);
    assert_int_equal(r->attribute->elements, 2);
    const rsdk_reply *pop = rsdk_reply_map_get(r->attribute, "key-popularity");
    assert_non_null(pop);
    assert_int_equal(pop->type, RSDK_REPLY_ARRAY);
    assert_int_equal(pop->elements, 2);
    assert_string_equal(pop->element[0].str, "key:123");
    assert_int_equal(pop->element[1].integer, 90);
    rsdk_reply_free(r);
}

static void push_then_reply_come_out_in_order(void **st) {
    (void)st;
    size_t len = 0;
    char *data = fx_load("tests/data/resp3_push.bin", &len);
    rsdk_reply *got[2];
    assert_int_equal(fx_parse(data, len, 0, 0, got, 2, true), 2);
    assert_int_equal(got[0]->type, RSDK_REPLY_PUSH);
    assert_int_equal(got[0]->elements, 2);
    assert_string_equal(got[0]->element[0].str, "server-cpu-usage");
    assert_int_equal(got[0]->element[1].integer, 42);
    assert_int_equal(got[1]->type, RSDK_REPLY_STRING);
    assert_string_equal(got[1]->str, "Some real reply following the push reply");
    fx_free_all(got, 2);
    free(data);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(every_sample_gives_its_tree),
        cmocka_unit_test(search_captures_complete_once_their_last_lf_arrives),
        cmocka_unit_test(scalar_values_are_exact),
        cmocka_unit_test(hello_map_answers_lookups),
        cmocka_unit_test(attribute_hangs_on_the_real_reply),
        cmocka_unit_test(push_then_reply_come_out_in_order),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
