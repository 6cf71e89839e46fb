/* tests/tls/certs.h — a throwaway PKI made at test time with OpenSSL.
 *
 * One test CA signs a server certificate (CN=localhost, SAN DNS:localhost,
 * IP:127.0.0.1, IP:::1) and a client certificate (CN=rsdk-test-client); a
 * second, unrelated CA signs nothing we meet. Keys are P-256, certificates
 * valid from an hour ago for a week. Files are PEM in a fresh directory
 * under $TEST_TMPDIR (or /tmp); ca_dir holds the CA under its OpenSSL
 * subject hash ("<hash>.0"), for tls_ca_dir. */
#ifndef RSDK_TESTS_TLS_CERTS_H
#define RSDK_TESTS_TLS_CERTS_H

#include <stdbool.h>
#include <stddef.h>

typedef struct tls_certs {
    char dir[256];
    char ca_file[320], ca_dir[320], other_ca_file[320];
    char server_cert[320], server_key[320];
    char client_cert[320], client_key[320];
    char client_key_encrypted[320]; /* the same key, AES-encrypted ("secret") */
    char hashed_ca[400]; /* the file inside ca_dir */
} tls_certs;

/* Makes every file. On failure writes the reason into why[] and returns
 * false (whatever was made is removed). */
bool tls_certs_make(tls_certs *c, char *why, size_t why_len);

/* tls_certs_make for a test's setup: on failure prints the reason to
 * stderr ("cannot make the test certificates: ...") and returns false. */
bool tls_certs_make_or_say(tls_certs *c);

/* Removes the files and the directory. Safe on a zeroed struct. */
void tls_certs_remove(tls_certs *c);

#endif
