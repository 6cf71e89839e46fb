/* Loads the certificate flow's PEM certificate and RSA key and computes the
 * thumbprints Entra matches the assertion against. */
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <stdio.h>

#include "runtime/src/base/alloc.h"
#include "entra.h"

static rsdk_status thumbprint(X509 *x, const EVP_MD *md, char **out) {
    unsigned char d[EVP_MAX_MD_SIZE];
    unsigned int n = 0;
    if (X509_digest(x, md, d, &n) != 1) return RSDK_ERR_NOMEM;
    rentra__buf b = {0};
    rsdk_status st = rentra__buf_add_b64url(&b, d, n);
    if (st) {
        rentra__buf_free(&b);
        return st;
    }
    *out = b.p; /* the buffer's block: an rsdk allocation, NUL-terminated */
    return RSDK_OK;
}

static void *read_pem(const char *path, bool key) {
    FILE *f = fopen(path, "r");
    if (!f) return NULL;
    void *v = key ? (void *)PEM_read_PrivateKey(f, NULL, NULL, NULL)
                  : (void *)PEM_read_X509(f, NULL, NULL, NULL);
    fclose(f);
    return v;
}

rsdk_status rentra__cert_load(rentra__cfg *c, const char *cert_path, const char *key_path,
                              rsdk_error *err) {
    X509 *x = read_pem(cert_path, false);
    if (!x)
        return rsdk_error_set(err, RSDK_ERR_INVALID_ARG, 0,
                              "certificate_path: no PEM certificate could be read");
    EVP_PKEY *k = read_pem(key_path ? key_path : cert_path, true);
    rsdk_status st = RSDK_OK;
    if (!k) {
        st = rsdk_error_set(err, RSDK_ERR_INVALID_ARG, 0, "%s: no unencrypted PEM private key could be read",
                            key_path ? "private_key_path" : "certificate_path");
    } else if (EVP_PKEY_base_id(k) != EVP_PKEY_RSA) {
        st = rsdk_error_set(err, RSDK_ERR_INVALID_ARG, 0, "the private key is not an RSA key (RS256)");
    } else if (X509_check_private_key(x, k) != 1) {
        st = rsdk_error_set(err, RSDK_ERR_INVALID_ARG, 0, "the private key does not match the certificate");
    } else {
        st = thumbprint(x, EVP_sha1(), &c->x5t);
        if (!st) st = thumbprint(x, EVP_sha256(), &c->x5t_s256);
        if (st) rsdk_error_set(err, st, 0, "out of memory reading the certificate");
    }
    X509_free(x);
    if (st) {
        EVP_PKEY_free(k);
        return st;
    }
    c->key = k;
    return RSDK_OK;
}
