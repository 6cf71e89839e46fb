/* The async client on the built-in loop: 1,000 INCRs issued at once leave
 * in one write and come back in order; a second thread submits through
 * rsdk_loop_post. Connects to $REDIS_URL (default redis://127.0.0.1:6379). */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>

#include "rsdk/rsdk.h"

#define N 1000

typedef struct demo {
    rsdk_loop *loop;
    rsdk_async *a;
    long expect;     /* the next INCR value */
    long in_order;
    long posted_done;
    int failures;
} demo;

static void on_incr(rsdk_async *a, rsdk_reply *r, const rsdk_error *err, void *ud) {
    (void)a;
    demo *d = ud;
    if (!r || r->type != RSDK_REPLY_INTEGER) {
        fprintf(stderr, "INCR failed: %s\n", err ? err->message : "unexpected reply");
        d->failures++;
        return;
    }
    if (r->integer == ++d->expect) d->in_order++;
}

static void on_posted_reply(rsdk_async *a, rsdk_reply *r, const rsdk_error *err, void *ud) {
    (void)a;
    demo *d = ud;
    if (!r) {
        fprintf(stderr, "posted PING failed: %s\n", err->message);
        d->failures++;
    }
    d->posted_done++;
}

/* Runs on the loop's thread: there the client may be used. */
static void posted(rsdk_loop *loop, void *ud) {
    demo *d = ud;
    if (loop) rsdk_async_command(d->a, on_posted_reply, d, "PING", NULL);
}

static void *other_thread(void *ud) {
    demo *d = ud;
    for (int i = 0; i < 10; i++) rsdk_loop_post(d->loop, posted, d);
    return NULL;
}

static void on_connect(rsdk_async *a, rsdk_status st, const rsdk_error *err, void *ud) {
    (void)ud;
    if (st) fprintf(stderr, "connect failed: %s\n", err->message);
    else printf("connected, RESP%d\n", rsdk_async_protocol(a));
}

int main(void) {
    const char *url = getenv("REDIS_URL");
    demo d = {0};
    rsdk_error err;
    if (rsdk_loop_new(&d.loop) != RSDK_OK) return 1;
    if (rsdk_async_new_url(url ? url : "redis://127.0.0.1:6379", &d.a, &err) != RSDK_OK) {
        fprintf(stderr, "%s\n", err.message);
        return 1;
    }
    rsdk_async_on_connect(d.a, on_connect, NULL);
    rsdk_async_command(d.a, NULL, NULL, "DEL", "demo:async", NULL);
    for (int i = 0; i < N; i++)
        if (rsdk_async_command(d.a, on_incr, &d, "INCR", "demo:async", NULL) != RSDK_OK) return 1;
    rsdk_async_attach_loop(d.a, d.loop);
    pthread_t th;
    pthread_create(&th, NULL, other_thread, &d);
    while ((d.in_order + d.failures < N || d.posted_done < 10) && d.failures == 0)
        rsdk_loop_run_once(d.loop, 100);
    pthread_join(th, NULL);
    printf("%ld of %d INCR replies in order, %ld PINGs posted from another thread\n", d.in_order, N,
           d.posted_done);
    rsdk_async_free(d.a);
    rsdk_loop_free(d.loop);
    return d.failures == 0 && d.in_order == N ? 0 : 1;
}
