#ifndef CLMDB_SHIM_H
#define CLMDB_SHIM_H
#include <lmdb.h>

/* Asks the processor to bring the cache line at `address` in ahead of its use, as data read once (so that it displaces
   little of what stays in use), never faulting, whatever the address. */
static inline void clmdb_prefetch(const void *address) { __builtin_prefetch(address, 0, 0); }
#endif
