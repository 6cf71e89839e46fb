/* Backoff: jittered delays are spread the way their formulas promise. With a
 * fixed seed the samples are always the same, so the tolerances below are
 * statistical sanity (about 5 standard errors), not luck. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "rsdk/backoff.h"
#include "rsdk/error.h"

#define SAMPLES 10000
#define SEED 0x5EEDF00Dull

typedef struct {
    double mean;
    uint32_t min, max;
    unsigned buckets[10]; /* deciles of [lo, hi] */
} stats;

/* Draws SAMPLES first delays (reset before each, so exp = base = cap). */
static stats sample(rsdk_backoff_kind k, uint32_t base, uint32_t cap, uint32_t lo, uint32_t hi) {
    rsdk_backoff b;
    assert_int_equal(rsdk_backoff_init(&b, k, base, cap, SEED), RSDK_OK);
    stats s = {0, UINT32_MAX, 0, {0}};
    double sum = 0;
    for (int i = 0; i < SAMPLES; i++) {
        if (k != RSDK_BACKOFF_DECORRELATED_JITTER) rsdk_backoff_reset(&b);
        uint32_t d = rsdk_backoff_next(&b);
        sum += d;
        if (d < s.min) s.min = d;
        if (d > s.max) s.max = d;
        if (d >= lo && d <= hi) {
            size_t i10 = (size_t)((uint64_t)(d - lo) * 10 / ((uint64_t)hi - lo + 1));
            s.buckets[i10]++;
        }
    }
    s.mean = sum / SAMPLES;
    return s;
}

static void full_jitter_is_uniform_over_zero_to_exp(void **st) {
    (void)st;
    stats s = sample(RSDK_BACKOFF_FULL_JITTER, 1000, 1000, 0, 1000);
    /* U(0, 1000): mean 500, sd 289, standard error 2.9. */
    assert_true(s.mean > 485 && s.mean < 515);
    assert_true(s.min < 20);
    assert_true(s.max > 980);
    assert_true(s.max <= 1000);
    /* Each decile expects 1000 samples (sd ~30). */
    for (int i = 0; i < 10; i++) assert_true(s.buckets[i] > 850 && s.buckets[i] < 1150);
}

static void equal_jitter_is_uniform_over_upper_half(void **st) {
    (void)st;
    stats s = sample(RSDK_BACKOFF_EQUAL_JITTER, 1000, 1000, 500, 1000);
    assert_true(s.min >= 500);
    assert_true(s.max <= 1000);
    /* U(500, 1000): mean 750, standard error 1.4. */
    assert_true(s.mean > 742 && s.mean < 758);
    assert_true(s.min < 510);
    assert_true(s.max > 990);
    for (int i = 0; i < 10; i++) assert_true(s.buckets[i] > 850 && s.buckets[i] < 1150);
}

static void decorrelated_spreads_within_base_and_cap(void **st) {
    (void)st;
    stats s = sample(RSDK_BACKOFF_DECORRELATED_JITTER, 10, 1000, 10, 1000);
    assert_true(s.min >= 10);
    assert_true(s.max <= 1000);
    /* The walk reaches both ends and does not stick to either. */
    assert_true(s.min < 40);
    assert_int_equal(s.max, 1000);
    assert_true(s.mean > 200 && s.mean < 900);
    unsigned filled = 0;
    for (int i = 0; i < 10; i++) filled += s.buckets[i] > 100;
    assert_true(filled >= 8);
}

static void full_jitter_mean_is_half_the_exponential_at_every_step(void **st) {
    (void)st;
    /* For attempts 0..6 of base 16, exp = 16 << n; the mean of U(0, exp) is
     * exp / 2. 2000 sequences give a standard error of exp * 0.0065. */
    double sum[7] = {0};
    rsdk_backoff b;
    assert_int_equal(rsdk_backoff_init(&b, RSDK_BACKOFF_FULL_JITTER, 16, 1u << 20, SEED), RSDK_OK);
    for (int r = 0; r < 2000; r++) {
        rsdk_backoff_reset(&b);
        for (int n = 0; n < 7; n++) sum[n] += rsdk_backoff_next(&b);
    }
    for (int n = 0; n < 7; n++) {
        double exp = 16.0 * (1 << n), mean = sum[n] / 2000;
        assert_true(mean > exp / 2 * 0.94 && mean < exp / 2 * 1.06);
    }
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(full_jitter_is_uniform_over_zero_to_exp),
        cmocka_unit_test(equal_jitter_is_uniform_over_upper_half),
        cmocka_unit_test(decorrelated_spreads_within_base_and_cap),
        cmocka_unit_test(full_jitter_mean_is_half_the_exponential_at_every_step),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
