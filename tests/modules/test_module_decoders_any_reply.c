/* Every module decoder with a result type of its own (and a few view
 * decoders) is handed every reply recorded from the module servers — the
 * right one and all the wrong ones. Each answers RSDK_OK or refuses with
 * RSDK_ERR_UNEXPECTED_REPLY (RSDK_ERR_NIL for a nil), never anything else,
 * and never reads out of bounds or leaks (run under --config=asan). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "rsdk/bloom.h"
#include "rsdk/timeseries.h"
#include "vectors.h"

static const struct {
    const char *dir;
    const char *name;
} VECTORS[] = {
    {"timeseries/redis-8.0", "ts_range"},          {"timeseries/redis-8.0", "ts_range_empty"},
    {"timeseries/redis-8.0", "ts_range_agg"},      {"timeseries/redis-8.0", "ts_get"},
    {"timeseries/redis-8.0", "ts_get_empty"},      {"timeseries/redis-8.0", "ts_mrange_withlabels"},
    {"timeseries/redis-8.0", "ts_mrange_groupby"}, {"timeseries/redis-8.0", "ts_mrevrange_selected"},
    {"timeseries/redis-8.0", "ts_mget_withlabels"}, {"timeseries/redis-8.0", "ts_mget_empty_series"},
    {"timeseries/redis-8.0", "ts_info"},           {"timeseries/redis-8.0", "ts_queryindex"},
    {"timeseries/redis-8.0", "ts_madd"},           {"timeseries/redis-8.0", "ts_madd_refused"},
    {"bloom/redis-8.0", "bf_add"},                 {"bloom/redis-8.0", "bf_mexists"},
    {"bloom/redis-8.0", "bf_info"},                {"bloom/redis-8.0", "bf_info_capacity"},
    {"bloom/redis-8.0", "bf_scandump_first"},      {"bloom/redis-8.0", "cf_insert"},
    {"bloom/redis-8.0", "cf_insertnx"},            {"bloom/redis-8.0", "cf_info"},
    {"bloom/redis-8.0", "cms_incrby"},             {"bloom/redis-8.0", "cms_info"},
    {"bloom/redis-8.0", "topk_list"},              {"bloom/redis-8.0", "topk_list_withcount"},
    {"bloom/redis-8.0", "topk_add"},               {"bloom/redis-8.0", "topk_info"},
    {"bloom/redis-8.0", "tdigest_quantile"},       {"bloom/redis-8.0", "tdigest_min"},
    {"bloom/redis-8.0", "tdigest_rank"},           {"bloom/redis-8.0", "tdigest_info"},
};

static void allowed(rsdk_status st, const char *decoder, const char *vector, int proto) {
    if (st != RSDK_OK && st != RSDK_ERR_UNEXPECTED_REPLY && st != RSDK_ERR_NIL)
        fail_msg("%s on RESP%d %s: %s", decoder, proto, vector, rsdk_status_name(st));
}

/* Decodes `r` with `dec` into a `T`, then releases it with `fin`. */
#define TRY(T, dec, fin)                                 \
    do {                                                 \
        T out_;                                          \
        rsdk_error e_;                                   \
        rsdk_status st_ = dec(r, &out_, &e_);            \
        allowed(st_, #dec, name, proto);                 \
        if (st_ == RSDK_OK) fin(&out_);                  \
        (void)out_;                                      \
        ok += st_ == RSDK_OK;                            \
    } while (0)

static void nothing(const void *p) { (void)p; }

static void every_decoder_on_every_reply(void **state) {
    (void)state;
    size_t tried = 0, ok = 0;
    for (size_t i = 0; i < sizeof VECTORS / sizeof VECTORS[0]; i++) {
        for (int proto = 2; proto <= 3; proto++) {
            const char *name = VECTORS[i].name;
            rsdk_reply *r = vec_load(VECTORS[i].dir, proto, name);
            TRY(rts_samples, rts_range_decode, rts_samples_deinit);
            TRY(rts_samples, rts_get_decode, rts_samples_deinit);
            TRY(rts_series, rts_mrange_decode, rts_series_deinit);
            TRY(rts_series, rts_mget_decode, rts_series_deinit);
            TRY(rts_series_info, rts_info_decode, rts_series_info_deinit);
            TRY(rts_added, rts_madd_decode, rts_added_deinit);
            TRY(rbloom_bf_summary, rbloom_bf_info_decode, rbloom_bf_summary_deinit);
            TRY(rbloom_cf_summary, rbloom_cf_info_decode, rbloom_cf_summary_deinit);
            TRY(rbloom_cms_summary, rbloom_cms_info_decode, rbloom_cms_summary_deinit);
            TRY(rbloom_topk_summary, rbloom_topk_info_decode, rbloom_topk_summary_deinit);
            TRY(rbloom_tdigest_summary, rbloom_tdigest_info_decode, rbloom_tdigest_summary_deinit);
            TRY(rbloom_chunk, rbloom_bf_scandump_decode, rbloom_chunk_deinit);
            TRY(rbloom_topk_items, rbloom_topk_list_decode, rbloom_topk_items_deinit);
            TRY(rsdk_bools, rbloom_bf_mexists_decode, nothing);
            TRY(rsdk_doubles, rbloom_tdigest_quantile_decode, nothing);
            TRY(rsdk_strings, rbloom_topk_add_decode, nothing);
            tried += 16;
            rsdk_reply_free(r);
        }
    }
    printf("%zu decodes of %zu recorded replies: %zu read, %zu refused\n", tried,
           2 * sizeof VECTORS / sizeof VECTORS[0], ok, tried - ok);
    assert_true(ok > 0 && ok < tried);
}

int main(void) {
    const struct CMUnitTest tests[] = {cmocka_unit_test(every_decoder_on_every_reply)};
    return cmocka_run_group_tests(tests, NULL, NULL);
}
