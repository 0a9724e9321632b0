package com.example.service;

import static org.junit.Assert.assertEquals;

import java.util.Arrays;

import org.junit.Test;

public class OrderServiceTest {

    private final OrderService service = new OrderService();

    @Test
    public void calculateTotalSumsLines() {
        assertEquals(600L, service.calculateTotal(Arrays.asList(100L, 200L, 300L)));
    }

    @Test
    public void formattedTotalPrintsCents() {
        assertEquals("12.05", service.formattedTotal(Arrays.asList(1000L, 205L)));
    }
}
