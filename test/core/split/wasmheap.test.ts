import { strict as assert } from 'node:assert';
import { wasmInstance } from '../../../src/core/wasm/load';
import { WASM_BASE64 } from '../../../src/core/wasm/split.wasm';

/**
 * The split module's memory grows by a quarter more than an allocation asks for (HEAP_SLACK in
 * split.c), so that tables doubling as they fill take new memory from a few grows, not one grow
 * each (every grow costs the engine time in proportion to the memory in use).
 */
describe('split: WebAssembly memory grows ahead of the allocations', () => {
  it('many growing allocations: few grows, each block 64-aligned, inside the memory and apart from the others', () => {
    const x = wasmInstance<{ alloc(n: number): number }>('split', WASM_BASE64);
    const blocks: Array<[number, number]> = [];
    let buffer = x.memory.buffer;
    let grows = 0;
    // The sizes of two tables doubling in turn (as the group table and the memo do), then many small blocks.
    const sizes: number[] = [];
    for (let n = 48 << 10; n <= 6 << 20; n *= 2) sizes.push(n, (n * 4) / 3);
    for (let i = 0; i < 200; i++) sizes.push(64 << 10);
    for (const n of sizes) {
      const at = x.alloc(n);
      assert.notEqual(at, 0, `allocation of ${n} bytes`);
      assert.equal(at % 64, 0);
      assert.ok(at + n <= x.memory.buffer.byteLength, 'inside the memory');
      if (x.memory.buffer !== buffer) {
        grows++;
        buffer = x.memory.buffer;
      }
      // Each block is usable, and writing it leaves the others as they were.
      new Uint8Array(x.memory.buffer, at, n).fill(blocks.length & 0xff);
      blocks.push([at, n]);
    }
    const sorted = blocks.slice().sort((a, b) => a[0] - b[0]);
    for (let i = 1; i < sorted.length; i++) assert.ok(sorted[i - 1][0] + sorted[i - 1][1] <= sorted[i][0], 'blocks do not overlap');
    const mem = new Uint8Array(x.memory.buffer);
    blocks.forEach(([at, n], i) => {
      assert.equal(mem[at], i & 0xff);
      assert.equal(mem[at + n - 1], i & 0xff);
    });
    // One grow per allocation would be about 230 here; growing by a quarter more takes about 25.
    assert.ok(grows <= 40, `${grows} grows for ${sizes.length} allocations`);
  });
});
