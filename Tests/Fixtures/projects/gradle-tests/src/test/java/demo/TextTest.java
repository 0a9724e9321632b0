package demo;

import static org.junit.Assert.assertEquals;

import org.junit.Test;

public class TextTest {

    @Test
    public void joins() {
        assertEquals(2, 1 + 1);
    }

    @Test
    public void splits() {
        assertEquals(3, 2 + 1);
    }
}
