package com.example.lib;

import static org.junit.Assert.assertEquals;

import org.junit.Test;

public class SlugsTest {
    @Test
    public void joinsWordsWithDashes() {
        assertEquals("hello-world", Slugs.slug("Hello World"));
    }

    @Test
    public void dropsPunctuationAtTheEnds() {
        assertEquals("ready", Slugs.slug("  Ready?! "));
    }
}
