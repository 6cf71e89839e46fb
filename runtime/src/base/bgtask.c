/* One blocking job at a time on a thread of its own. */
#include "bgtask.h"

#include "clock.h"

void rsdk__bgtask_init(rsdk__bgtask *t, void (*fn)(void *arg), void *arg) {
    t->fn = fn;
    t->arg = arg;
    t->on = false;
    atomic_init(&t->done, true);
    t->started_ms = 0;
}

static void *run(void *arg) {
    rsdk__bgtask *t = arg;
    t->fn(t->arg);
    atomic_store(&t->done, true);
    return NULL;
}

void rsdk__bgtask_start(rsdk__bgtask *t, long long min_gap_ms) {
    long long now = rsdk__now_ms();
    if (t->on && (now - t->started_ms < min_gap_ms || !atomic_load(&t->done))) return;
    rsdk__bgtask_join(t);
    atomic_store(&t->done, false);
    t->started_ms = now;
    t->on = pthread_create(&t->thread, NULL, run, t) == 0;
    if (!t->on) atomic_store(&t->done, true);
}

void rsdk__bgtask_join(rsdk__bgtask *t) {
    if (t->on) pthread_join(t->thread, NULL);
    t->on = false;
}
