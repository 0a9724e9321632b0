package demo;

public class App {
}
