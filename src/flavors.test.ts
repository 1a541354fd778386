import { describe, expect, it } from 'vitest';
import { flavorSizeInBytes, selectFlavor } from './flavors.js';
import { flavorStatusName, FlavorStatus, type FlavorAsset } from './kaltura/types.js';

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
    expect(selectFlavor(flavors, { flavorId: 'a' })).toEqual({ kind: 'chosen', flavor: flavors[0] });
    expect(selectFlavor(flavors, { flavorId: 'b' })).toEqual({ kind: 'requested-not-ready', flavor: flavors[1] });
    expect(selectFlavor(flavors, { flavorId: 'zz' })).toEqual({ kind: 'requested-not-found', flavorId: 'zz' });
    expect(selectFlavor([], { flavorId: 'zz' })).toEqual({ kind: 'requested-not-found', flavorId: 'zz' });
  });

  it('treats an empty requested id as none', () => {
    expect(selectFlavor([ready('a')], { flavorId: '' })).toEqual({ kind: 'chosen', flavor: { id: 'a', status: 2 } });
  });
});

describe('selectFlavor by quality, height and format', () => {
  const flavors = [
    ready('src', { isOriginal: true, height: 1080, bitrate: 8000, size: 90000, fileExt: 'mov' }),
    ready('hd', { height: 720, bitrate: 2500, size: 20000, fileExt: 'mp4' }),
    ready('hd2', { height: 720, bitrate: 3000, size: 19000, fileExt: 'mp4' }),
    ready('sd', { height: 360, bitrate: 600, size: 5000, fileExt: 'mp4' }),
    ready('audio', { height: 0, bitrate: 128, size: 1000, fileExt: 'm4a' }),
    ready('uhd', { status: FlavorStatus.CONVERTING, height: 2160, bitrate: 20000, fileExt: 'mp4' }),
  ];
  const pick = (request: Parameters<typeof selectFlavor>[1]) => {
    const choice = selectFlavor(flavors, request);
    return choice.kind === 'chosen' ? choice.flavor.id : choice.kind;
  };

  it('orders by height, then bitrate, then size, among READY flavors only', () => {
    expect(pick({ quality: 'highest' })).toBe('src');
    expect(pick({ quality: 'lowest' })).toBe('audio');
    expect(pick({ quality: 'highest', format: 'mp4' })).toBe('hd2');
    expect(pick({ quality: 'lowest', format: 'MP4' })).toBe('sd');
  });

  it('takes the highest that fits under max_height, counting only flavors with a picture', () => {
    expect(pick({ maxHeight: 720 })).toBe('hd2');
    expect(pick({ maxHeight: 500, quality: 'lowest' })).toBe('sd');
    expect(pick({ maxHeight: 100 })).toBe('none-match');
  });

  it('finds the original only if it matches', () => {
    expect(pick({ quality: 'original' })).toBe('src');
    expect(pick({ quality: 'original', format: 'mp4' })).toBe('none-match');
    expect(pick({ format: 'm4a' })).toBe('audio');
  });

  it('lists the READY flavors when nothing matches', () => {
    expect(selectFlavor(flavors, { format: 'webm' })).toEqual({ kind: 'none-match', ready: flavors.slice(0, 5) });
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
