/* Internal: providers owned by another rsdk object (the token manager). */
#ifndef RSDK_SRC_CRED_PROVIDER_H
#define RSDK_SRC_CRED_PROVIDER_H

#include "rsdk/credentials.h"

/* Like rsdk_credentials_provider_new, but the public _free ignores the
 * result: the owner releases it with rsdk__credentials_provider_destroy. */
rsdk_status rsdk__credentials_provider_new_owned(const rsdk_credentials_provider_ops *ops,
                                                 void *self, rsdk_credentials_provider **out);
void rsdk__credentials_provider_destroy(rsdk_credentials_provider *p);

#endif
