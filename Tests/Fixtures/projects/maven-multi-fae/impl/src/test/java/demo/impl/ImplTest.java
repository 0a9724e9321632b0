package demo.impl;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import org.junit.Test;

public class ImplTest {
    @Test
    public void ok() {
        assertTrue(true);
    }

    @Test
    public void greets() {
        assertEquals("hello world", "hello " + "World"); // FAULT: case differs
    }

    @Test
    public void alsoOk() {
        assertTrue(true);
    }
}
