/* loop_state.h — the built-in loop's state, shared by loop.c (turns),
 * loop_post.c (the cross-thread queue) and loop_adapter.c (the vtable an
 * async client drives). Declares no function of those files. */
#ifndef RSDK_SRC_LOOP_STATE_H
#define RSDK_SRC_LOOP_STATE_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>

#include "rsdk/loop.h"

/* One callback posted with rsdk_loop_post. */
typedef struct rsdk__post {
    rsdk_loop_post_fn fn;
    void *ud;
    struct rsdk__post *next;
} rsdk__post;

/* One adapter instance: one client's fd watch and timer. */
typedef struct rsdk__watch {
    rsdk_loop *loop;
    int fd;                 /* watched fd (-1: none) */
    int events;             /* RSDK_LOOP_* mask registered for fd */
    rsdk_loop_event_fn fn;
    void *ud;
    long long timer_at;     /* monotonic ms the timer fires at; -1: disarmed */
    bool dead;              /* cleaned up during a turn: freed at its end */
    struct rsdk__watch *prev, *next; /* the loop's list of adapters */
} rsdk__watch;

struct rsdk_loop {
    int epfd;
    int wakefd;                /* eventfd: rsdk_loop_post and stop wake the wait */
    atomic_bool stop;
    rsdk__watch *watches;      /* every live or dead adapter */
    int nwatched;              /* adapters with a registered fd */
    bool dispatching;          /* inside a turn: cleanup defers the free */

    pthread_mutex_t mu;        /* guards the post queue and `closing` */
    rsdk__post *post_head, *post_tail;
    bool closing;              /* rsdk_loop_free started: posts refused */
};

#endif
