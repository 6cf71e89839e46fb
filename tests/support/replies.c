/* tests/support/replies.c — see replies.h. */
#include "replies.h"

#include <setjmp.h>
#include <stdarg.h>
#include <cmocka.h>

#include "rsdk/reader.h"

rsdk_reply *rt_parse(const char *wire) {
    rsdk_reader *rd = NULL;
    assert_int_equal(rsdk_reader_new(NULL, &rd), RSDK_OK);
    assert_int_equal(rsdk_reader_feed(rd, wire, strlen(wire)), RSDK_OK);
    rsdk_reply *r = NULL;
    assert_int_equal(rsdk_reader_get(rd, &r), RSDK_OK);
    assert_non_null(r);
    assert_int_equal(rsdk_reader_pending(rd), 0);
    rsdk_reader_free(rd);
    return r;
}
