/* Typed results of generated calls (rsdk/typed.h). */
#include "rsdk/typed.h"

void rsdk_string_deinit(rsdk_string *s) {
    if (s == NULL) return;
    rsdk_reply_free(s->owner);
    s->ptr = NULL;
    s->len = 0;
    s->nil = true;
    s->owner = NULL;
}
