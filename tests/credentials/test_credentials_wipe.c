/* Credentials: every buffer that held a secret is zeroed before it is freed.
 * An allocator hook records each block's size and, on free, looks for the
 * secrets in it. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>

#include "rsdk/alloc.h"
#include "rsdk/credentials.h"
#include "runtime/src/base/alloc.h"
#include "support/session_util.h"

#define PASSWORD "hunter2-correct-horse"
#define TOKEN_PREFIX "eyJ-secret-token-"

/* Each block is preceded by its size; 16 bytes keep the payload aligned. */
#define HDR 16

static atomic_long frees_checked, leaked_secrets, live_blocks;

static bool contains(const unsigned char *p, size_t n, const char *needle) {
    size_t k = strlen(needle);
    for (size_t i = 0; i + k <= n; i++)
        if (memcmp(p + i, needle, k) == 0) return true;
    return false;
}

static void *hook_malloc(size_t n) {
    unsigned char *b = malloc(n + HDR);
    if (!b) return NULL;
    memcpy(b, &n, sizeof n);
    atomic_fetch_add(&live_blocks, 1);
    return b + HDR;
}

static void *hook_calloc(size_t count, size_t n) {
    if (n && count > SIZE_MAX / n) return NULL;
    void *p = hook_malloc(count * n);
    if (p) memset(p, 0, count * n);
    return p;
}

static void hook_free(void *p) {
    if (!p) return;
    unsigned char *b = (unsigned char *)p - HDR;
    size_t n;
    memcpy(&n, b, sizeof n);
    atomic_fetch_add(&frees_checked, 1);
    if (contains(p, n, PASSWORD) || contains(p, n, TOKEN_PREFIX)) atomic_fetch_add(&leaked_secrets, 1);
    atomic_fetch_sub(&live_blocks, 1);
    free(b);
}

static void *hook_realloc(void *p, size_t n) {
    void *q = hook_malloc(n);
    if (!q) return NULL;
    if (p) {
        size_t old;
        memcpy(&old, (unsigned char *)p - HDR, sizeof old);
        memcpy(q, p, old < n ? old : n);
        hook_free(p);
    }
    return q;
}

static int install(void **st) {
    (void)st;
    const rsdk_allocator a = {hook_malloc, hook_calloc, hook_realloc, hook_free};
    rsdk_allocator_set(&a);
    atomic_store(&frees_checked, 0);
    atomic_store(&leaked_secrets, 0);
    atomic_store(&live_blocks, 0);
    return 0;
}

static int uninstall(void **st) {
    (void)st;
    rsdk_allocator_set(NULL);
    return 0;
}

static void the_hook_catches_an_unwiped_secret(void **st) {
    (void)st;
    /* Control: a secret freed without wiping is reported. */
    char *p = rsdk__malloc(sizeof PASSWORD);
    memcpy(p, PASSWORD, sizeof PASSWORD);
    rsdk__free(p);
    assert_int_equal(atomic_load(&leaked_secrets), 1);
    assert_int_equal(atomic_load(&live_blocks), 0);
}

static void values_and_static_providers_wipe(void **st) {
    (void)st;
    rsdk_credentials c = {0};
    assert_int_equal(rsdk_credentials_set(&c, rsdk_str_c("user"), rsdk_str_c(PASSWORD), 0), RSDK_OK);
    /* Replacing wipes the old secret too. */
    assert_int_equal(rsdk_credentials_set(&c, rsdk_str_c("user"), rsdk_str_c(PASSWORD "-2"), 0), RSDK_OK);
    rsdk_credentials_deinit(&c);

    rsdk_credentials_provider *p;
    assert_int_equal(rsdk_credentials_static_new("user", PASSWORD, &p), RSDK_OK);
    for (int i = 0; i < 5; i++) {
        assert_int_equal(rsdk_credentials_provider_get(p, &c, NULL), RSDK_OK);
        assert_string_equal(c.password, PASSWORD);
        rsdk_credentials_deinit(&c);
    }
    rsdk_credentials_provider_free(p);
    assert_true(atomic_load(&frees_checked) >= 12);
    assert_int_equal(atomic_load(&leaked_secrets), 0);
    assert_int_equal(atomic_load(&live_blocks), 0);
}

static rsdk_status half_then_fail(rsdk_credentials *out, rsdk_error *err, void *ud) {
    (void)err;
    (void)ud;
    rsdk_credentials_set(out, rsdk_str_c("user"), rsdk_str_c(PASSWORD), 0);
    return RSDK_ERR_IO;
}

static void discarded_partial_results_are_wiped(void **st) {
    (void)st;
    rsdk_credentials_provider *p;
    assert_int_equal(rsdk_credentials_callback_new(half_then_fail, NULL, &p), RSDK_OK);
    rsdk_credentials c = {0};
    assert_int_equal(rsdk_credentials_provider_get(p, &c, NULL), RSDK_ERR_IO);
    rsdk_credentials_provider_free(p);
    assert_int_equal(atomic_load(&leaked_secrets), 0);
    assert_int_equal(atomic_load(&live_blocks), 0);
}

static atomic_int token_no;

static rsdk_status issue(rsdk_credentials *out, rsdk_error *err, void *ud) {
    (void)err;
    (void)ud;
    char tok[64];
    snprintf(tok, sizeof tok, TOKEN_PREFIX "%d", atomic_fetch_add(&token_no, 1));
    return rsdk_credentials_set(out, rsdk_str_c("oid"), rsdk_str_c(tok), tu_wall_ms() + 100);
}

static void token_managers_wipe_old_and_final_tokens(void **st) {
    (void)st;
    rsdk_events *bus;
    static tu_recorder rec;
    tu_recorder_init(&rec);
    assert_int_equal(rsdk_events_new(&bus), RSDK_OK);
    assert_int_equal(rsdk_events_subscribe(bus, 0, tu_recorder_fn, &rec, NULL), RSDK_OK);
    rsdk_token_opts o;
    rsdk_token_opts_init(&o);
    o.fetch = issue;
    o.min_lead_ms = 0;
    o.events = bus;
    rsdk_token_manager *tm;
    assert_int_equal(rsdk_token_manager_new(&o, &tm), RSDK_OK);
    assert_int_equal(rsdk_token_manager_start(tm, NULL), RSDK_OK);
    /* Several rotations, each replacing (and wiping) the previous token. */
    assert_true(tu_recorder_wait(&rec, RSDK_EVENT_TOKEN_REFRESHED, 4, 10000));
    rsdk_credentials c = {0};
    if (rsdk_credentials_provider_get(rsdk_token_manager_provider(tm), &c, NULL) == RSDK_OK)
        rsdk_credentials_deinit(&c);
    rsdk_token_manager_free(tm);
    rsdk_events_free(bus);
    tu_recorder_deinit(&rec);
    assert_true(atomic_load(&token_no) >= 4);
    assert_int_equal(atomic_load(&leaked_secrets), 0);
    assert_int_equal(atomic_load(&live_blocks), 0);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(the_hook_catches_an_unwiped_secret, install, uninstall),
        cmocka_unit_test_setup_teardown(values_and_static_providers_wipe, install, uninstall),
        cmocka_unit_test_setup_teardown(discarded_partial_results_are_wiped, install, uninstall),
        cmocka_unit_test_setup_teardown(token_managers_wipe_old_and_final_tokens, install, uninstall),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
