package dev.tollgate.reconcile;

import org.junit.jupiter.api.Test;

import java.math.BigDecimal;

import static org.junit.jupiter.api.Assertions.assertEquals;

class BilledMoneyTest {

    @Test
    void centsStringsConvertExactly() {
        assertEquals(new BigDecimal("1.2345"), BilledMoney.usdFromCents("123.45"));
        assertEquals(1_234_500_000L, BilledMoney.nanos(BilledMoney.usdFromCents("123.45")));
        // Sub-cent precision survives: 0.0000001 cents is one nanodollar.
        assertEquals(1L, BilledMoney.nanos(BilledMoney.usdFromCents("0.0000001")));
        // A double would lose this one: 0.1 + 0.2 cents.
        assertEquals(3_000_000L, BilledMoney.nanos(BilledMoney.usdFromCents("0.1").add(BilledMoney.usdFromCents("0.2"))));
    }

    @Test
    void nanosRoundHalfEvenBeyondTheNinthDecimal() {
        assertEquals(2L, BilledMoney.nanos(new BigDecimal("0.0000000025")));
        assertEquals(4L, BilledMoney.nanos(new BigDecimal("0.0000000035")));
    }

    @Test
    void driftPctIsRelativeToTheBill() {
        assertEquals(new BigDecimal("5.0000"), BilledMoney.driftPct(5, 100));
        assertEquals(new BigDecimal("-33.3333"), BilledMoney.driftPct(-1, 3));
        assertEquals(new BigDecimal("0.0000"), BilledMoney.driftPct(0, 0));
    }
}
