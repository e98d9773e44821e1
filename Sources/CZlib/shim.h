#ifndef EVENTD_CZLIB_SHIM_H
#define EVENTD_CZLIB_SHIM_H
#include <zlib.h>
#endif
