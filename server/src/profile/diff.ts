// current − base, per function, line and tree node, for profiles of the same kind.
import { aggregateMany } from './aggregate';
import { ProfileError, type AggregateOptions, type Aggregates, type Profile } from './model';

export function diffProfiles(base: Profile, current: Profile, opts: AggregateOptions = {}): Aggregates {
  const describe = (p: Profile) => p.sampleTypes.map((s) => `${s.type}/${s.unit}`).join(', ');
  if (describe(base) !== describe(current)) {
    throw new ProfileError(`cannot diff profiles with different sample types (base: ${describe(base)}; current: ${describe(current)})`);
  }
  return aggregateMany([{ profile: base, scale: -1 }, { profile: current, scale: 1 }], opts, true);
}
