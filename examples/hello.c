/* hello — the smallest rsdk program: connect, SET/GET, a pipeline, errors.
 *
 *   REDIS_URL=redis://127.0.0.1:6379 ./hello
 */
#include <stdio.h>
#include <stdlib.h>

#include "rsdk/rsdk.h"

static int fail(const char *what, rsdk_status st, const rsdk_error *e) {
    fprintf(stderr, "%s: %s (%s): %s\n", what, rsdk_status_name(st),
            rsdk_errclass_str(rsdk_err_class(st)), e ? e->message : "");
    return 1;
}

int main(void) {
    const char *url = getenv("REDIS_URL");
    if (!url || !*url) url = "redis://127.0.0.1:6379";

    rsdk_client *c = NULL;
    rsdk_error err;
    rsdk_status st = rsdk_client_open_url(url, &c, &err);
    if (st) return fail("connect", st, &err);
    printf("connected, RESP%d\n", rsdk_client_protocol(c));

    rsdk_reply *r = NULL;
    st = rsdk_client_command(c, &r, "SET", "greeting", "hello from rsdk", NULL);
    if (st) return fail("SET", st, rsdk_client_error(c));
    rsdk_reply_free(r);

    st = rsdk_client_command(c, &r, "GET", "greeting", NULL);
    if (st) return fail("GET", st, rsdk_client_error(c));
    printf("GET greeting -> %s\n", r->str);
    rsdk_reply_free(r);

    /* Three commands, one write, three replies. */
    rsdk_pipeline *p = NULL;
    if ((st = rsdk_pipeline_new(c, &p)) != RSDK_OK) return fail("pipeline", st, NULL);
    const char *incr[] = {"INCR", "counter"};
    for (int i = 0; i < 3; i++) rsdk_pipeline_append_argv(p, 2, incr, NULL);
    st = rsdk_pipeline_exec(p);
    if (st) return fail("pipeline", st, rsdk_client_error(c));
    for (size_t i = 0; i < rsdk_pipeline_reply_count(p); i++)
        printf("INCR counter -> %lld\n", (long long)rsdk_pipeline_reply(p, i)->integer);
    rsdk_pipeline_free(p);

    /* A server error comes back as a typed code with the server's text. */
    st = rsdk_client_command(c, &r, "LPUSH", "greeting", "x", NULL);
    printf("LPUSH on a string -> %s (class %s): %s\n", rsdk_status_name(st),
           rsdk_errclass_str(rsdk_err_class(st)), rsdk_client_error(c)->message);

    rsdk_client_command(c, &r, "DEL", "greeting", "counter", NULL);
    rsdk_reply_free(r);
    rsdk_client_close(c);
    return 0;
}
