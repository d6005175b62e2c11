#ifndef OPENRUN_CGIT2_H
#define OPENRUN_CGIT2_H
#include <git2.h>

/// Loads libgit2 (first use): 0, or -1 with why in `error`.
int openrun_git2_load(char *error, unsigned long size);
#endif
