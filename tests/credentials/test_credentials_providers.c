/* Credentials: values, the static and callback providers, custom providers,
 * generations and change notifications. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>

#include "rsdk/credentials.h"
#include "support/session_util.h"

static void values_copy_and_clear(void **st) {
    (void)st;
    rsdk_credentials c = {0};
    static const char bin[] = {'p', '\0', 'w'};
    assert_int_equal(rsdk_credentials_set(&c, rsdk_str_c("alice"), rsdk_str_n(bin, 3), 99), RSDK_OK);
    assert_string_equal(c.username, "alice");
    assert_int_equal(c.username_len, 5);
    assert_int_equal(c.password_len, 3);
    assert_memory_equal(c.password, bin, 3);
    assert_int_equal(c.password[3], '\0');
    assert_int_equal(c.expires_at_ms, 99);
    /* Replacing drops the username when none is given. */
    assert_int_equal(rsdk_credentials_set(&c, rsdk_str_n(NULL, 0), rsdk_str_c(""), 0), RSDK_OK);
    assert_null(c.username);
    assert_string_equal(c.password, "");
    /* Invalid input leaves the value alone. */
    char *pw = c.password;
    assert_int_equal(rsdk_credentials_set(&c, rsdk_str_c("u"), rsdk_str_n(NULL, 0), 0),
                     RSDK_ERR_INVALID_ARG);
    assert_int_equal(rsdk_credentials_set(&c, rsdk_str_n(NULL, 3), rsdk_str_c("x"), 0),
                     RSDK_ERR_INVALID_ARG);
    assert_int_equal(rsdk_credentials_set(NULL, rsdk_str_c("u"), rsdk_str_c("x"), 0),
                     RSDK_ERR_INVALID_ARG);
    assert_ptr_equal(c.password, pw);
    rsdk_credentials_deinit(&c);
    assert_null(c.password);
    assert_int_equal(c.password_len, 0);
    rsdk_credentials_deinit(&c); /* twice is fine */
    rsdk_credentials_deinit(NULL);
}

static void static_provider_returns_fresh_copies(void **st) {
    (void)st;
    rsdk_credentials_provider *p = NULL;
    assert_int_equal(rsdk_credentials_static_new("bob", "s3cret", &p), RSDK_OK);
    rsdk_credentials a = {0}, b = {0};
    assert_int_equal(rsdk_credentials_provider_get(p, &a, NULL), RSDK_OK);
    assert_int_equal(rsdk_credentials_provider_get(p, &b, NULL), RSDK_OK);
    assert_string_equal(a.username, "bob");
    assert_string_equal(a.password, "s3cret");
    assert_ptr_not_equal(a.password, b.password);
    assert_int_equal(a.generation, 1);
    assert_int_equal(a.expires_at_ms, 0);
    rsdk_credentials_deinit(&a);
    rsdk_credentials_deinit(&b);
    assert_int_equal(rsdk_credentials_provider_generation(p), 1);
    rsdk_credentials_provider_free(p);

    assert_int_equal(rsdk_credentials_static_new(NULL, "pw", &p), RSDK_OK);
    assert_int_equal(rsdk_credentials_provider_get(p, &a, NULL), RSDK_OK);
    assert_null(a.username);
    assert_string_equal(a.password, "pw");
    rsdk_credentials_deinit(&a);
    rsdk_credentials_provider_free(p);

    rsdk_credentials_provider *q = (void *)0x1;
    assert_int_equal(rsdk_credentials_static_new("u", NULL, &q), RSDK_ERR_INVALID_ARG);
    assert_ptr_equal(q, (void *)0x1);
    assert_int_equal(rsdk_credentials_static_new("u", "p", NULL), RSDK_ERR_INVALID_ARG);
}

typedef struct {
    int calls;
    rsdk_status fail; /* RSDK_OK: succeed */
    bool describe;    /* fill err on failure */
    bool no_password; /* succeed without setting anything */
} cb_state;

static rsdk_status cb_fetch(rsdk_credentials *out, rsdk_error *err, void *ud) {
    cb_state *s = ud;
    s->calls++;
    if (s->fail != RSDK_OK) {
        /* A half-filled value must be discarded by the provider. */
        rsdk_credentials_set(out, rsdk_str_c("half"), rsdk_str_c("filled"), 0);
        if (s->describe) return rsdk_error_set(err, s->fail, 0, "vault unreachable");
        return s->fail;
    }
    if (s->no_password) return RSDK_OK;
    char pw[32];
    snprintf(pw, sizeof pw, "pw-%d", s->calls);
    return rsdk_credentials_set(out, rsdk_str_c("carol"), rsdk_str_c(pw), 0);
}

static void callback_provider_asks_every_time(void **st) {
    (void)st;
    cb_state s = {0};
    rsdk_credentials_provider *p;
    assert_int_equal(rsdk_credentials_callback_new(cb_fetch, &s, &p), RSDK_OK);
    rsdk_credentials c = {0};
    assert_int_equal(rsdk_credentials_provider_get(p, &c, NULL), RSDK_OK);
    assert_string_equal(c.password, "pw-1");
    rsdk_credentials_deinit(&c);
    assert_int_equal(rsdk_credentials_provider_get(p, &c, NULL), RSDK_OK);
    assert_string_equal(c.password, "pw-2");
    assert_string_equal(c.username, "carol");
    rsdk_credentials_deinit(&c);
    assert_int_equal(s.calls, 2);

    /* Failures: out untouched, err filled (by the callback or by default). */
    rsdk_credentials sentinel;
    memset(&sentinel, 0x5A, sizeof sentinel);
    rsdk_credentials out = sentinel;
    rsdk_error err;
    s.fail = RSDK_ERR_IO;
    s.describe = true;
    assert_int_equal(rsdk_credentials_provider_get(p, &out, &err), RSDK_ERR_IO);
    assert_int_equal(err.code, RSDK_ERR_IO);
    assert_string_equal(err.message, "vault unreachable");
    assert_memory_equal(&out, &sentinel, sizeof out);
    s.describe = false;
    assert_int_equal(rsdk_credentials_provider_get(p, &out, &err), RSDK_ERR_IO);
    assert_int_equal(err.code, RSDK_ERR_IO);
    assert_non_null(strstr(err.message, "credentials provider failed"));
    assert_int_equal(rsdk_credentials_provider_get(p, &out, NULL), RSDK_ERR_IO);
    assert_memory_equal(&out, &sentinel, sizeof out);
    s.fail = RSDK_OK;
    s.no_password = true;
    assert_int_equal(rsdk_credentials_provider_get(p, &out, &err), RSDK_ERR_CREDENTIALS);
    assert_int_equal(err.code, RSDK_ERR_CREDENTIALS);
    assert_memory_equal(&out, &sentinel, sizeof out);
    rsdk_credentials_provider_free(p);
    assert_int_equal(rsdk_credentials_callback_new(NULL, &s, &p), RSDK_ERR_INVALID_ARG);
}

static void count_changes(const rsdk_event *ev, void *ud) {
    tu_recorder_fn(ev, ud);
}

typedef struct {
    rsdk_credentials_provider *p;
    rsdk_credentials seen;
} refetch_ctx;

/* Like a pool: on a change, fetch the new credentials from inside the listener. */
static void refetch_on_change(const rsdk_event *ev, void *ud) {
    refetch_ctx *r = ud;
    assert_ptr_equal(ev->source, r->p);
    rsdk_credentials_deinit(&r->seen);
    assert_int_equal(rsdk_credentials_provider_get(r->p, &r->seen, NULL), RSDK_OK);
}

static void notify_bumps_generation_and_tells_subscribers(void **st) {
    (void)st;
    static tu_recorder rec;
    tu_recorder_init(&rec);
    cb_state s = {0};
    rsdk_credentials_provider *p;
    assert_int_equal(rsdk_credentials_callback_new(cb_fetch, &s, &p), RSDK_OK);
    uint64_t id1, id2;
    refetch_ctx r = {p, {0}};
    assert_int_equal(rsdk_credentials_provider_subscribe(p, count_changes, &rec, &id1), RSDK_OK);
    assert_int_equal(rsdk_credentials_provider_subscribe(p, refetch_on_change, &r, &id2), RSDK_OK);
    /* A connection authenticated at generation 1. */
    rsdk_credentials conn = {0};
    assert_int_equal(rsdk_credentials_provider_get(p, &conn, NULL), RSDK_OK);
    assert_int_equal(conn.generation, 1);
    assert_int_equal(rsdk_credentials_provider_notify(p), 2);
    assert_true(conn.generation < rsdk_credentials_provider_generation(p)); /* stale */
    assert_int_equal(rec.n, 1);
    assert_int_equal(rec.rec[0].ev.type, RSDK_EVENT_CREDENTIALS_CHANGED);
    assert_int_equal(rec.rec[0].ev.credentials.generation, 2);
    assert_ptr_equal(rec.rec[0].ev.source, p);
    assert_int_equal(r.seen.generation, 2);
    assert_string_equal(r.seen.password, "pw-2");
    assert_int_equal(rsdk_credentials_provider_unsubscribe(p, id1), RSDK_OK);
    assert_int_equal(rsdk_credentials_provider_unsubscribe(p, id1), RSDK_ERR_INVALID_ARG);
    assert_int_equal(rsdk_credentials_provider_notify(p), 3);
    assert_int_equal(rec.n, 1);
    assert_int_equal(r.seen.generation, 3);
    rsdk_credentials_deinit(&conn);
    rsdk_credentials_deinit(&r.seen);
    rsdk_credentials_provider_free(p);
    assert_int_equal(rsdk_credentials_provider_notify(NULL), 0);
    assert_int_equal(rsdk_credentials_provider_generation(NULL), 0);
    tu_recorder_deinit(&rec);
}

typedef struct {
    int gets;
    int frees;
} custom;

static rsdk_status custom_get(void *self, rsdk_credentials *out, rsdk_error *err) {
    (void)err;
    ((custom *)self)->gets++;
    return rsdk_credentials_set(out, rsdk_str_c("svc"), rsdk_str_c("from-vault"), 123);
}

static void custom_free(void *self) { ((custom *)self)->frees++; }

static void custom_providers_plug_in(void **st) {
    (void)st;
    custom self = {0};
    rsdk_credentials_provider_ops ops = {custom_get, custom_free};
    rsdk_credentials_provider *p;
    assert_int_equal(rsdk_credentials_provider_new(&ops, &self, &p), RSDK_OK);
    ops.get = NULL; /* the provider kept its own copy */
    rsdk_credentials c = {0};
    assert_int_equal(rsdk_credentials_provider_get(p, &c, NULL), RSDK_OK);
    assert_string_equal(c.password, "from-vault");
    assert_int_equal(c.expires_at_ms, 123);
    rsdk_credentials_deinit(&c);
    assert_int_equal(self.gets, 1);
    rsdk_credentials_provider_free(p);
    assert_int_equal(self.frees, 1);
    rsdk_credentials_provider_free(NULL);

    rsdk_credentials_provider *q = (void *)0x1;
    assert_int_equal(rsdk_credentials_provider_new(&ops, &self, &q), RSDK_ERR_INVALID_ARG);
    assert_int_equal(rsdk_credentials_provider_new(NULL, &self, &q), RSDK_ERR_INVALID_ARG);
    assert_ptr_equal(q, (void *)0x1);
    assert_int_equal(self.frees, 1);
    rsdk_error err;
    assert_int_equal(rsdk_credentials_provider_get(NULL, &c, &err), RSDK_ERR_INVALID_ARG);
    assert_int_equal(rsdk_credentials_provider_subscribe(NULL, count_changes, NULL, NULL),
                     RSDK_ERR_INVALID_ARG);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(values_copy_and_clear),
        cmocka_unit_test(static_provider_returns_fresh_copies),
        cmocka_unit_test(callback_provider_asks_every_time),
        cmocka_unit_test(notify_bumps_generation_and_tells_subscribers),
        cmocka_unit_test(custom_providers_plug_in),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
