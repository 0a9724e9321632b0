package com.example.service;

import java.util.List;

/** Computes order totals in cents. */
public class OrderService {

    /** Sums the line amounts (in cents) of an order. */
    public long calculateTotal(List<Long> lineAmounts) {
        long total = 0;
        for (long amount : lineAmounts) {
            total += amount;
        }
        return total;
    }

    /** Returns the order total formatted as "12.34". */
    public String formattedTotal(List<Long> lineAmounts) {
        long total = calculateTotl(lineAmounts); // FAULT: calls calculateTotl, which does not exist (typo for calculateTotal) -> cannot find symbol
        return String.format("%d.%02d", total / 100, total % 100);
    }
}
