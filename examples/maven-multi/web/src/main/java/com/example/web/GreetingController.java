package com.example.web;

/** Builds greeting texts for the web layer. */
public class GreetingController {

    /** Returns "Hello, NAME!", or "Hello, guest!" for a null or blank name. */
    public String greet(String name) {
        if (name == null || name.isBlank()) {
            return "Hello, guest!";
        }
        return "Hello, " + name.trim() + "!";
    }

    /** Returns the HTTP status code for a request path. */
    public int statusFor(String path) {
        return path != null && path.startsWith("/") ? 200 : 404;
    }
}
