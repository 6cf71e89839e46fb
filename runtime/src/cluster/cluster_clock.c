/* The cluster's sleep between attempts, resumed when interrupted (its
 * clock is the runtime's, base/clock.h). */
#include <errno.h>
#include <time.h>

#include "cluster_types.h"

void rsdk__cluster_sleep_ms(uint32_t ms) {
    struct timespec ts = {(time_t)(ms / 1000), (long)(ms % 1000) * 1000000L};
    while (nanosleep(&ts, &ts) != 0 && errno == EINTR) {
    }
}
