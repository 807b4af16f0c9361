// Bump allocation at the end of a module's memory, shared by the modules (included, not linked).
// Nothing is freed: an instance lives as long as the object that owns it.
typedef unsigned char u8;
typedef unsigned int u32;

extern u8 __heap_base;

static u8 *brk;

// Pages to grow by beyond what an allocation needs, given the pages the memory has (a module
// that allocates often defines it before including this file: every memory.grow costs the engine
// far more than the pages it adds, which stay untouched until used).
#ifndef HEAP_SLACK
#define HEAP_SLACK(pages) 0u
#endif

// `n` bytes aligned to 64, growing the memory as needed; 0 when it cannot grow.
static u8 *heapAlloc(u32 n) {
  if (!brk) brk = &__heap_base;
  brk = (u8 *)(((u32)brk + 63) & ~63u);
  u8 *p = brk;
  u32 need = (u32)p + n + 64;
  u32 have = __builtin_wasm_memory_size(0) * 65536u;
  if (need > have) {
    const u32 pages = (need - have + 65535) / 65536, slack = HEAP_SLACK(have / 65536);
    // (With the slack when the memory can grow that far, else without it.)
    if ((!slack || __builtin_wasm_memory_grow(0, pages + slack) == (unsigned long)-1) && __builtin_wasm_memory_grow(0, pages) == (unsigned long)-1) return 0;
  }
  brk = p + n;
  return p;
}

// Writes once to every 4 KiB page of [p, p + n) (fresh, untouched memory) before anything reads it.
// A page read first is mapped to the kernel's shared zero page; the first write to it then copies
// it and flushes the TLB of every core the process runs on (node's helper threads), which costs a
// second fault and an interprocessor interrupt per page. For tables that are probed (read) before
// they are filled.
static inline void heapTouch(u8 *p, u32 n) {
  for (u32 q = 0; q < n; q += 4096) ((volatile u8 *)p)[q] = 0;
}

