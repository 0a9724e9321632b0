package demo;

import java.util.ArrayList;
import java.util.List;

public class Client {
    public int useOld() {
        return Legacy.oldWay(); // FAULT: deprecation
    }

    public List<String> names() {
        List raw = new ArrayList();
        raw.add("x"); // FAULT: unchecked call
        return raw; // FAULT: unchecked conversion
    }

    public Integer boxed() {
        return new Integer(42); // FAULT: removal
    }
}
