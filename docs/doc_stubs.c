/* Definitions of what the pages' examples only declare (the reader's own
 * code), so //docs:test_doc_blocks links. The blocks are never run. */
#include <stddef.h>
#include <stdint.h>

struct my_idp;
int my_idp_get_token(struct my_idp *idp, char *token, size_t size, int64_t *expires_at_ms);

/* docs/credentials.md: an identity provider's client */
int my_idp_get_token(struct my_idp *idp, char *token, size_t size, int64_t *expires_at_ms) {
    (void)idp, (void)token, (void)size, (void)expires_at_ms;
    return -1;
}
