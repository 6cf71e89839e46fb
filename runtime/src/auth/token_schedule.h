/* Internal: when the token manager refreshes a token (pure, for tests). */
#ifndef RSDK_SRC_TOKEN_SCHEDULE_H
#define RSDK_SRC_TOKEN_SCHEDULE_H

#include <stdint.h>

/* Delay after receipt at which a token living `lifetime_ms` is refreshed:
 * ratio * lifetime, but no later than `lead_ms` before expiry when the token
 * lives longer than the lead; never below 1 ms. */
int64_t rsdk__token_refresh_delay_ms(int64_t lifetime_ms, double ratio, uint32_t lead_ms);

#endif
