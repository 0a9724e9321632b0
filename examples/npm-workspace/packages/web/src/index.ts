import { Price, format } from "core";

/** One line of a receipt: a label and its price, aligned by the caller. */
export function receiptLine(label: string, value: Price): string {
  return `${label}: ${format(value)}`;
}

export function greeting(name?: string): string {
  return `Hello, ${name ?? "guest"}!`;
}
