export function add(a: number, b: number): number {
  return a + b;
}

export const total: number = add(1, "2"); // FAULT: TS2345

export interface User {
  name: string;
  age: number; // related: expected type comes from here
}
