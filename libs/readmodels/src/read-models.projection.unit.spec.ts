import type { ReadModelProjection } from './read-model';
import { READ_MODEL_PROJECTIONS, assertProjections } from './read-models.projection';

const projection = (name: string, reads?: string[]): ReadModelProjection => ({ name, tables: [], reads, apply: async () => undefined });

describe('assertProjections', () => {
  it('accepts the shipped read models', () => {
    expect(() => assertProjections(READ_MODEL_PROJECTIONS)).not.toThrow();
  });

  it('refuses a name listed twice (one checkpoint each) and a projection listed before what it reads', () => {
    expect(() => assertProjections([projection('a'), projection('a')])).toThrow('Projection a is listed twice.');
    expect(() => assertProjections([projection('b', ['a']), projection('a')])).toThrow('Projection b reads a, which must be listed before it.');
  });
});
