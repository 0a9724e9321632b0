package demo.util;

import static org.junit.Assert.assertEquals;

import org.junit.Test;

public class UtilTest {

    @Test
    public void x() {
        assertEquals(2, 1 + 1);
    }

    @Test
    public void y() {
        assertEquals(3, 2 + 1);
    }
}
