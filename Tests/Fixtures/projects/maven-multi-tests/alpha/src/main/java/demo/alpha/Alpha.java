package demo.alpha;

public class Alpha {
    public int one() {
        return 1;
    }
}
