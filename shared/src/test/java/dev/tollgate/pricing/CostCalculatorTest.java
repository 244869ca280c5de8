package dev.tollgate.pricing;

import dev.tollgate.providers.Usage;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * Exact costs of real models from the shipped book, against amounts worked out by hand (shown in each test as
 * tokens x USD per million tokens; USD = sum / 10^6; nanodollars = sum x 10^3, rounded up).
 */
class CostCalculatorTest {

    private static final PriceBook BOOK =
            PriceBook.load(Clock.fixed(Instant.parse("2026-08-22T12:00:00Z"), ZoneOffset.UTC));

    private static ModelPrice price(String provider, String model) {
        return BOOK.price(provider, model).orElseThrow();
    }

    private static void assertCost(long nanos, String usd, Cost cost) {
        assertEquals(nanos, cost.nanodollars(), "nanodollars");
        assertEquals(0, new BigDecimal(usd).compareTo(cost.usd()), "exact USD " + cost.usd());
    }

    @Test
    void gpt4oMiniBillsCachedInputAtTheCacheReadRate() {
        // 0.15 in, 0.6 out, 0.075 cached. Uncached 1234-1000=234 x 0.15 = 35.1; 1000 x 0.075 = 75; 77 x 0.6 = 46.2
        Cost cost = CostCalculator.cost(price("openai", "gpt-4o-mini"), new Usage(1234, 77, 1000));
        assertCost(156_300, "0.0001563", cost);
    }

    @Test
    void gpt4oCachedInputIsHalfPrice() {
        // 2.5 in, 10 out, 1.25 cached. 1024 x 2.5 = 2560; 1024 x 1.25 = 1280; 300 x 10 = 3000 -> 6840
        Cost cost = CostCalculator.cost(price("openai", "gpt-4o-2024-08-06"), new Usage(2048, 300, 1024));
        assertCost(6_840_000, "0.00684", cost);
    }

    @Test
    void modelWithoutACachePriceBillsCachedTokensAsInput() {
        // gpt-4: 30 in, 60 out, no cache price. 1000 x 30 + 10 x 60 = 30600, whatever the cached share
        assertCost(30_600_000, "0.0306", CostCalculator.cost(price("openai", "gpt-4"), new Usage(1000, 10, 400)));
    }

    @Test
    void claudeSonnet4BillsCacheReadsAndWritesApart() {
        // 3 in, 15 out, 0.3 read, 3.75 write. Prompt 10000 = 2000 plain + 6000 read + 2000 written:
        // 2000 x 3 = 6000; 6000 x 0.3 = 1800; 2000 x 3.75 = 7500; 1000 x 15 = 15000 -> 30300
        Cost cost = CostCalculator.cost(price("anthropic", "claude-sonnet-4-20250514"),
                new Usage(10_000, 1_000, 6_000, 2_000));
        assertCost(30_300_000, "0.0303", cost);
    }

    @Test
    void claude35SonnetPlainRequest() {
        // 3 in, 15 out: 1500 x 3 = 4500; 250 x 15 = 3750 -> 8250
        Cost cost = CostCalculator.cost(price("anthropic", "claude-3-5-sonnet-20241022"), new Usage(1500, 250, 0));
        assertCost(8_250_000, "0.00825", cost);
    }

    @Test
    void gemini25ProAtExactly200kTokensStaysOnTheBaseRate() {
        // Tier applies above 200000 only. 200000 x 1.25 = 250000; 1000 x 10 = 10000 -> 260000
        Cost cost = CostCalculator.cost(price("gemini", "gemini-2.5-pro"), new Usage(200_000, 1_000, 0));
        assertCost(260_000_000, "0.26", cost);
    }

    @Test
    void gemini25ProAbove200kTokensRepricesEveryToken() {
        // Cliff: all tokens at the tier. Uncached 100001 x 2.5 = 250002.5; 100000 x 0.25 = 25000;
        // 1000 x 15 = 15000 -> 290002.5
        Cost cost = CostCalculator.cost(price("gemini", "gemini-2.5-pro"), new Usage(200_001, 1_000, 100_000));
        assertCost(290_002_500, "0.2900025", cost);
    }

    @Test
    void fractionsOfANanodollarRoundUp() {
        // gemini-1.5-flash cached reads: 0.01875 per million. 3 x 0.01875 = 0.05625 -> 56.25 nanodollars -> 57
        Cost cost = CostCalculator.cost(price("gemini", "gemini-1.5-flash"), new Usage(3, 0, 3));
        assertCost(57, "0.00000005625", cost);
        assertEquals(new BigDecimal("0.000000057"), cost.roundedUsd());
    }

    @Test
    void noTokensCostNothing() {
        assertEquals(Cost.ZERO, CostCalculator.cost(price("openai", "gpt-4o"), Usage.NONE));
    }

    @Test
    void moreCachedThanPromptTokensStillBillsEveryReportedToken() {
        // Inconsistent report: 100 prompt, 150 cached. Uncached 0; 150 x 1.25 = 187.5; 0 out
        assertCost(187_500, "0.0001875", CostCalculator.cost(price("openai", "gpt-4o"), new Usage(100, 0, 150)));
    }

    @Test
    void negativeCountsAreRejected() {
        assertThrows(IllegalArgumentException.class,
                () -> CostCalculator.cost(price("openai", "gpt-4o"), new Usage(-1, 0, 0)));
    }

    @Test
    void worstCaseChargesTheDearestInputRateAndAllOutputTokens() {
        // claude-sonnet-4: cache write 3.75 is the dearest input-side rate. 10000 x 3.75 = 37500; 1000 x 15 = 15000
        Cost cost = CostCalculator.worstCase(price("anthropic", "claude-sonnet-4-20250514"), 10_000, 1_000);
        assertCost(52_500_000, "0.0525", cost);
    }

    @Test
    void worstCaseUsesTheTierTheEstimatedPromptSelects() {
        // gemini-2.5-pro above 200k: input 2.5 (cache write defaults to it), output 15.
        // 250000 x 2.5 = 625000; 2000 x 15 = 30000 -> 655000
        Cost cost = CostCalculator.worstCase(price("gemini", "gemini-2.5-pro"), 250_000, 2_000);
        assertCost(655_000_000, "0.655", cost);
    }

    @Test
    void worstCaseBoundsTheActualCostOfAnyOutcome() {
        ModelPrice p = price("anthropic", "claude-sonnet-4-20250514");
        Cost bound = CostCalculator.worstCase(p, 10_000, 1_000);
        for (Usage actual : List.of(new Usage(10_000, 1_000, 0, 10_000), new Usage(10_000, 1_000, 10_000, 0),
                new Usage(10_000, 1_000, 0, 0), new Usage(10_000, 1_000, 3_000, 7_000))) {
            long nanos = CostCalculator.cost(p, actual).nanodollars();
            assertEquals(true, nanos <= bound.nanodollars(), actual + " cost " + nanos + " > " + bound);
        }
    }

    @Test
    void configuredFlatPriceStillEstimatesAsBefore() {
        ModelPrice flat = new ModelPrice(new BigDecimal("2.5"), new BigDecimal("10"), null, null);
        assertEquals(new BigDecimal("0.0035"), flat.estimate(1000, 100));
        assertEquals(new BigDecimal("2.5"), flat.cacheReadPerMtok());
    }

    @Test
    void estimateUsesTheTierOfItsInput() {
        ModelPrice p = price("gemini", "gemini-2.5-pro");
        // 300000 x 2.5 + 1000 x 15 = 765000 -> 0.765
        assertEquals(new BigDecimal("0.765"), p.estimate(300_000, 1_000));
    }
}
