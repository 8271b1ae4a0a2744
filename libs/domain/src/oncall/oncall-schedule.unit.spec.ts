import { handoffAtOrBefore, rotationOnCallAt, scheduledShift, whoIsOnCall } from './oncall-schedule';
import type { OnCallOverride, Rotation } from './oncall.types';

// 2026-03-02 is a Monday.
const rotation = (over: Partial<Rotation> = {}): Rotation => ({
  rotationId: 'rot_a', name: 'SecOps', members: ['ann', 'bob', 'cat'],
  handoff: { every: 'week', at: '09:00', weekday: 'monday' }, startsAt: '2026-03-02T09:00:00.000Z',
  overrides: [], createdAt: '2026-03-01T00:00:00.000Z', createdBy: 'admin', changedAt: '2026-03-01T00:00:00.000Z', changedBy: 'admin', ...over,
});
const at = (iso: string) => new Date(iso);
const override = (over: Partial<OnCallOverride>): OnCallOverride => ({
  overrideId: 'ovr_1', role: 'primary', userId: 'dan', from: '2026-03-03T00:00:00.000Z', to: '2026-03-04T00:00:00.000Z', reason: null, addedAt: '2026-03-01T00:00:00.000Z', addedBy: 'admin', ...over,
});
const names = (r: Rotation, iso: string) => {
  const now = rotationOnCallAt(r, at(iso));
  return [now.primary?.userId ?? null, now.secondary?.userId ?? null];
};

describe('hand-off boundaries', () => {
  it('finds the weekly boundary at or before an instant', () => {
    const weekly = { every: 'week' as const, at: '09:00', weekday: 'monday' as const };
    expect(new Date(handoffAtOrBefore(weekly, Date.parse('2026-03-02T09:00:00Z'))).toISOString()).toBe('2026-03-02T09:00:00.000Z');
    expect(new Date(handoffAtOrBefore(weekly, Date.parse('2026-03-02T08:59:59Z'))).toISOString()).toBe('2026-02-23T09:00:00.000Z');
    expect(new Date(handoffAtOrBefore(weekly, Date.parse('2026-03-08T23:00:00Z'))).toISOString()).toBe('2026-03-02T09:00:00.000Z');
  });

  it('finds the daily boundary at or before an instant', () => {
    const daily = { every: 'day' as const, at: '17:30', weekday: null };
    expect(new Date(handoffAtOrBefore(daily, Date.parse('2026-03-02T17:29:00Z'))).toISOString()).toBe('2026-03-01T17:30:00.000Z');
    expect(new Date(handoffAtOrBefore(daily, Date.parse('2026-03-02T17:30:00Z'))).toISOString()).toBe('2026-03-02T17:30:00.000Z');
  });

  it('hands over exactly at the boundary, round the member list, the next in line as secondary', () => {
    const r = rotation();
    expect(names(r, '2026-03-02T09:00:00.000Z')).toEqual(['ann', 'bob']);
    expect(names(r, '2026-03-09T08:59:59.999Z')).toEqual(['ann', 'bob']);
    expect(names(r, '2026-03-09T09:00:00.000Z')).toEqual(['bob', 'cat']);
    expect(names(r, '2026-03-16T09:00:00.000Z')).toEqual(['cat', 'ann']);
    expect(names(r, '2026-03-23T09:00:00.000Z')).toEqual(['ann', 'bob']);
    expect(rotationOnCallAt(r, at('2026-03-10T00:00:00Z'))).toMatchObject({ shiftStartedAt: '2026-03-09T09:00:00.000Z', nextHandoffAt: '2026-03-16T09:00:00.000Z' });
  });

  it('starts the first shift at the boundary at or before startsAt; nobody is scheduled before startsAt', () => {
    const r = rotation({ startsAt: '2026-03-04T12:00:00.000Z' }); // a Wednesday: the shift began on Monday
    expect(scheduledShift(r, Date.parse('2026-03-04T11:59:59Z'))).toMatchObject({ primary: null, secondary: null, nextHandoffAt: Date.parse('2026-03-04T12:00:00Z') });
    expect(names(r, '2026-03-04T12:00:00.000Z')).toEqual(['ann', 'bob']);
    expect(names(r, '2026-03-09T09:00:00.000Z')).toEqual(['bob', 'cat']);
  });

  it('has no secondary with a single member', () => {
    expect(names(rotation({ members: ['ann'] }), '2026-03-20T00:00:00Z')).toEqual(['ann', null]);
  });
});

describe('overrides', () => {
  it('win over the schedule inside [from, to) only', () => {
    const r = rotation({ overrides: [override({})] });
    expect(names(r, '2026-03-02T23:59:59.999Z')).toEqual(['ann', 'bob']);
    expect(rotationOnCallAt(r, at('2026-03-03T00:00:00Z')).primary).toEqual({ userId: 'dan', source: 'override', overrideId: 'ovr_1' });
    expect(names(r, '2026-03-04T00:00:00.000Z')).toEqual(['ann', 'bob']);
  });

  it('the one added last wins where they overlap, per role', () => {
    const r = rotation({ overrides: [override({}), override({ overrideId: 'ovr_2', userId: 'eve', from: '2026-03-03T12:00:00Z', to: '2026-03-05T00:00:00Z' }), override({ overrideId: 'ovr_3', role: 'secondary', userId: 'fay' })] });
    expect(names(r, '2026-03-03T06:00:00Z')).toEqual(['dan', 'fay']);
    expect(names(r, '2026-03-03T13:00:00Z')).toEqual(['eve', 'fay']);
    expect(names(r, '2026-03-04T13:00:00Z')).toEqual(['eve', 'bob']);
  });

  it('cover a role even before the rotation starts', () => {
    const r = rotation({ startsAt: '2026-04-01T00:00:00.000Z', overrides: [override({})] });
    expect(names(r, '2026-03-03T06:00:00Z')).toEqual(['dan', null]);
  });
});

describe('whoIsOnCall', () => {
  it('takes the first rotation with a primary, the tenant before the platform', () => {
    const later = rotation({ rotationId: 'rot_later', startsAt: '2027-01-01T00:00:00.000Z' });
    const platform = rotation({ rotationId: 'rot_platform', members: ['pam', 'pat'] });
    const rosters = [{ stream: 'tenant_a', roster: { rotations: [later] } }, { stream: '_platform', roster: { rotations: [platform] } }];
    expect(whoIsOnCall(rosters, at('2026-03-03T00:00:00Z'))).toMatchObject({ stream: '_platform', rotationId: 'rot_platform', primary: { userId: 'pam' }, secondary: { userId: 'pat' } });
    expect(whoIsOnCall(rosters, at('2027-01-05T00:00:00Z'))).toMatchObject({ stream: 'tenant_a', rotationId: 'rot_later' });
    expect(whoIsOnCall([], at('2026-03-03T00:00:00Z'))).toBeNull();
  });
});
