#ifndef OPENRUN_CARCHIVE_H
#define OPENRUN_CARCHIVE_H
#include <archive.h>
#include <archive_entry.h>

/// Loads libarchive (first use): 0, or -1 with why in `error`.
int openrun_archive_load(char *error, unsigned long size);
#endif
