/* loop_driver.h over rsdk's built-in loop. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <cmocka.h>

#include "loop_driver.h"

struct test_loop {
    rsdk_loop *loop;
};

const char *test_loop_kind(void) {
    return "builtin";
}

test_loop *test_loop_new(void) {
    test_loop *l = calloc(1, sizeof *l);
    assert_non_null(l);
    assert_int_equal(rsdk_loop_new(&l->loop), RSDK_OK);
    return l;
}

rsdk_status test_loop_adapter(test_loop *l, const rsdk_loop_ops **ops, void **adapter) {
    return rsdk_loop_adapter(l != NULL ? l->loop : NULL, ops, adapter);
}

void test_loop_turn(test_loop *l, int wait_ms) {
    assert_int_equal(rsdk_loop_run_once(l->loop, wait_ms), RSDK_OK);
}

void test_loop_free(test_loop *l) {
    /* With nothing left to wait for, run returns at once. */
    assert_int_equal(rsdk_loop_run(l->loop), RSDK_OK);
    rsdk_loop_free(l->loop);
    free(l);
}
