package com.example.report;

import java.util.List;

/** A one-line summary of counted items. */
public final class Summary {
    private Summary() {
    }

    public static String of(List<String> items) {
        int count = items.size();
        return count + " item" + (count == 1 ? "" : "s") + ": " + String.join(", ", item); // FAULT: compile error on purpose, the variable is 'items'
    }
}
