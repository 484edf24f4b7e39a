/*
 * libworkers.h - the umbrella header: includes every public module.
 */
#ifndef LIBWORKERS_H
#define LIBWORKERS_H

#include "libworkers/common.h"
#include "libworkers/attrs.h"
#include "libworkers/expr.h"
#include "libworkers/store.h"
#include "libworkers/rest.h"

#endif /* LIBWORKERS_H */
