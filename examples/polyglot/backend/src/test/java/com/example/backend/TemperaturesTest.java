package com.example.backend;

import static org.junit.Assert.assertEquals;

import org.junit.Test;

public class TemperaturesTest {
    @Test
    public void freezingPoint() {
        assertEquals(32.0, Temperatures.toFahrenheit(0), 1e-9);
    }

    @Test
    public void boilingPoint() {
        assertEquals(212.0, Temperatures.toFahrenheit(100), 1e-9);
    }
}
