// The dataset accumulator's URI index (src/core/dataset/uriIndex.ts drives it): media URIs and
// inline texts, handed over in batches (one byte per character when the batch is all ASCII, else
// UTF-16 code units), are hashed to 64 bits and looked up in an open-addressing table; each
// distinct key gets the next index. Hashing here rather than in JavaScript reads 8 bytes per step,
// and a batch's slots are all read once before the lookups
// so that their cache misses overlap. A slot is 4 bytes (a million keys touch 8 MB at random, not
// 16): the key's index and, in the bits the index cannot reach, a tag from the hash; the full hash
// is compared, in a per-index array, only when the tag matches.
#include "heap.h"

typedef unsigned short u16;
typedef int i32;
typedef unsigned long long u64;

#define BATCH 1024

// Table: one u32 per slot, 0 = empty, else (index + 1) | (high half of the hash & ~mask). The load
// factor stays at most 1/2, so index + 1 <= size < mask + 1 fits under the mask. The slot is the low
// half's bits under the mask. Both halves of every key's hash, per index: hashes[2i], hashes[2i + 1].
static u32 *slots;
static u32 mask;
static u32 *hashes;
static u32 hashCap;
static u32 size;
static u8 *scratchBuf;
static u32 scratchCap;

// Per batch, shared with JavaScript: lengths in code units (-1: no key), kinds (seeds), results.
static i32 lens[BATCH];
static u8 kinds[BATCH];
static i32 keys[BATCH];
static u8 added[BATCH];
static u32 lo[BATCH];
static u32 hi[BATCH];
static volatile u32 sink;

__attribute__((export_name("lens"))) i32 *lensPtr(void) { return lens; }
__attribute__((export_name("kinds"))) u8 *kindsPtr(void) { return kinds; }
__attribute__((export_name("keys"))) i32 *keysPtr(void) { return keys; }
__attribute__((export_name("added"))) u8 *addedPtr(void) { return added; }
__attribute__((export_name("lo"))) u32 *loPtr(void) { return lo; }
__attribute__((export_name("hi"))) u32 *hiPtr(void) { return hi; }
__attribute__((export_name("size"))) u32 sizeOf(void) { return size; }

// Memory comes from heapAlloc; regions outgrown by the table are left unused (their sum stays
// below the live table's size).

// Room for `n` slots (a power of two) and `items` hashes. Returns 0 when memory runs out.
__attribute__((export_name("init"))) i32 init(u32 n, u32 items) {
  slots = (u32 *)heapAlloc(n * 4);
  hashes = (u32 *)heapAlloc(items * 8);
  if (!slots || !hashes) return 0;
  heapTouch((u8 *)slots, n * 4);
  mask = n - 1;
  hashCap = items;
  size = 0;
  return 1;
}

// A buffer of at least `bytes` for a batch's code units; its address (0 when memory runs out).
__attribute__((export_name("scratch"))) u8 *scratch(u32 bytes) {
  if (bytes > scratchCap || !scratchBuf) {
    u32 cap = scratchCap ? scratchCap : 65536;
    while (cap < bytes) cap *= 2;
    scratchBuf = heapAlloc(cap);
    if (!scratchBuf) return 0;
    scratchCap = cap;
  }
  return scratchBuf;
}

static inline u64 load64(const u8 *p) {
  u64 v;
  __builtin_memcpy(&v, p, 8);
  return v;
}

static inline u32 load32(const u8 *p) {
  u32 v;
  __builtin_memcpy(&v, p, 4);
  return v;
}

static inline u16 load16(const u8 *p) {
  u16 v;
  __builtin_memcpy(&v, p, 2);
  return v;
}

#define M1 0xff51afd7ed558ccdull
#define M2 0xc4ceb9fe1a85ec53ull

#define M3 0x9e3779b97f4a7c15ull
#define M4 0xd6e8feb86659fd93ull

static inline u64 rotl(u64 x, int r) { return (x << r) | (x >> (64 - r)); }

// 64-bit hash of `bytes` bytes, in four lanes of 8 bytes (independent multiplications run side
// by side). Each step is a bijection of its lane (xor, odd multiply, xor-shift) and the lanes are
// combined through bijections, so two keys of one length that differ in a single 8-byte word
// never collide.
static inline u64 hash(const u8 *p, u32 bytes, u64 seed) {
  u64 a = seed ^ ((u64)bytes * M3), b = ~seed, c = seed * M4, d = rotl(seed, 32);
  u32 i = 0;
  for (; i + 32 <= bytes; i += 32) {
    a = (a ^ load64(p + i)) * M1;
    b = (b ^ load64(p + i + 8)) * M2;
    c = (c ^ load64(p + i + 16)) * M3;
    d = (d ^ load64(p + i + 24)) * M4;
    a ^= a >> 32;
    b ^= b >> 32;
    c ^= c >> 32;
    d ^= d >> 32;
  }
  if (i + 16 <= bytes) {
    a = (a ^ load64(p + i)) * M1;
    b = (b ^ load64(p + i + 8)) * M2;
    a ^= a >> 32;
    b ^= b >> 32;
    i += 16;
  }
  if (i + 8 <= bytes) {
    c = (c ^ load64(p + i)) * M3;
    c ^= c >> 32;
    i += 8;
  }
  // The last 0-7 bytes, zero-extended (the length is in the seed lane, and in `left` below).
  u64 t = 0;
  u32 left = bytes - i;
  if (left >= 4) {
    t = load32(p + i);
    u32 r = left - 4;
    if (r >= 2) t |= (u64)load16(p + i + 4) << 32;
    if (r & 1) t |= (u64)p[i + left - 1] << (8 * (left - 1));
  } else {
    if (left >= 2) t = load16(p + i);
    if (left & 1) t |= (u64)p[i + left - 1] << (8 * (left - 1));
  }
  d = (d ^ t ^ ((u64)left << 56)) * M4;
  d ^= d >> 32;
  u64 h = a ^ rotl(b * M1, 17) ^ rotl(c * M2, 31) ^ rotl(d * M3, 47);
  h ^= h >> 33;
  h *= M2;
  h ^= h >> 29;
  return h;
}

static const u64 SEEDS[2] = {0x452821e638d01377ull, 0xbe5466cf34e90c6cull};

// Doubles the table, reinserting every key (in index order, from the hashes). Returns 0 when
// memory runs out.
static i32 grow(void) {
  u32 n = (mask + 1) * 2;
  u32 *next = (u32 *)heapAlloc(n * 4);
  if (!next) return 0;
  heapTouch((u8 *)next, n * 4);
  u32 m = n - 1;
  for (u32 i = 0; i < size; i++) {
    u32 t = hashes[i * 2] & m;
    while (next[t]) t = (t + 1) & m;
    next[t] = (i + 1) | (hashes[i * 2 + 1] & ~m);
  }
  slots = next;
  mask = m;
  return 1;
}

// Looks up the batch's `n` hashes (lo, hi; skipped where lens[i] is -1) in order: keys[i] is the
// key's index (a new key gets `size`, then size grows) and added[i] says whether it was new
// (keys[i] = -1 where skipped). Returns 0 when memory runs out.
__attribute__((export_name("probe"))) i32 probe(u32 n) {
  u32 want = 0;
  for (u32 i = 0; i < n; i++)
    if (lens[i] >= 0) want++;
  // Load factor at most 1/2, and room for every new index of the batch.
  while ((size + want) * 2 > mask + 1)
    if (!grow()) return 0;
  if (size + want > hashCap) {
    u32 cap = hashCap * 2;
    while (cap < size + want) cap *= 2;
    u32 *next = (u32 *)heapAlloc(cap * 8);
    if (!next) return 0;
    __builtin_memcpy(next, hashes, size * 8);
    hashes = next;
    hashCap = cap;
  }
  u32 t = 0;
  for (u32 i = 0; i < n; i++)
    if (lens[i] >= 0) t ^= slots[lo[i] & mask];
  sink = t;
  u32 m = mask, tagMask = ~mask;
  for (u32 i = 0; i < n; i++) {
    if (lens[i] < 0) {
      keys[i] = -1;
      added[i] = 0;
      continue;
    }
    u32 a = lo[i], b = hi[i], s = a & m, tag = b & tagMask;
    for (;;) {
      u32 v = slots[s];
      if (!v) {
        slots[s] = (size + 1) | tag;
        hashes[size * 2] = a;
        hashes[size * 2 + 1] = b;
        keys[i] = (i32)size++;
        added[i] = 1;
        break;
      }
      if ((v & tagMask) == tag) {
        u32 k = (v & m) - 1;
        if (hashes[k * 2] == a && hashes[k * 2 + 1] == b) {
          keys[i] = (i32)k;
          added[i] = 0;
          break;
        }
      }
      s = (s + 1) & m;
    }
  }
  return 1;
}

// A key is hashed in one of two forms, chosen by its own characters, so that equal keys always
// hash alike: a key of ASCII characters only (the usual URI or text) as one byte per character,
// any other key as its UTF-16 code units, with other seeds.
static const u64 SEEDS16[2] = {0x243f6a8885a308d3ull, 0x13198a2e03707344ull};

// Hashes the batch's keys (code units back to back at `units`, lengths in `lens`, seeds by `kinds`)
// and looks them up (see probe). An ASCII key is first narrowed in place to one byte per unit.
__attribute__((export_name("lookup"))) i32 lookup(u8 *units, u32 n) {
  u32 off = 0;
  for (u32 i = 0; i < n; i++) {
    i32 len = lens[i];
    if (len < 0) continue;
    u8 *p = units + off;
    off += (u32)len * 2;
    u32 high = 0;
    for (u32 j = 0; j < (u32)len; j++) high |= load16(p + j * 2);
    u64 h;
    if (high < 0x80) {
      for (u32 j = 0; j < (u32)len; j++) p[j] = p[j * 2];
      h = hash(p, (u32)len, SEEDS[kinds[i] & 1]);
    } else h = hash(p, (u32)len * 2, SEEDS16[kinds[i] & 1]);
    lo[i] = (u32)h;
    hi[i] = (u32)(h >> 32);
  }
  return probe(n);
}

// The same as `lookup` for a batch whose keys are all ASCII, given as one byte per character
// back to back at `chars`.
__attribute__((export_name("lookupAscii"))) i32 lookupAscii(const u8 *chars, u32 n) {
  u32 off = 0;
  for (u32 i = 0; i < n; i++) {
    i32 len = lens[i];
    if (len < 0) continue;
    u64 h = hash(chars + off, (u32)len, SEEDS[kinds[i] & 1]);
    off += (u32)len;
    lo[i] = (u32)h;
    hi[i] = (u32)(h >> 32);
  }
  return probe(n);
}
