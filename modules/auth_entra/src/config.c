/* Options: defaults, checks, and the resolved configuration a fetch uses. */
#include <string.h>

#include "runtime/src/base/alloc.h"
#include "entra.h"

#define DEFAULT_AUTHORITY "https://login.microsoftonline.com"
#define DEFAULT_SCOPE "https://redis.azure.com/.default"
#define DEFAULT_RESOURCE "https://redis.azure.com"
#define DEFAULT_IMDS "http://169.254.169.254/metadata/identity/oauth2/token"
#define DEFAULT_IMDS_VERSION "2018-02-01"
#define APP_SERVICE_VERSION "2019-08-01"

void rentra_opts_init(rentra_opts *o) {
    if (!o) return;
    memset(o, 0, sizeof *o);
    o->connect_timeout_ms = 5000;
    o->timeout_ms = 15000;
    o->max_response_bytes = 65536;
    o->refresh_ratio = 0.7;
    o->min_lead_ms = 10000;
    o->max_retries = -1;
    o->retry_backoff.kind = RSDK_BACKOFF_EQUAL_JITTER;
    o->retry_backoff.base_ms = 100;
    o->retry_backoff.cap_ms = 10000;
}

const char *rentra_flow_str(rentra_flow f) {
    switch (f) {
    case RENTRA_FLOW_DEFAULT: return "default";
    case RENTRA_FLOW_CLIENT_SECRET: return "client_secret";
    case RENTRA_FLOW_CLIENT_CERTIFICATE: return "client_certificate";
    case RENTRA_FLOW_MANAGED_IDENTITY: return "managed_identity";
    }
    return "unknown";
}

static bool is_http_url(const char *s) {
    return s && (strncmp(s, "https://", 8) == 0 || strncmp(s, "http://", 7) == 0) &&
           !strpbrk(s, " \t\r\n?#");
}

/* A tenant is a GUID or a domain name; anything else could change the path. */
static bool is_tenant(const char *s) {
    if (!s || !*s) return false;
    for (; *s; s++)
        if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') || (*s >= '0' && *s <= '9') ||
              *s == '-' || *s == '.' || *s == '_'))
            return false;
    return true;
}

static rsdk_status missing(rsdk_error *err, const char *what, rentra_flow f) {
    return rsdk_error_set(err, RSDK_ERR_INVALID_ARG, 0, "%s is required for the %s flow", what,
                          rentra_flow_str(f));
}

static rsdk_status token_url(rentra__cfg *c, const rentra_opts *o, rsdk_error *err) {
    rentra__buf b = {0};
    rsdk_status st;
    if (o->token_endpoint) {
        if (!is_http_url(o->token_endpoint))
            return rsdk_error_set(err, RSDK_ERR_INVALID_ARG, 0, "token_endpoint is not an http(s) URL");
        st = rentra__buf_adds(&b, o->token_endpoint);
    } else {
        const char *auth = o->authority ? o->authority : DEFAULT_AUTHORITY;
        if (!is_http_url(auth))
            return rsdk_error_set(err, RSDK_ERR_INVALID_ARG, 0, "authority is not an http(s) URL");
        if (!o->tenant_id) return missing(err, "tenant_id", o->flow);
        if (!is_tenant(o->tenant_id))
            return rsdk_error_set(err, RSDK_ERR_INVALID_ARG, 0, "tenant_id holds characters a tenant cannot");
        size_t n = strlen(auth);
        while (n && auth[n - 1] == '/') n--;
        st = rentra__buf_add(&b, auth, n);
        if (!st) st = rentra__buf_adds(&b, "/");
        if (!st) st = rentra__buf_adds(&b, o->tenant_id);
        if (!st) st = rentra__buf_adds(&b, "/oauth2/v2.0/token");
    }
    c->url = b.p;
    return st;
}

static const char *mi_param(const rentra_opts *o) {
    static const char *const imds[] = {NULL, "client_id", "object_id", "msi_res_id"};
    static const char *const app[] = {NULL, "client_id", "principal_id", "mi_res_id"};
    return (o->identity_endpoint ? app : imds)[o->mi_kind];
}

static rsdk_status managed_identity_url(rentra__cfg *c, const rentra_opts *o, rsdk_error *err) {
    const char *base = o->identity_endpoint ? o->identity_endpoint
                                            : o->imds_endpoint ? o->imds_endpoint : DEFAULT_IMDS;
    if (!is_http_url(base))
        return rsdk_error_set(err, RSDK_ERR_INVALID_ARG, 0, "%s is not an http(s) URL",
                              o->identity_endpoint ? "identity_endpoint" : "imds_endpoint");
    if ((unsigned)o->mi_kind > RENTRA_MI_RESOURCE_ID)
        return rsdk_error_set(err, RSDK_ERR_INVALID_ARG, 0, "mi_kind is not a rentra_mi_kind");
    if (o->mi_kind != RENTRA_MI_SYSTEM && (!o->mi_id || !*o->mi_id)) return missing(err, "mi_id", o->flow);
    if (o->identity_endpoint && !o->identity_header) return missing(err, "identity_header", o->flow);
    const char *version = o->identity_endpoint ? APP_SERVICE_VERSION
                          : o->imds_api_version ? o->imds_api_version : DEFAULT_IMDS_VERSION;
    rentra__buf b = {0};
    rsdk_status st = rentra__buf_adds(&b, base);
    if (!st) st = rentra__buf_adds(&b, "?");
    if (!st) st = rentra__buf_add_param(&b, "api-version", version);
    if (!st) st = rentra__buf_add_param(&b, "resource", o->resource ? o->resource : DEFAULT_RESOURCE);
    if (!st && o->mi_kind != RENTRA_MI_SYSTEM) st = rentra__buf_add_param(&b, mi_param(o), o->mi_id);
    c->url = b.p;
    c->app_service = o->identity_endpoint != NULL;
    return st ? st : rentra__dup(o->identity_header, &c->identity_header) ? RSDK_OK : RSDK_ERR_NOMEM;
}

static rsdk_status check_numbers(const rentra_opts *o, rsdk_error *err) {
    if (o->connect_timeout_ms <= 0 || o->timeout_ms <= 0)
        return rsdk_error_set(err, RSDK_ERR_INVALID_ARG, 0, "connect_timeout_ms and timeout_ms must be > 0");
    if (o->max_response_bytes < 64)
        return rsdk_error_set(err, RSDK_ERR_INVALID_ARG, 0, "max_response_bytes must be at least 64");
    return RSDK_OK;
}

static rsdk_status flow_init(rentra__cfg *c, const rentra_opts *o, rsdk_error *err) {
    c->flow = o->flow;
    if (o->flow == RENTRA_FLOW_MANAGED_IDENTITY) return managed_identity_url(c, o, err);
    if (o->flow != RENTRA_FLOW_CLIENT_SECRET && o->flow != RENTRA_FLOW_CLIENT_CERTIFICATE)
        return rsdk_error_set(err, RSDK_ERR_INVALID_ARG, 0, "flow is not a rentra_flow");
    if (!o->client_id || !*o->client_id) return missing(err, "client_id", o->flow);
    if (o->flow == RENTRA_FLOW_CLIENT_SECRET && (!o->client_secret || !*o->client_secret))
        return missing(err, "client_secret", o->flow);
    if (o->flow == RENTRA_FLOW_CLIENT_CERTIFICATE && !o->certificate_path)
        return missing(err, "certificate_path", o->flow);
    rsdk_status st = token_url(c, o, err);
    if (st) return st;
    if (!rentra__dup(o->client_id, &c->client_id) || !rentra__dup(o->client_secret, &c->client_secret) ||
        !rentra__dup(o->scope ? o->scope : DEFAULT_SCOPE, &c->scope))
        return RSDK_ERR_NOMEM;
    if (o->flow == RENTRA_FLOW_CLIENT_CERTIFICATE)
        return rentra__cert_load(c, o->certificate_path, o->private_key_path, err);
    return RSDK_OK;
}

rsdk_status rentra__cfg_init(rentra__cfg *c, const rentra_opts *o, rsdk_error *err) {
    memset(c, 0, sizeof *c);
    rentra_opts r = *o;
    if (o->flow == RENTRA_FLOW_DEFAULT) rentra__env_resolve(o, &r);
    rsdk_status st = check_numbers(&r, err);
    if (!st) st = flow_init(c, &r, err);
    if (!st && (!rentra__dup(r.username_claim ? r.username_claim : "oid", &c->claim) ||
                !rentra__dup(r.ca_file, &c->ca_file) || !rentra__dup(r.ca_path, &c->ca_path)))
        st = RSDK_ERR_NOMEM;
    if (st) {
        if (st == RSDK_ERR_NOMEM) rsdk_error_set(err, st, 0, "out of memory copying the options");
        rentra__cfg_deinit(c);
        return st;
    }
    c->connect_timeout_ms = r.connect_timeout_ms;
    c->timeout_ms = r.timeout_ms;
    c->max_response_bytes = r.max_response_bytes;
    return RSDK_OK;
}

void rentra__cfg_deinit(rentra__cfg *c) {
    char **strs[] = {&c->url, &c->client_id, &c->client_secret, &c->identity_header, &c->scope,
                     &c->claim, &c->ca_file, &c->ca_path, &c->x5t, &c->x5t_s256};
    for (size_t i = 0; i < sizeof strs / sizeof strs[0]; i++) rentra__free_secret(*strs[i]);
    EVP_PKEY_free(c->key);
    memset(c, 0, sizeof *c);
}
