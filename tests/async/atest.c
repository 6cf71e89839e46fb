#include "atest.h"

#include <stdio.h>

rsdk_test_loop *at_loop(void) { return rsdk_test_loop_open(rsdk_test_loop_kind_from_env()); }

void at_never(rsdk_async *a, rsdk_reply *reply, const rsdk_error *err, void *ud) {
    (void)a;
    (void)reply;
    (void)err;
    (void)ud;
    fail_msg("the callback of a refused or cancelled command ran");
}

void at_cb(rsdk_async *a, rsdk_reply *reply, const rsdk_error *err, void *ud) {
    (void)a;
    at_tally *t = ud;
    t->done++;
    if (!reply) {
        t->failed++;
        t->last = err ? err->code : RSDK_ERR_PROTOCOL;
        snprintf(t->last_msg, sizeof t->last_msg, "%s", err ? err->message : "");
        return;
    }
    if (reply->type == RSDK_REPLY_ERROR) {
        assert_non_null(err);
        t->server_errors++;
        t->last = err->code;
        snprintf(t->last_msg, sizeof t->last_msg, "%s", err->message);
        return;
    }
    t->ok++;
    if (reply->type == RSDK_REPLY_INTEGER) t->last_int = reply->integer;
    if (rsdk_reply_has_str(reply)) snprintf(t->last_str, sizeof t->last_str, "%.*s", (int)reply->len, reply->str);
}

bool at_done(void *ud) {
    const at_tally *t = ud;
    return t->done >= t->want;
}

void at_client_opts(const rsdk_test_server *s, rsdk_client_opts *co, int protocol, bool use_unix) {
    rsdk_test_server_client_opts(s, co, use_unix);
    co->protocol = protocol;
    co->connect_timeout_ms = 2000;
    co->command_timeout_ms = 10000;
}

void at_opts(const rsdk_test_server *s, rsdk_client_opts *co, rsdk_async_opts *o, int protocol,
             bool use_unix) {
    at_client_opts(s, co, protocol, use_unix);
    rsdk_async_opts_init(o);
    o->client = co;
}

rsdk_async *at_open(rsdk_test_loop *l, const rsdk_async_opts *o) {
    rsdk_async *a = NULL;
    rsdk_error err;
    rsdk_status s = rsdk_async_new(o, &a, &err);
    if (s) fail_msg("rsdk_async_new: %s: %s", rsdk_status_name(s), err.message);
    rsdk_test_loop_attach(l, a);
    return a;
}

rsdk_async *at_open_default(rsdk_test_loop *l, const rsdk_test_server *s, int protocol,
                            bool use_unix) {
    rsdk_client_opts co;
    rsdk_async_opts o;
    at_opts(s, &co, &o, protocol, use_unix);
    return at_open(l, &o);
}

long long at_sync_int(const rsdk_test_server *s, const char *a0, const char *a1, const char *a2) {
    rsdk_client *c = rsdk_test_client(s, 3, false);
    rsdk_reply *r = NULL;
    rsdk_status st = rsdk_client_command(c, &r, a0, a1, a2, NULL);
    if (st) fail_msg("%s: %s", a0, rsdk_client_error(c)->message);
    long long v = r->type == RSDK_REPLY_INTEGER ? r->integer : -1;
    rsdk_reply_free(r);
    rsdk_client_close(c);
    return v;
}
