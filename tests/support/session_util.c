#include "support/session_util.h"

#include <errno.h>
#include <string.h>
#include <time.h>

int64_t tu_mono_ms(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int64_t tu_wall_ms(void) {
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

void tu_sleep_ms(int64_t ms) {
    struct timespec ts = {(time_t)(ms / 1000), (long)(ms % 1000) * 1000000L};
    while (nanosleep(&ts, &ts) != 0 && errno == EINTR) {
    }
}

void tu_recorder_init(tu_recorder *r) {
    memset(r, 0, sizeof *r);
    pthread_mutex_init(&r->mu, NULL);
    pthread_cond_init(&r->cv, NULL);
}

void tu_recorder_deinit(tu_recorder *r) {
    pthread_cond_destroy(&r->cv);
    pthread_mutex_destroy(&r->mu);
}

void tu_recorder_fn(const rsdk_event *ev, void *ud) {
    tu_recorder *r = ud;
    pthread_mutex_lock(&r->mu);
    if (r->n < TU_MAX_RECORDS) {
        r->rec[r->n].ev = *ev;
        r->rec[r->n].at_ms = tu_mono_ms();
        r->n++;
    }
    pthread_cond_broadcast(&r->cv);
    pthread_mutex_unlock(&r->mu);
}

static size_t count_locked(const tu_recorder *r, rsdk_event_type type) {
    size_t c = 0;
    for (size_t i = 0; i < r->n; i++)
        if (r->rec[i].ev.type == type) c++;
    return c;
}

size_t tu_recorder_count(tu_recorder *r, rsdk_event_type type) {
    pthread_mutex_lock(&r->mu);
    size_t c = count_locked(r, type);
    pthread_mutex_unlock(&r->mu);
    return c;
}

bool tu_recorder_wait(tu_recorder *r, rsdk_event_type type, size_t count, int64_t timeout_ms) {
    struct timespec dl;
    clock_gettime(CLOCK_REALTIME, &dl);
    dl.tv_sec += (time_t)(timeout_ms / 1000);
    dl.tv_nsec += (long)(timeout_ms % 1000) * 1000000L;
    if (dl.tv_nsec >= 1000000000L) {
        dl.tv_sec++;
        dl.tv_nsec -= 1000000000L;
    }
    pthread_mutex_lock(&r->mu);
    bool ok;
    while (!(ok = count_locked(r, type) >= count)) {
        if (pthread_cond_timedwait(&r->cv, &r->mu, &dl) == ETIMEDOUT) {
            ok = count_locked(r, type) >= count;
            break;
        }
    }
    pthread_mutex_unlock(&r->mu);
    return ok;
}

size_t tu_recorder_snapshot(tu_recorder *r, tu_record *out, size_t max) {
    pthread_mutex_lock(&r->mu);
    size_t n = r->n < max ? r->n : max;
    memcpy(out, r->rec, n * sizeof *out);
    pthread_mutex_unlock(&r->mu);
    return n;
}
