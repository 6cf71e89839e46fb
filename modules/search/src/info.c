/* FT.INFO as rsearch_index_info. */
#include <math.h>
#include <stddef.h>
#include <string.h>

#include "internal.h"
#include "rsdk/reply_shape.h"
#include "rsdk/search_info.h"
#include "runtime/src/base/alloc.h"

static double num(const rsdk_reply *m, const char *key) {
    double d = NAN;
    const rsdk_reply *n = rsearch__get(m, key);
    if (n != NULL) rsdk_reply_number(n, &d);
    return d;
}

static int64_t integer(const rsdk_reply *m, const char *key) {
    double d = num(m, key);
    return isfinite(d) ? (int64_t)d : 0;
}

static rsdk_str text(const rsdk_reply *m, const char *key) {
    const rsdk_reply *n = rsearch__get(m, key);
    return n != NULL && rsearch__is_text(n) ? rsearch__str(n) : rsdk_str_n("", 0);
}

rsdk_status rsearch_index_info_read(const rsdk_reply *r, rsearch_index_info *out, rsdk_error *err) {
    rsdk_status s = rsearch__check_reply(r, "FT.INFO", err);
    if (s != RSDK_OK) return s;
    if (out == NULL) return rsdk_error_set(err, RSDK_ERR_INVALID_ARG, 0, "FT.INFO: out: NULL");
    const rsdk_reply *name = rsearch__get(r, "index_name");
    if (name == NULL || !rsearch__is_text(name))
        return rsearch__unexpected(err, "FT.INFO", "a %s without index_name", rsdk_reply_type_str(r->type));
    rsearch_index_info o;
    memset(&o, 0, sizeof o);
    o.reply = r;
    o.index_name = rsearch__str(name);
    o.definition = rsearch__get(r, "index_definition");
    o.key_type = text(o.definition, "key_type");
    const rsdk_reply *pre = rsearch__get(o.definition, "prefixes");
    if (pre != NULL && (pre->type == RSDK_REPLY_ARRAY || pre->type == RSDK_REPLY_SET)) {
        o.prefixes.reply = pre;
        o.prefixes.item = pre->element;
        o.prefixes.count = pre->elements;
    }
    const rsdk_reply *attrs = rsearch__get(r, "attributes");
    size_t na = attrs != NULL && attrs->type == RSDK_REPLY_ARRAY ? attrs->elements : 0;
    o.attributes = rsdk__calloc(na ? na : 1, sizeof *o.attributes);
    if (o.attributes == NULL) return rsdk_error_set(err, RSDK_ERR_NOMEM, 0, NULL);
    o.attribute_count = na;
    for (size_t i = 0; i < na; i++) {
        const rsdk_reply *a = &attrs->element[i];
        /* RESP2 records are flat lists whose flags (SORTABLE, NOSTEM) stand
         * alone, so the lookup reads key/value pairs from the start only
         * as far as the named fields go: identifier, attribute, type lead. */
        o.attributes[i] = (rsearch_info_attribute){text(a, "identifier"), text(a, "attribute"),
                                                   text(a, "type"), a};
    }
    o.num_docs = integer(r, "num_docs");
    o.max_doc_id = integer(r, "max_doc_id");
    o.num_terms = integer(r, "num_terms");
    o.num_records = integer(r, "num_records");
    o.hash_indexing_failures = integer(r, "hash_indexing_failures");
    o.number_of_uses = integer(r, "number_of_uses");
    o.indexing = integer(r, "indexing") != 0;
    o.cleaning = integer(r, "cleaning") != 0;
    o.percent_indexed = num(r, "percent_indexed");
    o.total_indexing_time = num(r, "total_indexing_time");
    o.inverted_sz_mb = num(r, "inverted_sz_mb");
    o.vector_index_sz_mb = num(r, "vector_index_sz_mb");
    o.gc_average_cycle_time_ms = num(rsearch__get(r, "gc_stats"), "average_cycle_time_ms");
    *out = o;
    return RSDK_OK;
}

void rsearch_index_info_deinit(rsearch_index_info *info) {
    if (info == NULL) return;
    rsdk__free(info->attributes);
    rsdk_reply_free(info->owner);
    memset(info, 0, sizeof *info);
}

static rsdk_status read_info(const rsdk_reply *r, const void *ctx, void *out, rsdk_error *err) {
    (void)ctx;
    return rsearch_index_info_read(r, out, err);
}
rsdk_status rsearch_ft_info(const rsearch_ft *ft, rsdk_str index, rsearch_index_info *out) {
    rsdk_status chk = rsearch__check_target(ft, index, "FT.INFO", "index");
    if (chk != RSDK_OK) return chk;
    rsdk_gen_call k;
    rsdk_gen_call_init(&k, ft->c);
    rsdk_status s = rsearch_info_encode(&k.buf, index, &k.err);
    return rsearch__call(&k, s, read_info, NULL, out, offsetof(rsearch_index_info, owner));
}
