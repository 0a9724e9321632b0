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
}
