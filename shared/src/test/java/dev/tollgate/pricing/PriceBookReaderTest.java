package dev.tollgate.pricing;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalTime;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The derived file's format, on small hand-written books. */
class PriceBookReaderTest {

    private static PriceBook book(String providers) throws IOException {
        String json = "{\"format\":1,\"source\":{\"commit\":\"abc\"},\"providers\":[" + providers + "]}";
        PriceBookReader.Contents contents =
                PriceBookReader.read(new ByteArrayInputStream(json.getBytes(StandardCharsets.UTF_8)));
        return new PriceBook(contents.sourceCommit(), contents.providers(), Clock.systemUTC());
    }

    private static BigDecimal d(String text) {
        return new BigDecimal(text);
    }

    @Test
    void fieldsTieredAtDifferentThresholdsMergeIntoOneTierList() throws IOException {
        PriceBook book = book("""
                {"type":"p","id":"p","models":[{"id":"m","match":{"equals":"m"},"prices":{
                  "input_mtok":{"base":"1","tiers":[{"start":100,"price":"2"},{"start":300,"price":"3"}]},
                  "output_mtok":{"base":"10","tiers":[{"start":200,"price":"20"}]},
                  "cache_read_mtok":"0.5"}}]}""");
        ModelPrice p = book.price("p", "m").orElseThrow();
        assertEquals(List.of(
                new PriceTier(100, d("2"), d("10"), d("0.5"), null),
                new PriceTier(200, d("2"), d("20"), d("0.5"), null),
                new PriceTier(300, d("3"), d("20"), d("0.5"), null)), p.tiers());
        assertEquals(d("1"), p.at(100).inputPerMtok());
        assertEquals(d("2"), p.at(101).inputPerMtok());
        assertEquals(d("20"), p.at(201).outputPerMtok());
        assertEquals(d("3"), p.at(301).cacheWritePerMtok(), "no cache-write price: the tier's input rate");
    }

    @Test
    void andClausesNeedEveryPart() throws IOException {
        PriceBook book = book("""
                {"type":"p","id":"p","models":[
                  {"id":"both","match":{"and":[{"starts_with":"llama"},{"ends_with":"-instruct"}]},
                   "prices":{"input_mtok":"1","output_mtok":"2"}},
                  {"id":"any-llama","match":{"contains":"llama"},"prices":{"input_mtok":"3","output_mtok":"4"}}]}""");
        assertEquals("both", book.find("p", "llama-3-instruct").orElseThrow().model().id());
        assertEquals("any-llama", book.find("p", "llama-3-base").orElseThrow().model().id());
        assertEquals("any-llama", book.find("p", "my-llama-3-instruct").orElseThrow().model().id());
    }

    @Test
    void exactNamesWinOverAnEarlierBroaderRule() throws IOException {
        PriceBook book = book("""
                {"type":"p","id":"p","models":[
                  {"id":"family","match":{"starts_with":"m"},"prices":{"input_mtok":"1","output_mtok":"1"}},
                  {"id":"special","match":{"or":[{"equals":"m-special"}]},"prices":{"input_mtok":"9","output_mtok":"9"}}]}""");
        assertEquals("special", book.find("p", "m-special").orElseThrow().model().id());
        assertEquals("family", book.find("p", "m-other").orElseThrow().model().id());
    }

    @Test
    void fallbackIsOneStepOnly() throws IOException {
        PriceBook book = book("""
                {"type":"a","id":"a","fallback":["b"],"models":[]},
                {"type":"b","id":"b","fallback":["c"],"models":[{"id":"in-b","match":{"equals":"x"},"prices":null}]},
                {"type":"c","id":"c","models":[{"id":"in-c","match":{"equals":"y"},"prices":{"input_mtok":"1","output_mtok":"1"}}]}""");
        assertEquals("b", book.find("a", "x").orElseThrow().providerId());
        assertFalse(book.find("a", "y").isPresent());
        assertTrue(book.find("b", "y").isPresent());
    }

    @Test
    void timeOfDayWindowsMayWrapPastMidnight() {
        PriceSchedule.Constraint night = new PriceSchedule.Constraint.TimeOfDay(LocalTime.of(22, 0), LocalTime.of(6, 0));
        assertTrue(night.holdsAt(Instant.parse("2026-01-01T23:00:00Z")));
        assertTrue(night.holdsAt(Instant.parse("2026-01-01T05:59:59Z")));
        assertFalse(night.holdsAt(Instant.parse("2026-01-01T06:00:00Z")));
        assertFalse(night.holdsAt(Instant.parse("2026-01-01T12:00:00Z")));
    }

    @Test
    void whenNoConstraintHoldsTheFirstEntryApplies() throws IOException {
        PriceBook book = book("""
                {"type":"p","id":"p","models":[{"id":"m","match":{"equals":"m"},"prices":[
                  {"constraint":{"start_date":"2030-01-01"},"prices":{"input_mtok":"1","output_mtok":"1"}},
                  {"constraint":{"start_date":"2031-01-01"},"prices":{"input_mtok":"2","output_mtok":"2"}}]}]}""");
        assertEquals(d("1"), book.price("p", "m", Instant.parse("2026-01-01T00:00:00Z")).orElseThrow().inputPerMtok());
        assertEquals(d("2"), book.price("p", "m", Instant.parse("2031-06-01T00:00:00Z")).orElseThrow().inputPerMtok());
    }

    @Test
    void aPriceSetWithoutOutputRateFailsLoudlyNamingItsPath() throws IOException {
        // Providers are built on first use, so the error surfaces then; the shipped book is read whole by
        // PriceBookTest.everyModelOfTheShippedBookReads, so it surfaces in the build.
        PriceBook book = book("""
                {"type":"p","id":"p","models":[{"id":"m","match":{"equals":"m"},"prices":{"input_mtok":"1"}}]}""");
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> book.price("p", "m"));
        assertTrue(e.getMessage().contains("providers[0](p).models[0].prices"), e.getMessage());
    }
}
