/* A throwaway PKI for the TLS tests, made with OpenSSL's C API so the tests
 * need no `openssl` command. */
#include "certs.h"

#include <errno.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

typedef struct ext {
    int nid;
    const char *value;
} ext;

static const ext ca_exts[] = {
    {NID_basic_constraints, "critical,CA:TRUE"},
    {NID_key_usage, "critical,keyCertSign,cRLSign"},
    {NID_subject_key_identifier, "hash"},
    {0, NULL},
};

static const ext server_exts[] = {
    {NID_basic_constraints, "critical,CA:FALSE"},
    {NID_key_usage, "critical,digitalSignature,keyEncipherment"},
    {NID_ext_key_usage, "serverAuth"},
    {NID_subject_alt_name, "DNS:localhost,IP:127.0.0.1,IP:::1"},
    {NID_subject_key_identifier, "hash"},
    {NID_authority_key_identifier, "keyid:always"},
    {0, NULL},
};

static const ext client_exts[] = {
    {NID_basic_constraints, "critical,CA:FALSE"},
    {NID_key_usage, "critical,digitalSignature"},
    {NID_ext_key_usage, "clientAuth"},
    {NID_subject_key_identifier, "hash"},
    {NID_authority_key_identifier, "keyid:always"},
    {0, NULL},
};

/* A certificate for `key` named `cn`, signed by issuer/issuer_key, or
 * self-signed when issuer is NULL. NULL on failure. */
static X509 *make_cert(EVP_PKEY *key, const char *cn, X509 *issuer, EVP_PKEY *issuer_key,
                       long serial, const ext *exts) {
    X509 *x = X509_new();
    if (!x) return NULL;
    bool ok = X509_set_version(x, 2) && ASN1_INTEGER_set(X509_get_serialNumber(x), serial) &&
              X509_gmtime_adj(X509_getm_notBefore(x), -3600) &&
              X509_gmtime_adj(X509_getm_notAfter(x), 7L * 24 * 3600) && X509_set_pubkey(x, key) &&
              X509_NAME_add_entry_by_txt(X509_get_subject_name(x), "O", MBSTRING_ASC,
                                         (const unsigned char *)"rsdk tests", -1, -1, 0) &&
              X509_NAME_add_entry_by_txt(X509_get_subject_name(x), "CN", MBSTRING_ASC,
                                         (const unsigned char *)cn, -1, -1, 0) &&
              X509_set_issuer_name(x, X509_get_subject_name(issuer ? issuer : x));
    X509V3_CTX v3;
    X509V3_set_ctx_nodb(&v3);
    X509V3_set_ctx(&v3, issuer ? issuer : x, x, NULL, NULL, 0);
    for (const ext *e = exts; ok && e->nid; e++) {
        X509_EXTENSION *xe = X509V3_EXT_nconf_nid(NULL, &v3, e->nid, e->value);
        ok = xe && X509_add_ext(x, xe, -1);
        X509_EXTENSION_free(xe);
    }
    if (ok) ok = X509_sign(x, issuer ? issuer_key : key, EVP_sha256()) > 0;
    if (!ok) {
        X509_free(x);
        return NULL;
    }
    return x;
}

static bool write_cert(const char *path, X509 *x) {
    FILE *f = fopen(path, "w");
    if (!f) return false;
    bool ok = PEM_write_X509(f, x) == 1;
    return fclose(f) == 0 && ok;
}

static bool write_key(const char *path, EVP_PKEY *k) {
    FILE *f = fopen(path, "w");
    if (!f) return false;
    bool ok = PEM_write_PrivateKey(f, k, NULL, NULL, 0, NULL, NULL) == 1;
    return fclose(f) == 0 && ok;
}

/* The key encrypted with a password, as a user might hand it over. */
static bool write_encrypted_key(const char *path, EVP_PKEY *k) {
    FILE *f = fopen(path, "w");
    if (!f) return false;
    static const char pass[] = "secret";
    bool ok = PEM_write_PKCS8PrivateKey(f, k, EVP_aes_256_cbc(), pass, (int)sizeof pass - 1, NULL,
                                        NULL) == 1;
    return fclose(f) == 0 && ok;
}

static void set_why(char *why, size_t n, const char *what) {
    unsigned long e = ERR_get_error();
    char text[160] = "";
    if (e) ERR_error_string_n(e, text, sizeof text);
    snprintf(why, n, "%s%s%s", what, e ? ": " : "", text);
    ERR_clear_error();
}

static void paths(tls_certs *c) {
    snprintf(c->ca_file, sizeof c->ca_file, "%s/ca.pem", c->dir);
    snprintf(c->ca_dir, sizeof c->ca_dir, "%s/cadir", c->dir);
    snprintf(c->other_ca_file, sizeof c->other_ca_file, "%s/other-ca.pem", c->dir);
    snprintf(c->server_cert, sizeof c->server_cert, "%s/server.pem", c->dir);
    snprintf(c->server_key, sizeof c->server_key, "%s/server.key", c->dir);
    snprintf(c->client_cert, sizeof c->client_cert, "%s/client.pem", c->dir);
    snprintf(c->client_key, sizeof c->client_key, "%s/client.key", c->dir);
    snprintf(c->client_key_encrypted, sizeof c->client_key_encrypted, "%s/client-enc.key", c->dir);
}

bool tls_certs_make(tls_certs *c, char *why, size_t why_len) {
    memset(c, 0, sizeof *c);
    const char *tmp = getenv("TEST_TMPDIR");
    if (!tmp || !*tmp || strlen(tmp) > 120) tmp = "/tmp";
    snprintf(c->dir, sizeof c->dir, "%s/rsdk-pki-XXXXXX", tmp);
    if (!mkdtemp(c->dir)) {
        snprintf(why, why_len, "mkdtemp: %s", strerror(errno));
        c->dir[0] = '\0';
        return false;
    }
    paths(c);
    EVP_PKEY *ca_key = EVP_EC_gen("P-256"), *other_key = EVP_EC_gen("P-256");
    EVP_PKEY *srv_key = EVP_EC_gen("P-256"), *cli_key = EVP_EC_gen("P-256");
    X509 *ca = NULL, *other = NULL, *srv = NULL, *cli = NULL;
    bool ok = false;
    if (!ca_key || !other_key || !srv_key || !cli_key) {
        set_why(why, why_len, "key generation failed");
        goto done;
    }
    ca = make_cert(ca_key, "rsdk test CA", NULL, NULL, 1, ca_exts);
    other = make_cert(other_key, "unrelated test CA", NULL, NULL, 1, ca_exts);
    srv = ca ? make_cert(srv_key, "localhost", ca, ca_key, 2, server_exts) : NULL;
    cli = ca ? make_cert(cli_key, "rsdk-test-client", ca, ca_key, 3, client_exts) : NULL;
    if (!ca || !other || !srv || !cli) {
        set_why(why, why_len, "certificate creation failed");
        goto done;
    }
    if (mkdir(c->ca_dir, 0700) != 0) {
        snprintf(why, why_len, "mkdir %s: %s", c->ca_dir, strerror(errno));
        goto done;
    }
    snprintf(c->hashed_ca, sizeof c->hashed_ca, "%s/%08lx.0", c->ca_dir,
             X509_NAME_hash_ex(X509_get_subject_name(ca), NULL, NULL, NULL));
    if (!write_cert(c->ca_file, ca) || !write_cert(c->hashed_ca, ca) ||
        !write_cert(c->other_ca_file, other) || !write_cert(c->server_cert, srv) ||
        !write_key(c->server_key, srv_key) || !write_cert(c->client_cert, cli) ||
        !write_key(c->client_key, cli_key) || !write_encrypted_key(c->client_key_encrypted, cli_key)) {
        set_why(why, why_len, "writing the PEM files failed");
        goto done;
    }
    ok = true;
done:
    X509_free(ca);
    X509_free(other);
    X509_free(srv);
    X509_free(cli);
    EVP_PKEY_free(ca_key);
    EVP_PKEY_free(other_key);
    EVP_PKEY_free(srv_key);
    EVP_PKEY_free(cli_key);
    if (!ok) tls_certs_remove(c);
    return ok;
}

void tls_certs_remove(tls_certs *c) {
    if (!c->dir[0]) return;
    const char *files[] = {c->hashed_ca,  c->ca_file,     c->other_ca_file,
                           c->server_cert, c->server_key, c->client_cert,
                           c->client_key, c->client_key_encrypted};
    for (size_t i = 0; i < sizeof files / sizeof files[0]; i++)
        if (files[i][0]) unlink(files[i]);
    rmdir(c->ca_dir);
    rmdir(c->dir);
    c->dir[0] = '\0';
}

bool tls_certs_make_or_say(tls_certs *c) {
    char why[300];
    if (tls_certs_make(c, why, sizeof why)) return true;
    fprintf(stderr, "cannot make the test certificates: %s\n", why);
    return false;
}
