export function greet(name: string): string {
  return "Hello, " + name.toUpperCase();
}

greet(42); // FAULT: TS2345
const unused: number = greet("x"); // FAULT: TS2322
export { unused };
