/* Shared helpers of the typed round-trip tests. */
#include "typed_common.h"

#include <stdlib.h>

static const rsdk_test_server *current;

const rsdk_test_server *tc_server(void) { return current; }

void tc_each_protocol(void **state, tc_body body) {
    current = *state;
    for (int proto = 2; proto <= 3; proto++) {
        rsdk_client *c = rsdk_test_client(*state, proto, proto == 3);
        assert_int_equal(rsdk_client_protocol(c), proto);
        OK(rcore_flushall(c, NULL));
        body(c, proto);
        rsdk_client_close(c);
    }
}

const char *tc_server_version(rsdk_client *c) {
    static char version[32];
    rsdk_string info;
    OK(rcore_info(c, &(rcore_info_opts){.section = (rsdk_str[]){RSDK_S("server")}, .section_count = 1},
                  &info));
    const char *p = strstr(info.ptr, "redis_version:");
    snprintf(version, sizeof version, "0");
    if (p) {
        p += strlen("redis_version:");
        snprintf(version, sizeof version, "%.*s", (int)strcspn(p, "\r\n"), p);
    }
    rsdk_string_deinit(&info);
    return version;
}

const char *tc_str_at(const rsdk_reply *r, size_t i) {
    assert_non_null(r);
    assert_true(r->type == RSDK_REPLY_ARRAY || r->type == RSDK_REPLY_SET);
    assert_true(i < r->elements);
    const rsdk_reply *e = &r->element[i];
    if (e->type != RSDK_REPLY_STRING && e->type != RSDK_REPLY_STATUS)
        fail_msg("element %zu is %s, not a string", i, rsdk_reply_type_str(e->type));
    return e->str;
}

void tc_assert_strings(const rsdk_reply *r, size_t n, ...) {
    assert_non_null(r);
    assert_int_equal(r->type, RSDK_REPLY_ARRAY);
    assert_int_equal(r->elements, n);
    va_list ap;
    va_start(ap, n);
    for (size_t i = 0; i < n; i++) assert_string_equal(tc_str_at(r, i), va_arg(ap, const char *));
    va_end(ap);
}

void tc_assert_string_set(const rsdk_reply *r, size_t n, ...) {
    assert_non_null(r);
    assert_int_equal(r->type, RSDK_REPLY_ARRAY); /* RESP3 sets are normalised to arrays */
    assert_int_equal(r->elements, n);
    va_list ap;
    va_start(ap, n);
    for (size_t i = 0; i < n; i++) {
        const char *want = va_arg(ap, const char *);
        bool found = false;
        for (size_t j = 0; j < r->elements && !found; j++) found = strcmp(tc_str_at(r, j), want) == 0;
        if (!found) fail_msg("\"%s\" not in the reply", want);
    }
    va_end(ap);
}

/* Item i of a list view equals `want` (NULL: nil). */
static bool list_item_is(const rsdk_strings *v, size_t i, const char *want) {
    rsdk_string s = rsdk_strings_at(v, i);
    if (want == NULL) return s.nil;
    return !s.nil && s.len == strlen(want) && memcmp(s.ptr, want, s.len) == 0;
}

void tc_assert_list(const rsdk_strings *v, size_t n, ...) {
    assert_non_null(v->reply);
    assert_int_equal(v->count, n);
    va_list ap;
    va_start(ap, n);
    for (size_t i = 0; i < n; i++) {
        const char *want = va_arg(ap, const char *);
        if (!list_item_is(v, i, want)) fail_msg("item %zu is not \"%s\"", i, want ? want : "(nil)");
    }
    va_end(ap);
}

void tc_assert_ints(const rsdk_ints *v, size_t n, ...) {
    assert_non_null(v->reply);
    assert_int_equal(v->count, n);
    va_list ap;
    va_start(ap, n);
    for (size_t i = 0; i < n; i++) {
        int64_t want = va_arg(ap, int64_t);
        rsdk_int_or_nil got = rsdk_ints_at(v, i);
        if (got.nil != (want == TC_NIL) || (!got.nil && got.value != want))
            fail_msg("item %zu is %s%lld, expected %lld", i, got.nil ? "nil " : "", (long long)got.value,
                     (long long)want);
    }
    va_end(ap);
}

void tc_assert_list_set(const rsdk_strings *v, size_t n, ...) {
    assert_int_equal(v->count, n);
    va_list ap;
    va_start(ap, n);
    for (size_t i = 0; i < n; i++) {
        const char *want = va_arg(ap, const char *);
        bool found = false;
        for (size_t j = 0; j < v->count && !found; j++) found = list_item_is(v, j, want);
        if (!found) fail_msg("\"%s\" not in the list", want);
    }
    va_end(ap);
}

void tc_assert_pairs(const rsdk_pairs *v, size_t n, ...) {
    assert_int_equal(v->count, n);
    va_list ap;
    va_start(ap, n);
    for (size_t i = 0; i < n; i++) {
        const char *k = va_arg(ap, const char *), *want = va_arg(ap, const char *);
        bool found = false;
        for (size_t j = 0; j < v->count && !found; j++) {
            rsdk_pair p = rsdk_pairs_at(v, j);
            if (p.key.len != strlen(k) || memcmp(p.key.ptr, k, p.key.len) != 0) continue;
            found = true;
            if (want == NULL) assert_true(p.value.nil);
            else tc_assert_string(&p.value, want);
        }
        if (!found) fail_msg("field \"%s\" not in the pairs", k);
    }
    va_end(ap);
}

void tc_assert_string(const rsdk_string *s, const char *want) {
    assert_false(s->nil);
    assert_non_null(s->ptr);
    assert_int_equal(s->len, strlen(want));
    assert_memory_equal(s->ptr, want, s->len);
}

double tc_num(const rsdk_reply *r) {
    assert_non_null(r);
    switch (r->type) {
    case RSDK_REPLY_INTEGER: return (double)r->integer;
    case RSDK_REPLY_DOUBLE: return r->dval;
    case RSDK_REPLY_STRING: {
        char *end = NULL;
        double d = strtod(r->str, &end);
        if (end == r->str || *end != '\0') fail_msg("\"%s\" is no number", r->str);
        return d;
    }
    default: fail_msg("a %s is no number", rsdk_reply_type_str(r->type));
    }
    return 0;
}

bool tc_unknown_command(rsdk_client *c, rsdk_status st, const char *what) {
    if (st != RSDK_ERR_UNKNOWN_COMMAND) return false;
    char msg[256];
    snprintf(msg, sizeof msg, "%s", rsdk_client_error(c)->message);
    printf("SKIP %s: redis %s answers \"%s\"\n", what, tc_server_version(c), msg);
    return true;
}

int64_t tc_commands_processed(rsdk_client *observer) {
    rsdk_string info;
    rsdk_client *c = observer;
    OK(rcore_info(c, &(rcore_info_opts){(rsdk_str[]){RSDK_S("stats")}, 1}, &info));
    const char *p = strstr(info.ptr, "total_commands_processed:");
    assert_non_null(p);
    int64_t n = strtoll(p + strlen("total_commands_processed:"), NULL, 10);
    rsdk_string_deinit(&info);
    return n;
}
