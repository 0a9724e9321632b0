package demo.alpha;

import static org.junit.Assert.assertEquals;

import org.junit.Test;

public class AlphaTest {

    @Test
    public void first() {
        assertEquals(2, 1 + 1);
    }

    @Test
    public void second() {
        assertEquals(3, 2 + 1);
    }
}
