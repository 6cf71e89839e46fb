/* A throwaway redis-server per test binary: start, wait for PING, kill by PID. */
#include "server.h"
#include "rsdk/retry.h"

#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

const char *rsdk_test_server_binary(void) {
    const char *s = getenv("RSDK_SERVER");
    return s && *s ? s : "redis-server";
}

static bool server_required(void) {
    const char *r = getenv("RSDK_REQUIRE_SERVER");
    return r && strcmp(r, "1") == 0;
}

/* True when `bin` names an executable, directly or on PATH. */
static bool binary_exists(const char *bin) {
    if (strchr(bin, '/')) return access(bin, X_OK) == 0;
    const char *path = getenv("PATH");
    if (!path) path = "/usr/local/bin:/usr/bin:/bin";
    char dir[1024];
    while (*path) {
        size_t n = strcspn(path, ":");
        if (n > 0 && n < 900) {
            snprintf(dir, sizeof dir, "%.*s/%s", (int)n, path, bin);
            if (access(dir, X_OK) == 0) return true;
        }
        path += n;
        if (*path == ':') path++;
    }
    return false;
}

/* Asks the kernel for a free port on 127.0.0.1. */
static int free_port(void) {
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    if (fd < 0) return -1;
    struct sockaddr_in a;
    memset(&a, 0, sizeof a);
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof a;
    int port = -1;
    if (bind(fd, (struct sockaddr *)&a, sizeof a) == 0 &&
        getsockname(fd, (struct sockaddr *)&a, &len) == 0)
        port = ntohs(a.sin_port);
    close(fd);
    return port;
}

int rsdk_test_free_port(void) { return free_port(); }

/* Sends PING over the Unix socket and waits for +PONG (or -NOAUTH/-LOADING
 * meaning "up"): the server is ready when it answers at all. */
static bool ping_once(const char *path) {
    struct sockaddr_un a;
    size_t len = strlen(path);
    if (len >= sizeof a.sun_path) return false;
    int fd = socket(AF_UNIX, SOCK_STREAM, 0);
    if (fd < 0) return false;
    memset(&a, 0, sizeof a);
    a.sun_family = AF_UNIX;
    memcpy(a.sun_path, path, len + 1);
    bool ok = false;
    if (connect(fd, (struct sockaddr *)&a, sizeof a) == 0 &&
        write(fd, "PING\r\n", 6) == 6) {
        char buf[64];
        ssize_t n = read(fd, buf, sizeof buf);
        ok = n > 0 && (buf[0] == '+' || (n > 7 && memcmp(buf, "-NOAUTH", 7) == 0));
    }
    close(fd);
    return ok;
}

long long rsdk_test_now_ms(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

void rsdk_test_sleep_ms(long ms) {
    struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
    while (nanosleep(&ts, &ts) != 0 && errno == EINTR) {
    }
}

static rsdk_test_server_result spawn(rsdk_test_server *s) {
    char port[16];
    snprintf(port, sizeof port, "%d", s->port);
    const char *argv[64];
    int n = 0;
    argv[n++] = s->binary;
    const char *fixed[] = {"--port", port, "--bind", "127.0.0.1", "--unixsocket", s->unix_path,
                           "--unixsocketperm", "700", "--save", "", "--appendonly", "no",
                           "--dir", s->dir, "--logfile", s->log_path, "--daemonize", "no",
                           "--enable-debug-command", "yes", NULL};
    for (int i = 0; fixed[i]; i++) argv[n++] = fixed[i];
    if (s->module_path[0]) {
        argv[n++] = "--loadmodule";
        argv[n++] = s->module_path;
    }
    for (int i = 0; s->extra[i] && n < 63; i++) argv[n++] = s->extra[i];
    argv[n] = NULL;
    unlink(s->unix_path);
    pid_t pid = fork();
    if (pid < 0) return RSDK_TEST_SERVER_FAIL;
    if (pid == 0) {
        int devnull = open("/dev/null", O_RDWR);
        if (devnull >= 0) {
            dup2(devnull, 1);
            dup2(devnull, 2);
        }
        execvp(argv[0], (char *const *)argv);
        _exit(127);
    }
    s->pid = pid;
    for (int i = 0; i < 1000; i++) { /* up to 10 s */
        int st;
        if (waitpid(pid, &st, WNOHANG) == pid) {
            s->pid = 0;
            fprintf(stderr, "test server exited at start; see %s\n", s->log_path);
            return RSDK_TEST_SERVER_FAIL;
        }
        if (ping_once(s->unix_path)) return RSDK_TEST_SERVER_OK;
        rsdk_test_sleep_ms(10);
    }
    fprintf(stderr, "test server did not answer PING within 10 s\n");
    rsdk_test_server_kill(s);
    return RSDK_TEST_SERVER_FAIL;
}

/* Skips (reason printed) or, under RSDK_REQUIRE_SERVER=1, fails. */
static rsdk_test_server_result missing(const char *what, const char *hint) {
    if (server_required()) {
        fprintf(stderr, "RSDK_REQUIRE_SERVER=1 but %s was not found (%s)\n", what, hint);
        return RSDK_TEST_SERVER_FAIL;
    }
    fprintf(stderr, "SKIP: %s not found (%s)\n", what, hint);
    return RSDK_TEST_SERVER_SKIP;
}

/* Makes the private directory and starts s->binary on a free port. */
static rsdk_test_server_result launch(rsdk_test_server *s, const char *const *extra_args) {
    if (!binary_exists(s->binary)) return missing(s->binary, "install redis-server or set RSDK_SERVER");
    for (int i = 0; extra_args && extra_args[i] && i < 31; i++) s->extra[i] = extra_args[i];
    const char *tmp = getenv("TEST_TMPDIR");
    if (!tmp || !*tmp) tmp = "/tmp";
    /* Unix socket paths are limited to 108 bytes; Bazel's TEST_TMPDIR can be
     * longer, so fall back to /tmp when it is. */
    if (strlen(tmp) > 60) tmp = "/tmp";
    snprintf(s->dir, sizeof s->dir, "%s/rsdk-srv-XXXXXX", tmp);
    if (!mkdtemp(s->dir)) {
        fprintf(stderr, "mkdtemp failed: %s\n", strerror(errno));
        return RSDK_TEST_SERVER_FAIL;
    }
    snprintf(s->unix_path, sizeof s->unix_path, "%s/redis.sock", s->dir);
    snprintf(s->log_path, sizeof s->log_path, "%s/redis.log", s->dir);
    for (int attempt = 0; attempt < 5; attempt++) {
        s->port = free_port();
        if (s->port <= 0) continue;
        if (spawn(s) == RSDK_TEST_SERVER_OK) return RSDK_TEST_SERVER_OK;
    }
    return RSDK_TEST_SERVER_FAIL;
}

rsdk_test_server_result rsdk_test_server_start(rsdk_test_server *s, const char *const *extra_args) {
    memset(s, 0, sizeof *s);
    snprintf(s->binary, sizeof s->binary, "%s", rsdk_test_server_binary());
    return launch(s, extra_args);
}

/* The module's shared object, from the test's runfiles. */
static bool module_file(const char *module, char *out, size_t cap) {
    static const char *const files[][2] = {{"valkey-json", "libjson.so"},
                                           {"redistimeseries", "redistimeseries.so"},
                                           {"redisbloom", "redisbloom.so"},
                                           {"redisearch", "redisearch.so"}};
    const char *file = NULL;
    for (size_t i = 0; i < sizeof files / sizeof files[0]; i++)
        if (strcmp(files[i][0], module) == 0) file = files[i][1];
    if (!file) return false;
    const char *root = getenv("TEST_SRCDIR"), *ws = getenv("TEST_WORKSPACE");
    char rel[256];
    snprintf(rel, sizeof rel, "third_party/server_modules/%s/%s", module, file);
    if (root && ws) {
        snprintf(out, cap, "%s/%s/%s", root, ws, rel);
        if (access(out, R_OK) == 0) return true;
    }
    if (!realpath(rel, out)) return false; /* run from the repository's root */
    return access(out, R_OK) == 0;
}

rsdk_test_server_result rsdk_test_server_start_module(rsdk_test_server *s, const char *server,
                                                      const char *module,
                                                      const char *const *extra_args) {
    memset(s, 0, sizeof *s);
    if (server) {
        const char *dir = getenv("RSDK_SERVERS_DIR");
        if (!dir || !*dir) dir = "/tmp/rsdk-servers";
        snprintf(s->binary, sizeof s->binary, "%s/%s/redis-server", dir, server);
        if (access(s->binary, X_OK) != 0)
            return missing(s->binary, "run tools/servers.sh $RSDK_SERVERS_DIR");
    } else {
        snprintf(s->binary, sizeof s->binary, "%s", rsdk_test_server_binary());
    }
    if (module && !module_file(module, s->module_path, sizeof s->module_path))
        return missing(module, "list //third_party/server_modules:<module> in the test's data");
    return launch(s, extra_args);
}

void rsdk_test_server_kill(rsdk_test_server *s) {
    if (s->pid > 0) {
        kill(s->pid, SIGKILL);
        waitpid(s->pid, NULL, 0);
        s->pid = 0;
    }
}

rsdk_test_server_result rsdk_test_server_restart(rsdk_test_server *s) {
    rsdk_test_server_kill(s);
    /* The port may linger briefly in the kernel; retry the bind for a while. */
    for (int attempt = 0; attempt < 50; attempt++) {
        if (spawn(s) == RSDK_TEST_SERVER_OK) return RSDK_TEST_SERVER_OK;
        rsdk_test_sleep_ms(100);
    }
    return RSDK_TEST_SERVER_FAIL;
}

void rsdk_test_server_stop(rsdk_test_server *s) {
    rsdk_test_server_kill(s);
    if (s->dir[0]) {
        unlink(s->unix_path);
        unlink(s->log_path);
        char path[400];
        snprintf(path, sizeof path, "%s/dump.rdb", s->dir);
        unlink(path);
        rmdir(s->dir);
        s->dir[0] = '\0';
    }
}

void rsdk_test_server_client_opts(const rsdk_test_server *s, rsdk_client_opts *o, bool use_unix) {
    rsdk_client_opts_init(o);
    if (use_unix) {
        o->unix_path = s->unix_path;
    } else {
        o->host = "127.0.0.1";
        o->port = s->port;
    }
}

void rsdk_test_no_retry(rsdk_client_opts *o) {
    static const rsdk_retry_policy once = {.max_attempts = 1, .backoff.kind = RSDK_BACKOFF_NONE};
    o->retry = &once;
}

int rsdk_test_server_group_setup(void **state) { return rsdk_test_server_group_setup_with(state, NULL); }

/* Stores a started server in *state; see rsdk_test_server_group_setup. */
static int group_keep(void **state, rsdk_test_server *s, rsdk_test_server_result r) {
    *state = NULL;
    if (r == RSDK_TEST_SERVER_OK) *state = s;
    else free(s);
    return r == RSDK_TEST_SERVER_FAIL ? -1 : 0;
}

int rsdk_test_server_group_setup_with(void **state, const char *const *extra_args) {
    rsdk_test_server *s = calloc(1, sizeof *s);
    if (!s) return -1;
    return group_keep(state, s, rsdk_test_server_start(s, extra_args));
}

int rsdk_test_module_group_setup(void **state, const char *server, const char *module) {
    rsdk_test_server *s = calloc(1, sizeof *s);
    if (!s) return -1;
    return group_keep(state, s, rsdk_test_server_start_module(s, server, module, NULL));
}

int rsdk_test_server_group_teardown(void **state) {
    rsdk_test_server *s = *state;
    if (s) {
        rsdk_test_server_stop(s);
        free(s);
    }
    return 0;
}

rsdk_client *rsdk_test_client(const rsdk_test_server *s, int protocol, bool use_unix) {
    rsdk_client_opts o;
    rsdk_test_server_client_opts(s, &o, use_unix);
    o.protocol = protocol;
    return rsdk_test_client_open(&o);
}

rsdk_client *rsdk_test_client_open(const rsdk_client_opts *o) {
    rsdk_client *c = NULL;
    rsdk_error err;
    rsdk_status st = rsdk_client_open(o, &c, &err);
    if (st != RSDK_OK) fail_msg("client open failed: %s (%s)", rsdk_status_name(st), err.message);
    assert_non_null(c);
    return c;
}

bool rsdk_test_have_ipv6_loopback(void) {
    int fd = socket(AF_INET6, SOCK_STREAM, 0);
    if (fd < 0) return false;
    struct sockaddr_in6 a;
    memset(&a, 0, sizeof a);
    a.sin6_family = AF_INET6;
    a.sin6_addr = in6addr_loopback;
    bool ok = bind(fd, (struct sockaddr *)&a, sizeof a) == 0;
    close(fd);
    return ok;
}

/* The value of `field` ("redis_version") in an INFO text into out, or "". */
static void info_field(const char *info, const char *field, char *out, size_t cap) {
    size_t n = strlen(field);
    out[0] = '\0';
    for (const char *p = info; (p = strstr(p, field)) != NULL; p += n) {
        if ((p == info || p[-1] == '\n') && p[n] == ':') {
            p += n + 1;
            snprintf(out, cap, "%.*s", (int)strcspn(p, "\r\n"), p);
            return;
        }
    }
}

void rsdk_test_server_identify(rsdk_client *c, rsdk_test_server_ident *out) {
    rsdk_reply *r = NULL;
    rsdk_status st = rsdk_client_command(c, &r, "INFO", "server", (const char *)NULL);
    if (st != RSDK_OK || (r->type != RSDK_REPLY_STRING && r->type != RSDK_REPLY_VERB))
        fail_msg("INFO server: %s (%s)", rsdk_status_name(st), rsdk_client_error(c)->message);
    info_field(r->str, "redis_version", out->redis_version, sizeof out->redis_version);
    info_field(r->str, "server_name", out->family, sizeof out->family);
    if (strcmp(out->family, "valkey") == 0) {
        info_field(r->str, "valkey_version", out->version, sizeof out->version);
    } else {
        snprintf(out->family, sizeof out->family, "redis");
        snprintf(out->version, sizeof out->version, "%s", out->redis_version);
    }
    rsdk_reply_free(r);
    /* major.minor: the version up to its second dot */
    const char *dot = strchr(out->version, '.');
    size_t n = dot ? (size_t)(dot - out->version) + 1 + strcspn(dot + 1, ".") : strlen(out->version);
    snprintf(out->key, sizeof out->key, "%s-%.*s", out->family, (int)n, out->version);
    if (out->redis_version[0] == '\0' || out->version[0] == '\0')
        fail_msg("INFO server names no version (family %s)", out->family);
}
