/* tests/resilience/fault_proxy.h — a TCP proxy with injectable faults, run
 * on a thread of the test process, between a client and a redis-server.
 *
 * It listens on 127.0.0.1 (a port the kernel picks) and forwards every
 * accepted connection to 127.0.0.1:<upstream port>. Its behaviour can be
 * switched at any time from the test thread; each switch has taken effect
 * when the call returns:
 *
 *   pass       forward bytes both ways as they come (the start mode);
 *   latency    forward every chunk `ms` milliseconds after it arrived;
 *   blackhole  keep accepting and reading, forward nothing (a stalled
 *              network: the client's timeouts are what end it);
 *   refuse     close the listening socket: new connects are refused, live
 *              connections keep their current forwarding;
 *   cut        (an action, not a mode) close every live connection at once.
 *
 * Test code only: plain malloc, one thread, poll(2). */
#ifndef RSDK_TESTS_FAULT_PROXY_H
#define RSDK_TESTS_FAULT_PROXY_H

#include <stddef.h>

typedef struct fault_proxy fault_proxy;

/* Starts a proxy to 127.0.0.1:upstream_port. 0 on success, -1 on failure
 * (errno kept). */
int fault_proxy_start(int upstream_port, fault_proxy **out);

/* The port clients connect to. */
int fault_proxy_port(const fault_proxy *p);

void fault_proxy_pass(fault_proxy *p);
void fault_proxy_latency(fault_proxy *p, int ms);
void fault_proxy_blackhole(fault_proxy *p);
void fault_proxy_refuse(fault_proxy *p);
void fault_proxy_cut(fault_proxy *p);

/* Connections accepted so far / open now. */
size_t fault_proxy_accepted(fault_proxy *p);
size_t fault_proxy_live(fault_proxy *p);

/* Stops the thread, closes everything, frees. Accepts NULL. */
void fault_proxy_stop(fault_proxy *p);

#endif
