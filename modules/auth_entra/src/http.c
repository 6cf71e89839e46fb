/* One HTTP exchange with libcurl: a fresh easy handle per fetch (fetches
 * are minutes apart, so there is nothing worth keeping warm), TLS
 * verification always on, no redirects, bounded answer, both timeouts.
 *
 * curl_global_init is the module's one piece of process-wide state: it runs
 * once, under pthread_once, before the first handle is made, and is never
 * undone (curl_global_cleanup is not safe while other libraries in the
 * process may still use libcurl). */
#include <curl/curl.h>
#include <pthread.h>
#include <string.h>

#include "entra.h"

static pthread_once_t global_once = PTHREAD_ONCE_INIT;
static CURLcode global_rc = CURLE_FAILED_INIT;

static void global_init(void) { global_rc = curl_global_init(CURL_GLOBAL_DEFAULT); }

typedef struct sink {
    rentra__buf *body;
    size_t max;
    bool too_large;
    bool nomem;
} sink;

static size_t on_data(char *p, size_t size, size_t n, void *ud) {
    sink *s = ud;
    size_t len = size * n;
    if (len > s->max - s->body->len) {
        s->too_large = true;
        return 0;
    }
    if (rentra__buf_add(s->body, p, len) != RSDK_OK) {
        s->nomem = true;
        return 0;
    }
    return len;
}

/* Which transport failures are worth retrying: the network and the IdP's
 * availability come and go; a certificate the CA bundle does not accept, a
 * missing CA file or an unsupported URL do not. */
static rsdk_status map_curl(CURLcode rc, rentra__outcome *oc) {
    oc->next = RENTRA_NEXT_RETRY;
    switch (rc) {
    case CURLE_COULDNT_RESOLVE_HOST:
    case CURLE_COULDNT_RESOLVE_PROXY:
    case CURLE_COULDNT_CONNECT: return RSDK_ERR_CONNECT;
    case CURLE_OPERATION_TIMEDOUT: return RSDK_ERR_TIMEOUT;
    case CURLE_OUT_OF_MEMORY: return RSDK_ERR_NOMEM;
    case CURLE_PEER_FAILED_VERIFICATION:
    case CURLE_SSL_CACERT_BADFILE:
    case CURLE_SSL_CERTPROBLEM:
    case CURLE_SSL_CIPHER:
    case CURLE_SSL_ENGINE_NOTFOUND:
        oc->next = RENTRA_NEXT_GIVE_UP;
        return RSDK_ERR_TLS;
    case CURLE_SSL_CONNECT_ERROR: return RSDK_ERR_TLS;
    case CURLE_UNSUPPORTED_PROTOCOL:
    case CURLE_URL_MALFORMAT:
        oc->next = RENTRA_NEXT_GIVE_UP;
        return RSDK_ERR_INVALID_ARG;
    default: return RSDK_ERR_IO;
    }
}

/* The header list; each string is wiped before curl frees it (the App
 * Service identity header is a secret). */
static void headers_free(struct curl_slist *h) {
    for (struct curl_slist *i = h; i; i = i->next) memset(i->data, 0, strlen(i->data));
    curl_slist_free_all(h);
}

static bool headers_make(const rentra__request *r, struct curl_slist **out) {
    struct curl_slist *h = NULL;
    const char *p = r->headers.p;
    const char *end = p ? p + r->headers.len : NULL;
    for (; p && p < end; p += strlen(p) + 1) {
        struct curl_slist *n = curl_slist_append(h, p);
        if (!n) {
            headers_free(h);
            return false;
        }
        h = n;
    }
    *out = h;
    return true;
}

static bool configure(CURL *e, const rentra__cfg *c, const rentra__request *r,
                      struct curl_slist *h, sink *s, char *errbuf) {
    bool ok = curl_easy_setopt(e, CURLOPT_URL, r->url) == CURLE_OK;
    ok = ok && curl_easy_setopt(e, CURLOPT_PROTOCOLS_STR, "http,https") == CURLE_OK;
    ok = ok && curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L) == CURLE_OK;
    ok = ok && curl_easy_setopt(e, CURLOPT_FOLLOWLOCATION, 0L) == CURLE_OK;
    ok = ok && curl_easy_setopt(e, CURLOPT_SSL_VERIFYPEER, 1L) == CURLE_OK;
    ok = ok && curl_easy_setopt(e, CURLOPT_SSL_VERIFYHOST, 2L) == CURLE_OK;
    ok = ok && curl_easy_setopt(e, CURLOPT_CONNECTTIMEOUT_MS, (long)c->connect_timeout_ms) == CURLE_OK;
    ok = ok && curl_easy_setopt(e, CURLOPT_TIMEOUT_MS, (long)c->timeout_ms) == CURLE_OK;
    ok = ok && curl_easy_setopt(e, CURLOPT_ERRORBUFFER, errbuf) == CURLE_OK;
    ok = ok && curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, on_data) == CURLE_OK;
    ok = ok && curl_easy_setopt(e, CURLOPT_WRITEDATA, s) == CURLE_OK;
    ok = ok && curl_easy_setopt(e, CURLOPT_USERAGENT, "rsdk-auth-entra") == CURLE_OK;
    if (ok && h) ok = curl_easy_setopt(e, CURLOPT_HTTPHEADER, h) == CURLE_OK;
    if (ok && c->ca_file) ok = curl_easy_setopt(e, CURLOPT_CAINFO, c->ca_file) == CURLE_OK;
    if (ok && c->ca_path) ok = curl_easy_setopt(e, CURLOPT_CAPATH, c->ca_path) == CURLE_OK;
    if (ok && r->body.len) {
        /* POSTFIELDS, not COPYPOSTFIELDS: curl reads our buffer, which we wipe. */
        ok = curl_easy_setopt(e, CURLOPT_POSTFIELDS, r->body.p) == CURLE_OK &&
             curl_easy_setopt(e, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)r->body.len) == CURLE_OK;
    }
    return ok;
}

rsdk_status rentra__http_send(const rentra__cfg *c, const rentra__request *r,
                              rentra__response *resp, rentra__outcome *oc, rsdk_error *err) {
    pthread_once(&global_once, global_init);
    oc->next = RENTRA_NEXT_RETRY;
    oc->retry_after_ms = 0;
    if (global_rc != CURLE_OK)
        return rsdk_error_set(err, RSDK_ERR_NOMEM, 0, "libcurl could not be initialised");
    CURL *e = curl_easy_init();
    struct curl_slist *h = NULL;
    if (!e || !headers_make(r, &h)) {
        curl_easy_cleanup(e);
        return rsdk_error_set(err, RSDK_ERR_NOMEM, 0, "out of memory preparing the token request");
    }
    char errbuf[CURL_ERROR_SIZE] = "";
    sink s = {&resp->body, c->max_response_bytes, false, false};
    rsdk_status st = RSDK_OK;
    if (!configure(e, c, r, h, &s, errbuf)) {
        oc->next = RENTRA_NEXT_GIVE_UP;
        st = rsdk_error_set(err, RSDK_ERR_INVALID_ARG, 0, "libcurl refused an option for the token request");
    } else {
        CURLcode rc = curl_easy_perform(e);
        if (rc == CURLE_WRITE_ERROR && s.too_large) {
            st = rsdk_error_set(err, RSDK_ERR_PROTOCOL, 0,
                                "identity provider answer is larger than %zu bytes", s.max);
        } else if (rc == CURLE_WRITE_ERROR && s.nomem) {
            st = rsdk_error_set(err, RSDK_ERR_NOMEM, 0, "out of memory reading the token answer");
        } else if (rc != CURLE_OK) {
            st = rsdk_error_set(err, map_curl(rc, oc), 0, "identity provider unreachable: %s",
                                errbuf[0] ? errbuf : curl_easy_strerror(rc));
        } else {
            curl_off_t after = 0;
            curl_easy_getinfo(e, CURLINFO_RESPONSE_CODE, &resp->status);
            if (curl_easy_getinfo(e, CURLINFO_RETRY_AFTER, &after) == CURLE_OK && after > 0)
                resp->retry_after_ms = after > INT64_MAX / 1000 ? INT64_MAX : (int64_t)after * 1000;
        }
    }
    headers_free(h);
    curl_easy_cleanup(e);
    return st;
}
