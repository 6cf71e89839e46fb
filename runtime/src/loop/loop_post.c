/* The built-in loop's cross-thread queue: rsdk_loop_post appends under a
 * mutex and wakes the loop through its eventfd; the loop thread takes the
 * whole queue at the start of a turn and runs it outside the lock. */
#include "loop_post.h"

#include <stdint.h>
#include <unistd.h>

#include "alloc.h"

void rsdk__loop_wake(rsdk_loop *loop) {
    uint64_t one = 1;
    /* A full counter (EAGAIN) already wakes the loop. */
    ssize_t r = write(loop->wakefd, &one, sizeof one);
    (void)r;
}

rsdk_status rsdk_loop_post(rsdk_loop *loop, rsdk_loop_post_fn fn, void *ud) {
    if (!loop || !fn) return RSDK_ERR_INVALID_ARG;
    rsdk__post *p = rsdk__malloc(sizeof *p);
    if (!p) return RSDK_ERR_NOMEM;
    p->fn = fn;
    p->ud = ud;
    p->next = NULL;
    pthread_mutex_lock(&loop->mu);
    if (loop->closing) {
        pthread_mutex_unlock(&loop->mu);
        rsdk__free(p);
        return RSDK_ERR_CLOSED;
    }
    bool was_empty = loop->post_head == NULL;
    if (loop->post_tail) loop->post_tail->next = p;
    else loop->post_head = p;
    loop->post_tail = p;
    pthread_mutex_unlock(&loop->mu);
    /* Only the post that made the queue non-empty needs to wake the loop:
     * later ones are taken in the same turn. */
    if (was_empty) rsdk__loop_wake(loop);
    return RSDK_OK;
}

static rsdk__post *take_all(rsdk_loop *loop) {
    pthread_mutex_lock(&loop->mu);
    rsdk__post *p = loop->post_head;
    loop->post_head = loop->post_tail = NULL;
    pthread_mutex_unlock(&loop->mu);
    return p;
}

bool rsdk__loop_has_posts(rsdk_loop *loop) {
    pthread_mutex_lock(&loop->mu);
    bool any = loop->post_head != NULL;
    pthread_mutex_unlock(&loop->mu);
    return any;
}

bool rsdk__loop_run_posts(rsdk_loop *loop) {
    rsdk__post *p = take_all(loop);
    bool ran = p != NULL;
    while (p) {
        rsdk__post *next = p->next;
        p->fn(loop, p->ud);
        rsdk__free(p);
        p = next;
    }
    return ran;
}

void rsdk__loop_drop_posts(rsdk_loop *loop) {
    pthread_mutex_lock(&loop->mu);
    loop->closing = true;
    pthread_mutex_unlock(&loop->mu);
    rsdk__post *p = take_all(loop);
    while (p) {
        rsdk__post *next = p->next;
        p->fn(NULL, p->ud);
        rsdk__free(p);
        p = next;
    }
}
