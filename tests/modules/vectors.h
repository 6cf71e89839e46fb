/* tests/modules/vectors.h — replies recorded from the module servers
 * (tests/data/<module>/<server>/resp<N>_<name>.bin, made by
 * tools/capture_module_replies.py), parsed for the decoder tests. */
#ifndef RSDK_TEST_MODULE_VECTORS_H
#define RSDK_TEST_MODULE_VECTORS_H

#include "rsdk/reply.h"

/* The one reply in tests/data/<dir>/resp<proto>_<name>.bin, parsed; the
 * caller frees it. Fails the test when the file is missing or holds
 * anything but exactly one reply. */
rsdk_reply *vec_load(const char *dir, int proto, const char *name);

#endif
