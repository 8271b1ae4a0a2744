import { given as givenOn } from '@oars/testing';
import { type AddOverride, type OnCallCommand, type OnCallEvent, OnCallError, type SaveRotation, decideOnCall, rosterOf } from './oncall.decide';
import { type OnCallRoster, emptyRoster } from './oncall.types';

const T0 = '2026-03-01T10:00:00.000Z';
const T1 = '2026-03-02T10:00:00.000Z';
const onCallDecider = { initialState: emptyRoster, evolve: (_: OnCallRoster, e: OnCallEvent) => e.data.roster, decide: (c: OnCallCommand, s: OnCallRoster) => decideOnCall(s, c) };
const given = (...history: OnCallEvent[]) => givenOn(onCallDecider, ...history);

const save = (data: Partial<SaveRotation['data']> = {}, now = T0): SaveRotation => ({
  type: 'SaveRotation',
  data: { rotationId: 'rot_a', name: 'SecOps', members: ['ann', 'bob'], handoff: { every: 'week', at: '09:00', weekday: 'monday' }, ...data },
  metadata: { now, actor: 'admin_user' },
});
const cover = (data: Partial<AddOverride['data']> = {}, now = T1): AddOverride => ({
  type: 'AddOverride',
  data: { rotationId: 'rot_a', overrideId: 'ovr_1', role: 'primary', userId: 'dan', from: '2026-03-03T00:00:00Z', to: '2026-03-04T00:00:00Z', ...data },
  metadata: { now, actor: 'admin_user' },
});
const saved = () => decideOnCall(emptyRoster, save())[0]!;
const problemFields = (run: () => unknown): string[] => {
  try {
    run();
  } catch (err) {
    expect(err).toBeInstanceOf(OnCallError);
    return (err as OnCallError).problems?.map((p) => p.field) ?? [];
  }
  throw new Error('not refused');
};

describe('SaveRotation', () => {
  it('given nothing, adds the rotation starting now, on the roster subject', () => {
    given().when(save()).then([
      {
        type: 'oncall.rotation_saved',
        subject: 'oncall.rotations',
        data: {
          rotationId: 'rot_a',
          actor: 'admin_user',
          roster: { rotations: [{ rotationId: 'rot_a', name: 'SecOps', members: ['ann', 'bob'], handoff: { every: 'week', at: '09:00', weekday: 'monday' }, startsAt: T0, overrides: [], createdAt: T0, createdBy: 'admin_user', changedAt: T0, changedBy: 'admin_user' }] },
        },
      },
    ]);
  });

  it('replaces a known rotation, keeping its overrides, creation and start', () => {
    const withOverride = decideOnCall(saved().data.roster, cover())[0]!;
    const [replaced] = given(saved(), withOverride).when(save({ members: ['cat'], handoff: { every: 'day', at: '08:00' } }, T1)).events();
    const rotation = replaced!.data.roster.rotations[0]!;
    expect(rotation).toMatchObject({ members: ['cat'], handoff: { every: 'day', at: '08:00', weekday: null }, startsAt: T0, createdAt: T0, changedAt: T1 });
    expect(rotation.overrides.map((o) => o.overrideId)).toEqual(['ovr_1']);
  });

  it('refuses bad fields, naming each', () => {
    expect(problemFields(() => decideOnCall(emptyRoster, save({ members: [] })))).toEqual(['members']);
    expect(problemFields(() => decideOnCall(emptyRoster, save({ members: ['ann', 'ann', 'b b'] })))).toEqual(['members[1]', 'members[2]']);
    expect(problemFields(() => decideOnCall(emptyRoster, save({ handoff: { every: 'week', at: '25:00' } })))).toEqual(['handoff.at', 'handoff.weekday']);
    expect(problemFields(() => decideOnCall(emptyRoster, save({ handoff: { every: 'hour', at: '09:00' } })))).toEqual(['handoff.every']);
    expect(problemFields(() => decideOnCall(emptyRoster, save({ name: ' ', startsAt: 'soon' })))).toEqual(['name', 'startsAt']);
  });
});

describe('AddOverride', () => {
  it('given a rotation, records the override', () => {
    const [event] = given(saved()).when(cover()).events();
    expect(event).toMatchObject({ type: 'oncall.override_added', data: { rotationId: 'rot_a', override: { overrideId: 'ovr_1', role: 'primary', userId: 'dan', from: '2026-03-03T00:00:00.000Z', to: '2026-03-04T00:00:00.000Z', reason: null, addedBy: 'admin_user' } } });
    expect(event!.data.roster.rotations[0]!.overrides).toHaveLength(1);
  });

  it('the same override id again decides nothing; an unknown rotation is not found', () => {
    const first = decideOnCall(saved().data.roster, cover())[0]!;
    given(saved(), first).when(cover()).then([]);
    given(saved()).when(cover({ rotationId: 'rot_zzz' })).thenThrows(OnCallError, 'rotation_not_found');
  });

  it('refuses an empty, a too long or a past window, and a bad role', () => {
    const roster = saved().data.roster;
    expect(problemFields(() => decideOnCall(roster, cover({ to: '2026-03-03T00:00:00Z' })))).toEqual(['to']);
    expect(problemFields(() => decideOnCall(roster, cover({ to: '2026-09-01T00:00:00Z' })))).toEqual(['to']);
    expect(problemFields(() => decideOnCall(roster, cover({ from: '2026-02-01T00:00:00Z', to: '2026-02-02T00:00:00Z' })))).toEqual(['to']);
    expect(problemFields(() => decideOnCall(roster, cover({ role: 'tertiary' as never, from: 'x' })))).toEqual(['role', 'from']);
  });

  it('drops overrides that ended over a week ago on the next change', () => {
    const first = decideOnCall(saved().data.roster, cover())[0]!;
    const [next] = given(saved(), first).when(cover({ overrideId: 'ovr_2', from: '2026-03-20T00:00:00Z', to: '2026-03-21T00:00:00Z' }, '2026-03-15T00:00:00.000Z')).events();
    expect(next!.data.roster.rotations[0]!.overrides.map((o) => o.overrideId)).toEqual(['ovr_2']);
  });
});

describe('rosterOf', () => {
  it('reads the roster of a receipt, or an empty one', () => {
    expect(rosterOf(saved().data)).toEqual(saved().data.roster);
    expect(rosterOf(null)).toEqual({ rotations: [] });
    expect(rosterOf({ roster: 'x' })).toEqual({ rotations: [] });
  });
});
