package demo;

public class Legacy {
    /**
     * Old way.
     *
     * @return one
     * @deprecated use {@link #newWay()}
     */
    @Deprecated
    public static int oldWay() {
        return 1;
    }

    public static int newWay() {
        return 2;
    }
}
