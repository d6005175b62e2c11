#ifndef OPENRUN_CYAML_SHIM_H
#define OPENRUN_CYAML_SHIM_H
#include <yaml.h>
#endif
