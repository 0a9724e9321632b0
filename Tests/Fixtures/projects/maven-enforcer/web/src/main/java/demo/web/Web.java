package demo.web;

public class Web {
}
