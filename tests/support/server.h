/* tests/support/server.h — a throwaway redis-server per test binary.
 *
 * Started with a Unix socket in $TEST_TMPDIR (or a fresh temp dir), a free
 * TCP port on 127.0.0.1, no persistence and DEBUG enabled; waits for PING;
 * stopped by PID. The binary comes from $RSDK_SERVER (default: redis-server
 * on PATH). When the server cannot be found the caller should skip — unless
 * RSDK_REQUIRE_SERVER=1, in which case start() fails loudly. */
#ifndef RSDK_TEST_SERVER_H
#define RSDK_TEST_SERVER_H

#include <stdbool.h>
#include <sys/types.h>

#include "rsdk/client.h"

typedef struct rsdk_test_server {
    pid_t pid;
    int port;
    char dir[256];       /* private temp dir (socket, log) */
    char unix_path[300]; /* Unix socket path */
    char log_path[300];
    const char *extra[32]; /* extra server arguments, NULL-terminated (copied pointers) */
    char binary[512];      /* server binary; empty: rsdk_test_server_binary() */
    char module_path[512]; /* module loaded with --loadmodule; empty: none */
} rsdk_test_server;

/* Result of start(). */
typedef enum {
    RSDK_TEST_SERVER_OK = 0,
    RSDK_TEST_SERVER_SKIP = 1, /* no server binary; reason printed */
    RSDK_TEST_SERVER_FAIL = 2, /* could not start (or missing with RSDK_REQUIRE_SERVER=1) */
} rsdk_test_server_result;

/* Starts a server. `extra_args` (may be NULL) is a NULL-terminated list of
 * additional command-line arguments ("--requirepass", "secret", ...); the
 * pointers must stay valid while the server object is used (restart reuses
 * them). Waits up to 10 s for PING. */
rsdk_test_server_result rsdk_test_server_start(rsdk_test_server *s, const char *const *extra_args);

/* Starts a server of the compatibility matrix with a server module loaded.
 * `server` names a folder made by tools/servers.sh under $RSDK_SERVERS_DIR
 * (default /tmp/rsdk-servers): "redis-8.0-trixie", "redis-8.0-sid",
 * "valkey-8.1-trixie", "valkey-9.1-sid"; NULL means the default server
 * (rsdk_test_server_binary()). `module` (may be NULL) names a folder of
 * third_party/server_modules: "valkey-json", "redistimeseries",
 * "redisbloom", "redisearch"; the test target must list
 * //third_party/server_modules:<module> in its data. A missing server or
 * module skips with the reason printed, or fails under RSDK_REQUIRE_SERVER=1. */
rsdk_test_server_result rsdk_test_server_start_module(rsdk_test_server *s, const char *server,
                                                      const char *module,
                                                      const char *const *extra_args);

/* cmocka group setup with rsdk_test_server_start_module(); same contract as
 * rsdk_test_server_group_setup. Wrap it in a setup of your own:
 *   static int setup(void **st) {
 *       return rsdk_test_module_group_setup(st, "valkey-9.1-sid", "valkey-json");
 *   } */
int rsdk_test_module_group_setup(void **state, const char *server, const char *module);

/* Kills (SIGKILL) and reaps the server, removes its files. Safe to call twice. */
void rsdk_test_server_stop(rsdk_test_server *s);

/* Kills the server immediately (SIGKILL) without cleaning up, for tests of a
 * server dying mid-command. restart() brings it back on the same socket/port. */
void rsdk_test_server_kill(rsdk_test_server *s);

/* Stops (if running) and starts again on the same port and socket. */
rsdk_test_server_result rsdk_test_server_restart(rsdk_test_server *s);

/* Fills client options for this server: Unix socket when `use_unix`, else
 * 127.0.0.1:port. Calls rsdk_client_opts_init first. */
void rsdk_test_server_client_opts(const rsdk_test_server *s, rsdk_client_opts *o, bool use_unix);

/* Sets o->retry to a policy that never retries, for tests of what one
 * attempt sees (clients retry connection failures by default). */
void rsdk_test_no_retry(rsdk_client_opts *o);

/* A TCP port on 127.0.0.1 that was free a moment ago (the kernel's pick),
 * for servers that need a second listener (--tls-port). -1 on failure. */
int rsdk_test_free_port(void);

/* Path of the server binary that would be used ($RSDK_SERVER or "redis-server"). */
const char *rsdk_test_server_binary(void);

/* cmocka group setup/teardown helpers: start a server into *state (a
 * heap-allocated rsdk_test_server). When the server is absent (and not
 * required) setup prints the reason, sets *state = NULL and returns 0; each
 * test then starts with RSDK_TEST_NEED_SERVER(state), which skips. When the
 * server is required but absent, or fails to start, setup returns -1. */
int rsdk_test_server_group_setup(void **state);
int rsdk_test_server_group_teardown(void **state);

/* The same as rsdk_test_server_group_setup, with extra server arguments
 * (NULL-terminated, kept by pointer: pass a static list). */
int rsdk_test_server_group_setup_with(void **state, const char *const *extra_args);

/* Use inside a cmocka test: skip() when the group has no server. */
#define RSDK_TEST_NEED_SERVER(state) \
    do {                             \
        if (*(state) == NULL) {      \
            skip();                  \
            return;                  \
        }                            \
    } while (0)

/* Defines the cmocka test `name`: it skips when the group has no server,
 * else runs fn(server, ...). For one body run once per protocol or
 * transport, each run a test of its own:
 *   RSDK_TEST_SERVER_CASE(test_resp3_unix, run, 3, true) */
#define RSDK_TEST_SERVER_CASE(name, fn, ...) \
    static void name(void **state) {         \
        RSDK_TEST_NEED_SERVER(state);        \
        fn(*state, __VA_ARGS__);             \
    }

/* Opens a client to the group's server (RESP `protocol`, Unix socket when
 * use_unix) and fails the test on error. */
rsdk_client *rsdk_test_client(const rsdk_test_server *s, int protocol, bool use_unix);

/* Opens a client with `o` (any server) and fails the test, with the status
 * and the error text, unless it opened. */
rsdk_client *rsdk_test_client_open(const rsdk_client_opts *o);

/* Monotonic milliseconds, and a sleep that resumes when interrupted. */
long long rsdk_test_now_ms(void);
void rsdk_test_sleep_ms(long ms);

/* What a server says it is in INFO server. Valkey names itself in
 * server_name and valkey_version, and keeps redis_version at the Redis it
 * forked from (7.2.4) for clients that look at that. */
typedef struct rsdk_test_server_ident {
    char family[16];        /* "valkey" (server_name), else "redis" */
    char version[32];       /* the family's own version (valkey_version or redis_version) */
    char redis_version[32]; /* the Redis version the server reports or claims */
    char key[48];           /* "<family>-<major>.<minor>": "redis-7.0", "valkey-9.1" */
} rsdk_test_server_ident;

/* Fills *out from INFO server sent through `c`; fails the test on error. */
void rsdk_test_server_identify(rsdk_client *c, rsdk_test_server_ident *out);

/* True when this machine can bind the IPv6 loopback address ::1. */
bool rsdk_test_have_ipv6_loopback(void);

#endif
