/* A throwaway 6-node cluster: six cluster-enabled servers joined by
 * redis-cli --cluster create. */
#include "cluster.h"

#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "rsdk/rsdk.h"

const char *rsdk_test_cluster_server(void) {
    const char *s = getenv("RSDK_TEST_CLUSTER_SERVER");
    return s && *s ? s : NULL;
}

static bool required(void) {
    const char *r = getenv("RSDK_REQUIRE_SERVER");
    return r && strcmp(r, "1") == 0;
}

/* Runs argv to completion (output into `log`); its exit status, or -1. */
static int run(const char *const *argv, const char *log, long timeout_ms) {
    pid_t pid = fork();
    if (pid < 0) return -1;
    if (pid == 0) {
        int fd = open(log, O_WRONLY | O_CREAT | O_TRUNC, 0600);
        if (fd >= 0) {
            dup2(fd, 1);
            dup2(fd, 2);
        }
        execvp(argv[0], (char *const *)argv);
        _exit(127);
    }
    long long end = rsdk_test_now_ms() + timeout_ms;
    int st;
    while (waitpid(pid, &st, WNOHANG) == 0) {
        if (rsdk_test_now_ms() > end) {
            kill(pid, SIGKILL);
            waitpid(pid, &st, 0);
            return -1;
        }
        rsdk_test_sleep_ms(50);
    }
    return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

static rsdk_status info_has(const rsdk_test_cluster *c, int i, const char *cmd0, const char *cmd1,
                            const char *want) {
    rsdk_client_opts o;
    rsdk_test_server_client_opts(&c->node[i], &o, true);
    o.command_timeout_ms = 2000;
    rsdk_client *cl;
    if (rsdk_client_open(&o, &cl, NULL) != RSDK_OK) return RSDK_ERR_CONNECT;
    rsdk_reply *r = NULL;
    rsdk_status s = rsdk_client_command(cl, &r, cmd0, cmd1, (const char *)NULL);
    if (s == RSDK_OK) {
        s = rsdk_reply_has_str(r) && strstr(r->str, want) ? RSDK_OK : RSDK_ERR_RESPONSE;
        rsdk_reply_free(r);
    }
    rsdk_client_close(cl);
    return s;
}

bool rsdk_test_cluster_wait_ok(const rsdk_test_cluster *c, long timeout_ms) {
    long long end = rsdk_test_now_ms() + timeout_ms;
    for (;;) {
        bool ok = true;
        for (int i = 0; ok && i < RSDK_TEST_CLUSTER_NODES; i++)
            if (c->node[i].pid > 0) ok = info_has(c, i, "CLUSTER", "INFO", "cluster_state:ok") == RSDK_OK;
        if (ok) return true;
        if (rsdk_test_now_ms() > end) return false;
        rsdk_test_sleep_ms(100);
    }
}

/* Every primary has a replica whose link is up. */
static bool replicas_up(const rsdk_test_cluster *c) {
    int up = 0;
    for (int i = 0; i < RSDK_TEST_CLUSTER_NODES; i++)
        if (info_has(c, i, "INFO", "replication", "master_link_status:up") == RSDK_OK) up++;
    return up == RSDK_TEST_CLUSTER_NODES / 2;
}

rsdk_test_server_result rsdk_test_cluster_start(rsdk_test_cluster *c, const char *server) {
    memset(c, 0, sizeof *c);
    const char *dir = getenv("RSDK_SERVERS_DIR");
    if (!dir || !*dir) dir = "/tmp/rsdk-servers";
    if (server) snprintf(c->cli, sizeof c->cli, "%s/%s/redis-cli", dir, server);
    else snprintf(c->cli, sizeof c->cli, "redis-cli");
    for (int i = 0; i < RSDK_TEST_CLUSTER_NODES; i++) {
        snprintf(c->bus_port[i], sizeof c->bus_port[i], "%d", rsdk_test_free_port());
        const char *a[] = {"--cluster-enabled", "yes", "--cluster-config-file", "nodes.conf",
                           "--cluster-node-timeout", "1000", "--cluster-port", c->bus_port[i],
                           NULL};
        memcpy(c->args[i], a, sizeof a);
        rsdk_test_server_result r = rsdk_test_server_start_module(&c->node[i], server, NULL, c->args[i]);
        if (r != RSDK_TEST_SERVER_OK) {
            rsdk_test_cluster_stop(c);
            return r;
        }
    }
    if (server && access(c->cli, X_OK) != 0) {
        fprintf(stderr, "%s: %s not found\n", required() ? "FAIL" : "SKIP", c->cli);
        rsdk_test_cluster_stop(c);
        return required() ? RSDK_TEST_SERVER_FAIL : RSDK_TEST_SERVER_SKIP;
    }
    char addr[RSDK_TEST_CLUSTER_NODES][32], log[400];
    const char *argv[RSDK_TEST_CLUSTER_NODES + 8];
    int n = 0;
    argv[n++] = c->cli;
    argv[n++] = "--cluster";
    argv[n++] = "create";
    for (int i = 0; i < RSDK_TEST_CLUSTER_NODES; i++) {
        snprintf(addr[i], sizeof addr[i], "127.0.0.1:%d", c->node[i].port);
        argv[n++] = addr[i];
    }
    argv[n++] = "--cluster-replicas";
    argv[n++] = "1";
    argv[n++] = "--cluster-yes";
    argv[n] = NULL;
    snprintf(log, sizeof log, "%s/cluster-create.log", c->node[0].dir);
    int st = run(argv, log, 60000);
    unlink(log);
    snprintf(c->seed, sizeof c->seed, "redis://127.0.0.1:%d", c->node[0].port);
    long long end = rsdk_test_now_ms() + 30000;
    bool ok = st == 0 && rsdk_test_cluster_wait_ok(c, 30000);
    while (ok && !replicas_up(c)) {
        if (rsdk_test_now_ms() > end) ok = false;
        rsdk_test_sleep_ms(100);
    }
    if (!ok) {
        fprintf(stderr, "cluster did not come up (redis-cli exit %d)\n", st);
        rsdk_test_cluster_stop(c);
        return RSDK_TEST_SERVER_FAIL;
    }
    return RSDK_TEST_SERVER_OK;
}

void rsdk_test_cluster_stop(rsdk_test_cluster *c) {
    for (int i = 0; i < RSDK_TEST_CLUSTER_NODES; i++) {
        rsdk_test_server_kill(&c->node[i]);
        if (c->node[i].dir[0]) {
            char path[400];
            snprintf(path, sizeof path, "%s/nodes.conf", c->node[i].dir);
            unlink(path);
        }
        rsdk_test_server_stop(&c->node[i]);
    }
}

int rsdk_test_cluster_node_by_port(const rsdk_test_cluster *c, int port) {
    for (int i = 0; i < RSDK_TEST_CLUSTER_NODES; i++)
        if (c->node[i].port == port) return i;
    return -1;
}

rsdk_client *rsdk_test_cluster_client(const rsdk_test_cluster *c, int i) {
    rsdk_client_opts o;
    rsdk_test_server_client_opts(&c->node[i], &o, true);
    return rsdk_test_client_open(&o);
}

void rsdk_test_cluster_node_id(const rsdk_test_cluster *c, int i, char *buf, size_t size) {
    rsdk_client *cl = rsdk_test_cluster_client(c, i);
    rsdk_reply *r = NULL;
    assert_int_equal(rsdk_client_command(cl, &r, "CLUSTER", "MYID", (const char *)NULL), RSDK_OK);
    assert_true(rsdk_reply_has_str(r) && r->len < size);
    memcpy(buf, r->str, r->len + 1);
    rsdk_reply_free(r);
    rsdk_client_close(cl);
}

int rsdk_test_cluster_group_setup(void **state) {
    rsdk_test_cluster *c = calloc(1, sizeof *c);
    if (!c) return -1;
    rsdk_test_server_result r = rsdk_test_cluster_start(c, rsdk_test_cluster_server());
    if (r == RSDK_TEST_SERVER_OK) {
        *state = c;
        return 0;
    }
    free(c);
    *state = NULL;
    return r == RSDK_TEST_SERVER_SKIP ? 0 : -1;
}

int rsdk_test_cluster_group_teardown(void **state) {
    if (*state) {
        rsdk_test_cluster_stop(*state);
        free(*state);
    }
    return 0;
}
