package demo;

/** Text helpers. */
public class Docs {
    /**
     * Joins two words.
     *
     * @param a the first word
     */
    public String join(String a, String b) { // FAULT: no @param b, no @return
        return a + b;
    }

    public String upper(String s) { // FAULT: no comment
        return s.toUpperCase();
    }

    /**
     * Repeats.
     *
     * @param s text
     * @param n count
     * @return the text n times
     * @see Docs#missing()
     */
    public String repeat(String s, int n) { // FAULT: @see to a missing member
        return s.repeat(n);
    }
}
