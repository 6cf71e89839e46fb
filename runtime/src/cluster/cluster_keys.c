/* Routing from the generated command metadata: a hash index over the
 * registered tables, the key positions a command's key specs give (the
 * algorithm of Redis's getKeysUsingKeySpecs), and the route its keys and
 * command tips call for. */
#include <stdio.h>
#include <strings.h>

#include "alloc.h"
#include "cluster_types.h"

static size_t hash_name(const char *p, size_t n) {
    uint64_t h = 1469598103934665603ull;
    for (size_t i = 0; i < n; i++) {
        unsigned char ch = (unsigned char)p[i];
        if (ch >= 'A' && ch <= 'Z') ch = (unsigned char)(ch - 'A' + 'a');
        h = (h ^ ch) * 1099511628211ull;
    }
    return (size_t)h;
}

rsdk_status rsdk__cindex_build(rsdk__cindex *ix, const rsdk_command_table *t, size_t n) {
    size_t total = 0;
    for (size_t i = 0; i < n; i++) {
        if (t[i].count > SIZE_MAX / 4 - total) return RSDK_ERR_INVALID_ARG;
        total += t[i].count;
    }
    size_t cap = 16;
    while (cap < total * 2) cap *= 2;
    ix->slots = rsdk__calloc(cap, sizeof *ix->slots);
    if (ix->slots == NULL) return RSDK_ERR_NOMEM;
    ix->cap = cap;
    for (size_t i = 0; i < n; i++) {
        for (size_t j = 0; j < t[i].count; j++) {
            const rsdk_command_meta *m = &t[i].commands[j];
            if (m->name == NULL) continue;
            size_t len = strlen(m->name), k = hash_name(m->name, len) & (cap - 1);
            /* The first table that names a command wins. */
            while (ix->slots[k] && strcasecmp(ix->slots[k]->name, m->name) != 0) k = (k + 1) & (cap - 1);
            if (ix->slots[k] == NULL) ix->slots[k] = m;
        }
    }
    return RSDK_OK;
}

void rsdk__cindex_free(rsdk__cindex *ix) {
    rsdk__free(ix->slots);
    ix->slots = NULL;
    ix->cap = 0;
}

static const rsdk_command_meta *lookup(const rsdk__cindex *ix, const char *p, size_t n) {
    if (ix->cap == 0) return NULL;
    size_t k = hash_name(p, n) & (ix->cap - 1);
    for (const rsdk_command_meta *m; (m = ix->slots[k]) != NULL; k = (k + 1) & (ix->cap - 1))
        if (strncasecmp(m->name, p, n) == 0 && m->name[n] == '\0') return m;
    return NULL;
}

const rsdk_command_meta *rsdk__cindex_find(const rsdk__cindex *ix, const rsdk__ccmd *cmd) {
    const rsdk_command_meta *m = lookup(ix, cmd->argv[0].p, cmd->argv[0].len);
    if (m != NULL || cmd->argc < 2) return m;
    /* Containers (CLIENT, OBJECT, XINFO ...) are listed by their
     * subcommands' full names: "OBJECT ENCODING". */
    char name[96];
    size_t a = cmd->argv[0].len, b = cmd->argv[1].len;
    if (a + b + 1 >= sizeof name) return NULL;
    memcpy(name, cmd->argv[0].p, a);
    name[a] = ' ';
    memcpy(name + a + 1, cmd->argv[1].p, b);
    return lookup(ix, name, a + b + 1);
}

static bool parse_count(const rsdk__carg *a, long *out) {
    long v = 0;
    if (a->len == 0 || a->len > 9) return false;
    for (size_t i = 0; i < a->len; i++) {
        if (a->p[i] < '0' || a->p[i] > '9') return false;
        v = v * 10 + (a->p[i] - '0');
    }
    *out = v;
    return true;
}

/* First key index of one spec, or 0 when its begin search finds nothing. */
static long spec_first(const rsdk_key_spec_meta *ks, const rsdk__ccmd *cmd) {
    long argc = (long)cmd->argc;
    if (ks->begin == RSDK_KEY_BEGIN_INDEX) return ks->index;
    if (ks->begin != RSDK_KEY_BEGIN_KEYWORD || ks->keyword == NULL) return 0;
    long start = ks->startfrom > 0 ? ks->startfrom : argc + ks->startfrom;
    long end = ks->startfrom > 0 ? argc - 1 : 0;
    size_t kwlen = strlen(ks->keyword);
    for (long i = start;; i = start <= end ? i + 1 : i - 1) {
        if (i >= argc || i < 1) break;
        const rsdk__carg *a = &cmd->argv[i];
        if (a->len == kwlen && strncasecmp(a->p, ks->keyword, kwlen) == 0) return i + 1;
        if (i == end) break;
    }
    return 0;
}

bool rsdk__ckeys_each(const rsdk_command_meta *m, const rsdk__ccmd *cmd, rsdk__key_fn fn,
                      void *ud) {
    long argc = (long)cmd->argc;
    bool pubsub = (m->flags & RSDK_CMD(PUBSUB)) != 0;
    for (size_t s = 0; s < m->nkey_specs; s++) {
        const rsdk_key_spec_meta *ks = &m->key_specs[s];
        if ((ks->flags & RSDK_KEY_NOT_KEY) && !pubsub) continue;
        long first = spec_first(ks, cmd), last, step;
        if (first <= 0 || first >= argc) continue;
        if (ks->find == RSDK_KEY_FIND_RANGE) {
            if (ks->lastkey >= 0)
                last = first + ks->lastkey;
            else if (ks->limit == 0)
                last = argc + ks->lastkey;
            else
                last = first + ((argc - first) / ks->limit + ks->lastkey);
            step = ks->step;
        } else if (ks->find == RSDK_KEY_FIND_KEYNUM) {
            long numkeys;
            if (first + ks->keynumidx >= argc) continue;
            if (!parse_count(&cmd->argv[first + ks->keynumidx], &numkeys)) continue;
            first += ks->firstkey;
            last = first + numkeys - 1;
            step = ks->step;
        } else {
            continue;
        }
        if (step <= 0) step = 1;
        for (long j = first; j <= last && j < argc; j += step)
            if (!fn(ud, (size_t)j)) return false;
    }
    return true;
}

typedef struct slot_scan {
    const rsdk__ccmd *cmd;
    int first;       /* slot of the first key, -1 before one */
    bool several;
    size_t nkeys;
    int seen[8];     /* the distinct slots, for the CROSSSLOT message */
    size_t nseen;
} slot_scan;

static bool on_key(void *ud, size_t index) {
    slot_scan *sc = ud;
    const rsdk__carg *a = &sc->cmd->argv[index];
    int slot = (int)rsdk_cluster_keyslot(a->p, a->len);
    sc->nkeys++;
    if (sc->first < 0) sc->first = slot;
    if (slot == sc->first) return true; /* the common case: nothing to note */
    sc->several = true;
    for (size_t i = 0; i < sc->nseen; i++)
        if (sc->seen[i] == slot) return true;
    if (sc->nseen < sizeof sc->seen / sizeof sc->seen[0]) sc->seen[sc->nseen++] = slot;
    return true;
}

/* "15495, 3300, ..." for the CROSSSLOT message. */
static void list_slots(const slot_scan *sc, char *buf, size_t size) {
    size_t len = 0;
    buf[0] = '\0';
    for (size_t i = 0; i <= sc->nseen && len < size; i++) {
        int slot = i == 0 ? sc->first : sc->seen[i - 1];
        int k = snprintf(buf + len, size - len, "%s%d", i ? ", " : "", slot);
        if (k < 0) break;
        len += (size_t)k;
    }
    if (sc->nseen == sizeof sc->seen / sizeof sc->seen[0] && len + 6 < size) memcpy(buf + len, ", ...", 6);
}

static bool tip_is(const rsdk_command_meta *m, const char *tip) {
    for (size_t i = 0; i < m->ntips; i++)
        if (strcasecmp(m->tips[i], tip) == 0) return true;
    return false;
}

static rsdk__cresp response_policy(const rsdk_command_meta *m) {
    static const struct {
        const char *tip;
        rsdk__cresp resp;
    } map[] = {
        {"RESPONSE_POLICY:AGG_SUM", RSDK__RESP_AGG_SUM},
        {"RESPONSE_POLICY:AGG_MIN", RSDK__RESP_AGG_MIN},
        {"RESPONSE_POLICY:AGG_MAX", RSDK__RESP_AGG_MAX},
        {"RESPONSE_POLICY:AGG_LOGICAL_AND", RSDK__RESP_AGG_AND},
        {"RESPONSE_POLICY:AGG_LOGICAL_OR", RSDK__RESP_AGG_OR},
        {"RESPONSE_POLICY:ALL_SUCCEEDED", RSDK__RESP_ALL_SUCCEEDED},
        {"RESPONSE_POLICY:ONE_SUCCEEDED", RSDK__RESP_ONE_SUCCEEDED},
        {"RESPONSE_POLICY:SPECIAL", RSDK__RESP_SPECIAL},
    };
    for (size_t i = 0; i < sizeof map / sizeof map[0]; i++)
        if (tip_is(m, map[i].tip)) return map[i].resp;
    return RSDK__RESP_DEFAULT;
}

/* Splittable: one key spec at a fixed index whose keys run to the end in
 * fixed steps (MGET k..., MSET k v ..., DEL k ...), so each slot's keys
 * (with the arguments that follow each) make a command of their own. */
static bool splittable(const rsdk_command_meta *m) {
    if (!tip_is(m, "REQUEST_POLICY:MULTI_SHARD") || m->nkey_specs != 1) return false;
    const rsdk_key_spec_meta *ks = &m->key_specs[0];
    return ks->begin == RSDK_KEY_BEGIN_INDEX && ks->find == RSDK_KEY_FIND_RANGE &&
           ks->lastkey == -1 && ks->limit == 0 && ks->step >= 1;
}

rsdk_status rsdk__croute_of(const rsdk_cluster *cl, const rsdk__ccmd *cmd, rsdk__croute *rt,
                            rsdk_error *err) {
    return rsdk__croute_by(rsdk__cindex_find(&cl->index, cmd), cmd, rt, err);
}

rsdk_status rsdk__croute_by(const rsdk_command_meta *m, const rsdk__ccmd *cmd, rsdk__croute *rt,
                            rsdk_error *err) {
    if (m == NULL) {
        int n = cmd->argv[0].len > 64 ? 64 : (int)cmd->argv[0].len;
        return rsdk_error_set(err, RSDK_ERR_INVALID_ARG, 0,
                              "%.*s: no command metadata to route by (register the module's "
                              "command table in rsdk_cluster_opts.tables)",
                              n, cmd->argv[0].p);
    }
    rt->meta = m;
    rt->readonly = (m->flags & RSDK_CMD(READONLY)) != 0;
    rt->resp = m->ntips ? response_policy(m) : RSDK__RESP_DEFAULT; /* most commands have no tips */
    rt->slot = -1;
    slot_scan sc = {.cmd = cmd, .first = -1};
    rsdk__ckeys_each(m, cmd, on_key, &sc);
    if (sc.nkeys > 0 && !sc.several) {
        rt->kind = RSDK__ROUTE_SLOT;
        rt->slot = sc.first;
    } else if (sc.several) {
        if (!splittable(m)) {
            char listed[96];
            list_slots(&sc, listed, sizeof listed);
            return rsdk_error_set(err, RSDK_ERR_CROSSSLOT, 0,
                                  "%s: keys in different slots (%s); use hash tags to keep them "
                                  "in one slot",
                                  m->name, listed);
        }
        rt->kind = RSDK__ROUTE_SPLIT;
    } else if (tip_is(m, "REQUEST_POLICY:ALL_SHARDS")) {
        rt->kind = RSDK__ROUTE_SHARDS;
    } else if (tip_is(m, "REQUEST_POLICY:ALL_NODES")) {
        rt->kind = RSDK__ROUTE_NODES;
    } else {
        rt->kind = RSDK__ROUTE_ANY;
    }
    return RSDK_OK;
}
