package demo.beta;

import static org.junit.Assert.assertEquals;

import org.junit.Test;

public class MoreBetaTest {

    @Test
    public void a() {
        assertEquals(2, 1 + 1);
    }

    @Test
    public void b() {
        assertEquals(3, 2 + 1);
    }

    @Test
    public void c() {
        assertEquals(4, 3 + 1);
    }
}
