/* Out of memory: every allocation in the dispatcher, the providers and the
 * token manager is made to fail in turn. Each failure is RSDK_ERR_NOMEM,
 * leaves the object as it was and leaks nothing (ASan's leak check). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>

#include "rsdk/credentials.h"
#include "rsdk/events.h"
#include "support/session_util.h"
#include "support/fail_alloc.h"

/* Allocation number `at` (1-based, counted from now) fails; 0 = none. */
static void arm(long at) { rsdk_test_alloc_fail_nth((size_t)at); }

static int install(void **st) {
    (void)st;
    rsdk_test_alloc_install();
    return 0;
}

static int uninstall(void **st) {
    (void)st;
    rsdk_test_alloc_remove();
    return 0;
}

static void counter_fn(const rsdk_event *ev, void *ud) {
    (void)ev;
    (*(int *)ud)++;
}

static void dispatcher_survives_every_failure(void **st) {
    (void)st;
    int failures = 0;
    for (long at = 1;; at++) {
        arm(0);
        rsdk_events *e = NULL;
        arm(at);
        rsdk_status s = rsdk_events_new(&e);
        if (s != RSDK_OK) {
            assert_int_equal(s, RSDK_ERR_NOMEM);
            assert_null(e);
            failures++;
            continue;
        }
        int calls = 0, ok = 0;
        for (int i = 0; i < 20; i++) {
            s = rsdk_events_subscribe(e, 0, counter_fn, &calls, NULL);
            if (s == RSDK_OK) ok++;
            else {
                assert_int_equal(s, RSDK_ERR_NOMEM);
                failures++;
            }
        }
        assert_int_equal(rsdk_events_count(e), ok);
        rsdk_event ev;
        memset(&ev, 0, sizeof ev);
        ev.type = RSDK_EVENT_CONNECTED;
        rsdk_events_emit(e, &ev);
        assert_int_equal(calls, ok);
        rsdk_events_free(e);
        if (ok == 20) break; /* `at` is past the last allocation */
    }
    assert_true(failures >= 3);
}

static rsdk_status cb(rsdk_credentials *out, rsdk_error *err, void *ud) {
    (void)err;
    (void)ud;
    return rsdk_credentials_set(out, rsdk_str_c("user"), rsdk_str_c("pw"), 0);
}

static void providers_survive_every_failure(void **st) {
    (void)st;
    int failures = 0;
    for (long at = 1;; at++) {
        arm(at);
        rsdk_credentials_provider *sp = NULL, *cp = NULL;
        rsdk_status s1 = rsdk_credentials_static_new("user", "pw", &sp);
        rsdk_status s2 = rsdk_credentials_callback_new(cb, NULL, &cp);
        rsdk_credentials a = {0}, b = {0};
        rsdk_status g1 = sp ? rsdk_credentials_provider_get(sp, &a, NULL) : RSDK_ERR_NOMEM;
        rsdk_status g2 = cp ? rsdk_credentials_provider_get(cp, &b, NULL) : RSDK_ERR_NOMEM;
        rsdk_status all[] = {s1, s2, g1, g2};
        bool clean = true;
        for (int i = 0; i < 4; i++) {
            if (all[i] != RSDK_OK) {
                assert_int_equal(all[i], RSDK_ERR_NOMEM);
                clean = false;
            }
        }
        if (s1 != RSDK_OK) assert_null(sp);
        if (s2 != RSDK_OK) assert_null(cp);
        if (g1 != RSDK_OK) assert_null(a.password);
        if (g2 != RSDK_OK) assert_null(b.password);
        rsdk_credentials_deinit(&a);
        rsdk_credentials_deinit(&b);
        rsdk_credentials_provider_free(sp);
        rsdk_credentials_provider_free(cp);
        if (clean) break;
        failures++;
    }
    assert_true(failures >= 6);
}

static void a_failed_set_keeps_the_old_value(void **st) {
    (void)st;
    rsdk_credentials c = {0};
    arm(0);
    assert_int_equal(rsdk_credentials_set(&c, rsdk_str_c("old-user"), rsdk_str_c("old"), 5), RSDK_OK);
    for (long at = 1; at <= 2; at++) {
        arm(at);
        assert_int_equal(rsdk_credentials_set(&c, rsdk_str_c("new-user"), rsdk_str_c("new"), 9),
                         RSDK_ERR_NOMEM);
        assert_string_equal(c.username, "old-user");
        assert_string_equal(c.password, "old");
        assert_int_equal(c.expires_at_ms, 5);
    }
    arm(0);
    rsdk_credentials_deinit(&c);
}

static rsdk_status token_cb(rsdk_credentials *out, rsdk_error *err, void *ud) {
    (void)err;
    (void)ud;
    return rsdk_credentials_set(out, rsdk_str_c("oid"), rsdk_str_c("tok"), tu_wall_ms() + 60000);
}

static void token_manager_survives_every_failure(void **st) {
    (void)st;
    int failures = 0;
    for (long at = 1;; at++) {
        arm(at);
        rsdk_token_opts o;
        rsdk_token_opts_init(&o);
        o.fetch = token_cb;
        rsdk_token_manager *tm = NULL;
        rsdk_status s = rsdk_token_manager_new(&o, &tm);
        if (s != RSDK_OK) {
            assert_int_equal(s, RSDK_ERR_NOMEM);
            assert_null(tm);
            failures++;
            continue;
        }
        rsdk_error err;
        s = rsdk_token_manager_start(tm, &err);
        bool clean = s == RSDK_OK;
        if (!clean) {
            assert_int_equal(s, RSDK_ERR_NOMEM);
            assert_int_equal(err.code, RSDK_ERR_NOMEM);
            failures++;
        }
        rsdk_token_manager_free(tm);
        if (clean) break;
    }
    assert_true(failures >= 3);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(dispatcher_survives_every_failure, install, uninstall),
        cmocka_unit_test_setup_teardown(providers_survive_every_failure, install, uninstall),
        cmocka_unit_test_setup_teardown(a_failed_set_keeps_the_old_value, install, uninstall),
        cmocka_unit_test_setup_teardown(token_manager_survives_every_failure, install, uninstall),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
