/**
 * Keeps an incremental dataset in step with a document's line cache. Building it takes every item
 * (a few hundred ms on 100,000 lines), so it is built in slices between other work; until it is
 * ready, results come from a plain accumulator over all cached facts (the same findings). Once
 * ready, a result takes only the facts edits dropped and added since the last one.
 */
import { DatasetAccumulator, IncrementalDataset, type DatasetResult } from '../core/dataset';
import type { FormatId } from '../core/formats';
import type { MediaTable } from '../core/dataset/media';
import type { ItemFacts } from '../core/items';
import type { LineCache } from './lineCache';

/** Items added per build slice. */
export const BUILD_SLICE = 10_000;

export class DatasetSync {
  private readonly engine: IncrementalDataset;
  /** The facts and their places when the build started (places taken then: lines move with edits). */
  private pending?: { facts: ItemFacts[]; orders: number[]; next: number };

  constructor(
    readonly cache: LineCache,
    readonly format: FormatId,
    readonly strict: boolean,
    readonly media?: MediaTable,
  ) {
    this.engine = new IncrementalDataset(format, { csv: false, strict, media });
    const facts = cache.itemFacts();
    cache.resetChanges();
    this.pending = { facts, orders: facts.map((f) => f.line), next: 0 };
  }

  get ready(): boolean {
    return this.pending === undefined;
  }

  /** Adds up to `budget` more items; true when the build is done. */
  step(budget = BUILD_SLICE): boolean {
    const p = this.pending;
    if (!p) return true;
    // Items edits dropped meanwhile are left out; items they added come with the next changes.
    const dropped = new Set(this.cache.droppedSinceReset());
    const end = Math.min(p.facts.length, p.next + budget);
    for (let i = p.next; i < end; i++) if (!dropped.has(p.facts[i])) this.engine.add(p.facts[i], p.orders[i]);
    p.next = end;
    if (end < p.facts.length) return false;
    this.pending = undefined;
    return true;
  }

  /** The dataset findings and statistics over the cache's items as they are now. */
  result(): DatasetResult {
    if (!this.ready) {
      const acc = new DatasetAccumulator(this.format, { csv: false, strict: this.strict, media: this.media });
      for (const f of this.cache.itemFacts()) acc.add(f);
      return acc.finish();
    }
    const engine = this.engine;
    const changes = this.cache.takeChanges((f) => engine.orderOf(f));
    for (const f of changes.removed) engine.remove(f);
    if (changes.renumber) engine.reorder((f) => f.line);
    for (const { item, order } of changes.added) engine.add(item, order);
    return engine.result();
  }
}
