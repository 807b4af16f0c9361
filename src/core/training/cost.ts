/**
 * Cost ESTIMATES from the seed guide's price tables (approximate list prices, USD). They are
 * labelled as estimates everywhere they are shown: actual prices vary by region and change.
 */
import type { ObjectiveInfo, TrainingDataType } from './objectives';
import { milliToNodeHours } from './objectives';

export const PRICE_SOURCE = 'approximate prices from the project seed guide (Vertex AI pricing, accessed 2025-11-16); check https://cloud.google.com/vertex-ai/pricing';

/** AutoML training, USD per node hour. Forecasting is billed like tabular. */
export const TRAINING_USD_PER_NODE_HOUR: Readonly<Record<TrainingDataType, number>> = {
  image: 3.15,
  tabular: 19.32,
  'time-series': 19.32,
  text: 3.15,
  video: 6.3,
};

export interface TrainingEstimate {
  estimate: true;
  currency: 'USD';
  usdPerNodeHour: number;
  /** Budget in node hours; absent when the objective takes none (video). */
  budgetNodeHours?: number;
  /** Upper bound: the whole budget used. Early stopping may end training sooner. */
  maxUsd?: number;
  text: string;
  source: string;
}

const usd = (n: number) => `$${n.toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`;

export function estimateTraining(o: ObjectiveInfo, budgetMilliNodeHours?: number): TrainingEstimate {
  const rate = TRAINING_USD_PER_NODE_HOUR[o.dataType];
  if (budgetMilliNodeHours === undefined || !o.budgetField) {
    return {
      estimate: true,
      currency: 'USD',
      usdPerNodeHour: rate,
      text: `Estimated cost: about ${usd(rate)} per node hour; ${o.title} takes no budget, so the total depends on how long Vertex AI trains.`,
      source: PRICE_SOURCE,
    };
  }
  const hours = milliToNodeHours(budgetMilliNodeHours);
  const max = Math.round(hours * rate * 100) / 100;
  return {
    estimate: true,
    currency: 'USD',
    usdPerNodeHour: rate,
    budgetNodeHours: hours,
    maxUsd: max,
    text: `Estimated cost: up to ${usd(max)} (${hours} node hours × ${usd(rate)} per node hour)${o.earlyStopping ? '; early stopping can make it less' : ''}.`,
    source: PRICE_SOURCE,
  };
}

/** Human labeling base prices per item, USD (low, high), and the unit they are charged per. */
export const LABELING_PRICES = {
  'image-classification': { low: 0.05, high: 0.08, unit: 'image' },
  'image-bounding-box': { low: 0.1, high: 0.15, unit: 'image' },
  text: { low: 0.01, high: 0.03, unit: 'document' },
  video: { low: 0.5, high: 2.0, unit: 'minute of video' },
} as const;
export type LabelingPriceKey = keyof typeof LABELING_PRICES;

/** Each labeler beyond the first adds 25%; specialist pools cost 2-10× the base rate. */
export const EXTRA_REVIEWER_MARKUP = 0.25;
export const SPECIALIST_MARKUP = { low: 2, high: 10 } as const;

export interface LabelingEstimate {
  estimate: true;
  currency: 'USD';
  units: number;
  unit: string;
  lowUsd: number;
  highUsd: number;
  text: string;
  source: string;
}

export function estimateLabeling(price: LabelingPriceKey, units: number, labelerCount: number, specialist: boolean): LabelingEstimate {
  const p = LABELING_PRICES[price];
  const reviewers = 1 + EXTRA_REVIEWER_MARKUP * Math.max(0, labelerCount - 1);
  const low = units * p.low * reviewers * (specialist ? SPECIALIST_MARKUP.low : 1);
  const high = units * p.high * reviewers * (specialist ? SPECIALIST_MARKUP.high : 1);
  const r = (n: number) => Math.round(n * 100) / 100;
  const parts = [`${units.toLocaleString('en-US')} ${p.unit}${units === 1 ? '' : 's'} × ${usd(p.low)}–${usd(p.high)}`];
  if (labelerCount > 1) parts.push(`${labelerCount} labelers (+${Math.round((reviewers - 1) * 100)}%)`);
  if (specialist) parts.push(`specialist pool (${SPECIALIST_MARKUP.low}–${SPECIALIST_MARKUP.high}× base rate)`);
  return {
    estimate: true,
    currency: 'USD',
    units,
    unit: p.unit,
    lowUsd: r(low),
    highUsd: r(high),
    text: `Estimated labeling cost: ${usd(r(low))}–${usd(r(high))} (${parts.join(', ')}).`,
    source: PRICE_SOURCE,
  };
}
