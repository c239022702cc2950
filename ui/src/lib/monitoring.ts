/** Figures of monitoring records that are only for display (headcounts). */
import type { AgeGroup, Sex, Training } from './bindings';

export interface Headcount {
  total: number;
  bySex: Partial<Record<Sex, number>>;
  byAge: Partial<Record<AgeGroup, number>>;
}

/** Participants of a training, in total and disaggregated by sex and age group. */
export function headcount(training: Training): Headcount {
  const out: Headcount = { total: 0, bySex: {}, byAge: {} };
  for (const g of training.participants) {
    const n = Math.max(0, g.count);
    out.total += n;
    out.bySex[g.sex] = (out.bySex[g.sex] ?? 0) + n;
    out.byAge[g.age_group] = (out.byAge[g.age_group] ?? 0) + n;
  }
  return out;
}
