/** Money in cents, so sums stay exact. */
export interface Price {
  readonly cents: number;
  readonly currency: string;
}

export function price(cents: number, currency = "EUR"): Price {
  return { cents, currency };
}

export function total(prices: readonly Price[]): Price {
  const currency = prices.length > 0 ? prices[0].currency : "EUR";
  return price(prices.reduce((sum, item) => sum + item.cents, 0), currency);
}

export function format(value: Price): string {
  const whole = Math.floor(value.cents / 100);
  const rest = String(value.cents % 100).padStart(2, "0");
  return `${whole}.${rest} ${value.currency}`;
}
