package dev.tollgate.reconcile;

import java.util.Locale;
import java.util.regex.Pattern;

/**
 * One name per model across the ledger and the bills: targets name a model as configured ({@code gpt-4o-mini},
 * {@code claude-sonnet-4-5}, {@code claude-3-5-haiku-latest}) while bills name the snapshot that served it
 * ({@code gpt-4o-mini-2024-07-18}, {@code claude-sonnet-4-5-20250929}). The canonical name drops the snapshot
 * suffix, so both sides of one model meet.
 */
public final class ModelNames {

    private static final Pattern SNAPSHOT = Pattern.compile("(-\\d{4}-\\d{2}-\\d{2}|-\\d{8}|-latest)$");

    private ModelNames() {
    }

    public static String canonical(String model) {
        if (model == null || model.isBlank()) {
            return UNKNOWN;
        }
        return SNAPSHOT.matcher(model.trim().toLowerCase(Locale.ROOT)).replaceFirst("");
    }

    /** Billed costs that name no model (tools, storage, fine-tuning, ...): metered by no gateway request. */
    public static final String UNATTRIBUTED = "(unattributed)";

    /** Ledger entries of a provider without a model name. */
    public static final String UNKNOWN = "(unknown)";
}
