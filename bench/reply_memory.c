/* bench/reply_memory.c — what hostile reply shapes cost the reader: feeds
 * one shape to a reader with default limits in 16 KiB pieces, as a socket
 * would, and prints the verdict, the peak RSS of the process and the time.
 *
 *   bazel run -c opt //bench:reply_memory -- SHAPE
 *
 * SHAPE: line64m (a 64 MiB simple string line, no CRLF), ints1m (an array
 * of 1,000,000 small integers), nulls16m (an array of 16,000,000 nulls).
 * Run each shape in its own process: peak RSS is per process. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#include "rsdk/reader.h"

#define PIECE ((size_t)16 * 1024)

/* Produces the shape's bytes piece by piece into buf; returns 0 at the end. */
typedef size_t (*gen_fn)(char *buf, size_t cap, size_t *state);

static size_t repeat(char *buf, size_t cap, size_t *state, const char *head, const char *item, size_t count) {
    size_t n = 0, hl = strlen(head), il = strlen(item);
    if (*state == 0) {
        memcpy(buf, head, hl);
        n = hl;
    }
    while (*state < count && n + il <= cap) {
        memcpy(buf + n, item, il);
        n += il;
        (*state)++;
    }
    return n;
}

static size_t line64m(char *buf, size_t cap, size_t *state) {
    if (*state >= (size_t)64 << 20) return 0;
    memset(buf, 'x', cap);
    if (*state == 0) buf[0] = '+';
    *state += cap;
    return cap;
}
static size_t ints1m(char *buf, size_t cap, size_t *state) {
    return repeat(buf, cap, state, "*1000000\r\n", ":7\r\n", 1000000);
}
static size_t nulls16m(char *buf, size_t cap, size_t *state) {
    return repeat(buf, cap, state, "*16000000\r\n", "_\r\n", 16000000);
}

int main(int argc, char **argv) {
    static const struct {
        const char *name;
        gen_fn gen;
    } shapes[] = {{"line64m", line64m}, {"ints1m", ints1m}, {"nulls16m", nulls16m}};
    gen_fn gen = NULL;
    for (size_t i = 0; argc == 2 && i < sizeof shapes / sizeof shapes[0]; i++)
        if (strcmp(argv[1], shapes[i].name) == 0) gen = shapes[i].gen;
    if (!gen) {
        fprintf(stderr, "usage: reply_memory line64m|ints1m|nulls16m\n");
        return 2;
    }
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    rsdk_reader *r = NULL;
    if (rsdk_reader_new(NULL, &r) != RSDK_OK) {
        fprintf(stderr, "reply_memory: out of memory\n");
        return 1;
    }
    static char buf[PIECE];
    size_t state = 0, n, fed = 0;
    rsdk_reply *rep = NULL;
    rsdk_status s = RSDK_OK;
    while (s == RSDK_OK && !rep && (n = gen(buf, sizeof buf, &state)) > 0) {
        s = rsdk_reader_feed(r, buf, n);
        if (s == RSDK_OK) s = rsdk_reader_get(r, &rep);
        fed += n;
    }
    clock_gettime(CLOCK_MONOTONIC, &t1);
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    const char *verdict = rep ? "reply" : s == RSDK_OK ? "incomplete" : rsdk_reader_error(r)->message;
    printf("shape %s fed_bytes=%zu peak_rss_kib=%ld ms=%.1f verdict=\"%s\"\n", argv[1], fed, ru.ru_maxrss,
           (double)(t1.tv_sec - t0.tv_sec) * 1e3 + (double)(t1.tv_nsec - t0.tv_nsec) / 1e6, verdict);
    rsdk_reply_free(rep);
    rsdk_reader_free(r);
    return 0;
}
