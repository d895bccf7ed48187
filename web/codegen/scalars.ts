/** How the API's scalars arrive in JSON: DateTime as an ISO string, JSON as whatever it holds. */
export const scalars: Record<string, string> = {
  ID: 'string',
  String: 'string',
  Boolean: 'boolean',
  Int: 'number',
  Float: 'number',
  DateTime: 'string',
  JSON: 'unknown',
};
