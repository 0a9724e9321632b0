package demo;

import static org.junit.Assert.assertEquals;

import org.junit.Test;

public class HelloTest {

    @Test
    public void greets() {
        assertEquals(2, 1 + 1);
    }

    @Test
    public void greetsTwice() {
        assertEquals(3, 2 + 1);
    }

    @Test
    public void greetsNobody() {
        assertEquals(4, 3 + 1);
    }
}
