import { executeSimulatedConnector, sanitizeOutput } from './execute-simulated-connector';
import { SIMULATED_CONNECTOR_IDS } from './simulated-connectors';

const actionId = 'act_01hzy8k3m4n5p6q7r8s9t0abcd';
const run = (toolId: string, operation: string, target: string, input: Record<string, unknown> = {}) =>
  executeSimulatedConnector({ actionId, resource: { toolId, operation, target }, input });
const referenceId = `exec_${actionId}`;

describe('executeSimulatedConnector (OARS v1 §2.18)', () => {
  it('lists the five simulated connectors', () => {
    expect(SIMULATED_CONNECTOR_IDS).toEqual(['jira', 'slack', 'iam', 'confluence', 'database']);
  });

  it('jira create_ticket returns a SEC ticket from the last 6 of the action id, upper-cased', () => {
    expect(run('jira', 'create_ticket', 'project:SEC')).toEqual({
      status: 'executed',
      output: { ticketId: 'SEC-T0ABCD', project: 'project:SEC', status: 'created', toolId: 'jira', operation: 'create_ticket', target: 'project:SEC', referenceId },
    });
  });

  it('slack send_message queues a message', () => {
    expect(run('slack', 'send_message', '#sec-ops')).toEqual({
      status: 'executed',
      output: { channel: '#sec-ops', messageStatus: 'queued', messageId: 'msg_s9t0abcd', toolId: 'slack', operation: 'send_message', target: '#sec-ops', referenceId },
    });
  });

  it.each(['change_permissions', 'rotate_keys'])('iam %s is applied', (operation) => {
    expect(run('iam', operation, 'role:admin')).toEqual({
      status: 'executed',
      output: { operation, target: 'role:admin', status: 'applied', changeRef: 'iam_r8s9t0abcd', toolId: 'iam', referenceId },
    });
  });

  it.each(['create_page', 'update_page'])('confluence %s is saved', (operation) => {
    expect(run('confluence', operation, 'space:SEC')).toEqual({
      status: 'executed',
      output: { space: 'space:SEC', operation, pageId: 'cf_s9t0abcd', status: 'saved', toolId: 'confluence', target: 'space:SEC', referenceId },
    });
  });

  it('database run_query completes a read without any vault secret', () => {
    expect(run('database', 'run_query', 'db:analytics', { sql: 'SELECT count(*) FROM events' })).toEqual({
      status: 'executed',
      output: { queryRef: 'db_s9t0abcd', target: 'db:analytics', rowCount: 1, status: 'completed', toolId: 'database', operation: 'run_query', referenceId },
    });
  });

  it('database run_query without sql runs as an empty query', () => {
    expect(run('database', 'run_query', 'db:analytics').status).toBe('executed');
  });

  it('database run_query blocks destructive SQL', () => {
    expect(run('database', 'run_query', 'db:analytics', { sql: 'DROP TABLE events' })).toEqual({
      status: 'failed',
      error: 'Destructive SQL statements are blocked by connector policy.',
    });
  });

  it.each([
    ['jira', 'delete_ticket'],
    ['slack', 'send_email'],
    ['iam', 'delete_user'],
    ['confluence', 'delete_page'],
    ['database', 'drop_database'],
  ])('%s rejects unsupported operation %s', (toolId, operation) => {
    expect(run(toolId, operation, 'x')).toEqual({ status: 'failed', error: `Unsupported ${toolId} operation: ${operation}` });
  });

  it('fails for a tool without a connector', () => {
    expect(run('github', 'push_code', 'repo:oars')).toEqual({ status: 'failed', error: 'No registered connector for tool: github' });
  });

  it('checks the sandbox target before the connector lookup', () => {
    const blocked = { status: 'failed', error: 'Execution blocked by connector sandbox target policy.' };
    expect(run('jira', 'create_ticket', 'http://169.254.169.254/')).toEqual(blocked);
    expect(run('github', 'push_code', '10.1.2.3')).toEqual(blocked);
  });

  it('has no "operation contains fail" test hook', () => {
    expect(run('jira', 'fail_create_ticket', 'project:SEC')).toEqual({ status: 'failed', error: 'Unsupported jira operation: fail_create_ticket' });
  });

  it('is deterministic', () => {
    expect(run('jira', 'create_ticket', 'project:SEC')).toEqual(run('jira', 'create_ticket', 'project:SEC'));
  });
});

describe('sanitizeOutput', () => {
  it('redacts top-level password, secret and token keys in any case, and nothing nested', () => {
    const nested = { token: 'kept' };
    expect(sanitizeOutput({ Password: 'p', SECRET: 's', token: 't', tokenId: 'x', nested })).toEqual({
      Password: '[REDACTED]',
      SECRET: '[REDACTED]',
      token: '[REDACTED]',
      tokenId: 'x',
      nested,
    });
  });

  it('keeps a "__proto__" key as data', () => {
    const output = sanitizeOutput(JSON.parse('{"__proto__": {"polluted": true}, "a": 1}'));
    expect(Object.getPrototypeOf(output)).toBe(Object.prototype);
    expect(Object.keys(output)).toEqual(['__proto__', 'a']);
  });
});
