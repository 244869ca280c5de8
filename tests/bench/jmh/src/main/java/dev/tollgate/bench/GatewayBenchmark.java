package dev.tollgate.bench;

import dev.tollgate.core.Gateway;
import dev.tollgate.core.GatewayRequest;
import dev.tollgate.core.GatewayResponse;
import dev.tollgate.json.JsonCodec;
import dev.tollgate.providers.ProviderRegistry;
import dev.tollgate.providers.mock.MockAdapter;
import dev.tollgate.providers.openai.OpenAiAdapter;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

import java.io.IOException;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The core's per-request work, in process and single-threaded: {@code Gateway.handle} on a non-streaming chat
 * completion (parse, authenticate, route, budget hold, translate, serialise the upstream body, parse the upstream
 * answer and its usage, cost, settle, log line), against an in-process upstream; and pieces of it for comparison.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class GatewayBenchmark {

    private Gateway budgeted;
    private Gateway unbudgeted;
    private Gateway mock;
    private GatewayRequest chat;
    private GatewayRequest health;

    @Setup
    public void setUp() {
        Clock clock = Clock.systemUTC();
        ProviderRegistry providers = new ProviderRegistry(List.of(new OpenAiAdapter(new StubUpstreamClient(), clock),
                new MockAdapter(clock)));
        budgeted = BenchGateway.inMemory(BenchGateway.config("openai", true), providers, true,
                BenchGateway.discardingLog());
        unbudgeted = BenchGateway.inMemory(BenchGateway.config("openai", true), providers, false,
                BenchGateway.discardingLog());
        mock = BenchGateway.inMemory(BenchGateway.config("mock", true), providers, true, BenchGateway.discardingLog());
        chat = BenchGateway.chat(BenchGateway.BODY);
        health = new GatewayRequest("GET", "/health", Map.of(), null);
        for (Gateway gateway : List.of(budgeted, unbudgeted, mock)) {
            GatewayResponse response = gateway.handle(chat);
            if (response.status() != 200) {
                throw new IllegalStateException("the benchmark gateway answered " + response.status() + ": "
                        + new String(((GatewayResponse.Buffered) response).body()));
            }
        }
    }

    /** The target figure: a whole chat completion with usage, priced, held and settled on a global budget. */
    @Benchmark
    public GatewayResponse chatCompletion() {
        return budgeted.handle(chat);
    }

    /** The same without budgets (no metering, no ledger): the difference is what budgets cost per request. */
    @Benchmark
    public GatewayResponse chatCompletionWithoutBudgets() {
        return unbudgeted.handle(chat);
    }

    /** The built-in mock provider instead of the OpenAI adapter (it builds its answer as a JSON tree). */
    @Benchmark
    public GatewayResponse chatCompletionMockProvider() {
        return mock.handle(chat);
    }

    /** The fixed cost of any request: request id, context, routing by path, the log line. */
    @Benchmark
    public GatewayResponse health() {
        return budgeted.handle(health);
    }

    /** Parsing the client's body into a tree, which every request does once. */
    @Benchmark
    public Object parseRequest() throws IOException {
        return JsonCodec.parse(BenchGateway.BODY);
    }
}
