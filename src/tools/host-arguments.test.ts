import { describe, expect, it } from 'vitest';
import { argumentsAsSent } from './host-arguments.js';

/** save_media_files' shape, as its listed schema has it: two optional lists that hold something when given. */
const SCHEMA = {
  properties: {
    entry_ids: { type: 'array', minItems: 1, items: { type: 'string' } },
    category_id: { type: 'integer', minimum: 1 },
    tags: { type: 'array', items: { type: 'string' } },
    required_ids: { type: 'array', minItems: 1 },
  },
  required: ['required_ids'],
};

describe('argumentsAsSent', () => {
  it('reads [] for an optional list that must hold something as not given, and leaves every other [] to the schema', () => {
    expect(argumentsAsSent({ entry_ids: [], category_id: '202', tags: [], required_ids: [] }, SCHEMA).args).toEqual({
      category_id: 202,
      tags: [],
      required_ids: [],
    });
  });

  it('keeps a list that holds something as it is', () => {
    expect(argumentsAsSent({ entry_ids: ['1_a'], required_ids: ['x'] }, SCHEMA).args).toEqual({
      entry_ids: ['1_a'],
      required_ids: ['x'],
    });
  });

  it('reads a string of blanks alone as ""', () => {
    const schema = {
      properties: { search_text: { type: 'string' }, format: { type: 'string', pattern: '^[a-z0-9]+$' } },
    };
    expect(argumentsAsSent({ search_text: '   ', format: ' \t' }, schema).args).toEqual({ search_text: '' });
  });
});
