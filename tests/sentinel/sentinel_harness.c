/* A throwaway Sentinel deployment: primary, replica, three sentinels. */
#include "sentinel_harness.h"

#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "rsdk/rsdk.h"

const char *sh_server(void) {
    const char *s = getenv("RSDK_TEST_SENTINEL_SERVER");
    return s && *s ? s : NULL;
}

static bool write_conf(const sh_deploy *d, const sh_sentinel *s) {
    FILE *f = fopen(s->conf, "w");
    if (f == NULL) return false;
    fprintf(f,
            "port %d\nbind 127.0.0.1\ndaemonize no\ndir %s\nlogfile %s/sentinel.log\n"
            "sentinel monitor %s 127.0.0.1 %d 2\n"
            "sentinel down-after-milliseconds %s 1000\n"
            "sentinel failover-timeout %s 4000\n"
            "sentinel parallel-syncs %s 1\n",
            d->tls ? 0 : s->port, s->dir, s->dir, SH_MASTER, sh_data_port(d, 0), SH_MASTER, SH_MASTER,
            SH_MASTER);
    if (d->data_pass) fprintf(f, "sentinel auth-pass %s %s\n", SH_MASTER, d->data_pass);
    if (d->sentinel_pass)
        fprintf(f, "requirepass %s\nsentinel sentinel-pass %s\n", d->sentinel_pass, d->sentinel_pass);
    /* TLS only; tls-replication: to the data nodes and to one another too
     * (the port a sentinel announces is then its TLS port). */
    if (d->tls)
        fprintf(f,
                "port 0\ntls-port %d\ntls-cert-file %s\ntls-key-file %s\ntls-ca-cert-file %s\n"
                "tls-auth-clients no\ntls-replication yes\n",
                s->port, d->tls->cert_file, d->tls->key_file, d->tls->ca_file);
    return fclose(f) == 0;
}

/* Options for a client of sentinel i. */
static void sentinel_opts(const sh_deploy *d, int i, rsdk_client_opts *o) {
    rsdk_client_opts_init(o);
    o->port = d->sen[i].port;
    o->password = d->sentinel_pass;
    o->tls = d->tls ? d->tls->client : NULL;
}

/* Sentinel i answers PING. */
static bool answers(const sh_deploy *d, int i) {
    rsdk_client_opts o;
    sentinel_opts(d, i, &o);
    o.connect_timeout_ms = 500;
    o.command_timeout_ms = 500;
    rsdk_test_no_retry(&o);
    rsdk_client *c;
    if (rsdk_client_open(&o, &c, NULL) != RSDK_OK) return false;
    rsdk_reply *r = NULL;
    bool ok = rsdk_client_command(c, &r, "PING", (const char *)NULL) == RSDK_OK;
    rsdk_reply_free(r);
    rsdk_client_close(c);
    return ok;
}

static rsdk_test_server_result start_sentinel(sh_deploy *d, int i) {
    sh_sentinel *s = &d->sen[i];
    const char *tmp = getenv("TEST_TMPDIR");
    if (!tmp || !*tmp || strlen(tmp) > 60) tmp = "/tmp";
    snprintf(s->dir, sizeof s->dir, "%s/rsdk-sen-XXXXXX", tmp);
    if (!mkdtemp(s->dir)) return RSDK_TEST_SERVER_FAIL;
    char conf[sizeof s->conf];
    snprintf(conf, sizeof conf, "%s/sentinel.conf", s->dir);
    memcpy(s->conf, conf, sizeof conf);
    s->port = rsdk_test_free_port();
    snprintf(s->addr, sizeof s->addr, "127.0.0.1:%d", s->port);
    if (s->port <= 0 || !write_conf(d, s)) return RSDK_TEST_SERVER_FAIL;
    pid_t pid = fork();
    if (pid < 0) return RSDK_TEST_SERVER_FAIL;
    if (pid == 0) {
        int devnull = open("/dev/null", O_RDWR);
        if (devnull >= 0) {
            dup2(devnull, 1);
            dup2(devnull, 2);
        }
        execlp(d->binary, d->binary, s->conf, "--sentinel", (char *)NULL);
        _exit(127);
    }
    s->pid = pid;
    for (int tries = 0; tries < 500; tries++) {
        int st;
        if (waitpid(pid, &st, WNOHANG) == pid) {
            s->pid = 0;
            fprintf(stderr, "sentinel exited at start; see %s/sentinel.log\n", s->dir);
            return RSDK_TEST_SERVER_FAIL;
        }
        if (answers(d, i)) return RSDK_TEST_SERVER_OK;
        rsdk_test_sleep_ms(20);
    }
    return RSDK_TEST_SERVER_FAIL;
}

/* Sentinel i sees the replica with its link up and both other sentinels. */
static bool sentinel_ready(const sh_deploy *d, int i) {
    rsdk_client_opts o;
    sentinel_opts(d, i, &o);
    rsdk_test_no_retry(&o);
    rsdk_client *c;
    if (rsdk_client_open(&o, &c, NULL) != RSDK_OK) return false;
    rsdk_reply *reps = NULL, *sens = NULL;
    bool ok = rsdk_client_command(c, &reps, "SENTINEL", "REPLICAS", SH_MASTER, (const char *)NULL) == RSDK_OK &&
              rsdk_client_command(c, &sens, "SENTINEL", "SENTINELS", SH_MASTER, (const char *)NULL) == RSDK_OK &&
              reps->elements == 1 && sens->elements == SH_SENTINELS - 1;
    if (ok) {
        const rsdk_reply *flags = rsdk_reply_map_get(&reps->element[0], "flags");
        const rsdk_reply *link = rsdk_reply_map_get(&reps->element[0], "master-link-status");
        ok = flags && link && strcmp(flags->str, "slave") == 0 && strcmp(link->str, "ok") == 0;
    }
    rsdk_reply_free(reps);
    rsdk_reply_free(sens);
    rsdk_client_close(c);
    return ok;
}

/* Arguments of data node i: its password, and for the replica the
 * primary to follow. */
static void data_args(sh_deploy *d, int i) {
    const char **a = d->data_args[i];
    int n = 0;
    if (d->tls) {
        snprintf(d->tls_port_arg[i], sizeof d->tls_port_arg[i], "%d", d->tls_port[i]);
        const char *t[] = {"--tls-port", d->tls_port_arg[i], "--port", "0", "--tls-cert-file",
                           d->tls->cert_file, "--tls-key-file", d->tls->key_file,
                           "--tls-ca-cert-file", d->tls->ca_file, "--tls-auth-clients", "no",
                           "--tls-replication", "yes"};
        for (size_t k = 0; k < sizeof t / sizeof t[0]; k++) a[n++] = t[k];
    }
    if (d->data_pass) {
        a[n++] = "--requirepass";
        a[n++] = d->data_pass;
        a[n++] = "--masterauth";
        a[n++] = d->data_pass;
    }
    if (i == 1) {
        a[n++] = "--replicaof";
        a[n++] = "127.0.0.1";
        a[n++] = d->primary_port;
    }
    a[n] = NULL;
}

static rsdk_test_server_result start(sh_deploy *d, const char *server, const char *data_pass,
                                     const char *sentinel_pass, const sh_tls *tls);

rsdk_test_server_result sh_start(sh_deploy *d, const char *server) {
    return sh_start_auth(d, server, NULL, NULL);
}

rsdk_test_server_result sh_start_auth(sh_deploy *d, const char *server, const char *data_pass,
                                      const char *sentinel_pass) {
    memset(d, 0, sizeof *d);
    return start(d, server, data_pass, sentinel_pass, NULL);
}

rsdk_test_server_result sh_start_tls(sh_deploy *d, const char *server, const sh_tls *tls) {
    memset(d, 0, sizeof *d);
    return start(d, server, NULL, NULL, tls);
}

int sh_data_port(const sh_deploy *d, int i) { return d->tls ? d->tls_port[i] : d->data[i].port; }

static rsdk_test_server_result start(sh_deploy *d, const char *server, const char *data_pass,
                                     const char *sentinel_pass, const sh_tls *tls) {
    d->data_pass = data_pass;
    d->sentinel_pass = sentinel_pass;
    d->tls = tls;
    for (int i = 0; i < 2 && tls; i++) d->tls_port[i] = rsdk_test_free_port();
    data_args(d, 0);
    rsdk_test_server_result r = rsdk_test_server_start_module(&d->data[0], server, NULL, d->data_args[0]);
    if (r != RSDK_TEST_SERVER_OK) return r;
    snprintf(d->binary, sizeof d->binary, "%s", d->data[0].binary);
    snprintf(d->primary_port, sizeof d->primary_port, "%d", sh_data_port(d, 0));
    data_args(d, 1);
    if ((r = rsdk_test_server_start_module(&d->data[1], server, NULL, d->data_args[1])) != RSDK_TEST_SERVER_OK) {
        sh_stop(d);
        return r;
    }
    for (int i = 0; i < SH_SENTINELS; i++) {
        if ((r = start_sentinel(d, i)) != RSDK_TEST_SERVER_OK) {
            sh_stop(d);
            return r;
        }
        d->addrs[i] = d->sen[i].addr;
    }
    long long end = rsdk_test_now_ms() + 30000;
    for (int i = 0; i < SH_SENTINELS; i++) {
        while (!sentinel_ready(d, i)) {
            if (rsdk_test_now_ms() > end) {
                fprintf(stderr, "sentinel %d did not see the replica and the other sentinels\n", i);
                sh_stop(d);
                return RSDK_TEST_SERVER_FAIL;
            }
            rsdk_test_sleep_ms(100);
        }
    }
    return RSDK_TEST_SERVER_OK;
}

void sh_kill_sentinel(sh_deploy *d, int i) {
    if (d->sen[i].pid > 0) {
        kill(d->sen[i].pid, SIGKILL);
        waitpid(d->sen[i].pid, NULL, 0);
        d->sen[i].pid = 0;
    }
}

void sh_stop(sh_deploy *d) {
    for (int i = 0; i < SH_SENTINELS; i++) {
        sh_kill_sentinel(d, i);
        if (d->sen[i].dir[0]) {
            char path[400];
            snprintf(path, sizeof path, "%s/sentinel.log", d->sen[i].dir);
            unlink(path);
            unlink(d->sen[i].conf);
            rmdir(d->sen[i].dir);
            d->sen[i].dir[0] = '\0';
        }
    }
    for (int i = 0; i < 2; i++) rsdk_test_server_stop(&d->data[i]);
}

rsdk_client *sh_sentinel_client(const sh_deploy *d, int i) {
    rsdk_client_opts o;
    sentinel_opts(d, i, &o);
    return rsdk_test_client_open(&o);
}

rsdk_client *sh_data_client(const sh_deploy *d, int i) {
    rsdk_client_opts o;
    rsdk_test_server_client_opts(&d->data[i], &o, true);
    o.password = d->data_pass;
    return rsdk_test_client_open(&o);
}

static char *info(rsdk_client *c, const char *section, rsdk_reply **r) {
    if (rsdk_client_command(c, r, "INFO", section, (const char *)NULL) != RSDK_OK)
        fail_msg("INFO %s: %s", section, rsdk_client_error(c)->message);
    return (*r)->str;
}

bool sh_info_has(rsdk_client *c, const char *section, const char *text) {
    rsdk_reply *r = NULL;
    bool has = strstr(info(c, section, &r), text) != NULL;
    rsdk_reply_free(r);
    return has;
}

long long sh_info_int(rsdk_client *c, const char *section, const char *field) {
    rsdk_reply *r = NULL;
    const char *p = strstr(info(c, section, &r), field);
    if (p == NULL || p[strlen(field)] != ':') fail_msg("INFO %s has no %s", section, field);
    long long v = atoll(p + strlen(field) + 1);
    rsdk_reply_free(r);
    return v;
}

void sh_wait_link_up(const sh_deploy *d, int i, long timeout_ms) {
    long long end = rsdk_test_now_ms() + timeout_ms;
    rsdk_client *c = sh_data_client(d, i);
    while (!sh_info_has(c, "replication", "master_link_status:up")) {
        if (rsdk_test_now_ms() > end) fail_msg("data node %d: replication link not up", i);
        rsdk_test_sleep_ms(50);
    }
    rsdk_client_close(c);
}

int sh_data_by_port(const sh_deploy *d, int port) {
    for (int i = 0; i < 2; i++)
        if (sh_data_port(d, i) == port) return i;
    return -1;
}

int sh_group_setup(void **state) {
    sh_deploy *d = calloc(1, sizeof *d);
    if (!d) return -1;
    rsdk_test_server_result r = sh_start(d, sh_server());
    if (r == RSDK_TEST_SERVER_OK) {
        *state = d;
        return 0;
    }
    free(d);
    *state = NULL;
    return r == RSDK_TEST_SERVER_SKIP ? 0 : -1;
}

int sh_group_teardown(void **state) {
    if (*state) {
        sh_stop(*state);
        free(*state);
    }
    return 0;
}
