import { CONTROL_CATALOGUES, catalogueControl, nodeTypesOf } from './control-catalogue';
import type { ControlMappingRecord } from './control-mapping.types';
import { type EvidenceSelector, controlsToScan, coverageReportOf } from './coverage';
import { MAX_COVERAGE_DAYS, coverageWindowOf } from './coverage-window';
import { EVIDENCE_KINDS, EVIDENCE_KIND_DEFINITIONS, isHumanApprovalReceipt } from './evidence-kinds';
import { COMPLIANCE_FRAMEWORKS } from './frameworks';
import { refusedFields } from './test-support/refused-fields';

const NOW = '2026-06-01T12:00:00.000Z';
const mapping = (o: Partial<ControlMappingRecord> = {}): ControlMappingRecord => ({
  id: 'ctl_1', tenantId: 't', framework: 'eu_ai_act', controlId: 'ART-99', controlDescription: 'Own control', requiredNodeTypes: ['receipt'],
  createdAt: NOW, updatedAt: NOW, createdBy: 'admin_user', ...o,
});

describe('control catalogues', () => {
  it.each(COMPLIANCE_FRAMEWORKS)('%s: unique ids, each control asks for known evidence', (framework) => {
    const controls = CONTROL_CATALOGUES[framework];
    expect(controls.length).toBeGreaterThan(3);
    expect(new Set(controls.map((c) => c.controlId)).size).toBe(controls.length);
    for (const c of controls) {
      expect(c.evidence.allOf.length).toBeGreaterThan(0);
      for (const k of c.evidence.allOf) expect(EVIDENCE_KINDS).toContain(k);
      expect(c.title.length * c.description.length).toBeGreaterThan(0);
    }
  });

  it('ships the human-oversight and logging controls asked for', () => {
    expect(catalogueControl('eu_ai_act', 'Art. 14')?.evidence.allOf).toEqual(['human_approval']);
    for (const id of ['Art. 12', 'Art. 19', 'Art. 26(6)']) expect(catalogueControl('eu_ai_act', id)).not.toBeNull();
    for (const id of ['CC6.1', 'CC6.2', 'CC6.3', 'CC7.2', 'CC7.3', 'CC8.1']) expect(catalogueControl('soc2', id)).not.toBeNull();
    for (const id of ['A.6.2.6', 'A.6.2.8', 'A.9.2', 'A.9.3']) expect(catalogueControl('iso_42001', id)).not.toBeNull();
    expect(catalogueControl('soc2', 'Art. 14')).toBeNull();
    expect(nodeTypesOf(['signed_receipts', 'human_approval', 'key_custody'])).toEqual(['approval_decision', 'receipt']);
  });

  it('a human approval is an action.approved that concluded an approval, never an auto-allowed one', () => {
    expect(EVIDENCE_KIND_DEFINITIONS.human_approval.nodeType).toBe('approval_decision');
    expect(isHumanApprovalReceipt({ type: 'action.approved', data: { executedBy: 'oars', approvalId: 'apr_1' } })).toBe(true);
    expect(isHumanApprovalReceipt({ type: 'action.approved', data: { executedBy: 'oars' } })).toBe(false);
    expect(isHumanApprovalReceipt({ type: 'approval.decided', data: { approvalId: 'apr_1' } })).toBe(false);
  });
});

describe('coverageWindowOf', () => {
  it('defaults to the 90 days before now, or before dateTo', () => {
    expect(coverageWindowOf({}, NOW)).toEqual({ from: '2026-03-03T12:00:00.000Z', to: NOW });
    expect(coverageWindowOf({ dateTo: '2026-04-01T00:00:00Z' }, NOW)).toEqual({ from: '2026-01-01T00:00:00.000Z', to: '2026-04-01T00:00:00.000Z' });
    expect(coverageWindowOf({ dateFrom: '2026-05-01', dateTo: '2026-05-02T00:00:00+02:00' }, NOW)).toEqual({ from: '2026-05-01T00:00:00.000Z', to: '2026-05-01T22:00:00.000Z' });
  });

  it.each<[string, { dateFrom?: unknown; dateTo?: unknown }, string[]]>([
    ['an unparseable dateFrom', { dateFrom: 'yesterday' }, ['dateFrom']],
    ['a date that is no calendar date', { dateTo: '2026-02-30' }, ['dateTo']],
    ['a month 13', { dateFrom: '2026-13-01T00:00:00Z' }, ['dateFrom']],
    ['a number', { dateTo: 1767225600000 }, ['dateTo']],
    ['two bad dates', { dateFrom: '', dateTo: 'x' }, ['dateTo', 'dateFrom']],
    ['an inverted window', { dateFrom: '2026-05-02', dateTo: '2026-05-01' }, ['dateFrom']],
    ['a window over the maximum', { dateFrom: '2000-01-01', dateTo: '2026-01-01' }, ['dateFrom']],
  ])('refuses %s naming the field', (_label, input, fields) => {
    expect(refusedFields(() => coverageWindowOf(input, NOW))).toEqual(fields);
  });

  it('accepts a window of exactly the maximum', () => {
    const to = Date.parse('2026-01-01T00:00:00Z');
    const from = new Date(to - MAX_COVERAGE_DAYS * 86_400_000).toISOString();
    expect(coverageWindowOf({ dateFrom: from, dateTo: '2026-01-01T00:00:00Z' }, NOW).from).toBe(from);
  });
});

describe('controlsToScan and coverageReportOf', () => {
  const window = { from: '2026-03-01T00:00:00.000Z', to: NOW };

  it('checks every shipped control and the tenant mappings of the framework, by controlId', () => {
    const controls = controlsToScan('eu_ai_act', [mapping(), mapping({ id: 'ctl_2', framework: 'soc2', controlId: 'X-1' })]);
    expect(controls.map((c) => c.controlId)).toEqual(['ART-99', 'Art. 12', 'Art. 14', 'Art. 19', 'Art. 26(2)', 'Art. 26(5)', 'Art. 26(6)']);
    expect(controls[0]).toEqual({ controlId: 'ART-99', controlDescription: 'Own control', source: 'tenant', tenantMappingId: 'ctl_1', kinds: ['signed_receipts'], receiptFilters: null });
  });

  it('a tenant mapping of a shipped control adds evidence and filters, and never drops the shipped evidence', () => {
    const [art14] = controlsToScan('eu_ai_act', [mapping({ controlId: 'Art. 14', requiredNodeTypes: ['receipt'], receiptFilters: { toolIds: ['iam'] } })]).filter((c) => c.controlId === 'Art. 14');
    expect(art14).toMatchObject({ source: 'catalogue', tenantMappingId: 'ctl_1', kinds: ['human_approval', 'signed_receipts'], receiptFilters: { toolIds: ['iam'] } });
  });

  it('covers a control only when every kind it needs has evidence; filters narrow action evidence only; bundles must be of the framework', () => {
    const seen: EvidenceSelector[] = [];
    const counts: Record<string, number> = { approval_decision: 2, receipt: 0, evidence_bundle: 1 };
    const report = coverageReportOf({
      tenantId: 't',
      framework: 'eu_ai_act',
      window,
      controls: controlsToScan('eu_ai_act', [mapping({ controlId: 'Art. 14', requiredNodeTypes: ['approval_decision'], receiptFilters: { toolIds: ['iam'] } })]).filter((c) => ['Art. 14', 'Art. 19'].includes(c.controlId)),
      countOf: (s) => (seen.push(s), counts[s.nodeType] ?? 0),
      generatedAt: NOW,
    });
    expect(report).toMatchObject({
      tenantId: 't', framework: 'eu_ai_act', dateFrom: window.from, dateTo: NOW, totalControls: 2, coveredControls: 1, generatedAt: NOW,
      missingControls: [{ controlId: 'Art. 19', missingNodeTypes: ['receipt'], missingEvidence: ['signed_receipts'] }],
    });
    expect(report.controls[0]).toMatchObject({ controlId: 'Art. 14', covered: true, evidenceCount: 2, evidence: [{ kind: 'human_approval', nodeType: 'approval_decision', count: 2 }] });
    expect(report.controls[1]).toMatchObject({ controlId: 'Art. 19', covered: false, evidenceCount: 1 });
    expect(seen).toEqual([
      { nodeType: 'approval_decision', receiptTypes: null, requires: null, framework: null, receiptFilters: { toolIds: ['iam'] } },
      { nodeType: 'receipt', receiptTypes: null, requires: null, framework: null, receiptFilters: null },
      { nodeType: 'evidence_bundle', receiptTypes: null, requires: null, framework: 'eu_ai_act', receiptFilters: null },
    ]);
  });
});
