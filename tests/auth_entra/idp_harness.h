/* tests/auth_entra/idp_harness.h — the identity provider for the auth_entra
 * tests: idp.js (oauth2-mock-server with Entra-like hooks, and a stand-in
 * for Azure's managed-identity endpoints) run by Node on free ports, next to
 * the throwaway redis-server of tests/support.
 *
 * Node and the npm package are found at test time: `node` on PATH (or
 * $RSDK_NODE, passed with --test_env=RSDK_NODE), the package in
 * tests/auth_entra/node_modules (npm ci, see tools/deps.sh), found next to
 * idp.js's real path. When either is missing the group is skipped with the
 * reason printed — unless RSDK_REQUIRE_SERVER=1, when setup fails. */
#ifndef RSDK_TESTS_ENTRA_IDP_HARNESS_H
#define RSDK_TESTS_ENTRA_IDP_HARNESS_H

#include <pthread.h>
#include <sys/types.h>
#include <time.h>

#include "rsdk/auth_entra.h"
#include "support/live.h"

/* The IdP's fixed clients and identities (idp.js config). */
#define IDP_TENANT "contoso-tenant"
#define IDP_SECRET_CLIENT "app-secret"
#define IDP_SECRET "s3cret-Value~42"
#define IDP_SECRET_OID "oid-app-secret"
#define IDP_CERT_CLIENT "app-cert"
#define IDP_CERT_OID "oid-app-cert"
#define IDP_MI_SYSTEM_OID "oid-mi-system"
#define IDP_MI_CLIENT_ID "mi-client-1"
#define IDP_MI_OBJECT_ID "mi-object-1"
#define IDP_MI_RESOURCE_ID "/subscriptions/s1/resourceGroups/g/providers/Microsoft.ManagedIdentity/userAssignedIdentities/mi1"
#define IDP_MI_USER_OID "oid-mi-user"
#define IDP_IDENTITY_HEADER "app-service-header-value"

typedef struct entra_idp_conf {
    int ttl_s;                /* token lifetime; 0 = 3 */
    bool tls;                 /* serve the token endpoint over HTTPS */
} entra_idp_conf;

typedef struct entra_idp {
    pid_t pid;
    int stdin_fd;             /* closing it ends the IdP */
    int port, control_port, msi_port;
    char dir[256];            /* config, certificates, log */
    char authority[64];       /* http(s)://127.0.0.1:port */
    char imds_url[128];       /* the instance-metadata stand-in's token URL */
    char app_service_url[128];
    char cert_pem[320];       /* app-cert's certificate (RSA) */
    char key_pem[320];        /* ... and its key */
    char both_pem[320];       /* app-cert's key and certificate in one file */
    char other_cert_pem[320]; /* a certificate the IdP does not know */
    char other_key_pem[320];
    char ca_pem[320];         /* tls: the CA that signed the IdP's certificate */
    char other_ca_pem[320];   /* tls: a CA that did not */
} entra_idp;

/* One test group's world: redis-server and the IdP. */
typedef struct entra_env {
    rsdk_test_server *srv;
    entra_idp idp;
} entra_env;

/* cmocka group setup / teardown: redis-server (tests/support) and the IdP
 * with `conf` (NULL = defaults). Absent Node, package or server: prints
 * why, sets *state NULL and returns 0 (the tests skip) — or returns -1 with
 * RSDK_REQUIRE_SERVER=1. */
int entra_env_setup_with(void **state, const entra_idp_conf *conf);
int entra_env_setup(void **state);
int entra_env_teardown(void **state);

/* A GET on the IdP's control port ("/fail?status=429&count=1"); fails the
 * test unless it answers 200. */
void entra_idp_control(entra_idp *d, const char *path);

/* What the IdP has seen since start or /reset. */
typedef struct entra_idp_stats {
    long token;               /* requests to the token endpoint */
    long msi;                 /* requests to the managed-identity stand-in */
    long issued;              /* tokens issued */
    long long times[256];     /* arrival of each request, wall ms */
    size_t ntimes;
} entra_idp_stats;

void entra_idp_stats_get(entra_idp *d, entra_idp_stats *out);

/* rentra_opts_init plus the client-secret flow against this IdP, with short
 * retry delays and min_lead_ms 0 (lifetimes here are seconds). */
void entra_opts_secret(const entra_env *env, rentra_opts *o);

/* rentra_opts_init plus App Service's managed identity on the stand-in
 * (system-assigned), min_lead_ms 0. */
void entra_opts_app_service(const entra_env *env, rentra_opts *o);

/* A provider for `o`; fails the test (with the error) unless it was made. */
rsdk_credentials_provider *entra_provider(const rentra_opts *o);

/* A provider for `o` hands out `user` as the username. */
void entra_expect_user(const rentra_opts *o, const char *user);

/* rentra_provider_new(o) fails with `want`, its message holding `text` and
 * no secret. */
void entra_expect_new_fails(const rentra_opts *o, rsdk_status want, const char *text);

/* Client options for the env's server logging in through `p`. */
void entra_client_opts(const entra_env *env, rsdk_client_opts *o, rsdk_credentials_provider *p);

/* Events of one provider (TOKEN_*, REAUTH_*), recorded with their text. */
typedef struct entra_event {
    rsdk_event_type type;
    rsdk_status status;       /* token_failed / reauth status */
    uint32_t attempt;
    uint32_t retry_in_ms;
    bool will_retry, terminal;
    char message[256];
    long long at_ms;          /* rsdk_test_now_ms() on arrival */
} entra_event;

#define ENTRA_MAX_EVENTS 512

typedef struct entra_events {
    rsdk_events *bus;
    pthread_mutex_t mu;
    entra_event ev[ENTRA_MAX_EVENTS];
    size_t n;
} entra_events;

/* Creates the dispatcher with a listener recording TOKEN_* and REAUTH_*
 * events (up to ENTRA_MAX_EVENTS); fails the test on error. */
void entra_events_init(entra_events *r);
void entra_events_deinit(entra_events *r);
size_t entra_events_count(entra_events *r, rsdk_event_type t);
/* Copies the last event of type t; false when there is none. */
bool entra_events_last(entra_events *r, rsdk_event_type t, entra_event *out);
/* Fails the test unless `text` holds neither the client secret nor a token. */
void entra_assert_no_secret(const char *text);

/* Waits up to `ms` for `cond` to hold, polling every 10 ms. */
#define ENTRA_WAIT(cond, ms)                                                              \
    do {                                                                                  \
        long long until_ = rsdk_test_now_ms() + (ms);                                     \
        while (!(cond) && rsdk_test_now_ms() < until_) rsdk_test_sleep_ms(10);            \
    } while (0)

/* Skips the test when the group has no environment. */
#define ENTRA_NEED(state) RSDK_TEST_NEED_SERVER(state)

#endif
