package demo;

import static org.junit.Assert.assertEquals;

import org.junit.Test;

public class ClientTest {

    @Test
    public void usesOld() {
        assertEquals(2, 1 + 1);
    }

    @Test
    public void listsNames() {
        assertEquals(3, 2 + 1);
    }
}
