#ifndef OPENRUN_CARCHIVE_SHIM_H
#define OPENRUN_CARCHIVE_SHIM_H
#include <archive.h>
#include <archive_entry.h>
#endif
