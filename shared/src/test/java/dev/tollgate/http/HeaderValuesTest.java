package dev.tollgate.http;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Header values as the server and the client read them. */
class HeaderValuesTest {

    @Test
    void aTokenIsFoundInAnyCaseAndPositionOfACommaSeparatedList() {
        assertTrue(HeaderValues.hasToken("close", "close"));
        assertTrue(HeaderValues.hasToken("Keep-Alive", "keep-alive"));
        assertTrue(HeaderValues.hasToken("upgrade ,\tCLOSE ", "close"));
        assertTrue(HeaderValues.hasToken("x,,close", "close"));
    }

    @Test
    void aTokenIsNotFoundInsideAnotherOrInAnEmptyValue() {
        assertFalse(HeaderValues.hasToken("closed", "close"));
        assertFalse(HeaderValues.hasToken("not-close, x", "close"));
        assertFalse(HeaderValues.hasToken("", "close"));
        assertFalse(HeaderValues.hasToken(" , ", "close"));
    }

    @Test
    void aContentLengthIsDigitsOnlyAndAtMostEighteenOfThem() {
        assertEquals(0, HeaderValues.contentLength("0"));
        assertEquals(6_291_456, HeaderValues.contentLength("6291456"));
        assertEquals(999_999_999_999_999_999L, HeaderValues.contentLength("999999999999999999"));
        for (String bad : new String[] {"", "-1", "+5", "1 2", "0x10", "12a", "1234567890123456789"}) {
            assertEquals(-1, HeaderValues.contentLength(bad), bad);
        }
    }
}
