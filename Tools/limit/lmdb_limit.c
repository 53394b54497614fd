/*
 * The raw limits of this machine for the ledger's work, measured with the same liblmdb:
 *   - sequential MDB_APPEND puts of records of a given size, N per commit (synchronous commits);
 *   - a full cursor scan of those records;
 *   - SHA-256 over the same bytes (OpenSSL's, which uses the CPU's SHA instructions when present);
 *   - one-command durable commits shaped like an issuance's: beside the appended record, the entries an issuance
 *     writes in the same transaction (a command-index append, one recipient summary, three versions, four running
 *     totals, one stock entry and the head), in trees filled like the benchmark's ledger. This is the ceiling of any
 *     ledger that keeps those projections in the same transaction as the event, on this disk; and the same
 *     commands 10,000 per commit, what LMDB alone needs for an issuance's writes;
 *   - the same single commits with those entries in the fewest trees the data allows: the recipient's version inside
 *     its summary, and the site's and campaign's versions, the running totals, the stock and the head in one tree.
 *     No layout of the same entries writes fewer pages per commit: the ceiling of any such ledger's single commits.
 * Prints one JSON object. Usage: lmdb_limit DIR RECORD_SIZE RECORDS [HOUSEHOLDS]
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
    check(mdb_env_set_maxdbs(env, 12), "maxdbs");
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

static unsigned long long next_random(unsigned long long *state) {
    *state = *state * 6364136223846793005ULL + 1442695040888963407ULL;
    return *state >> 17;
}

/* Puts `value_size` bytes under a random key of `key_size` bytes drawn from `keys` possible keys. */
static void put_random(MDB_txn *txn, MDB_dbi dbi, unsigned long long *state, unsigned long long keys, size_t key_size,
                       unsigned char *value, size_t value_size) {
    unsigned char k[64] = {0};
    unsigned long long r = next_random(state) % keys;
    snprintf((char *)k, sizeof k, "%016llx", r * 2654435761ULL);
    MDB_val key = {key_size, k}, val = {value_size, value};
    check(mdb_put(txn, dbi, &key, &val, 0), "put");
}

/* Commands shaped like an issuance (see the top of this file), `per_commit` per durable commit, their entries in
   the fewest trees when `fewest` is set; returns commands per second. */
static double shaped(const char *dir, size_t size, long count, long per_commit, long households, int fewest) {
    char path[4096];
    snprintf(path, sizeof path, "%s/shaped-%ld-%d", dir, per_commit, fewest);
    MDB_env *env = open_env(path);
    const char *names[] = {"log", "index", "summaries", "versions", "totals", "stock", "meta"};
    MDB_dbi db[7];
    MDB_txn *txn;
    unsigned char *value = malloc(size > 256 ? size : 256);
    for (size_t i = 0; i < (size > 256 ? size : 256); i++) value[i] = (unsigned char)(i * 131 + 7);
    unsigned long long state = 42;
    check(mdb_txn_begin(env, NULL, 0, &txn), "begin");
    for (int i = 0; i < 7; i++) check(mdb_dbi_open(txn, names[i], MDB_CREATE, &db[i]), "dbi");
    /* Filled like the benchmark's ledger: summaries and versions per household, a few hundred totals and stock entries. */
    for (long i = 0; i < households; i++) {
        put_random(txn, db[2], &state, households, 10, value, fewest ? 128 : 120);
        if (!fewest) put_random(txn, db[3], &state, households * 2, 11, value, 8);
    }
    for (int i = 0; i < 400; i++) put_random(txn, db[4], &state, 400, 40, value, 8);
    for (int i = 0; i < 200; i++) put_random(txn, db[5], &state, 200, 30, value, 8);
    check(mdb_txn_commit(txn), "commit");
    unsigned char k[8], id[48];
    double start = now();
    for (long p = 1; p <= count; p++) {
        if ((p - 1) % per_commit == 0) check(mdb_txn_begin(env, NULL, 0, &txn), "begin");
        key_of((unsigned long long)p, k);
        MDB_val key = {8, k}, val = {size, value};
        check(mdb_put(txn, db[0], &key, &val, MDB_APPEND), "log");
        snprintf((char *)id, sizeof id, "cmd-%016ld-%09ld", 1000000000000L + p, p);
        MDB_val ik = {30, id}, iv = {13, value};
        check(mdb_put(txn, db[1], &ik, &iv, MDB_APPEND), "index");
        put_random(txn, db[2], &state, (unsigned long long)households, 10, value, fewest ? 128 : 120);
        if (fewest) {
            for (int i = 0; i < 2; i++) put_random(txn, db[4], &state, 60, 11, value, 8);
        } else {
            for (int i = 0; i < 3; i++) put_random(txn, db[3], &state, (unsigned long long)households * 2, 11, value, 8);
        }
        for (int i = 0; i < 4; i++) put_random(txn, db[4], &state, 400, 40, value, 8);
        put_random(txn, db[fewest ? 4 : 5], &state, 200, 30, value, 8);
        MDB_val hk = {4, "head"}, hv = {48, value};
        check(mdb_put(txn, db[fewest ? 4 : 6], &hk, &hv, 0), "meta");
        if (p % per_commit == 0 || p == count) check(mdb_txn_commit(txn), "commit");
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
    if (argc != 4 && argc != 5) {
        fprintf(stderr, "usage: %s DIR RECORD_SIZE RECORDS [HOUSEHOLDS]\n", argv[0]);
        return 2;
    }
    const char *dir = argv[1];
    size_t size = (size_t)atol(argv[2]);
    long count = atol(argv[3]);
    mkdir(dir, 0700);
    long single = count / 200 < 2000 ? 2000 : count / 200;
    if (single > 5000) single = 5000;
    long households = argc == 5 ? atol(argv[4]) : 20000;
    double a1 = append(dir, size, single, 1);
    double a1shaped = shaped(dir, size, single, 1, households, 0);
    double a1fewest = shaped(dir, size, single, 1, households, 1);
    double a10kshaped = shaped(dir, size, count / 4, 10000, households, 0);
    double a100 = append(dir, size, count, 100);
    double a10k = append(dir, size, count, 10000);
    long seen = 0;
    double s = scan(dir, &seen);
    double h = sha(size, count);
    printf("{\"record_size\":%zu,\"records\":%ld,\"append_1_per_commit\":%.0f,\"append_1_per_commit_issuance_shaped\":%.0f,\"append_1_per_commit_issuance_fewest_trees\":%.0f,"
           "\"append_100_per_commit\":%.0f,\"append_10000_per_commit\":%.0f,\"append_10000_per_commit_issuance_shaped\":%.0f,\"scan\":%.0f,\"sha256\":%.0f}\n",
           size, count, a1, a1shaped, a1fewest, a100, a10k, a10kshaped, s, h);
    return 0;
}
