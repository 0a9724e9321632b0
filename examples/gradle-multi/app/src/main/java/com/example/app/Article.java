package com.example.app;

import com.example.lib.Slugs;

/** An article and the path it is published under. */
public final class Article {
    private final String title;

    public Article(String title) {
        this.title = title;
    }

    public String path() {
        return "/articles/" + Slugs.slug(title);
    }
}
