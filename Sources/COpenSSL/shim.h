#ifndef COPENSSL_SHIM_H
#define COPENSSL_SHIM_H
/* The one-shot SHA256_* calls are the fastest way to hash millions of small records; OpenSSL 3 keeps them
   but marks them deprecated in favour of EVP, whose per-call overhead is what verify must avoid. */
#define OPENSSL_SUPPRESS_DEPRECATED 1
#include <openssl/sha.h>
#endif
