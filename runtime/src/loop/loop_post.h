/* loop_post.h — the cross-thread queue of the built-in loop (loop_post.c). */
#ifndef RSDK_SRC_LOOP_POST_H
#define RSDK_SRC_LOOP_POST_H

#include <stdbool.h>

#include "loop_state.h"

/* Runs every callback posted before this call, in order. Returns true when
 * any ran. Loop thread only. */
bool rsdk__loop_run_posts(rsdk_loop *loop);

/* True when callbacks wait to run (any thread). */
bool rsdk__loop_has_posts(rsdk_loop *loop);

/* Wakes a loop waiting in epoll_wait (any thread). */
void rsdk__loop_wake(rsdk_loop *loop);

/* Refuses further posts and calls every queued callback with loop NULL so
 * it can free its data (rsdk_loop_free). */
void rsdk__loop_drop_posts(rsdk_loop *loop);

#endif
