// rsdk/core.h compiles as C++ (extern "C", no macro forms) and its
// functions link and run from C++.
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <setjmp.h>
#include <stdarg.h>
extern "C" {
#include <cmocka.h>  // a C header without its own extern "C"
}

#include "rsdk/core.h"

static void get_encodes_from_cxx(void **) {
    rsdk_buf b;
    rsdk_buf_init(&b);
    assert_int_equal(rcore_get_encode(&b, rsdk_str_c("k"), nullptr), RSDK_OK);
    static const char want[] = "*2\r\n$3\r\nGET\r\n$1\r\nk\r\n";
    assert_int_equal(b.len, sizeof want - 1);
    assert_memory_equal(b.data, want, sizeof want - 1);
    rsdk_buf_clear(&b);
    rcore_set_opts o{};
    o.expiration.kind = RCORE_SET_EXPIRATION_SECONDS;
    o.expiration.seconds = 5;
    assert_int_equal(rcore_set_encode(&b, rsdk_str_c("k"), rsdk_str_c("v"), &o, nullptr), RSDK_OK);
    static const char want2[] = "*5\r\n$3\r\nSET\r\n$1\r\nk\r\n$1\r\nv\r\n$2\r\nEX\r\n$1\r\n5\r\n";
    assert_int_equal(b.len, sizeof want2 - 1);
    assert_memory_equal(b.data, want2, sizeof want2 - 1);
    rsdk_buf_deinit(&b);
    assert_true(rcore_commands_count > 400);
}

int main() {
    const struct CMUnitTest tests[] = {cmocka_unit_test(get_encodes_from_cxx)};
    return cmocka_run_group_tests(tests, nullptr, nullptr);
}
