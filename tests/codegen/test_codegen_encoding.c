/* Each grammar shape of the command-JSON schema encodes to the exact RESP
 * bytes: generated encoders over the fixture specs in fixtures/. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <cmocka.h>

#include "rsdk/fix.h"
#include "rsdk/writer.h"

/* The RESP array for space-separated words (no binary data). */
static void assert_words(const rsdk_buf *b, const char *words) {
    rsdk_buf want;
    rsdk_buf_init(&want);
    char copy[512];
    size_t n = strlen(words);
    assert_true(n < sizeof copy);
    memcpy(copy, words, n + 1);
    const char *argv[64];
    int argc = 0;
    for (char *p = copy; *p;) {
        argv[argc++] = p;
        while (*p && *p != ' ') p++;
        if (*p) *p++ = '\0';
    }
    assert_int_equal(rsdk_write_command(&want, argc, argv, NULL), RSDK_OK);
    if (b->len != want.len || memcmp(b->data, want.data, want.len) != 0) {
        fprintf(stderr, "got:  %.*s\nwant: %.*s\n", (int)b->len, b->data, (int)want.len, want.data);
        fail();
    }
    rsdk_buf_deinit(&want);
}

static rsdk_buf buf;

static int setup(void **st) {
    (void)st;
    rsdk_buf_init(&buf);
    return 0;
}

static int teardown(void **st) {
    (void)st;
    rsdk_buf_deinit(&buf);
    return 0;
}

static void strings_are_binary_safe_slices_or_c_strings(void **st) {
    (void)st;
    assert_int_equal(rfix_strs_encode(&buf, "k", "v", "p*", NULL), RSDK_OK);
    assert_words(&buf, "STRS k v p*");
    rsdk_buf_clear(&buf);
    assert_int_equal(rfix_strs_encode(&buf, rsdk_str_n("a\0b", 3), rsdk_str_n(NULL, 0), "x", NULL),
                     RSDK_OK);
    static const char want[] = "*4\r\n$4\r\nSTRS\r\n$3\r\na\0b\r\n$0\r\n\r\n$1\r\nx\r\n";
    assert_int_equal(buf.len, sizeof want - 1);
    assert_memory_equal(buf.data, want, sizeof want - 1);
}

static void numbers_use_exact_decimal_text(void **st) {
    (void)st;
    assert_int_equal(rfix_nums_encode(&buf, -7, 1700000000, 2.5, UINT64_MAX, NULL, NULL), RSDK_OK);
    assert_words(&buf, "NUMS -7 1700000000 2.5 18446744073709551615");
    rsdk_buf_clear(&buf);
    rfix_nums_opts o = {.has_limit = true, .limit = 0, .has_score = true, .score = -0.125,
                        .name = RSDK_S("n")};
    assert_int_equal(rfix_nums_encode(&buf, 1, 2, 3, 0, &o, NULL), RSDK_OK);
    assert_words(&buf, "NUMS 1 2 3 0 LIMIT 0 SCORE -0.125 NAME n");
}

static void optional_scalars_need_their_presence_flag(void **st) {
    (void)st;
    rfix_nums_opts o = {.limit = 5, .score = 1.0}; /* has_* false: left out */
    assert_int_equal(rfix_nums_encode(&buf, 1, 2, 3, 4, &o, NULL), RSDK_OK);
    assert_words(&buf, "NUMS 1 2 3 4");
}

static void pure_tokens_required_always_optional_when_true(void **st) {
    (void)st;
    assert_int_equal(rfix_toks_encode(&buf, "k", NULL, NULL), RSDK_OK);
    assert_words(&buf, "TOKS k FIXED");
    rsdk_buf_clear(&buf);
    /* `default` is a C keyword: the field is default_ */
    assert_int_equal(rfix_toks_encode(&buf, "k", &(rfix_toks_opts){.nx = true, .default_ = true}, NULL),
                     RSDK_OK);
    assert_words(&buf, "TOKS k FIXED NX DEFAULT");
    rsdk_buf_clear(&buf);
    /* the token "" (MIGRATE's empty key) is an empty argument */
    assert_int_equal(rfix_toks_encode(&buf, "k", &(rfix_toks_opts){.empty = true}, NULL), RSDK_OK);
    static const char want[] = "*4\r\n$4\r\nTOKS\r\n$1\r\nk\r\n$5\r\nFIXED\r\n$0\r\n\r\n";
    assert_int_equal(buf.len, sizeof want - 1);
    assert_memory_equal(buf.data, want, sizeof want - 1);
}

static void oneof_of_tokens_is_an_enum(void **st) {
    (void)st;
    assert_int_equal(rfix_choose_encode(&buf, "k", RFIX_CHOOSE_OP_OR, NULL, NULL), RSDK_OK);
    assert_words(&buf, "CHOOSE k OR");
    rsdk_buf_clear(&buf);
    rfix_choose_opts o = {.condition = RFIX_CHOOSE_CONDITION_XX, .kind_ = RFIX_CHOOSE_KIND_MASTER};
    assert_int_equal(rfix_choose_encode(&buf, "k", RFIX_CHOOSE_OP_AND, &o, NULL), RSDK_OK);
    assert_words(&buf, "CHOOSE k AND XX TYPE master");
}

static void oneof_with_values_sends_the_chosen_one(void **st) {
    (void)st;
    rfix_choose_opts o = {.expiration = {.kind = RFIX_CHOOSE_EXPIRATION_SECONDS, .seconds = 10,
                                         .at = 99}};
    assert_int_equal(rfix_choose_encode(&buf, "k", RFIX_CHOOSE_OP_AND, &o, NULL), RSDK_OK);
    assert_words(&buf, "CHOOSE k AND EX 10");
    rsdk_buf_clear(&buf);
    o.expiration = (rfix_choose_expiration){.kind = RFIX_CHOOSE_EXPIRATION_LABEL, .label = RSDK_S("L")};
    assert_int_equal(rfix_choose_encode(&buf, "k", RFIX_CHOOSE_OP_AND, &o, NULL), RSDK_OK);
    assert_words(&buf, "CHOOSE k AND LABEL L");
    rsdk_buf_clear(&buf);
    o.expiration = (rfix_choose_expiration){.kind = RFIX_CHOOSE_EXPIRATION_KEEPTTL};
    assert_int_equal(rfix_choose_encode(&buf, "k", RFIX_CHOOSE_OP_AND, &o, NULL), RSDK_OK);
    assert_words(&buf, "CHOOSE k AND KEEPTTL");
}

static void blocks_are_structs_optional_ones_pointers(void **st) {
    (void)st;
    rfix_blk_limit lim = {0, 10};
    assert_int_equal(rfix_blk_encode(&buf, "k", lim, NULL, NULL), RSDK_OK);
    assert_words(&buf, "BLK k LIMIT 0 10");
    rsdk_buf_clear(&buf);
    rfix_blk_opts o = {
        .range = &(rfix_blk_range){.start = 1, .end = -1, .unit = RFIX_BLK_UNIT_BIT},
        .store = &(rfix_blk_store){.destination = RSDK_S("d"), .has_ttl = true, .ttl = 60},
    };
    assert_int_equal(rfix_blk_encode(&buf, "k", lim, &o, NULL), RSDK_OK);
    assert_words(&buf, "BLK k LIMIT 0 10 1 -1 BIT STORE d TTL 60");
}

static void counts_are_filled_in_and_tokens_repeat_when_asked(void **st) {
    (void)st;
    rsdk_str keys[] = {RSDK_S("a"), RSDK_S("b")};
    assert_int_equal(rfix_numk_encode(&buf, keys, 2, NULL, NULL), RSDK_OK);
    assert_words(&buf, "NUMK 2 a b");
    rsdk_buf_clear(&buf);
    double w[] = {1, 0.5};
    rsdk_str gets[] = {RSDK_S("#"), RSDK_S("h_*")};
    rfix_numk_opts o = {.weight = w, .weight_count = 2, .get = gets, .get_count = 2};
    assert_int_equal(rfix_numk_encode(&buf, keys, 2, &o, NULL), RSDK_OK);
    assert_words(&buf, "NUMK 2 a b WEIGHTS 1 0.5 GET # GET h_*");
}

static void multiple_blocks_are_arrays_of_structs(void **st) {
    (void)st;
    rfix_pairs_member m[] = {{1.5, RSDK_S("one")}, {2, RSDK_S("two")}};
    assert_int_equal(rfix_pairs_encode(&buf, "z", m, 2, NULL), RSDK_OK);
    assert_words(&buf, "PAIRS z 1.5 one 2 two");
}

static void multiple_oneof_is_an_array_of_choices(void **st) {
    (void)st;
    rfix_ops_operation ops[] = {
        {.kind = RFIX_OPS_OPERATION_OVERFLOW, .overflow = RFIX_OPS_OVERFLOW_SAT},
        {.kind = RFIX_OPS_OPERATION_GET_BLOCK, .get_block = {RSDK_S("u8"), 0}},
        {.kind = RFIX_OPS_OPERATION_INCR, .incr = -3},
    };
    assert_int_equal(rfix_ops_encode(&buf, "bf", ops, 3, NULL), RSDK_OK);
    assert_words(&buf, "OPS bf OVERFLOW SAT GET u8 0 INCR -3");
}

static void subcommands_send_both_words(void **st) {
    (void)st;
    assert_int_equal(rfix_grp_stats_encode(&buf, NULL, NULL), RSDK_OK);
    assert_words(&buf, "GRP STATS");
    rsdk_buf_clear(&buf);
    rsdk_str sec[] = {RSDK_S("a")};
    assert_int_equal(rfix_grp_stats_encode(&buf, &(rfix_grp_stats_opts){sec, 1}, NULL), RSDK_OK);
    assert_words(&buf, "GRP STATS a");
}

static void module_layout_commands_drop_their_prefix(void **st) {
    (void)st;
    rsdk_str items[] = {RSDK_S("x"), RSDK_S("y")};
    assert_int_equal(rfix_add_encode(&buf, "k", items, 2, NULL), RSDK_OK);
    assert_words(&buf, "TST.ADD k x y");
    /* a full name with a space is a subcommand: two words on the wire, and
     * its container (TST.DBG) gets no binding */
    rsdk_buf_clear(&buf);
    assert_int_equal(rfix_dbg_mem_encode(&buf, "k", NULL), RSDK_OK);
    assert_words(&buf, "TST.DBG MEM k");
}

static void encodes_append_after_earlier_commands(void **st) {
    (void)st;
    assert_int_equal(rfix_info_encode(&buf, "a", NULL), RSDK_OK);
    assert_int_equal(rfix_info_encode(&buf, "b", NULL), RSDK_OK);
    static const char want[] = "*2\r\n$8\r\nTST.INFO\r\n$1\r\na\r\n*2\r\n$8\r\nTST.INFO\r\n$1\r\nb\r\n";
    assert_int_equal(buf.len, sizeof want - 1);
    assert_memory_equal(buf.data, want, sizeof want - 1);
}

int main(void) {
    const struct CMUnitTest tests[] = {
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
        T(strings_are_binary_safe_slices_or_c_strings),
        T(numbers_use_exact_decimal_text),
        T(optional_scalars_need_their_presence_flag),
        T(pure_tokens_required_always_optional_when_true),
        T(oneof_of_tokens_is_an_enum),
        T(oneof_with_values_sends_the_chosen_one),
        T(blocks_are_structs_optional_ones_pointers),
        T(counts_are_filled_in_and_tokens_repeat_when_asked),
        T(multiple_blocks_are_arrays_of_structs),
        T(multiple_oneof_is_an_array_of_choices),
        T(subcommands_send_both_words),
        T(module_layout_commands_drop_their_prefix),
        T(encodes_append_after_earlier_commands),
#undef T
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
