import { DatabaseUnavailableError, type SqlClient } from '@oars/db';
import { DependencyUnavailableError } from '../errors';
import { EmbeddedEventStore } from './embedded-event-store';

function failingClient(err: Error): SqlClient {
  return { engine: 'postgres', query: () => Promise.reject(err), transaction: () => Promise.reject(err), close: async () => undefined };
}

describe('embedded event store edge', () => {
  it('reports a lost database as the port’s DependencyUnavailableError', async () => {
    const lost = new DatabaseUnavailableError(new Error('Connection terminated'));
    const store = new EmbeddedEventStore(failingClient(lost));
    const read = store.read('tenant_a');
    await expect(read).rejects.toBeInstanceOf(DependencyUnavailableError);
    await expect(read).rejects.toMatchObject({ code: 'dependency_unavailable', dependency: 'postgres', message: 'postgres is unavailable.' });
    await expect(store.append('tenant_a', [{ id: 'e1', type: 't', subject: 'action.act_1', data: {} }], { expectedVersion: 0 })).rejects.toBeInstanceOf(DependencyUnavailableError);
  });

  it('passes SQL errors through unchanged', async () => {
    const sqlError = Object.assign(new Error('relation does not exist'), { code: '42P01' });
    await expect(new EmbeddedEventStore(failingClient(sqlError)).read('tenant_a')).rejects.toBe(sqlError);
  });
});
