/* JSON.NUMINCRBY and JSON.NUMMULTBY with typed numbers: the server answers
 * the new value as JSON text ("3", "[3.5,null]"), or a RESP array of
 * numbers; both become rjson_numbers. */
#include <stdlib.h>

#include "json_text.h"
#include "rsdk/gen.h"

void rjson_numbers_deinit(rjson_numbers *n) {
    if (n == NULL) return;
    free(n->item);
    n->item = NULL;
    n->count = 0;
}

/* One JSON value as a number; anything else (null, a string) is nil. */
static rsdk_int_or_double from_json(const json_t *v) {
    rsdk_int_or_double x = {0, 0, false, true};
    if (json_is_integer(v)) {
        x.integer = json_integer_value(v);
        x.nil = false;
    } else if (json_is_real(v)) {
        x.dval = json_real_value(v);
        x.is_double = true;
        x.nil = false;
    }
    return x;
}

/* One RESP node as a number. */
static rsdk_int_or_double from_node(const rsdk_reply *n) {
    rsdk_int_or_double x = {0, 0, false, true};
    if (n->type == RSDK_REPLY_INTEGER) {
        x.integer = n->integer;
        x.nil = false;
    } else if (n->type == RSDK_REPLY_DOUBLE) {
        x.dval = n->dval;
        x.is_double = true;
        x.nil = false;
    }
    return x;
}

static rsdk_status alloc_items(rjson_numbers *o, size_t n, rsdk_error *err) {
    o->item = calloc(n ? n : 1, sizeof *o->item);
    o->count = n;
    if (o->item == NULL) return rsdk_error_set(err, RSDK_ERR_NOMEM, 0, "JSON.NUMINCRBY: out of memory");
    return RSDK_OK;
}

rsdk_status rjson_numbers_decode(rsdk_reply *r, rjson_numbers *out, rsdk_error *err) {
    rjson_numbers o = {NULL, 0, false};
    rsdk_status st = RSDK_OK;
    if (r == NULL) return rsdk_error_set(err, RSDK_ERR_INVALID_ARG, 0, "JSON.NUMINCRBY: NULL reply");
    if (r->type == RSDK_REPLY_ERROR) return rsdk_error_from_server(err, r->str, r->len);
    if (r->type == RSDK_REPLY_ARRAY) {
        o.multi = true;
        if ((st = alloc_items(&o, r->elements, err)) != RSDK_OK) return st;
        for (size_t i = 0; i < r->elements; i++) o.item[i] = from_node(&r->element[i]);
    } else if (r->type == RSDK_REPLY_INTEGER || r->type == RSDK_REPLY_DOUBLE) {
        if ((st = alloc_items(&o, 1, err)) != RSDK_OK) return st;
        o.item[0] = from_node(r);
    } else if (r->type == RSDK_REPLY_STRING || r->type == RSDK_REPLY_VERB) {
        json_t *v = NULL;
        if ((st = rjson__parse("JSON.NUMINCRBY", r, &v, err)) != RSDK_OK) return st;
        o.multi = json_is_array(v);
        st = alloc_items(&o, o.multi ? json_array_size(v) : 1, err);
        for (size_t i = 0; st == RSDK_OK && i < o.count; i++)
            o.item[i] = from_json(o.multi ? json_array_get(v, i) : v);
        json_decref(v);
        if (st != RSDK_OK) return st;
        if (!o.multi && o.item[0].nil) {
            rjson_numbers_deinit(&o);
            return rsdk_error_set(err, RSDK_ERR_UNEXPECTED_REPLY, 0, "JSON.NUMINCRBY: reply is no number");
        }
    } else {
        return rsdk_error_set(err, RSDK_ERR_UNEXPECTED_REPLY, 0,
                              "JSON.NUMINCRBY: unexpected reply type (expected JSON text or array)");
    }
    if (out != NULL)
        *out = o;
    else
        rjson_numbers_deinit(&o);
    return RSDK_OK;
}

typedef rsdk_status (*num_encoder)(rsdk_buf *, rsdk_str, rsdk_str, double, rsdk_error *);

static rsdk_status num_call(rsdk_client *c, num_encoder enc, rsdk_str key, rsdk_str path,
                            double value, rjson_numbers *out) {
    rsdk_gen_call k;
    rsdk_gen_call_init(&k, c);
    /* a non-finite value is refused by the encoder ("rsdk": {"finite"}) */
    rsdk_reply *r = NULL;
    rsdk_status st = rsdk_gen_call_run(&k, enc(&k.buf, key, path, value, &k.err), &r);
    if (st != RSDK_OK) return st;
    st = rjson_numbers_decode(r, out, &k.err);
    rsdk_reply_free(r);
    return st == RSDK_OK ? st : rsdk_client_set_error(c, &k.err);
}

rsdk_status(rjson_numincrby)(rsdk_client *c, rsdk_str key, rsdk_str path, double value, rjson_numbers *out) {
    return num_call(c, rjson_numincrby_str_encode, key, path, value, out);
}

rsdk_status(rjson_nummultby)(rsdk_client *c, rsdk_str key, rsdk_str path, double value, rjson_numbers *out) {
    return num_call(c, rjson_nummultby_str_encode, key, path, value, out);
}
