import { executorOf, planExecution } from './execution';

const jira = { toolId: 'jira', operation: 'create_ticket', target: 'project:SEC' };

describe('executorOf / planExecution', () => {
  it('runs built-in tools inline, configured HTTP tools through their connector, anything else by the agent', () => {
    expect(executorOf('jira')).toBe('oars');
    expect(executorOf('crm', new Set(['crm']))).toBe('http');
    expect(executorOf('custom_tool')).toBe('agent');
  });

  it('lets a configured HTTP connector replace a built-in simulator of the same id', () => {
    expect(executorOf('jira', new Set(['jira']))).toBe('http');
    expect(planExecution('act_1', jira, {}, new Set(['jira']))).toBeNull();
    expect(planExecution('act_1', jira, {})).toMatchObject({ status: 'executed', outputHash: expect.stringMatching(/^[0-9a-f]{64}$/) });
  });
});
