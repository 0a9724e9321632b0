package demo.api;

import static org.junit.Assert.assertTrue;

import org.junit.Test;

public class ApiTest {
    @Test
    public void works() {
        assertTrue(true);
    }

    @Test
    public void broken() {
        assertTrue("api must be ready", false); // FAULT: fails
    }
}
