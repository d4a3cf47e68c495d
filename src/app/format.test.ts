import { describe, expect, it } from 'vitest';
import { formatBytes, formatCompact, formatCount, formatMB, formatPercent, formatRate, percentOf, plural } from './format.ts';

describe('format', () => {
  it('formats counts with thousands separators', () => {
    expect(formatCount(0)).toBe('0');
    expect(formatCount(12345)).toBe('12,345');
    expect(formatCount(1_000_000)).toBe('1,000,000');
  });

  it('formats bytes in binary units', () => {
    expect(formatBytes(0)).toBe('0 B');
    expect(formatBytes(1023)).toBe('1023 B');
    expect(formatBytes(1024)).toBe('1.00 KiB');
    expect(formatBytes(1536)).toBe('1.50 KiB');
    expect(formatBytes(20 * 1024 * 1024)).toBe('20.0 MiB');
    expect(formatBytes(300 * 1024 ** 3)).toBe('300 GiB');
    expect(formatBytes(-1)).toBe('—');
  });

  it('formats transfer sizes and rates in decimal MB', () => {
    expect(formatMB(1_234_567)).toBe('1.23 MB');
    expect(formatMB(12_345_678)).toBe('12.3 MB');
    expect(formatMB(123_456_789)).toBe('123 MB');
    expect(formatRate(55_100_000)).toBe('55.1 MB/s');
    expect(formatRate(0)).toBe('— MB/s');
    expect(formatRate(Number.NaN)).toBe('— MB/s');
  });

  it('computes clamped percentages', () => {
    expect(percentOf(50, 200)).toBe(25);
    expect(percentOf(199, 200)).toBe(99);
    expect(percentOf(300, 200)).toBe(100);
    expect(percentOf(1, null)).toBeNull();
    expect(percentOf(1, 0)).toBeNull();
  });

  it('pluralises', () => {
    expect(plural(1, 'object')).toBe('1 object');
    expect(plural(2500, 'object')).toBe('2,500 objects');
    expect(plural(2, 'access line')).toBe('2 access lines');
  });

  it('formats fractions as percentages, never rounding to all or none', () => {
    expect(formatPercent(1)).toBe('100%');
    expect(formatPercent(0)).toBe('0%');
    expect(formatPercent(0.5)).toBe('50%');
    expect(formatPercent(0.1234)).toBe('12%');
    expect(formatPercent(0.996)).toBe('99.6%');
    expect(formatPercent(0.9999)).toBe('99.9%');
    expect(formatPercent(0.004)).toBe('0.4%');
    expect(formatPercent(0.00001)).toBe('0.1%');
    expect(formatPercent(Number.NaN)).toBe('—');
  });
});

describe('formatCompact', () => {
  it('keeps small counts and shortens big ones to three figures', () => {
    expect([0, 950, 1000, 12_345, 4_500_000, 999_999_999_999].map(formatCompact)).toEqual(['0', '950', '1.0K', '12.3K', '4.5M', '1.0T']);
  });
});
