package com.example.web;

import static org.junit.Assert.assertEquals;

import org.junit.Test;

public class GreetingControllerTest {

    private final GreetingController controller = new GreetingController();

    @Test
    public void greetsByName() {
        assertEquals("Hello, Ada!", controller.greet("  Ada "));
    }

    @Test
    public void greetsGuestWhenNameMissing() {
        assertEquals("Hello, World!", controller.greet(null)); // FAULT: wrong expectation, greet(null) returns "Hello, guest!"
    }

    @Test
    public void statusForAbsolutePathIsOk() {
        assertEquals(200, controller.statusFor("/index.html"));
        assertEquals(404, controller.statusFor("index.html"));
    }
}
