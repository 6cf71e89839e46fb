/* clock.h — the monotonic clock every deadline is measured on, and the
 * arithmetic from a timeout to a deadline and back, done here alone.
 *
 * Two conventions meet here (docs/connections.md, "Which timeout bounds
 * what"): a wait argument (rsdk_pubsub_next's timeout, acquire_timeout_ms)
 * says 0 for "do not wait" and a negative value for "wait for ever"; an
 * option's timeout (connect_timeout_ms, command_timeout_ms,
 * reply_timeout_ms) says 0 (or less) for "off". rsdk__timeout_opt turns
 * the second into the first. */
#ifndef RSDK_SRC_CLOCK_H
#define RSDK_SRC_CLOCK_H

/* A deadline that never comes: the wait has no limit. */
#define RSDK__NEVER (-1LL)

/* Monotonic milliseconds, for deadlines. */
long long rsdk__now_ms(void);

/* The deadline of a wait of `timeout_ms` starting at `now` (monotonic ms):
 * now + timeout_ms, or RSDK__NEVER for a negative timeout. */
long long rsdk__deadline_after(long long now, long long timeout_ms);

/* An option's timeout as a wait argument: itself when positive, -1 (no
 * limit) when it is 0 or negative (the option is off). */
int rsdk__timeout_opt(int timeout_ms);

/* Milliseconds left before `deadline`: -1 for RSDK__NEVER, else 0 (passed)
 * up to INT_MAX — what poll(2) and the waits below it take. */
int rsdk__ms_left(long long deadline);

#endif
