/* An idle connection (RESP3, after HELLO) holds at most 2.5 KiB of heap in
 * the client, and is back under that after a 64 MiB reply and after a
 * deeply nested one: buffers and the reader's frame stack grow for a reply
 * and are given back once the connection is idle. Counted through the
 * allocator hooks (usable size of every live block plus 16 bytes of malloc
 * bookkeeping each), so the test does not depend on timing or on what else
 * the process holds. */
#include <malloc.h>

#include "rsdk/alloc.h"
#include "support/live.h"

#define IDLE_GOAL_BYTES 2560u
#define CHUNK_OVERHEAD 16u

typedef struct {
    long long live, peak;
    long long blocks;
} heap_count;

static heap_count H;

static void count_in(void *p) {
    if (!p) return;
    H.live += (long long)(malloc_usable_size(p) + CHUNK_OVERHEAD);
    H.blocks++;
    if (H.live > H.peak) H.peak = H.live;
}

static void count_out(void *p) {
    if (!p) return;
    H.live -= (long long)(malloc_usable_size(p) + CHUNK_OVERHEAD);
    H.blocks--;
}

static void *c_malloc(size_t n) {
    void *p = malloc(n);
    count_in(p);
    return p;
}

static void *c_calloc(size_t k, size_t n) {
    void *p = calloc(k, n);
    count_in(p);
    return p;
}

static void *c_realloc(void *old, size_t n) {
    long long before = old ? (long long)(malloc_usable_size(old) + CHUNK_OVERHEAD) : 0;
    void *p = realloc(old, n);
    if (!p) return NULL;
    H.live -= before;
    if (old) H.blocks--;
    count_in(p);
    return p;
}

static void c_free(void *p) {
    count_out(p);
    free(p);
}

static rsdk_allocator saved;

static void hooks_on(void) {
    rsdk_allocator a = {c_malloc, c_calloc, c_realloc, c_free};
    saved = rsdk_allocator_set(&a);
}

static void hooks_off(void) { rsdk_allocator_set(&saved); }

/* Opens a RESP3 client and returns the heap it holds once idle. */
static rsdk_client *open_counted(const rsdk_test_server *srv, bool use_unix, long long *held) {
    long long base = H.live;
    rsdk_client *c = rsdk_test_client(srv, 3, use_unix);
    *held = H.live - base;
    return c;
}

static void check_idle(const char *when, long long held) {
    printf("# idle client heap %s: %lld bytes\n", when, held);
    if (held > IDLE_GOAL_BYTES) fail_msg("%s: %lld bytes held, goal %u", when, held, IDLE_GOAL_BYTES);
}

static void test_idle_after_hello(void **state) {
    RSDK_TEST_NEED_SERVER(state);
    hooks_on();
    for (int use_unix = 0; use_unix <= 1; use_unix++) {
        long long held;
        rsdk_client *c = open_counted(*state, use_unix, &held);
        check_idle(use_unix ? "after HELLO 3 (unix)" : "after HELLO 3 (tcp)", held);
        rsdk_client_close(c);
    }
    hooks_off();
}

static void test_idle_after_64mib_reply(void **state) {
    RSDK_TEST_NEED_SERVER(state);
    const size_t len = (size_t)64 * 1024 * 1024;
    char *v = malloc(len);
    assert_non_null(v);
    memset(v, 'v', len);
    rsdk_client *setter = rsdk_test_client(*state, 3, true);
    rsdk_reply *r = NULL;
    const char *argv[] = {"SET", "idle:big", v};
    const size_t lens[] = {3, 8, len};
    assert_int_equal(rsdk_client_command_argv(setter, 3, argv, lens, &r), RSDK_OK);
    rsdk_reply_free(r);
    free(v);
    hooks_on();
    long long base = H.live, held;
    rsdk_client *c = open_counted(*state, true, &held);
    H.peak = H.live;
    r = CMD_OK(c, "GET", "idle:big");
    assert_int_equal(r->len, len);
    rsdk_reply_free(r);
    assert_true(H.peak - base > (long long)len); /* the buffer did grow for it */
    check_idle("after a 64 MiB reply", H.live - base);
    rsdk_client_close(c);
    assert_int_equal(H.live, base);
    hooks_off();
    CMD_DO(setter, "DEL", "idle:big");
    rsdk_client_close(setter);
}

static void test_idle_after_deep_reply(void **state) {
    RSDK_TEST_NEED_SERVER(state);
    hooks_on();
    long long base = H.live, held;
    rsdk_client *c = open_counted(*state, true, &held);
    H.peak = H.live;
    /* A reply nested 60 deep, more than the reader keeps frames for inline. */
    rsdk_reply *r = CMD_OK(c, "EVAL",
                           "local t = {} local n = t for i = 1, 59 do n[1] = {} n = n[1] end n[1] = 7 return t",
                           "0");
    const rsdk_reply *n = r;
    int depth = 0;
    while (n->type == RSDK_REPLY_ARRAY) {
        assert_int_equal(n->elements, 1);
        n = &n->element[0];
        depth++;
    }
    assert_int_equal(depth, 60);
    assert_int_equal(n->integer, 7);
    rsdk_reply_free(r);
    check_idle("after a reply nested 60 deep", H.live - base);
    rsdk_client_close(c);
    hooks_off();
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_idle_after_hello),
        cmocka_unit_test(test_idle_after_64mib_reply),
        cmocka_unit_test(test_idle_after_deep_reply),
    };
    return cmocka_run_group_tests(tests, rsdk_test_server_group_setup, rsdk_test_server_group_teardown);
}
