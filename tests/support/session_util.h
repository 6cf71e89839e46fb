/* Helpers for the session tests: clocks and an event recorder. */
#ifndef RSDK_TESTS_SESSION_UTIL_H
#define RSDK_TESTS_SESSION_UTIL_H

#include <pthread.h>

#include "rsdk/events.h"

/* Monotonic milliseconds. */
int64_t tu_mono_ms(void);
/* Wall-clock milliseconds since the epoch. */
int64_t tu_wall_ms(void);
void tu_sleep_ms(int64_t ms);

/* One recorded event: the copyable parts of an rsdk_event and when it came. */
typedef struct tu_record {
    rsdk_event ev;  /* pointers inside are NOT valid after the call */
    int64_t at_ms;  /* tu_mono_ms() on arrival */
} tu_record;

#define TU_MAX_RECORDS 4096

/* Thread-safe recorder usable as an rsdk_event_fn (pass the recorder as ud). */
typedef struct tu_recorder {
    pthread_mutex_t mu;
    pthread_cond_t cv;
    tu_record rec[TU_MAX_RECORDS];
    size_t n;
} tu_recorder;

void tu_recorder_init(tu_recorder *r);
void tu_recorder_deinit(tu_recorder *r);
void tu_recorder_fn(const rsdk_event *ev, void *ud);
/* Number of recorded events of `type`. */
size_t tu_recorder_count(tu_recorder *r, rsdk_event_type type);
/* Waits up to timeout_ms until `count` events of `type` were recorded.
 * Returns true when they were. */
bool tu_recorder_wait(tu_recorder *r, rsdk_event_type type, size_t count, int64_t timeout_ms);
/* Copies the records (up to max) into out; returns how many. */
size_t tu_recorder_snapshot(tu_recorder *r, tu_record *out, size_t max);

#endif
