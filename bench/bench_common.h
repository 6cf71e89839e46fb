/* bench_common.h — what the three benchmark drivers (rsdk, hiredis, raw-socket
 * floor) share: the workloads, their data, the expected reply sizes, argument
 * parsing and the timing/report format read by bench/run.sh.
 *
 * Kept free of rsdk and hiredis headers so the hiredis driver can be built
 * outside Bazel against Debian's hiredis. */
#ifndef RSDK_BENCH_COMMON_H
#define RSDK_BENCH_COMMON_H

#include <stddef.h>
#include <stdint.h>
#include <sys/time.h>
#include <time.h>

/* One key and one list, the same for every client. */
#define BENCH_GET_KEY "rsdk:bench:get"
#define BENCH_LIST_KEY "rsdk:bench:list"
#define BENCH_VALUE_LEN 63u   /* GET value and each list element */
#define BENCH_LIST_LEN 1000u  /* LRANGE 0 -1 returns this many elements */
#define BENCH_PIPELINE_BATCH 100u
#define BENCH_JSON_KEY "rsdk:bench:json"
#define BENCH_JSON_DOC_MAX 2048u /* room for bench_json_doc's text */

/* Wire size of one 63-byte blob reply: "$63\r\n" + 63 + "\r\n". */
#define BENCH_BLOB_REPLY_BYTES (5u + BENCH_VALUE_LEN + 2u)
/* "*1000\r\n" + 1000 blob replies. */
#define BENCH_LRANGE_REPLY_BYTES (7u + BENCH_LIST_LEN * BENCH_BLOB_REPLY_BYTES)

typedef enum bench_workload {
    BENCH_GET_SYNC,      /* one GET, wait for its reply, repeat */
    BENCH_GET_PIPELINE,  /* 100 GETs in one write, then 100 replies */
    BENCH_LRANGE,        /* LRANGE list 0 -1 (1000 elements), one at a time */
    BENCH_JSON_SET_GET,  /* JSON.SET of a 1 KiB document, then JSON.GET of it,
                          * each through the client's JSON values (needs a
                          * server with a JSON module) */
    BENCH_PIPE_SET,      /* 100 SETs of a 1 KiB value in one write, then 100 replies */
    /* Async workloads (bench_*_async.c, and the floor): `window` commands
     * in flight at all times, spread over `conns` connections; each reply
     * lets one more command go. */
    BENCH_ASYNC_GET,     /* async_get_w1000, async_get_w1000_c4 */
    BENCH_ASYNC_SET,     /* async_set_1k_w100: SET of a 1 KiB value */
    /* Scale workloads (rsdk and hiredis only, bench_*_scale.c): */
    BENCH_MEM,           /* open `ops` connections (RESP3), measure memory per idle one */
    BENCH_CONNECT,       /* `ops` sequential connect + handshake + close */
    BENCH_THREADS,       /* `threads` threads doing sync GETs, `ops` in all */
    BENCH_POOLOPS,       /* acquire + release on a pool of `pool` open connections */
} bench_workload;

/* The connect workloads PING the server on a second connection after every
 * this many connects: a client that connects and closes without a round
 * trip (RESP2) can otherwise outrun the server's accept loop and fill the
 * listen queue, where a Unix connect fails with EAGAIN. Same for both
 * clients; it adds a 1/32 of a round trip to each connect. */
#define BENCH_CONNECT_PACE 32u

/* Value size of pipe_set_1k and the key its SETs write. */
#define BENCH_SET_VALUE_LEN 1024u
#define BENCH_SET_KEY "rsdk:bench:set"

typedef struct bench_args {
    bench_workload workload;
    const char *workload_name;
    const char *socket_path;
    uint64_t ops;     /* measured operations (GETs, or LRANGE calls) */
    uint64_t warmup;  /* operations run before the clock starts */
    /* Scale workloads, from the name: connect_<unix|tcp>_resp<2|3>,
     * threads<T>_<client|pool|halfpool|pool<N>>, poolops<N>. */
    int tcp;          /* connect over TCP to 127.0.0.1:tcp_port */
    int tcp_port;     /* from $BENCH_TCP_PORT (bench/run.sh sets it) */
    int protocol;     /* 2 or 3 */
    int threads;      /* threads of a threads workload */
    int pool;         /* pool size (threads, poolops); 0 = a client per thread */
    unsigned window;  /* async workloads: commands in flight in all */
    unsigned conns;   /* async workloads: connections sharing them */
} bench_args;

/* Parses "<workload> <unix-socket> [ops]" (workloads: get_sync,
 * get_pipeline100, lrange1000, pipe_set_1k, async_get_w1000,
 * async_get_w1000_c4, async_set_1k_w100, mem, connect_*, threads*,
 * poolops*). Prints usage and returns -1 on
 * bad input. ops defaults per workload (100k, 1M, 1000); warm-up is a tenth,
 * rounded to whole pipeline batches. */
int bench_parse_args(int argc, char **argv, bench_args *out);

/* The 63 printable bytes stored under the GET key and as every list element. */
void bench_value(char out[BENCH_VALUE_LEN]);

/* The 1 KiB JSON document of the json_set_get workload as compact text
 * (integers and strings only, so every serialiser writes the same bytes
 * and the server answers them unchanged); returns its length. */
size_t bench_json_doc(char out[BENCH_JSON_DOC_MAX]);

/* Wall and process-CPU clocks taken together, plus getrusage's split of the
 * CPU time into user and system (tick-sampled, so only roughly right for
 * short runs; the precise total is `cpu`). */
typedef struct bench_clock {
    struct timespec wall;
    struct timespec cpu;
    struct timeval user;
    struct timeval sys;
    long csw; /* voluntary + involuntary context switches, all threads */
} bench_clock;

void bench_clock_now(bench_clock *c);

/* Prints the one result line run.sh parses:
 *   result workload=<name> ops=<n> wall_ns=<n> cpu_ns=<n> user_ns=<n> sys_ns=<n>
 * wall is CLOCK_MONOTONIC, cpu is CLOCK_PROCESS_CPUTIME_ID (this process
 * only), user and sys come from getrusage(RUSAGE_SELF). */
void bench_report(const bench_args *a, const bench_clock *start, const bench_clock *end);

/* bench_report with `extra` (" key=value ...", may be "") appended to the
 * result line, and csw=<context switches> always. */
void bench_report_extra(const bench_args *a, const bench_clock *start, const bench_clock *end,
                        const char *extra);

/* Resident set size (from /proc/self/statm) and bytes in use by malloc
 * (mallinfo2: arena + mmapped chunks) of this process. */
void bench_memory(uint64_t *rss_bytes, uint64_t *heap_bytes);

/* The 1 KiB value of pipe_set_1k. */
void bench_set_value(char out[BENCH_SET_VALUE_LEN]);

/* Runs a scale workload (mem, connect, threads, poolops) and prints its
 * result line: bench_rsdk_scale.c and bench_hiredis_scale.c each define it.
 * Returns the process exit status. */
int bench_scale_run(const bench_args *a);

/* Prints "bench: <what>" to stderr and exits 1: a wrong reply must never be
 * timed as a fast one. */
_Noreturn void bench_fail(const char *what);

#endif
