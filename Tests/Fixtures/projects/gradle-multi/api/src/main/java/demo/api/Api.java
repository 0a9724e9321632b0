package demo.api;

public class Api {
}
