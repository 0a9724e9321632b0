package demo;

import java.util.ArrayList;
import java.util.List;

public class Service {
    public List<String> names() {
        List raw = new ArrayList();
        raw.add("x"); // FAULT: unchecked call
        return raw; // FAULT: unchecked conversion
    }

    public int size() {
        return undefinedCounter; // FAULT: unknown variable
    }

    public String label(int n) {
        String s = n; // FAULT: incompatible types
        return s;
    }
}
