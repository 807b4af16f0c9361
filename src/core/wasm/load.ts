// Instantiates a generated WebAssembly module (see scripts/build-wasm.mjs). Modules are small and
// compiled synchronously once per process; callers keep their own instance (its memory is theirs).
// The project's type libraries (ES2022 + Node) do not describe WebAssembly, so the few parts used
// are declared here.
export interface WasmMemory {
  readonly buffer: ArrayBuffer;
  /** Grows by `pages` 64 KiB pages; returns the old size in pages, throws when it cannot. */
  grow(pages: number): number;
}
interface WasmApi {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { exports: object };
}
const WA = (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly;
const modules = new Map<string, object>();

/** Exports every module has: its memory, and where the heap starts (after the stack and data). */
export interface WasmBase {
  memory: WasmMemory;
  __heap_base: { value: number };
}

export function wasmInstance<T extends object>(name: string, base64: string): T & WasmBase {
  let mod = modules.get(name);
  if (!mod) {
    mod = new WA.Module(Buffer.from(base64, 'base64'));
    modules.set(name, mod);
  }
  return new WA.Instance(mod, {}).exports as T & WasmBase;
}
