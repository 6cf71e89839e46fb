/* clock.h — the monotonic clock every deadline is measured on. */
#ifndef RSDK_SRC_CLOCK_H
#define RSDK_SRC_CLOCK_H

/* Monotonic milliseconds, for deadlines. */
long long rsdk__now_ms(void);

#endif
