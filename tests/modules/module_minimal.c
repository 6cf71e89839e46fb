/* The minimal-form run of a module's commands (module_minimal.h). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <cmocka.h>

#include "module_minimal.h"
#include "rsdk/rsdk.h"
#include "rsdk/writer.h"

static void load_fixtures(rsdk_client *c, const char *const *const *fx) {
    static const char *const flush[] = {"FLUSHALL", NULL};
    rsdk_pipeline *p = NULL;
    assert_int_equal(rsdk_pipeline_new(c, &p), RSDK_OK);
    assert_non_null(p);
    assert_int_equal(rsdk_pipeline_append_argv(p, 1, flush, NULL), RSDK_OK);
    size_t n = 0;
    for (; fx[n]; n++) {
        int argc = 0;
        while (fx[n][argc]) argc++;
        assert_int_equal(rsdk_pipeline_append_argv(p, argc, fx[n], NULL), RSDK_OK);
    }
    assert_int_equal(rsdk_pipeline_exec(p), RSDK_OK);
    for (size_t i = 0; i <= n; i++) {
        const rsdk_reply *r = rsdk_pipeline_reply(p, i);
        if (r == NULL || r->type == RSDK_REPLY_ERROR)
            fail_msg("fixture %zu (%s): %s", i, i ? fx[i - 1][0] : "FLUSHALL", r ? r->str : "no reply");
    }
    rsdk_pipeline_free(p);
}

/* The version of module `name` as MODULE LIST says it (80005 -> "8.0.5"). */
static void module_version(rsdk_client *c, const char *name, char *out, size_t n) {
    rsdk_reply *r = NULL;
    assert_int_equal(rsdk_client_command(c, &r, "MODULE", "LIST", NULL), RSDK_OK);
    out[0] = '\0';
    for (size_t i = 0; i < r->elements; i++) {
        const rsdk_reply *mod = &r->element[i];
        const rsdk_reply *nm = rsdk_reply_map_get(mod, "name"), *ver = rsdk_reply_map_get(mod, "ver");
        if (nm && nm->str && strcmp(nm->str, name) == 0 && ver && ver->type == RSDK_REPLY_INTEGER) {
            long long v = ver->integer;
            snprintf(out, n, "%lld.%lld.%lld", v / 10000, v / 100 % 100, v % 100);
        }
    }
    rsdk_reply_free(r);
    if (out[0] == '\0') fail_msg("module %s is not loaded", name);
}

/* Refusals of the grammar: the minimal form must never get one. */
static bool grammar_error(const char *msg) {
    char low[256];
    size_t n = 0;
    for (; msg[n] && n + 1 < sizeof low; n++) low[n] = (char)(msg[n] >= 'A' && msg[n] <= 'Z' ? msg[n] + 32 : msg[n]);
    low[n] = '\0';
    return strstr(low, "wrong number of arguments") != NULL || strstr(low, "syntax error") != NULL ||
           strstr(low, "unknown argument") != NULL || strstr(low, "invalid argument") != NULL;
}

static const char *denied(const mm_module *m, const char *name) {
    for (size_t i = 0; i < m->ndeny; i++)
        if (strcasecmp(m->deny[i].name, name) == 0) return m->deny[i].reason;
    return NULL;
}

/* Encoder versus metadata: same bytes; the argv fits the arity. */
static size_t check_encoding(const rsdk_command_meta *cmd, const mc_binding *b, mc_ctx *v) {
    mc_argv av;
    if (!mc_build_argv(v, &av)) {
        printf("  FAIL %s: metadata walk: %s\n", cmd->name, v->problem);
        return 1;
    }
    size_t fails = 0;
    bool arity_ok = cmd->arity > 0 ? av.argc == cmd->arity : av.argc >= -cmd->arity;
    if (!arity_ok) {
        printf("  FAIL %s: minimal argv has %d words, arity is %d\n", cmd->name, av.argc, cmd->arity);
        fails++;
    }
    rsdk_buf want, got;
    rsdk_buf_init(&want);
    rsdk_buf_init(&got);
    assert_int_equal(rsdk_write_command(&want, av.argc, av.argv, av.len), RSDK_OK);
    rsdk_error err;
    rsdk_error_clear(&err);
    rsdk_status st = b->call(v, &got, NULL, &err);
    if (st != RSDK_OK || v->problem[0] || got.len != want.len || memcmp(got.data, want.data, got.len) != 0) {
        printf("  FAIL %s: encoder (%s) and metadata differ: %.*s | %.*s\n", cmd->name,
               st == RSDK_OK ? v->problem : err.message, (int)(got.len > 120 ? 120 : got.len), got.data,
               (int)(want.len > 120 ? 120 : want.len), want.data);
        fails++;
    }
    rsdk_buf_deinit(&want);
    rsdk_buf_deinit(&got);
    return fails;
}

void mm_run(const rsdk_test_server *s, const mm_module *m, int proto) {
    rsdk_client *c = rsdk_test_client(s, proto, true);
    assert_int_equal(rsdk_client_protocol(c), proto);
    char version[32];
    module_version(c, m->name, version, sizeof version);
    rsdk_test_server_ident id;
    rsdk_test_server_identify(c, &id);
    assert_int_equal(mc_bindings_count, m->count);
    size_t exercised = 0, ok = 0, accepted = 0, unknown = 0, ndenied = 0, failures = 0;
    int64_t now = (int64_t)time(NULL);
    printf("RESP%d, %s %s with %s %s: %zu specs, %zu generated commands\n", proto, id.family, id.version,
           m->name, version, mc_specs_total, m->count);
    for (size_t i = 0; i < m->count; i++) {
        const rsdk_command_meta *cmd = &m->commands[i];
        const mc_binding *b = &mc_bindings[i];
        assert_string_equal(b->name, cmd->name);
        mc_ctx v;
        mc_ctx_init(&v, cmd, now);
        failures += check_encoding(cmd, b, &v);
        if (denied(m, cmd->name)) {
            ndenied++;
            continue;
        }
        load_fixtures(c, m->fixtures);
        exercised++;
        mc_ctx_init(&v, cmd, now);
        rsdk_status st = b->call(&v, NULL, c, NULL);
        const char *msg = st == RSDK_OK ? "" : rsdk_client_error(c)->message;
        bool newer = mc_version_cmp(cmd->since, version) > 0;
        if (st == RSDK_OK) {
            ok++;
        } else if (st == RSDK_ERR_UNKNOWN_COMMAND && newer) {
            unknown++;
            printf("  unknown to %s %s: %s (since %s)\n", m->name, version, cmd->name, cmd->since);
        } else if (rsdk_err_class(st) == RSDK_CLASS_RESPONSE && st != RSDK_ERR_UNKNOWN_COMMAND &&
                   st != RSDK_ERR_NIL && !grammar_error(msg)) {
            accepted++;
            printf("  accepted, error reply  %-22s %s\n", cmd->name, msg);
        } else {
            failures++;
            printf("  FAIL %s: %s: %s\n", cmd->name, rsdk_status_name(st), msg);
        }
        if (rsdk_client_broken(c)) {
            rsdk_client_close(c);
            c = rsdk_test_client(s, proto, true);
        }
    }
    rsdk_client_close(c);
    for (size_t i = 0; i < m->ndeny; i++) printf("  denied %-22s %s\n", m->deny[i].name, m->deny[i].reason);
    printf("RESP%d %s: in spec %zu, generated %zu, exercised live %zu: OK %zu, accepted with an error "
           "reply %zu, unknown to this module version %zu; denied %zu; failures %zu\n",
           proto, m->name, mc_specs_total, m->count, exercised, ok, accepted, unknown, ndenied, failures);
    fflush(stdout);
    assert_int_equal(exercised + ndenied, m->count);
    assert_int_equal(failures, 0);
}
