/* JSON.GET and JSON.MGET as json_t: the generated calls fetch the JSON text,
 * Jansson parses it. */
#include <stdlib.h>

#include "json_text.h"
#include "rsdk/gen.h"

rsdk_status rjson__parse(const char *command, const rsdk_reply *n, json_t **out, rsdk_error *err) {
    json_error_t je;
    json_t *v = json_loadb(n->str ? n->str : "", n->len, JSON_DECODE_ANY | JSON_ALLOW_NUL, &je);
    if (v == NULL)
        return rsdk_error_set(err, RSDK_ERR_PROTOCOL, 0,
                              "%s: reply is not valid JSON at line %d, column %d (byte %d): %s", command,
                              je.line, je.column, je.position, je.text);
    *out = v;
    return RSDK_OK;
}

rsdk_status rjson_get_decode(rsdk_reply *r, json_t **out, rsdk_error *err) {
    rsdk_string s;
    rsdk_status st = rjson_get_str_decode(r, &s, err);
    if (st != RSDK_OK) return st;
    json_t *v = NULL;
    if (!s.nil && (st = rjson__parse("JSON.GET", r, &v, err)) != RSDK_OK) return st;
    if (out != NULL)
        *out = v;
    else
        json_decref(v);
    return RSDK_OK;
}

/* JSON.GET as a sync call, its reply parsed into json_t. */
static rsdk_status get_run(rsdk_client *c, rsdk_str key, const rjson_get_str_opts *opts, json_t **out) {
    rsdk_gen_call k;
    rsdk_gen_call_init(&k, c);
    rsdk_reply *r = NULL;
    rsdk_status st = rsdk_gen_call_run(&k, (rjson_get_str_encode)(&k.buf, key, opts, &k.err), &r);
    if (st != RSDK_OK) return st;
    st = rjson_get_decode(r, out, &k.err);
    rsdk_reply_free(r);
    return st == RSDK_OK ? st : rsdk_client_set_error(c, &k.err);
}

rsdk_status(rjson_get)(rsdk_client *c, rsdk_str key, rsdk_str path, json_t **out) {
    return (rjson_get_paths)(c, key, &path, path.ptr != NULL ? 1 : 0, out);
}

rsdk_status(rjson_get_paths)(rsdk_client *c, rsdk_str key, const rsdk_str *paths, size_t npaths,
                             json_t **out) {
    rjson_get_str_opts o = {0};
    o.path = paths;
    o.path_count = npaths;
    return get_run(c, key, &o, out);
}

rsdk_status rjson_mget_decode(rsdk_reply *r, json_t **out, size_t nkeys, rsdk_error *err) {
    rsdk_strings l;
    rsdk_status st = rjson_mget_str_decode(r, &l, err);
    if (st != RSDK_OK) return st;
    if (l.count != nkeys)
        return rsdk_error_set(err, RSDK_ERR_UNEXPECTED_REPLY, 0, "JSON.MGET: %zu values for %zu keys",
                              l.count, nkeys);
    for (size_t i = 0; i < nkeys; i++) out[i] = NULL;
    for (size_t i = 0; i < nkeys; i++) {
        if (l.item[i].type == RSDK_REPLY_NIL) continue;
        if ((st = rjson__parse("JSON.MGET", &l.item[i], &out[i], err)) != RSDK_OK) {
            for (size_t j = 0; j < i; j++) {
                json_decref(out[j]);
                out[j] = NULL;
            }
            return st;
        }
    }
    return RSDK_OK;
}

rsdk_status(rjson_mget)(rsdk_client *c, const rsdk_str *keys, size_t nkeys, rsdk_str path, json_t **out) {
    if (out == NULL && nkeys > 0) {
        rsdk_error e;
        rsdk_error_set(&e, RSDK_ERR_INVALID_ARG, 0, "JSON.MGET: out: NULL array");
        return rsdk_client_set_error(c, &e);
    }
    for (size_t i = 0; i < nkeys; i++) out[i] = NULL;
    rsdk_gen_call k;
    rsdk_gen_call_init(&k, c);
    rsdk_reply *r = NULL;
    rsdk_status st = rsdk_gen_call_run(&k, (rjson_mget_str_encode)(&k.buf, keys, nkeys, path, &k.err), &r);
    if (st != RSDK_OK) return st;
    st = rjson_mget_decode(r, out, nkeys, &k.err);
    rsdk_reply_free(r);
    return st == RSDK_OK ? st : rsdk_client_set_error(c, &k.err);
}
