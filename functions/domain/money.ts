import type { ItemRef, MinorUnits, OrderItem } from './case.js';

/**
 * An order's lines with repeats of one SKU at one unit price merged into one line (quantities summed). The same SKU
 * at different prices stays on separate lines: a claim is then allocated across them cheapest first.
 */
export function mergeOrderLines(orderItems: OrderItem[]): OrderItem[] {
  const merged: OrderItem[] = [];
  for (const item of orderItems) {
    const same = merged.find((line) => line.sku === item.sku && line.unitPrice === item.unitPrice);
    if (same) same.quantity += item.quantity;
    else merged.push({ ...item });
  }
  return merged;
}

/** The claimed units per SKU, repeated references of one SKU summed, in the order they first appear. */
export function sumClaims(items: ItemRef[]): ItemRef[] {
  const summed = new Map<string, number>();
  for (const ref of items) summed.set(ref.sku, (summed.get(ref.sku) ?? 0) + ref.quantity);
  return [...summed].map(([sku, quantity]) => ({ sku, quantity }));
}

/** Units of each SKU the order has, over all its lines. */
export function orderedUnits(orderItems: OrderItem[]): Map<string, number> {
  const units = new Map<string, number>();
  for (const item of orderItems) units.set(item.sku, (units.get(item.sku) ?? 0) + item.quantity);
  return units;
}

/**
 * The order lines a case concerns, with the claimed quantity on each; an empty selection means the whole order.
 * A claim is allocated across the SKU's lines cheapest first, and never beyond the units ordered (intake refuses an
 * over-claim; a case stored before that rule is clamped here rather than paid twice).
 */
export function concernedLines(orderItems: OrderItem[], items: ItemRef[]): Array<OrderItem & { quantity: number }> {
  const lines = mergeOrderLines(orderItems);
  if (items.length === 0) return lines;
  const concerned: OrderItem[] = [];
  for (const claim of sumClaims(items)) {
    const candidates = lines.filter((line) => line.sku === claim.sku).sort((a, b) => a.unitPrice - b.unitPrice);
    if (candidates.length === 0) throw new Error(`item ${claim.sku} is not part of the order`);
    let left = claim.quantity;
    for (const line of candidates) {
      if (left <= 0) break;
      const quantity = Math.min(left, line.quantity);
      concerned.push({ ...line, quantity });
      left -= quantity;
    }
  }
  return concerned;
}

export function valueOf(lines: Array<{ quantity: number; unitPrice: MinorUnits }>): MinorUnits {
  return lines.reduce((sum, line) => sum + line.quantity * line.unitPrice, 0);
}

/**
 * An amount an operator typed in major units ("199", "199.50") as integer minor units of the currency (its fraction
 * digits as Intl knows them: CNY 2, JPY 0); undefined when it is not a plain decimal with at most that many decimals.
 * Exact: digits are shifted as text, never through floating point.
 */
export function minorUnitsFromText(text: string, currency: string): number | undefined {
  const digits = new Intl.NumberFormat('en', { style: 'currency', currency }).resolvedOptions().maximumFractionDigits ?? 2;
  const match = /^(\d{1,12})(?:[.,](\d+))?$/.exec(text.trim());
  if (!match || (match[2] ?? '').length > digits) return undefined;
  return Number(`${match[1]}${(match[2] ?? '').padEnd(digits, '0')}`);
}
