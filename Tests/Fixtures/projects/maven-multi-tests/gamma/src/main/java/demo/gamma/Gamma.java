package demo.gamma;

public class Gamma {
}
