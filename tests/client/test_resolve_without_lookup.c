/* Address literals and `localhost` become addresses without getaddrinfo
 * (rsdk__resolve fills them in itself, ai stays NULL): IPv4 and IPv6
 * literals as they are, localhost as 127.0.0.1 then ::1 in any case and
 * with a final dot; the port lands in network order. */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "resolve.h"

static void literal_ipv4(void **st) {
    (void)st;
    rsdk__addrs a;
    assert_int_equal(rsdk__resolve("10.1.2.3", 6380, &a, NULL), RSDK_OK);
    assert_null(a.ai);
    assert_int_equal(a.nlit, 1);
    const struct sockaddr *sa;
    socklen_t len;
    assert_true(rsdk__addrs_get(&a, 0, &sa, &len));
    assert_int_equal(sa->sa_family, AF_INET);
    assert_int_equal(len, sizeof(struct sockaddr_in));
    const struct sockaddr_in *in = (const struct sockaddr_in *)(const void *)sa;
    assert_int_equal(ntohs(in->sin_port), 6380);
    assert_int_equal(ntohl(in->sin_addr.s_addr), 0x0a010203u);
    assert_false(rsdk__addrs_get(&a, 1, &sa, &len));
    rsdk__addrs_free(&a);
}

static void literal_ipv6(void **st) {
    (void)st;
    rsdk__addrs a;
    assert_int_equal(rsdk__resolve("::1", 1, &a, NULL), RSDK_OK);
    assert_null(a.ai);
    const struct sockaddr *sa;
    socklen_t len;
    assert_true(rsdk__addrs_get(&a, 0, &sa, &len));
    assert_int_equal(sa->sa_family, AF_INET6);
    const struct sockaddr_in6 *in6 = (const struct sockaddr_in6 *)(const void *)sa;
    assert_int_equal(ntohs(in6->sin6_port), 1);
    assert_memory_equal(&in6->sin6_addr, &in6addr_loopback, sizeof in6addr_loopback);
    assert_false(rsdk__addrs_get(&a, 1, &sa, &len));
    rsdk__addrs_free(&a);
}

static void localhost_is_loopback(void **st) {
    (void)st;
    const char *names[] = {"localhost", "LocalHost", "localhost."};
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        rsdk__addrs a;
        assert_int_equal(rsdk__resolve(names[i], 6379, &a, NULL), RSDK_OK);
        assert_null(a.ai);
        assert_int_equal(a.nlit, 2);
        const struct sockaddr *sa;
        socklen_t len;
        assert_true(rsdk__addrs_get(&a, 0, &sa, &len));
        assert_int_equal(sa->sa_family, AF_INET);
        assert_int_equal(ntohl(((const struct sockaddr_in *)(const void *)sa)->sin_addr.s_addr), INADDR_LOOPBACK);
        assert_true(rsdk__addrs_get(&a, 1, &sa, &len));
        assert_int_equal(sa->sa_family, AF_INET6);
        assert_false(rsdk__addrs_get(&a, 2, &sa, &len));
        rsdk__addrs_free(&a);
    }
}

/* Not a literal: "localhost.localdomain", "127.1" (inet_pton takes only
 * the dotted quad) go to getaddrinfo, whose answer is whatever the host
 * says; only that it was asked is checked. */
static void other_names_are_looked_up(void **st) {
    (void)st;
    rsdk__addrs a;
    rsdk_error err;
    if (rsdk__resolve("127.1", 6379, &a, &err) == RSDK_OK) {
        assert_int_equal(a.nlit, 0);
        assert_non_null(a.ai);
        rsdk__addrs_free(&a);
    } else {
        assert_int_equal(err.code, RSDK_ERR_CONNECT);
    }
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(literal_ipv4),
        cmocka_unit_test(literal_ipv6),
        cmocka_unit_test(localhost_is_loopback),
        cmocka_unit_test(other_names_are_looked_up),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
