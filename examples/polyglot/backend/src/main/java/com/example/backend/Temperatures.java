package com.example.backend;

/** Converts temperatures for the frontend's display. */
public final class Temperatures {
    private Temperatures() {
    }

    public static double toFahrenheit(double celsius) {
        return celsius * 9 / 5 + 32;
    }
}
