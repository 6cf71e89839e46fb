/* Status names, classes, texts, and server-prefix mapping. */
#include "rsdk/error.h"

#include <stdarg.h>
#include <stdio.h>

typedef struct {
    const char *name;
    rsdk_errclass cls;
    const char *text;
} status_info;

static const status_info *info_of(rsdk_status s) {
    static const status_info table[] = {
#define RSDK__X(name, num, cls, text) [num] = {"RSDK_" #name, RSDK_CLASS_##cls, text},
        RSDK_STATUS_MAP(RSDK__X)
#undef RSDK__X
    };
    if (s < 0 || (size_t)s >= sizeof table / sizeof table[0] || !table[s].name) return NULL;
    return &table[s];
}

const char *rsdk_status_str(rsdk_status s) {
    const status_info *i = info_of(s);
    return i ? i->text : "unknown status";
}

const char *rsdk_status_name(rsdk_status s) {
    const status_info *i = info_of(s);
    return i ? i->name : "RSDK_UNKNOWN";
}

rsdk_errclass rsdk_err_class(rsdk_status s) {
    const status_info *i = info_of(s);
    return i ? i->cls : RSDK_CLASS_NONE;
}

const char *rsdk_errclass_str(rsdk_errclass c) {
    switch (c) {
    case RSDK_CLASS_NONE: return "none";
    case RSDK_CLASS_CONNECTION: return "connection";
    case RSDK_CLASS_RESPONSE: return "response";
    case RSDK_CLASS_CLUSTER: return "cluster";
    case RSDK_CLASS_POOL: return "pool";
    case RSDK_CLASS_PROTOCOL: return "protocol";
    case RSDK_CLASS_ARGUMENT: return "argument";
    case RSDK_CLASS_RESOURCE: return "resource";
    }
    return "unknown";
}

bool rsdk_err_retryable(rsdk_status s) {
    switch (s) {
    case RSDK_ERR_LOADING:
    case RSDK_ERR_BUSY:
    case RSDK_ERR_TRYAGAIN:
    case RSDK_ERR_CLUSTERDOWN:
    case RSDK_ERR_MASTERDOWN:
    case RSDK_ERR_POOL_EXHAUSTED:
        return true;
    default:
        /* Closed clients stay closed; every other connection failure may heal. */
        return rsdk_err_class(s) == RSDK_CLASS_CONNECTION && s != RSDK_ERR_CLOSED;
    }
}

/* Server error prefixes (the reply's first word) and their codes. */
static const struct {
    const char *prefix;
    rsdk_status code;
} prefixes[] = {
    {"WRONGTYPE", RSDK_ERR_WRONGTYPE},     {"NOSCRIPT", RSDK_ERR_NOSCRIPT},
    {"READONLY", RSDK_ERR_READONLY},       {"BUSY", RSDK_ERR_BUSY},
    {"LOADING", RSDK_ERR_LOADING},         {"WRONGPASS", RSDK_ERR_AUTH},
    {"NOAUTH", RSDK_ERR_AUTH},             {"NOPERM", RSDK_ERR_NOPERM},
    {"EXECABORT", RSDK_ERR_EXECABORT},     {"OOM", RSDK_ERR_OOM},
    {"MOVED", RSDK_ERR_MOVED},             {"ASK", RSDK_ERR_ASK},
    {"TRYAGAIN", RSDK_ERR_TRYAGAIN},       {"CROSSSLOT", RSDK_ERR_CROSSSLOT},
    {"CLUSTERDOWN", RSDK_ERR_CLUSTERDOWN}, {"NOPROTO", RSDK_ERR_NOPROTO},
    {"MASTERDOWN", RSDK_ERR_MASTERDOWN},
};

static size_t first_word(const char *msg, size_t len) {
    size_t n = 0;
    while (n < len && msg[n] != ' ' && msg[n] != '\r' && msg[n] != '\n') n++;
    return n;
}

static bool has_text(const char *msg, size_t len, const char *needle) {
    size_t n = strlen(needle);
    for (size_t i = 0; i + n <= len; i++)
        if (memcmp(msg + i, needle, n) == 0) return true;
    return false;
}

rsdk_status rsdk_status_from_server(const char *msg, size_t len) {
    if (!msg) return RSDK_ERR_RESPONSE;
    size_t w = first_word(msg, len);
    for (size_t i = 0; i < sizeof prefixes / sizeof prefixes[0]; i++)
        if (strlen(prefixes[i].prefix) == w && memcmp(prefixes[i].prefix, msg, w) == 0)
            return prefixes[i].code;
    /* Plain ERR replies that still have a precise meaning. */
    if (w == 3 && memcmp(msg, "ERR", 3) == 0) {
        if (has_text(msg, len, "unknown command") || has_text(msg, len, "unknown subcommand"))
            return RSDK_ERR_UNKNOWN_COMMAND;
        if (has_text(msg, len, "invalid password") || has_text(msg, len, "invalid username"))
            return RSDK_ERR_AUTH;
    }
    return RSDK_ERR_RESPONSE;
}

void rsdk_error_clear(rsdk_error *e) {
    if (!e) return;
    e->code = RSDK_OK;
    e->sys_errno = 0;
    e->prefix[0] = '\0';
    e->message[0] = '\0';
}

rsdk_status rsdk_error_set(rsdk_error *e, rsdk_status code, int sys_errno, const char *fmt, ...) {
    if (!e) return code;
    e->code = code;
    e->sys_errno = sys_errno;
    e->prefix[0] = '\0';
    if (!fmt) {
        snprintf(e->message, sizeof e->message, "%s", rsdk_status_str(code));
        return code;
    }
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(e->message, sizeof e->message, fmt, ap);
    va_end(ap);
    return code;
}

rsdk_status rsdk_error_from_server(rsdk_error *e, const char *msg, size_t len) {
    rsdk_status code = rsdk_status_from_server(msg, len);
    if (!e) return code;
    e->code = code;
    e->sys_errno = 0;
    size_t w = msg ? first_word(msg, len) : 0;
    if (w >= sizeof e->prefix) w = sizeof e->prefix - 1;
    if (w) memcpy(e->prefix, msg, w);
    e->prefix[w] = '\0';
    size_t n = len < sizeof e->message - 1 ? len : sizeof e->message - 1;
    if (n) memcpy(e->message, msg, n);
    e->message[n] = '\0';
    return code;
}
