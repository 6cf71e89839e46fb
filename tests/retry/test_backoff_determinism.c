/* Backoff: an instance's delays depend on its seed alone. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "rsdk/backoff.h"
#include "rsdk/error.h"

#define N 1000

static void fill(rsdk_backoff_kind k, uint64_t seed, uint32_t *out) {
    rsdk_backoff b;
    assert_int_equal(rsdk_backoff_init(&b, k, 10, 100000, seed), RSDK_OK);
    for (int i = 0; i < N; i++) {
        if (i % 10 == 0) rsdk_backoff_reset(&b);
        out[i] = rsdk_backoff_next(&b);
    }
}

static const rsdk_backoff_kind jittered[] = {
    RSDK_BACKOFF_FULL_JITTER, RSDK_BACKOFF_EQUAL_JITTER, RSDK_BACKOFF_DECORRELATED_JITTER};

static void same_seed_gives_same_delays(void **st) {
    (void)st;
    static uint32_t a[N], b[N];
    for (size_t k = 0; k < 3; k++) {
        fill(jittered[k], 42, a);
        fill(jittered[k], 42, b);
        assert_memory_equal(a, b, sizeof a);
        fill(jittered[k], 0, a); /* 0 is a seed like any other */
        fill(jittered[k], 0, b);
        assert_memory_equal(a, b, sizeof a);
    }
}

static void different_seeds_give_different_delays(void **st) {
    (void)st;
    static uint32_t a[N], b[N];
    for (size_t k = 0; k < 3; k++) {
        fill(jittered[k], 42, a);
        fill(jittered[k], 43, b);
        int differ = 0;
        for (int i = 0; i < N; i++) differ += a[i] != b[i];
        assert_true(differ > N / 2);
    }
}

static void instances_do_not_share_random_state(void **st) {
    (void)st;
    /* Interleaving draws from a second instance must not change the first's. */
    static uint32_t alone[N];
    fill(RSDK_BACKOFF_FULL_JITTER, 7, alone);
    rsdk_backoff a, other;
    assert_int_equal(rsdk_backoff_init(&a, RSDK_BACKOFF_FULL_JITTER, 10, 100000, 7), RSDK_OK);
    assert_int_equal(rsdk_backoff_init(&other, RSDK_BACKOFF_FULL_JITTER, 10, 100000, 7), RSDK_OK);
    for (int i = 0; i < N; i++) {
        if (i % 10 == 0) rsdk_backoff_reset(&a);
        (void)rsdk_backoff_next(&other);
        assert_int_equal(rsdk_backoff_next(&a), alone[i]);
    }
}

static void reset_restarts_the_attempts_not_the_sequence(void **st) {
    (void)st;
    rsdk_backoff b;
    assert_int_equal(rsdk_backoff_init(&b, RSDK_BACKOFF_EQUAL_JITTER, 1000, 1000000, 9), RSDK_OK);
    uint32_t first[5], again[5];
    for (int i = 0; i < 5; i++) first[i] = rsdk_backoff_next(&b);
    rsdk_backoff_reset(&b);
    for (int i = 0; i < 5; i++) again[i] = rsdk_backoff_next(&b);
    /* Same exponential bounds per attempt, fresh random draws. */
    for (int i = 0; i < 5; i++) {
        uint32_t exp = rsdk_backoff_exp_ms(1000, 1000000, (uint32_t)i);
        assert_true(again[i] >= exp / 2 && again[i] <= exp);
    }
    assert_memory_not_equal(first, again, sizeof first);
}

static void auto_seeds_differ(void **st) {
    (void)st;
    uint64_t s[64];
    for (int i = 0; i < 64; i++) s[i] = rsdk_backoff_seed_auto();
    for (int i = 0; i < 64; i++)
        for (int j = i + 1; j < 64; j++) assert_true(s[i] != s[j]);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(same_seed_gives_same_delays),
        cmocka_unit_test(different_seeds_give_different_delays),
        cmocka_unit_test(instances_do_not_share_random_state),
        cmocka_unit_test(reset_restarts_the_attempts_not_the_sequence),
        cmocka_unit_test(auto_seeds_differ),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
