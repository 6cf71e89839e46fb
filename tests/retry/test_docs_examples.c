/* The code examples of docs/retries.md, docs/events.md and docs/credentials.md,
 * verbatim inside test scaffolding, so they keep compiling and doing what the
 * docs say. Change both together. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>

#include "rsdk/backoff.h"
#include "rsdk/credentials.h"
#include "rsdk/events.h"
#include "rsdk/retry.h"
#include "support/session_util.h"

/* ---- docs/retries.md ----------------------------------------------------- */

typedef struct {
    int calls;
} fake_conn;

/* First attempt: refused before sending; second: success. */
static rsdk_status send_command(fake_conn *conn, const char *cmd, bool *sent) {
    (void)cmd;
    if (conn->calls++ == 0) return RSDK_ERR_CONNECT;
    *sent = true;
    return RSDK_OK;
}

static void sleep_ms(uint32_t ms) { tu_sleep_ms(ms); }

static rsdk_status run_with_retries(fake_conn *conn, const char *cmd, bool cmd_is_readonly) {
    rsdk_retry_policy policy;
    rsdk_retry_policy_init(&policy);
    rsdk_backoff b;
    rsdk_retry_backoff_init(&policy, &b, rsdk_backoff_seed_auto());
    for (int attempt = 1;; attempt++) {
        bool sent = false;
        rsdk_status st = send_command(conn, cmd, &sent);   /* sets sent on first byte */
        if (st == RSDK_OK) break;
        uint32_t delay;
        if (!rsdk_retry_should(&policy, &b, st, attempt, sent, cmd_is_readonly, &delay))
            return st;                                      /* the original error */
        sleep_ms(delay);
    }
    return RSDK_OK;
}

static void retries_examples(void **st) {
    (void)st;
    rsdk_backoff b;
    rsdk_backoff_init(&b, RSDK_BACKOFF_EQUAL_JITTER, 10 /* base ms */, 1000 /* cap ms */,
                      rsdk_backoff_seed_auto());
    uint32_t d1 = rsdk_backoff_next(&b);   /* attempt 0 */
    uint32_t d2 = rsdk_backoff_next(&b);   /* attempt 1 */
    rsdk_backoff_reset(&b);                /* after a success */
    assert_true(d1 >= 5 && d1 <= 10);
    assert_true(d2 >= 10 && d2 <= 20);

    rsdk_retry_policy p;
    rsdk_retry_policy_init(&p);          /* the defaults below */
    p.max_attempts = 5;                  /* or RSDK_RETRY_UNBOUNDED */
    rsdk_retry_policy_add_code(&p, RSDK_ERR_READONLY);
    assert_true(rsdk_retry_policy_retries(&p, RSDK_ERR_READONLY));

    fake_conn conn = {0};
    assert_int_equal(run_with_retries(&conn, "INCR", false), RSDK_OK);
    assert_int_equal(conn.calls, 2);
}

/* ---- docs/events.md ------------------------------------------------------ */

static void on_event(const rsdk_event *ev, void *ud) {
    FILE *log = ud;
    switch (ev->type) {
    case RSDK_EVENT_DISCONNECTED:
        fprintf(log, "lost %s: %s\n", ev->disconnected.endpoint,
                rsdk_status_str(ev->disconnected.cause));
        break;
    case RSDK_EVENT_COMMAND_COMPLETED:
        fprintf(log, "%s took %llu us\n", ev->command.name,
                (unsigned long long)ev->command.latency_us);
        break;
    default:
        break;
    }
}

static void events_example(void **st) {
    (void)st;
    FILE *out = tmpfile();
    assert_non_null(out);
    rsdk_events *bus;
    uint64_t id;
    rsdk_events_new(&bus);
    rsdk_events_subscribe(bus,
                          RSDK_EVENT_MASK(RSDK_EVENT_DISCONNECTED) |
                              RSDK_EVENT_MASK(RSDK_EVENT_COMMAND_COMPLETED),
                          on_event, out, &id);
    rsdk_event ev;
    memset(&ev, 0, sizeof ev);
    ev.type = RSDK_EVENT_DISCONNECTED;
    ev.disconnected.endpoint = "10.0.0.1:6379";
    ev.disconnected.cause = RSDK_ERR_EOF;
    rsdk_events_emit(bus, &ev);
    memset(&ev, 0, sizeof ev);
    ev.type = RSDK_EVENT_COMMAND_COMPLETED;
    ev.command.name = "GET";
    ev.command.latency_us = 87;
    rsdk_events_emit(bus, &ev);
    ev.type = RSDK_EVENT_CONNECTED; /* not in the mask */
    rsdk_events_emit(bus, &ev);
    rsdk_events_unsubscribe(bus, id);
    rsdk_events_free(bus);   /* after everything that emits into it is gone */

    char text[256] = {0};
    rewind(out);
    size_t n = fread(text, 1, sizeof text - 1, out);
    fclose(out);
    text[n] = '\0';
    assert_string_equal(text, "lost 10.0.0.1:6379: connection closed by peer\nGET took 87 us\n");
}

/* ---- docs/credentials.md ------------------------------------------------- */

struct my_idp {
    const char *object_id;
    int issued;
};

static int my_idp_get_token(struct my_idp *idp, char *buf, size_t len, int64_t *expires_at_ms) {
    snprintf(buf, len, "token-%d", ++idp->issued);
    *expires_at_ms = tu_wall_ms() + 3600 * 1000;
    return 0;
}

static rsdk_status fetch_token(rsdk_credentials *out, rsdk_error *err, void *ud) {
    struct my_idp *idp = ud;
    char token[4096];
    int64_t expires_at_ms;
    if (my_idp_get_token(idp, token, sizeof token, &expires_at_ms) != 0)
        return rsdk_error_set(err, RSDK_ERR_CREDENTIALS, 0, "identity provider refused");
    rsdk_status st = rsdk_credentials_set(out, rsdk_str_c(idp->object_id), rsdk_str_c(token),
                                          expires_at_ms);
    memset(token, 0, sizeof token);
    return st;
}

static void credentials_example(void **st) {
    (void)st;
    struct my_idp my = {"0f1e2d3c", 0};
    struct my_idp *idp = &my;
    rsdk_events *bus;
    rsdk_events_new(&bus);
    rsdk_error err;

    rsdk_token_opts o;
    rsdk_token_opts_init(&o);
    o.fetch = fetch_token;
    o.fetch_ud = idp;
    o.events = bus;                         /* optional */
    rsdk_token_manager *tm;
    rsdk_token_manager_new(&o, &tm);
    rsdk_token_manager_start(tm, &err);     /* first token fetched here */
    rsdk_credentials_provider *p = rsdk_token_manager_provider(tm);

    rsdk_credentials c = {0};
    assert_int_equal(rsdk_credentials_provider_get(p, &c, NULL), RSDK_OK);
    assert_string_equal(c.username, "0f1e2d3c");
    assert_string_equal(c.password, "token-1");
    rsdk_credentials_deinit(&c);

    rsdk_token_manager_free(tm);            /* after they are gone */
    rsdk_events_free(bus);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(retries_examples),
        cmocka_unit_test(events_example),
        cmocka_unit_test(credentials_example),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
