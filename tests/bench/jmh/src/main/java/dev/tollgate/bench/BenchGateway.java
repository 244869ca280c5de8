package dev.tollgate.bench;

import dev.tollgate.auth.GatewayKeys;
import dev.tollgate.budget.BudgetLimit;
import dev.tollgate.budget.BudgetStore;
import dev.tollgate.budget.Budgets;
import dev.tollgate.budget.InMemoryBudgetStore;
import dev.tollgate.budget.Money;
import dev.tollgate.budget.Period;
import dev.tollgate.budget.PriceBookCostModel;
import dev.tollgate.config.ConfigLoader;
import dev.tollgate.config.GatewayConfig;
import dev.tollgate.core.Gateway;
import dev.tollgate.core.GatewayFactory;
import dev.tollgate.core.GatewayRequest;
import dev.tollgate.log.RequestLog;
import dev.tollgate.pricing.PriceBook;
import dev.tollgate.providers.ProviderRegistry;
import dev.tollgate.routing.CooldownStore;
import dev.tollgate.routing.InMemoryCooldownStore;
import dev.tollgate.routing.RouteSwitch;
import dev.tollgate.routing.Sleeper;
import dev.tollgate.secrets.CredentialResolver;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.Map;
import java.util.SplittableRandom;

/** The gateways the benchmarks drive in process: one route "bench" to one priced target, one gateway key. */
final class BenchGateway {

    static final String KEY = "tg-bench-key";
    static final byte[] BODY = ("{\"model\":\"bench\",\"messages\":[{\"role\":\"user\",\"content\":"
            + "\"Say something short.\"}],\"max_tokens\":64}").getBytes(StandardCharsets.UTF_8);
    static final byte[] STREAM_BODY = ("{\"model\":\"bench\",\"stream\":true,\"messages\":[{\"role\":\"user\","
            + "\"content\":\"Say something short.\"}],\"max_tokens\":64}").getBytes(StandardCharsets.UTF_8);

    private BenchGateway() {
    }

    /**
     * The routing config: {@code provider} is {@code openai} (against {@link StubUpstreamClient}) or {@code mock}; the
     * target is gpt-4o-mini, priced from the bundled price book (the mock, which the book does not know, by a config
     * price at the same rates). {@code withKey}: the key is listed in the config
     * (else it must come from a key store).
     */
    static GatewayConfig config(String provider, boolean withKey) {
        String target = provider.equals("openai")
                ? "{provider: openai, model: gpt-4o-mini, base_url: 'http://127.0.0.1:9/v1', credential: none}"
                : "{provider: mock, model: gpt-4o-mini, options: {reply: 'tok tok tok tok tok tok tok tok tok tok'}, "
                + "price: {input_per_mtok: '0.15', output_per_mtok: '0.60'}}";
        String keys = withKey ? "keys:\n  - {id: bench, sha256: " + GatewayKeys.sha256(KEY) + "}\n" : "";
        String yaml = "models:\n  - name: bench\n    targets:\n      - " + target + "\n" + keys;
        return ConfigLoader.validate(ConfigLoader.readRaw(yaml, "bench"), "bench");
    }

    /** A global daily budget far above anything a benchmark spends: every request holds and settles on it. */
    static void globalBudget(BudgetStore store) {
        store.putLimit(new BudgetLimit("global", Money.nanos(new BigDecimal("1000000")), Period.DAILY, 0, "alert",
                false));
    }

    /** In-memory stores; {@code budgeted}: with Budgets (global limit, metering, ledger), else without. */
    static Gateway inMemory(GatewayConfig config, ProviderRegistry providers, boolean budgeted, RequestLog log) {
        Clock clock = Clock.systemUTC();
        CredentialResolver credentials = new CredentialResolver(Map.of(), null, null);
        CooldownStore cooldowns = new InMemoryCooldownStore();
        if (!budgeted) {
            return new Gateway(config, GatewayFactory.router(config, providers, credentials, cooldowns,
                    RouteSwitch.NONE, clock, new SplittableRandom(1), Sleeper.REAL, log), log);
        }
        InMemoryBudgetStore store = new InMemoryBudgetStore();
        globalBudget(store);
        Budgets budgets = new Budgets(store, new PriceBookCostModel(PriceBook.lookup()), clock, log, false);
        return new Gateway(config, new GatewayKeys(config.keys()), GatewayFactory.router(config, providers,
                credentials, cooldowns, budgets, clock, new SplittableRandom(1), Sleeper.REAL, log), log);
    }

    static GatewayRequest chat(byte[] body) {
        return new GatewayRequest("POST", "/v1/chat/completions",
                Map.of("Authorization", "Bearer " + KEY, "Content-Type", "application/json"), body);
    }

    /** The log sink of the benchmarks: each line is still built and serialised, then dropped. */
    static RequestLog discardingLog() {
        return new RequestLog(line -> {
        });
    }
}
