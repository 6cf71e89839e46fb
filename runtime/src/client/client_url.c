/* Opening a client from a URL string: parse, map onto options, open. */
#include "client_state.h"

rsdk_status rsdk_client_open_url(const char *url, rsdk_client **out, rsdk_error *err) {
    if (!url || !out) return rsdk_error_set(err, RSDK_ERR_INVALID_ARG, 0, "NULL URL or result");
    rsdk_url u;
    rsdk_status s = rsdk_url_parse(url, &u, err);
    if (s) return s;
    rsdk_client_opts o;
    rsdk_client_opts_init(&o);
    rsdk_client_opts_from_url(&o, &u);
    s = rsdk_client_open(&o, out, err); /* copies every string it keeps */
    rsdk_url_deinit(&u);
    return s;
}
