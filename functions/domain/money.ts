import type { ItemRef, MinorUnits, OrderItem } from './case.js';

/** The order lines a case concerns; an empty selection means the whole order. */
export function concernedLines(orderItems: OrderItem[], items: ItemRef[]): Array<OrderItem & { quantity: number }> {
  if (items.length === 0) return orderItems;
  return items.map((ref) => {
    const line = orderItems.find((item) => item.sku === ref.sku);
    if (!line) throw new Error(`item ${ref.sku} is not part of the order`);
    return { ...line, quantity: Math.min(ref.quantity, line.quantity) };
  });
}

export function valueOf(lines: Array<{ quantity: number; unitPrice: MinorUnits }>): MinorUnits {
  return lines.reduce((sum, line) => sum + line.quantity * line.unitPrice, 0);
}
