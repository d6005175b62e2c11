#ifndef OPENRUN_CGIT2_SHIM_H
#define OPENRUN_CGIT2_SHIM_H
#include <git2.h>
#endif
