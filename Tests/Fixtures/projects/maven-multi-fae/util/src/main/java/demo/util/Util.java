package demo.util;

public class Util {
}
