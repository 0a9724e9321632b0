/** The label the frontend shows for a temperature the backend converted. */
export function label(celsius: number, fahrenheit: number): string {
  return `${celsius.toFixed(1)} °C / ${fahrenheit.toFixed(1)} °F`;
}
