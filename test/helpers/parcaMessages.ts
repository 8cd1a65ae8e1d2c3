// Parca's generated messages for the Parca stand-in. @parca/client ships ESM with
// extensionless imports that Node cannot load directly, so scripts/build.mjs
// bundles this file to out/test/parca-messages.bundle.js (as the product's own
// bundles do) and parcaServer.ts loads that.
export { ProfileTypesRequest, ProfileTypesResponse, QueryRequest, QueryResponse, ValuesRequest, ValuesResponse } from '@parca/client/dist/parca/query/v1alpha1/query';
export { Timestamp } from '@parca/client/dist/google/protobuf/timestamp';
