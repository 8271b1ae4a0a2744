import { given as givenOn } from '@oars/testing';
import type { ComplianceCommand, ControlMappingContent, UpsertControlMapping } from './compliance.commands';
import { decideCompliance } from './compliance.decide';
import { InvalidComplianceRequestError, UnknownFrameworkError } from './compliance.errors';
import { type ComplianceEvent, complianceEventOf } from './compliance.events';
import { type ControlMappingState, controlMappingStateOf, evolveControlMappingState, initialControlMappingState } from './compliance.state';
import { refusedFields } from './test-support/refused-fields';

const T0 = '2026-03-01T10:00:00.000Z';
const T1 = '2026-03-02T10:00:00.000Z';
const TENANT = 'tenant_alpha';
const content = (overrides: Partial<ControlMappingContent> = {}): ControlMappingContent => ({
  framework: 'eu_ai_act',
  controlId: 'ART-14',
  controlDescription: 'Human oversight',
  requiredNodeTypes: ['approval_decision'],
  ...overrides,
});
const upsert = (c: ControlMappingContent = content(), now = T0, actor = 'admin_user'): UpsertControlMapping => ({
  type: 'UpsertControlMapping',
  data: { tenantId: TENANT, content: c },
  metadata: { now, actor, mappingId: 'ctl_a' },
});

/** The compliance decider in the harness's shape (its `decide` takes the state first). */
const complianceDecider = {
  initialState: initialControlMappingState,
  evolve: evolveControlMappingState,
  decide: (command: ComplianceCommand, state: ControlMappingState) => decideCompliance(state, command),
};
const given = (...history: ComplianceEvent[]) => givenOn(complianceDecider, ...history);
const upserted = (c?: ControlMappingContent, now = T0) => decideCompliance(initialControlMappingState, upsert(c, now))[0]!;

describe('UpsertControlMapping', () => {
  it('given nothing, when upserted, then compliance.control_mapping.upserted with the v1 record on the mapping subject', () => {
    given().when(upsert(content({ requiredNodeTypes: ['receipt', 'approval_decision', 'receipt'], receiptFilters: { toolIds: ['jira', 'iam', 'jira'] } }))).then([
      {
        type: 'compliance.control_mapping.upserted',
        subject: 'controlmapping.ctl_a',
        data: {
          actor: 'admin_user',
          mapping: {
            id: 'ctl_a', tenantId: TENANT, framework: 'eu_ai_act', controlId: 'ART-14', controlDescription: 'Human oversight',
            requiredNodeTypes: ['approval_decision', 'receipt'], receiptFilters: { toolIds: ['iam', 'jira'] },
            createdAt: T0, updatedAt: T0, createdBy: 'admin_user',
          },
        },
      },
    ]);
  });

  it('leaves receiptFilters out when none is given or it holds no list', () => {
    expect(upserted().data.mapping).not.toHaveProperty('receiptFilters');
    expect(upserted(content({ receiptFilters: {} })).data.mapping).not.toHaveProperty('receiptFilters');
  });

  it('given a mapping, when upserted again with other content, then it keeps id, createdAt and createdBy', () => {
    const [event] = given(upserted()).when(upsert(content({ controlDescription: 'Oversight by people' }), T1, 'other_admin')).events();
    expect(event!.data.mapping).toMatchObject({ id: 'ctl_a', controlDescription: 'Oversight by people', createdAt: T0, updatedAt: T1, createdBy: 'admin_user' });
    expect(event!.data.actor).toBe('other_admin');
  });

  it('given a mapping, when upserted with the same content (lists in another order), then nothing', () => {
    const first = upserted(content({ requiredNodeTypes: ['receipt', 'action'], receiptFilters: { operations: ['b', 'a'] } }));
    given(first).when(upsert(content({ requiredNodeTypes: ['action', 'receipt', 'action'], receiptFilters: { operations: ['a', 'b'] } }), T1)).then([]);
  });

  it.each([['an unknown framework', 'hipaa'], ['no framework', undefined], ['a framework of another type', 7]])('refuses %s with unknown_framework naming the field', (_label, framework) => {
    given().when(upsert(content({ framework }))).thenThrows(UnknownFrameworkError, 'unknown_framework');
    try {
      decideCompliance(initialControlMappingState, upsert(content({ framework })));
    } catch (err) {
      expect((err as UnknownFrameworkError).problems).toEqual([{ field: 'framework', message: expect.stringContaining('eu_ai_act, iso_42001, soc2') }]);
    }
  });

  it.each<[string, Partial<ControlMappingContent>, string[]]>([
    ['an empty control id', { controlId: '' }, ['controlId']],
    ['a control id with an asterisk', { controlId: 'CC*1' }, ['controlId']],
    ['a control id too long', { controlId: 'C'.repeat(65) }, ['controlId']],
    ['a blank description', { controlDescription: '   ' }, ['controlDescription']],
    ['a description too long', { controlDescription: 'x'.repeat(257) }, ['controlDescription']],
    ['no node types', { requiredNodeTypes: [] }, ['requiredNodeTypes']],
    ['an unknown node type', { requiredNodeTypes: ['receipt', 'approval'] }, ['requiredNodeTypes[1]']],
    ['filters that are a list', { receiptFilters: ['jira'] }, ['receiptFilters']],
    ['an unknown filter', { receiptFilters: { tools: ['jira'] } }, ['receiptFilters.tools']],
    ['an empty filter list', { receiptFilters: { toolIds: [] } }, ['receiptFilters.toolIds']],
    ['a blank filter value', { receiptFilters: { toolIds: ['jira', ' '] } }, ['receiptFilters.toolIds[1]']],
    ['an unknown decision', { receiptFilters: { policyDecisions: ['allow', 'maybe'] } }, ['receiptFilters.policyDecisions[1]']],
    ['two bad fields', { controlId: 7, requiredNodeTypes: 'receipt' }, ['controlId', 'requiredNodeTypes']],
  ])('refuses %s naming the field', (_label, overrides, fields) => {
    expect(refusedFields(() => decideCompliance(initialControlMappingState, upsert(content(overrides))))).toEqual(fields);
    given().when(upsert(content(overrides))).thenThrows(InvalidComplianceRequestError, 'validation_error');
  });

  it('accepts the shipped control id shapes', () => {
    for (const controlId of ['CC6.1', 'A.6.2.8', 'Art. 26(6)', 'ISO-42001:A.9/2']) expect(upserted(content({ controlId })).data.mapping.controlId).toBe(controlId);
  });
});

describe('complianceEventOf', () => {
  it('reads mapping receipts back and ignores others and malformed ones', () => {
    const event = upserted();
    expect(complianceEventOf({ type: event.type, data: event.data as unknown as Record<string, unknown> })).toEqual(event);
    expect(complianceEventOf({ type: 'policy.created', data: {} })).toBeNull();
    expect(complianceEventOf({ type: event.type, data: { mapping: { ...event.data.mapping, framework: 'hipaa' } } })).toBeNull();
    expect(complianceEventOf(null)).toBeNull();
    expect(controlMappingStateOf([null, event]).mapping).toEqual(event.data.mapping);
  });
});
