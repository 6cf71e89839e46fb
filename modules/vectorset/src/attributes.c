/* VGETATTR and VSETATTR with Jansson values. */
#include <stdlib.h>
#include <string.h>

#include "rsdk/vectorset_floats.h"

rsdk_status(rvset_getattr_json)(rsdk_client *c, rsdk_str key, rsdk_str element, json_t **out) {
    rsdk_string s;
    rsdk_status st = (rvset_getattr)(c, key, element, &s);
    if (st != RSDK_OK) return st;
    json_t *v = NULL;
    json_error_t je;
    bool bad = !s.nil && (v = json_loadb(s.ptr ? s.ptr : "", s.len, JSON_DECODE_ANY, &je)) == NULL;
    rsdk_string_deinit(&s); /* a nil string owns its reply too */
    if (bad) {
        rsdk_error e;
        rsdk_error_set(&e, RSDK_ERR_PROTOCOL, 0, "VGETATTR: reply is not valid JSON at line %d, column %d (byte %d): %s",
                       je.line, je.column, je.position, je.text);
        return rsdk_client_set_error(c, &e);
    }
    if (out != NULL)
        *out = v;
    else
        json_decref(v);
    return RSDK_OK;
}

rsdk_status(rvset_setattr_json)(rsdk_client *c, rsdk_str key, rsdk_str element, const json_t *attrs,
                                bool *set) {
    char *text = attrs != NULL ? json_dumps(attrs, JSON_COMPACT | JSON_ENCODE_ANY) : NULL;
    if (text == NULL) {
        rsdk_error e;
        rsdk_error_set(&e, RSDK_ERR_INVALID_ARG, 0, "VSETATTR: attrs: %s",
                       attrs == NULL ? "NULL json_t" : "cannot be serialised");
        return c != NULL ? rsdk_client_set_error(c, &e) : RSDK_ERR_INVALID_ARG;
    }
    rsdk_status st = (rvset_setattr)(c, key, element, rsdk_str_n(text, strlen(text)), set);
    free(text);
    return st;
}
