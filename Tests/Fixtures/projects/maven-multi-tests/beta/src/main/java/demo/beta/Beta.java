package demo.beta;

public class Beta {
}
