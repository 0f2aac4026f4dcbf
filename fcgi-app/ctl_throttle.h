/* ctl_throttle.h: apitokenctl throttle: see and clear failed-password counts. */
#ifndef APITOKEN_CTL_THROTTLE_H
#define APITOKEN_CTL_THROTTLE_H

#include "ctl_util.h"

int	 ctl_throttle(struct ctl *c, int argc, char **argv);

#endif
