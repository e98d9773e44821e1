#ifndef EVENTD_CLIBPQ_SHIM_H
#define EVENTD_CLIBPQ_SHIM_H
// libpq's header lives in /usr/include/postgresql on Debian; pkg-config adds that path.
#include <libpq-fe.h>
#endif
