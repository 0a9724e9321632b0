package demo.gamma;

import static org.junit.Assert.assertEquals;

import org.junit.Test;

public class GammaTest {

    @Test
    public void only() {
        assertEquals(2, 1 + 1);
    }
}
