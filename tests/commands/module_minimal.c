/* The minimal-form live check of a module's commands (module_minimal.h). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <cmocka.h>

#include "module_minimal.h"
#include "rsdk/writer.h"

static bool grammar_error(const char *msg) {
    return strstr(msg, "wrong number of arguments") != NULL || strstr(msg, "syntax error") != NULL ||
           strstr(msg, "Syntax error") != NULL || strstr(msg, "SYNTAXERR") != NULL;
}

static void fixtures(rsdk_client *c, const char *const *const *fx) {
    rsdk_reply *r = NULL;
    assert_int_equal(rsdk_client_command(c, &r, "FLUSHALL", NULL), RSDK_OK);
    rsdk_reply_free(r);
    for (size_t i = 0; fx[i]; i++) {
        int argc = 0;
        while (fx[i][argc]) argc++;
        r = NULL;
        rsdk_status st = rsdk_client_command_argv(c, argc, fx[i], NULL, &r);
        if (st != RSDK_OK) fail_msg("fixture %s: %s", fx[i][0], rsdk_client_error(c)->message);
        rsdk_reply_free(r);
    }
}

static const char *denied(const mm_module *mod, const char *name) {
    for (size_t i = 0; i < mod->ndeny; i++)
        if (strcmp(mod->deny[i].name, name) == 0) return mod->deny[i].reason;
    return NULL;
}

/* Encoder and metadata walk agree, and the argv fits the arity; 0 or 1 failure. */
static int encoding_matches(const rsdk_command_meta *m, const mc_binding *b, mc_ctx *v) {
    mc_argv av;
    if (!mc_build_argv(v, &av)) {
        printf("  FAIL %s: metadata walk: %s\n", m->name, v->problem);
        return 1;
    }
    int fail = 0;
    if (!(m->arity > 0 ? av.argc == m->arity : av.argc >= -m->arity)) {
        printf("  FAIL %s: minimal argv has %d words, arity is %d\n", m->name, av.argc, m->arity);
        fail = 1;
    }
    rsdk_buf want, got;
    rsdk_buf_init(&want);
    rsdk_buf_init(&got);
    assert_int_equal(rsdk_write_command(&want, av.argc, av.argv, av.len), RSDK_OK);
    rsdk_error err;
    rsdk_error_clear(&err);
    if (b->call(v, &got, NULL, &err) != RSDK_OK || v->problem[0] || got.len != want.len ||
        memcmp(got.data, want.data, got.len) != 0) {
        printf("  FAIL %s: encoder and metadata differ (%s%s)\n", m->name, err.message, v->problem);
        fail = 1;
    }
    rsdk_buf_deinit(&want);
    rsdk_buf_deinit(&got);
    return fail;
}

void mm_run(const rsdk_test_server *s, const mm_module *mod, int proto) {
    rsdk_client_opts o;
    rsdk_test_server_client_opts(s, &o, true);
    o.protocol = proto;
    rsdk_client *c = NULL;
    rsdk_error err;
    if (rsdk_client_open(&o, &c, &err) != RSDK_OK) fail_msg("connect: %s", err.message);
    rsdk_test_server_ident id;
    rsdk_test_server_identify(c, &id);
    assert_int_equal(mc_bindings_count, mod->count);
    size_t nskipped = 0;
    while (mc_skipped_specs[nskipped].name) nskipped++;
    assert_int_equal(mod->count + nskipped + mc_specs_containers, mc_specs_total);
    size_t exercised = 0, ok = 0, accepted = 0, ndenied = 0, failures = 0;
    int64_t now = (int64_t)time(NULL);
    for (size_t i = 0; i < mod->count; i++) {
        const rsdk_command_meta *m = &mod->commands[i];
        const mc_binding *b = &mc_bindings[i];
        assert_string_equal(b->name, m->name);
        mc_ctx v;
        mc_ctx_init(&v, m, now);
        failures += (size_t)encoding_matches(m, b, &v);
        const char *why = denied(mod, m->name);
        if (why) {
            ndenied++;
            if (proto == 2) printf("  denied (not sent)      %-22s %s\n", m->name, why);
            continue;
        }
        fixtures(c, mod->fixtures);
        exercised++;
        mc_ctx_init(&v, m, now);
        rsdk_status st = b->call(&v, NULL, c, NULL);
        const char *msg = st == RSDK_OK ? "" : rsdk_client_error(c)->message;
        if (st == RSDK_OK) {
            ok++;
        } else if (rsdk_err_class(st) == RSDK_CLASS_RESPONSE && st != RSDK_ERR_NIL &&
                   st != RSDK_ERR_UNKNOWN_COMMAND && !grammar_error(msg)) {
            accepted++;
            printf("  accepted, error reply  %-22s %s\n", m->name, msg);
        } else {
            failures++;
            printf("  FAIL %s: %s: %s\n", m->name, rsdk_status_name(st), msg);
        }
        if (rsdk_client_broken(c)) {
            rsdk_client_close(c);
            if (rsdk_client_open(&o, &c, &err) != RSDK_OK) fail_msg("reconnect: %s", err.message);
        }
    }
    rsdk_client_close(c);
    printf("%s on %s %s, RESP%d: %zu commands in spec (%zu containers, %zu skipped), %zu generated, "
           "%zu exercised live (OK %zu, accepted with an error reply %zu), %zu denied, %zu failing\n",
           mod->name, id.family, id.version, proto, mc_specs_total, mc_specs_containers, nskipped, mod->count,
           exercised, ok, accepted, ndenied, failures);
    fflush(stdout);
    assert_int_equal(exercised + ndenied, mod->count);
    assert_int_equal(failures, 0);
}
