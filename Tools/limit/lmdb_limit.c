/*
 * The raw limits of this machine for the ledger's work, measured with the same liblmdb:
 *   - sequential MDB_APPEND puts of records of a given size, N per commit (synchronous commits);
 *   - a full cursor scan of those records;
 *   - SHA-256 over the same bytes (OpenSSL's, which uses the CPU's SHA instructions when present).
 * Prints one JSON object. Usage: lmdb_limit DIR RECORD_SIZE RECORDS
 */
#include <lmdb.h>
#include <openssl/sha.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

static double now(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void check(int rc, const char *what) {
    if (rc != MDB_SUCCESS) {
        fprintf(stderr, "%s: %s\n", what, mdb_strerror(rc));
        exit(2);
    }
}

static MDB_env *open_env(const char *dir) {
    MDB_env *env;
    mkdir(dir, 0700);
    check(mdb_env_create(&env), "create");
    check(mdb_env_set_mapsize(env, (size_t)8 << 30), "mapsize");
    check(mdb_env_set_maxdbs(env, 4), "maxdbs");
    check(mdb_env_open(env, dir, MDB_NOTLS, 0600), "open");
    return env;
}

static void key_of(unsigned long long p, unsigned char k[8]) {
    for (int i = 0; i < 8; i++) k[i] = (unsigned char)(p >> (56 - 8 * i));
}

/* Appends `count` records, `per_commit` per transaction; returns records per second. */
static double append(const char *dir, size_t size, long count, long per_commit) {
    char path[4096];
    snprintf(path, sizeof path, "%s/append-%ld", dir, per_commit);
    MDB_env *env = open_env(path);
    MDB_dbi dbi;
    MDB_txn *txn;
    check(mdb_txn_begin(env, NULL, 0, &txn), "begin");
    check(mdb_dbi_open(txn, "log", MDB_CREATE, &dbi), "dbi");
    check(mdb_txn_commit(txn), "commit");
    unsigned char *value = malloc(size);
    for (size_t i = 0; i < size; i++) value[i] = (unsigned char)(i * 131 + 7);
    unsigned char k[8];
    double start = now();
    for (long p = 1; p <= count;) {
        check(mdb_txn_begin(env, NULL, 0, &txn), "begin");
        for (long i = 0; i < per_commit && p <= count; i++, p++) {
            key_of((unsigned long long)p, k);
            memcpy(value, k, 8);
            MDB_val key = {8, k}, val = {size, value};
            check(mdb_put(txn, dbi, &key, &val, MDB_APPEND), "put");
        }
        check(mdb_txn_commit(txn), "commit");
    }
    double rate = count / (now() - start);
    mdb_env_close(env);
    free(value);
    return rate;
}

/* Scans the records written with 10,000 per commit; returns records per second. */
static double scan(const char *dir, long *seen) {
    char path[4096];
    snprintf(path, sizeof path, "%s/append-10000", dir);
    MDB_env *env = open_env(path);
    MDB_dbi dbi;
    MDB_txn *txn;
    MDB_cursor *cursor;
    check(mdb_txn_begin(env, NULL, MDB_RDONLY, &txn), "begin");
    check(mdb_dbi_open(txn, "log", 0, &dbi), "dbi");
    check(mdb_cursor_open(txn, dbi, &cursor), "cursor");
    MDB_val key, val;
    unsigned long long sum = 0;
    long n = 0;
    double start = now();
    while (mdb_cursor_get(cursor, &key, &val, n ? MDB_NEXT : MDB_FIRST) == MDB_SUCCESS) {
        sum += ((unsigned char *)val.mv_data)[val.mv_size - 1];
        n++;
    }
    double rate = n / (now() - start);
    mdb_cursor_close(cursor);
    mdb_txn_abort(txn);
    mdb_env_close(env);
    *seen = n + (long)(sum & 0);
    return rate;
}

/* SHA-256 chained over records of `size` bytes, as the ledger's verify does; returns records per second. */
static double sha(size_t size, long count) {
    unsigned char *value = malloc(size + 32);
    unsigned char digest[32] = {0};
    memset(value, 7, size + 32);
    double start = now();
    for (long i = 0; i < count; i++) {
        SHA256_CTX c;
        SHA256_Init(&c);
        SHA256_Update(&c, digest, 32);
        SHA256_Update(&c, value, size);
        SHA256_Final(digest, &c);
    }
    double rate = count / (now() - start);
    free(value);
    return rate + (digest[0] & 0) * 0.0;
}

int main(int argc, char **argv) {
    if (argc != 4) {
        fprintf(stderr, "usage: %s DIR RECORD_SIZE RECORDS\n", argv[0]);
        return 2;
    }
    const char *dir = argv[1];
    size_t size = (size_t)atol(argv[2]);
    long count = atol(argv[3]);
    mkdir(dir, 0700);
    long single = count / 200 < 2000 ? 2000 : count / 200;
    if (single > 5000) single = 5000;
    double a1 = append(dir, size, single, 1);
    double a100 = append(dir, size, count, 100);
    double a10k = append(dir, size, count, 10000);
    long seen = 0;
    double s = scan(dir, &seen);
    double h = sha(size, count);
    printf("{\"record_size\":%zu,\"records\":%ld,\"append_1_per_commit\":%.0f,\"append_100_per_commit\":%.0f,"
           "\"append_10000_per_commit\":%.0f,\"scan\":%.0f,\"sha256\":%.0f}\n",
           size, count, a1, a100, a10k, s, h);
    return 0;
}
