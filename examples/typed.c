/* typed — the generated core bindings: typed calls with option structs, a
 * pipeline of queue wrappers read back with typed decoders, and the two
 * kinds of failure (a server error such as WRONGTYPE, and a bad argument
 * refused before anything is sent).
 *
 *   REDIS_URL=redis://127.0.0.1:6379 ./typed
 *
 * Keys start with "rsdk:example:typed:" and are deleted at the end. */
#include <stdio.h>
#include <stdlib.h>

#include "rsdk/core.h"
#include "rsdk/rsdk.h"

#define K(name) "rsdk:example:typed:" name

static int fail(rsdk_client *c, const char *what, rsdk_status st) {
    fprintf(stderr, "%s: %s: %s\n", what, rsdk_status_name(st), c ? rsdk_client_error(c)->message : "");
    rsdk_client_close(c);
    return 1;
}

int main(void) {
    const char *url = getenv("REDIS_URL");
    if (!url || !*url) url = "redis://127.0.0.1:6379";
    rsdk_client *c = NULL;
    rsdk_error err;
    rsdk_status st = rsdk_client_open_url(url, &c, &err);
    if (st != RSDK_OK) {
        fprintf(stderr, "connect %s: %s: %s\n", url, rsdk_status_name(st), err.message);
        return 1;
    }
    printf("connected, RESP%d\n", rsdk_client_protocol(c));

    /* SET with options: only if absent, expire in 60 s. Options are a struct
     * passed by pointer; NULL means none. */
    rsdk_string reply;
    st = rcore_set(c, K("user"), "alice",
                   &(rcore_set_opts){.condition = {.kind = RCORE_SET_CONDITION_NX},
                                     .expiration = {.kind = RCORE_SET_EXPIRATION_SECONDS, .seconds = 60}},
                   &reply);
    if (st != RSDK_OK) return fail(c, "SET NX EX", st);
    printf("SET NX EX 60 -> %s\n", reply.nil ? "(nil: it existed)" : reply.ptr);
    rsdk_string_deinit(&reply);

    /* GET: SET's GET option returns the old value as the same rsdk_string */
    st = rcore_set(c, K("user"), "bob", &(rcore_set_opts){.get = true}, &reply);
    if (st != RSDK_OK) return fail(c, "SET GET", st);
    printf("SET GET -> old value %.*s\n", (int)reply.len, reply.ptr);
    rsdk_string_deinit(&reply);
    int64_t ttl = 0;
    if ((st = rcore_ttl(c, K("user"), &ttl)) != RSDK_OK) return fail(c, "TTL", st);
    printf("TTL after a plain SET -> %lld (SET without KEEPTTL drops it)\n", (long long)ttl);

    /* Multiple blocks are arrays of generated structs; results are typed. */
    rcore_zadd_data scores[] = {{3.5, RSDK_S("carol")}, {1, RSDK_S("dave")}, {2.25, RSDK_S("erin")}};
    rsdk_int_or_double added;
    if ((st = rcore_zadd(c, K("board"), scores, 3, NULL, &added)) != RSDK_OK) return fail(c, "ZADD", st);
    printf("ZADD -> %lld added\n", (long long)added.integer);
    rsdk_double_or_nil score;
    if ((st = rcore_zscore(c, K("board"), "erin", &score)) != RSDK_OK) return fail(c, "ZSCORE", st);
    printf("ZSCORE erin -> %g (a double on RESP2 and RESP3)\n", score.value);
    /* Members with scores are a view into the reply: the same on RESP2
     * (which sends them flat, scores as text) and RESP3. */
    rsdk_scored board;
    st = rcore_zrange(c, K("board"), "0", "-1", &(rcore_zrange_opts){.rev = true, .withscores = true}, &board);
    if (st != RSDK_OK) return fail(c, "ZRANGE REV WITHSCORES", st);
    printf("ZRANGE REV WITHSCORES ->");
    for (size_t i = 0; i < board.count; i++) {
        rsdk_scored_member m = rsdk_scored_at(&board, i);
        printf(" %.*s=%g", (int)m.member.len, m.member.ptr, m.score);
    }
    printf("\n");
    rsdk_scored_deinit(&board);

    /* Hashes: HGETALL is a MAP whatever the protocol. */
    rcore_hset_data fields[] = {{RSDK_S("name"), RSDK_S("alice")}, {RSDK_S("visits"), RSDK_S("1")}};
    if ((st = rcore_hset(c, K("profile"), fields, 2, NULL)) != RSDK_OK) return fail(c, "HSET", st);

    /* A pipeline: queue wrappers encode into it, one write sends all, and
     * each reply is read with the command's typed decoder. */
    rsdk_pipeline *p = NULL;
    if ((st = rsdk_pipeline_new(c, &p)) != RSDK_OK) return fail(c, "pipeline", st);
    st = rcore_hincrby_queue(p, K("profile"), "visits", 10, &err);
    if (st == RSDK_OK) st = rcore_hgetall_queue(p, K("profile"), &err);
    if (st == RSDK_OK) st = rcore_incrbyfloat_queue(p, K("ratio"), 0.5, &err);
    if (st == RSDK_OK) st = rcore_get_queue(p, K("missing"), &err);
    if (st != RSDK_OK) { /* a refused argument: err says which */
        fprintf(stderr, "queue: %s\n", err.message);
        rsdk_pipeline_free(p);
        rsdk_client_close(c);
        return 1;
    }
    if ((st = rsdk_pipeline_exec(p)) != RSDK_OK) {
        rsdk_pipeline_free(p);
        return fail(c, "pipeline exec", st);
    }
    int64_t visits = 0;
    rsdk_pairs profile; /* borrows from the pipeline's reply */
    double ratio = 0;
    rsdk_string missing;
    if (rcore_hincrby_decode(rsdk_pipeline_reply(p, 0), &visits, NULL) != RSDK_OK ||
        rcore_hgetall_decode(rsdk_pipeline_reply(p, 1), &profile, NULL) != RSDK_OK ||
        rcore_incrbyfloat_decode(rsdk_pipeline_reply(p, 2), &ratio, NULL) != RSDK_OK ||
        rcore_get_decode(rsdk_pipeline_reply(p, 3), &missing, NULL) != RSDK_OK) {
        rsdk_pipeline_free(p);
        return fail(c, "pipeline decode", RSDK_ERR_UNEXPECTED_REPLY);
    }
    printf("pipeline: HINCRBY -> %lld, HGETALL -> %zu fields, INCRBYFLOAT -> %g, GET missing -> %s\n",
           (long long)visits, profile.count, ratio, missing.nil ? "nil" : missing.ptr);
    for (size_t i = 0; i < profile.count; i++) {
        rsdk_pair f = rsdk_pairs_at(&profile, i);
        printf("  %.*s = %.*s\n", (int)f.key.len, f.key.ptr, (int)f.value.len, f.value.ptr);
    }
    rsdk_pipeline_free(p); /* the decoded values borrowed from it: done with them first */

    /* A server error: INCR on a hash. The status names the class, the
     * client keeps the server's text; the out-parameter is untouched. */
    int64_t n = -1;
    st = rcore_incr(c, K("profile"), &n);
    printf("INCR on a hash -> %s (%s): %s; result still %lld\n", rsdk_status_name(st),
           rsdk_errclass_str(rsdk_err_class(st)), rsdk_client_error(c)->message, (long long)n);
    if (st != RSDK_ERR_WRONGTYPE) return fail(c, "expected WRONGTYPE", st);

    /* A bad argument: caught before anything is written or sent, with the
     * argument named; the connection stays usable. */
    st = rcore_zadd(c, K("board"), (rcore_zadd_data[]){{1, rsdk_str_n(NULL, 5)}}, 1, NULL, &added);
    printf("ZADD with a NULL member -> %s: %s\n", rsdk_status_name(st), rsdk_client_error(c)->message);
    if (st != RSDK_ERR_INVALID_ARG) return fail(c, "expected INVALID_ARG", st);

    rsdk_str keys[] = {RSDK_S(K("user")), RSDK_S(K("board")), RSDK_S(K("profile")), RSDK_S(K("ratio"))};
    if ((st = rcore_del(c, keys, 4, &n)) != RSDK_OK) return fail(c, "DEL", st);
    printf("DEL -> %lld keys removed\n", (long long)n);
    rsdk_client_close(c);
    return 0;
}
