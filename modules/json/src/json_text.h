/* Parsing JSON text from replies (internal to modules/json). */
#ifndef RSDK_JSON_TEXT_H
#define RSDK_JSON_TEXT_H

#include "rsdk/json_value.h"

/* The JSON text of a string reply node as a json_t (new reference);
 * RSDK_ERR_PROTOCOL naming `command` and where parsing stopped when the
 * text is not JSON. */
rsdk_status rjson__parse(const char *command, const rsdk_reply *n, json_t **out, rsdk_error *err);

#endif
