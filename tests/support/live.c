/* Checked commands against a live server. */
#include "live.h"

static int count_args(const char *const *argv) {
    int argc = 0;
    while (argv[argc]) argc++;
    return argc;
}

rsdk_reply *live_cmd(rsdk_client *c, const char *const *argv) {
    rsdk_reply *r = NULL;
    rsdk_status s = rsdk_client_command_argv(c, count_args(argv), argv, NULL, &r);
    if (s != RSDK_OK)
        fail_msg("%s failed: %s (%s)", argv[0], rsdk_status_name(s), rsdk_client_error(c)->message);
    assert_non_null(r);
    return r;
}

void live_assert_str(const rsdk_reply *r, const char *want) {
    assert_non_null(r);
    if (r->type != RSDK_REPLY_STRING && r->type != RSDK_REPLY_STATUS)
        fail_msg("expected a string reply \"%s\", got %s", want, rsdk_reply_type_str(r->type));
    if (r->len != strlen(want) || memcmp(r->str, want, r->len) != 0)
        fail_msg("expected \"%s\", got \"%.*s\"", want, (int)r->len, r->str);
}

void live_expect_str(rsdk_client *c, const char *want, const char *const *argv) {
    rsdk_reply *r = live_cmd(c, argv);
    live_assert_str(r, want);
    rsdk_reply_free(r);
}

void live_expect_int(rsdk_client *c, int64_t want, const char *const *argv) {
    rsdk_reply *r = live_cmd(c, argv);
    assert_int_equal(r->type, RSDK_REPLY_INTEGER);
    assert_int_equal(r->integer, want);
    rsdk_reply_free(r);
}

void live_queue(rsdk_pipeline *p, const char *const *argv) {
    assert_int_equal(rsdk_pipeline_append_argv(p, count_args(argv), argv, NULL), RSDK_OK);
}

long long live_get_int(rsdk_client *c, const char *key) {
    rsdk_reply *r = CMD_OK(c, "GET", key);
    long long v = 0;
    if (r->type == RSDK_REPLY_STRING) {
        char buf[32];
        size_t n = r->len < sizeof buf - 1 ? r->len : sizeof buf - 1;
        memcpy(buf, r->str, n);
        buf[n] = '\0';
        v = strtoll(buf, NULL, 10);
    } else {
        assert_int_equal(r->type, RSDK_REPLY_NIL);
    }
    rsdk_reply_free(r);
    return v;
}

long long live_client_id(rsdk_client *c) {
    rsdk_reply *r = CMD_OK(c, "CLIENT", "ID");
    assert_int_equal(r->type, RSDK_REPLY_INTEGER);
    long long id = r->integer;
    rsdk_reply_free(r);
    return id;
}

void live_ok(rsdk_client *c, rsdk_status s, const char *what) {
    if (s != RSDK_OK) fail_msg("%s: %s (%s)", what, rsdk_status_name(s), rsdk_client_error(c)->message);
}
