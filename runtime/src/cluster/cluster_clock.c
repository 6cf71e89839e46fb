/* The cluster's clock: monotonic milliseconds and a sleep that resumes
 * when interrupted, for deadlines, backoff and refresh intervals. */
#include <errno.h>
#include <time.h>

#include "cluster_types.h"

long long rsdk__cluster_now_ms(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

void rsdk__cluster_sleep_ms(uint32_t ms) {
    struct timespec ts = {(time_t)(ms / 1000), (long)(ms % 1000) * 1000000L};
    while (nanosleep(&ts, &ts) != 0 && errno == EINTR) {
    }
}
