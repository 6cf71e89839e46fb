/* tests/support/shapes.h — shape tables (rsdk/reply_shape.h) shared by the
 * reply-shape tests. */
#ifndef RSDK_TESTS_SUPPORT_SHAPES_H
#define RSDK_TESTS_SUPPORT_SHAPES_H

#include "rsdk/reply_shape.h"

/* [[member, score], ...]: PAIRS of TUPLE(ANY, DOUBLE) (ZRANGE WITHSCORES). */
static const rsdk_shape RT_SCORE_PAIRS[] = {
    {RSDK_SHAPE_ANY, 0, 0, 0, NULL},
    {RSDK_SHAPE_PAIRS, 0, 0, 2, NULL},
    {RSDK_SHAPE_TUPLE, 2, 3, 0, NULL},
    {RSDK_SHAPE_ANY, 0, 0, 0, NULL},
    {RSDK_SHAPE_DOUBLE, 0, 0, 0, NULL},
};

#endif
