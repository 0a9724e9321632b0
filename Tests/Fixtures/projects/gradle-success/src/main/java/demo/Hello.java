package demo;

public class Hello {
    public String greet(String who) {
        return "Hello, " + who;
    }
}
