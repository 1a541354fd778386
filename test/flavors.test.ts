import { describe, expect, it } from 'vitest';
import { flavorSizeInBytes, selectFlavor } from '../src/flavors.js';
import { flavorStatusName, FlavorStatus, type FlavorAsset } from '../src/kaltura/types.js';

const ready = (id: string, extra: Partial<FlavorAsset> = {}): FlavorAsset => ({
  id,
  status: FlavorStatus.READY,
  ...extra,
});

describe('selectFlavor', () => {
  it('prefers the original wherever it is listed', () => {
    const flavors = [ready('a'), ready('b'), ready('src', { isOriginal: true })];
    expect(selectFlavor(flavors)).toEqual({ kind: 'chosen', flavor: flavors[2] });
  });

  it('takes the first flavor when none is the original', () => {
    const flavors = [ready('a'), ready('b')];
    expect(selectFlavor(flavors)).toEqual({ kind: 'chosen', flavor: flavors[0] });
  });

  it('passes over flavors that are not READY, the original included', () => {
    const flavors = [
      ready('src', { isOriginal: true, status: FlavorStatus.CONVERTING }),
      ready('q', { status: FlavorStatus.QUEUED }),
      ready('ok'),
    ];
    expect(selectFlavor(flavors)).toEqual({ kind: 'chosen', flavor: flavors[2] });
  });

  it('counts EXPORTING as downloadable (Kaltura serves it)', () => {
    const flavors = [ready('x', { isOriginal: true, status: FlavorStatus.EXPORTING })];
    expect(selectFlavor(flavors).kind).toBe('chosen');
  });

  it('reports none ready when no flavor can be served', () => {
    const flavors = [ready('a', { status: FlavorStatus.ERROR })];
    expect(selectFlavor(flavors)).toEqual({ kind: 'none-ready', flavors });
  });

  it('reports no flavors for an empty list', () => {
    expect(selectFlavor([])).toEqual({ kind: 'no-flavors' });
  });

  it('returns the requested flavor, or says it is missing or not ready', () => {
    const flavors = [ready('a'), ready('b', { status: FlavorStatus.CONVERTING })];
    expect(selectFlavor(flavors, 'a')).toEqual({ kind: 'chosen', flavor: flavors[0] });
    expect(selectFlavor(flavors, 'b')).toEqual({ kind: 'requested-not-ready', flavor: flavors[1] });
    expect(selectFlavor(flavors, 'zz')).toEqual({ kind: 'requested-not-found', flavorId: 'zz' });
    expect(selectFlavor([], 'zz')).toEqual({ kind: 'requested-not-found', flavorId: 'zz' });
  });

  it('treats an empty requested id as none', () => {
    expect(selectFlavor([ready('a')], '')).toEqual({ kind: 'chosen', flavor: { id: 'a', status: 2 } });
  });
});

describe('units and names', () => {
  it('converts KB to bytes, null when unknown', () => {
    expect(flavorSizeInBytes({ id: 'a', size: 2 })).toBe(2048);
    expect(flavorSizeInBytes({ id: 'a', size: 0 })).toBeNull();
    expect(flavorSizeInBytes({ id: 'a' })).toBeNull();
  });

  it('names statuses', () => {
    expect(flavorStatusName(2)).toBe('READY');
    expect(flavorStatusName(1)).toBe('CONVERTING');
    expect(flavorStatusName(-1)).toBe('ERROR');
    expect(flavorStatusName(42)).toBe('42');
    expect(flavorStatusName(undefined)).toBe('UNKNOWN');
  });
});
