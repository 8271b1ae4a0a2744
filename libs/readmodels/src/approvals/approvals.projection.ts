import type { ReadModelProjection } from '../read-model';

/** The `approvals` read model (filled in with the approvals API). */
export const approvalsProjection: ReadModelProjection = {
  name: 'approvals',
  tables: [],
  async apply() {
    // no approval receipts are projected yet
  },
};
