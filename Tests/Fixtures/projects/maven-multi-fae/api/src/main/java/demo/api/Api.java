package demo.api;

import java.util.List;

public class Api {
    public List<String> names() {
        return List.of("a", "b");
    }

    public int count() {
        return names().length; // FAULT: not an array
    }

    public Strin name() { // FAULT: typo in type
        return "api";
    }
}
