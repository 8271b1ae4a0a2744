import { MAX_DEPTH, MAX_IDENTIFIER_LENGTH, MAX_TARGET_LENGTH, MAX_TEXT_LENGTH, findInputProblem } from './hostile-input';
import { encodingProblem, inputProblemOf } from './input-guard';

const nested = (levels: number, leaf: unknown = 1): unknown => {
  let value = leaf;
  for (let i = 0; i < levels; i++) value = [value];
  return value;
};

describe('findInputProblem', () => {
  it.each<[string, unknown, string]>([
    ['NUL in an identifier', { agentId: 'a\u0000b' }, 'agentId'],
    ['a C0 control in a nested identifier', { resource: { toolId: 'jira\u0001' } }, 'resource.toolId'],
    ['ESC in an identifier', { userContext: { userId: '\u001b[31m' } }, 'userContext.userId'],
    ['DEL in an identifier', { version: 'v\u007f' }, 'version'],
    ['a C1 control in an identifier', { operation: 'op\u0085' }, 'operation'],
    ['a tab in an identifier', { agentId: 'a\tb' }, 'agentId'],
    ['a line feed in an identifier array entry', { context: { dataTypes: ['pii', 'x\ny'] } }, 'context.dataTypes[1]'],
    ['a lone high surrogate', { subject: 'carol\uD800' }, 'subject'],
    ['a lone low surrogate', { subject: '\uDC00carol' }, 'subject'],
    ['surrogates in the wrong order', { agentId: '\uDC00\uD800' }, 'agentId'],
    ['a whitespace-only identifier', { tenantId: '   ' }, 'tenantId'],
    ['a non-breaking-space-only identifier', { approverId: '\u00a0\u3000' }, 'approverId'],
    ['an identifier too long', { agentId: 'x'.repeat(MAX_IDENTIFIER_LENGTH + 1) }, 'agentId'],
    ['a target too long', { resource: { target: 't'.repeat(MAX_TARGET_LENGTH + 1) } }, 'resource.target'],
    ['NUL in free text', { reason: 'ok\u0000' }, 'reason'],
    ['a form feed in free text', { reason: 'page\fbreak' }, 'reason'],
    ['free text too long', { reason: 'r'.repeat(MAX_TEXT_LENGTH + 1) }, 'reason'],
    ['NUL in a free-form value', { input: { notes: ['fine', 'bad\u0000'] } }, 'input.notes[1]'],
    ['a lone surrogate in a free-form value', { input: { a: { b: '\uDBFF' } } }, 'input.a.b'],
    ['NUL in a free-form member name', { input: { 'k\u0000': 1 } }, 'input.k\u0000'],
    ['a control in a member name', { 'agent\u0001Id': 'a' }, 'agent\u0001Id'],
    ['a lone surrogate in a query value', { toolId: '\uD83D' }, 'toolId'],
    ['a policy rule description with NUL', { rules: [{ id: 'r', description: 'x\u0000' }] }, 'rules[0].description'],
    ['a receipt to verify with NUL', { receipt: { actor: { agentId: '\u0000' } } }, 'receipt.actor.agentId'],
    ['a number that overflowed to Infinity', JSON.parse('{"input":{"n":[1,1e400]}}'), 'input.n[1]'],
    ['a number that overflowed to -Infinity', JSON.parse('{"priority":-1e400}'), 'priority'],
  ])('refuses %s, naming the field', (_what, value, field) => {
    const problem = findInputProblem(value);
    expect(problem).toEqual({ field, message: expect.stringContaining(field) });
  });

  it.each(['__proto__', 'constructor', 'prototype'])('refuses a %s member anywhere, even in free-form input', (member) => {
    expect(findInputProblem(JSON.parse(`{"${member}":{"admin":true}}`))).toMatchObject({ field: member });
    expect(findInputProblem(JSON.parse(`{"resource":{"${member}":1}}`))).toMatchObject({ field: `resource.${member}` });
    expect(findInputProblem(JSON.parse(`{"input":{"a":[{"${member}":1}]}}`))).toMatchObject({ field: `input.a[0].${member}` });
  });

  it(`bounds nesting at ${MAX_DEPTH} levels, before anything recurses over it`, () => {
    expect(findInputProblem({ input: nested(MAX_DEPTH - 2) })).toBeNull();
    expect(findInputProblem({ input: nested(MAX_DEPTH) })).toEqual({ field: expect.stringMatching(/^input(\[0\])+$/), message: expect.stringContaining(`nested more than ${MAX_DEPTH}`) });
    expect(findInputProblem(JSON.parse('['.repeat(3000) + ']'.repeat(3000)))).toMatchObject({ message: expect.stringContaining('nested more than') });
    expect(findInputProblem(JSON.parse('{"a":'.repeat(3500) + '1' + '}'.repeat(3500)))).toMatchObject({ field: expect.stringMatching(/^a(\.a)+$/) });
  });

  it('accepts ordinary requests, prose with line breaks, and any non-NUL text in free-form input', () => {
    const action = {
      tenantId: 'tenant_alpha',
      agentId: 'agent_ü_😀',
      userContext: { userId: 'alice@example.com', sessionId: 's 1' },
      context: { environment: 'prod', dataTypes: ['pii'] },
      resource: { toolId: 'jira', operation: 'create_ticket', target: `project:${'S'.repeat(MAX_TARGET_LENGTH - 8)}` },
      input: { summary: 'line one\nline two\ttabbed', ansi: '\u001b[31mred\u001b[0m', blob: 'y'.repeat(100_000), emoji: '✓ 😀', '': 'empty key', ' ': 'space key' },
    };
    expect(findInputProblem(action)).toBeNull();
    expect(findInputProblem({ decision: 'approve', reason: 'checked\r\nthe ticket\tok', stepUpCode: '123456' })).toBeNull();
    expect(findInputProblem({ publicKeyPem: '-----BEGIN PUBLIC KEY-----\nMCow\n-----END PUBLIC KEY-----\n' })).toBeNull();
    expect(findInputProblem({ agentId: '' })).toBeNull(); // emptiness is the DTO's call (IsNotEmpty)
    expect(findInputProblem({ priority: 1e308, n: -0, big: 2 ** 53 + 1, ok: true, none: null })).toBeNull();
    expect(findInputProblem(undefined)).toBeNull();
  });

  it('judges a free-form member only at the top of the body', () => {
    expect(findInputProblem({ resource: { input: { x: 'a\u0001' } } })).toMatchObject({ field: 'resource.input.x' });
  });
});

describe('the input guard', () => {
  it('answers 400 validation_error naming the field, looking at params, query and body', () => {
    expect(inputProblemOf({ params: { actionId: 'act_\u0000' }, query: {}, body: undefined })).toMatchObject({ status: 400, code: 'validation_error', details: [{ field: 'actionId' }] });
    expect(inputProblemOf({ params: {}, query: { toolId: '\u0000' }, body: undefined })?.message).toBe('Invalid request: toolId must not contain NUL (\\u0000).');
    expect(inputProblemOf({ params: {}, query: {}, body: { resource: { operation: ' ' } } })).toMatchObject({ details: [{ field: 'resource.operation', message: 'resource.operation must not be blank' }] });
    expect(inputProblemOf({ params: { id: 'a' }, query: { limit: '5' }, body: { ok: 'yes' } })).toBeNull();
  });

  it('refuses every content encoding but identity with 415', () => {
    for (const none of [undefined, '', 'identity', ' Identity ']) expect(encodingProblem(none)).toBeNull();
    for (const encoded of ['gzip', 'deflate', 'br', 'identity, gzip', ['gzip']]) expect(encodingProblem(encoded)).toMatchObject({ status: 415, code: 'unsupported_media_type' });
  });
});
