/* Connection URL parser (grammar in rsdk/url.h).
 *
 * Messages never quote the URL except its scheme and the names of unknown
 * options, and only when those look like plain words: anything else could
 * be a fragment of a password that was not percent-encoded. */
#include "rsdk/url.h"

#include <limits.h>
#include <stdarg.h>
#include <stdio.h>

#include "alloc.h"

#define DEFAULT_PORT 6379

static rsdk_status bad(rsdk_error *err, const char *fmt, ...)
#if defined(__GNUC__) || defined(__clang__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;

static rsdk_status bad(rsdk_error *err, const char *fmt, ...) {
    char text[200];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(text, sizeof text, fmt, ap);
    va_end(ap);
    return rsdk_error_set(err, RSDK_ERR_URL, 0, "url: %s", text);
}

static bool is_alpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
static bool is_digit(char c) { return c >= '0' && c <= '9'; }
static bool is_alnum(char c) { return is_alpha(c) || is_digit(c); }

static int hexval(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

/* True when s[0..n) is a short plain word, safe to quote in a message. */
static bool quotable(const char *s, size_t n) {
    if (n == 0 || n > 32) return false;
    for (size_t i = 0; i < n; i++)
        if (!is_alnum(s[i]) && s[i] != '_' && s[i] != '-' && s[i] != '.' && s[i] != '+') return false;
    return true;
}

static bool same_ci(const char *a, size_t n, const char *lit) {
    if (strlen(lit) != n) return false;
    for (size_t i = 0; i < n; i++) {
        char c = a[i];
        if (c >= 'A' && c <= 'Z') c = (char)(c - 'A' + 'a');
        if (c != lit[i]) return false;
    }
    return true;
}

/* Percent-decodes s[0..n) into a new string in *out. `what` names the part
 * for messages. A decoded NUL is refused: it would cut the C string. */
static rsdk_status decode(const char *s, size_t n, char **out, const char *what, rsdk_error *err) {
    char *d = rsdk__malloc(n + 1);
    if (!d) return rsdk_error_set(err, RSDK_ERR_NOMEM, 0, NULL);
    size_t j = 0;
    for (size_t i = 0; i < n; i++) {
        if (s[i] != '%') {
            d[j++] = s[i];
            continue;
        }
        if (i + 2 >= n || hexval(s[i + 1]) < 0 || hexval(s[i + 2]) < 0) {
            rsdk__wipe(d, n + 1);
            rsdk__free(d);
            return bad(err, "bad percent escape in the %s (use %%XX with two hex digits)", what);
        }
        char c = (char)(hexval(s[i + 1]) * 16 + hexval(s[i + 2]));
        if (c == '\0') {
            rsdk__wipe(d, n + 1);
            rsdk__free(d);
            return bad(err, "%%00 is not allowed in the %s", what);
        }
        d[j++] = c;
        i += 2;
    }
    d[j] = '\0';
    *out = d;
    return RSDK_OK;
}

/* Parses a whole non-negative decimal int from s[0..n). */
static bool whole_int(const char *s, size_t n, int max, int *v) {
    if (n == 0 || n > 10) return false;
    long long acc = 0;
    for (size_t i = 0; i < n; i++) {
        if (!is_digit(s[i])) return false;
        acc = acc * 10 + (s[i] - '0');
    }
    if (acc > max) return false;
    *v = (int)acc;
    return true;
}

static rsdk_status parse_userinfo(const char *s, size_t n, rsdk_url *u, rsdk_error *err) {
    const char *colon = memchr(s, ':', n);
    size_t ulen = colon ? (size_t)(colon - s) : n;
    if (ulen) {
        rsdk_status st = decode(s, ulen, &u->username, "user name", err);
        if (st) return st;
    }
    if (colon && n - ulen - 1 > 0) return decode(colon + 1, n - ulen - 1, &u->password, "password", err);
    return RSDK_OK;
}

static bool ipv6_char(char c) { return hexval(c) >= 0 || c == ':' || c == '.'; }

static rsdk_status parse_host(const char *s, size_t n, rsdk_url *u, rsdk_error *err) {
    const char *hend;
    const char *port = NULL;
    if (n && s[0] == '[') {
        const char *close = memchr(s, ']', n);
        if (!close) return bad(err, "IPv6 address has no closing ']'");
        size_t hl = (size_t)(close - s) - 1;
        if (!hl) return bad(err, "empty host");
        rsdk_status st = decode(s + 1, hl, &u->host, "IPv6 address", err);
        if (st) return st;
        /* Address chars, then an optional "%zone" (sent as %25zone). */
        const char *h = u->host;
        bool colon = false;
        while (*h && *h != '%') {
            if (!ipv6_char(*h)) return bad(err, "bad character in IPv6 address");
            colon |= *h == ':';
            h++;
        }
        if (!colon) return bad(err, "bracketed host is not an IPv6 address");
        if (*h == '%' && !h[1]) return bad(err, "empty IPv6 zone");
        for (h += *h == '%'; *h; h++)
            if (!is_alnum(*h) && *h != '.' && *h != '_' && *h != '-' && *h != '~')
                return bad(err, "bad character in IPv6 zone");
        hend = close + 1;
        if (hend < s + n) {
            if (*hend != ':') return bad(err, "unexpected text after ']' (expected ':port')");
            port = hend + 1;
        }
    } else {
        const char *colon = memchr(s, ':', n);
        hend = colon ? colon : s + n;
        if (colon && memchr(colon + 1, ':', (size_t)(s + n - colon - 1)))
            return bad(err, "IPv6 addresses go in brackets, as in redis://[::1]:6379");
        if (hend == s) return bad(err, "empty host");
        for (const char *p = s; p < hend; p++)
            if (!is_alnum(*p) && *p != '-' && *p != '.' && *p != '_') return bad(err, "bad character in host");
        u->host = rsdk__malloc((size_t)(hend - s) + 1);
        if (!u->host) return rsdk_error_set(err, RSDK_ERR_NOMEM, 0, NULL);
        memcpy(u->host, s, (size_t)(hend - s));
        u->host[hend - s] = '\0';
        if (colon) port = colon + 1;
    }
    if (port) {
        size_t pl = (size_t)(s + n - port);
        if (!pl) return bad(err, "empty port");
        for (size_t i = 0; i < pl; i++)
            if (!is_digit(port[i])) return bad(err, "port is not a number");
        int v = 0;
        if (!whole_int(port, pl, 65535, &v) || v == 0) return bad(err, "port out of range (1 to 65535)");
        u->port = v;
    }
    return RSDK_OK;
}

static const char *const known_options = "db, protocol, client_name, connect_timeout, timeout";

static rsdk_status set_option(const char *name, size_t nl, const char *val, size_t vl, rsdk_url *u,
                              rsdk_error *err) {
    int v = 0;
    if (nl == 2 && memcmp(name, "db", 2) == 0) {
        if (!whole_int(val, vl, INT_MAX, &v)) return bad(err, "db must be a non-negative number");
        u->db = v;
    } else if (nl == 8 && memcmp(name, "protocol", 8) == 0) {
        if (!whole_int(val, vl, 3, &v) || v < 2) return bad(err, "protocol must be 2 or 3");
        u->protocol = v;
    } else if (nl == 15 && memcmp(name, "connect_timeout", 15) == 0) {
        if (!whole_int(val, vl, INT_MAX, &v))
            return bad(err, "connect_timeout must be a whole number of milliseconds");
        u->connect_timeout_ms = v;
    } else if (nl == 7 && memcmp(name, "timeout", 7) == 0) {
        if (!whole_int(val, vl, INT_MAX, &v)) return bad(err, "timeout must be a whole number of milliseconds");
        u->timeout_ms = v;
    } else if (nl == 11 && memcmp(name, "client_name", 11) == 0) {
        char *cn = NULL;
        rsdk_status st = decode(val, vl, &cn, "client_name", err);
        if (st) return st;
        /* The server refuses names with spaces or control characters. */
        bool ok = cn[0] != '\0';
        for (const char *p = cn; *p; p++)
            if (*p < '!' || *p > '~') ok = false;
        if (!ok) {
            rsdk__free(cn);
            return bad(err, "client_name must be non-empty, without spaces or control characters");
        }
        rsdk__free(u->client_name);
        u->client_name = cn;
    } else if (quotable(name, nl)) {
        return bad(err, "unknown option '%.*s' (known: %s)", (int)nl, name, known_options);
    } else {
        return bad(err, "unknown option (known: %s)", known_options);
    }
    return RSDK_OK;
}

static rsdk_status parse_query(const char *q, size_t n, rsdk_url *u, rsdk_error *err) {
    const char *end = q + n;
    while (q < end) {
        const char *amp = memchr(q, '&', (size_t)(end - q));
        const char *seg_end = amp ? amp : end;
        if (seg_end > q) { /* empty segments ("a=1&&b=2") are skipped */
            const char *eq = memchr(q, '=', (size_t)(seg_end - q));
            size_t nl = (size_t)((eq ? eq : seg_end) - q);
            if (!eq) {
                if (quotable(q, nl)) return bad(err, "option '%.*s' needs a value", (int)nl, q);
                return bad(err, "option without a value");
            }
            rsdk_status st = set_option(q, nl, eq + 1, (size_t)(seg_end - eq - 1), u, err);
            if (st) return st;
        }
        q = seg_end + (amp ? 1 : 0);
    }
    return RSDK_OK;
}

/* The part before the last "@" (or "@/" for unix://) in the authority is
 * the user info; taking the last one lets an unencoded '@', ':' or '/'
 * stand in a password. */
static const char *find_at(const char *s, size_t n, bool unix_path) {
    for (size_t i = n; i-- > 0;)
        if (s[i] == '@' && (!unix_path || (i + 1 < n && s[i + 1] == '/'))) return s + i;
    return NULL;
}

static rsdk_status parse(const char *text, rsdk_url *u, rsdk_error *err) {
    if (!text) return bad(err, "no URL given");
    const char *sep = strstr(text, "://");
    if (!sep) return bad(err, "missing scheme (expected redis://, rediss:// or unix://)");
    size_t sl = (size_t)(sep - text);
    bool unix_path = false;
    if (same_ci(text, sl, "redis")) {
    } else if (same_ci(text, sl, "rediss")) {
        u->tls = true;
    } else if (same_ci(text, sl, "unix")) {
        unix_path = true;
    } else if (quotable(text, sl)) {
        return bad(err, "unsupported scheme '%.*s' (expected redis, rediss or unix)", (int)sl, text);
    } else {
        return bad(err, "unsupported scheme (expected redis, rediss or unix)");
    }

    const char *rest = sep + 3;
    const char *qmark = strchr(rest, '?');
    const char *body_end = qmark ? qmark : rest + strlen(rest);
    size_t bl = (size_t)(body_end - rest);
    /* unix:///path: a path right after "//" means no user info (the path
     * itself may hold '@'). */
    const char *at = unix_path && rest[0] == '/' ? NULL : find_at(rest, bl, unix_path);
    if (!at && qmark && strchr(qmark, '@'))
        return bad(err, "'@' after '?': percent-encode '?' in a password as %%3F and '@' in options as %%40");
    const char *hs = rest;
    if (at) {
        rsdk_status st = parse_userinfo(rest, (size_t)(at - rest), u, err);
        if (st) return st;
        hs = at + 1;
    }
    size_t hl = (size_t)(body_end - hs);
    if (memchr(hs, '#', hl) || (qmark && strchr(qmark, '#'))) return bad(err, "fragments ('#') are not supported");

    if (unix_path) {
        u->port = 0;
        if (!hl) return bad(err, "unix URL has no socket path (expected unix:///path/to/socket)");
        if (hs[0] != '/') return bad(err, "unix socket path must be absolute (expected unix:///path/to/socket)");
        rsdk_status st = decode(hs, hl, &u->unix_path, "socket path", err);
        if (st) return st;
    } else {
        const char *slash = memchr(hs, '/', hl);
        size_t hpl = slash ? (size_t)(slash - hs) : hl;
        rsdk_status st = parse_host(hs, hpl, u, err);
        if (st) return st;
        if (slash && (size_t)(body_end - slash) > 1) {
            int db = 0;
            if (!whole_int(slash + 1, (size_t)(body_end - slash - 1), INT_MAX, &db))
                return bad(err, "database in the path must be a non-negative number, as in redis://host:6379/0");
            u->db = db;
        }
    }
    if (qmark) return parse_query(qmark + 1, strlen(qmark + 1), u, err);
    return RSDK_OK;
}

/* Last line of defence: a message must not carry the password. */
static void scrub(rsdk_error *err, const char *text) {
    if (!err || !text) return;
    const char *sep = strstr(text, "://");
    if (!sep) return;
    const char *rest = sep + 3;
    const char *q = strchr(rest, '?');
    size_t bl = q ? (size_t)(q - rest) : strlen(rest);
    const char *at = find_at(rest, bl, false);
    if (!at) return;
    const char *colon = memchr(rest, ':', (size_t)(at - rest));
    if (!colon || at - colon - 1 < 3) return;
    size_t pl = (size_t)(at - colon - 1);
    for (const char *m = err->message; *m; m++)
        if (strncmp(m, colon + 1, pl) == 0) {
            rsdk_error_set(err, RSDK_ERR_URL, 0, "url: malformed URL");
            return;
        }
}

rsdk_status rsdk_url_parse(const char *text, rsdk_url *out, rsdk_error *err) {
    if (!out) return rsdk_error_set(err, RSDK_ERR_INVALID_ARG, 0, "url: no rsdk_url to fill");
    rsdk_url u;
    memset(&u, 0, sizeof u);
    u.port = DEFAULT_PORT;
    u.connect_timeout_ms = -1;
    u.timeout_ms = -1;
    rsdk_status st = parse(text, &u, err);
    if (st) {
        rsdk_url_deinit(&u);
        memset(out, 0, sizeof *out);
        if (st == RSDK_ERR_URL) scrub(err, text);
        return st;
    }
    *out = u;
    return RSDK_OK;
}

void rsdk_url_deinit(rsdk_url *u) {
    if (!u) return;
    if (u->password) rsdk__wipe(u->password, strlen(u->password));
    rsdk__free(u->password);
    rsdk__free(u->username);
    rsdk__free(u->host);
    rsdk__free(u->unix_path);
    rsdk__free(u->client_name);
    u->password = u->username = u->host = u->unix_path = u->client_name = NULL;
}
