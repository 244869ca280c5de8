package dev.tollgate.pricing;

import dev.tollgate.config.Target;
import dev.tollgate.routing.PriceLookup;
import dev.tollgate.secrets.CredentialRef;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Name matching and prices against the shipped book (genai-prices data), with the feed's own rules. */
class PriceBookTest {

    private static final Instant NOON = Instant.parse("2026-08-22T12:00:00Z");
    private static final PriceBook BOOK = PriceBook.load(Clock.fixed(NOON, ZoneOffset.UTC));

    private static String modelId(String provider, String model) {
        return BOOK.find(provider, model).map(m -> m.providerId() + ":" + m.model().id()).orElse("none");
    }

    private static ModelPrice price(String provider, String model) {
        return BOOK.price(provider, model).orElseThrow(() -> new AssertionError("no price for " + model));
    }

    private static BigDecimal d(String text) {
        return new BigDecimal(text);
    }

    @Test
    void knowsTheSourceCommitOfTheFeed() {
        assertEquals("47df840a5ab10bbcffb8e5ac01b9899032245d1b", BOOK.sourceCommit());
    }

    @Test
    void equalsRuleMatchesADatedOpenAiName() {
        assertEquals("openai:gpt-4o-mini", modelId("openai", "gpt-4o-mini-2024-07-18"));
        ModelPrice p = price("openai", "gpt-4o-mini");
        assertEquals(d("0.15"), p.inputPerMtok());
        assertEquals(d("0.6"), p.outputPerMtok());
        assertEquals(d("0.075"), p.cacheReadPerMtok());
        assertEquals(d("0.15"), p.cacheWritePerMtok(), "no cache-write price: cache writes cost plain input");
        assertTrue(p.tiers().isEmpty());
    }

    @Test
    void startsWithRuleMatchesAnthropicSnapshots() {
        assertEquals("anthropic:claude-3-5-sonnet", modelId("anthropic", "claude-3-5-sonnet-20241022"));
        assertEquals("anthropic:claude-sonnet-4-0", modelId("anthropic", "claude-sonnet-4-20250514"));
        ModelPrice p = price("anthropic", "claude-sonnet-4-20250514");
        assertEquals(new ModelPrice(d("3"), d("15"), d("0.3"), d("3.75")), p);
    }

    @Test
    void endsWithRuleMatches() {
        // gemini-2.0-flash is listed with {ends_with: gemini-2.0-flash}; no earlier rule takes this name.
        assertEquals("google:gemini-2.0-flash", modelId("gemini", "google/gemini-2.0-flash"));
    }

    @Test
    void containsRuleMatchesBedrockInferenceProfiles() {
        assertEquals("aws:amazon.nova-pro-v1:0", modelId("bedrock", "us.amazon.nova-pro-v1:0"));
        assertEquals("aws:regional.anthropic.claude-sonnet-4-20250514-v1:0",
                modelId("bedrock", "us.anthropic.claude-sonnet-4-20250514-v1:0"));
    }

    @Test
    void regexRuleMatchesAndStaysAnchored() {
        assertEquals("openai:gpt-5.6-sol", modelId("openai", "gpt-5.6-sol-2026-01-15"));
        assertEquals("none", modelId("openai", "gpt-5.6-sol-20260115"), "the feed's regex wants YYYY-MM-DD");
    }

    @Test
    void andRuleFindsAProviderByItsAliases() {
        // huggingface_groq is recognised by {and: [{contains: huggingface}, {contains: groq}]}
        assertEquals("huggingface_groq:openai/gpt-oss-120b", modelId("huggingface-groq", "openai/gpt-oss-120b"));
        assertEquals("google:gemini-2.5-pro", modelId("vertex", "gemini-2.5-pro"));
        assertEquals("x-ai:grok-3-mini", modelId("xai", "grok-3-mini"));
    }

    @Test
    void providerTypesMapToFeedProviders() {
        assertEquals("google:gemini-2.5-pro", modelId("gemini", "gemini-2.5-pro"));
        assertEquals("aws:amazon.nova-pro-v1:0", modelId("bedrock", "amazon.nova-pro-v1:0"));
        assertEquals("groq:llama-3.3-70b-versatile", modelId("groq", "llama-3.3-70b-versatile"));
        assertEquals("deepseek:deepseek-chat", modelId("deepseek", "deepseek-chat"));
    }

    @Test
    void namesCompareInLowerCaseOnBothSides() {
        assertEquals("openai:gpt-4o", modelId("OpenAI", "GPT-4o"));
        // The feed writes this one in mixed case; genai-prices itself could never match it.
        assertEquals("doubleword:Qwen/Qwen3-14B-FP8", modelId("doubleword", "Qwen/Qwen3-14B-FP8"));
    }

    @Test
    void azureFallsBackToOpenAiAndAnthropicButPrefersItsOwnPrices() {
        assertEquals("openai:gpt-4o", modelId("azure", "gpt-4o"));
        assertEquals("anthropic:claude-sonnet-4-5", modelId("azure", "claude-sonnet-4-5"));
        assertEquals("azure:o3-mini", modelId("azure", "o3-mini"));
    }

    @Test
    void geminiResourceNamesAreStrippedToTheModel() {
        assertEquals("google:gemini-2.5-pro", modelId("gemini", "models/gemini-2.5-pro"));
    }

    @Test
    void unknownModelsAndProvidersHaveNoPrice() {
        assertEquals(Optional.empty(), BOOK.price("openai", "gpt-unknown-7"));
        assertEquals(Optional.empty(), BOOK.price("mock", "gpt-4o"));
        assertEquals(Optional.empty(), BOOK.price(null, "gpt-4o"));
        assertEquals(OptionalLong.empty(), BOOK.contextWindow("openai", "gpt-unknown-7"));
    }

    @Test
    void aModelTheFeedGivesNoTokenPriceMatchesButIsNotFree() {
        assertEquals("openai:moderation", modelId("openai", "omni-moderation-latest"));
        assertEquals(Optional.empty(), BOOK.price("openai", "omni-moderation-latest"));
        assertEquals("openai:text-embedding-3-small", modelId("openai", "text-embedding-3-small"));
        assertEquals(Optional.empty(), BOOK.price("openai", "text-embedding-3-small"), "no output price given");
    }

    @Test
    void contextWindowsComeFromTheFeed() {
        assertEquals(OptionalLong.of(128_000), BOOK.contextWindow("openai", "gpt-4o-mini"));
        assertEquals(OptionalLong.of(200_000), BOOK.contextWindow("anthropic", "claude-3-5-sonnet-20241022"));
        assertEquals(OptionalLong.empty(), BOOK.contextWindow("gemini", "gemini-2.5-pro"), "not stated in the feed");
    }

    @Test
    void tieredPricesCarryEveryRateAboveTheThreshold() {
        ModelPrice p = price("gemini", "gemini-2.5-pro");
        assertEquals(new ModelPrice(d("1.25"), d("10"), d("0.125"), null), new ModelPrice(p.inputPerMtok(),
                p.outputPerMtok(), p.cacheReadPerMtok(), p.cacheWritePerMtok()));
        assertEquals(List.of(new PriceTier(200_000, d("2.5"), d("15"), d("0.25"), d("2.5"))), p.tiers());
    }

    @Test
    void startDatePricesSwitchAtMidnightUtc() {
        Instant before = Instant.parse("2025-06-09T23:59:59Z");
        Instant from = Instant.parse("2025-06-10T00:00:00Z");
        assertEquals(d("10"), BOOK.price("openai", "o3", before).orElseThrow().inputPerMtok());
        assertEquals(d("2"), BOOK.price("openai", "o3", from).orElseThrow().inputPerMtok());
        // The book's clock picks the price in force now: claude-sonnet-5 goes up on 2026-09-01.
        assertEquals(d("2"), price("anthropic", "claude-sonnet-5").inputPerMtok());
        assertEquals(d("3"), BOOK.price("anthropic", "claude-sonnet-5", Instant.parse("2026-09-01T00:00:00Z"))
                .orElseThrow().inputPerMtok());
    }

    @Test
    void deepSeekPeakHoursAreHalfOpenUtcIntervals() {
        // Standard price 00:30-16:30 UTC; off-peak (the first, unconstrained entry) the rest of the day.
        assertEquals(d("0.27"), price("deepseek", "deepseek-chat").inputPerMtok());
        assertEquals(d("0.27"), at("deepseek-chat", "2026-08-22T00:30:00Z").inputPerMtok());
        assertEquals(d("0.135"), at("deepseek-chat", "2026-08-22T00:29:59Z").inputPerMtok());
        assertEquals(d("0.135"), at("deepseek-chat", "2026-08-22T16:30:00Z").inputPerMtok());
        assertEquals(d("0.55"), at("deepseek-chat", "2026-08-22T20:00:00Z").outputPerMtok());
    }

    private static ModelPrice at(String model, String instant) {
        return BOOK.price("deepseek", model, Instant.parse(instant)).orElseThrow();
    }

    @Test
    void lookupPrefersTheTargetsConfiguredPrice() {
        ModelPrice configured = new ModelPrice(d("1"), d("2"), null, null);
        Target priced = new Target(null, "openai", "gpt-4o-mini", null, List.of(new CredentialRef.None()),
                null, null, 0, configured);
        Target unpriced = new Target("openai", "gpt-4o-mini", null, new CredentialRef.None(), null, null);
        Target unknown = new Target("mock", "fast", null, new CredentialRef.None(), null, null);
        PriceLookup lookup = BOOK.asLookup();
        assertEquals(Optional.of(configured), lookup.price(priced));
        assertEquals(d("0.15"), lookup.price(unpriced).orElseThrow().inputPerMtok());
        assertEquals(Optional.empty(), lookup.price(unknown));
        assertEquals(Optional.of(configured), PriceBook.lookup().price(priced));
        assertEquals(d("0.15"), PriceBook.lookup().price(unpriced).orElseThrow().inputPerMtok());
    }

    @Test
    void everyModelOfTheShippedBookReads() {
        int models = 0;
        for (BookProvider provider : BOOK.providers()) {
            models += provider.models().size();
        }
        assertTrue(models > 1000, models + " models");
        assertEquals("bedrock", BOOK.providers().stream().filter(p -> p.id().equals("aws")).findFirst().orElseThrow()
                .type());
    }

    @Test
    void exactNameIndexAgreesWithFeedOrderOnTheShippedBook() {
        // genai-prices takes the first rule in feed order; the index must not change any answer it gives.
        List<String> disagreements = new java.util.ArrayList<>();
        for (BookProvider provider : BOOK.providers()) {
            for (BookModel model : provider.models()) {
                List<String> names = new java.util.ArrayList<>();
                MatchRule.exactNames(model.match(), names);
                for (String name : names) {
                    BookModel inOrder = provider.models().stream().filter(m -> m.match().matches(name))
                            .findFirst().orElseThrow();
                    if (inOrder != provider.find(name)) {
                        disagreements.add(provider.id() + ":" + name);
                    }
                }
            }
        }
        assertEquals(List.of(), disagreements);
    }

    @Test
    void repeatedLookupsAnswerTheSame() {
        Optional<PriceBook.Match> first = BOOK.find("anthropic", "claude-3-5-haiku-20241022");
        assertTrue(first.isPresent());
        assertEquals(first, BOOK.find("anthropic", "claude-3-5-haiku-20241022"));
        assertFalse(BOOK.find("anthropic", "gpt-4o").isPresent());
    }
}
