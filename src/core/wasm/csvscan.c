// Byte-level scanner for tabular CSV profiling (src/core/csv/bytescan.ts drives it). It takes
// whole one-line records of ASCII text and does exactly what ColumnProfiler.addLine plus
// TabularChecker.fastLine do for a line that is taken without a finding: cell boundaries, the
// hash probe and occurrence count of known distinct values, nulls, lengths, simple decimal
// numbers for min/max, and the value checks of the target and weight columns. Anything else (a
// new distinct value, a number or date it cannot decide exactly, irregular quoting, a row that
// needs a finding...) stops the scan at that line, with nothing of the line recorded, and the
// JavaScript path takes the line. The per-column state lives in this module's memory and is
// shared with the JavaScript profiler: the hash tables, counts, min/max and modes are the same
// arrays.
#include <wasm_simd128.h>

typedef unsigned char u8;
typedef int i32;
typedef unsigned int u32;
typedef double f64;

#define MAX_COLUMNS 1024

// Column modes (profile.ts MODE_*).
#define MODE_HASH 0
#define MODE_NUMBER 1
#define MODE_STRING 2
#define MODE_SKIP 3

// Role checks (bytescan.ts ROLE_*).
#define ROLE_NONE 0
#define ROLE_NONEMPTY 1
#define ROLE_NUMERIC 2
#define ROLE_WEIGHT 3
#define ROLE_PASSED 4

// What a cell records when its line is taken.
#define ACT_NULL 0
#define ACT_HIT 1
#define ACT_NUMBER 2
#define ACT_LENGTH 3

#define COUNT_FLUSH 0x40000000

static i32 N;
static i32 MAX_LINE;
static u8 *MODE;
static i32 *TABLE; // per column: byte address of its slots
static i32 *MASK;
static f64 *COUNT, *NULLS, *MIN, *MAX, *LSUM, *LMAX;
static u8 *ALL_BOOLEAN, *ALL_TIMESTAMP, *SAW_TIMESTAMP;
static u8 *ROLE;
static i32 *PASSED; // per column: byte address of its passed-values flags (role columns)

// The columns with a value check, in order.
static i32 ROLES[MAX_COLUMNS];
static i32 NROLES;

static i32 ACT[MAX_COLUMNS];
static i32 ARG[MAX_COLUMNS];
static f64 XV[MAX_COLUMNS];

// Result of the last scan: where it stopped, the end of the line it stopped at (-1: no whole
// line left), and how many lines it took.
static i32 OUT[3];

static const f64 POW10[23] = {1, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11,
                              1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22};

__attribute__((export_name("out"))) i32 *out(void) { return OUT; }

__attribute__((export_name("configure"))) void configure(i32 n, i32 maxLine, u8 *mode, i32 *table, i32 *mask, f64 *count,
                                                         f64 *nulls, f64 *min, f64 *max, f64 *lsum, f64 *lmax, u8 *allBoolean,
                                                         u8 *allTimestamp, u8 *sawTimestamp, u8 *role, i32 *passed) {
  N = n;
  MAX_LINE = maxLine;
  MODE = mode;
  TABLE = table;
  MASK = mask;
  COUNT = count;
  NULLS = nulls;
  MIN = min;
  MAX = max;
  LSUM = lsum;
  LMAX = lmax;
  ALL_BOOLEAN = allBoolean;
  ALL_TIMESTAMP = allTimestamp;
  SAW_TIMESTAMP = sawTimestamp;
  ROLE = role;
  PASSED = passed;
  NROLES = 0;
  for (i32 j = 0; j < n; j++)
    if (role[j] != ROLE_NONE) ROLES[NROLES++] = j;
}

static i32 find_lf(const u8 *b, i32 p, i32 end) {
  const v128_t lf = wasm_i8x16_splat(10);
  while (p + 16 <= end) {
    u32 m = wasm_i8x16_bitmask(wasm_i8x16_eq(wasm_v128_load(b + p), lf));
    if (m) return p + __builtin_ctz(m);
    p += 16;
  }
  while (p < end) {
    if (b[p] == 10) return p;
    p++;
  }
  return -1;
}

// True when the line [p, e) holds a CR (the reader ends a record there).
static i32 has_cr(const u8 *b, i32 p, i32 e) {
  const v128_t cr = wasm_i8x16_splat(13);
  while (p + 16 <= e) {
    if (wasm_v128_any_true(wasm_i8x16_eq(wasm_v128_load(b + p), cr))) return 1;
    p += 16;
  }
  while (p < e) {
    if (b[p] == 13) return 1;
    p++;
  }
  return 0;
}

// The slot (index into the column's ints) holding hashes (a, b), or -1.
static i32 probe(i32 j, i32 a, i32 b) {
  const i32 *keys = (const i32 *)TABLE[j];
  u32 mask = (u32)MASK[j];
  u32 i = (u32)a & mask;
  for (;;) {
    i32 k = (i32)(i << 2);
    if (keys[k + 2] < 0) return -1;
    if (keys[k] == a && keys[k + 1] == b) return k;
    i = (i + 1) & mask;
  }
}

static inline i32 with_length(u32 g, i32 len) { return (i32)(g ^ ((u32)len * 0x9e3779b1u)); }

static inline i32 two_digits(const u8 *v, i32 i) {
  u32 a = (u32)v[i] - 48, b = (u32)v[i + 1] - 48;
  return a <= 9 && b <= 9 ? (i32)(a * 10 + b) : -1;
}

// timestamp.ts simpleDateTime after looksLikeTimestamp's first checks: 1 for a real date or
// date-time of the common shapes, 0 for anything else (the caller then leaves the line to JS).
static i32 simple_date_time(const u8 *v, i32 n) {
  if (n < 10 || v[4] != 45 || v[7] != 45 || (u32)v[0] - 48 > 9 || (u32)v[5] - 48 > 9 || (u32)v[8] - 48 > 9) return 0;
  if (n != 10 && n != 16 && n != 19 && n != 20) return 0;
  i32 hi = two_digits(v, 0), lo = two_digits(v, 2), month = two_digits(v, 5), day = two_digits(v, 8);
  if (hi < 0 || lo < 0 || month < 0 || day < 0) return 0;
  if (n > 10) {
    u8 sep = v[10];
    if ((sep != 84 && sep != 32) || v[13] != 58) return 0;
    i32 hour = two_digits(v, 11), minute = two_digits(v, 14);
    if (hour < 0 || minute < 0) return 0;
    if (n >= 19) {
      if (v[16] != 58) return 0;
      i32 second = two_digits(v, 17);
      if (second < 0) return 0;
      if (n == 20 && v[19] != 90 && v[19] != 122) return 0;
      if (second > 60) return 0;
    }
    if (hour > 23 || minute > 59) return 0;
  }
  i32 year = hi * 100 + lo;
  static const i32 days[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (month < 1 || month > 12 || day < 1) return 0;
  i32 dim = (month == 2 && ((year % 4 == 0 && year % 100 != 0) || year % 400 == 0)) ? 29 : days[month - 1];
  return day <= dim;
}

// Looks at the one-line record [p, e) (no CR in it) and, when it is taken, records it.
static i32 line(const u8 *b, i32 p, i32 e) {
  const i32 n = N;
  i32 j = 0;
  i32 q = p;
  for (;;) {
    if (j >= n) return 0;
    const i32 mode = MODE[j];
    const i32 start = q;
    if (q < e && b[q] == 34) {
      // A quoted cell that closes on this line, followed by a comma or the line end.
      u32 h = 0, g = 0x811c9dc5u;
      i32 len = 0;
      q++;
      for (;;) {
        if (q >= e) return 0;
        u32 c = b[q];
        if (c == 34) {
          if (q + 1 < e && b[q + 1] == 34) q++;
          else break;
        }
        h = h * 31 + c;
        g = (g ^ c) * 0x01000193u;
        len++;
        q++;
      }
      q++;
      if (q < e && b[q] != 44) return 0;
      if (len == 0) ACT[j] = ACT_NULL;
      else if (mode == MODE_HASH) {
        i32 k = probe(j, (i32)h, with_length(g, len));
        // A count about to reach the flush point is left to profile.ts (it moves it to a double).
        if (k < 0 || ((const i32 *)TABLE[j])[k + 3] + 1 >= COUNT_FLUSH) return 0;
        ACT[j] = ACT_HIT;
        ARG[j] = k;
      } else if (mode == MODE_SKIP) {
        ACT[j] = ACT_LENGTH;
        ARG[j] = len;
      } else {
        return 0;
      }
    } else if (mode == MODE_HASH) {
      u32 h = 0, g = 0x811c9dc5u;
      while (q < e) {
        u32 c = b[q];
        if (c == 44) break;
        if (c == 34) return 0;
        h = h * 31 + c;
        g = (g ^ c) * 0x01000193u;
        q++;
      }
      i32 len = q - start;
      if (len == 0) ACT[j] = ACT_NULL;
      else {
        i32 k = probe(j, (i32)h, with_length(g, len));
        // A count about to reach the flush point is left to profile.ts (it moves it to a double).
        if (k < 0 || ((const i32 *)TABLE[j])[k + 3] + 1 >= COUNT_FLUSH) return 0;
        ACT[j] = ACT_HIT;
        ARG[j] = k;
      }
    } else if (mode == MODE_NUMBER) {
      // [sign] digits [. digits], up to 15 digits, as profile.ts computes it.
      u32 c0 = q < e ? b[q] : 0;
      if (c0 == 45 || c0 == 43) q++;
      // Integer accumulation: exact (so equal to profile.ts's double arithmetic) while there are
      // at most 15 digits, the only case where the value is used.
      unsigned long long m = 0;
      i32 d = 0;
      const i32 d0 = q;
      while (q < e) {
        d = (i32)b[q] - 48;
        if ((u32)d > 9) break;
        m = m * 10 + (u32)d;
        q++;
      }
      i32 digits = q - d0;
      i32 decimals = 0;
      if (q < e && d == -2) {
        q++;
        const i32 f0 = q;
        while (q < e) {
          d = (i32)b[q] - 48;
          if ((u32)d > 9) break;
          m = m * 10 + (u32)d;
          q++;
        }
        decimals = q - f0;
        digits += decimals;
      }
      i32 ok = 0;
      f64 x = 0;
      if (q == e || b[q] == 44) {
        if (digits > 0 && digits <= 15) {
          x = decimals ? (f64)m / POW10[decimals] : (f64)m;
          if (c0 == 45) x = -x;
          ok = 1;
        }
      } else {
        while (q < e && b[q] != 44) {
          if (b[q] == 34) return 0;
          q++;
        }
      }
      i32 len = q - start;
      if (len == 0) ACT[j] = ACT_NULL;
      else if (ok) {
        if (x == 0) x = 0; // -0 reads as 0 in the profile.
        ACT[j] = ACT_NUMBER;
        ARG[j] = len;
        XV[j] = x;
      } else {
        return 0;
      }
    } else {
      while (q < e) {
        u32 c = b[q];
        if (c == 44) break;
        if (c == 34) return 0;
        q++;
      }
      i32 len = q - start;
      if (len == 0) ACT[j] = ACT_NULL;
      else if (mode == MODE_SKIP) {
        ACT[j] = ACT_LENGTH;
        ARG[j] = len;
      } else if (ALL_TIMESTAMP[j] && !ALL_BOOLEAN[j] && SAW_TIMESTAMP[j] && simple_date_time(b + start, len)) {
        // A date in a column of dates: its type evidence changes nothing, only its length counts.
        ACT[j] = ACT_LENGTH;
        ARG[j] = len;
      } else {
        return 0;
      }
    }
    j++;
    if (q >= e) break;
    q++;
  }
  if (j != n) return 0;
  // Value checks of the target and weight columns (tabular.ts valuePasses).
  for (i32 i = 0; i < NROLES; i++) {
    const i32 r = ROLES[i];
    const i32 role = ROLE[r];
    const i32 act = ACT[r];
    if (act == ACT_HIT) {
      const i32 *keys = (const i32 *)TABLE[r];
      const u8 *passed = (const u8 *)PASSED[r];
      if (passed[keys[ARG[r] + 2]]) continue;
    }
    if (role == ROLE_NONEMPTY && act != ACT_NULL) continue;
    if (role == ROLE_NUMERIC && act == ACT_NUMBER) continue;
    if (role == ROLE_WEIGHT && act == ACT_NUMBER && XV[r] >= 0 && XV[r] <= 10000) continue;
    return 0;
  }
  for (i32 k = 0; k < n; k++) {
    const i32 act = ACT[k];
    if (act == ACT_HIT) {
      i32 *keys = (i32 *)TABLE[k];
      keys[ARG[k] + 3]++;
    } else if (act == ACT_NULL) {
      NULLS[k]++;
      COUNT[k]--;
    } else if (act == ACT_NUMBER) {
      const f64 x = XV[k];
      const f64 lo = MIN[k], hi = MAX[k], longest = LMAX[k];
      const i32 len = ARG[k];
      MIN[k] = x < lo ? x : lo;
      MAX[k] = x > hi ? x : hi;
      LMAX[k] = len > longest ? len : longest;
      LSUM[k] += len;
    } else {
      const i32 len = ARG[k];
      const f64 longest = LMAX[k];
      LSUM[k] += len;
      LMAX[k] = len > longest ? len : longest;
    }
  }
  return 1;
}

// Takes the lines of b[p, end) from p on while it can. Returns 0 when no whole line is left
// (OUT[0]: the start of the unfinished line), 1 when the line at OUT[0] (ending at OUT[1]) is for
// the JavaScript path. OUT[2]: lines taken.
__attribute__((export_name("scan"))) i32 scan(const u8 *b, i32 p, i32 end) {
  i32 taken = 0;
  for (;;) {
    const i32 lf = find_lf(b, p, end);
    if (lf < 0) {
      OUT[0] = p;
      OUT[1] = -1;
      OUT[2] = taken;
      return 0;
    }
    i32 e = lf;
    if (e > p && b[e - 1] == 13) e--;
    if (e == p || e - p > MAX_LINE || has_cr(b, p, e) || !line(b, p, e)) {
      OUT[0] = p;
      OUT[1] = lf;
      OUT[2] = taken;
      return 1;
    }
    taken++;
    p = lf + 1;
  }
}
