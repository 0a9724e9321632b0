package com.example.lib;

/** Turns titles into URL slugs: lower case, words joined by '-'. */
public final class Slugs {
    private Slugs() {
    }

    public static String slug(String title) {
        String trimmed = title.trim().toLowerCase();
        return trimmed.replaceAll("[^a-z0-9]+", "-").replaceAll("(^-|-$)", "");
    }
}
