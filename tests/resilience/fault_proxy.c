/* The fault proxy: one poll(2) loop on its own thread. Control calls post a
 * command under a mutex, wake the loop through a pipe and wait until the
 * loop has applied it, so a test knows the fault is in place. */
#include "fault_proxy.h"

#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "support/server.h"

#define MAX_PAIRS 64
#define CHUNK 65536

enum mode { MODE_PASS, MODE_LATENCY, MODE_BLACKHOLE, MODE_REFUSE };

typedef struct chunk {
    long long due_ms;
    size_t len, off;
    struct chunk *next;
    char data[];
} chunk;

/* One direction of a connection: bytes read from `from`, queued for `to`. */
typedef struct queue {
    chunk *head, *tail;
} queue;

typedef struct pair {
    int cfd, ufd;   /* client side, upstream side */
    queue c2u, u2c;
    bool up_eof;    /* upstream closed: deliver what is queued, then close */
} pair;

struct fault_proxy {
    pthread_t thread;
    int upstream_port, port;
    int lfd;        /* listener, -1 while refusing */
    int wake[2];
    pair pairs[MAX_PAIRS];
    size_t npairs;
    enum mode mode;
    int latency_ms;
    /* control, under mu */
    pthread_mutex_t mu;
    pthread_cond_t cv;
    unsigned long seq, done;
    enum mode want_mode;
    int want_latency;
    bool want_cut, want_stop;
    size_t accepted, live;
};

static void set_nonblock(int fd) {
    int fl = fcntl(fd, F_GETFL);
    if (fl >= 0) (void)fcntl(fd, F_SETFL, fl | O_NONBLOCK);
}

static int listen_on(int port) {
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) return -1;
    int one = 1;
    (void)setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    struct sockaddr_in a;
    memset(&a, 0, sizeof a);
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    a.sin_port = htons((uint16_t)port);
    if (bind(fd, (struct sockaddr *)&a, sizeof a) < 0 || listen(fd, 64) < 0) {
        int e = errno;
        close(fd);
        errno = e;
        return -1;
    }
    set_nonblock(fd);
    return fd;
}

static int connect_upstream(int port) {
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) return -1;
    struct sockaddr_in a;
    memset(&a, 0, sizeof a);
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    a.sin_port = htons((uint16_t)port);
    if (connect(fd, (struct sockaddr *)&a, sizeof a) < 0) {
        close(fd);
        return -1;
    }
    int one = 1;
    (void)setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    set_nonblock(fd);
    return fd;
}

static void queue_clear(queue *q) {
    while (q->head) {
        chunk *n = q->head->next;
        free(q->head);
        q->head = n;
    }
    q->tail = NULL;
}

static void queue_push(queue *q, const char *data, size_t len, long long due) {
    chunk *c = malloc(sizeof *c + len);
    if (!c) return; /* test process out of memory: drop, the test will notice */
    c->due_ms = due;
    c->len = len;
    c->off = 0;
    c->next = NULL;
    memcpy(c->data, data, len);
    if (q->tail)
        q->tail->next = c;
    else
        q->head = c;
    q->tail = c;
}

/* Writes the due chunks of `q` to fd. False when the peer is gone. */
static bool queue_flush(queue *q, int fd, long long now) {
    while (q->head && q->head->due_ms <= now) {
        chunk *c = q->head;
        ssize_t w = send(fd, c->data + c->off, c->len - c->off, MSG_NOSIGNAL);
        if (w < 0) return errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR;
        c->off += (size_t)w;
        if (c->off < c->len) return true;
        q->head = c->next;
        if (!q->head) q->tail = NULL;
        free(c);
    }
    return true;
}

static void pair_close(fault_proxy *p, size_t i) {
    pair *pr = &p->pairs[i];
    close(pr->cfd);
    close(pr->ufd);
    queue_clear(&pr->c2u);
    queue_clear(&pr->u2c);
    p->pairs[i] = p->pairs[--p->npairs];
}

static void accept_all(fault_proxy *p) {
    for (;;) {
        int cfd = accept(p->lfd, NULL, NULL);
        if (cfd < 0) return;
        int ufd = connect_upstream(p->upstream_port);
        if (ufd < 0 || p->npairs == MAX_PAIRS) {
            /* Upstream down: the client sees its connection closed. */
            if (ufd >= 0) close(ufd);
            close(cfd);
            continue;
        }
        set_nonblock(cfd);
        int one = 1;
        (void)setsockopt(cfd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
        pair *pr = &p->pairs[p->npairs++];
        memset(pr, 0, sizeof *pr);
        pr->cfd = cfd;
        pr->ufd = ufd;
        pthread_mutex_lock(&p->mu);
        p->accepted++;
        pthread_mutex_unlock(&p->mu);
    }
}

/* Reads what `fd` has into `q` (or drops it in blackhole mode). False on
 * EOF or error. */
static bool pump_in(fault_proxy *p, int fd, queue *q) {
    char buf[CHUNK];
    for (;;) {
        ssize_t r = recv(fd, buf, sizeof buf, 0);
        if (r == 0) return false;
        if (r < 0) return errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR;
        if (p->mode == MODE_BLACKHOLE) continue;
        long long due = rsdk_test_now_ms() + (p->mode == MODE_LATENCY ? p->latency_ms : 0);
        queue_push(q, buf, (size_t)r, due);
    }
}

/* Applies a posted command. Returns false when asked to stop. */
static bool apply(fault_proxy *p) {
    char b[64];
    while (read(p->wake[0], b, sizeof b) > 0) {
    }
    pthread_mutex_lock(&p->mu);
    bool stop = p->want_stop, cut = p->want_cut;
    enum mode m = p->want_mode;
    p->latency_ms = p->want_latency;
    p->want_cut = false;
    pthread_mutex_unlock(&p->mu);
    if (cut)
        while (p->npairs) pair_close(p, p->npairs - 1);
    if (m == MODE_REFUSE && p->lfd >= 0) {
        close(p->lfd);
        p->lfd = -1;
    } else if (m != MODE_REFUSE && p->lfd < 0) {
        for (int i = 0; i < 200 && p->lfd < 0; i++) { /* the port may linger briefly */
            p->lfd = listen_on(p->port);
            if (p->lfd < 0) {
                struct timespec ts = {0, 10 * 1000000L};
                nanosleep(&ts, NULL);
            }
        }
    }
    p->mode = m;
    pthread_mutex_lock(&p->mu);
    p->done = p->seq;
    p->live = p->npairs;
    pthread_cond_broadcast(&p->cv);
    pthread_mutex_unlock(&p->mu);
    return !stop;
}

static long long next_due(const fault_proxy *p) {
    long long due = -1;
    for (size_t i = 0; i < p->npairs; i++) {
        const chunk *a = p->pairs[i].c2u.head, *b = p->pairs[i].u2c.head;
        if (a && (due < 0 || a->due_ms < due)) due = a->due_ms;
        if (b && (due < 0 || b->due_ms < due)) due = b->due_ms;
    }
    return due;
}

static void *run(void *arg) {
    fault_proxy *p = arg;
    struct pollfd fds[2 + 2 * MAX_PAIRS];
    for (;;) {
        size_t n = 0;
        fds[n++] = (struct pollfd){.fd = p->wake[0], .events = POLLIN};
        size_t lidx = n;
        fds[n++] = (struct pollfd){.fd = p->lfd, .events = POLLIN}; /* fd -1 is ignored */
        long long now = rsdk_test_now_ms();
        for (size_t i = 0; i < p->npairs; i++) {
            pair *pr = &p->pairs[i];
            bool c_out = pr->u2c.head && pr->u2c.head->due_ms <= now;
            bool u_out = pr->c2u.head && pr->c2u.head->due_ms <= now;
            fds[n++] = (struct pollfd){.fd = pr->cfd, .events = (short)(POLLIN | (c_out ? POLLOUT : 0))};
            fds[n++] = (struct pollfd){.fd = pr->up_eof ? -1 : pr->ufd,
                                       .events = (short)(POLLIN | (u_out ? POLLOUT : 0))};
        }
        long long due = next_due(p);
        int timeout = due < 0 ? 1000 : due <= now ? 0 : (int)(due - now);
        int r = poll(fds, (nfds_t)n, timeout);
        if (r < 0 && errno != EINTR) break;
        if (fds[0].revents & POLLIN) {
            if (!apply(p)) break;
            continue; /* the pair table may have changed */
        }
        if (p->lfd >= 0 && (fds[lidx].revents & POLLIN)) accept_all(p);
        now = rsdk_test_now_ms();
        for (size_t i = p->npairs; i-- > 0;) {
            pair *pr = &p->pairs[i];
            bool ok = true;
            if (i * 2 + 3 < n) { /* pairs accepted in this round have no revents yet */
                short cre = fds[2 + 2 * i].revents, ure = fds[3 + 2 * i].revents;
                if (cre & (POLLIN | POLLHUP | POLLERR)) ok = pump_in(p, pr->cfd, &pr->c2u);
                if (ok && !pr->up_eof && (ure & (POLLIN | POLLHUP | POLLERR)))
                    pr->up_eof = !pump_in(p, pr->ufd, &pr->u2c);
            }
            if (ok) ok = queue_flush(&pr->c2u, pr->ufd, now) || pr->up_eof;
            if (ok) ok = queue_flush(&pr->u2c, pr->cfd, now);
            if (ok && pr->up_eof && !pr->u2c.head) ok = false;
            if (!ok) pair_close(p, i);
        }
        pthread_mutex_lock(&p->mu);
        p->live = p->npairs;
        pthread_mutex_unlock(&p->mu);
    }
    return NULL;
}

int fault_proxy_start(int upstream_port, fault_proxy **out) {
    fault_proxy *p = calloc(1, sizeof *p);
    if (!p) return -1;
    p->upstream_port = upstream_port;
    p->lfd = listen_on(0);
    if (p->lfd < 0) {
        free(p);
        return -1;
    }
    struct sockaddr_in a;
    socklen_t len = sizeof a;
    if (getsockname(p->lfd, (struct sockaddr *)&a, &len) < 0 || pipe(p->wake) < 0) {
        close(p->lfd);
        free(p);
        return -1;
    }
    p->port = ntohs(a.sin_port);
    set_nonblock(p->wake[0]);
    pthread_mutex_init(&p->mu, NULL);
    pthread_cond_init(&p->cv, NULL);
    if (pthread_create(&p->thread, NULL, run, p) != 0) {
        close(p->lfd);
        close(p->wake[0]);
        close(p->wake[1]);
        free(p);
        return -1;
    }
    *out = p;
    return 0;
}

int fault_proxy_port(const fault_proxy *p) { return p->port; }

/* Posts a command and waits until the loop applied it. */
static void post(fault_proxy *p, enum mode m, int latency, bool cut, bool stop) {
    pthread_mutex_lock(&p->mu);
    p->want_mode = m;
    p->want_latency = latency;
    p->want_cut = p->want_cut || cut;
    p->want_stop = stop;
    unsigned long mine = ++p->seq;
    ssize_t w = write(p->wake[1], "x", 1);
    (void)w;
    while (p->done < mine && !stop) pthread_cond_wait(&p->cv, &p->mu);
    pthread_mutex_unlock(&p->mu);
}

static enum mode current(fault_proxy *p, int *latency) {
    pthread_mutex_lock(&p->mu);
    enum mode m = p->want_mode;
    *latency = p->want_latency;
    pthread_mutex_unlock(&p->mu);
    return m;
}

void fault_proxy_pass(fault_proxy *p) { post(p, MODE_PASS, 0, false, false); }
void fault_proxy_latency(fault_proxy *p, int ms) { post(p, MODE_LATENCY, ms, false, false); }
void fault_proxy_blackhole(fault_proxy *p) { post(p, MODE_BLACKHOLE, 0, false, false); }
void fault_proxy_refuse(fault_proxy *p) { post(p, MODE_REFUSE, 0, false, false); }

void fault_proxy_cut(fault_proxy *p) {
    int lat;
    enum mode m = current(p, &lat);
    post(p, m, lat, true, false);
}

size_t fault_proxy_accepted(fault_proxy *p) {
    pthread_mutex_lock(&p->mu);
    size_t n = p->accepted;
    pthread_mutex_unlock(&p->mu);
    return n;
}

size_t fault_proxy_live(fault_proxy *p) {
    pthread_mutex_lock(&p->mu);
    size_t n = p->live;
    pthread_mutex_unlock(&p->mu);
    return n;
}

void fault_proxy_stop(fault_proxy *p) {
    if (!p) return;
    int lat;
    enum mode m = current(p, &lat);
    post(p, m, lat, false, true);
    pthread_join(p->thread, NULL);
    while (p->npairs) pair_close(p, p->npairs - 1);
    if (p->lfd >= 0) close(p->lfd);
    close(p->wake[0]);
    close(p->wake[1]);
    pthread_mutex_destroy(&p->mu);
    pthread_cond_destroy(&p->cv);
    free(p);
}
