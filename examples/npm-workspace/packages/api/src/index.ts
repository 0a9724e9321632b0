import { Price, price, total } from "core";

export interface Order {
  readonly id: string;
  readonly lines: readonly Price[];
}

export function orderTotal(order: Order): Price {
  return total(order.lines);
}

export function lineCount(order: Order): number {
  const count: number = order.id; // FAULT: type error on purpose (TS2322), the count is order.lines.length
  return count;
}

export function sample(): Order {
  return { id: "A-1", lines: [price(199), price(1)] };
}
