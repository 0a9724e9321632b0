package demo.core;

public class Core {
}
