package com.example.core;

/** Small string helpers used by the example. */
public final class TextUtils {

    private TextUtils() {
    }

    /** Returns the text with its first letter in upper case; null and "" are returned unchanged. */
    public static String capitalize(String text) {
        if (text == null || text.isEmpty()) {
            return text;
        }
        return Character.toUpperCase(text.charAt(0)) + text.substring(1);
    }

    /** Counts the words in the text, words being separated by whitespace. */
    public static int wordCount(String text) {
        if (text == null) {
            return 0;
        }
        String trimmed = text.trim();
        return trimmed.isEmpty() ? 0 : trimmed.split("\\s+").length;
    }

    /** Returns the text reversed. */
    public static String reverse(String text) {
        return new StringBuilder(text).reverse().toString();
    }

    /**
     * Counts the blanks in the text.
     * Deliberately uses the deprecated {@code Character.isSpace(char)} so that javac
     * prints a {@code [deprecation]} warning the demo can show (not a fault).
     */
    public static int blankCount(String text) {
        int blanks = 0;
        for (char c : text.toCharArray()) {
            if (Character.isSpace(c)) {
                blanks++;
            }
        }
        return blanks;
    }
}
