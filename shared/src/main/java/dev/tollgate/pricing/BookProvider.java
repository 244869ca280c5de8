package dev.tollgate.pricing;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The models of one provider, in feed order. {@code type} is the Tollgate provider type, {@code id} the
 * genai-prices id; {@code providerMatch} (may be null) recognises other spellings of the provider;
 * {@code fallback} names providers whose models this one also serves (Azure serves OpenAI's).
 *
 * <p>Models are built on first use: a gateway prices a handful of providers, and building all of them (OpenRouter
 * alone lists ~700) would cost a cold start for nothing.
 */
public final class BookProvider {

    private final String type;
    private final String id;
    private final MatchRule providerMatch;
    private final List<String> fallback;
    private Supplier<List<BookModel>> source; // dropped once built, with the JSON it holds
    private volatile Models built;

    private record Models(List<BookModel> list, Map<String, BookModel> exact) {
    }

    public BookProvider(String type, String id, MatchRule providerMatch, List<String> fallback,
                        Supplier<List<BookModel>> models) {
        this.type = type;
        this.id = id;
        this.providerMatch = providerMatch;
        this.fallback = List.copyOf(fallback);
        this.source = models;
    }

    public BookProvider(String type, String id, MatchRule providerMatch, List<String> fallback,
                        List<BookModel> models) {
        this(type, id, providerMatch, fallback, () -> models);
    }

    public String type() {
        return type;
    }

    public String id() {
        return id;
    }

    public List<String> fallback() {
        return fallback;
    }

    public List<BookModel> models() {
        return built().list();
    }

    /** Whether this provider's own alias rule accepts a lower-case provider name. */
    boolean answersTo(String lowerProvider) {
        return providerMatch != null && providerMatch.matches(lowerProvider);
    }

    /** The model for a lower-case name: a plain-equality name first (one hash lookup), then every rule in order. */
    public BookModel find(String lowerName) {
        Models models = built();
        BookModel exactHit = models.exact().get(lowerName);
        if (exactHit != null) {
            return exactHit;
        }
        for (BookModel model : models.list()) {
            if (model.match().matches(lowerName)) {
                return model;
            }
        }
        return null;
    }

    private Models built() {
        Models current = built;
        if (current == null) {
            synchronized (this) {
                current = built;
                if (current == null) {
                    List<BookModel> list = List.copyOf(source.get());
                    current = new Models(list, exactIndex(list));
                    built = current;
                    source = null;
                }
            }
        }
        return current;
    }

    /** Names each model accepts by equality alone; where two models list one name, the first in the feed keeps it. */
    private static Map<String, BookModel> exactIndex(List<BookModel> models) {
        Map<String, BookModel> index = new HashMap<>();
        List<String> names = new ArrayList<>();
        for (BookModel model : models) {
            names.clear();
            MatchRule.exactNames(model.match(), names);
            for (String name : names) {
                index.putIfAbsent(name, model);
            }
        }
        return Map.copyOf(index);
    }
}
