/* Every generated core command, in its minimal valid form, against a real
 * redis-server, on RESP2 and on RESP3:
 *
 *   - the generated encoder (rcore_X_encode) and an argv built from the
 *     public metadata (rcore_commands[]) give byte-identical RESP;
 *   - the minimal argv satisfies the command's arity;
 *   - the generated sync call (rcore_X: encode, send, decode the typed
 *     result) is not refused for its grammar: no "wrong number of
 *     arguments", no "syntax error", no decoder rejecting the reply.
 *     Other error replies (WRONGTYPE, NOSCRIPT, "cluster support
 *     disabled", ...) mean the parser accepted the arguments and count as
 *     accepted; commands newer than the server must get its
 *     unknown-command error (RSDK_ERR_UNKNOWN_COMMAND) and leave the
 *     connection usable.
 *
 * Counts, the deny list with reasons, unknown commands with their `since`
 * and every accepted error reply are printed. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <cmocka.h>

#include "minimal.h"
#include "rsdk/core.h"
#include "rsdk/writer.h"
#include "support/server.h"

typedef struct tally {
    size_t exercised, ok, accepted, unknown, older, denied, failures;
} tally;

/* Failure lines, printed together at the end of a run. */
static char failures[64][300];
static size_t nfail_lines;

static void fail_line(tally *t, const char *fmt, ...) {
    t->failures++;
    if (nfail_lines == sizeof failures / sizeof failures[0]) return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(failures[nfail_lines++], sizeof failures[0], fmt, ap);
    va_end(ap);
}

/* cluster_enabled from INFO cluster. */
static bool cluster_enabled(rsdk_client *c) {
    rsdk_reply *r = NULL;
    if (rsdk_client_command(c, &r, "INFO", "cluster", NULL) != RSDK_OK) return false;
    bool on = strstr(r->str, "cluster_enabled:1") != NULL;
    rsdk_reply_free(r);
    return on;
}

static void load_fixtures(rsdk_client *c) {
    rsdk_pipeline *p = NULL;
    assert_int_equal(rsdk_pipeline_new(c, &p), RSDK_OK);
    assert_non_null(p);
    size_t n = 0;
    for (; mc_fixtures[n]; n++) {
        int argc = 0;
        while (mc_fixtures[n][argc]) argc++;
        assert_int_equal(rsdk_pipeline_append_argv(p, argc, mc_fixtures[n], NULL), RSDK_OK);
    }
    assert_int_equal(rsdk_pipeline_exec(p), RSDK_OK);
    for (size_t i = 0; i < n; i++) {
        const rsdk_reply *r = rsdk_pipeline_reply(p, i);
        if (r == NULL || r->type == RSDK_REPLY_ERROR)
            fail_msg("fixture %s %s: %s", mc_fixtures[i][0], mc_fixtures[i][1] ? mc_fixtures[i][1] : "",
                     r ? r->str : "no reply");
    }
    rsdk_pipeline_free(p);
}

static bool grammar_error(const char *msg) {
    return strstr(msg, "wrong number of arguments") != NULL || strstr(msg, "syntax error") != NULL ||
           strstr(msg, "Syntax error") != NULL;
}

/* Push replies (RESP3 subscribe confirmations) seen on a dedicated client. */
typedef struct push_seen {
    char kind[32];
    size_t n;
} push_seen;

static void on_push(rsdk_client *c, rsdk_reply *push, void *ud) {
    (void)c;
    push_seen *ps = ud;
    if (push->elements > 0 && push->element[0].str && ps->n++ == 0)
        snprintf(ps->kind, sizeof ps->kind, "%s", push->element[0].str);
    rsdk_reply_free(push);
}

static rsdk_client *open_client(const rsdk_test_server *s, int proto, int timeout_ms) {
    rsdk_client_opts o;
    rsdk_test_server_client_opts(s, &o, true);
    o.protocol = proto;
    o.command_timeout_ms = timeout_ms;
    rsdk_client *c = NULL;
    rsdk_error err;
    if (rsdk_client_open(&o, &c, &err) != RSDK_OK) fail_msg("connect: %s", err.message);
    return c;
}

/* Encoder versus metadata: same bytes. Also the arity. */
static void check_encoding(const rsdk_command_meta *m, const mc_binding *b, mc_ctx *v, tally *t) {
    mc_argv av;
    if (!mc_build_argv(v, &av)) {
        fail_line(t, "%s: metadata walk: %s", m->name, v->problem);
        return;
    }
    bool arity_ok = m->arity > 0 ? av.argc == m->arity : av.argc >= -m->arity;
    if (!arity_ok) fail_line(t, "%s: minimal argv has %d words, arity is %d", m->name, av.argc, m->arity);
    rsdk_buf want, got;
    rsdk_buf_init(&want);
    rsdk_buf_init(&got);
    assert_int_equal(rsdk_write_command(&want, av.argc, av.argv, av.len), RSDK_OK);
    rsdk_error err;
    rsdk_error_clear(&err);
    rsdk_status st = b->call(v, &got, NULL, &err);
    if (st != RSDK_OK)
        fail_line(t, "%s: encoder refused the minimal values: %s", m->name, err.message);
    else if (v->problem[0])
        fail_line(t, "%s: %s", m->name, v->problem);
    else if (got.len != want.len || memcmp(got.data, want.data, got.len) != 0)
        fail_line(t, "%s: encoder and metadata differ: encoder %.*s | metadata %.*s", m->name,
                  (int)(got.len > 100 ? 100 : got.len), got.data, (int)(want.len > 100 ? 100 : want.len),
                  want.data);
    rsdk_buf_deinit(&want);
    rsdk_buf_deinit(&got);
}

static void run_protocol(const rsdk_test_server *s, int proto) {
    nfail_lines = 0;
    tally t = {0};
    rsdk_client *c = open_client(s, proto, 0);
    assert_int_equal(rsdk_client_protocol(c), proto);
    /* The specs date commands by Redis version: compare with the Redis
     * version the server reports (Valkey's is the 7.2.4 it forked from). */
    rsdk_test_server_ident id;
    rsdk_test_server_identify(c, &id);
    const char *version = id.redis_version;
    int64_t now = (int64_t)time(NULL);
    /* Without cluster mode the cluster group must answer exactly that. */
    bool expect_cluster_disabled = !cluster_enabled(c);
    assert_int_equal(mc_bindings_count, rcore_commands_count);
    size_t nskipped = 0;
    while (mc_skipped_specs[nskipped].name) nskipped++;
    printf("RESP%d, %s %s (redis_version %s): %zu specs: %zu generated commands, %zu skipped, "
           "%zu containers\n",
           proto, id.family, id.version, version, mc_specs_total, rcore_commands_count, nskipped,
           mc_specs_containers);
    assert_int_equal(rcore_commands_count + nskipped + mc_specs_containers, mc_specs_total);
    if (proto == 2)
        for (size_t i = 0; i < nskipped; i++)
            printf("  not generated: %-30s %s\n", mc_skipped_specs[i].name, mc_skipped_specs[i].reason);
    static char unknown[512][64];
    size_t nunknown = 0;

    for (size_t i = 0; i < rcore_commands_count; i++) {
        const rsdk_command_meta *m = &rcore_commands[i];
        const mc_binding *b = &mc_bindings[i];
        assert_string_equal(b->name, m->name);
        mc_ctx v;
        mc_ctx_init(&v, m, now);
        check_encoding(m, b, &v, &t);

        const char *why = mc_denied(m->name);
        if (why) {
            t.denied++;
            continue;
        }
        bool newer = mc_version_cmp(m->since, version) > 0;
        unsigned flags = mc_flags(m->name);
        load_fixtures(c);
        t.exercised++;
        push_seen ps = {{0}, 0};
        rsdk_client *run = c;
        if (flags & MC_DEDICATED) {
            /* RESP3 confirms (un)subscribing with a push, which is never a
             * command's reply: the call then ends by its timeout. */
            run = open_client(s, proto, proto == 3 ? 300 : 0);
            rsdk_client_set_push_handler(run, on_push, &ps);
        }
        mc_ctx_init(&v, m, now);
        rsdk_status st = b->call(&v, NULL, run, NULL);
        const rsdk_error *e = rsdk_client_error(run);
        char msg[256];
        snprintf(msg, sizeof msg, "%s", st == RSDK_OK ? "" : e->message);
        const mc_standalone *sa = NULL;
        if (st == RSDK_OK && strcmp(m->group, "cluster") == 0 && expect_cluster_disabled &&
            !(sa = mc_answers_standalone(m->name, id.family, id.version))) {
            fail_line(&t, "%s: answered without cluster mode", m->name);
        } else if (st == RSDK_OK) {
            if (sa) printf("  answered without cluster mode %-20s %s\n", m->name, sa->why);
            t.ok++;
        } else if (st == RSDK_ERR_TIMEOUT && (flags & MC_DEDICATED) && ps.n > 0) {
            t.ok++; /* confirmed by push */
        } else if (st == RSDK_ERR_UNKNOWN_COMMAND && newer) {
            t.unknown++;
            if (nunknown < 512) snprintf(unknown[nunknown++], 64, "%s (%s)", m->name, m->since);
            if (rsdk_client_broken(run)) fail_line(&t, "%s: unknown command broke the connection", m->name);
        } else if (st == RSDK_ERR_UNKNOWN_COMMAND) {
            fail_line(&t, "%s (since %s): server %s does not know it: %s", m->name, m->since, version, msg);
        } else if (rsdk_err_class(st) == RSDK_CLASS_RESPONSE || rsdk_err_class(st) == RSDK_CLASS_CLUSTER) {
            const mc_older *old = mc_older_server(m->name, version);
            bool cluster_cmd = strcmp(m->group, "cluster") == 0;
            if (cluster_cmd && expect_cluster_disabled && strstr(msg, "cluster support disabled") == NULL) {
                fail_line(&t, "%s: expected the cluster-disabled error, got %s", m->name, msg);
            } else if (old && grammar_error(msg)) {
                t.older++;
                printf("  refused by this older server  %-20s %s (fine from %s: %s)\n", m->name, msg,
                       old->fixed_in, old->why);
            } else if (st == RSDK_ERR_NIL || grammar_error(msg))
                fail_line(&t, "%s: %s: %s", m->name, rsdk_status_name(st), msg);
            else {
                t.accepted++;
                printf("  accepted, error reply  %-28s %s\n", m->name, msg);
            }
        } else {
            fail_line(&t, "%s: %s: %s", m->name, rsdk_status_name(st), msg);
        }
        if (newer && st != RSDK_ERR_UNKNOWN_COMMAND)
            printf("  note: %s (since %s) answered on %s: %s\n", m->name, m->since, version,
                   st == RSDK_OK ? "OK" : msg);
        if (run != c) {
            printf("  own connection         %-28s %s\n", m->name,
                   st == RSDK_OK ? "OK (reply)" : ps.n ? "OK (confirmed by a push)" : msg);
            rsdk_client_close(run);
        } else if ((flags & MC_RECONNECT_AFTER) || rsdk_client_broken(c)) {
            rsdk_client_close(c);
            c = open_client(s, proto, 0);
        }
    }
    rsdk_client_close(c);

    printf("RESP%d: denied (not sent):\n", proto);
    for (size_t i = 0; i < mc_deny_count; i++)
        printf("  %-10s %s\n", mc_deny_list[i].name, mc_deny_list[i].reason);
    printf("RESP%d: unknown to redis %s (%zu):", proto, version, nunknown);
    for (size_t i = 0; i < nunknown; i++) printf("%s %s", i % 4 ? "," : "\n ", unknown[i]);
    printf("\nRESP%d: generated %zu, exercised live %zu: OK %zu, accepted with an error reply %zu, "
           "unknown to server %zu, refused by an older grammar %zu; denied %zu; failures %zu\n",
           proto, rcore_commands_count, t.exercised, t.ok, t.accepted, t.unknown, t.older, t.denied,
           t.failures);
    for (size_t i = 0; i < nfail_lines; i++) printf("  FAIL %s\n", failures[i]);
    fflush(stdout);
    assert_int_equal(t.exercised + t.denied, rcore_commands_count);
    assert_int_equal(t.failures, 0);
}

static void every_command_minimal_form_resp2(void **state) {
    RSDK_TEST_NEED_SERVER(state);
    run_protocol(*state, 2);
}

static void every_command_minimal_form_resp3(void **state) {
    RSDK_TEST_NEED_SERVER(state);
    run_protocol(*state, 3);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(every_command_minimal_form_resp2),
        cmocka_unit_test(every_command_minimal_form_resp3),
    };
    return cmocka_run_group_tests(tests, rsdk_test_server_group_setup, rsdk_test_server_group_teardown);
}
