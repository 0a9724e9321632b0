package com.example.app;

import static org.junit.Assert.assertEquals;

import org.junit.Test;

public class ArticleTest {
    @Test
    public void pathUsesTheSlug() {
        assertEquals("/articles/gradle-on-debian", new Article("Gradle on Debian").path());
    }

    @Test
    public void pathOfAQuestion() {
        assertEquals("/articles/why-offline?", new Article("Why offline?").path()); // FAULT: failing test on purpose, the slug drops the '?'
    }

    @Test
    public void pathOfOneWord() {
        assertEquals("/articles/builds", new Article("Builds").path());
    }
}
