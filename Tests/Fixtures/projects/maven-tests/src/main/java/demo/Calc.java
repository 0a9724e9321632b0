package demo;

public class Calc {
    public int add(int a, int b) {
        return a + b;
    }

    public int sub(int a, int b) {
        return a + b; // FAULT: wrong operator
    }

    public int div(int a, int b) {
        if (b == 0) {
            throw new IllegalStateException("division by zero is not supported"); // FAULT: throws
        }
        return a / b;
    }
}
