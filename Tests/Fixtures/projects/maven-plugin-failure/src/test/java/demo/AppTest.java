package demo;

import static org.junit.Assert.assertEquals;

import org.junit.Test;

public class AppTest {

    @Test
    public void runs() {
        assertEquals(2, 1 + 1);
    }

    @Test
    public void stops() {
        assertEquals(3, 2 + 1);
    }
}
