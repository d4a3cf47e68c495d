// Colours of the Lifetimes view's series: the top groups take the Tableau
// 10 palette in order (most objects first), "other" is grey. One definition,
// so the legend, the histogram and the live chart agree.

import { schemeTableau10 } from 'd3';

export const OTHER_COLOR = '#6c7885';

/** Colour of series s among `numGroups` named ones (s === numGroups is "other"). */
export function seriesColor(s: number, numGroups: number): string {
  return s >= numGroups ? OTHER_COLOR : schemeTableau10[s % schemeTableau10.length];
}
