/* Commands for more than one node: keyless ones the tips send to every
 * primary (REQUEST_POLICY:ALL_SHARDS) or every node (ALL_NODES), and
 * multi-key ones split per slot (MULTI_SHARD). The parts' replies are put
 * together as the RESPONSE_POLICY tip says (docs/cluster.md). */
#include <stdio.h>

#include "alloc.h"
#include "cluster_types.h"
#include "rsdk/writer.h"

/* Hands over parts[i] as the result. */
static rsdk_reply *take(rsdk_reply **parts, size_t i) {
    rsdk_reply *r = parts[i];
    parts[i] = NULL;
    return r;
}

static bool all_ints(rsdk_reply **parts, size_t n) {
    for (size_t i = 0; i < n; i++)
        if (parts[i]->type != RSDK_REPLY_INTEGER && parts[i]->type != RSDK_REPLY_BOOL) return false;
    return true;
}

static bool all_lists(rsdk_reply **parts, size_t n) {
    for (size_t i = 0; i < n; i++)
        if (parts[i]->type != RSDK_REPLY_ARRAY && parts[i]->type != RSDK_REPLY_SET) return false;
    return true;
}

static void put_int(rsdk_buf *b, int64_t v) {
    char num[24];
    size_t k = rsdk_format_int(num, v);
    rsdk_buf_append(b, ":", 1);
    rsdk_buf_append(b, num, k);
    rsdk_buf_append(b, "\r\n", 2);
}

static void put_header(rsdk_buf *b, char type, size_t n) {
    char num[24];
    size_t k = rsdk_format_int(num, (int64_t)n);
    rsdk_buf_append(b, &type, 1);
    rsdk_buf_append(b, num, k);
    rsdk_buf_append(b, "\r\n", 2);
}

static int64_t combine(rsdk__cresp pol, int64_t a, int64_t b) {
    switch (pol) {
    case RSDK__RESP_AGG_SUM: return a + b;
    case RSDK__RESP_AGG_MIN: return a < b ? a : b;
    case RSDK__RESP_AGG_MAX: return a > b ? a : b;
    case RSDK__RESP_AGG_AND: return a && b;
    case RSDK__RESP_AGG_OR: return a || b;
    default: return a;
    }
}

/* Element-wise AND/OR of integer arrays of one length (SCRIPT EXISTS). */
static bool combine_lists(rsdk__cresp pol, rsdk_reply **parts, size_t n, rsdk_buf *b) {
    size_t len = parts[0]->elements;
    for (size_t i = 0; i < n; i++) {
        if (parts[i]->type != RSDK_REPLY_ARRAY || parts[i]->elements != len) return false;
        for (size_t j = 0; j < len; j++)
            if (parts[i]->element[j].type != RSDK_REPLY_INTEGER) return false;
    }
    put_header(b, '*', len);
    for (size_t j = 0; j < len; j++) {
        int64_t v = parts[0]->element[j].integer;
        for (size_t i = 1; i < n; i++) v = combine(pol, v, parts[i]->element[j].integer);
        put_int(b, v);
    }
    return true;
}

rsdk_status rsdk__cluster_aggregate(rsdk__cresp pol, rsdk_reply **parts, size_t n, char **names,
                             rsdk_reply **out) {
    if (pol == RSDK__RESP_ONE_SUCCEEDED) {
        for (size_t i = 0; i < n; i++)
            if (parts[i]->type != RSDK_REPLY_ERROR) return *out = take(parts, i), RSDK_OK;
        return *out = take(parts, 0), RSDK_OK;
    }
    for (size_t i = 0; i < n; i++)
        if (parts[i]->type == RSDK_REPLY_ERROR) return *out = take(parts, i), RSDK_OK;
    rsdk_buf b;
    rsdk_buf_init(&b);
    switch (pol) {
    case RSDK__RESP_AGG_SUM:
    case RSDK__RESP_AGG_MIN:
    case RSDK__RESP_AGG_MAX:
    case RSDK__RESP_AGG_AND:
    case RSDK__RESP_AGG_OR:
        if (all_ints(parts, n)) {
            int64_t v = parts[0]->integer;
            for (size_t i = 1; i < n; i++) v = combine(pol, v, parts[i]->integer);
            put_int(&b, v);
        } else if (!combine_lists(pol, parts, n, &b)) {
            return *out = take(parts, 0), RSDK_OK;
        }
        break;
    case RSDK__RESP_SPECIAL:
        put_header(&b, '%', n);
        for (size_t i = 0; i < n; i++) {
            put_header(&b, '$', strlen(names[i]));
            rsdk_buf_append(&b, names[i], strlen(names[i]));
            rsdk_buf_append(&b, "\r\n", 2);
            rsdk__reply_write(&b, parts[i]);
        }
        break;
    default:
        /* No policy: lists are concatenated (KEYS), anything else must have
         * succeeded everywhere and the first answer stands (FLUSHALL). */
        if (pol != RSDK__RESP_DEFAULT || !all_lists(parts, n))
            return *out = take(parts, 0), RSDK_OK;
        size_t total = 0;
        for (size_t i = 0; i < n; i++) total += parts[i]->elements;
        put_header(&b, '*', total);
        for (size_t i = 0; i < n; i++)
            for (size_t j = 0; j < parts[i]->elements; j++)
                rsdk__reply_write(&b, &parts[i]->element[j]);
        break;
    }
    rsdk_status s = rsdk__reply_from_bytes(&b, out);
    rsdk_buf_deinit(&b);
    return s;
}

static void free_parts(rsdk_reply **parts, char **names, size_t n) {
    for (size_t i = 0; i < n; i++) {
        rsdk_reply_free(parts[i]);
        if (names) rsdk__free(names[i]);
    }
    rsdk__free(parts);
    rsdk__free(names);
}

/* Every primary (or node), one after another. A node that cannot be
 * reached fails the command: the tips ask for every one of them. */
static rsdk_status to_all(rsdk_cluster *cl, const rsdk__ccmd *cmd, const rsdk__croute *rt,
                          rsdk_reply **out, rsdk_error *err) {
    rsdk__cnode **t;
    size_t n;
    if (rsdk__cluster_targets(cl, rt->kind == RSDK__ROUTE_NODES, &t, &n))
        return rsdk_error_set(err, RSDK_ERR_NOMEM, 0, "no memory for a fan-out");
    if (n == 0) {
        rsdk__free(t);
        return rsdk_error_set(err, RSDK_ERR_CLUSTERDOWN, 0, "no primary known");
    }
    rsdk_reply **parts = rsdk__calloc(n, sizeof *parts);
    char **names = rsdk__calloc(n, sizeof *names);
    rsdk_status s = parts && names ? RSDK_OK : RSDK_ERR_NOMEM;
    for (size_t i = 0; s == RSDK_OK && i < n; i++) {
        char name[300];
        snprintf(name, sizeof name, "%s:%d", t[i]->host, t[i]->port);
        names[i] = rsdk__strdup(name);
        if (names[i] == NULL) s = RSDK_ERR_NOMEM;
        else s = rsdk__cluster_send(cl, t[i], cmd->data, cmd->len, 1, &parts[i], err);
        if (s == RSDK_OK && parts[i] == NULL) s = RSDK_ERR_PROTOCOL;
    }
    if (s == RSDK_OK) s = rsdk__cluster_aggregate(rt->resp, parts, n, names, out);
    if (s == RSDK_ERR_NOMEM) rsdk_error_set(err, s, 0, "no memory for a fan-out");
    if (parts) free_parts(parts, names, n);
    else rsdk__free(names);
    rsdk__free(t);
    return s;
}

/* ---- split per slot ---------------------------------------------------- */

/* One slot's command: the words before the keys and that slot's units. */
static rsdk_status encode_part(const rsdk__ccmd *cmd, const rsdk__csplit *sp, unsigned slot,
                               rsdk_buf *b) {
    size_t n = 0;
    for (size_t u = 0; u < sp->units; u++) n += sp->unit_slot[u] == slot;
    rsdk_write_array(b, sp->first + n * sp->step);
    for (size_t i = 0; i < sp->first; i++) rsdk_write_arg(b, cmd->argv[i].p, cmd->argv[i].len);
    for (size_t u = 0; u < sp->units; u++) {
        if (sp->unit_slot[u] != slot) continue;
        for (size_t k = 0; k < sp->step; k++) {
            const rsdk__carg *a = &cmd->argv[sp->first + u * sp->step + k];
            rsdk_write_arg(b, a->p, a->len);
        }
    }
    return b->failed;
}

rsdk_status rsdk__csplit_plan(const rsdk__ccmd *cmd, const rsdk__croute *rt, rsdk__csplit *sp,
                              rsdk_error *err) {
    const rsdk_key_spec_meta *ks = &rt->meta->key_specs[0];
    memset(sp, 0, sizeof *sp);
    sp->resp = rt->resp;
    sp->first = (size_t)ks->index;
    sp->step = (size_t)ks->step;
    if (sp->step == 0 || sp->first >= cmd->argc || (cmd->argc - sp->first) % sp->step)
        return rsdk_error_set(err, RSDK_ERR_INVALID_ARG, 0, "%s: wrong number of arguments",
                              rt->meta->name);
    sp->units = (cmd->argc - sp->first) / sp->step;
    sp->unit_slot = rsdk__malloc(sp->units * sizeof *sp->unit_slot);
    sp->slots = rsdk__malloc(sp->units * sizeof *sp->slots);
    sp->bufs = rsdk__calloc(sp->units, sizeof *sp->bufs);
    rsdk_status s = sp->unit_slot && sp->slots && sp->bufs ? RSDK_OK : RSDK_ERR_NOMEM;
    for (size_t u = 0; s == RSDK_OK && u < sp->units; u++) {
        const rsdk__carg *k = &cmd->argv[sp->first + u * sp->step];
        sp->unit_slot[u] = rsdk_cluster_keyslot(k->p, k->len);
        size_t p = 0;
        while (p < sp->nparts && sp->slots[p] != sp->unit_slot[u]) p++;
        if (p == sp->nparts) sp->slots[sp->nparts++] = sp->unit_slot[u];
    }
    for (size_t p = 0; s == RSDK_OK && p < sp->nparts; p++) {
        rsdk_buf_init(&sp->bufs[p]);
        s = encode_part(cmd, sp, sp->slots[p], &sp->bufs[p]);
    }
    if (s) {
        rsdk__csplit_free(sp);
        return rsdk_error_set(err, s, 0, "%s: no memory to split by slot", rt->meta->name);
    }
    return RSDK_OK;
}

rsdk_status rsdk__csplit_join(const rsdk__csplit *sp, rsdk_reply **parts, rsdk_reply **out) {
    for (size_t p = 0; p < sp->nparts; p++)
        if (parts[p]->type == RSDK_REPLY_ERROR) return *out = take(parts, p), RSDK_OK;
    if (sp->resp != RSDK__RESP_DEFAULT || !all_lists(parts, sp->nparts))
        return rsdk__cluster_aggregate(sp->resp, parts, sp->nparts, NULL, out);
    /* Element j of part p belongs to the j-th unit whose slot is p's (MGET). */
    size_t *next = rsdk__calloc(sp->nparts, sizeof *next);
    if (next == NULL) return RSDK_ERR_NOMEM;
    rsdk_buf b;
    rsdk_buf_init(&b);
    put_header(&b, '*', sp->units);
    rsdk_status s = RSDK_OK;
    for (size_t u = 0; s == RSDK_OK && u < sp->units; u++) {
        size_t p = 0;
        while (p < sp->nparts && sp->slots[p] != sp->unit_slot[u]) p++;
        if (p == sp->nparts || next[p] >= parts[p]->elements) s = RSDK_ERR_PROTOCOL;
        else rsdk__reply_write(&b, &parts[p]->element[next[p]++]);
    }
    if (s == RSDK_OK) s = rsdk__reply_from_bytes(&b, out);
    rsdk_buf_deinit(&b);
    rsdk__free(next);
    return s;
}

void rsdk__csplit_free(rsdk__csplit *sp) {
    for (size_t p = 0; sp->bufs && p < sp->nparts; p++) rsdk_buf_deinit(&sp->bufs[p]);
    rsdk__free(sp->bufs);
    rsdk__free(sp->slots);
    rsdk__free(sp->unit_slot);
    memset(sp, 0, sizeof *sp);
}

static rsdk_status split_run(rsdk_cluster *cl, const rsdk__ccmd *cmd, const rsdk__croute *rt,
                             rsdk_reply **out, rsdk_error *err) {
    rsdk__csplit sp;
    rsdk_status s = rsdk__csplit_plan(cmd, rt, &sp, err);
    if (s) return s;
    rsdk_reply **parts = rsdk__calloc(sp.nparts, sizeof *parts);
    if (parts == NULL) s = RSDK_ERR_NOMEM;
    for (size_t p = 0; s == RSDK_OK && p < sp.nparts; p++) {
        size_t pos = 0;
        rsdk__ccmd part;
        if (!rsdk__ccmd_parse(sp.bufs[p].data, sp.bufs[p].len, &pos, &part, &s)) break;
        rsdk__croute prt = *rt;
        prt.kind = RSDK__ROUTE_SLOT;
        prt.slot = (int)sp.slots[p];
        s = rsdk__cluster_exec(cl, &part, &prt, &parts[p], err);
        rsdk__ccmd_deinit(&part);
        if (s == RSDK_OK && parts[p] == NULL) s = RSDK_ERR_PROTOCOL;
    }
    if (s == RSDK_OK) s = rsdk__csplit_join(&sp, parts, out);
    if (s == RSDK_ERR_NOMEM) rsdk_error_set(err, s, 0, "%s: no memory to split by slot", rt->meta->name);
    if (parts) free_parts(parts, NULL, sp.nparts);
    rsdk__csplit_free(&sp);
    return s;
}

rsdk_status rsdk__cluster_fanout(rsdk_cluster *cl, const rsdk__ccmd *cmd, const rsdk__croute *rt,
                                 rsdk_reply **out, rsdk_error *err) {
    if (rt->kind == RSDK__ROUTE_SPLIT) return split_run(cl, cmd, rt, out, err);
    return to_all(cl, cmd, rt, out, err);
}

rsdk_status rsdk__cluster_run(rsdk_cluster *cl, const rsdk__ccmd *cmd, rsdk_reply **out,
                              rsdk_error *err) {
    rsdk__croute rt;
    rsdk_status s = rsdk__croute_of(cl, cmd, &rt, err);
    if (s) return s;
    if (rt.kind == RSDK__ROUTE_SLOT || rt.kind == RSDK__ROUTE_ANY)
        return rsdk__cluster_exec(cl, cmd, &rt, out, err);
    return rsdk__cluster_fanout(cl, cmd, &rt, out, err);
}
