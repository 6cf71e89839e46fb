/* A fixture for test_no_circles: ping.c and pong.c include each other's
 * header, so the script must find one circle here. Never compiled. */
#include "pong.h"
