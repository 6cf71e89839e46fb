/* The monotonic clock and deadline arithmetic (clock.h). */
#include "clock.h"

#include <limits.h>
#include <time.h>

long long rsdk__now_ms(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

long long rsdk__deadline_after(long long now, long long timeout_ms) {
    return timeout_ms < 0 ? RSDK__NEVER : now + timeout_ms;
}

int rsdk__timeout_opt(int timeout_ms) { return timeout_ms > 0 ? timeout_ms : -1; }

int rsdk__ms_left(long long deadline) {
    if (deadline < 0) return -1;
    long long d = deadline - rsdk__now_ms();
    return d <= 0 ? 0 : d > INT_MAX ? INT_MAX : (int)d;
}
