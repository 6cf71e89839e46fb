/* errno texts without strerror's shared buffer (syserr.h). */
#include "syserr.h"

#include <stdio.h>
#include <string.h>

const char *rsdk__strerror(int e, rsdk__errtext *buf) {
    /* The XSI strerror_r (this file is built without _GNU_SOURCE): 0 when
     * the text fits. */
    if (strerror_r(e, buf->text, sizeof buf->text) != 0)
        snprintf(buf->text, sizeof buf->text, "error %d", e);
    return buf->text;
}
