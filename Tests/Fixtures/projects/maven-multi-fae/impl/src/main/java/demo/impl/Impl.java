package demo.impl;

public class Impl {
}
