package demo.beta;

import static org.junit.Assert.assertTrue;

import org.junit.Ignore;
import org.junit.Test;

public class BetaTest {
    @Test
    public void one() {
        assertTrue(true);
    }

    @Test
    public void two() {
        assertTrue(true);
    }

    @Ignore("flaky on CI")
    @Test
    public void skipped() {
    }
}
