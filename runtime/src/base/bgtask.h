/* bgtask.h — one blocking job at a time on a thread of its own (bgtask.c),
 * for code on an event loop that must not wait: the async cluster's and
 * the async sentinel's refreshes. Used from one thread (the loop's). */
#ifndef RSDK_SRC_BGTASK_H
#define RSDK_SRC_BGTASK_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>

typedef struct rsdk__bgtask {
    void (*fn)(void *arg);
    void *arg;
    pthread_t thread;     /* valid while `on` */
    bool on;
    atomic_bool done;     /* the running job has returned */
    long long started_ms; /* when the last job started */
} rsdk__bgtask;

/* An idle task running `fn(arg)` when started. */
void rsdk__bgtask_init(rsdk__bgtask *t, void (*fn)(void *arg), void *arg);

/* Starts the job on a new thread unless one is still running or one
 * started less than `min_gap_ms` ago. Never waits for a running job.
 * Without a thread (pthread_create failed) nothing runs: the caller's next
 * request tries again. */
void rsdk__bgtask_start(rsdk__bgtask *t, long long min_gap_ms);

/* Waits for a running job to end. The task may be started again. */
void rsdk__bgtask_join(rsdk__bgtask *t);

#endif
