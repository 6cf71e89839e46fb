/* libFuzzer target for the URL parser: any input either parses into sane
 * fields or fails with an RSDK_ERR_URL message, and a password that was
 * recognised never shows in that message. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rsdk/url.h"

static void check(int ok, const char *what) {
    if (!ok) {
        fprintf(stderr, "fuzz_url: %s\n", what);
        abort();
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    char *text = malloc(size + 1);
    if (!text) return 0;
    memcpy(text, data, size);
    text[size] = '\0';

    rsdk_url u;
    rsdk_error e;
    rsdk_error_clear(&e);
    rsdk_status s = rsdk_url_parse(text, &u, &e);
    if (s == RSDK_OK) {
        check((u.host != NULL) != (u.unix_path != NULL), "exactly one of host and unix_path");
        if (u.host) check(u.port >= 1 && u.port <= 65535 && u.host[0], "bad host or port");
        if (u.unix_path) check(u.unix_path[0] == '/', "relative unix path");
        check(u.db >= 0, "negative db");
        check(u.protocol == 0 || u.protocol == 2 || u.protocol == 3, "bad protocol");
        check(u.connect_timeout_ms >= -1 && u.timeout_ms >= -1, "bad timeout");
        if (u.client_name) check(u.client_name[0] != '\0', "empty client name");
        /* Parsing the same text again gives the same password. */
        rsdk_url again;
        check(rsdk_url_parse(text, &again, NULL) == RSDK_OK, "second parse failed");
        check((u.password == NULL) == (again.password == NULL), "unstable password");
        if (u.password) check(strcmp(u.password, again.password) == 0, "unstable password");
        rsdk_url_deinit(&again);
        rsdk_url_deinit(&u);
    } else {
        check(s == RSDK_ERR_URL || s == RSDK_ERR_NOMEM, "unexpected status");
        check(e.code == s, "error record disagrees");
        if (s == RSDK_ERR_URL) check(strncmp(e.message, "url: ", 5) == 0, "message without prefix");
        check(u.host == NULL && u.password == NULL && u.username == NULL, "failed parse left strings");
        rsdk_url_deinit(&u);
        /* If the text is a valid URL with a different host part, the same
         * user info gives a password: it must not be in this message. */
        const char *sep = strstr(text, "://");
        const char *at = sep ? strrchr(sep, '@') : NULL;
        const char *q = sep ? strchr(sep, '?') : NULL;
        if (at && (!q || at < q)) {
            const char *colon = memchr(sep + 3, ':', (size_t)(at - sep - 3));
            if (colon && at - colon - 1 >= 8) {
                size_t pl = (size_t)(at - colon - 1);
                for (const char *m = e.message; *m; m++)
                    check(strncmp(m, colon + 1, pl) != 0, "password in message");
            }
        }
    }
    free(text);
    return 0;
}
