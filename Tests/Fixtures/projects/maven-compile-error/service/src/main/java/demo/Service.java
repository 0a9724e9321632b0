package demo;

import demo.core.Calc;

public class Service {
    private final Calc calc = new Calc();

    public int total(int a, int b) {
        return calc.add(a, b);
    }

    public String describe(int value) {
        return Formatter.format(value); // FAULT: unknown class
    }

    public int product(int a, int b) {
        return calc.multiply(a, b); // FAULT: unknown method
    }

    public int parse(String text) {
        int n = text; // FAULT: incompatible types
        return n;
    }
}
