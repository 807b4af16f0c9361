// Record scanner of the tabular CSV split (src/core/split/wasm.ts drives it). Pass 1 frames rows and
// reads the few columns a strategy needs into per-row arrays; pass 2 writes each row with its split
// value spliced in. Any record it cannot treat exactly as the JavaScript path does is handed back
// (status SPECIAL) and goes through that path. Framing and field rules are those of
// src/core/split/records.ts (Framer) and csv.ts (fieldSpans): a record ends at LF, CRLF or a lone
// CR outside quotes; quote parity decides what is inside quotes.
#include <wasm_simd128.h>
// Tables that double as they fill (group ids, the memo) each take new memory: the memory grows by
// a quarter more than asked for, so that it grows a few times rather than at every doubling.
#define HEAP_SLACK(pages) ((pages) / 4)
#include "heap.h"

typedef int i32;
typedef unsigned short u16;
typedef long long i64;
typedef unsigned long long u64;

// Shared state, read and written by JavaScript as an Int32Array (indexes in wasm.ts).
enum {
  ST_STATUS, ST_START, ST_CE, ST_END, ST_FS, ST_FE, ST_REASON, ST_ROWS, ST_OUT_USED, ST_CODE_AT, ST_CODE_LEN, ST_HDR,
  ST_WIDTH = 16, ST_SPLIT_AT, ST_BY_AT, ST_TIME_AT, ST_LAST, ST_WANT_ML, ST_MODE, ST_GROUP_SEED, ST_NEEDED, ST_APPEND,
  ST_VALUE_AT, ST_NWORDS, ST_WORD_LEN0, ST_WORD_LEN1, ST_WORD_LEN2, ST_WORD_LEN3,
  ST_R_ML = 32, ST_R_LAB, ST_R_TIME, ST_R_GID, ST_R_GNEW, ST_G_BASE, ST_G_NEWN, ST_CODES, ST_OUT, ST_OUT_CAP, ST_WORDS, ST_VALUES,
  ST_NVALUES, ST_LABELS, ST_NO_FACTS, ST_B_ML, ST_B_MAX_LABEL, ST_B_TIMED,
  // Times (see storeTime): the mode, the base second (two halves), the least and greatest stored.
  ST_T_MODE = 56, ST_T_BASE_LO, ST_T_BASE_HI, ST_B_TMIN, ST_B_TMAX,
  // Seconds a pass 1 call added to the time dictionary (doubles, in id order), and how many.
  ST_T_NEW, ST_T_NEWN, ST_SIZE = 64
};
// ST_T_MODE: no time stored yet (the first sets the base), whole seconds after the base (int32), ms (double),
// ids into JavaScript's dictionary of distinct seconds (u16, or u8 while it has fewer than 255; see timeAdd).
enum { T_NONE = 0, T_SECONDS = 1, T_MS = 2, T_DICT = 3, T_DICT8 = 4 };
#define NO_ID 0xffff
#define NO_ID8 0xff
#define NO_SECOND (-2147483647 - 1)
enum { DONE = 0, MORE = 1, SPECIAL = 2, FULL = 3, LIMIT = 4, CODES = 5, FLUSH = 6, NOMEM = 7 };
enum { REASON_NEW_LABEL = 1 };
#define MAXROWS 8192
#define MAXCOLS 256
#define CODES_CAP 65536
#define LABEL_SLOTS (1 << 16)
#define LABEL_MAX (1 << 15)
#define ARENA_CAP (1 << 20)

static i32 S[ST_SIZE];
__attribute__((export_name("state"))) i32 *state(void) { return S; }

// Bump allocation at the end of memory (never freed: an instance lives for one split pass, pooled).
__attribute__((export_name("alloc"))) u8 *alloc(u32 n) { return heapAlloc(n); }

// ---- labels: byte strings -> ids given by JavaScript (the collector's ids) ----
typedef struct { u32 hash, off, len; i32 id; } Slot;
static Slot *slots;
static u8 *arena;
static u32 arenaUsed, labelCount;

static u32 fnv(const u8 *b, i32 s, i32 e) {
  u32 h = 0x811c9dc5u;
  for (i32 i = s; i < e; i++) h = (h ^ b[i]) * 16777619u;
  return h | 1;
}

// Labels of up to 16 bytes found lately, by their bytes as two words (zero past the label): a hit
// is the label's bytes exactly, so it skips the checks and the table a label passed to get there.
#define RECENT_BITS 12
typedef struct { u64 w0, w1; i32 len, id; } Recent;
static Recent recent[1 << RECENT_BITS];

__attribute__((export_name("prepare"))) i32 prepare(void) {
  if (!slots) {
    slots = (Slot *)alloc(sizeof(Slot) * LABEL_SLOTS);
    arena = alloc(ARENA_CAP);
    S[ST_R_ML] = (i32)alloc(MAXROWS);
    S[ST_R_LAB] = (i32)alloc(MAXROWS * 4);
    S[ST_R_TIME] = (i32)alloc(MAXROWS * 8);
    S[ST_R_GID] = (i32)alloc(MAXROWS * 4);
    S[ST_R_GNEW] = (i32)alloc(MAXROWS * 4);
    S[ST_CODES] = (i32)alloc(CODES_CAP);
    S[ST_WORDS] = (i32)alloc(4 * 32);
    S[ST_VALUES] = (i32)alloc(256 * 32);
    if (!slots || !arena || !S[ST_R_GNEW] || !S[ST_VALUES]) return 0;
  }
  __builtin_memset(slots, 0, sizeof(Slot) * LABEL_SLOTS);
  __builtin_memset(recent, 0, sizeof(recent));
  arenaUsed = 0;
  labelCount = 0;
  S[ST_LABELS] = 0;
  return 1;
}

static inline u64 load64(const u8 *p) {
  u64 v;
  __builtin_memcpy(&v, p, 8);
  return v;
}

/** The bytes [s, e) of a label of 1 to 16 bytes as two words, zero past e (reads 16 bytes from s). */
static inline void labelWords(const u8 *b, i32 s, i32 e, u64 *w0, u64 *w1) {
  const i32 n = e - s;
  u64 a = load64(b + s), c = load64(b + s + 8);
  if (n < 8) {
    a &= (1ull << (8 * n)) - 1;
    c = 0;
  } else if (n < 16) c &= (1ull << (8 * (n - 8))) - 1;
  *w0 = a;
  *w1 = c;
}

static inline Recent *recentSlot(u64 w0, u64 w1) {
  return &recent[((w0 ^ (w1 * 0x9e3779b97f4a7c15ull)) * 0xff51afd7ed558ccdull) >> (64 - RECENT_BITS)];
}

static i32 findLabel(const u8 *b, i32 s, i32 e, u32 h) {
  u32 len = (u32)(e - s);
  u32 k = h & (LABEL_SLOTS - 1);
  for (;;) {
    Slot *sl = &slots[k];
    if (sl->hash == 0) return -1;
    if (sl->hash == h && sl->len == len) {
      const u8 *a = arena + sl->off;
      u32 i = 0;
      while (i < len && a[i] == b[s + i]) i++;
      if (i == len) return sl->id;
    }
    k = (k + 1) & (LABEL_SLOTS - 1);
  }
}

/** Remembers bytes [s, e) of the input at `base` as label `id`; 0 when the table is full. */
__attribute__((export_name("addLabel"))) i32 addLabel(const u8 *b, i32 s, i32 e, i32 id) {
  u32 len = (u32)(e - s);
  if (labelCount >= LABEL_MAX || arenaUsed + len > ARENA_CAP) return 0;
  u32 h = fnv(b, s, e);
  if (findLabel(b, s, e, h) >= 0) return 1;
  u32 k = h & (LABEL_SLOTS - 1);
  while (slots[k].hash != 0) k = (k + 1) & (LABEL_SLOTS - 1);
  __builtin_memcpy(arena + arenaUsed, b + s, len);
  slots[k].hash = h;
  slots[k].off = arenaUsed;
  slots[k].len = len;
  slots[k].id = id;
  arenaUsed += len;
  labelCount++;
  S[ST_LABELS] = (i32)labelCount;
  return 1;
}

static u32 cGroupSeed;

// ---- framing ----
static i32 rCe, rEnd, rCommas, rQuoted;
static i32 cpos[MAXCOLS + 1];

/**
 * Frames the record at `pos` in b[0, len): content [pos, rCe), terminator [rCe, rEnd), rCommas
 * commas outside quotes, the first `want` of them at cpos. 0 when the record may continue past
 * `len` and more input is coming. Reads up to 16 bytes past `len` (the caller's slack).
 */
static i32 frame(const u8 *b, i32 pos, i32 len, i32 eof, i32 want) {
  const v128_t nl = wasm_i8x16_splat('\n'), cr = wasm_i8x16_splat('\r'), qu = wasm_i8x16_splat('"'),
               cm = wasm_i8x16_splat(',');
  i32 i = pos, nc = 0, j = -1;
  rQuoted = 0;
  while (i < len) {
    v128_t v = wasm_v128_load(b + i);
    u32 stop = wasm_i8x16_bitmask(wasm_v128_or(wasm_v128_or(wasm_i8x16_eq(v, nl), wasm_i8x16_eq(v, cr)), wasm_i8x16_eq(v, qu)));
    u32 commas = wasm_i8x16_bitmask(wasm_i8x16_eq(v, cm));
    i32 rem = len - i;
    if (rem < 16) {
      u32 lim = (1u << rem) - 1;
      stop &= lim;
      commas &= lim;
    }
    if (stop) commas &= (stop & (0u - stop)) - 1;
    while (commas && nc < want) {
      cpos[nc++] = i + __builtin_ctz(commas);
      commas &= commas - 1;
    }
    nc += __builtin_popcount(commas);
    if (stop) {
      j = i + __builtin_ctz(stop);
      break;
    }
    i += 16;
  }
  if (j >= 0 && b[j] == '"') {
    // Quoted: 16 bytes at a time from the first quote to the end of the record. A byte is inside
    // quotes when the quotes up to it (itself included: it is no comma or stop then) are odd in
    // number, with the parity carried from block to block: the prefix XOR of the quote bits.
    rQuoted = 1;
    u32 inq = 0;
    i32 k = j;
    j = -1;
    for (; k < len; k += 16) {
      const v128_t v = wasm_v128_load(b + k);
      u32 q = wasm_i8x16_bitmask(wasm_i8x16_eq(v, qu));
      u32 st = wasm_i8x16_bitmask(wasm_v128_or(wasm_i8x16_eq(v, nl), wasm_i8x16_eq(v, cr)));
      u32 commas = wasm_i8x16_bitmask(wasm_i8x16_eq(v, cm));
      const i32 rem = len - k;
      if (rem < 16) {
        const u32 lim = (1u << rem) - 1;
        q &= lim;
        st &= lim;
        commas &= lim;
      }
      u32 par = q ^ (q << 1);
      par ^= par << 2;
      par ^= par << 4;
      par ^= par << 8;
      par = (par ^ inq) & 0xffff;
      st &= ~par;
      commas &= ~par;
      if (st) {
        const i32 t = __builtin_ctz(st);
        commas &= (1u << t) - 1;
        j = k + t;
      }
      while (commas && nc < want) {
        cpos[nc++] = k + __builtin_ctz(commas);
        commas &= commas - 1;
      }
      nc += __builtin_popcount(commas);
      if (j >= 0) break;
      inq = par >> 15 ? 0xffff : 0;
    }
  }
  rCommas = nc;
  if (j < 0) {
    if (!eof) return 0;
    rCe = rEnd = len;
    return 1;
  }
  rCe = j;
  if (b[j] == '\n') rEnd = j + 1;
  else if (j + 1 == len) {
    // CR or CRLF: the next chunk decides.
    if (!eof) return 0;
    rEnd = len;
  } else rEnd = b[j + 1] == '\n' ? j + 2 : j + 1;
  return 1;
}

// ---- pass 1 ----
static i32 isSpace(u8 c) { return c == 32 || (c >= 9 && c <= 13); }

/** Non-empty ASCII without leading or trailing whitespace (the string is the bytes, trimmed). */
static i32 plainAscii(const u8 *b, i32 s, i32 e) {
  if (e <= s || isSpace(b[s]) || isSpace(b[e - 1])) return 0;
  for (i32 i = s; i < e; i++)
    if (b[i] > 127) return 0;
  return 1;
}

static i32 hasQuote(const u8 *b, i32 s, i32 e) {
  for (i32 i = s; i < e; i++)
    if (b[i] == '"') return 1;
  return 0;
}

static i64 digits(const u8 *b, i32 s, i32 n) {
  i64 v = 0;
  for (i32 i = s; i < s + n; i++) {
    i32 d = (i32)b[i] - 48;
    if (d < 0 || d > 9) return -1;
    v = v * 10 + d;
  }
  return v;
}

/** Days from 1970-01-01 to the first of month m of year y (999 <= y - (m <= 2) and y <= 9999: 32-bit unsigned arithmetic is exact). */
static i32 daysFromCivil(u32 y, u32 m) {
  y -= m <= 2 ? 1 : 0;
  const u32 era = y / 400;
  const u32 yoe = y - era * 400;
  const u32 doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5;
  const u32 doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return (i32)(era * 146097 + doe) - 719468;
}

static i32 isLeap(u32 y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

/** Days in month m (1-12) of year y. */
static i64 daysInMonth(u32 y, u32 m) {
  if (m == 2) return isLeap(y) ? 29 : 28;
  return m == 4 || m == 6 || m == 9 || m == 11 ? 30 : 31;
}

// Days before each month in a common year; the year's first day is cached (rows of a file mostly share their year).
static const u16 monthStart[13] = {0, 0, 31, 59, 90, 120, 151, 181, 212, 243, 273, 304, 334};
static u32 cachedYear;
static i32 cachedYearDays, cachedLeap;

/**
 * The fixed ISO forms at p (len 10: date, 19: date-time, 20: date-time and Z) in whole seconds
 * since the epoch: 1 and *sec set, 0 when not one of them. The digits are checked and paired in
 * one vector (reads 32 bytes from p: the input has slack), the fields' ranges in another.
 */
static inline __attribute__((always_inline)) i32 isoSeconds(const u8 *p, i32 len, i64 *sec) {
  const v128_t v = wasm_v128_load(p), w = wasm_v128_load(p + 16);
  // Y Y Y Y M M D D h h m m s s, then two copies of the first digit.
  const v128_t g = wasm_i8x16_sub(wasm_i8x16_shuffle(v, w, 0, 1, 2, 3, 5, 6, 8, 9, 11, 12, 14, 15, 17, 18, 0, 0), wasm_i8x16_splat('0'));
  const u32 need = len == 10 ? 0xff : 0x3fff;
  if (wasm_i8x16_bitmask(wasm_u8x16_gt(g, wasm_i8x16_splat(9))) & need) return 0;
  if (p[4] != '-' || p[7] != '-') return 0;
  // 16-bit lanes: the pairs' values (first digit * 10 + second): YY YY MM DD hh mm ss.
  const v128_t pairs = wasm_i16x8_add(wasm_i16x8_mul(wasm_v128_and(g, wasm_i16x8_splat(0xff)), wasm_i16x8_splat(10)), wasm_u16x8_shr(g, 8));
  // Years below 1000 take the text path (Date.UTC reads 0..99 as 1900..1999).
  const v128_t lo = wasm_i16x8_make(10, 0, 1, 1, 0, 0, 0, 0), hi = wasm_i16x8_make(99, 99, 12, 31, 23, 59, 59, 99);
  if (wasm_i16x8_bitmask(wasm_v128_or(wasm_i16x8_lt(pairs, lo), wasm_i16x8_gt(pairs, hi))) & (len == 10 ? 0x0f : 0x7f)) return 0;
  const u32 y = (u32)wasm_i16x8_extract_lane(pairs, 0) * 100 + (u32)wasm_i16x8_extract_lane(pairs, 1);
  const u32 mo = (u32)wasm_i16x8_extract_lane(pairs, 2), d = (u32)wasm_i16x8_extract_lane(pairs, 3);
  if (y != cachedYear) {
    cachedYear = y;
    cachedYearDays = daysFromCivil(y, 1);
    cachedLeap = isLeap(y);
  }
  // Days past the 28th go to the JavaScript parser unless the month has them (it refuses 2023-02-29).
  if (d > 28 && d > (mo == 2 ? 28 + (u32)cachedLeap : daysInMonth(y, mo))) return 0;
  const i32 days = cachedYearDays + monthStart[mo] + (mo > 2 ? cachedLeap : 0) + (i32)d - 1;
  if (len == 10) {
    *sec = (i64)days * 86400;
    return 1;
  }
  const u8 sep = p[10];
  if ((sep != 'T' && sep != 't' && sep != ' ') || p[13] != ':' || p[16] != ':') return 0;
  if (len == 20 && p[19] != 'Z' && p[19] != 'z') return 0;
  const i32 sod = wasm_i16x8_extract_lane(pairs, 4) * 3600 + wasm_i16x8_extract_lane(pairs, 5) * 60 + wasm_i16x8_extract_lane(pairs, 6);
  *sec = (i64)days * 86400 + sod;
  return 1;
}

// Timestamps already read, by their bytes (a direct-mapped cache: files repeat their dates and
// times). A slot holds the field's bytes (zero past its length), its length and its second; the
// reading depends on nothing else, so a hit is exact. It also keeps the second's dictionary id once
// known (-1: not yet; timeDictInit forgets them all).
typedef struct { u64 a, b; u32 w, len; i64 sec; i32 id; } TimeSlot;
#define TIME_SLOTS 256
static TimeSlot timeSlots[TIME_SLOTS];

/** The cache slot of the ISO time at p (len 10, 19 or 20; reads 32 bytes from p), read into it when new; 0 when not one. */
static inline __attribute__((always_inline)) TimeSlot *isoSlot(const u8 *p, i32 len) {
  const v128_t v = wasm_v128_load(p);
  // Bytes past the field (len 10) are not part of the key.
  const u64 a = (u64)wasm_i64x2_extract_lane(v, 0);
  const u64 b = len == 10 ? (u64)wasm_i64x2_extract_lane(v, 1) & 0xffff : (u64)wasm_i64x2_extract_lane(v, 1);
  u32 w = 0;
  if (len > 16) {
    __builtin_memcpy(&w, p + 16, 4);
    if (len == 19) w &= 0xffffff;
  }
  const u32 h = (u32)((a * 0x9e3779b97f4a7c15ull ^ (b + w) * 0xc2b2ae3d27d4eb4full) >> 56);
  TimeSlot *slot = &timeSlots[h];
  if (slot->a == a && slot->b == b && slot->w == w && slot->len == (u32)len) return slot;
  i64 sec;
  if (!isoSeconds(p, len, &sec)) return 0;
  slot->a = a;
  slot->b = b;
  slot->w = w;
  slot->len = (u32)len;
  slot->sec = sec;
  slot->id = -1;
  return slot;
}

/** isoSeconds through the cache (len 10, 19 or 20; reads 32 bytes from p). */
static inline __attribute__((always_inline)) i32 isoCached(const u8 *p, i32 len, i64 *sec) {
  const TimeSlot *slot = isoSlot(p, len);
  if (!slot) return 0;
  *sec = slot->sec;
  return 1;
}

// The time dictionary (T_DICT, T_DICT8): second -> id of JavaScript's dictionary (TimeColumn).
// JavaScript hands over the ids it gives with timeAdd; a call of pass 1 gives the next ids to the
// new seconds it meets and lists them (ST_T_NEW) for JavaScript to add in that order. Open
// addressing; a slot holds id + 1 (0: empty).
// The time form of the current pass 1 call (see storeTime).
static i32 cTimeMode;
static i64 cTimeBase;
#define TD_BITS 17
#define TD_CAP (1 << TD_BITS)
static i64 *tdKey;
static u16 *tdVal;
static u32 tdSize;
// Rows given each id (ids below NO_ID), for JavaScript's count per id (timeCounts).
static u32 *tdCnt;
static double *tdNewSec;

/** Empties the time dictionary and forgets the ids in the ISO cache (before a pass 1). 0: no memory. */
__attribute__((export_name("timeDictInit"))) i32 timeDictInit(void) {
  if (!tdKey) {
    tdKey = (i64 *)heapAlloc(TD_CAP * 8);
    tdVal = (u16 *)heapAlloc(TD_CAP * 2);
    tdCnt = (u32 *)heapAlloc(NO_ID * 4);
    tdNewSec = (double *)heapAlloc(MAXROWS * 8);
    if (!tdKey || !tdVal || !tdCnt || !tdNewSec) return 0;
    tdSize = 1;
  }
  if (tdSize) __builtin_memset(tdVal, 0, TD_CAP * 2);
  __builtin_memset(tdCnt, 0, NO_ID * 4);
  S[ST_T_NEW] = (i32)tdNewSec;
  S[ST_T_NEWN] = 0;
  tdSize = 0;
  for (i32 k = 0; k < TIME_SLOTS; k++) timeSlots[k].id = -1;
  return 1;
}

__attribute__((export_name("timeCounts"))) u32 *timeCounts(void) { return tdCnt; }

static inline u32 tdHash(i64 v) { return (u32)(((u64)v * 0x9e3779b97f4a7c15ull) >> (64 - TD_BITS)); }

/** The dictionary id of second v, -1 when not in it. */
static inline i32 tdFind(i64 v) {
  u32 h = tdHash(v);
  for (;;) {
    const u32 x = tdVal[h];
    if (x == 0) return -1;
    if (tdKey[h] == v) return (i32)x - 1;
    h = (h + 1) & (TD_CAP - 1);
  }
}

static void tdInsert(i64 v, i32 id) {
  u32 h = tdHash(v);
  while (tdVal[h]) h = (h + 1) & (TD_CAP - 1);
  tdKey[h] = v;
  tdVal[h] = (u16)(id + 1);
  tdSize++;
}

/** Adds second `sec` (a whole number of seconds since the epoch) with id `id` (< NO_ID; at most NO_ID of them). */
__attribute__((export_name("timeAdd"))) void timeAdd(double sec, i32 id) {
  const i64 v = (i64)sec;
  if (!tdKey || tdFind(v) >= 0 || tdSize >= NO_ID) return;
  tdInsert(v, id);
}

/**
 * Gives second v (not in the dictionary) the next id, as JavaScript would: -1 when JavaScript has to
 * (no time yet, so no base; the ids' width is full; v too far from the base for the seconds form).
 */
static __attribute__((noinline)) i32 tdNew(i64 v) {
  const u32 limit = cTimeMode == T_DICT8 ? NO_ID8 : NO_ID;
  const i64 d = v - cTimeBase;
  if (tdSize == 0 || tdSize >= limit || S[ST_T_NEWN] >= MAXROWS || d < -2147483647LL || d > 2147483647LL) return -1;
  const i32 id = (i32)tdSize;
  tdInsert(v, id);
  tdNewSec[S[ST_T_NEWN]++] = (double)v;
  return id;
}

/**
 * The dictionary id of the time in b[s, e) (the forms of fastTime), NO_ID + 1 when it has none of
 * them, -1 when its second is not in the dictionary (JavaScript adds it). A repeated ISO time takes
 * the id its cache slot keeps.
 */
static inline __attribute__((always_inline)) i32 timeId(const u8 *b, i32 s, i32 e) {
  const i32 len = e - s;
  if (len >= 1 && len <= 15) {
    i64 x = digits(b, s, len);
    if (x >= 0) {
      if (x > 100000000000LL) {
        if (x % 1000 != 0) return -1;
        x /= 1000;
      }
      const i32 id = tdFind(x);
      return id >= 0 ? id : tdNew(x);
    }
  }
  if (len != 10 && len != 19 && len != 20) return NO_ID + 1;
  TimeSlot *slot = isoSlot(b + s, len);
  if (!slot) return NO_ID + 1;
  if (slot->id >= 0) return slot->id;
  i32 id = tdFind(slot->sec);
  if (id < 0) id = tdNew(slot->sec);
  return slot->id = id;
}

/**
 * fastTimestamp of tabular.ts for the forms it reads: 1 with *v in whole seconds (dates, Unix
 * seconds), 2 with *v in milliseconds (Unix milliseconds: numbers above 1e11), 0 otherwise.
 */
static inline __attribute__((always_inline)) i32 fastTime(const u8 *b, i32 s, i32 e, i64 *v) {
  i32 len = e - s;
  if (len >= 1 && len <= 15) {
    const i64 x = digits(b, s, len);
    if (x >= 0) {
      *v = x;
      return x > 100000000000LL ? 2 : 1;
    }
  }
  if (len != 10 && len != 19 && len != 20) return 0;
  return isoCached(b + s, len, v);
}

// Time storage of the current pass 1 call (ST_T_MODE and the base, loaded from S; T_NONE becomes
// T_SECONDS with the first time's second as the base).
static i32 bTMin, bTMax;
static i32 bTimed; // Rows with a time (declared with the rest of the summary below).

/**
 * Stores row r's time (kind and v from fastTime; kind 0: none) in the mode's form. 0 when the
 * time has no exact form there (milliseconds that are not whole seconds, or seconds too far from
 * the base for 32 bits): the row then goes to JavaScript, which chooses the form of every time.
 */
static i32 storeTime(i32 r, i32 kind, i64 v) {
  if (cTimeMode == T_MS) {
    ((double *)S[ST_R_TIME])[r] = kind == 0 ? __builtin_nan("") : kind == 1 ? (double)v * 1000.0 : (double)v;
    bTimed += kind != 0;
    return 1;
  }
  i32 x = NO_SECOND;
  if (kind != 0) {
    if (kind == 2) {
      if (v % 1000 != 0) return 0;
      v /= 1000;
    }
    if (cTimeMode == T_NONE) {
      cTimeMode = T_SECONDS;
      cTimeBase = v;
    }
    const i64 d = v - cTimeBase;
    if (d < -2147483647LL || d > 2147483647LL) return 0;
    x = (i32)d;
  }
  ((i32 *)S[ST_R_TIME])[r] = x;
  return 1;
}

/** Hands a pass 1 call's time summary and the time column's form back to JavaScript. */
static inline void storeTimeState(void) {
  S[ST_B_TIMED] = bTimed;
  S[ST_T_MODE] = cTimeMode;
  S[ST_T_BASE_LO] = (i32)(u32)(u64)cTimeBase;
  S[ST_T_BASE_HI] = (i32)(u32)((u64)cTimeBase >> 32);
  S[ST_B_TMIN] = bTMin;
  S[ST_B_TMAX] = bTMax;
}

/** The summary of the n seconds stored by a call (bTimed, bTMin, bTMax), four at a time. */
static void sumSeconds(const i32 *t, i32 n) {
  const v128_t none = wasm_i32x4_splat(NO_SECOND);
  v128_t lo = wasm_i32x4_splat(2147483647), hi = none, cnt = wasm_i32x4_splat(0);
  i32 k = 0;
  for (; k + 4 <= n; k += 4) {
    const v128_t x = wasm_v128_load(t + k);
    const v128_t has = wasm_v128_not(wasm_i32x4_eq(x, none));
    // No second: the greatest int32 for the least, NO_SECOND for the greatest (changes neither).
    lo = wasm_i32x4_min(lo, wasm_v128_bitselect(x, wasm_i32x4_splat(2147483647), has));
    hi = wasm_i32x4_max(hi, x);
    cnt = wasm_i32x4_sub(cnt, has);
  }
  i32 mn = 2147483647, mx = NO_SECOND, c = 0;
  for (i32 j = 0; j < 4; j++) {
    const i32 l = wasm_i32x4_extract_lane(lo, 0), h = wasm_i32x4_extract_lane(hi, 0);
    if (l < mn) mn = l;
    if (h > mx) mx = h;
    c += wasm_i32x4_extract_lane(cnt, 0);
    lo = wasm_i32x4_shuffle(lo, lo, 1, 2, 3, 0);
    hi = wasm_i32x4_shuffle(hi, hi, 1, 2, 3, 0);
    cnt = wasm_i32x4_shuffle(cnt, cnt, 1, 2, 3, 0);
  }
  for (; k < n; k++) {
    const i32 x = t[k];
    if (x == NO_SECOND) continue;
    if (x < mn) mn = x;
    if (x > mx) mx = x;
    c++;
  }
  bTimed = c;
  bTMin = mn;
  bTMax = mx;
}

static u32 rotl(u32 x, i32 r) { return (x << r) | (x >> (32 - r)); }

static u32 mixK(u32 h, u32 k) {
  k *= 0xcc9e2d51u;
  k = rotl(k, 15);
  k *= 0x1b873593u;
  h ^= k;
  h = rotl(h, 13);
  return h * 5 + 0xe6546b64u;
}

#define KEY_SEED_A 0x9747b28cu
#define KEY_SEED_B 0x3c6ef372u

static u32 fmixH(u32 h) {
  h ^= h >> 16;
  h *= 0x85ebca6bu;
  h ^= h >> 13;
  h *= 0xc2b2ae35u;
  h ^= h >> 16;
  return h;
}

/** hashAsciiBytes of prng.ts: hashString(seed, the code unit `prefix` + bytes [s, e) as code units). */
static u32 hash1(u32 seed, u32 prefix, const u8 *b, i32 s, i32 e) {
  u32 h = mixK(seed, prefix);
  for (i32 i = s; i < e; i++) h = mixK(h, b[i]);
  return fmixH(h ^ (u32)(e - s + 1));
}

/** hash1 under the two key seeds, in one loop. */
static void hash2(u32 prefix, const u8 *b, i32 s, i32 e, u32 *ga, u32 *gb) {
  u32 ha = mixK(KEY_SEED_A, prefix), hb = mixK(KEY_SEED_B, prefix);
  for (i32 i = s; i < e; i++) {
    u32 k = b[i] * 0xcc9e2d51u;
    k = rotl(k, 15);
    k *= 0x1b873593u;
    ha = rotl(ha ^ k, 13) * 5 + 0xe6546b64u;
    hb = rotl(hb ^ k, 13) * 5 + 0xe6546b64u;
  }
  const u32 n = (u32)(e - s + 1);
  *ga = fmixH(ha ^ n);
  *gb = fmixH(hb ^ n);
}

// Ids of the key bytes seen so far (keys of at most 12 bytes): a key seen before gets its id from
// its bytes with one cheap hash, instead of the two MurmurHash3 lanes and the lookup of groupOf,
// which a key gets only the first time it is seen (so the ids are groupOf's: equal bytes, equal
// hashes). A slot is 16 bytes: the key, zero-padded, then id << 4 | length (0: empty); up to
// three quarters full (a small table stays in cache), at most MEMO_MAX slots, then keys not yet
// in it take groupOf's way every time.
#define MEMO_MAX (1u << 20)
#define MEMO_KEY 12
static v128_t *mSlots;
static u32 mCap, mSize;
// The memo is given up once full and answering fewer rows than it misses (most keys distinct).
static i32 mOff;
static const u8 mOnes[32] = {255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255};

static v128_t *mEmpty(u32 cap) {
  v128_t *t = (v128_t *)alloc(16 * cap);
  if (t) __builtin_memset(t, 0, 16 * cap);
  return t;
}

/** The first len (1..12) bytes at p, zero-padded, with len in the last 4 bytes (reads 16 bytes: the input has slack). */
static v128_t mKey(const u8 *p, u32 len) {
  return wasm_i32x4_replace_lane(wasm_v128_and(wasm_v128_load(p), wasm_v128_load(mOnes + 16 - len)), 3, (i32)len);
}

/** The first slot of a key (from its bytes only: keys equal but for trailing NUL bytes share it, their lengths tell them apart). */
static u32 mSlot(v128_t key, u32 mask) {
  const u64 lo = (u64)wasm_i64x2_extract_lane(key, 0), hi = (u32)wasm_i32x4_extract_lane(key, 2);
  const u64 h = lo * 0x9e3779b97f4a7c15ull + hi * 0xc2b2ae3d27d4eb4full;
  return (u32)(h >> 32) & mask;
}

static __attribute__((noinline)) void mGrow(void) {
  const u32 cap = mCap * 2;
  v128_t *t = mEmpty(cap);
  // Without memory the memo stays as it is (full: keys not in it take groupOf's way).
  if (!t) return;
  for (u32 j = 0; j < mCap; j++) {
    const v128_t o = mSlots[j];
    if (!wasm_i32x4_extract_lane(o, 3)) continue;
    u32 q = mSlot(o, cap - 1);
    while (wasm_i32x4_extract_lane(t[q], 3)) q = (q + 1) & (cap - 1);
    t[q] = o;
  }
  mSlots = t;
  mCap = cap;
}

// ---- group ids (mode 2): the ids of keys.ts KeyTable, kept here ----
// The layout of KeyTable (slot k: first hash, second hash | 1, id; -1 empty), growing past three
// quarters full: its ids, which a pair's layout does not change (a pair's id is the number of
// distinct pairs seen before it), with less memory (grown tables are not freed). The
// JavaScript of the rows handed back looks its keys up here too (export groupId), in row order.
static i32 *gSlots;
static u32 gCap, gSize;
// Items per id of the rows groupRows gave ids (gCntCap ids of room, zero past gSize).
static u32 *gCnt;
static u32 gCntCap;

/** Room in gCnt for id `id`; 0 when out of memory. */
static __attribute__((noinline)) i32 gCntGrow(u32 id) {
  u32 cap = gCntCap ? gCntCap : 1 << 12;
  while (cap <= id) cap *= 2;
  u32 *t = (u32 *)alloc(4 * cap);
  if (!t) return 0;
  if (gCntCap) __builtin_memcpy(t, gCnt, 4 * gCntCap);
  __builtin_memset(t + gCntCap, 0, 4 * (cap - gCntCap));
  gCnt = t;
  gCntCap = cap;
  return 1;
}

static i32 *gEmpty(u32 cap) {
  i32 *t = (i32 *)alloc(12 * cap);
  if (t)
    for (u32 k = 0; k < cap; k++) t[3 * k + 2] = -1;
  return t;
}

/** Starts an empty table (keeping the room of an earlier one); 0 when there is no memory. */
__attribute__((export_name("groupInit"))) i32 groupInit(void) {
  if (gSlots) {
    for (u32 k = 0; k < gCap; k++) gSlots[3 * k + 2] = -1;
  } else {
    gCap = 1 << 12;
    gSlots = gEmpty(gCap);
    if (!gSlots) return 0;
  }
  gSize = 0;
  if (gCnt) __builtin_memset(gCnt, 0, 4 * gCntCap);
  else if (!gCntGrow(0)) return 0;
  if (mSlots) {
    __builtin_memset(mSlots, 0, 16 * mCap);
  } else {
    mCap = 1 << 12;
    mSlots = mEmpty(mCap);
    if (!mSlots) return 0;
  }
  mSize = 0;
  mOff = 0;
  return 1;
}

__attribute__((export_name("groupCount"))) u32 groupCount(void) { return gSize; }

/** Where the items per id of the rows groupRows gave ids are (groupCount of them); 0 when out of memory. */
__attribute__((export_name("groupSizes"))) u32 *groupSizes(void) { return gSize <= gCntCap || gCntGrow(gSize - 1) ? gCnt : 0; }

/** Doubles the table; 0 when out of memory. */
static __attribute__((noinline)) i32 gGrow(void) {
  const u32 cap = gCap * 2;
  i32 *t = gEmpty(cap);
  if (!t) return 0;
  const u32 mask = cap - 1;
  for (u32 j = 0; j < gCap; j++) {
    const i32 *o = gSlots + 3 * j;
    if (o[2] == -1) continue;
    u32 q = (u32)o[0] & mask;
    while (t[3 * q + 2] != -1) q = (q + 1) & mask;
    t[3 * q] = o[0];
    t[3 * q + 1] = o[1];
    t[3 * q + 2] = o[2];
  }
  gSlots = t;
  gCap = cap;
  return 1;
}

/** The id of key pair (a, b), a new one when unseen (then *isNew = 1); -1 when the table cannot grow. */
static inline __attribute__((always_inline)) i32 groupOf(u32 a, u32 b, i32 *isNew) {
  b |= 1;
  u32 mask = gCap - 1, k = a & mask;
  for (;;) {
    const i32 *t = gSlots + 3 * k;
    if (t[2] == -1) break;
    if ((u32)t[0] == a && (u32)t[1] == b) return t[2];
    k = (k + 1) & mask;
  }
  if ((gSize + 1) * 4 > gCap * 3) {
    if (!gGrow()) return -1;
    mask = gCap - 1;
    k = a & mask;
    while (gSlots[3 * k + 2] != -1) k = (k + 1) & mask;
  }
  i32 *t = gSlots + 3 * k;
  t[0] = (i32)a;
  t[1] = (i32)b;
  t[2] = (i32)gSize;
  *isNew = 1;
  return (i32)gSize++;
}

/** groupOf for JavaScript (hashes computed there): -1 when the table cannot grow. */
__attribute__((export_name("groupId"))) i32 groupId(u32 a, u32 b) {
  i32 isNew = 0;
  return groupOf(a, b, &isNew);
}

/** The record [pos, end) (content to ce) goes to JavaScript (ST_STATUS SPECIAL). */
static i32 special(i32 pos, i32 ce, i32 end, i32 reason) {
  S[ST_STATUS] = SPECIAL;
  S[ST_START] = pos;
  S[ST_CE] = ce;
  S[ST_END] = end;
  S[ST_REASON] = reason;
  return pos;
}

// Pass 1's configuration (from S at each call) and what it sums up of the rows it reads
// (ST_B_ML, ST_B_MAX_LABEL, ST_B_TIMED). Locals of pass1 passed by address to the inlined row1:
// they live in registers, where globals would be stored and loaded again around every store
// through a row array (which may alias them).
typedef struct {
  i32 hdr, width, splitAt, byAt, timeAt, wantMl, mode, needed, nwords, noFacts;
  signed char *rMl;
  i32 *rLab;
} Pass1Config;
typedef struct { i32 rows, anyMl, maxLabel; } Pass1Sums;

// Group ids of the rows of a pass 1 call. Rows keep only where their key is (gKs, gKe; -1: no
// key) while they are read; the ids are looked up for all of them at the end of the call
// (groupRows), one after the other: lookups miss the cache, and a loop of nothing else overlaps
// their misses, where one lookup per row between the reading of rows waits out every miss.
static i32 gKs[MAXROWS], gKe[MAXROWS];
// Per row: its memo key and first memo slot (~0: no memo key); per row the memo did not answer
// (gMiss, in order): its key hashes, whether its group is new.
static v128_t gKey[MAXROWS];
static u32 gSlot[MAXROWS], gA[MAXROWS], gB[MAXROWS];
static i32 gMiss[MAXROWS];
static u8 gFresh[MAXROWS];

// Slot bytes 12-15 without the id: the length.
#define ID_MASK wasm_i32x4_make(-1, -1, -1, 15)

/** The memo's id of key from slot k on (its first slot), or -1. */
static i32 mFind(v128_t key, u32 k) {
  const u32 mask = mCap - 1;
  for (;;) {
    const v128_t m = mSlots[k];
    if (!wasm_i32x4_extract_lane(m, 3)) return -1;
    if (wasm_i8x16_all_true(wasm_i8x16_eq(wasm_v128_and(m, ID_MASK), key))) return (i32)((u32)wasm_i32x4_extract_lane(m, 3) >> 4);
    k = (k + 1) & mask;
  }
}

/** Remembers key's id (when there is room; unless already there, when `check`). */
static void mPut(v128_t key, i32 id, i32 check) {
  // Ids past 2^28 do not fit beside the length.
  if (id >= (1 << 28) || (check && mFind(key, mSlot(key, mCap - 1)) >= 0)) return;
  if ((mSize + 1) * 4 > mCap * 3) {
    if (mCap >= MEMO_MAX) return;
    mGrow();
    if ((mSize + 1) * 4 > mCap * 3) return;
  }
  u32 k = mSlot(key, mCap - 1);
  while (wasm_i32x4_extract_lane(mSlots[k], 3)) k = (k + 1) & (mCap - 1);
  mSlots[k] = wasm_i32x4_replace_lane(key, 3, (i32)(((u32)id << 4) | (u32)wasm_i32x4_extract_lane(key, 3)));
  mSize++;
}

/** Row r's key: 'g' + bytes [*ks, *ke) of *kb, or '#' + the item's index in decimal (in num) for a row without one. */
static u32 rowKey(const u8 **kb, i32 *ks, i32 *ke, i32 r, u32 base, u8 *num) {
  *ks = gKs[r];
  *ke = gKe[r];
  if (*ks >= 0) return 'g';
  u32 v = base + (u32)r;
  i32 d = 0;
  do {
    num[11 - d++] = (u8)('0' + v % 10);
    v /= 10;
  } while (v);
  *kb = num;
  *ks = 12 - d;
  *ke = 12;
  return '#';
}

/**
 * Rows [0, n) get their groups in ST_R_GID: the id of 'g' + key bytes, or of '#' + the item's index
 * (ST_G_BASE is the first row's) for a row without a key, as ItemCollector gives them. A new
 * group's rank (hashString(group seed, the same key)) is computed here, once per group, into
 * ST_R_GNEW (ST_G_NEWN of them, in order). 0 when out of memory.
 */
static i32 groupRows(const u8 *b, i32 n) {
  i32 *gid = (i32 *)S[ST_R_GID];
  u32 *ranks = (u32 *)S[ST_R_GNEW];
  const u32 base = (u32)S[ST_G_BASE];
  u8 num[12];
  // Each step is a loop of its own over the rows: lookups miss the cache, and a loop that does
  // little else has the misses of many rows under way at once.
  const i32 useMemo = !mOff;
  if (useMemo) {
    for (i32 r = 0; r < n; r++) {
      const i32 s = gKs[r], len = gKe[r] - s;
      if (s >= 0 && len <= MEMO_KEY) {
        const v128_t key = mKey(b + s, (u32)len);
        gKey[r] = key;
        gSlot[r] = mSlot(key, mCap - 1);
      } else gSlot[r] = ~0u;
    }
  }
  // The memo's answers (the table only changes below).
  i32 misses = 0, hits = 0;
  for (i32 r = 0; r < n; r++) {
    if (useMemo && gSlot[r] != ~0u) {
      const v128_t m = mSlots[gSlot[r]], key = gKey[r];
      i32 id = -1;
      if (wasm_i8x16_all_true(wasm_i8x16_eq(wasm_v128_and(m, ID_MASK), key))) id = (i32)((u32)wasm_i32x4_extract_lane(m, 3) >> 4);
      else if (wasm_i32x4_extract_lane(m, 3)) id = mFind(key, (gSlot[r] + 1) & (mCap - 1));
      if (id >= 0) {
        gid[r] = id;
        gCnt[id]++;
        hits++;
        continue;
      }
    }
    gMiss[misses++] = r;
  }
  // The other rows: their key hashes, then their ids in row order (new ids in that order).
  for (i32 i = 0; i < misses; i++) {
    const u8 *kb = b;
    i32 ks, ke;
    const u32 prefix = rowKey(&kb, &ks, &ke, gMiss[i], base, num);
    hash2(prefix, kb, ks, ke, &gA[i], &gB[i]);
  }
  for (i32 i = 0; i < misses; i++) {
    i32 isNew = 0;
    const i32 id = groupOf(gA[i], gB[i], &isNew);
    if (id < 0) return 0;
    gid[gMiss[i]] = id;
    gFresh[i] = (u8)isNew;
  }
  // Their items per group (a new group's count starts at 0: gCnt is zero past gSize).
  if (gSize > gCntCap && !gCntGrow(gSize - 1)) return 0;
  for (i32 i = 0; i < misses; i++) gCnt[gid[gMiss[i]]]++;
  // New groups' ranks, in id order; the memo learns the keys (a key seen before may be there already).
  i32 fresh = 0;
  for (i32 i = 0; i < misses; i++) {
    const i32 r = gMiss[i];
    if (gFresh[i]) {
      const u8 *kb = b;
      i32 ks, ke;
      const u32 prefix = rowKey(&kb, &ks, &ke, r, base, num);
      ranks[fresh++] = hash1(cGroupSeed, prefix, kb, ks, ke);
    }
    if (useMemo && gSlot[r] != ~0u) mPut(gKey[r], gid[r], !gFresh[i]);
  }
  S[ST_G_NEWN] = fresh;
  if (useMemo && mCap >= MEMO_MAX && (mSize + 1) * 4 > mCap * 3 && hits < misses) mOff = 1;
  return 1;
}

/**
 * Reads the framed record at `pos` (content to ce, terminator to end, nc commas outside quotes of
 * which the first ones at cpos; `quoted` when it has a quote) into row sm->rows of the per-row
 * arrays. 0: done; 1: the record goes to JavaScript (ST_STATUS SPECIAL set).
 */
static inline __attribute__((always_inline)) i32 row1(const Pass1Config *c, Pass1Sums *sm, const u8 *b, i32 pos, i32 ce, i32 end, i32 nc, i32 quoted) {
  if (!c->hdr || ce == pos || b[pos] == ' ' || b[pos] == '\t') {
    special(pos, ce, end, 0);
    return 1;
  }
  const i32 fields = nc + 1;
  if ((c->splitAt < 0 && fields > c->width) || fields < c->needed) {
    special(pos, ce, end, 0);
    return 1;
  }
#define FS(k) ((k) ? cpos[(k) - 1] + 1 : pos)
#define FE(k) ((k) < nc ? cpos[k] : ce)
  if (quoted) {
    // Unquoted fields of a quoted row read as in any row; a needed field with a quote goes to JavaScript.
    if ((c->wantMl && c->splitAt <= nc && hasQuote(b, FS(c->splitAt), FE(c->splitAt))) || (c->mode && c->byAt <= nc && hasQuote(b, FS(c->byAt), FE(c->byAt))) ||
        (c->timeAt >= 0 && c->timeAt <= nc && hasQuote(b, FS(c->timeAt), FE(c->timeAt)))) {
      special(pos, ce, end, 0);
      return 1;
    }
  }
  i32 ml = -1;
  if (c->wantMl && c->splitAt <= nc) {
    const i32 s = FS(c->splitAt), e = FE(c->splitAt);
    if (e > s) {
      const u8 *words = (const u8 *)S[ST_WORDS];
      ml = -9;
      for (i32 w = 0; w < c->nwords && ml == -9; w++) {
        const i32 wl = S[ST_WORD_LEN0 + w];
        if (wl != e - s) continue;
        const u8 *word = words + 32 * w;
        i32 i = 0;
        while (i < wl && word[i] == b[s + i]) i++;
        if (i == wl) ml = w;
      }
      if (ml == -9) {
        special(pos, ce, end, 0);
        return 1;
      }
    }
  }
  i32 label = -1;
  // The group key's bytes (ks == ke: none), given an id once nothing can send the row to JavaScript.
  i32 ks = 0, ke = 0;
  if (c->mode && c->byAt <= nc) {
    const i32 s = FS(c->byAt), e = FE(c->byAt);
    if (e > s) {
      u64 w0 = 0, w1 = 0;
      Recent *rc = 0;
      if (c->mode == 1 && e - s <= 16) {
        labelWords(b, s, e, &w0, &w1);
        rc = recentSlot(w0, w1);
        if (rc->len == e - s && rc->w0 == w0 && rc->w1 == w1) label = rc->id;
      }
      if (label < 0) {
        // A group key of up to 16 bytes is checked in one vector (its sign bits), without a call.
        const i32 plain = c->mode == 2 && e - s <= 16 ? !(wasm_i8x16_bitmask(wasm_v128_load(b + s)) & ((1u << (e - s)) - 1)) && !isSpace(b[s]) && !isSpace(b[e - 1]) : plainAscii(b, s, e);
        if (!plain) {
          special(pos, ce, end, 0);
          return 1;
        }
        if (c->mode == 1) {
          label = findLabel(b, s, e, fnv(b, s, e));
          if (label < 0) {
            S[ST_FS] = s;
            S[ST_FE] = e;
            special(pos, ce, end, labelCount < LABEL_MAX ? REASON_NEW_LABEL : 0);
            return 1;
          }
          if (rc) {
            rc->w0 = w0;
            rc->w1 = w1;
            rc->len = e - s;
            rc->id = label;
          }
        } else {
          ks = s;
          ke = e;
        }
      }
    }
  }
  if (c->timeAt >= 0 && cTimeMode >= T_DICT) {
    // (Ids JavaScript gave while the ids are 8-bit are below NO_ID8.)
    const i32 wide = cTimeMode == T_DICT, none = wide ? NO_ID : NO_ID8;
    i32 id = none;
    if (c->timeAt <= nc) {
      id = timeId(b, FS(c->timeAt), FE(c->timeAt));
      // Not a time form the module reads, or a second new to the dictionary: JavaScript reads the row.
      if ((u32)id >= (u32)none) {
        special(pos, ce, end, 0);
        return 1;
      }
      bTimed++;
      tdCnt[id]++;
    }
    if (wide) ((u16 *)S[ST_R_TIME])[sm->rows] = (u16)id;
    else ((u8 *)S[ST_R_TIME])[sm->rows] = (u8)id;
  } else if (c->timeAt >= 0) {
    i32 kind = 0;
    i64 v = 0;
    if (c->timeAt <= nc) {
      kind = fastTime(b, FS(c->timeAt), FE(c->timeAt), &v);
      if (kind == 0) {
        special(pos, ce, end, 0);
        return 1;
      }
    }
    if (!storeTime(sm->rows, kind, v)) {
      special(pos, ce, end, 0);
      return 1;
    }
  }
  if (c->mode == 2) {
    gKs[sm->rows] = ks < ke ? ks : -1;
    gKe[sm->rows] = ke;
  }
  const i32 r = sm->rows++;
  // Nothing to read (only the field count mattered): JavaScript knows every fact is the default.
  if (c->noFacts) return 0;
  // What JavaScript would otherwise find by reading the rows' arrays again.
  sm->anyMl |= ml != -1;
  if (label > sm->maxLabel) sm->maxLabel = label;
  // Arrays of facts the configuration never reads stay unwritten (JavaScript uses defaults); the
  // time is stored above, group ids are given to the rows after the loop.
  if (c->wantMl) c->rMl[r] = (signed char)ml;
  if (c->mode) c->rLab[r] = label;
  return 0;
}

// Bits of the stop bytes (LF, CR, quote) and of the commas of 16-byte vector v<k>, at bit 16 * k.
#define STOP16(k) \
  ((u64)wasm_i8x16_bitmask(wasm_v128_or(wasm_v128_or(wasm_i8x16_eq(v##k, nl), wasm_i8x16_eq(v##k, cr)), wasm_i8x16_eq(v##k, qu))) << (16 * k))
#define COMMA16(k) ((u64)wasm_i8x16_bitmask(wasm_i8x16_eq(v##k, cm)) << (16 * k))

/** Pass 1's configuration as set in S. */
static inline __attribute__((always_inline)) Pass1Config config(void) {
  const Pass1Config c = {
      .hdr = S[ST_HDR],
      .width = S[ST_WIDTH],
      .splitAt = S[ST_SPLIT_AT],
      .byAt = S[ST_BY_AT],
      .timeAt = S[ST_TIME_AT],
      .wantMl = S[ST_WANT_ML],
      .mode = S[ST_MODE],
      .needed = S[ST_NEEDED],
      .nwords = S[ST_NWORDS],
      .noFacts = S[ST_NO_FACTS],
      .rMl = (signed char *)S[ST_R_ML],
      .rLab = (i32 *)S[ST_R_LAB],
  };
  return c;
}

static inline __attribute__((always_inline)) i32 pass1With(const Pass1Config c, const u8 *b, i32 pos, i32 len, i32 eof);

/**
 * pass1 for one needed column with no existing split: a label column (mode 1: the stratified
 * strategies), a group key column (mode 2) or a time column (`timed`): the same code with those
 * settings as constants, compiled apart for each. The engine allocates registers far better in a
 * function that has only the paths it takes.
 */
static inline __attribute__((always_inline)) i32 pass1Rows(const i32 mode, const i32 timed, const u8 *b, i32 pos, i32 len, i32 eof) {
  Pass1Config c = config();
  c.hdr = 1;
  c.mode = mode;
  c.wantMl = 0;
  if (!timed) c.timeAt = -1;
  else if (c.timeAt < 0) __builtin_unreachable();
  c.noFacts = 0;
  Pass1Sums sm = {0, 0, -1};
  const i32 want = S[ST_LAST] + 1;
  S[ST_G_NEWN] = 0;
  if (mode == 2) cGroupSeed = (u32)S[ST_GROUP_SEED];
  if (timed) {
    bTimed = 0;
    cTimeMode = S[ST_T_MODE];
    cTimeBase = (i64)(((u64)(u32)S[ST_T_BASE_HI] << 32) | (u32)S[ST_T_BASE_LO]);
    bTMin = 2147483647;
    bTMax = NO_SECOND;
  }
  const v128_t nl = wasm_i8x16_splat('\n'), cr = wasm_i8x16_splat('\r'), qu = wasm_i8x16_splat('"'), cm = wasm_i8x16_splat(',');
  S[ST_STATUS] = DONE;
  S[ST_REASON] = 0;
  // Row by row: the 64 bytes from a row's start hold the whole of most rows, so one pair of
  // bitmasks gives its end and its commas, taken from its start (as many each row: no branch
  // that changes with where blocks fall). Longer rows, rows with a quote or CR, and the end of
  // the input are framed by `frame`.
  while (pos < len) {
    if (sm.rows == MAXROWS) {
      S[ST_STATUS] = FULL;
      break;
    }
    if (pos + 64 <= len) {
      const u8 *p = b + pos;
      const v128_t v0 = wasm_v128_load(p), v1 = wasm_v128_load(p + 16), v2 = wasm_v128_load(p + 32), v3 = wasm_v128_load(p + 48);
      const u64 stop = STOP16(0) | STOP16(1) | STOP16(2) | STOP16(3);
      if (stop) {
        const i32 t = __builtin_ctzll(stop);
        if (p[t] == '\n') {
          u64 commas = (COMMA16(0) | COMMA16(1) | COMMA16(2) | COMMA16(3)) & ((1ull << t) - 1);
          // The loop bounded by nc, so that nc is computed before it: computed only where row1
          // needs it, the engine computed the bitmask a second time there.
          const i32 nc = __builtin_popcountll(commas);
          for (i32 k = 0; k < want && commas; k++) {
            cpos[k] = pos + __builtin_ctzll(commas);
            commas &= commas - 1;
          }
          if (row1(&c, &sm, b, pos, pos + t, pos + t + 1, nc, 0)) break;
          pos += t + 1;
          continue;
        }
      }
    }
    if (!frame(b, pos, len, eof, want)) {
      S[ST_STATUS] = MORE;
      break;
    }
    if (row1(&c, &sm, b, pos, rCe, rEnd, rCommas, rQuoted)) break;
    pos = rEnd;
  }
  S[ST_ROWS] = sm.rows;
  S[ST_B_ML] = sm.anyMl;
  S[ST_B_MAX_LABEL] = sm.maxLabel;
  if (timed) {
    if (cTimeMode == T_SECONDS) sumSeconds((const i32 *)S[ST_R_TIME], sm.rows);
    storeTimeState();
  } else {
    S[ST_B_TIMED] = 0;
    S[ST_B_TMIN] = 2147483647;
    S[ST_B_TMAX] = NO_SECOND;
  }
  if (mode == 2 && !groupRows(b, sm.rows)) S[ST_STATUS] = NOMEM;
  return pos;
}

static __attribute__((noinline)) i32 pass1Labels(const u8 *b, i32 pos, i32 len, i32 eof) { return pass1Rows(1, 0, b, pos, len, eof); }
static __attribute__((noinline)) i32 pass1Groups(const u8 *b, i32 pos, i32 len, i32 eof) { return pass1Rows(2, 0, b, pos, len, eof); }
static __attribute__((noinline)) i32 pass1Times(const u8 *b, i32 pos, i32 len, i32 eof) { return pass1Rows(0, 1, b, pos, len, eof); }

/** pass1 for any configuration. */
static __attribute__((noinline)) i32 pass1Any(const u8 *b, i32 pos, i32 len, i32 eof) { return pass1With(config(), b, pos, len, eof); }

/**
 * Pass 1 from `pos` over b[0, len): frames records and, for rows it can read exactly, stores the
 * needed facts at row index ST_ROWS (mode 1: label ids, 2: group ids, see groupRows; ST_TIME_AT: times; ST_WANT_ML:
 * existing split), and sums them up (ST_B_ML: any existing split, ST_B_MAX_LABEL, ST_B_TIMED: rows
 * with a time). Returns where it stopped; ST_STATUS says why. Only dispatches: the engine
 * optimizes the functions called often, and compiles only the copy in use.
 */
__attribute__((export_name("pass1"))) i32 pass1(const u8 *b, i32 pos, i32 len, i32 eof) {
  S[ST_T_NEWN] = 0;
  if (S[ST_HDR] && !S[ST_WANT_ML] && !S[ST_NO_FACTS]) {
    const i32 mode = S[ST_MODE], timed = S[ST_TIME_AT] >= 0;
    if (mode == 1 && !timed) return pass1Labels(b, pos, len, eof);
    if (mode == 2 && !timed) return pass1Groups(b, pos, len, eof);
    if (mode == 0 && timed) return pass1Times(b, pos, len, eof);
  }
  return pass1Any(b, pos, len, eof);
}

/**
 * pass1 with configuration `c`. Records ending in a plain LF are framed 64 bytes at a time across
 * the chunk (comma and stop bitmasks); a record with a CR or a quote is framed again from its start
 * by `frame`.
 */
static inline __attribute__((always_inline)) i32 pass1With(const Pass1Config c, const u8 *b, i32 pos, i32 len, i32 eof) {
  Pass1Sums sm = {0, 0, -1};
  cGroupSeed = (u32)S[ST_GROUP_SEED];
  S[ST_G_NEWN] = 0;
  bTimed = 0;
  cTimeMode = S[ST_T_MODE];
  cTimeBase = (i64)(((u64)(u32)S[ST_T_BASE_HI] << 32) | (u32)S[ST_T_BASE_LO]);
  bTMin = 2147483647;
  bTMax = NO_SECOND;
  const i32 want = c.hdr ? S[ST_LAST] + 1 : 0;
  const v128_t nl = wasm_i8x16_splat('\n'), cr = wasm_i8x16_splat('\r'), qu = wasm_i8x16_splat('"'), cm = wasm_i8x16_splat(',');
  S[ST_STATUS] = DONE;
  S[ST_REASON] = 0;
  i32 i = pos, nc = 0;
  for (;;) {
    if (i >= len) {
      if (pos >= len) break;
      if (!eof) {
        S[ST_STATUS] = MORE;
        break;
      }
      goto slow;
    }
    {
      const u8 *p = b + i;
      const v128_t v0 = wasm_v128_load(p), v1 = wasm_v128_load(p + 16), v2 = wasm_v128_load(p + 32), v3 = wasm_v128_load(p + 48);
      u64 stop = STOP16(0) | STOP16(1) | STOP16(2) | STOP16(3);
      u64 commas = COMMA16(0) | COMMA16(1) | COMMA16(2) | COMMA16(3);
      const i32 rem = len - i;
      if (rem < 64) {
        const u64 lim = (1ull << rem) - 1;
        stop &= lim;
        commas &= lim;
      }
      while (stop) {
        const i32 t = __builtin_ctzll(stop);
        const i32 j = i + t;
        u64 cs = commas & ((1ull << t) - 1);
        commas &= t == 63 ? 0 : ~((2ull << t) - 1);
        while (cs && nc < want) {
          cpos[nc++] = i + __builtin_ctzll(cs);
          cs &= cs - 1;
        }
        nc += __builtin_popcountll(cs);
        if (b[j] != '\n') goto slow;
        if (sm.rows == MAXROWS) {
          S[ST_STATUS] = FULL;
          goto out;
        }
        if (row1(&c, &sm, b, pos, j, j + 1, nc, 0)) goto out;
        pos = j + 1;
        nc = 0;
        stop &= stop - 1;
      }
      while (commas && nc < want) {
        cpos[nc++] = i + __builtin_ctzll(commas);
        commas &= commas - 1;
      }
      nc += __builtin_popcountll(commas);
      i += 64;
      continue;
    }
  slow:
    if (sm.rows == MAXROWS) {
      S[ST_STATUS] = FULL;
      break;
    }
    if (!frame(b, pos, len, eof, want)) {
      S[ST_STATUS] = MORE;
      break;
    }
    if (row1(&c, &sm, b, pos, rCe, rEnd, rCommas, rQuoted)) break;
    pos = i = rEnd;
    nc = 0;
  }
out:
  if (c.timeAt >= 0 && cTimeMode == T_SECONDS && !c.noFacts) sumSeconds((const i32 *)S[ST_R_TIME], sm.rows);
  S[ST_ROWS] = sm.rows;
  S[ST_B_ML] = sm.anyMl;
  S[ST_B_MAX_LABEL] = sm.maxLabel;
  storeTimeState();
  if (c.mode == 2 && !groupRows(b, sm.rows)) S[ST_STATUS] = NOMEM;
  return pos;
}

// ---- pass 2 ----
// Output room a block of pass 2 needs past its start: the block, up to 32 values of up to 31
// bytes (records of at least one byte and an LF), and the block's rest stored again after the last.
#define BLOCK_ROOM 2048
/** Copies n bytes 16 at a time (may write up to 15 bytes past dst + n: the output has slack). */
static void copy16(u8 *dst, const u8 *src, i32 n) {
  for (i32 k = 0; k < n; k += 16) wasm_v128_store(dst + k, wasm_v128_load(src + k));
}

/**
 * Pass 2 from `pos` over b[0, len): each of at most `limit` item rows is written to the output
 * area with the value of its code (ST_CODES[ST_CODE_AT..ST_CODE_LEN)) appended (ST_APPEND) or in
 * place of field ST_VALUE_AT. Values are 32-byte slots at ST_VALUES: a length byte, then the bytes
 * (with the leading comma when appending).
 *
 * Appending, records ending in a plain LF are moved 64 bytes at a time: each input block is stored
 * at its output place (input position + the bytes inserted so far), and at each LF the value is
 * stored and the block is stored again from the LF on, shifted by the value's length. Anything
 * else (CR, quotes, the last record, replacing a column) is framed by `frame` and copied per record.
 */
__attribute__((export_name("pass2"))) i32 pass2(const u8 *b, i32 pos, i32 len, i32 eof, i32 limit) {
  i32 rows = 0;
  const i32 append = S[ST_APPEND], at = S[ST_VALUE_AT], want = append ? 0 : at + 1, cap = S[ST_OUT_CAP];
  const u8 *codes = (const u8 *)S[ST_CODES];
  const u8 *values = (const u8 *)S[ST_VALUES];
  u8 *out = (u8 *)S[ST_OUT];
  i32 used = S[ST_OUT_USED], codeAt = S[ST_CODE_AT];
  const i32 codeLen = S[ST_CODE_LEN];
  const v128_t nl = wasm_i8x16_splat('\n'), cr = wasm_i8x16_splat('\r'), qu = wasm_i8x16_splat('"');
  S[ST_STATUS] = DONE;
  // Output position of input byte x of the current record: x + delta.
  i32 delta = used - pos;
  i32 i = pos;
blocks:
  while (append) {
    if (i >= len) {
      if (pos >= len) goto done;
      if (!eof) {
        S[ST_STATUS] = MORE;
        goto done;
      }
      break;
    }
    if (i + delta + BLOCK_ROOM > cap) break;
    const u8 *p = b + i;
    const v128_t v0 = wasm_v128_load(p), v1 = wasm_v128_load(p + 16), v2 = wasm_v128_load(p + 32), v3 = wasm_v128_load(p + 48);
    u8 *o = out + i + delta;
    wasm_v128_store(o, v0);
    wasm_v128_store(o + 16, v1);
    wasm_v128_store(o + 32, v2);
    wasm_v128_store(o + 48, v3);
    u64 stop = STOP16(0) | STOP16(1) | STOP16(2) | STOP16(3);
    const i32 rem = len - i;
    if (rem < 64) stop &= (1ull << rem) - 1;
    while (stop) {
      const i32 j = i + __builtin_ctzll(stop);
      if (b[j] != '\n') goto slow;
      if (rows == limit) {
        S[ST_STATUS] = LIMIT;
        goto done;
      }
      if (codeAt == codeLen) {
        S[ST_STATUS] = CODES;
        goto done;
      }
      const u8 *val = values + 32 * codes[codeAt++];
      u8 *vo = out + j + delta;
      wasm_v128_store(vo, wasm_v128_load(val + 1));
      wasm_v128_store(vo + 16, wasm_v128_load(val + 17));
      delta += val[0];
      // The rest of the block, from the LF on, after the value.
      vo = out + j + delta;
      wasm_v128_store(vo, wasm_v128_load(b + j));
      wasm_v128_store(vo + 16, wasm_v128_load(b + j + 16));
      wasm_v128_store(vo + 32, wasm_v128_load(b + j + 32));
      wasm_v128_store(vo + 48, wasm_v128_load(b + j + 48));
      rows++;
      pos = j + 1;
      stop &= stop - 1;
    }
    i += 64;
  }
slow:
  used = pos + delta;
  // Record by record from `pos`.
  while (pos < len) {
    if (rows == limit) {
      S[ST_STATUS] = LIMIT;
      break;
    }
    if (codeAt == codeLen) {
      S[ST_STATUS] = CODES;
      break;
    }
    if (!frame(b, pos, len, eof, want)) {
      S[ST_STATUS] = MORE;
      break;
    }
    if (used + (rEnd - pos) + 64 > cap) {
      if (used) S[ST_STATUS] = FLUSH;
      else special(pos, rCe, rEnd, 0);
      break;
    }
    const u8 *v = values + 32 * codes[codeAt];
    const i32 vl = v[0];
    if (append) {
      copy16(out + used, b + pos, rCe - pos);
      used += rCe - pos;
      wasm_v128_store(out + used, wasm_v128_load(v + 1));
      wasm_v128_store(out + used + 16, wasm_v128_load(v + 17));
      used += vl;
      for (i32 k = rCe; k < rEnd; k++) out[used++] = b[k];
      codeAt++;
      rows++;
      pos = i = rEnd;
      delta = used - pos;
      // Back to blocks after this record (unless the output is nearly full).
      if (i + delta + BLOCK_ROOM <= cap) goto blocks;
      continue;
    }
    const i32 nc = rCommas, ce = rCe;
    if (nc < at) {
      special(pos, rCe, rEnd, 0);
      break;
    }
    const i32 fs = FS(at), fe = FE(at);
    copy16(out + used, b + pos, fs - pos);
    used += fs - pos;
    wasm_v128_store(out + used, wasm_v128_load(v + 1));
    wasm_v128_store(out + used + 16, wasm_v128_load(v + 17));
    used += vl;
    copy16(out + used, b + fe, rEnd - fe);
    used += rEnd - fe;
    codeAt++;
    rows++;
    pos = rEnd;
  }
  S[ST_OUT_USED] = used;
  S[ST_CODE_AT] = codeAt;
  S[ST_ROWS] = rows;
  return pos;
done:
  S[ST_OUT_USED] = pos + delta;
  S[ST_CODE_AT] = codeAt;
  S[ST_ROWS] = rows;
  return pos;
}

// ---- the streaming assigner of strategies.ts (StreamingAssigner), for random splits and k-fold ----
static double aQ[256];
static i32 aB;
static u32 aSeedMix;
static double aI, aN;

/** Starts an assignment of `n` items over `buckets` quotas (doubles at `quotas`). */
__attribute__((export_name("assignInit"))) void assignInit(u32 seed, double n, i32 buckets, const double *quotas) {
  aB = buckets;
  for (i32 k = 0; k < buckets; k++) aQ[k] = quotas[k];
  aSeedMix = seed * 0x9e3779b1u;
  aI = 0;
  aN = n;
}

/** The draw of item i: pick()'s uniform value times the items left, as strategies.ts computes it. */
static double drawX(u64 ii, double i) {
  const u32 h = fmixH(aSeedMix ^ fmixH((u32)ii ^ 0x5bd1e995u) ^ (u32)(ii >> 32));
  // h / 2^32 is exact, so is the product by the power of two 2^-32: the same double.
  return ((double)h * 0x1p-32) * (aN - i);
}

/** The next buckets into ST_CODES (at most CODES_CAP); sets ST_CODE_AT 0 and ST_CODE_LEN; returns how many. */
__attribute__((export_name("assignFill"))) i32 assignFill(void) {
  u8 *codes = (u8 *)S[ST_CODES];
  double left = aN - aI;
  i32 count = left < CODES_CAP ? (i32)left : CODES_CAP;
  const i32 nb = aB;
  double i = aI;
  u64 ii = (u64)i;
  if (nb == 3) {
    // The usual three splits, with the quotas in registers.
    double q0 = aQ[0], q1 = aQ[1], q2 = aQ[2];
    for (i32 k = 0; k < count; k++, i += 1, ii++) {
      const double x = drawX(ii, i);
      // pick(): the first running sum (0 + q0, then + q1) above x; else the last bucket.
      i32 bk = (x >= q0) + (x >= q0 + q1);
      for (;;) {
        const double qb = bk == 0 ? q0 : bk == 1 ? q1 : q2;
        if (qb != 0) break;
        bk = bk == 2 ? 0 : bk + 1;
      }
      if (bk == 0) q0 -= 1;
      else if (bk == 1) q1 -= 1;
      else q2 -= 1;
      codes[k] = (u8)bk;
    }
    aQ[0] = q0;
    aQ[1] = q1;
    aQ[2] = q2;
  } else {
    for (i32 k = 0; k < count; k++, i += 1, ii++) {
      const double x = drawX(ii, i);
      // pick() stops at the first running sum above x; the sums never decrease, so that index is
      // the number of sums (all but the last) at or below x: counted without branches.
      double acc = 0;
      i32 bk = 0;
      for (i32 c = 0; c < nb - 1; c++) {
        acc += aQ[c];
        bk += x >= acc;
      }
      while (aQ[bk] == 0) bk = (bk + 1) % nb;
      aQ[bk] -= 1;
      codes[k] = (u8)bk;
    }
  }
  aI = i;
  S[ST_CODE_AT] = 0;
  S[ST_CODE_LEN] = count;
  return count;
}

/** Frames the record at `pos` alone (for records JavaScript handles): ST_CE, ST_END; 0 when more input is needed. */
__attribute__((export_name("frameAt"))) i32 frameAt(const u8 *b, i32 pos, i32 len, i32 eof) {
  if (!frame(b, pos, len, eof, 0)) return 0;
  S[ST_CE] = rCe;
  S[ST_END] = rEnd;
  return 1;
}

// ---- sorting keys of (rank, index) (the tied items of a temporal split, placeTied below) ----
#define TOP_BITS_MAX 11
#define SUB_BITS_MAX 12
static u32 sTop[1 << TOP_BITS_MAX];
static u32 sSub[1 << SUB_BITS_MAX];

static i32 bitsFor(u32 m) {
  i32 b = 0;
  while (b < 31 && (1u << b) < m) b++;
  return b;
}

/** Sorts a[0, m) by value (bottom-up merge sort through t): a total order, so any sort gives the same result. */
static void mergeSort(u64 *a, u64 *t, i32 m) {
  u64 *src = a, *dst = t;
  for (i32 w = 1; w < m; w *= 2) {
    for (i32 lo = 0; lo < m; lo += 2 * w) {
      const i32 mid = lo + w < m ? lo + w : m, hi = lo + 2 * w < m ? lo + 2 * w : m;
      i32 x = lo, y = mid, k = lo;
      while (x < mid && y < hi) dst[k++] = src[y] < src[x] ? src[y++] : src[x++];
      while (x < mid) dst[k++] = src[x++];
      while (y < hi) dst[k++] = src[y++];
    }
    u64 *sw = src;
    src = dst;
    dst = sw;
  }
  if (src != a) __builtin_memcpy(a, src, sizeof(u64) * (u32)m);
}

/**
 * Sorts the m keys at src by value into dst (both m long; src is left in any order): a counting
 * pass on the rank bits just below the `above` bits all of them share puts each key near its place,
 * then an insertion sort finishes. Ranks are hashes, so that leaves about one key per slot and
 * almost nothing to move; when the insertion sort moves far more than that (ranks that are not
 * spread), a merge sort finishes instead. Returns dst.
 */
static u64 *sortKeys(u64 *src, u64 *dst, i32 m, i32 above) {
  if (m <= 16) {
    for (i32 i = 0; i < m; i++) dst[i] = src[i];
  } else {
    i32 bits = bitsFor((u32)m);
    if (bits > SUB_BITS_MAX) bits = SUB_BITS_MAX;
    if (bits > 32 - above) bits = 32 - above;
    const u32 shift = 32 - above - bits + 32, mask = (1u << bits) - 1, slots = 1u << bits;
    __builtin_memset(sSub, 0, sizeof(u32) * slots);
    for (i32 i = 0; i < m; i++) sSub[(u32)(src[i] >> shift) & mask]++;
    for (u32 x = 0, sum = 0; x < slots; x++) {
      const u32 v = sSub[x];
      sSub[x] = sum;
      sum += v;
    }
    for (i32 i = 0; i < m; i++) {
      const u64 v = src[i];
      dst[sSub[(u32)(v >> shift) & mask]++] = v;
    }
  }
  i32 moves = 0;
  const i32 budget = 4 * m + 64;
  for (i32 i = 1; i < m; i++) {
    const u64 v = dst[i];
    i32 j = i;
    while (j > 0 && dst[j - 1] > v) {
      dst[j] = dst[j - 1];
      j--;
    }
    dst[j] = v;
    moves += i - j;
    if (moves > budget) {
      mergeSort(dst, src, m);
      break;
    }
  }
  return dst;
}

static inline v128_t fmix4(v128_t h) {
  h = wasm_v128_xor(h, wasm_u32x4_shr(h, 16));
  h = wasm_i32x4_mul(h, wasm_i32x4_splat((i32)0x85ebca6bu));
  h = wasm_v128_xor(h, wasm_u32x4_shr(h, 13));
  h = wasm_i32x4_mul(h, wasm_i32x4_splat((i32)0xc2b2ae35u));
  return wasm_v128_xor(h, wasm_u32x4_shr(h, 16));
}

// A label's keys with item indexes are not stored for the top-bits pass: the ranks are computed
// four at a time, once to count the parts and once to distribute the keys, which costs less than
// writing and reading eight bytes per item.

// ---- the per-item loops of stratifiedSingle, over a chunk of item labels at a time ----
// `lab` holds m labels (int16, or int32 when `wide`), -1 for none; slot l + 1 of the tables below
// is label l's, slot 0 the unlabeled items'.
#define LABEL_AT(k) (wide ? ((const i32 *)lab)[k] : (i32)((const short *)lab)[k])

/** cnt[label + 1]++ for each. */
__attribute__((export_name("labelCount"))) void countLabels(const void *lab, i32 wide, i32 m, i32 *cnt) {
  for (i32 k = 0; k < m; k++) cnt[LABEL_AT(k) + 1]++;
}

/**
 * stratifiedSingle's draw for m items whose first is item `first`: item k with label l >= 0 takes
 * x = floor(rank / 2^32 * left[l + 1]) (in doubles, as JavaScript does), left[l + 1] one less, and
 * the first bucket b whose running total of q[l * S ..] exceeds x, q[l * S + b] one less;
 * out[k] = b. Ranks are rank[k], or with rank null hashIndex(seed, first + k) (seedMix = seed *
 * 0x9e3779b1). Unlabeled items' out[k] is left as it is.
 */
static inline __attribute__((always_inline)) void placeWith(const i32 S, const void *lab, i32 wide, i32 m, const u32 *rank, i32 *q, i32 *left, u8 *out) {
  const i32 S1 = S - 1;
  for (i32 k = 0; k < m; k++) {
    const i32 l = LABEL_AT(k);
    if (l < 0) continue;
    const u32 r = rank[k];
    i32 *ql = q + l * S;
    // Non-negative, so truncation is the floor.
    const i32 x = (i32)(((double)r / 4294967296.0) * (double)left[l + 1]--);
    // The running totals are compared without a branch: each comparison is a coin toss.
    i32 acc = 0, b = 0;
    for (i32 s = 0; s < S1; s++) {
      acc += ql[s];
      b += acc <= x;
    }
    while (ql[b] == 0) b = b == S1 ? 0 : b + 1;
    ql[b]--;
    out[k] = (u8)b;
  }
}

static void placeAny(i32 S, const void *lab, i32 wide, i32 m, const u32 *rank, i32 *q, i32 *left, u8 *out) {
  // The usual bucket counts get a loop of their own, unrolled.
  switch (S) {
    case 2: placeWith(2, lab, wide, m, rank, q, left, out); break;
    case 3: placeWith(3, lab, wide, m, rank, q, left, out); break;
    case 5: placeWith(5, lab, wide, m, rank, q, left, out); break;
    case 10: placeWith(10, lab, wide, m, rank, q, left, out); break;
    default: placeWith(S, lab, wide, m, rank, q, left, out);
  }
}

#define PLACE_BLOCK 1024

__attribute__((export_name("labelPlace"))) void placeLabels(const void *lab, i32 wide, i32 m, u32 first, u32 seedMix, const u32 *rank, i32 *q, i32 *left, i32 S, u8 *out) {
  if (rank) {
    placeAny(S, lab, wide, m, rank, q, left, out);
    return;
  }
  // Ranks by index, four at a time, a block at a time.
  static u32 rk[PLACE_BLOCK] __attribute__((aligned(16)));
  const v128_t mix = wasm_i32x4_splat((i32)seedMix);
  for (i32 at = 0; at < m; at += PLACE_BLOCK) {
    const i32 c = m - at < PLACE_BLOCK ? m - at : PLACE_BLOCK;
    v128_t ix = wasm_i32x4_add(wasm_i32x4_splat((i32)(first + (u32)at)), wasm_i32x4_make(0, 1, 2, 3));
    for (i32 k = 0; k < c; k += 4) {
      wasm_v128_store(rk + k, fmix4(wasm_v128_xor(mix, fmix4(wasm_v128_xor(ix, wasm_i32x4_splat(0x5bd1e995))))));
      ix = wasm_i32x4_add(ix, wasm_i32x4_splat(4));
    }
    const void *lb = wide ? (const void *)((const i32 *)lab + at) : (const void *)((const short *)lab + at);
    placeAny(S, lb, wide, c, rk, q, left, out + at);
  }
}

// ---- temporal split: the items of one time that straddles a boundary (strategies.ts temporalSplit) ----
static u8 tCode[1 << TOP_BITS_MAX];
static u32 tStart[(1 << TOP_BITS_MAX) + 1];

#define TIE_BLOCK 1024

/** The ranks hashIndex(seed, idx[k]) of the c items idx[0, c), four at a time, into rk. */
static inline __attribute__((always_inline)) void tieRanks(const i32 *idx, i32 c, u32 seedMix, u32 *rk) {
  const v128_t mix = wasm_i32x4_splat((i32)seedMix), salt = wasm_i32x4_splat(0x5bd1e995);
  i32 k = 0;
  for (; k + 4 <= c; k += 4) wasm_v128_store(rk + k, fmix4(wasm_v128_xor(mix, fmix4(wasm_v128_xor(wasm_v128_load(idx + k), salt)))));
  for (; k < c; k++) rk[k] = fmixH(seedMix ^ fmixH((u32)idx[k] ^ 0x5bd1e995u));
}

// placeTied's two loops over the items, a block at a time in functions of their own: placeTied is
// called once or twice per split, so it runs as first compiled, while these are called often
// enough to be optimized after a few blocks.
static u32 tieRk[TIE_BLOCK] __attribute__((aligned(16)));

/** Counts the top bits (above tshift; top == 0: one part) of the ranks of the c items idx[0, c) into sTop. */
static __attribute__((noinline)) void tieCountBlock(const i32 *idx, i32 c, u32 seedMix, i32 top, u32 tshift) {
  tieRanks(idx, c, seedMix, tieRk);
  for (i32 k = 0; k < c; k++) sTop[top ? tieRk[k] >> tshift : 0]++;
}

/** The items at..at+c: res (their part's split) or their key into tmp (parts a boundary falls inside). */
static __attribute__((noinline)) void tieSplitBlock(const i32 *idx, i32 at, i32 c, u32 seedMix, i32 top, u32 tshift, u64 *tmp, u8 *res) {
  tieRanks(idx + at, c, seedMix, tieRk);
  for (i32 k = 0; k < c; k++) {
    const u32 r = tieRk[k], x = top ? r >> tshift : 0;
    if (tCode[x] != 255) res[at + k] = tCode[x];
    else tmp[sTop[x]++] = ((u64)r << 32) | (u32)(at + k);
  }
}

/**
 * The m items idx[0, m) (ascending) of one time, whose ranks are hashIndex(seed, item) (seedMix =
 * seed * 0x9e3779b1), take positions 0, 1, ... in (rank, index) order; position p goes to split
 * s0 + #{j : qs[j] <= p} (Q boundaries). res[k] receives item k's split. One pass counts the ranks'
 * top bits; a second (computing the ranks again, which costs less than storing eight bytes per
 * item) gives the items of the parts that no boundary falls inside their split without sorting,
 * and only the others' keys are stored and sorted (sortKeys). keys and tmp have room for m keys
 * each; only those of the sorted parts are touched.
 */
__attribute__((export_name("placeTied"))) void placeTied(const i32 *idx, i32 m, u32 seedMix, u64 *keys, u64 *tmp, const i32 *qs, i32 Q, i32 s0, u8 *res) {
  i32 top = bitsFor((u32)(m >> 8));
  if (top > TOP_BITS_MAX) top = TOP_BITS_MAX;
  const u32 tops = 1u << top, tshift = 32 - top;
  __builtin_memset(sTop, 0, sizeof(u32) * tops);
  for (i32 at = 0; at < m; at += TIE_BLOCK) tieCountBlock(idx + at, m - at < TIE_BLOCK ? m - at : TIE_BLOCK, seedMix, top, tshift);
  // Part x holds positions [tStart[x], tStart[x + 1]): one split unless a boundary falls strictly inside.
  tStart[0] = 0;
  for (u32 x = 0; x < tops; x++) {
    const u32 lo = tStart[x], hi = lo + sTop[x];
    i32 code = s0, mixed = 0;
    for (i32 j = 0; j < Q; j++) {
      if ((u32)qs[j] <= lo) code++;
      else if ((u32)qs[j] < hi) mixed = 1;
    }
    tCode[x] = mixed ? 255 : (u8)code;
    sTop[x] = lo;
    tStart[x + 1] = hi;
  }
  for (i32 at = 0; at < m; at += TIE_BLOCK) tieSplitBlock(idx, at, m - at < TIE_BLOCK ? m - at : TIE_BLOCK, seedMix, top, tshift, tmp, res);
  for (u32 x = 0; x < tops; x++) {
    if (tCode[x] != 255) continue;
    const u32 lo = tStart[x], c = tStart[x + 1] - lo;
    const u64 *part = sortKeys(tmp + lo, keys + lo, (i32)c, top);
    for (u32 p = 0; p < c; p++) {
      i32 code = s0;
      for (i32 j = 0; j < Q; j++) code += (u32)qs[j] <= lo + p;
      res[(u32)part[p]] = (u8)code;
    }
  }
}

// groupPlace's digit counters: three 11-bit digits of a 32-bit rank.
static u32 gpCount[3][2048];

/**
 * groupSplit's placing (strategies.ts, the reference): groups in order of (rank, id), each to the
 * bucket furthest below its target item count, the first such on ties within 1e-9. rank and size
 * have G entries; target and have B (have starts at 0 and ends as the items per bucket); k1, i1,
 * k2, i2 are G entries of room; out gets each group's bucket. The order is a stable radix sort of
 * the ranks by id, as sortByRank's.
 */
__attribute__((export_name("groupPlace"))) void groupPlace(const u32 *rank, const i32 *size, i32 G, const double *target, double *have, i32 B, u32 *k1, i32 *i1, u32 *k2, i32 *i2, u8 *out) {
  __builtin_memset(gpCount, 0, sizeof gpCount);
  for (i32 i = 0; i < G; i++) {
    const u32 k = rank[i];
    gpCount[0][k & 2047]++;
    gpCount[1][(k >> 11) & 2047]++;
    gpCount[2][k >> 22]++;
  }
  // Keys and ids move between (k1, i1) and (k2, i2); before the first move, the ids are the positions.
  const u32 *key = rank;
  const i32 *idx = 0;
  for (i32 d = 0; d < 3; d++) {
    const u32 shift = 11 * (u32)d;
    u32 *c = gpCount[d];
    // Every rank with the same digit: nothing moves.
    if (G > 0 && c[(key[0] >> shift) & 2047] == (u32)G) continue;
    for (u32 b = 0, sum = 0; b < 2048; b++) {
      const u32 v = c[b];
      c[b] = sum;
      sum += v;
    }
    u32 *kd = key == k1 ? k2 : k1;
    i32 *id = key == k1 ? i2 : i1;
    if (!idx) {
      for (i32 i = 0; i < G; i++) {
        const u32 k = key[i];
        const u32 to = c[(k >> shift) & 2047]++;
        kd[to] = k;
        id[to] = i;
      }
    } else {
      for (i32 i = 0; i < G; i++) {
        const u32 k = key[i];
        const u32 to = c[(k >> shift) & 2047]++;
        kd[to] = k;
        id[to] = idx[i];
      }
    }
    key = kd;
    idx = id;
  }
  for (i32 j = 0; j < G; j++) {
    const i32 g = idx ? idx[j] : j;
    i32 best = 0;
    for (i32 s = 1; s < B; s++) {
      if (target[s] - have[s] > target[best] - have[best] + 1e-9) best = s;
    }
    out[g] = (u8)best;
    have[best] += (double)size[g];
  }
}

// ---- the group split's buckets in pass 2: item i's bucket is bucket[group id of i] ----
/** codes[k] = bucket[ids[k]] for k < n (ids 32-bit). */
__attribute__((export_name("gather32"))) void gather32(const u32 *ids, i32 n, const u8 *bucket, u8 *codes) {
  for (i32 k = 0; k < n; k++) codes[k] = bucket[ids[k]];
}

/** gather32 for 16-bit ids. */
__attribute__((export_name("gather16"))) void gather16(const u16 *ids, i32 n, const u8 *bucket, u8 *codes) {
  for (i32 k = 0; k < n; k++) codes[k] = bucket[ids[k]];
}
