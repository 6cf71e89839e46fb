/* Links the Entra ID module, whose Jansson comes from this workspace's
 * //third_party:jansson (through --@rsdk//third_party:jansson). */
#include <stdio.h>

#include "rsdk/auth_entra.h"

#ifndef CONSUMER_JANSSON
#error "rsdk's Jansson is not this workspace's //third_party:jansson"
#endif

int main(void) {
    rentra_opts o;
    rentra_opts_init(&o);
    printf("entra: default flow %s, Jansson from //third_party:jansson\n", rentra_flow_str(o.flow));
    return 0;
}
