/* Backoff: each strategy follows its formula and stays within its bounds. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "rsdk/backoff.h"
#include "rsdk/error.h"

static rsdk_backoff make(rsdk_backoff_kind k, uint32_t base, uint32_t cap) {
    rsdk_backoff b;
    assert_int_equal(rsdk_backoff_init(&b, k, base, cap, 12345), RSDK_OK);
    return b;
}

static void none_is_always_zero(void **st) {
    (void)st;
    rsdk_backoff b = make(RSDK_BACKOFF_NONE, 100, 1000);
    for (int i = 0; i < 50; i++) assert_int_equal(rsdk_backoff_next(&b), 0);
    assert_int_equal(rsdk_backoff_attempt(&b), 50);
}

static void constant_is_always_base(void **st) {
    (void)st;
    rsdk_backoff b = make(RSDK_BACKOFF_CONSTANT, 250, 1000);
    for (int i = 0; i < 50; i++) assert_int_equal(rsdk_backoff_next(&b), 250);
}

static void exponential_doubles_up_to_the_cap(void **st) {
    (void)st;
    rsdk_backoff b = make(RSDK_BACKOFF_EXPONENTIAL, 10, 1000);
    const uint32_t want[] = {10, 20, 40, 80, 160, 320, 640, 1000, 1000, 1000};
    for (size_t i = 0; i < sizeof want / sizeof want[0]; i++)
        assert_int_equal(rsdk_backoff_next(&b), want[i]);
    for (int i = 0; i < 1000; i++) assert_int_equal(rsdk_backoff_next(&b), 1000);
    rsdk_backoff_reset(&b);
    assert_int_equal(rsdk_backoff_attempt(&b), 0);
    assert_int_equal(rsdk_backoff_next(&b), 10);
}

static void exp_helper_never_overflows(void **st) {
    (void)st;
    assert_int_equal(rsdk_backoff_exp_ms(1, UINT32_MAX, 31), 1u << 31);
    assert_int_equal(rsdk_backoff_exp_ms(1, UINT32_MAX, 32), UINT32_MAX);
    assert_int_equal(rsdk_backoff_exp_ms(3, UINT32_MAX, 31), UINT32_MAX);
    assert_int_equal(rsdk_backoff_exp_ms(UINT32_MAX, UINT32_MAX, 1), UINT32_MAX);
    assert_int_equal(rsdk_backoff_exp_ms(UINT32_MAX, UINT32_MAX, UINT32_MAX), UINT32_MAX);
    assert_int_equal(rsdk_backoff_exp_ms(7, 100, 200), 100);
    assert_int_equal(rsdk_backoff_exp_ms(7, 100, 0), 7);
    assert_int_equal(rsdk_backoff_exp_ms(0, 100, 5), 0);
}

static void attempt_counter_saturates(void **st) {
    (void)st;
    rsdk_backoff b = make(RSDK_BACKOFF_EXPONENTIAL, 5, 5000);
    b.attempt = UINT32_MAX - 1;
    assert_int_equal(rsdk_backoff_next(&b), 5000);
    assert_int_equal(rsdk_backoff_next(&b), 5000);
    assert_int_equal(rsdk_backoff_attempt(&b), UINT32_MAX);
    assert_int_equal(rsdk_backoff_next(&b), 5000);
    assert_int_equal(rsdk_backoff_attempt(&b), UINT32_MAX);
}

static void full_jitter_stays_within_zero_and_exp(void **st) {
    (void)st;
    rsdk_backoff b = make(RSDK_BACKOFF_FULL_JITTER, 10, 1000);
    for (int round = 0; round < 200; round++) {
        rsdk_backoff_reset(&b);
        for (uint32_t n = 0; n < 12; n++) {
            uint32_t d = rsdk_backoff_next(&b);
            assert_true(d <= rsdk_backoff_exp_ms(10, 1000, n));
        }
    }
}

static void equal_jitter_stays_within_half_and_exp(void **st) {
    (void)st;
    rsdk_backoff b = make(RSDK_BACKOFF_EQUAL_JITTER, 10, 1000);
    for (int round = 0; round < 200; round++) {
        rsdk_backoff_reset(&b);
        for (uint32_t n = 0; n < 12; n++) {
            uint32_t d = rsdk_backoff_next(&b);
            uint32_t exp = rsdk_backoff_exp_ms(10, 1000, n);
            assert_true(d >= exp / 2);
            assert_true(d <= exp);
        }
    }
}

static void decorrelated_stays_within_base_cap_and_three_times_prev(void **st) {
    (void)st;
    rsdk_backoff b = make(RSDK_BACKOFF_DECORRELATED_JITTER, 10, 1000);
    uint32_t prev = 10;
    for (int i = 0; i < 5000; i++) {
        uint32_t d = rsdk_backoff_next(&b);
        assert_true(d >= 10);
        assert_true(d <= 1000);
        assert_true(d <= 3 * prev);
        prev = d;
        if (i % 100 == 99) {
            rsdk_backoff_reset(&b);
            prev = 10;
        }
    }
}

static void extreme_values_do_not_overflow(void **st) {
    (void)st;
    for (int k = RSDK_BACKOFF_NONE; k <= RSDK_BACKOFF_DECORRELATED_JITTER; k++) {
        rsdk_backoff b = make((rsdk_backoff_kind)k, UINT32_MAX / 2, UINT32_MAX);
        for (int i = 0; i < 100; i++) {
            uint32_t d = rsdk_backoff_next(&b);
            if (k == RSDK_BACKOFF_NONE) assert_int_equal(d, 0);
            if (k == RSDK_BACKOFF_DECORRELATED_JITTER) assert_true(d >= UINT32_MAX / 2);
        }
        b = make((rsdk_backoff_kind)k, UINT32_MAX, UINT32_MAX);
        uint32_t d = rsdk_backoff_next(&b);
        if (k == RSDK_BACKOFF_EXPONENTIAL || k == RSDK_BACKOFF_CONSTANT ||
            k == RSDK_BACKOFF_DECORRELATED_JITTER)
            assert_int_equal(d, UINT32_MAX);
    }
}

static void zero_base_yields_zero(void **st) {
    (void)st;
    rsdk_backoff b = make(RSDK_BACKOFF_DECORRELATED_JITTER, 0, 0);
    for (int i = 0; i < 10; i++) assert_int_equal(rsdk_backoff_next(&b), 0);
    b = make(RSDK_BACKOFF_FULL_JITTER, 0, 100);
    for (int i = 0; i < 10; i++) assert_int_equal(rsdk_backoff_next(&b), 0);
}

static void bad_arguments_are_rejected_and_leave_state_alone(void **st) {
    (void)st;
    rsdk_backoff b, before;
    memset(&b, 0xAB, sizeof b);
    before = b;
    assert_int_equal(rsdk_backoff_init(&b, RSDK_BACKOFF_EXPONENTIAL, 100, 99, 1), RSDK_ERR_INVALID_ARG);
    assert_int_equal(rsdk_backoff_init(&b, (rsdk_backoff_kind)99, 1, 2, 1), RSDK_ERR_INVALID_ARG);
    assert_int_equal(rsdk_backoff_init(&b, (rsdk_backoff_kind)-1, 1, 2, 1), RSDK_ERR_INVALID_ARG);
    assert_memory_equal(&b, &before, sizeof b);
    assert_int_equal(rsdk_backoff_init(NULL, RSDK_BACKOFF_NONE, 0, 0, 1), RSDK_ERR_INVALID_ARG);
    assert_int_equal(rsdk_backoff_next(NULL), 0);
    rsdk_backoff_reset(NULL);
    assert_int_equal(rsdk_backoff_attempt(NULL), 0);
}

static void kinds_have_names(void **st) {
    (void)st;
    assert_string_equal(rsdk_backoff_kind_str(RSDK_BACKOFF_NONE), "none");
    assert_string_equal(rsdk_backoff_kind_str(RSDK_BACKOFF_CONSTANT), "constant");
    assert_string_equal(rsdk_backoff_kind_str(RSDK_BACKOFF_EXPONENTIAL), "exponential");
    assert_string_equal(rsdk_backoff_kind_str(RSDK_BACKOFF_FULL_JITTER), "full_jitter");
    assert_string_equal(rsdk_backoff_kind_str(RSDK_BACKOFF_EQUAL_JITTER), "equal_jitter");
    assert_string_equal(rsdk_backoff_kind_str(RSDK_BACKOFF_DECORRELATED_JITTER),
                        "decorrelated_jitter");
    assert_string_equal(rsdk_backoff_kind_str((rsdk_backoff_kind)42), "unknown");
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(none_is_always_zero),
        cmocka_unit_test(constant_is_always_base),
        cmocka_unit_test(exponential_doubles_up_to_the_cap),
        cmocka_unit_test(exp_helper_never_overflows),
        cmocka_unit_test(attempt_counter_saturates),
        cmocka_unit_test(full_jitter_stays_within_zero_and_exp),
        cmocka_unit_test(equal_jitter_stays_within_half_and_exp),
        cmocka_unit_test(decorrelated_stays_within_base_cap_and_three_times_prev),
        cmocka_unit_test(extreme_values_do_not_overflow),
        cmocka_unit_test(zero_base_yields_zero),
        cmocka_unit_test(bad_arguments_are_rejected_and_leave_state_alone),
        cmocka_unit_test(kinds_have_names),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
