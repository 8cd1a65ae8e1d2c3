// The messages HeapLens sends to Pyroscope's QuerierService, from Pyroscope's own
// published definitions (github.com/grafana/pyroscope/api v1.6.0,
// querier/v1/querier.proto and types/v1/types.proto): the fields below are copied
// with their numbers and types; gnostic annotations and unused messages left out.
// The local test server answers with Pyroscope's generated Go code, so a field
// that drifted from the real schema fails the tests.
//
// One deliberate difference: PprofProfile.profile is a google.v1.Profile in the
// original; here it is `bytes` (the same wire form) so the pprof bytes go to
// HeapLens's own decoder untouched.
import * as protobuf from 'protobufjs';

const PROTO = `
syntax = "proto3";
package querier.v1;

message ProfileTypesRequest { int64 start = 1; int64 end = 2; }
message ProfileTypesResponse { repeated ProfileType profile_types = 1; }
message ProfileType {
  string ID = 1; string name = 2; string sample_type = 4; string sample_unit = 5;
  string period_type = 6; string period_unit = 7;
}
message LabelValuesRequest { string name = 1; repeated string matchers = 2; int64 start = 3; int64 end = 4; }
message LabelValuesResponse { repeated string names = 1; }
message LabelNamesRequest { repeated string matchers = 1; int64 start = 2; int64 end = 3; }
message LabelNamesResponse { repeated string names = 1; }
message SelectMergeProfileRequest {
  string profile_typeID = 1; string label_selector = 2; int64 start = 3; int64 end = 4;
  optional int64 max_nodes = 5;
}
enum ProfileFormat {
  PROFILE_FORMAT_UNSPECIFIED = 0; PROFILE_FORMAT_FLAMEGRAPH = 1; PROFILE_FORMAT_TREE = 2;
  PROFILE_FORMAT_DOT = 3; PROFILE_FORMAT_PPROF = 4;
}
message SelectMergeStacktracesRequest {
  string profile_typeID = 1; string label_selector = 2; int64 start = 3; int64 end = 4;
  optional int64 max_nodes = 5; ProfileFormat format = 6;
}
message PprofProfile { bytes profile = 1; }
message SelectMergeStacktracesResponse { PprofProfile pprof = 5; }
`;

const root = protobuf.parse(PROTO, { keepCase: true }).root;
const type = (name: string) => root.lookupType(`querier.v1.${name}`);

export const Messages = {
  ProfileTypesRequest: type('ProfileTypesRequest'),
  ProfileTypesResponse: type('ProfileTypesResponse'),
  LabelValuesRequest: type('LabelValuesRequest'),
  LabelValuesResponse: type('LabelValuesResponse'),
  LabelNamesRequest: type('LabelNamesRequest'),
  LabelNamesResponse: type('LabelNamesResponse'),
  SelectMergeProfileRequest: type('SelectMergeProfileRequest'),
  SelectMergeStacktracesRequest: type('SelectMergeStacktracesRequest'),
  SelectMergeStacktracesResponse: type('SelectMergeStacktracesResponse'),
};
export const PROFILE_FORMAT_PPROF = 4;

export function encode(t: protobuf.Type, value: Record<string, unknown>): Uint8Array {
  const err = t.verify(value);
  if (err) throw new Error(`${t.name}: ${err}`);
  return t.encode(t.create(value)).finish();
}

export function decode<T>(t: protobuf.Type, bytes: Uint8Array): T {
  return t.toObject(t.decode(bytes), { longs: Number, defaults: true, arrays: true }) as T;
}
