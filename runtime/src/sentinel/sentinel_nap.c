/* A wait that close() can cut short: backoff between attempts and the
 * watch thread's pauses sleep on the handle's condition variable. */
#include <time.h>

#include "sentinel_types.h"

void rsdk__sentinel_nap(rsdk_sentinel *s, uint32_t ms) {
    struct timespec until;
    clock_gettime(CLOCK_REALTIME, &until);
    until.tv_sec += ms / 1000;
    until.tv_nsec += (long)(ms % 1000) * 1000000L;
    if (until.tv_nsec >= 1000000000L) {
        until.tv_sec++;
        until.tv_nsec -= 1000000000L;
    }
    pthread_mutex_lock(&s->mu);
    /* Woken early by any discovery too: the caller tries again sooner,
     * which is what a finished discovery is for. */
    if (!s->stop) pthread_cond_timedwait(&s->changed, &s->mu, &until);
    pthread_mutex_unlock(&s->mu);
}
