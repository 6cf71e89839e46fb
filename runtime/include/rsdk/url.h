/* rsdk/url.h — connection URLs.
 *
 *   redis://[[user]:password@]host[:port][/db][?option=value&...]
 *   rediss://...            same, with TLS
 *   unix://[[user]:password@]/path/to/socket[?db=N&...]
 *
 * Hosts may be bracketed IPv6 literals ("[::1]"). User and password are
 * percent-decoded. Options: db, protocol (2|3), client_name, connect_timeout
 * and timeout (milliseconds). Parse errors are RSDK_ERR_URL with a message
 * that names the problem; the password never appears in a message.
 *
 * Details: the user info ends at the last '@' before '?' (for unix://, the
 * last "@/"), so ':', '@' and '/' may stand unencoded in a password, but
 * '?' must be sent as %3F (and '@' in option values as %40). "user@" alone
 * gives a user name and no password. The db option wins over a /db path.
 * For unix:// URLs, port is 0. */
#ifndef RSDK_URL_H
#define RSDK_URL_H

#include "rsdk/common.h"
#include "rsdk/error.h"

#ifdef __cplusplus
extern "C" {
#endif

/* A parsed URL. Strings are owned by the struct (NULL when absent). */
typedef struct rsdk_url {
    bool tls;               /* rediss:// */
    char *host;             /* NULL for unix:// */
    int port;               /* default 6379 */
    char *unix_path;        /* unix:// only */
    char *username;
    char *password;
    int db;                 /* default 0 */
    int protocol;           /* 0 = not given */
    char *client_name;
    int connect_timeout_ms; /* -1 = not given */
    int timeout_ms;         /* -1 = not given */
} rsdk_url;

/* Parses `text` into `out` (overwritten). On failure `out` holds nothing to
 * free (it is zeroed), and `err` (may be NULL) says why: RSDK_ERR_URL, or
 * RSDK_ERR_NOMEM. Thread-safe (no shared state). */
RSDK_API rsdk_status rsdk_url_parse(const char *text, rsdk_url *out, rsdk_error *err);

/* Frees the strings, wiping the password first. Accepts an all-zero struct. */
RSDK_API void rsdk_url_deinit(rsdk_url *u);

#ifdef __cplusplus
}
#endif
#endif
