/* Starts idp.js under Node next to the test redis-server; see idp_harness.h. */
#include "idp_harness.h"

#include <curl/curl.h>
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

static bool required(void) {
    const char *r = getenv("RSDK_REQUIRE_SERVER");
    return r && strcmp(r, "1") == 0;
}

/* `name` on PATH, or $RSDK_NODE. */
static bool find_node(char *out, size_t n) {
    const char *env = getenv("RSDK_NODE");
    if (env && *env) {
        snprintf(out, n, "%s", env);
        return access(out, X_OK) == 0;
    }
    const char *path = getenv("PATH");
    for (const char *p = path; p && *p;) {
        const char *end = strchr(p, ':');
        size_t len = end ? (size_t)(end - p) : strlen(p);
        snprintf(out, n, "%.*s/node", (int)len, p);
        if (len && access(out, X_OK) == 0) return true;
        p = end ? end + 1 : NULL;
    }
    return false;
}

/* idp.js through the runfiles, resolved to the source tree, where npm ci
 * put node_modules next to it. */
static bool find_script(char *script, size_t n, char *why, size_t wn) {
    const char *src = getenv("TEST_SRCDIR"), *ws = getenv("TEST_WORKSPACE");
    char link[PATH_MAX];
    snprintf(link, sizeof link, "%s/%s/tests/auth_entra/idp.js", src ? src : ".", ws ? ws : "rsdk");
    if (!realpath(link, script)) {
        snprintf(why, wn, "tests/auth_entra/idp.js not found (%s)", link);
        return false;
    }
    char pkg[PATH_MAX + 64];
    snprintf(pkg, sizeof pkg, "%s", script);
    char *slash = strrchr(pkg, '/');
    snprintf(slash, sizeof pkg - (size_t)(slash - pkg), "/node_modules/oauth2-mock-server/package.json");
    (void)n;
    if (access(pkg, R_OK) != 0) {
        snprintf(why, wn, "oauth2-mock-server is not installed (run: npm ci --prefix tests/auth_entra)");
        return false;
    }
    return true;
}

static bool run_sh(const entra_idp *d, const char *cmd) {
    char line[2048];
    snprintf(line, sizeof line, "cd '%s' && (%s) >>idp-setup.log 2>&1", d->dir, cmd);
    int rc = system(line);
    return rc == 0;
}

/* Certificates made now with the openssl command: app-cert's RSA pair, an
 * unknown pair, and for TLS a CA, a server certificate for 127.0.0.1 and an
 * unrelated CA. */
static bool make_certs(entra_idp *d, bool tls) {
    snprintf(d->cert_pem, sizeof d->cert_pem, "%s/app.crt", d->dir);
    snprintf(d->key_pem, sizeof d->key_pem, "%s/app.key", d->dir);
    snprintf(d->both_pem, sizeof d->both_pem, "%s/app-both.pem", d->dir);
    snprintf(d->other_cert_pem, sizeof d->other_cert_pem, "%s/other.crt", d->dir);
    snprintf(d->other_key_pem, sizeof d->other_key_pem, "%s/other.key", d->dir);
    bool ok = run_sh(d, "openssl req -x509 -newkey rsa:2048 -nodes -keyout app.key -out app.crt "
                        "-days 2 -subj /CN=app-cert && cat app.key app.crt > app-both.pem") &&
              run_sh(d, "openssl req -x509 -newkey rsa:2048 -nodes -keyout other.key -out other.crt "
                        "-days 2 -subj /CN=other");
    if (!ok || !tls) return ok;
    snprintf(d->ca_pem, sizeof d->ca_pem, "%s/ca.crt", d->dir);
    snprintf(d->other_ca_pem, sizeof d->other_ca_pem, "%s/other-ca.crt", d->dir);
    return run_sh(d, "openssl req -x509 -newkey rsa:2048 -nodes -keyout ca.key -out ca.crt -days 2 "
                     "-subj /CN=test-ca && "
                     "openssl req -x509 -newkey rsa:2048 -nodes -keyout other-ca.key -out other-ca.crt "
                     "-days 2 -subj /CN=other-ca && "
                     "openssl req -newkey rsa:2048 -nodes -keyout srv.key -out srv.csr -subj /CN=127.0.0.1 && "
                     "printf 'subjectAltName=IP:127.0.0.1\\n' > srv.ext && "
                     "openssl x509 -req -in srv.csr -CA ca.crt -CAkey ca.key -CAcreateserial "
                     "-out srv.crt -days 2 -extfile srv.ext");
}

static bool write_config(entra_idp *d, const entra_idp_conf *c, const char *redis_socket,
                         char *path, size_t n) {
    snprintf(path, n, "%s/idp.json", d->dir);
    char srv_key[320], srv_crt[320];
    snprintf(srv_key, sizeof srv_key, "%s/srv.key", d->dir);
    snprintf(srv_crt, sizeof srv_crt, "%s/srv.crt", d->dir);
    json_t *j = json_pack(
        "{s:i, s:s, s:s, s:{s:{s:s, s:s}, s:{s:s, s:s}}, s:{s:s, s:s, s:s, s:s}}",
        "ttl_s", c && c->ttl_s ? c->ttl_s : 3, "redis_socket", redis_socket, "identity_header",
        IDP_IDENTITY_HEADER, "clients", IDP_SECRET_CLIENT, "secret", IDP_SECRET, "oid",
        IDP_SECRET_OID, IDP_CERT_CLIENT, "cert", d->cert_pem, "oid", IDP_CERT_OID, "identities",
        "system", IDP_MI_SYSTEM_OID, IDP_MI_CLIENT_ID, IDP_MI_USER_OID, IDP_MI_OBJECT_ID,
        IDP_MI_USER_OID, IDP_MI_RESOURCE_ID, IDP_MI_USER_OID);
    if (j && c && c->tls) {
        json_object_set_new(j, "tls_key", json_string(srv_key));
        json_object_set_new(j, "tls_cert", json_string(srv_crt));
    }
    bool ok = j && json_dump_file(j, path, 0) == 0;
    json_decref(j);
    return ok;
}

/* Reads the READY line (20 s at most). */
static bool read_ready(entra_idp *d, int fd) {
    char buf[256];
    size_t len = 0;
    long long until = rsdk_test_now_ms() + 20000;
    while (len < sizeof buf - 1 && rsdk_test_now_ms() < until) {
        struct pollfd p = {fd, POLLIN, 0};
        if (poll(&p, 1, 100) <= 0) continue;
        ssize_t r = read(fd, buf + len, sizeof buf - 1 - len);
        if (r <= 0) return false;
        len += (size_t)r;
        buf[len] = '\0';
        if (strchr(buf, '\n'))
            return sscanf(buf, "READY %d %d %d", &d->port, &d->control_port, &d->msi_port) == 3;
    }
    return false;
}

static bool spawn(entra_idp *d, const char *node, const char *script, const char *cfg) {
    int in[2], out[2];
    if (pipe(in) != 0) return false;
    if (pipe(out) != 0) {
        close(in[0]);
        close(in[1]);
        return false;
    }
    char log[320];
    snprintf(log, sizeof log, "%s/idp.log", d->dir);
    d->pid = fork();
    if (d->pid == 0) {
        int lfd = open(log, O_WRONLY | O_CREAT | O_APPEND, 0600);
        dup2(in[0], 0);
        dup2(out[1], 1);
        if (lfd >= 0) dup2(lfd, 2);
        close(in[1]);
        close(out[0]);
        execl(node, "node", script, cfg, (char *)NULL);
        _exit(127);
    }
    close(in[0]);
    close(out[1]);
    d->stdin_fd = in[1];
    bool ok = d->pid > 0 && read_ready(d, out[0]);
    close(out[0]);
    if (!ok && d->pid > 0) print_message("idp did not start; see %s\n", log);
    return ok;
}

static void idp_stop(entra_idp *d) {
    if (d->stdin_fd > 0) close(d->stdin_fd);
    d->stdin_fd = -1;
    if (d->pid > 0) {
        for (int i = 0; i < 100 && waitpid(d->pid, NULL, WNOHANG) == 0; i++) rsdk_test_sleep_ms(20);
        kill(d->pid, SIGKILL);
        waitpid(d->pid, NULL, 0);
        d->pid = 0;
    }
    if (d->dir[0]) {
        char cmd[300];
        snprintf(cmd, sizeof cmd, "rm -rf '%s'", d->dir);
        if (system(cmd) != 0) print_message("could not remove %s\n", d->dir);
    }
}

static int not_here(const char *why) {
    print_message("auth_entra: %s%s\n", why, required() ? " (required: RSDK_REQUIRE_SERVER=1)" : "; skipping");
    return required() ? -1 : 0;
}

static bool idp_start(entra_idp *d, const entra_idp_conf *c, const rsdk_test_server *srv) {
    const char *tmp = getenv("TEST_TMPDIR");
    snprintf(d->dir, sizeof d->dir, "%s/entra-XXXXXX", tmp ? tmp : "/tmp");
    if (!mkdtemp(d->dir)) return false;
    char node[PATH_MAX], script[PATH_MAX], why[300], cfg[320];
    if (!find_node(node, sizeof node) || !find_script(script, sizeof script, why, sizeof why)) return false;
    if (!make_certs(d, c && c->tls)) {
        print_message("auth_entra: openssl could not make the test certificates\n");
        return false;
    }
    if (!write_config(d, c, srv->unix_path, cfg, sizeof cfg)) return false;
    snprintf(d->authority, sizeof d->authority, "%s://127.0.0.1:%d", c && c->tls ? "https" : "http", d->port);
    if (!spawn(d, node, script, cfg)) return false;
    snprintf(d->authority, sizeof d->authority, "%s://127.0.0.1:%d", c && c->tls ? "https" : "http", d->port);
    snprintf(d->imds_url, sizeof d->imds_url, "http://127.0.0.1:%d/metadata/identity/oauth2/token", d->msi_port);
    snprintf(d->app_service_url, sizeof d->app_service_url, "http://127.0.0.1:%d/msi/token", d->msi_port);
    return true;
}

int entra_env_setup_with(void **state, const entra_idp_conf *conf) {
    *state = NULL;
    char node[PATH_MAX], script[PATH_MAX], why[300];
    if (!find_node(node, sizeof node)) return not_here("node is not installed");
    if (!find_script(script, sizeof script, why, sizeof why)) return not_here(why);
    void *srv_state = NULL;
    if (rsdk_test_server_group_setup(&srv_state) != 0) return -1;
    if (!srv_state) return 0;
    entra_env *env = calloc(1, sizeof *env);
    if (!env) return -1;
    env->srv = srv_state;
    if (!idp_start(&env->idp, conf, env->srv)) {
        idp_stop(&env->idp);
        rsdk_test_server_group_teardown(&srv_state);
        free(env);
        print_message("auth_entra: the identity provider could not be started\n");
        return -1;
    }
    *state = env;
    return 0;
}

int entra_env_setup(void **state) { return entra_env_setup_with(state, NULL); }

int entra_env_teardown(void **state) {
    entra_env *env = *state;
    if (!env) return 0;
    idp_stop(&env->idp);
    void *srv_state = env->srv;
    rsdk_test_server_group_teardown(&srv_state);
    free(env);
    *state = NULL;
    return 0;
}

typedef struct body {
    char buf[65536];
    size_t len;
} body;

static size_t on_body(char *p, size_t size, size_t n, void *ud) {
    body *b = ud;
    size_t len = size * n;
    if (len > sizeof b->buf - 1 - b->len) return 0;
    memcpy(b->buf + b->len, p, len);
    b->len += len;
    b->buf[b->len] = '\0';
    return len;
}

static void control_get(entra_idp *d, const char *path, body *b) {
    char url[512];
    snprintf(url, sizeof url, "http://127.0.0.1:%d%s", d->control_port, path);
    b->len = 0;
    b->buf[0] = '\0';
    CURL *e = curl_easy_init();
    assert_non_null(e);
    curl_easy_setopt(e, CURLOPT_URL, url);
    curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, on_body);
    curl_easy_setopt(e, CURLOPT_WRITEDATA, b);
    curl_easy_setopt(e, CURLOPT_TIMEOUT_MS, 10000L);
    curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
    CURLcode rc = curl_easy_perform(e);
    long status = 0;
    curl_easy_getinfo(e, CURLINFO_RESPONSE_CODE, &status);
    curl_easy_cleanup(e);
    if (rc != CURLE_OK || status != 200) fail_msg("idp control %s: %s, HTTP %ld", path, curl_easy_strerror(rc), status);
}

void entra_idp_control(entra_idp *d, const char *path) {
    body b;
    control_get(d, path, &b);
}

void entra_idp_stats_get(entra_idp *d, entra_idp_stats *out) {
    body b;
    control_get(d, "/stats", &b);
    memset(out, 0, sizeof *out);
    json_error_t je;
    json_t *j = json_loads(b.buf, 0, &je);
    assert_non_null(j);
    out->token = (long)json_integer_value(json_object_get(j, "token"));
    out->msi = (long)json_integer_value(json_object_get(j, "msi"));
    out->issued = (long)json_integer_value(json_object_get(j, "issued"));
    json_t *t = json_object_get(j, "times");
    for (size_t i = 0; i < json_array_size(t) && i < 256; i++) {
        json_t *v = json_array_get(t, i);
        out->times[out->ntimes++] = json_is_integer(v) ? (long long)json_integer_value(v)
                                                       : (long long)json_number_value(v);
    }
    json_decref(j);
}

void entra_opts_secret(const entra_env *env, rentra_opts *o) {
    rentra_opts_init(o);
    o->flow = RENTRA_FLOW_CLIENT_SECRET;
    o->authority = env->idp.authority;
    o->tenant_id = IDP_TENANT;
    o->client_id = IDP_SECRET_CLIENT;
    o->client_secret = IDP_SECRET;
    o->min_lead_ms = 0;
    o->retry_backoff.base_ms = 50;
    o->retry_backoff.cap_ms = 400;
}

void entra_opts_app_service(const entra_env *env, rentra_opts *o) {
    rentra_opts_init(o);
    o->flow = RENTRA_FLOW_MANAGED_IDENTITY;
    o->identity_endpoint = env->idp.app_service_url;
    o->identity_header = IDP_IDENTITY_HEADER;
    o->min_lead_ms = 0;
}

rsdk_credentials_provider *entra_provider(const rentra_opts *o) {
    rsdk_credentials_provider *p = NULL;
    rsdk_error err;
    rsdk_error_clear(&err);
    rsdk_status st = rentra_provider_new(o, &p, &err);
    if (st != RSDK_OK) fail_msg("rentra_provider_new: %s: %s", rsdk_status_name(st), err.message);
    return p;
}

void entra_expect_user(const rentra_opts *o, const char *user) {
    rsdk_credentials_provider *p = entra_provider(o);
    rsdk_credentials c = {0};
    rsdk_error err;
    if (rsdk_credentials_provider_get(p, &c, &err) != RSDK_OK) fail_msg("get: %s", err.message);
    assert_string_equal(c.username, user);
    rsdk_credentials_deinit(&c);
    rsdk_credentials_provider_free(p);
}

void entra_expect_new_fails(const rentra_opts *o, rsdk_status want, const char *text) {
    rsdk_credentials_provider *p = NULL;
    rsdk_error err;
    rsdk_error_clear(&err);
    assert_int_equal(rentra_provider_new(o, &p, &err), want);
    assert_null(p);
    assert_int_equal(err.code, want);
    print_message("%s\n", err.message);
    if (!strstr(err.message, text)) fail_msg("'%s' not in '%s'", text, err.message);
    entra_assert_no_secret(err.message);
}

void entra_client_opts(const entra_env *env, rsdk_client_opts *o, rsdk_credentials_provider *p) {
    rsdk_test_server_client_opts(env->srv, o, true);
    o->credentials = p;
}

static void record(const rsdk_event *ev, void *ud) {
    entra_events *r = ud;
    pthread_mutex_lock(&r->mu);
    if (r->n < ENTRA_MAX_EVENTS) {
        entra_event *e = &r->ev[r->n++];
        memset(e, 0, sizeof *e);
        e->type = ev->type;
        e->at_ms = rsdk_test_now_ms();
        const char *msg = NULL;
        if (ev->type == RSDK_EVENT_TOKEN_REFRESH_FAILED) {
            e->status = ev->token_failed.status;
            e->attempt = ev->token_failed.attempt;
            e->retry_in_ms = ev->token_failed.retry_in_ms;
            e->will_retry = ev->token_failed.will_retry;
            e->terminal = ev->token_failed.terminal;
            msg = ev->token_failed.message;
        } else if (ev->type == RSDK_EVENT_REAUTH_FAILED) {
            e->status = ev->reauth.status;
            msg = ev->reauth.message;
        }
        if (msg) snprintf(e->message, sizeof e->message, "%s", msg);
    }
    pthread_mutex_unlock(&r->mu);
}

void entra_events_init(entra_events *r) {
    memset(r, 0, sizeof *r);
    pthread_mutex_init(&r->mu, NULL);
    assert_int_equal(rsdk_events_new(&r->bus), RSDK_OK);
    /* Only what the tests count: pools emit an event per acquire. */
    uint32_t mask = RSDK_EVENT_MASK(RSDK_EVENT_TOKEN_REFRESHED) |
                    RSDK_EVENT_MASK(RSDK_EVENT_TOKEN_REFRESH_FAILED) |
                    RSDK_EVENT_MASK(RSDK_EVENT_REAUTH_REQUIRED) |
                    RSDK_EVENT_MASK(RSDK_EVENT_REAUTH_SUCCEEDED) |
                    RSDK_EVENT_MASK(RSDK_EVENT_REAUTH_FAILED);
    assert_int_equal(rsdk_events_subscribe(r->bus, mask, record, r, NULL), RSDK_OK);
}

void entra_events_deinit(entra_events *r) {
    rsdk_events_free(r->bus);
    pthread_mutex_destroy(&r->mu);
}

size_t entra_events_count(entra_events *r, rsdk_event_type t) {
    size_t k = 0;
    pthread_mutex_lock(&r->mu);
    for (size_t i = 0; i < r->n; i++) k += r->ev[i].type == t;
    pthread_mutex_unlock(&r->mu);
    return k;
}

bool entra_events_last(entra_events *r, rsdk_event_type t, entra_event *out) {
    bool found = false;
    pthread_mutex_lock(&r->mu);
    for (size_t i = r->n; i-- > 0 && !found;) {
        if (r->ev[i].type != t) continue;
        *out = r->ev[i];
        found = true;
    }
    pthread_mutex_unlock(&r->mu);
    return found;
}

void entra_assert_no_secret(const char *text) {
    /* Every token the IdP signs starts with the base64 of {"kid": */
    if (strstr(text, IDP_SECRET) || strstr(text, "eyJraWQi") || strstr(text, IDP_IDENTITY_HEADER))
        fail_msg("a secret leaked into: %s", text);
}
