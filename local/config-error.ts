/** A setting of `npm start` that cannot work (OPS_USERS, PORT…): main.ts prints its message alone and stops. */
export class LocalConfigError extends Error {
  override name = 'LocalConfigError';
}
