import type { ComplianceCommand, ControlMappingContent, UpsertControlMapping } from './compliance.commands';
import { type ComplianceProblem, InvalidComplianceRequestError, UnknownFrameworkError } from './compliance.errors';
import { CONTROL_MAPPING_UPSERTED, type ComplianceEvent, controlMappingSubject } from './compliance.events';
import type { ControlMappingState } from './compliance.state';
import { type ControlMappingRecord, RECEIPT_FILTER_FIELDS, type ReceiptFilters } from './control-mapping.types';
import { type EvidenceNodeType, isEvidenceNodeType } from './evidence-kinds';
import { isComplianceFramework } from './frameworks';

/** A control id: a letter or digit, then letters, digits, space and `. _ ( ) / : -` (`CC6.1`, `A.6.2.8`, `Art. 26(6)`). */
export const CONTROL_ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9 ._()/:-]{0,63}$/;
export const MAX_CONTROL_DESCRIPTION_LENGTH = 256;
export const MAX_FILTER_VALUES = 100;
const MAX_FILTER_VALUE_LENGTH = 256;
const POLICY_DECISIONS: readonly string[] = ['allow', 'deny', 'approve', 'quarantine'];

export function decideCompliance(state: ControlMappingState, command: ComplianceCommand): ComplianceEvent[] {
  switch (command.type) {
    case 'UpsertControlMapping':
      return decideUpsertControlMapping(state, command);
    default: {
      const never: never = command.type;
      throw new Error(`unknown compliance command ${JSON.stringify(never)}`);
    }
  }
}

/**
 * The tenant's mapping of (framework, controlId), validated (every bad field named) and normalised:
 * lists deduplicated and sorted, `receiptFilters` left out when it holds no list. An upsert keeps
 * the mapping's id, `createdAt` and `createdBy`; one that changes nothing decides nothing.
 */
export function decideUpsertControlMapping(state: ControlMappingState, cmd: UpsertControlMapping): ComplianceEvent[] {
  const { now, actor, mappingId } = cmd.metadata;
  const existing = state.mapping;
  const content = validContent(cmd.data.content);
  if (existing && sameContent(existing, content)) return [];
  const mapping: ControlMappingRecord = {
    id: existing?.id ?? mappingId,
    tenantId: cmd.data.tenantId,
    ...content,
    createdAt: existing?.createdAt ?? now,
    updatedAt: now,
    createdBy: existing?.createdBy ?? actor,
  };
  return [{ type: CONTROL_MAPPING_UPSERTED, subject: controlMappingSubject(mapping.id), data: { mapping, actor } }];
}

type MappingContent = Pick<ControlMappingRecord, 'framework' | 'controlId' | 'controlDescription' | 'requiredNodeTypes' | 'receiptFilters'>;

function sameContent(a: MappingContent, b: MappingContent): boolean {
  const key = (m: MappingContent) => JSON.stringify([m.framework, m.controlId, m.controlDescription, m.requiredNodeTypes, m.receiptFilters ?? null]);
  return key(a) === key(b);
}

function validContent(content: ControlMappingContent): MappingContent {
  if (!isComplianceFramework(content.framework)) throw new UnknownFrameworkError();
  const problems: ComplianceProblem[] = [];
  const { controlId, controlDescription, requiredNodeTypes } = content;
  if (typeof controlId !== 'string' || !CONTROL_ID_PATTERN.test(controlId)) {
    problems.push({ field: 'controlId', message: 'must be 1 to 64 letters, digits, spaces or . _ ( ) / : - starting with a letter or digit' });
  }
  if (typeof controlDescription !== 'string' || controlDescription.trim() === '' || controlDescription.length > MAX_CONTROL_DESCRIPTION_LENGTH) {
    problems.push({ field: 'controlDescription', message: `must be a non-empty string of at most ${MAX_CONTROL_DESCRIPTION_LENGTH} characters` });
  }
  const nodeTypes = nodeTypesOf(requiredNodeTypes, problems);
  const receiptFilters = filtersOf(content.receiptFilters, problems);
  if (problems.length > 0) throw new InvalidComplianceRequestError(problems);
  return {
    framework: content.framework,
    controlId: controlId as string,
    controlDescription: controlDescription as string,
    requiredNodeTypes: nodeTypes,
    ...(receiptFilters ? { receiptFilters } : {}),
  };
}

function nodeTypesOf(value: unknown, problems: ComplianceProblem[]): EvidenceNodeType[] {
  if (!Array.isArray(value) || value.length === 0 || value.length > 32) {
    problems.push({ field: 'requiredNodeTypes', message: 'must be a list of 1 to 32 evidence node types' });
    return [];
  }
  value.forEach((t, i) => {
    if (!isEvidenceNodeType(t)) problems.push({ field: `requiredNodeTypes[${i}]`, message: 'must be an evidence node type (action, receipt, policy_version, actor, approval_decision, evidence_bundle, control_mapping)' });
  });
  return uniqueSorted(value.filter(isEvidenceNodeType));
}

function filtersOf(value: unknown, problems: ComplianceProblem[]): ReceiptFilters | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'object' || Array.isArray(value)) {
    problems.push({ field: 'receiptFilters', message: 'must be an object of filter lists' });
    return undefined;
  }
  const given = value as Record<string, unknown>;
  for (const key of Object.keys(given)) {
    if (!(RECEIPT_FILTER_FIELDS as readonly string[]).includes(key)) problems.push({ field: `receiptFilters.${key}`, message: 'is not a known filter' });
  }
  const filters: ReceiptFilters = {};
  for (const field of RECEIPT_FILTER_FIELDS) {
    const list = given[field];
    if (list === undefined) continue;
    const name = `receiptFilters.${field}`;
    if (!Array.isArray(list) || list.length === 0 || list.length > MAX_FILTER_VALUES) {
      problems.push({ field: name, message: `must be a list of 1 to ${MAX_FILTER_VALUES} values` });
      continue;
    }
    list.forEach((v, i) => {
      const ok = typeof v === 'string' && v.trim() !== '' && v.length <= MAX_FILTER_VALUE_LENGTH && (field !== 'policyDecisions' || POLICY_DECISIONS.includes(v));
      if (!ok) problems.push({ field: `${name}[${i}]`, message: field === 'policyDecisions' ? 'must be allow, deny, approve or quarantine' : `must be a non-blank string of at most ${MAX_FILTER_VALUE_LENGTH} characters` });
    });
    (filters as Record<string, string[]>)[field] = uniqueSorted(list.filter((v): v is string => typeof v === 'string'));
  }
  return Object.keys(filters).length > 0 ? filters : undefined;
}

const uniqueSorted = <T extends string>(list: readonly T[]): T[] => [...new Set(list)].sort();
