/* Shared pieces of the generated _async call tests (agen.h). */
#include <stdio.h>

#include "agen.h"

void ag_slot_deinit(ag_slot *s) {
    rsdk_string_deinit(&s->s);
    rsdk_strings_deinit(&s->strs);
    rsdk_pairs_deinit(&s->pairs);
    rsdk_scored_deinit(&s->scored);
    rsdk_ints_deinit(&s->ints);
    rsdk_doubles_deinit(&s->dbls);
    rsdk_bools_deinit(&s->bools);
    rsdk_scan_page_deinit(&s->page);
    rsdk_stream_entries_deinit(&s->entries);
    rsdk_streams_deinit(&s->streams);
    rsdk_geo_deinit(&s->geo);
    rsdk_pending_deinit(&s->pending);
}

void ag_reset(ag_slot *s) {
    ag_slot_deinit(s);
    memset(s, 0, sizeof *s);
}

void ag_open(ag_env *e, const rsdk_test_server *srv, int protocol) {
    rsdk_client_opts co;
    rsdk_test_server_client_opts(srv, &co, false);
    co.protocol = protocol;
    co.connect_timeout_ms = 2000;
    co.command_timeout_ms = 10000;
    rsdk_async_opts o;
    rsdk_async_opts_init(&o);
    o.client = &co;
    rsdk_error err;
    e->l = rsdk_test_loop_open(rsdk_test_loop_kind_from_env());
    rsdk_status s = rsdk_async_new(&o, &e->a, &err);
    if (s) fail_msg("rsdk_async_new: %s: %s", rsdk_status_name(s), err.message);
    rsdk_test_loop_attach(e->l, e->a);
    e->c = rsdk_test_client(srv, protocol, false);
}

void ag_close(ag_env *e) {
    rsdk_async_free(e->a);
    rsdk_test_loop_close(e->l);
    rsdk_client_close(e->c);
}

static bool called(void *ud) { return ((ag_slot *)ud)->calls > 0; }

void ag_wait(ag_env *e, ag_slot *s) {
    assert_true(rsdk_test_loop_run_until(e->l, called, s, 5000));
    assert_int_equal(s->calls, 1);
}

/* The part every callback shares: count, status, message. */
static ag_slot *seen(void *ud, rsdk_status st, const rsdk_error *err) {
    ag_slot *s = ud;
    s->calls++;
    s->st = st;
    /* the rules: err exactly on failure */
    if ((st == RSDK_OK) != (err == NULL)) fail_msg("status %s with err %p", rsdk_status_name(st), (void *)err);
    snprintf(s->msg, sizeof s->msg, "%s", err ? err->message : "");
    return s;
}

void ag_status(rsdk_async *a, rsdk_status st, const rsdk_error *err, void *ud) {
    (void)a;
    seen(ud, st, err);
}

#define SCALAR_CB(name, T, field)                                                     \
    void name(rsdk_async *a, rsdk_status st, T v, const rsdk_error *err, void *ud) { \
        (void)a;                                                                      \
        seen(ud, st, err)->field = v;                                                 \
    }
SCALAR_CB(ag_int, int64_t, i)
SCALAR_CB(ag_int_or_nil, rsdk_int_or_nil, in)
SCALAR_CB(ag_bool, bool, b)
SCALAR_CB(ag_double, double, d)
SCALAR_CB(ag_double_or_nil, rsdk_double_or_nil, dn)
SCALAR_CB(ag_rank, rsdk_rank, rank)
SCALAR_CB(ag_int_or_double, rsdk_int_or_double, iod)

/* Moves the value out of the callback: the slot now owns its reply. */
#define KEEP_CB(name, T, field)                                                        \
    void name(rsdk_async *a, rsdk_status st, T *v, const rsdk_error *err, void *ud) { \
        (void)a;                                                                       \
        ag_slot *s = seen(ud, st, err);                                                \
        s->field = *v;                                                                 \
        v->owner = NULL;                                                               \
    }
KEEP_CB(ag_string, rsdk_string, s)
KEEP_CB(ag_strings, rsdk_strings, strs)
KEEP_CB(ag_pairs, rsdk_pairs, pairs)
KEEP_CB(ag_scored, rsdk_scored, scored)
KEEP_CB(ag_ints, rsdk_ints, ints)
KEEP_CB(ag_doubles, rsdk_doubles, dbls)
KEEP_CB(ag_bools, rsdk_bools, bools)
KEEP_CB(ag_scan_page, rsdk_scan_page, page)
KEEP_CB(ag_stream_entries, rsdk_stream_entries, entries)
KEEP_CB(ag_streams, rsdk_streams, streams)
KEEP_CB(ag_geo, rsdk_geo, geo)
KEEP_CB(ag_pending, rsdk_pending, pending)

void ag_reply(rsdk_async *a, rsdk_status st, const rsdk_reply *v, const rsdk_error *err, void *ud) {
    (void)a;
    ag_slot *s = seen(ud, st, err);
    if (st == RSDK_OK) {
        s->reply_type = v->type;
        s->reply_elements = v->elements;
    } else {
        assert_null(v);
    }
}

void ag_assert_str_equal(rsdk_str x, rsdk_str y) {
    assert_int_equal(x.len, y.len);
    assert_true(x.len == 0 || memcmp(x.ptr, y.ptr, x.len) == 0);
}

void ag_do(ag_env *e, const char *arg0, ...) {
    const char *argv[32];
    size_t argc = 0;
    va_list ap;
    va_start(ap, arg0);
    for (const char *w = arg0; w != NULL && argc < 32; w = va_arg(ap, const char *)) argv[argc++] = w;
    va_end(ap);
    rsdk_reply *r = NULL;
    rsdk_status st = rsdk_client_command_argv(e->c, argc, argv, NULL, &r);
    if (st) fail_msg("%s: %s", arg0, rsdk_client_error(e->c)->message);
    rsdk_reply_free(r);
}
