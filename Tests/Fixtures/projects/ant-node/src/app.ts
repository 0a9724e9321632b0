import { add, User } from "./math";

const user: User = { name: "Ada", age: "36" }; // FAULT: TS2322
console.log(missingName); // FAULT: TS2304
export const sum: string = add(1, 2); // FAULT: TS2322 number to string
export { user };
