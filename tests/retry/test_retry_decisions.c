/* Retry policy: defaults, error selection, attempt limits and delays. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "rsdk/retry.h"

/* Unsent, so the write guarantee never interferes with these checks. */
#define CHECK(p, code, attempt) rsdk_retry_check(p, code, attempt, false, false)

static void defaults_match_err_retryable(void **st) {
    (void)st;
    rsdk_retry_policy p;
    rsdk_retry_policy_init(&p);
    assert_int_equal(p.max_attempts, 10);
    assert_int_equal(p.backoff.kind, RSDK_BACKOFF_EQUAL_JITTER);
    assert_int_equal(p.backoff.base_ms, 10);
    assert_int_equal(p.backoff.cap_ms, 1000);
    for (rsdk_status c = 0; c < 64; c++)
        assert_int_equal(rsdk_retry_policy_retries(&p, c), rsdk_err_retryable(c));
    assert_true(rsdk_retry_policy_retries(&p, RSDK_ERR_TIMEOUT));
    assert_true(rsdk_retry_policy_retries(&p, RSDK_ERR_LOADING));
    assert_true(rsdk_retry_policy_retries(&p, RSDK_ERR_POOL_EXHAUSTED));
    assert_false(rsdk_retry_policy_retries(&p, RSDK_ERR_WRONGTYPE));
    assert_false(rsdk_retry_policy_retries(&p, RSDK_ERR_CLOSED));
    assert_false(rsdk_retry_policy_retries(&p, RSDK_ERR_AUTH));
}

static void attempts_are_counted_including_the_first(void **st) {
    (void)st;
    rsdk_retry_policy p;
    rsdk_retry_policy_init(&p);
    assert_int_equal(CHECK(&p, RSDK_ERR_TIMEOUT, 1), RSDK_RETRY_YES);
    assert_int_equal(CHECK(&p, RSDK_ERR_TIMEOUT, 9), RSDK_RETRY_YES);
    assert_int_equal(CHECK(&p, RSDK_ERR_TIMEOUT, 10), RSDK_RETRY_NO_EXHAUSTED);
    assert_int_equal(CHECK(&p, RSDK_ERR_TIMEOUT, 100), RSDK_RETRY_NO_EXHAUSTED);
    p.max_attempts = RSDK_RETRY_UNBOUNDED;
    assert_int_equal(CHECK(&p, RSDK_ERR_TIMEOUT, 1), RSDK_RETRY_YES);
    assert_int_equal(CHECK(&p, RSDK_ERR_TIMEOUT, 2000000000), RSDK_RETRY_YES);
    p.max_attempts = 0; /* nonsense counts as "never retry" */
    assert_int_equal(CHECK(&p, RSDK_ERR_TIMEOUT, 1), RSDK_RETRY_NO_EXHAUSTED);
    p.max_attempts = -7;
    assert_int_equal(CHECK(&p, RSDK_ERR_TIMEOUT, 1), RSDK_RETRY_NO_EXHAUSTED);
    rsdk_retry_policy_init_none(&p);
    assert_int_equal(p.max_attempts, 1);
    assert_int_equal(CHECK(&p, RSDK_ERR_TIMEOUT, 1), RSDK_RETRY_NO_EXHAUSTED);
}

static void codes_and_classes_can_be_chosen(void **st) {
    (void)st;
    rsdk_retry_policy p;
    rsdk_retry_policy_init(&p);
    assert_int_equal(CHECK(&p, RSDK_ERR_WRONGTYPE, 1), RSDK_RETRY_NO_ERROR_CLASS);
    assert_int_equal(rsdk_retry_policy_add_code(&p, RSDK_ERR_READONLY), RSDK_OK);
    assert_int_equal(CHECK(&p, RSDK_ERR_READONLY, 1), RSDK_RETRY_YES);
    assert_int_equal(rsdk_retry_policy_remove_code(&p, RSDK_ERR_LOADING), RSDK_OK);
    assert_int_equal(CHECK(&p, RSDK_ERR_LOADING, 1), RSDK_RETRY_NO_ERROR_CLASS);

    /* Classes: drop connection, add cluster. */
    p.classes = RSDK_RETRY_CLASS(RSDK_CLASS_CLUSTER);
    assert_int_equal(CHECK(&p, RSDK_ERR_MOVED, 1), RSDK_RETRY_YES);
    assert_int_equal(CHECK(&p, RSDK_ERR_CROSSSLOT, 1), RSDK_RETRY_YES);
    /* TIMEOUT is still in the per-code set from the defaults. */
    assert_int_equal(CHECK(&p, RSDK_ERR_TIMEOUT, 1), RSDK_RETRY_YES);
    assert_int_equal(rsdk_retry_policy_remove_code(&p, RSDK_ERR_TIMEOUT), RSDK_OK);
    assert_int_equal(CHECK(&p, RSDK_ERR_TIMEOUT, 1), RSDK_RETRY_NO_ERROR_CLASS);

    /* Nothing at all. */
    memset(p.codes, 0, sizeof p.codes);
    p.classes = 0;
    for (rsdk_status c = 0; c < 64; c++) assert_false(rsdk_retry_policy_retries(&p, c));
}

static void closed_and_success_are_never_retried(void **st) {
    (void)st;
    rsdk_retry_policy p;
    rsdk_retry_policy_init(&p);
    p.classes = 0xFFFFFFFFu;
    assert_int_equal(rsdk_retry_policy_add_code(&p, RSDK_ERR_CLOSED), RSDK_OK);
    assert_int_equal(rsdk_retry_policy_add_code(&p, RSDK_OK), RSDK_OK);
    assert_int_equal(CHECK(&p, RSDK_ERR_CLOSED, 1), RSDK_RETRY_NO_ERROR_CLASS);
    assert_int_equal(CHECK(&p, RSDK_OK, 1), RSDK_RETRY_NO_SUCCESS);
    assert_int_equal(CHECK(&p, RSDK_ERR_WRONGTYPE, 1), RSDK_RETRY_YES);
}

static void bad_input_is_rejected(void **st) {
    (void)st;
    rsdk_retry_policy p;
    rsdk_retry_policy_init(&p);
    rsdk_retry_policy before = p;
    assert_int_equal(rsdk_retry_policy_add_code(&p, -1), RSDK_ERR_INVALID_ARG);
    assert_int_equal(rsdk_retry_policy_add_code(&p, 256), RSDK_ERR_INVALID_ARG);
    assert_int_equal(rsdk_retry_policy_remove_code(&p, 100000), RSDK_ERR_INVALID_ARG);
    assert_int_equal(rsdk_retry_policy_add_code(NULL, 1), RSDK_ERR_INVALID_ARG);
    assert_memory_equal(&p, &before, sizeof p);
    assert_int_equal(rsdk_retry_check(NULL, RSDK_ERR_IO, 1, false, true), RSDK_RETRY_NO_INVALID);
    assert_int_equal(rsdk_retry_check(&p, RSDK_ERR_IO, 0, false, true), RSDK_RETRY_NO_INVALID);
    assert_int_equal(rsdk_retry_check(&p, RSDK_ERR_IO, -1, false, true), RSDK_RETRY_NO_INVALID);
    assert_false(rsdk_retry_policy_retries(NULL, RSDK_ERR_IO));
    assert_false(rsdk_retry_policy_retries(&p, 9999));
    assert_false(rsdk_retry_policy_retries(&p, -3));
    rsdk_retry_policy_init(NULL);
    rsdk_retry_policy_init_none(NULL);
}

static void should_draws_delays_only_when_retrying(void **st) {
    (void)st;
    rsdk_retry_policy p;
    rsdk_retry_policy_init(&p);
    p.max_attempts = 4;
    p.backoff.kind = RSDK_BACKOFF_EXPONENTIAL;
    p.backoff.base_ms = 25;
    p.backoff.cap_ms = 80;
    rsdk_backoff b;
    assert_int_equal(rsdk_retry_backoff_init(&p, &b, 1), RSDK_OK);
    uint32_t d = 777;
    assert_true(rsdk_retry_should(&p, &b, RSDK_ERR_EOF, 1, false, false, &d));
    assert_int_equal(d, 25);
    assert_true(rsdk_retry_should(&p, &b, RSDK_ERR_EOF, 2, false, false, &d));
    assert_int_equal(d, 50);
    assert_true(rsdk_retry_should(&p, &b, RSDK_ERR_EOF, 3, false, false, &d));
    assert_int_equal(d, 80);
    /* No: neither the delay nor the backoff moves. */
    d = 777;
    rsdk_backoff saved = b;
    assert_false(rsdk_retry_should(&p, &b, RSDK_ERR_EOF, 4, false, false, &d));
    assert_false(rsdk_retry_should(&p, &b, RSDK_ERR_WRONGTYPE, 1, false, false, &d));
    assert_false(rsdk_retry_should(&p, &b, RSDK_ERR_EOF, 1, true, false, &d));
    assert_int_equal(d, 777);
    assert_memory_equal(&b, &saved, sizeof b);
    /* NULL backoff and NULL delay are allowed. */
    assert_true(rsdk_retry_should(&p, NULL, RSDK_ERR_EOF, 1, false, false, &d));
    assert_int_equal(d, 0);
    assert_true(rsdk_retry_should(&p, &b, RSDK_ERR_EOF, 1, false, false, NULL));
    /* A policy with a broken backoff config cannot make a backoff. */
    p.backoff.cap_ms = 1;
    assert_int_equal(rsdk_retry_backoff_init(&p, &b, 1), RSDK_ERR_INVALID_ARG);
    assert_int_equal(rsdk_retry_backoff_init(NULL, &b, 1), RSDK_ERR_INVALID_ARG);
}

static void verdicts_have_names(void **st) {
    (void)st;
    assert_string_equal(rsdk_retry_verdict_str(RSDK_RETRY_YES), "yes");
    assert_string_equal(rsdk_retry_verdict_str(RSDK_RETRY_NO_WRITE_SENT), "write_sent");
    assert_string_equal(rsdk_retry_verdict_str(RSDK_RETRY_NO_EXHAUSTED), "exhausted");
    assert_string_equal(rsdk_retry_verdict_str((rsdk_retry_verdict)99), "unknown");
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(defaults_match_err_retryable),
        cmocka_unit_test(attempts_are_counted_including_the_first),
        cmocka_unit_test(codes_and_classes_can_be_chosen),
        cmocka_unit_test(closed_and_success_are_never_retried),
        cmocka_unit_test(bad_input_is_rejected),
        cmocka_unit_test(should_draws_delays_only_when_retrying),
        cmocka_unit_test(verdicts_have_names),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
