/** Conversion between plain JSON values and the proto-loader form of `google.protobuf.Value`. */
export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

export interface WireValue {
  nullValue?: string | number;
  numberValue?: number;
  stringValue?: string;
  boolValue?: boolean;
  structValue?: { fields?: Record<string, WireValue> };
  listValue?: { values?: WireValue[] };
  kind?: string;
}

export function toWire(v: Json | undefined): WireValue {
  if (v === null || v === undefined) return { nullValue: 'NULL_VALUE' };
  if (typeof v === 'number') return { numberValue: v };
  if (typeof v === 'string') return { stringValue: v };
  if (typeof v === 'boolean') return { boolValue: v };
  if (Array.isArray(v)) return { listValue: { values: v.map(toWire) } };
  const fields: Record<string, WireValue> = {};
  for (const [k, x] of Object.entries(v)) fields[k] = toWire(x);
  return { structValue: { fields } };
}

export function fromWire(v: WireValue | undefined | null): Json {
  if (!v) return null;
  const kind = v.kind ?? Object.keys(v).find((k) => k.endsWith('Value'));
  switch (kind) {
    case 'numberValue':
      return Number(v.numberValue);
    case 'stringValue':
      return v.stringValue ?? '';
    case 'boolValue':
      return Boolean(v.boolValue);
    case 'listValue':
      return (v.listValue?.values ?? []).map(fromWire);
    case 'structValue': {
      const out: { [key: string]: Json } = {};
      for (const [k, x] of Object.entries(v.structValue?.fields ?? {})) out[k] = fromWire(x);
      return out;
    }
    default:
      return null;
  }
}

export function isObject(v: Json | undefined): v is { [key: string]: Json } {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
