/* Typed results (rsdk/typed.h): releasing what a sync call handed over. */
#include "rsdk/typed.h"

#include <string.h>

void rsdk_string_deinit(rsdk_string *s) {
    if (s == NULL) return;
    rsdk_reply_free(s->owner);
    s->ptr = NULL;
    s->len = 0;
    s->nil = true;
    s->owner = NULL;
}

/* Every view starts with reply, owner, item, count; emptying one frees its
 * owner and zeroes the rest. */
#define VIEW_DEINIT(T)                   \
    void T##_deinit(T *v) {              \
        if (v == NULL) return;           \
        rsdk_reply_free(v->owner);       \
        memset(v, 0, sizeof *v);         \
    }

VIEW_DEINIT(rsdk_strings)
VIEW_DEINIT(rsdk_pairs)
VIEW_DEINIT(rsdk_scored)
VIEW_DEINIT(rsdk_ints)
VIEW_DEINIT(rsdk_doubles)
VIEW_DEINIT(rsdk_bools)
VIEW_DEINIT(rsdk_scan_page)
VIEW_DEINIT(rsdk_stream_entries)
VIEW_DEINIT(rsdk_streams)
VIEW_DEINIT(rsdk_geo)
VIEW_DEINIT(rsdk_pending)
