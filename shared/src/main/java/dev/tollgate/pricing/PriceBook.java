package dev.tollgate.pricing;

import dev.tollgate.routing.PriceLookup;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Model prices and context windows from the genai-prices feed, as derived into {@code prices.json} in this package.
 *
 * <p>A lookup names a Tollgate provider type ({@code openai}, {@code anthropic}, {@code gemini}, {@code bedrock},
 * {@code azure}, or a genai-prices provider id such as {@code groq}) and a model name. The provider is found by type,
 * then genai-prices id, then the provider's alias rule; the model by a name it lists verbatim, then by the first rule
 * in feed order that accepts it, then the same for a name stripped up to its last {@code models/} (Gemini resource
 * names), then in the providers it falls back to (Azure to OpenAI and Anthropic). Names compare in lower case.
 * Anything not found is empty: an unknown price is never taken as zero.
 *
 * <p>Immutable and thread-safe; resolved matches are cached (bounded) since targets repeat.
 */
public final class PriceBook {

    static final String RESOURCE = "prices.json";
    private static final int CACHE_LIMIT = 4096;

    private final String sourceCommit;
    private final List<BookProvider> providers;
    private final Map<String, BookProvider> byName;
    private final Map<String, BookProvider> byId;
    private final Clock clock;
    private final Map<String, Optional<Match>> cache = new ConcurrentHashMap<>();

    /** Where a name was found: the genai-prices provider id (possibly a fallback's) and the model entry. */
    public record Match(String providerId, BookModel model) {
    }

    PriceBook(String sourceCommit, List<BookProvider> providers, Clock clock) {
        this.sourceCommit = sourceCommit;
        this.providers = List.copyOf(providers);
        this.clock = clock;
        Map<String, BookProvider> names = new HashMap<>();
        Map<String, BookProvider> ids = new HashMap<>();
        for (BookProvider provider : this.providers) {
            names.putIfAbsent(provider.type(), provider);
            ids.putIfAbsent(provider.id(), provider);
        }
        for (Map.Entry<String, BookProvider> id : ids.entrySet()) {
            names.putIfAbsent(id.getKey(), id.getValue());
        }
        this.byName = Map.copyOf(names);
        this.byId = Map.copyOf(ids);
    }

    /** Reads the price book shipped in the jar; prices that change over time are chosen by {@code clock}. */
    public static PriceBook load(Clock clock) {
        try (InputStream in = PriceBook.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("price book resource missing: dev/tollgate/pricing/" + RESOURCE);
            }
            PriceBookReader.Contents contents = PriceBookReader.read(in);
            return new PriceBook(contents.sourceCommit(), contents.providers(), clock);
        } catch (IOException e) {
            throw new UncheckedIOException("price book unreadable", e);
        }
    }

    /**
     * The shipped price book on the system UTC clock, read once per JVM on first use (not at class load): it is
     * immutable data, like a constant, so one copy serves every gateway in the process.
     */
    public static PriceBook bundled() {
        return Bundled.BOOK;
    }

    private static final class Bundled {
        static final PriceBook BOOK = load(Clock.systemUTC());
    }

    /**
     * A {@link PriceLookup} for routing and budgets: a target's configured price wins, else the bundled book's.
     * The book is read on the first lookup that needs it, so building the lookup costs nothing at cold start.
     */
    public static PriceLookup lookup() {
        return target -> target.price() != null ? Optional.of(target.price())
                : bundled().price(target.provider(), target.model());
    }

    /** Like {@link #lookup()}, on this book. */
    public PriceLookup asLookup() {
        return target -> target.price() != null ? Optional.of(target.price())
                : price(target.provider(), target.model());
    }

    /** The price in force now (by this book's clock). */
    public Optional<ModelPrice> price(String providerType, String model) {
        return price(providerType, model, clock.instant());
    }

    /**
     * The price in force at {@code at}. Resolve once per request, at its start, and use that same price to reserve
     * and to settle, so a price change mid-request (DeepSeek's off-peak hours) cannot split the two.
     */
    public Optional<ModelPrice> price(String providerType, String model, Instant at) {
        return find(providerType, model).flatMap(match -> match.model().prices().at(at));
    }

    /** The model's context window in tokens, when the feed states one. */
    public OptionalLong contextWindow(String providerType, String model) {
        Optional<Match> match = find(providerType, model);
        if (match.isEmpty() || match.get().model().contextWindow() <= 0) {
            return OptionalLong.empty();
        }
        return OptionalLong.of(match.get().model().contextWindow());
    }

    /** The book entry a provider type and model name resolve to, if any. */
    public Optional<Match> find(String providerType, String model) {
        if (providerType == null || model == null) {
            return Optional.empty();
        }
        String key = providerType + '\n' + model;
        Optional<Match> cached = cache.get(key);
        if (cached != null) {
            return cached;
        }
        Optional<Match> found = resolve(MatchRule.lower(providerType.strip()), MatchRule.lower(model.strip()));
        if (cache.size() < CACHE_LIMIT) {
            cache.putIfAbsent(key, found);
        }
        return found;
    }

    /** The genai-prices commit the book was derived from. */
    public String sourceCommit() {
        return sourceCommit;
    }

    public List<BookProvider> providers() {
        return providers;
    }

    private Optional<Match> resolve(String providerName, String name) {
        BookProvider provider = provider(providerName);
        if (provider == null) {
            return Optional.empty();
        }
        Optional<Match> found = inProviderOrFallbacks(provider, name);
        int resource = name.lastIndexOf("models/");
        if (found.isEmpty() && resource >= 0 && resource + 7 < name.length()) {
            found = inProviderOrFallbacks(provider, name.substring(resource + 7));
        }
        return found;
    }

    private Optional<Match> inProviderOrFallbacks(BookProvider provider, String name) {
        BookModel model = provider.find(name);
        if (model != null) {
            return Optional.of(new Match(provider.id(), model));
        }
        // One step only, as in genai-prices: a fallback's own fallbacks are not searched.
        for (String fallbackId : provider.fallback()) {
            BookProvider fallback = byId.get(fallbackId);
            BookModel viaFallback = fallback == null ? null : fallback.find(name);
            if (viaFallback != null) {
                return Optional.of(new Match(fallback.id(), viaFallback));
            }
        }
        return Optional.empty();
    }

    private BookProvider provider(String name) {
        BookProvider exact = byName.get(name);
        if (exact != null) {
            return exact;
        }
        for (BookProvider provider : providers) {
            if (provider.answersTo(name)) {
                return provider;
            }
        }
        return null;
    }
}
