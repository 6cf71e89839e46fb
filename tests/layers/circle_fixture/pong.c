/* The other half of the circle (see ping.c). Never compiled. */
#include "ping.h"
