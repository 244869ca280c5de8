package dev.tollgate.e2e;

import dev.tollgate.fakes.FakeAnthropicBillingServer;
import dev.tollgate.fakes.FakeOpenAiBillingServer;
import dev.tollgate.reconcile.billing.BilledDay;
import dev.tollgate.reconcile.billing.AnthropicBillingSource;
import dev.tollgate.reconcile.billing.BillingException;
import dev.tollgate.reconcile.billing.OpenAiBillingSource;
import dev.tollgate.secrets.Credential;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.net.http.HttpClient;
import java.time.Clock;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The billing clients against the fakes: project and workspace filters, retries that honour Retry-After. */
class BillingSourceFiltersTest {

    private static final LocalDate DAY = LocalDate.parse("2025-11-16");
    private final HttpClient http = HttpClient.newHttpClient();
    private final List<Duration> slept = new ArrayList<>();

    @Test
    void openAiCountsOnlyTheConfiguredProjects() throws Exception {
        try (FakeOpenAiBillingServer fake = new FakeOpenAiBillingServer("sk-admin-f")) {
            fake.cost(DAY, "gpt-4o-mini-2024-07-18, input", "proj_gateway", "0.0006")
                    .cost(DAY, "gpt-4o-2024-08-06, input", "proj_other", "12.5")
                    .usage(DAY, "gpt-4o-mini-2024-07-18", "proj_gateway", 4000, 0, 0, 4)
                    .usage(DAY, "gpt-4o-2024-08-06", "proj_other", 5_000_000, 0, 0, 1000);
            OpenAiBillingSource source = new OpenAiBillingSource(http, fake.baseUrl(), new Credential("sk-admin-f"),
                    List.of("proj_gateway"), Clock.systemUTC(), slept::add);
            BilledDay day = source.fetch(DAY, DAY).day(DAY).orElseThrow();
            assertEquals(0, new BigDecimal("0.0006").compareTo(day.totalUsd()));
            assertEquals(List.of("gpt-4o-mini"), List.copyOf(day.models().keySet()));
            assertEquals(4000, day.tokens().promptTokens());
            assertEquals(List.of("proj_gateway"),
                    fake.received(FakeOpenAiBillingServer.COSTS).getFirst().query().get("project_ids[]"));
        }
    }

    @Test
    void anthropicCountsOnlyTheConfiguredWorkspacesAndDefaultNamesTheDefaultOne() throws Exception {
        try (FakeAnthropicBillingServer fake = new FakeAnthropicBillingServer("sk-ant-admin01-f")) {
            fake.tokenCost(DAY, "claude-sonnet-4-5-20250929", "output_tokens", "wrkspc_gateway", "60")
                    .tokenCost(DAY, "claude-sonnet-4-5-20250929", "output_tokens", "wrkspc_other", "900")
                    .tokenCost(DAY, "claude-haiku-4-5-20251001", "output_tokens", null, "5.5")
                    .usage(DAY, "claude-sonnet-4-5-20250929", "wrkspc_gateway", 10, 0, 0, 0, 40_000)
                    .usage(DAY, "claude-sonnet-4-5-20250929", "wrkspc_other", 10, 0, 0, 0, 600_000);
            AnthropicBillingSource source = new AnthropicBillingSource(http, fake.baseUrl(),
                    new Credential("sk-ant-admin01-f"), List.of("wrkspc_gateway", "default"), Clock.systemUTC(),
                    slept::add);
            BilledDay day = source.fetch(DAY, DAY).day(DAY).orElseThrow();
            assertEquals(0, new BigDecimal("0.655").compareTo(day.totalUsd()), "60 + 5.5 cents");
            assertEquals(40_000, day.models().get("claude-sonnet-4-5").tokens().completionTokens());
            assertEquals(List.of("description", "workspace_id"),
                    fake.received(FakeAnthropicBillingServer.COST_REPORT).getFirst().query().get("group_by[]"));
        }
    }

    @Test
    void aMalformedBodyIsAnErrorNotRetriedAndASlowAnswerIsWaitedFor() throws Exception {
        try (FakeOpenAiBillingServer fake = new FakeOpenAiBillingServer("sk-admin-f")) {
            fake.cost(DAY, "gpt-4o-mini-2024-07-18, input", null, "0.0006");
            OpenAiBillingSource source = new OpenAiBillingSource(http, fake.baseUrl(), new Credential("sk-admin-f"),
                    List.of(), Clock.systemUTC(), slept::add);
            fake.malformed();
            BillingException e = assertThrows(BillingException.class, () -> source.fetch(DAY, DAY));
            assertTrue(e.getMessage().contains("malformed JSON"), e.getMessage());
            assertEquals(1, fake.received(FakeOpenAiBillingServer.COSTS).size(), "not retried");

            fake.delay(Duration.ofMillis(400));
            long start = System.nanoTime();
            assertTrue(source.fetch(DAY, DAY).day(DAY).isPresent());
            assertTrue(System.nanoTime() - start >= Duration.ofMillis(400).toNanos());
        }
    }

    @Test
    void rateLimitsWaitWhatRetryAfterSaysAndGiveUpAfterFourAttempts() throws Exception {
        try (FakeAnthropicBillingServer fake = new FakeAnthropicBillingServer("sk-ant-admin01-f")) {
            fake.tokenCost(DAY, "claude-sonnet-4-5-20250929", "output_tokens", null, "1");
            String limited = "{\"type\":\"error\",\"error\":{\"type\":\"rate_limit_error\",\"message\":\"slow down\"}}";
            fake.fail(429, limited, "7");
            AnthropicBillingSource source = new AnthropicBillingSource(http, fake.baseUrl(),
                    new Credential("sk-ant-admin01-f"), List.of(), Clock.systemUTC(), slept::add);
            assertEquals(0, new BigDecimal("0.01").compareTo(source.fetch(DAY, DAY).day(DAY).orElseThrow().totalUsd()));
            assertEquals(List.of(Duration.ofSeconds(7)), slept);

            for (int i = 0; i < 4; i++) {
                fake.fail(429, limited, "120");
            }
            BillingException e = assertThrows(BillingException.class, () -> source.fetch(DAY, DAY));
            assertEquals(429, e.status());
            assertTrue(e.getMessage().contains("rate_limit_error"), e.getMessage());
            assertEquals(Duration.ofSeconds(30), slept.getLast(), "a long hint is capped");
        }
    }
}
