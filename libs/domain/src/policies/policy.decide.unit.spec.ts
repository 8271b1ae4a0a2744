import { policyHash } from '@oars/policy';
import { given as givenOn } from '@oars/testing';
import { PUBLISHED_POLICY_SUBJECT } from '../tenant-settings';
import type { CreatePolicy, PolicyCommand, PolicyContent } from './policy.commands';
import { decidePolicy, MAX_POLICY_DOCUMENT_BYTES } from './policy.decide';
import { InvalidPolicyError, PolicyAlreadyPublishedError, PolicyIdempotencyConflictError, PolicyNeverPublishedError, PolicyNotFoundError } from './policy.errors';
import { type PolicyEvent, policyEventOf } from './policy.events';
import { type PolicyState, evolvePolicyState, initialPolicyState, policyStateOf } from './policy.state';

const T0 = '2026-03-01T10:00:00.000Z';
const T1 = '2026-03-01T11:00:00.000Z';
const TENANT = 'tenant_alpha';
const content = (overrides: Partial<PolicyContent> = {}): PolicyContent => ({
  version: 'v1',
  rules: [
    { id: 'LOW', description: 'low', priority: 1, match: {}, decision: 'allow' },
    { id: 'HIGH', description: 'high', priority: 9, match: { operations: ['delete'] }, decision: 'deny' },
  ],
  ...overrides,
});
const create = (policyId: string, c: PolicyContent = content(), now = T0): CreatePolicy => ({
  type: 'CreatePolicy',
  data: { tenantId: TENANT, content: c },
  metadata: { policyId, now, actor: 'admin_user' },
});
const publish = (policyId: string, tenantId = TENANT): PolicyCommand => ({ type: 'PublishPolicy', data: { tenantId, policyId }, metadata: { now: T1, actor: 'admin_user' } });
const rollback = (policyId: string): PolicyCommand => ({ type: 'RollbackPolicy', data: { tenantId: TENANT, policyId }, metadata: { now: T1, actor: 'admin_user' } });

/** The policy decider in the harness's shape (its `decide` takes the state first). */
const policyDecider = { initialState: initialPolicyState, evolve: evolvePolicyState, decide: (command: PolicyCommand, state: PolicyState) => decidePolicy(state, command) };
const given = (...history: PolicyEvent[]) => givenOn(policyDecider, ...history);

/** The events a command decides on an empty history (to build histories from). */
const eventsOf = (history: PolicyEvent[], command: PolicyCommand) => decidePolicy(policyStateOf(history), command);
const created = (id: string, c?: PolicyContent) => eventsOf([], create(id, c))[0]!;
const errorOf = (run: () => unknown): unknown => {
  try {
    run();
  } catch (err) {
    return err;
  }
  return null;
};

describe('CreatePolicy', () => {
  it('given nothing, when created, then one policy.created with a draft sorted by priority desc', () => {
    given().when(create('pol_a')).then([
      {
        type: 'policy.created',
        subject: 'policy.pol_a',
        data: {
          actor: 'admin_user',
          policy: {
            id: 'pol_a', tenantId: TENANT, version: 'v1', status: 'draft', createdAt: T0, updatedAt: T0,
            rules: [
              { id: 'HIGH', description: 'high', priority: 9, match: { operations: ['delete'] }, decision: 'deny' },
              { id: 'LOW', description: 'low', priority: 1, match: {}, decision: 'allow' },
            ],
          },
        },
      },
    ]);
  });

  it('keeps defaultDecision and riskConfig when given, and leaves them out otherwise', () => {
    const [withBoth] = given().when(create('pol_a', content({ defaultDecision: 'quarantine', riskConfig: { baseScore: 10 } }))).events();
    expect(withBoth!.data.policy).toMatchObject({ defaultDecision: 'quarantine', riskConfig: { baseScore: 10 } });
    expect(created('pol_b').data.policy).not.toHaveProperty('defaultDecision');
    expect(created('pol_b').data.policy).not.toHaveProperty('riskConfig');
  });

  it.each<[string, Partial<PolicyContent>, string]>([
    ['a bad end hour', { rules: [{ id: 'A', description: 'a', priority: 1, match: { timeWindowUtc: { startHour: 1, endHour: 25 } }, decision: 'allow' }] }, 'rules[0].match.timeWindowUtc.endHour'],
    ['an unknown match field', { rules: [{ id: 'A', description: 'a', priority: 1, match: { toolId: ['x'] }, decision: 'allow' }] }, 'rules[0].match.toolId'],
    ['duplicate rule ids', { rules: [{ id: 'A', description: 'a', priority: 1, decision: 'allow' }, { id: 'A', description: 'b', priority: 1, decision: 'deny' }] }, 'rules[1].id'],
    ['an empty list', { rules: [{ id: 'A', description: 'a', priority: 1, match: { environments: [] }, decision: 'allow' }] }, 'rules[0].match.environments'],
    ['no rules', { rules: [] }, 'rules'],
    ['an unknown default decision', { defaultDecision: 'maybe' }, 'defaultDecision'],
    ['a bad risk weight', { riskConfig: { operations: { x: { weight: 500, signal: 's' } } } }, 'riskConfig.operations.x.weight'],
    ['an empty version', { version: '' }, 'version'],
  ])('given nothing, when created with %s, then it is refused naming the field', (_label, overrides, field) => {
    const error = errorOf(given().when(create('pol_a', content(overrides))).events);
    expect(error).toBeInstanceOf(InvalidPolicyError);
    expect((error as InvalidPolicyError).problems.map((p) => p.field)).toContain(field);
    expect((error as InvalidPolicyError).message).toContain(field);
  });

  it('refuses a document too large for one stream message', () => {
    const rules = Array.from({ length: 3000 }, (_, i) => ({ id: `R${i}`, description: 'x'.repeat(200), priority: 1, match: {}, decision: 'allow' }));
    expect(JSON.stringify(rules).length).toBeGreaterThan(MAX_POLICY_DOCUMENT_BYTES);
    given().when(create('pol_a', content({ rules }))).thenThrows(InvalidPolicyError);
  });

  it('given the same id already created with the same content (a retried key), then nothing; with other content, a conflict', () => {
    const history = [created('pol_a')];
    given(...history).when(create('pol_a', content(), T1)).then([]);
    given(...history).when(create('pol_a', content({ version: 'v2' }))).thenThrows(PolicyIdempotencyConflictError);
  });
});

describe('PublishPolicy', () => {
  it('given a draft and the built-in default in force, then policy.published with the whole document on the policy-set subject', () => {
    const draft = created('pol_a');
    given(draft).when(publish('pol_a')).then([
      {
        type: 'policy.published',
        subject: PUBLISHED_POLICY_SUBJECT,
        data: {
          policy: { ...draft.data.policy, status: 'published', updatedAt: T1 },
          previousPublishedPolicyId: null,
          publishedPolicyIds: ['pol_a'],
          actor: 'admin_user',
        },
      },
    ]);
  });

  it('keeps the policy hash: status and timestamps are not decision content', () => {
    const draft = created('pol_a');
    const [published] = eventsOf([draft], publish('pol_a'));
    expect(policyHash(published!.data.policy)).toBe(policyHash(draft.data.policy));
  });

  it('given another policy in force, then it names it as previous and remembers both ids', () => {
    const a = created('pol_a');
    const b = created('pol_b');
    const [pubA] = eventsOf([a], publish('pol_a'));
    const [pubB] = given(a, b, pubA!).when(publish('pol_b')).events();
    expect(pubB!.data).toMatchObject({ previousPublishedPolicyId: 'pol_a', publishedPolicyIds: ['pol_a', 'pol_b'] });
  });

  it('given the policy already in force, then nothing (idempotent)', () => {
    const a = created('pol_a');
    given(a, ...eventsOf([a], publish('pol_a'))).when(publish('pol_a')).then([]);
  });

  it('given no such policy, or one of another tenant, then not found', () => {
    given().when(publish('pol_missing')).thenThrows(PolicyNotFoundError);
    given(created('pol_a')).when(publish('pol_a', 'tenant_bravo')).thenThrows(PolicyNotFoundError);
  });
});

describe('RollbackPolicy', () => {
  const a = created('pol_a');
  const b = created('pol_b');
  const pubA = eventsOf([a], publish('pol_a'))[0]!;
  const pubB = eventsOf([a, b, pubA], publish('pol_b'))[0]!;

  it('given A then B published, when rolled back to A, then policy.rolled_back putting A back in force', () => {
    given(a, b, pubA, pubB).when(rollback('pol_a')).then([
      {
        type: 'policy.rolled_back',
        subject: PUBLISHED_POLICY_SUBJECT,
        data: { policy: { ...a.data.policy, status: 'published', updatedAt: T1 }, previousPublishedPolicyId: 'pol_b', publishedPolicyIds: ['pol_a', 'pol_b'], actor: 'admin_user' },
      },
    ]);
  });

  it('given the target in force, then already published (409)', () => {
    given(a, b, pubA, pubB).when(rollback('pol_b')).thenThrows(PolicyAlreadyPublishedError);
  });

  it('given a draft never in force, then never published (409)', () => {
    given(a, b, pubA).when(rollback('pol_b')).thenThrows(PolicyNeverPublishedError);
  });

  it('given no such policy, then not found', () => {
    given(a, pubA).when(rollback('pol_zzz')).thenThrows(PolicyNotFoundError);
  });

  it('answers from the latest published receipt alone: it carries every id ever in force', () => {
    // Only the target's created receipt and the latest policy-set receipt, as the handler loads them.
    expect(given(a, pubB).when(rollback('pol_a')).events()).toEqual([expect.objectContaining({ type: 'policy.rolled_back' })]);
  });
});

describe('policyEventOf', () => {
  it('reads policy receipts and ignores others', () => {
    const event = created('pol_a');
    expect(policyEventOf({ type: 'policy.created', data: event.data as unknown as Record<string, unknown> })).toEqual(event);
    expect(policyEventOf({ type: 'action.requested', data: {} })).toBeNull();
    expect(policyEventOf({ type: 'policy.published', data: { policy: 'nope' } })).toBeNull();
    expect(policyEventOf(null)).toBeNull();
  });
});
