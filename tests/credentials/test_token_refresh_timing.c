/* Token manager: refreshes before expiry on schedule, bumps the generation,
 * tells subscribers, and stops at once. Real time with short tokens; the
 * assertions check order, counts and generous bounds, never exact times. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdatomic.h>
#include <stdio.h>

#include "rsdk/credentials.h"
#include "runtime/src/auth/token_schedule.h"
#include "support/session_util.h"

typedef struct {
    atomic_int calls;
    int64_t lifetime_ms;
} issuer;

static rsdk_status issue(rsdk_credentials *out, rsdk_error *err, void *ud) {
    (void)err;
    issuer *is = ud;
    int n = atomic_fetch_add(&is->calls, 1) + 1;
    char tok[32];
    snprintf(tok, sizeof tok, "tok-%d", n);
    int64_t exp = is->lifetime_ms ? tu_wall_ms() + is->lifetime_ms : 0;
    return rsdk_credentials_set(out, rsdk_str_c("oid"), rsdk_str_c(tok), exp);
}

static void schedule_uses_ratio_bounded_by_lead(void **st) {
    (void)st;
    /* 300 ms, ratio 0.7, lead 50: min(210, 250) = 210. */
    assert_int_equal(rsdk__token_refresh_delay_ms(300, 0.7, 50), 210);
    /* 1 h token, lead 10 min: min(2520 s, 3000 s) = 2520 s. */
    assert_int_equal(rsdk__token_refresh_delay_ms(3600000, 0.7, 600000), 2520000);
    /* 1 h token, lead 20 min: the lead wins, 40 min. */
    assert_int_equal(rsdk__token_refresh_delay_ms(3600000, 0.7, 1200000), 2400000);
    /* Token shorter than the lead: the ratio alone, never "at once". */
    assert_int_equal(rsdk__token_refresh_delay_ms(1000, 0.5, 10000), 500);
    /* Floors and absurd values. */
    assert_int_equal(rsdk__token_refresh_delay_ms(1, 0.5, 0), 1);
    assert_int_equal(rsdk__token_refresh_delay_ms(0, 0.7, 0), 1);
    assert_true(rsdk__token_refresh_delay_ms(INT64_MAX, 1.0, 0) > 0);
}

static void refreshes_before_expiry_and_bumps_generation(void **st) {
    (void)st;
    static tu_recorder rec, changes;
    tu_recorder_init(&rec);
    tu_recorder_init(&changes);
    rsdk_events *bus;
    assert_int_equal(rsdk_events_new(&bus), RSDK_OK);
    assert_int_equal(rsdk_events_subscribe(bus, 0, tu_recorder_fn, &rec, NULL), RSDK_OK);
    issuer is = {0, 300};
    rsdk_token_opts o;
    rsdk_token_opts_init(&o);
    o.fetch = issue;
    o.fetch_ud = &is;
    o.min_lead_ms = 50;
    o.events = bus;
    o.seed = 1;
    rsdk_token_manager *tm;
    assert_int_equal(rsdk_token_manager_new(&o, &tm), RSDK_OK);
    rsdk_credentials_provider *p = rsdk_token_manager_provider(tm);
    assert_int_equal(rsdk_credentials_provider_subscribe(p, tu_recorder_fn, &changes, NULL), RSDK_OK);

    /* Before start there is no token. */
    rsdk_credentials c = {0};
    rsdk_error err;
    assert_int_equal(rsdk_credentials_provider_get(p, &c, &err), RSDK_ERR_CREDENTIALS);

    int64_t t0 = tu_mono_ms();
    assert_int_equal(rsdk_token_manager_start(tm, &err), RSDK_OK);
    assert_int_equal(rsdk_credentials_provider_get(p, &c, NULL), RSDK_OK);
    assert_string_equal(c.password, "tok-1");
    assert_string_equal(c.username, "oid");
    assert_int_equal(c.generation, 1);
    rsdk_credentials_deinit(&c);

    /* Three refreshes, each expected 210 ms after the previous token. */
    assert_true(tu_recorder_wait(&rec, RSDK_EVENT_TOKEN_REFRESHED, 4, 10000));
    rsdk_token_manager_stop(tm);
    int64_t elapsed = tu_mono_ms() - t0;

    tu_record r[64];
    size_t n = tu_recorder_snapshot(&rec, r, 64);
    size_t refreshed = 0;
    int64_t prev_at = t0;
    for (size_t i = 0; i < n; i++) {
        assert_int_equal(r[i].ev.type, RSDK_EVENT_TOKEN_REFRESHED); /* no failures */
        assert_ptr_equal(r[i].ev.source, tm);
        assert_int_equal(r[i].ev.token_refreshed.generation, i + 1);
        assert_true(r[i].ev.token_refreshed.expires_at_ms > 0);
        /* Not much before the planned 210 ms (slack for a late recording of the previous event). */
        if (i > 0) assert_true(r[i].at_ms - prev_at >= 150);
        prev_at = r[i].at_ms;
        refreshed++;
    }
    assert_true(refreshed >= 4);
    /* Refreshes 1..3 cannot come faster than 3 * 210 ms. */
    assert_true(elapsed >= 550);
    assert_int_equal(rsdk_credentials_provider_generation(p), refreshed);
    /* Subscribers heard every token after the first. */
    assert_int_equal(tu_recorder_count(&changes, RSDK_EVENT_CREDENTIALS_CHANGED), refreshed - 1);
    assert_int_equal(atomic_load(&is.calls), (int)refreshed);

    /* The provider serves the newest token. */
    assert_int_equal(rsdk_credentials_provider_get(p, &c, NULL), RSDK_OK);
    char want[32];
    snprintf(want, sizeof want, "tok-%zu", refreshed);
    assert_string_equal(c.password, want);
    assert_int_equal(c.generation, refreshed);
    rsdk_credentials_deinit(&c);

    /* Stopped: no more fetches; the last token runs out on its own. */
    int calls = atomic_load(&is.calls);
    tu_sleep_ms(400);
    assert_int_equal(atomic_load(&is.calls), calls);
    assert_int_equal(rsdk_credentials_provider_get(p, &c, &err), RSDK_ERR_CREDENTIALS);
    assert_null(strstr(err.message, "tok-"));

    rsdk_token_manager_free(tm);
    rsdk_events_free(bus);
    tu_recorder_deinit(&rec);
    tu_recorder_deinit(&changes);
}

/* A started manager with default options fetching from `is`. */
static rsdk_token_manager *start_manager(issuer *is) {
    rsdk_token_opts o;
    rsdk_token_opts_init(&o);
    o.fetch = issue;
    o.fetch_ud = is;
    rsdk_token_manager *tm;
    assert_int_equal(rsdk_token_manager_new(&o, &tm), RSDK_OK);
    assert_int_equal(rsdk_token_manager_start(tm, NULL), RSDK_OK);
    return tm;
}

static void stop_is_immediate(void **st) {
    (void)st;
    issuer is = {0, 3600 * 1000};
    rsdk_token_manager *tm = start_manager(&is);
    tu_sleep_ms(20); /* the thread is now in its long wait */
    int64_t t = tu_mono_ms();
    rsdk_token_manager_stop(tm);
    assert_true(tu_mono_ms() - t < 1000); /* would be ~42 min if it slept on */
    rsdk_token_manager_stop(tm);          /* idempotent */
    assert_int_equal(rsdk_token_manager_refresh_now(tm), RSDK_ERR_INVALID_ARG);
    /* A restart fetches a new token and counts as a change. */
    assert_int_equal(rsdk_token_manager_start(tm, NULL), RSDK_OK);
    assert_int_equal(rsdk_credentials_provider_generation(rsdk_token_manager_provider(tm)), 2);
    assert_int_equal(rsdk_token_manager_start(tm, NULL), RSDK_ERR_INVALID_ARG);
    t = tu_mono_ms();
    rsdk_token_manager_free(tm); /* stops too */
    assert_true(tu_mono_ms() - t < 1000);
    rsdk_token_manager_free(NULL);
    rsdk_token_manager_stop(NULL);
}

static void tokens_without_expiry_are_never_refreshed(void **st) {
    (void)st;
    issuer is = {0, 0};
    rsdk_token_manager *tm = start_manager(&is);
    tu_sleep_ms(100);
    assert_int_equal(atomic_load(&is.calls), 1);
    /* ...unless asked. */
    assert_int_equal(rsdk_token_manager_refresh_now(tm), RSDK_OK);
    for (int i = 0; i < 500 && atomic_load(&is.calls) < 2; i++) tu_sleep_ms(5);
    assert_int_equal(atomic_load(&is.calls), 2);
    rsdk_token_manager_free(tm);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(schedule_uses_ratio_bounded_by_lead),
        cmocka_unit_test(refreshes_before_expiry_and_bumps_generation),
        cmocka_unit_test(stop_is_immediate),
        cmocka_unit_test(tokens_without_expiry_are_never_refreshed),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
