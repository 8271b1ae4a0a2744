import type { ReadModelProjection } from '../read-model';

/** The `policies` read model (filled in with the policies API). */
export const policiesProjection: ReadModelProjection = {
  name: 'policies',
  tables: [],
  async apply() {
    // no policy receipts are projected yet
  },
};
