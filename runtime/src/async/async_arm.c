/* The async client's one fd watch and one timer on its loop. */
#include "async_arm.h"

#include "async_ring.h"
#include "clock.h"

bool rsdk__async_unsent(const rsdk_async *a) {
    return a->osent < a->out.len || a->need_compact;
}

static int wanted_events(const rsdk_async *a) {
    if (!a->conn) return 0;
    switch (a->state) {
    case RSDK__A_CONNECTING:
        return RSDK_LOOP_WRITE;
    case RSDK__A_TLS:
        return a->tls_wants_write ? RSDK_LOOP_WRITE : RSDK_LOOP_READ;
    case RSDK__A_HELLO:
        return RSDK_LOOP_READ | (a->hs_sent < a->hs.len ? RSDK_LOOP_WRITE : 0);
    case RSDK__A_READY:
        return RSDK_LOOP_READ | (a->osent < a->out.len ? RSDK_LOOP_WRITE : 0);
    default:
        return 0;
    }
}

static void watch(rsdk_async *a, int fd, int mask) {
    if (fd == a->watched_fd && mask == a->watched_mask) return;
    if (a->ops->watch(a->adapter, fd, mask, a->event_fn, a) != 0)
        rsdk_error_set(&a->err, RSDK_ERR_IO, 0, "the loop cannot watch the connection");
    a->watched_fd = fd;
    a->watched_mask = mask;
}

void rsdk__async_unwatch(rsdk_async *a) {
    if (a->ops) watch(a, -1, 0);
}

static long long earliest(long long x, long long y) {
    if (x <= 0) return y;
    if (y <= 0) return x;
    return x < y ? x : y;
}

void rsdk__async_arm(rsdk_async *a) {
    if (!a->ops) return;
    watch(a, a->conn ? a->conn->fd : -1, wanted_events(a));
    long long t = rsdk__aring_next_deadline(a);
    switch (a->state) {
    case RSDK__A_CONNECTING:
    case RSDK__A_TLS:
    case RSDK__A_HELLO:
        t = earliest(t, a->conn_deadline);
        break;
    case RSDK__A_WAITING:
        t = earliest(t, a->reconnect_at);
        break;
    default:
        break;
    }
    if (t <= 0) t = -1;
    if (t == a->timer_at) return;
    a->timer_at = t;
    long long ms = -1;
    if (t > 0) {
        ms = t - rsdk__now_ms();
        if (ms < 0) ms = 0;
    }
    (void)a->ops->timer(a->adapter, ms);
}
