/* Secrets are wiped before their memory is freed: a free hook looks in
 * every block rsdk releases for the client secret, the App Service identity
 * header and any token the IdP signed (they all start with the base64 of
 * {"kid":), while providers fetch, refresh, hand out and drop tokens. The
 * events and errors seen on the way carry none of them either.
 *
 * rsdk's blocks are handed out zeroed here: libc recycles memory, and a
 * block libcurl freed (its receive buffer holds the IdP's answer, and curl
 * does not wipe it — a limit docs/credentials.md states) must not be
 * mistaken for one rsdk left unwiped. Blocks of libcurl, OpenSSL and
 * Jansson are outside the rsdk hooks; the module overwrites the token in
 * Jansson's tree and the header lines in curl's list itself. */
#include <malloc.h>
#include <stdatomic.h>

#include "idp_harness.h"

static atomic_long checked, unwiped;

static bool contains(const unsigned char *p, size_t n, const char *needle) {
    size_t k = strlen(needle);
    for (size_t i = 0; i + k <= n; i++)
        if (memcmp(p + i, needle, k) == 0) return true;
    return false;
}

static void *zeroed_malloc(size_t n) { return calloc(1, n ? n : 1); }

static void scanning_free(void *p) {
    if (p) {
        size_t n = malloc_usable_size(p);
        atomic_fetch_add(&checked, 1);
        if (contains(p, n, IDP_SECRET) || contains(p, n, "eyJraWQi") || contains(p, n, IDP_IDENTITY_HEADER))
            atomic_fetch_add(&unwiped, 1);
    }
    free(p);
}

/* realloc through the two above, so grown blocks start zeroed too. */
static void *zeroed_realloc(void *p, size_t n) {
    void *q = zeroed_malloc(n);
    if (q && p) {
        size_t old = malloc_usable_size(p);
        memcpy(q, p, old < n ? old : n);
        scanning_free(p);
    }
    return q;
}

/* Runs a provider for `o` through two refreshes and a login, then frees it;
 * nothing freed on the way held a secret. */
static void run_and_scan(const entra_env *env, rentra_opts *o) {
    const rsdk_allocator a = {zeroed_malloc, NULL, zeroed_realloc, scanning_free};
    rsdk_allocator prev = rsdk_allocator_set(&a);
    atomic_store(&checked, 0);
    atomic_store(&unwiped, 0);
    entra_events ev;
    entra_events_init(&ev);
    o->refresh_ratio = 0.2;
    o->events = ev.bus;
    rsdk_credentials_provider *p = entra_provider(o);
    ENTRA_WAIT(entra_events_count(&ev, RSDK_EVENT_TOKEN_REFRESHED) >= 3, 6000);
    assert_true(entra_events_count(&ev, RSDK_EVENT_TOKEN_REFRESHED) >= 3);
    rsdk_client_opts co;
    entra_client_opts(env, &co, p);
    rsdk_client *c = rsdk_test_client_open(&co);
    CMD_DO(c, "PING");
    rsdk_client_close(c);
    rsdk_credentials_provider_free(p);
    entra_events_deinit(&ev);
    rsdk_allocator_set(&prev);
    print_message("%ld blocks checked\n", atomic_load(&checked));
    assert_true(atomic_load(&checked) > 20);
    assert_int_equal(atomic_load(&unwiped), 0);
}

static void test_client_secret_and_tokens_wiped(void **state) {
    ENTRA_NEED(state);
    entra_env *env = *state;
    rentra_opts o;
    entra_opts_secret(env, &o);
    run_and_scan(env, &o);
}

static void test_identity_header_and_tokens_wiped(void **state) {
    ENTRA_NEED(state);
    entra_env *env = *state;
    rentra_opts o;
    entra_opts_app_service(env, &o);
    run_and_scan(env, &o);
}

/* What callers see when things go wrong names no secret either. */
static void test_failure_texts_hold_no_secret(void **state) {
    ENTRA_NEED(state);
    entra_env *env = *state;
    entra_events ev;
    entra_events_init(&ev);
    rentra_opts o;
    entra_opts_secret(env, &o);
    o.refresh_ratio = 0.2;
    o.events = ev.bus;
    rsdk_credentials_provider *p = entra_provider(&o);
    entra_idp_control(&env->idp, "/fail?status=500&count=2");
    ENTRA_WAIT(entra_events_count(&ev, RSDK_EVENT_TOKEN_REFRESH_FAILED) >= 2, 5000);
    pthread_mutex_lock(&ev.mu);
    for (size_t i = 0; i < ev.n; i++) entra_assert_no_secret(ev.ev[i].message);
    pthread_mutex_unlock(&ev.mu);
    assert_true(entra_events_count(&ev, RSDK_EVENT_TOKEN_REFRESH_FAILED) >= 2);
    rsdk_credentials_provider_free(p);
    entra_events_deinit(&ev);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_client_secret_and_tokens_wiped),
        cmocka_unit_test(test_identity_header_and_tokens_wiped),
        cmocka_unit_test(test_failure_texts_hold_no_secret),
    };
    return cmocka_run_group_tests(tests, entra_env_setup, entra_env_teardown);
}
