/* bench_floor.c — the raw-socket floor: the same commands, pre-encoded once,
 * written with write(2) and answered by reading until the known reply size
 * has arrived. No parsing, no allocation per operation: what is left is the
 * kernel, the server and the round trip, the least any client can cost.
 *
 * Also `bench_floor setup <socket>` stores the benchmark's key and list. */
#include "bench_common.h"
#include "bench_search_common.h"

#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

typedef struct wire {
    char *data;
    size_t len, cap;
} wire;

static void wire_add(wire *w, const void *p, size_t n) {
    if (n > SIZE_MAX - w->len) bench_fail("encoding overflow");
    if (w->len + n > w->cap) {
        size_t cap = w->cap ? w->cap : 256;
        while (cap < w->len + n) {
            if (cap > SIZE_MAX / 2) bench_fail("encoding overflow");
            cap *= 2;
        }
        char *d = realloc(w->data, cap);
        if (d == NULL) bench_fail("out of memory");
        w->data = d;
        w->cap = cap;
    }
    memcpy(w->data + w->len, p, n);
    w->len += n;
}

/* "<c><n>\r\n" — the RESP header of an array or blob. */
static void wire_header(wire *w, char c, size_t n) {
    char digits[24];
    size_t i = sizeof digits;
    do {
        digits[--i] = (char)('0' + n % 10);
        n /= 10;
    } while (n != 0);
    wire_add(w, &c, 1);
    wire_add(w, digits + i, sizeof digits - i);
    wire_add(w, "\r\n", 2);
}

static void wire_blob(wire *w, const char *p, size_t n) {
    wire_header(w, '$', n);
    wire_add(w, p, n);
    wire_add(w, "\r\n", 2);
}

static void write_all(int fd, const char *p, size_t n) {
    while (n > 0) {
        ssize_t k = write(fd, p, n);
        if (k < 0 && errno == EINTR) continue;
        if (k <= 0) bench_fail("write failed");
        p += k;
        n -= (size_t)k;
    }
}

static char rbuf[256 * 1024];

/* Reads until exactly `want` bytes have arrived (the replies are known, and
 * the server sends nothing unasked, so no read can run past them). When
 * `expect` is given the bytes are compared too (used during warm-up only). */
static void read_exact(int fd, size_t want, const char *expect) {
    size_t got = 0;
    while (got < want) {
        size_t room = want - got < sizeof rbuf ? want - got : sizeof rbuf;
        ssize_t k = read(fd, rbuf, room);
        if (k < 0 && errno == EINTR) continue;
        if (k <= 0) bench_fail("read failed or server closed");
        if (expect != NULL && memcmp(rbuf, expect + got, (size_t)k) != 0)
            bench_fail("unexpected reply bytes");
        got += (size_t)k;
    }
}

static int connect_unix(const char *path) {
    struct sockaddr_un sa;
    memset(&sa, 0, sizeof sa);
    sa.sun_family = AF_UNIX;
    if (strlen(path) >= sizeof sa.sun_path) bench_fail("socket path too long");
    memcpy(sa.sun_path, path, strlen(path) + 1);
    int fd = socket(AF_UNIX, SOCK_STREAM, 0);
    if (fd < 0 || connect(fd, (struct sockaddr *)&sa, sizeof sa) != 0)
        bench_fail("cannot connect");
    return fd;
}

static void encode_argv(wire *w, int argc, const char *const *argv, const size_t *lens) {
    wire_header(w, '*', (size_t)argc);
    for (int i = 0; i < argc; i++) wire_blob(w, argv[i], lens[i]);
}

static int setup(const char *path) {
    char value[BENCH_VALUE_LEN];
    bench_value(value);
    wire w = {0};
    const char *del[] = {"DEL", BENCH_LIST_KEY};
    size_t del_len[] = {3, strlen(BENCH_LIST_KEY)};
    encode_argv(&w, 2, del, del_len);
    const char *set[] = {"SET", BENCH_GET_KEY, value};
    size_t set_len[] = {3, strlen(BENCH_GET_KEY), BENCH_VALUE_LEN};
    encode_argv(&w, 3, set, set_len);
    wire_header(&w, '*', 2 + BENCH_LIST_LEN);
    wire_blob(&w, "RPUSH", 5);
    wire_blob(&w, BENCH_LIST_KEY, strlen(BENCH_LIST_KEY));
    for (unsigned i = 0; i < BENCH_LIST_LEN; i++) wire_blob(&w, value, BENCH_VALUE_LEN);
    int fd = connect_unix(path);
    write_all(fd, w.data, w.len);
    /* ":0\r\n" or ":1\r\n", then "+OK\r\n", then ":1000\r\n". */
    static const char tail[] = "+OK\r\n:1000\r\n";
    size_t want = 4 + sizeof tail - 1, got = 0;
    char r[64];
    while (got < want) {
        ssize_t k = read(fd, r + got, want - got);
        if (k <= 0) bench_fail("setup: read failed");
        got += (size_t)k;
    }
    if (r[0] != ':' || memcmp(r + 4, tail, sizeof tail - 1) != 0) bench_fail("setup: bad reply");
    close(fd);
    free(w.data);
    return 0;
}

/* search_knn_10's floor: the FT.SEARCH bench_search_rsdk and
 * bench_search_hiredis send, pre-encoded. Its reply is the same every time
 * (same data, same query), so the first one, read until the server has
 * been quiet for 200 ms, gives the size to read afterwards. */
static int search_floor(int argc, char **argv) {
    bench_args a = {.workload_name = "search_knn_10", .socket_path = argv[2],
                    .ops = argc > 3 ? strtoull(argv[3], NULL, 10) : BENCH_KNN_OPS};
    a.warmup = a.ops / 10;
    static unsigned char qv[BENCH_KNN_DIM * 4];
    bench_knn_vector(BENCH_KNN_DOCS, qv);
    const char *av[] = {"FT.SEARCH", BENCH_KNN_INDEX, BENCH_KNN_QUERY, "SORTBY", "__dist", "ASC",
                        "LIMIT", "0", "10", "PARAMS", "2", "vec", (const char *)qv, "DIALECT", "2"};
    size_t al[15];
    for (int i = 0; i < 15; i++) al[i] = i == 12 ? sizeof qv : strlen(av[i]); /* av[12]: the blob */
    wire cmd = {0};
    encode_argv(&cmd, 15, av, al);
    int fd = connect_unix(a.socket_path);
    write_all(fd, cmd.data, cmd.len);
    struct timeval tv = {0, 200 * 1000};
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    size_t size = 0;
    for (;;) {
        ssize_t k = read(fd, rbuf + size, sizeof rbuf - size);
        if (k <= 0) break;
        size += (size_t)k;
    }
    if (size < 16 || rbuf[0] != '*') bench_fail("search floor: unexpected first reply");
    tv.tv_usec = 0;
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    for (uint64_t i = 0; i < a.warmup; i++) {
        write_all(fd, cmd.data, cmd.len);
        read_exact(fd, size, NULL);
    }
    bench_clock t0, t1;
    bench_clock_now(&t0);
    for (uint64_t i = 0; i < a.ops; i++) {
        write_all(fd, cmd.data, cmd.len);
        read_exact(fd, size, NULL);
    }
    bench_clock_now(&t1);
    bench_report(&a, &t0, &t1);
    close(fd);
    free(cmd.data);
    return 0;
}

/* ---- async workloads: a window of commands in flight ----------------------
 * `window` commands in flight over `conns` sockets (an equal share each),
 * each reply letting one more command go, as an async client keeps them.
 * Replies are counted by their line ends (`nl` per reply: a 63-byte blob
 * has two, +OK one), never parsed; what the replies allow is written as
 * one write of pre-encoded commands. */
typedef struct window_conn {
    int fd;
    uint64_t share;  /* commands this socket sends in the run */
    uint64_t issued, done;
    unsigned lines;  /* line ends of a reply not yet complete */
} window_conn;

/* Sends up to `n` more of c's share (copies of one command of `one` bytes
 * in `cmds`, which holds at least a window's worth). */
static void window_send(window_conn *c, const wire *cmds, size_t one, uint64_t n) {
    if (n > c->share - c->issued) n = c->share - c->issued;
    if (n == 0) return;
    write_all(c->fd, cmds->data, (size_t)n * one);
    c->issued += n;
}

/* Reads what `c` has and counts the replies in it. */
static void window_read(window_conn *c, unsigned nl, const wire *cmds, size_t one) {
    ssize_t k = read(c->fd, rbuf, sizeof rbuf);
    if (k < 0 && errno == EINTR) return;
    if (k <= 0) bench_fail("floor: read failed or server closed");
    uint64_t lines = c->lines;
    for (const char *p = rbuf, *end = rbuf + k; (p = memchr(p, '\n', (size_t)(end - p))) != NULL; p++)
        lines++;
    uint64_t replies = lines / nl;
    c->lines = (unsigned)(lines % nl);
    c->done += replies;
    if (c->done > c->issued) bench_fail("floor: more replies than commands");
    window_send(c, cmds, one, replies);
}

static void window_run(window_conn *cs, unsigned nconn, unsigned per_conn, uint64_t total,
                       unsigned nl, const wire *cmds, size_t one) {
    for (unsigned i = 0; i < nconn; i++) {
        cs[i].share = total / nconn + (i < total % nconn ? 1 : 0);
        cs[i].issued = cs[i].done = 0;
        window_send(&cs[i], cmds, one, per_conn);
    }
    struct pollfd pfd[64];
    for (;;) {
        unsigned open = 0;
        for (unsigned i = 0; i < nconn; i++)
            if (cs[i].done < cs[i].share) pfd[open].fd = cs[i].fd, pfd[open++].events = POLLIN;
        if (open == 0) return;
        /* One socket needs no poll: a blocking read is the least a client
         * can do. */
        if (nconn > 1 && poll(pfd, open, -1) < 0 && errno != EINTR) bench_fail("floor: poll failed");
        for (unsigned i = 0, j = 0; i < nconn; i++) {
            if (cs[i].done >= cs[i].share) continue;
            if (nconn == 1 || (pfd[j].revents & (POLLIN | POLLHUP | POLLERR)))
                window_read(&cs[i], nl, cmds, one);
            j++;
        }
    }
}

static int window_floor(const bench_args *a) {
    if (a->conns == 0 || a->conns > 64 || a->window < a->conns) bench_fail("floor: bad window");
    unsigned per_conn = a->window / a->conns;
    char value[BENCH_VALUE_LEN];
    bench_value(value);
    static char big[BENCH_SET_VALUE_LEN];
    bench_set_value(big);
    wire cmds = {0}, check = {0}, expect = {0};
    unsigned nl = 2;
    const char *get[] = {"GET", BENCH_GET_KEY};
    size_t get_len[] = {3, strlen(BENCH_GET_KEY)};
    const char *set[] = {"SET", BENCH_SET_KEY, big};
    size_t set_len[] = {3, strlen(BENCH_SET_KEY), BENCH_SET_VALUE_LEN};
    for (unsigned i = 0; i < per_conn; i++) {
        if (a->workload == BENCH_ASYNC_SET) encode_argv(&cmds, 3, set, set_len);
        else encode_argv(&cmds, 2, get, get_len);
    }
    if (a->workload == BENCH_ASYNC_SET) nl = 1;
    size_t one = cmds.len / per_conn;
    encode_argv(&check, 2, get, get_len);
    wire_blob(&expect, value, BENCH_VALUE_LEN);

    window_conn cs[64];
    memset(cs, 0, sizeof cs);
    for (unsigned i = 0; i < a->conns; i++) cs[i].fd = connect_unix(a->socket_path);
    window_run(cs, a->conns, per_conn, a->warmup, nl, &cmds, one);
    bench_clock t0, t1;
    bench_clock_now(&t0);
    window_run(cs, a->conns, per_conn, a->ops, nl, &cmds, one);
    bench_clock_now(&t1);
    /* Every stream still in step: a GET answers with the value. */
    for (unsigned i = 0; i < a->conns; i++) {
        write_all(cs[i].fd, check.data, check.len);
        read_exact(cs[i].fd, expect.len, expect.data);
        close(cs[i].fd);
    }
    bench_report(a, &t0, &t1);
    free(cmds.data);
    free(check.data);
    free(expect.data);
    return 0;
}

int main(int argc, char **argv) {
    if (argc == 3 && strcmp(argv[1], "setup") == 0) return setup(argv[2]);
    if (argc >= 3 && strcmp(argv[1], "search_knn_10") == 0) return search_floor(argc, argv);
    bench_args a;
    if (bench_parse_args(argc, argv, &a) != 0) return 2;
    if (a.workload >= BENCH_MEM) bench_fail("floor: scale workloads are rsdk's and hiredis's");
    if (a.workload == BENCH_ASYNC_GET || a.workload == BENCH_ASYNC_SET) return window_floor(&a);

    char value[BENCH_VALUE_LEN];
    bench_value(value);
    wire cmd = {0}, reply = {0};
    size_t per_round = 1; /* operations per write */
    wire cmd2 = {0}, reply2 = {0}; /* json_set_get: the second round trip */
    if (a.workload == BENCH_JSON_SET_GET) {
        char doc[BENCH_JSON_DOC_MAX];
        size_t dlen = bench_json_doc(doc);
        const char *sv[] = {"JSON.SET", BENCH_JSON_KEY, "$", doc};
        size_t sl[] = {8, strlen(BENCH_JSON_KEY), 1, dlen};
        encode_argv(&cmd, 4, sv, sl);
        wire_add(&reply, "+OK\r\n", 5);
        const char *gv[] = {"JSON.GET", BENCH_JSON_KEY};
        size_t gl[] = {8, strlen(BENCH_JSON_KEY)};
        encode_argv(&cmd2, 2, gv, gl);
        wire_blob(&reply2, doc, dlen);
    } else if (a.workload == BENCH_LRANGE) {
        const char *av[] = {"LRANGE", BENCH_LIST_KEY, "0", "-1"};
        size_t al[] = {6, strlen(BENCH_LIST_KEY), 1, 2};
        encode_argv(&cmd, 4, av, al);
        wire_header(&reply, '*', BENCH_LIST_LEN);
        for (unsigned i = 0; i < BENCH_LIST_LEN; i++) wire_blob(&reply, value, BENCH_VALUE_LEN);
    } else if (a.workload == BENCH_PIPE_SET) {
        static char big[BENCH_SET_VALUE_LEN];
        bench_set_value(big);
        const char *av[] = {"SET", BENCH_SET_KEY, big};
        size_t al[] = {3, strlen(BENCH_SET_KEY), BENCH_SET_VALUE_LEN};
        per_round = BENCH_PIPELINE_BATCH;
        for (size_t i = 0; i < per_round; i++) {
            encode_argv(&cmd, 3, av, al);
            wire_add(&reply, "+OK\r\n", 5);
        }
    } else {
        if (a.workload == BENCH_GET_PIPELINE) per_round = BENCH_PIPELINE_BATCH;
        const char *av[] = {"GET", BENCH_GET_KEY};
        size_t al[] = {3, strlen(BENCH_GET_KEY)};
        for (size_t i = 0; i < per_round; i++) {
            encode_argv(&cmd, 2, av, al);
            wire_blob(&reply, value, BENCH_VALUE_LEN);
        }
    }

    int fd = connect_unix(a.socket_path);
    for (uint64_t done = 0; done < a.warmup; done += per_round) {
        write_all(fd, cmd.data, cmd.len);
        read_exact(fd, reply.len, done == 0 ? reply.data : NULL);
        if (cmd2.len == 0) continue;
        write_all(fd, cmd2.data, cmd2.len);
        read_exact(fd, reply2.len, done == 0 ? reply2.data : NULL);
    }
    bench_clock t0, t1;
    bench_clock_now(&t0);
    for (uint64_t done = 0; done < a.ops; done += per_round) {
        write_all(fd, cmd.data, cmd.len);
        read_exact(fd, reply.len, NULL);
        if (cmd2.len == 0) continue;
        write_all(fd, cmd2.data, cmd2.len);
        read_exact(fd, reply2.len, NULL);
    }
    bench_clock_now(&t1);
    /* A final check that the stream is still in step. */
    write_all(fd, cmd.data, cmd.len);
    read_exact(fd, reply.len, reply.data);
    if (cmd2.len != 0) {
        write_all(fd, cmd2.data, cmd2.len);
        read_exact(fd, reply2.len, reply2.data);
    }
    bench_report(&a, &t0, &t1);
    close(fd);
    free(cmd.data);
    free(reply.data);
    free(cmd2.data);
    free(reply2.data);
    return 0;
}
