/* A scripted peer for hostile-reply tests (see hostile_server.h). */
#include "support/hostile_server.h"

#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define MAX_PEERS 16

typedef struct peer {
    int fd;
    size_t sent;        /* script bytes written so far */
    bool asked;         /* the request has arrived: the script runs */
    long long next_ms;  /* when the next dripped byte is due */
} peer;

struct hostile_server {
    int lfd, port, drip_ms;
    int wake[2]; /* self-pipe: stop */
    char *script;
    size_t len;
    peer peers[MAX_PEERS];
    size_t npeers;
    pthread_t thread;
};

static long long now_ms(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Writes what is due to `p`: the rest of the script, or one dripped byte. */
static void feed(hostile_server *h, peer *p) {
    if (!p->asked || p->sent == h->len) return;
    if (h->drip_ms == 0) {
        ssize_t n = send(p->fd, h->script + p->sent, h->len - p->sent, MSG_NOSIGNAL);
        if (n > 0) p->sent += (size_t)n;
        return;
    }
    if (now_ms() < p->next_ms) return;
    if (send(p->fd, h->script + p->sent, 1, MSG_NOSIGNAL) == 1) p->sent++;
    p->next_ms = now_ms() + h->drip_ms;
}

static void drop(hostile_server *h, size_t i) {
    close(h->peers[i].fd);
    h->peers[i] = h->peers[--h->npeers];
}

static void *run(void *arg) {
    hostile_server *h = arg;
    for (;;) {
        struct pollfd fds[MAX_PEERS + 2];
        fds[0] = (struct pollfd){.fd = h->wake[0], .events = POLLIN};
        fds[1] = (struct pollfd){.fd = h->lfd, .events = POLLIN};
        for (size_t i = 0; i < h->npeers; i++) fds[2 + i] = (struct pollfd){.fd = h->peers[i].fd, .events = POLLIN};
        int timeout = h->drip_ms > 0 ? h->drip_ms / 4 + 1 : 50;
        size_t polled = h->npeers; /* peers accepted below are polled next round */
        if (poll(fds, 2 + polled, timeout) < 0 && errno != EINTR) break;
        if (fds[0].revents) break;
        if ((fds[1].revents & POLLIN) && h->npeers < MAX_PEERS) {
            int fd = accept(h->lfd, NULL, NULL);
            if (fd >= 0) h->peers[h->npeers++] = (peer){.fd = fd};
        }
        for (size_t i = h->npeers; i-- > 0;) {
            peer *p = &h->peers[i];
            if (i < polled && fds[2 + i].revents) {
                char buf[4096];
                ssize_t n = recv(p->fd, buf, sizeof buf, 0);
                if (n <= 0) {
                    drop(h, i);
                    continue;
                }
                if (!p->asked) p->next_ms = now_ms();
                p->asked = true;
            }
            feed(h, p);
        }
    }
    return NULL;
}

hostile_server *hostile_server_start(const char *script, size_t len, int drip_ms) {
    hostile_server *h = calloc(1, sizeof *h);
    if (!h) return NULL;
    h->script = malloc(len ? len : 1);
    if (!h->script) goto fail;
    memcpy(h->script, script, len);
    h->len = len;
    h->drip_ms = drip_ms;
    h->lfd = socket(AF_INET, SOCK_STREAM, 0);
    if (h->lfd < 0) goto fail;
    struct sockaddr_in sa = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    socklen_t sl = sizeof sa;
    if (bind(h->lfd, (struct sockaddr *)&sa, sizeof sa) || listen(h->lfd, 16) ||
        getsockname(h->lfd, (struct sockaddr *)&sa, &sl) || pipe(h->wake))
        goto fail;
    h->port = ntohs(sa.sin_port);
    if (pthread_create(&h->thread, NULL, run, h) == 0) return h;
    close(h->wake[0]);
    close(h->wake[1]);
fail:
    if (h->lfd > 0) close(h->lfd);
    free(h->script);
    free(h);
    return NULL;
}

int hostile_server_port(const hostile_server *h) { return h->port; }

void hostile_server_stop(hostile_server *h) {
    if (!h) return;
    (void)!write(h->wake[1], "x", 1);
    pthread_join(h->thread, NULL);
    for (size_t i = 0; i < h->npeers; i++) close(h->peers[i].fd);
    close(h->lfd);
    close(h->wake[0]);
    close(h->wake[1]);
    free(h->script);
    free(h);
}
