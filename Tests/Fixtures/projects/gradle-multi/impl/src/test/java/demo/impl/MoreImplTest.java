package demo.impl;

import static org.junit.Assert.assertEquals;

import org.junit.Test;

public class MoreImplTest {

    @Test
    public void p() {
        assertEquals(2, 1 + 1);
    }

    @Test
    public void q() {
        assertEquals(3, 2 + 1);
    }
}
