/**
 * The lookup index (GSI3) of the case table: how operators find cases and how the access log is read by operator,
 * without a scan. One overloaded, sparse index instead of one per question, because CloudFormation adds at most one
 * GSI to an existing table per stack update: a deployed stack takes this change in one deploy.
 *
 * | gsi3pk                          | item                                   | gsi3sk                    |
 * |---------------------------------|----------------------------------------|---------------------------|
 * | `ORDER#<orderId>`               | the case's facts item `CASE#<id>` / `CASE#FACTS` (before 5 December 2026: a lookup item `LOOKUP#ORDER`) | `<createdAt>#<caseId>` |
 * | `CUSTOMER#<customerId>`         | lookup item `CASE#<id>` / `LOOKUP#CUSTOMER` | `<createdAt>#<caseId>` |
 * | `MONTH#<YYYY-MM>`               | lookup item `CASE#<id>` / `LOOKUP#MONTH`    | `<createdAt>#<caseId>` |
 * | `TYPE#<type>#MONTH#<YYYY-MM>`   | lookup item `CASE#<id>` / `LOOKUP#TYPE`     | `<createdAt>#<caseId>` |
 * | `ASSIGNEE#<operator>`           | the case item itself, while assigned        | `<createdAt>#<caseId>` |
 * | `READER#<operator>`             | an access-log entry (adapters/access-log.ts) | `<at>#<caseId>#<n>`   |
 * | `WATCHED#<customerId>`          | a watched parcel's kept contact (adapters/shipment-store.ts) | `<CARRIER>#<NUMBER>` |
 *
 * Lookup items hold only what never changes (order, customer, month and type of creation), written once at intake;
 * what changes (status, assignee, due time) is read from the case item itself, so no copy can go stale. Months are
 * UTC months of `createdAt`. No personal data is ever a key. This module is pure: the CDK construct reads it too.
 */
export const LOOKUP_INDEX = 'gsi3';

/** Non-key attributes the index carries, so the access log by operator is answered from the index alone. */
export const LOOKUP_INDEX_ATTRIBUTES = ['caseId', 'operator', 'role', 'read', 'route', 'at'] as const;

export type LookupKind = 'ORDER' | 'CUSTOMER' | 'MONTH' | 'TYPE';

export const lookupPartition = {
  order: (orderId: string) => `ORDER#${orderId}`,
  customer: (customerId: string) => `CUSTOMER#${customerId}`,
  month: (month: string) => `MONTH#${month}`,
  typeMonth: (type: string, month: string) => `TYPE#${type}#MONTH#${month}`,
  assignee: (operator: string) => `ASSIGNEE#${operator}`,
  reader: (operator: string) => `READER#${operator}`,
  /** Parcels announced for proactive detection whose contact is kept for a case that may open (privacy requests find them). */
  watchedParcels: (customerId: string) => `WATCHED#${customerId}`,
};

/** The sort key of every case entry in the index: newest first when read backwards; the case id breaks ties. */
export const caseSortKey = (createdAt: string, caseId: string) => `${createdAt}#${caseId}`;

/** The order's entry in the index: carried by the case's facts item, which is written once at intake anyway. */
export const orderLookupKeys = (c: { caseId: string; orderId: string; createdAt: string }) => ({
  gsi3pk: lookupPartition.order(c.orderId),
  gsi3sk: caseSortKey(c.createdAt, c.caseId),
});

/**
 * The lookup items written beside a new case (in its partition), one per way to find it; the order's rides on the
 * facts item (orderLookupKeys). Cases created before that have a `LOOKUP#ORDER` item instead, found the same way.
 */
export function lookupItems(c: { caseId: string; orderId: string; customerId: string; type: string; createdAt: string }) {
  const month = c.createdAt.slice(0, 7);
  const sortKey = caseSortKey(c.createdAt, c.caseId);
  const item = (kind: LookupKind, partition: string) => ({ pk: `CASE#${c.caseId}`, sk: `LOOKUP#${kind}`, gsi3pk: partition, gsi3sk: sortKey, caseId: c.caseId });
  return [item('CUSTOMER', lookupPartition.customer(c.customerId)), item('MONTH', lookupPartition.month(month)), item('TYPE', lookupPartition.typeMonth(c.type, month))];
}

/** UTC months (YYYY-MM) an instant range [from, to) touches, newest first. */
export function monthsNewestFirst(fromIso: string, toIso: string): string[] {
  const last = new Date(Date.parse(toIso) - 1);
  const months: string[] = [];
  let year = last.getUTCFullYear();
  let month = last.getUTCMonth();
  const first = fromIso.slice(0, 7);
  for (;;) {
    const label = `${year}-${String(month + 1).padStart(2, '0')}`;
    if (label < first) break;
    months.push(label);
    month -= 1;
    if (month < 0) {
      month = 11;
      year -= 1;
    }
  }
  return months;
}
