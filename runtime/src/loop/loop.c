/* The built-in epoll loop: one epoll set, an eventfd that wakes it, and
 * the adapters' timers looked at once per turn. A turn runs the posted
 * callbacks, waits (no longer than the nearest timer), dispatches ready
 * fds, then the timers that are due. */
#include <errno.h>
#include <limits.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include "alloc.h"
#include "clock.h"
#include "loop_adapter.h"
#include "loop_post.h"
#include "loop_state.h"

#define MAX_EVENTS 64

rsdk_status rsdk_loop_new(rsdk_loop **out) {
    if (!out) return RSDK_ERR_INVALID_ARG;
    rsdk_loop *loop = rsdk__calloc(1, sizeof *loop);
    if (!loop) return RSDK_ERR_NOMEM;
    loop->epfd = epoll_create1(EPOLL_CLOEXEC);
    loop->wakefd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
    struct epoll_event ev = {.events = EPOLLIN, .data.ptr = NULL};
    if (loop->epfd < 0 || loop->wakefd < 0 ||
        epoll_ctl(loop->epfd, EPOLL_CTL_ADD, loop->wakefd, &ev) != 0 ||
        pthread_mutex_init(&loop->mu, NULL) != 0) {
        if (loop->epfd >= 0) close(loop->epfd);
        if (loop->wakefd >= 0) close(loop->wakefd);
        rsdk__free(loop);
        return RSDK_ERR_IO;
    }
    atomic_init(&loop->stop, false);
    *out = loop;
    return RSDK_OK;
}

void rsdk_loop_free(rsdk_loop *loop) {
    if (!loop) return;
    rsdk__loop_drop_posts(loop);
    /* Adapters left behind belong to clients not freed first (a caller's
     * bug): free them so nothing leaks; their clients must not be used. */
    rsdk__watch *w = loop->watches;
    while (w) {
        rsdk__watch *next = w->next;
        rsdk__free(w);
        w = next;
    }
    close(loop->epfd);
    close(loop->wakefd);
    pthread_mutex_destroy(&loop->mu);
    rsdk__free(loop);
}

void rsdk_loop_stop(rsdk_loop *loop) {
    if (!loop) return;
    atomic_store(&loop->stop, true);
    rsdk__loop_wake(loop);
}

/* Milliseconds to the nearest armed timer (-1: none), at most `cap` when
 * cap >= 0. */
static int wait_ms(rsdk_loop *loop, int cap) {
    long long now = rsdk__now_ms(), best = -1;
    for (rsdk__watch *w = loop->watches; w; w = w->next) {
        if (w->timer_at < 0) continue;
        long long d = w->timer_at > now ? w->timer_at - now : 0;
        if (best < 0 || d < best) best = d;
    }
    if (best > INT_MAX) best = INT_MAX;
    if (cap >= 0 && (best < 0 || best > cap)) best = cap;
    return (int)best;
}

static void drain_wake(rsdk_loop *loop) {
    uint64_t n;
    ssize_t r = read(loop->wakefd, &n, sizeof n);
    (void)r;
}

/* Fires every due timer once. A timer re-armed by its callback for "now"
 * waits for the next turn, so a client cannot starve the loop. */
static void fire_timers(rsdk_loop *loop) {
    long long now = rsdk__now_ms();
    size_t n = 0;
    for (rsdk__watch *w = loop->watches; w; w = w->next)
        if (!w->dead && w->timer_at >= 0 && w->timer_at <= now) n++;
    if (n == 0) return;
    /* Collect first: a callback may add or clean up adapters. */
    rsdk__watch **list = rsdk__malloc(n * sizeof *list);
    if (!list) return; /* tried again next turn */
    size_t k = 0;
    for (rsdk__watch *w = loop->watches; w && k < n; w = w->next)
        if (!w->dead && w->timer_at >= 0 && w->timer_at <= now) list[k++] = w;
    for (size_t i = 0; i < k; i++) {
        rsdk__watch *due = list[i];
        if (due->dead || due->timer_at < 0 || due->timer_at > now) continue;
        due->timer_at = -1;
        due->fn(due->ud, 0);
    }
    rsdk__free(list);
}

rsdk_status rsdk_loop_run_once(rsdk_loop *loop, int timeout_ms) {
    if (!loop) return RSDK_ERR_INVALID_ARG;
    loop->dispatching = true;
    rsdk__loop_run_posts(loop);
    int wait = wait_ms(loop, timeout_ms);
    if (rsdk__loop_has_posts(loop) || atomic_load(&loop->stop)) wait = 0;
    struct epoll_event evs[MAX_EVENTS];
    int n = epoll_wait(loop->epfd, evs, MAX_EVENTS, wait);
    if (n < 0 && errno != EINTR) {
        loop->dispatching = false;
        rsdk__loop_reap(loop);
        return RSDK_ERR_IO;
    }
    for (int i = 0; i < n; i++) {
        rsdk__watch *w = evs[i].data.ptr;
        if (!w) {
            drain_wake(loop);
            continue;
        }
        if (w->dead) continue;
        int ready = 0;
        uint32_t e = evs[i].events;
        /* Errors and hang-ups surface in the client's next read or write. */
        if (e & (EPOLLIN | EPOLLERR | EPOLLHUP)) ready |= RSDK_LOOP_READ;
        if (e & (EPOLLOUT | EPOLLERR | EPOLLHUP)) ready |= RSDK_LOOP_WRITE;
        ready &= w->events ? w->events : ready;
        if (ready) w->fn(w->ud, ready);
    }
    fire_timers(loop);
    rsdk__loop_run_posts(loop);
    loop->dispatching = false;
    rsdk__loop_reap(loop);
    return RSDK_OK;
}

/* Something to wait for: a watched fd, an armed timer or a posted callback. */
static bool busy(rsdk_loop *loop) {
    if (loop->nwatched > 0 || rsdk__loop_has_posts(loop)) return true;
    for (rsdk__watch *w = loop->watches; w; w = w->next)
        if (!w->dead && w->timer_at >= 0) return true;
    return false;
}

rsdk_status rsdk_loop_run(rsdk_loop *loop) {
    if (!loop) return RSDK_ERR_INVALID_ARG;
    atomic_store(&loop->stop, false);
    while (!atomic_load(&loop->stop) && busy(loop)) {
        rsdk_status s = rsdk_loop_run_once(loop, -1);
        if (s) return s;
    }
    atomic_store(&loop->stop, false);
    return RSDK_OK;
}
